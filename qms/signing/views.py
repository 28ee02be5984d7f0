"""The verification page: any signed-in user uploads a PDF and reads the check of its signatures. The file
is read in memory, checked and forgotten (never stored)."""

from __future__ import annotations

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.http import AuthenticatedHttpRequest


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp PDF cần kiểm tra"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.QMS_VERIFY_MAX_BYTES
        if PurePath(upload.name or "").suffix.lower() != ".pdf":
            raise forms.ValidationError(_("Chỉ kiểm tra tệp PDF (.pdf)."))
        if (upload.size or 0) > limit:
            raise forms.ValidationError(
                _("Tệp có dung lượng %(size)s, vượt quá giới hạn %(max)s.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)}
            )
        upload.seek(0)
        if not upload.read(1024).lstrip().startswith(b"%PDF"):
            raise forms.ValidationError(_("Nội dung tệp không phải PDF."))
        upload.seek(0)
        return upload


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        from .verify import verify_pdf  # pyHanko is loaded when a file is checked, not with the URLs

        check = verify_pdf(form.cleaned_data["file"].read(), user=request.user)
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    tsa = bool(settings.QMS_TSA_URL)
    return render(request, "qms/verify.html", {"form": form, "check": check, "tsa": tsa}, status=status)
