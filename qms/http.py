"""Request types for views behind @login_required (`request.user` is then a qms User, which mypy
cannot infer from the decorator), the one check of a `next` parameter and the one file download."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponseNotFound, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


def safe_next(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """A redirect to the request's `next` (POST, then GET) when it is a path on this site; to `default`
    (a URL) otherwise: another host, a scheme-relative `//host`, or a value that is not a path (`-1`)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def file_download(request: HttpRequest, file: FieldFile, *, filename: str | None = None) -> HttpResponseBase:
    """A stored file as an attachment; a 404 with a message (never a 500) when it is missing on disk."""
    if file:
        try:
            handle = file.open("rb")
        except FileNotFoundError:
            pass
        else:
            return FileResponse(handle, as_attachment=True, filename=filename or (file.name or "").rsplit("/", 1)[-1])
    message = _("Tệp này không còn trên máy chủ. Hãy báo quản trị hệ thống để khôi phục từ bản sao lưu.")
    return HttpResponseNotFound(render_to_string("qms/file_missing.html", {"message": message}, request=request))
