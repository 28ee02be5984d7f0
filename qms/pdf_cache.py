"""Official forms as PDFs, laid out off the request path (issue 13).

A download view checks who may read the record exactly as before, then calls `pdf_download`. That builds the
form's HTML (cheap: a template) and keys the PDF on its digest, so a PDF is cached per version of everything
it shows (the record, its children, the agency's names) and never served stale. The PDF is laid out by the
Celery task `qms.tasks.render_form_pdf` under a hard time limit (settings.QMS_PDF_TIME_LIMIT) and kept in the
media storage under `pdf-cache/<code>/<pk>/<digest>.pdf`. Until it is there the page says "Đang tạo tệp
PDF…" and reloads itself (a meta refresh, no script); a render that failed, ran out of time or was lost with
its worker says so, with a link to try again — never a stuck page or a 500."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import pdf

logger = logging.getLogger(__name__)

CACHE_DIR = "pdf-cache"
READY, PENDING, FAILED = "ready", "pending", "failed"
TIMEOUT, ERROR, LOST = "timeout", "error", "lost"
REFRESH_SECONDS = 2


def hard_time_limit() -> int:
    return settings.QMS_PDF_TIME_LIMIT + 15


def _folder(code: str, pk: int) -> str:
    return f"{CACHE_DIR}/{slugify(code)}/{pk}"


def _name(code: str, pk: int, key: str, suffix: str) -> str:
    return f"{_folder(code, pk)}/{key}.{suffix}"


def content_key(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:40]


def _put(name: str, text: str | bytes) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(text.encode() if isinstance(text, str) else text))


def _read(name: str) -> str | None:
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read().decode(errors="replace")
    except (FileNotFoundError, OSError):
        return None


def _drop(name: str) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)


@dataclass(frozen=True)
class PdfState:
    status: str  # READY, PENDING or FAILED
    name: str = ""  # the stored PDF when READY
    reason: str = ""  # TIMEOUT, ERROR or LOST when FAILED


def pdf_state(code: str, pk: int, key: str) -> PdfState | None:
    """Where the PDF of this content stands; None when nobody asked for it yet."""
    pending = _read(_name(code, pk, key, "pending"))
    if pending is not None:
        try:
            started = float(pending)
        except ValueError:
            started = 0.0
        if time.time() - started <= hard_time_limit() + 30:
            return PdfState(PENDING)
        return PdfState(FAILED, reason=LOST)  # the worker died with it, or no worker took it
    name = _name(code, pk, key, "pdf")
    if default_storage.exists(name):
        return PdfState(READY, name=name)
    failed = _read(_name(code, pk, key, "failed"))
    if failed is not None:
        return PdfState(FAILED, reason=failed.strip() or ERROR)
    return None


def pdf_request(code: str, pk: int, key: str, *, retry: bool = False) -> PdfState:
    """The PDF's state, asking the worker for it when nobody has yet (or `retry` after a failure)."""
    from .tasks import render_form_pdf

    state = pdf_state(code, pk, key)
    if state is not None and not (retry and state.status == FAILED):
        return state
    _drop(_name(code, pk, key, "failed"))
    _put(_name(code, pk, key, "pending"), repr(time.time()))
    try:
        render_form_pdf.delay(code, pk, key)
    except Exception:  # noqa: BLE001 — the broker is down: say so on the page rather than wait or fail with a 500
        logger.exception("PDF %s #%s could not be queued", code, pk)
        _fail(code, pk, key, LOST)
    return pdf_state(code, pk, key) or PdfState(PENDING)  # eager (tests, `make bench`): already there


def pdf_render_to_cache(*, code: str, pk: int, key: str) -> str:
    """What the task runs: lay the form out and store it; on a failure or the soft time limit, leave a note
    the page shows. Returns the state reached."""
    try:
        form = pdf.REGISTRY[code]
        assert form.html is not None, f"{code} is registered without its HTML"
        html = form.html(pk)
        key_now = content_key(html)  # the record may have changed since the page asked: store what it is now
        data = pdf.html_to_pdf(html)
    except SoftTimeLimitExceeded:
        logger.warning("PDF %s #%s: stopped after %s s", code, pk, settings.QMS_PDF_TIME_LIMIT)
        return _fail(code, pk, key, TIMEOUT)
    except Exception:  # noqa: BLE001 — shown on the page as a failure; the traceback goes to the log
        logger.exception("PDF %s #%s failed", code, pk)
        return _fail(code, pk, key, ERROR)
    name = _name(code, pk, key_now, "pdf")
    _put(name, data)
    for stale_key in {key, key_now}:
        _drop(_name(code, pk, stale_key, "pending"))
        _drop(_name(code, pk, stale_key, "failed"))
    _forget_older(code, pk, keep=name)
    return READY


def _fail(code: str, pk: int, key: str, reason: str) -> str:
    _put(_name(code, pk, key, "failed"), reason)
    _drop(_name(code, pk, key, "pending"))
    return FAILED


def _forget_older(code: str, pk: int, *, keep: str) -> None:
    """Only the newest PDF of a record is kept; pending notes of other versions stay until they expire."""
    try:
        _dirs, files = default_storage.listdir(_folder(code, pk))
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        name = f"{_folder(code, pk)}/{file}"
        if name != keep and not file.endswith(".pending"):
            _drop(name)


def _failure_message(reason: str) -> str:
    if reason == TIMEOUT:
        return _(
            "Tạo tệp PDF quá %(seconds)s giây nên đã dừng lại. Văn bản có thể quá dài: hãy rút gọn nội dung hoặc báo quản trị hệ thống."
        ) % {"seconds": settings.QMS_PDF_TIME_LIMIT}
    if reason == LOST:
        return _("Việc tạo tệp PDF bị gián đoạn (hệ thống xử lý nền không phản hồi). Hãy thử lại sau ít phút.")
    return _("Không tạo được tệp PDF do lỗi hệ thống. Hãy thử lại; nếu vẫn lỗi, hãy báo quản trị hệ thống.")


def pdf_download(request: HttpRequest, *, code: str, pk: int, filename: str, as_attachment: bool) -> HttpResponse:
    """The form's PDF once the worker has laid it out; until then a page that says so and reloads itself.
    Call it after the view's permission checks: it reads the record by `pk` unfiltered."""
    form = pdf.REGISTRY[code]
    assert form.html is not None, f"{code} is registered without its HTML"
    key = content_key(form.html(pk))
    state = pdf_request(code, pk, key, retry=request.GET.get("retry") == "1")
    if state.status == READY:
        with default_storage.open(state.name, "rb") as handle:
            response = HttpResponse(handle.read(), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename) or "attachment"
    else:
        context = {
            "code": code,
            "title": form.title,
            "pending": state.status == PENDING,
            "message": "" if state.status == PENDING else _failure_message(state.reason),
            "refresh_seconds": REFRESH_SECONDS,
            "url": request.path,
        }
        # 202 while the worker is at it; a failure is a page with its message, not a server error.
        response = HttpResponse(
            render_to_string("qms/pdf_status.html", context, request=request), status=202 if context["pending"] else 200
        )
    response["Cache-Control"] = "private, no-store"
    return response
