"""The Django admin pages of the Excel import and export of units and users (qms.user_import): upload, a
dry-run preview with every refusal by row and column, then the import itself; scoped to the admin's agency
(the provincial admin picks the agency)."""

from __future__ import annotations

import base64
import hashlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Organisation
from .user_import import ACTION_LABELS, MAX_FILE_BYTES, ImportFileError, export_workbook, import_apply, import_plan

SESSION_KEY = "qms_user_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.agencies(), label=gettext_lazy("Cơ quan"), required=False)
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))

    def __init__(self, *args, superuser: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if superuser:
            self.fields["organisation"].required = True
        else:
            del self.fields["organisation"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn %(n)s MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)})
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Hãy chọn một tệp Excel .xlsx."))
        return upload


def _agency(request: HttpRequest, chosen: Organisation | None = None) -> Organisation:
    if request.user.is_superuser:
        if chosen is None:
            raise PermissionDenied
        return chosen
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise PermissionDenied
    return organisation


def import_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    superuser = request.user.is_superuser
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Nhập đơn vị và người dùng từ Excel"),
        "action_labels": {key: label.render() for key, label in ACTION_LABELS.items()},
    }
    form = ImportForm(superuser=superuser)
    if request.method == "POST" and "apply" in request.POST:
        stored = request.session.get(SESSION_KEY)
        if not stored or stored.get("digest") != request.POST.get("digest"):
            messages.error(request, _("Bản xem trước đã hết hạn: hãy tải tệp lên lại."))
            return redirect("admin:qms_user_import")
        organisation = _agency(request, Organisation.objects.filter(pk=stored["organisation"]).first())
        try:
            plan = import_plan(organisation=organisation, content=base64.b64decode(stored["content"]))
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("admin:qms_user_import")
        if not plan.ok:  # the agency's data changed since the preview
            context.update(form=form, plan=plan)
            return TemplateResponse(request, "admin/qms/user/import.html", context)
        counts = import_apply(plan=plan, actor=request.user)  # type: ignore[arg-type]
        del request.session[SESSION_KEY]
        messages.success(
            request,
            _("Đã nhập: %(create)s dòng thêm mới, %(update)s dòng cập nhật, %(same)s dòng không đổi.")
            % {"create": counts["create"], "update": counts["update"], "same": counts["same"]},
        )
        return redirect("admin:qms_user_changelist")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, superuser=superuser)
        if form.is_valid():
            organisation = _agency(request, form.cleaned_data.get("organisation"))
            content = form.cleaned_data["file"].read()
            try:
                plan = import_plan(organisation=organisation, content=content)
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                # The dry run wrote nothing; the checked file waits in the session for the admin's go-ahead.
                digest = hashlib.sha256(content).hexdigest()
                request.session.pop(SESSION_KEY, None)  # an earlier preview is no longer the one on screen
                if plan.ok:
                    request.session[SESSION_KEY] = {
                        "organisation": organisation.pk,
                        "content": base64.b64encode(content).decode(),
                        "digest": digest,
                    }
                context.update(plan=plan, digest=digest, organisation=organisation)
    context["form"] = form
    return TemplateResponse(request, "admin/qms/user/import.html", context)


def export_view(model_admin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    chosen = None
    if request.user.is_superuser:
        chosen = Organisation.objects.agencies().filter(pk=request.GET.get("organisation") or 0).first()
        if chosen is None:
            messages.error(request, _("Hãy chọn cơ quan để xuất (lọc danh sách người dùng theo cơ quan)."))
            return redirect("admin:qms_user_changelist")
    organisation = _agency(request, chosen)
    response = HttpResponse(export_workbook(organisation=organisation), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="nguoi-dung-{organisation.code}-{timezone.localdate():%Y%m%d}.xlsx"'
    return response
