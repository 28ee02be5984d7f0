"""The ticket list as an Excel workbook (same filter as the screen).

Written for size (issue 15): openpyxl's write-only mode streams the rows, the tickets are read as plain
values (`values_list`, the units' and people's names joined in the same query), and every label (kind,
source, status, verification) is translated once per export rather than once per row. A list longer than
QMS_EXPORT_SYNC_MAX tickets is built by the Celery task `export_tickets_xlsx` off the request path, with
its progress shown on a page that reloads itself (the approach of qms.pdf_cache): `export_request`,
`export_state`, `export_build`."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from qms.excel import safe_cell

from .models import ACTIVE_ACTION_STATES, Kind, Source, TicketStatus, Verification

logger = logging.getLogger(__name__)

_FIELDS = (
    "number",
    "year",
    "description_date",
    "requesting_unit__name",
    "unit__name",
    "kind",
    "source",
    "source_other",
    "process",
    "clause",
    "description",
    "requester__full_name",
    "requester__first_name",
    "requester__last_name",
    "requester__username",
    "status",
    "implementing_unit__name",
    "assignee__full_name",
    "assignee__first_name",
    "assignee__last_name",
    "assignee__username",
    "completion_date",
    "verification",
    "predecessor__number",
    "predecessor__year",
)
_WIDTHS = [10, 12, 24, 24, 18, 28, 28, 12, 50, 22, 28, 24, 22, 14, 9, 16, 12]
# Rows between two progress notes of an export built by the worker.
_PROGRESS_EVERY = 2000


def _headers() -> list[str]:
    return [
        _("Số phiếu"),
        _("Ngày"),
        _("Đơn vị đề nghị"),
        _("Đơn vị có sự KPH"),
        _("Loại"),
        _("Nguồn"),
        _("Quy trình/thủ tục"),
        _("Điều khoản"),
        _("Mô tả"),
        _("Người đề nghị"),
        _("Trạng thái"),
        _("Đơn vị thực hiện"),
        _("Người thực hiện"),
        _("Ngày hoàn thành"),
        _("Quá hạn"),
        _("Kết quả kiểm tra"),
        _("Phiếu trước"),
    ]


def _person(full_name: str | None, first: str | None, last: str | None, username: str | None) -> str:
    """User.display_name from the row's values."""
    if username is None:
        return ""
    return full_name or f"{first or ''} {last or ''}".strip() or username


def tickets_xlsx(tickets: QuerySet, *, progress: Callable[[int], None] | None = None) -> bytes:
    """The workbook of `tickets` (their order kept). `progress(rows_written)` is called now and then."""
    today = timezone.localdate()
    # Each label translated once for the whole export.
    kinds = {value: str(label) for value, label in Kind.choices}
    sources = {value: str(label) for value, label in Source.choices}
    statuses = {value: str(label) for value, label in TicketStatus.choices}
    verifications = {value: str(label) for value, label in Verification.choices}
    active, other, yes = set(ACTIVE_ACTION_STATES), Source.OTHER.value, _("Có")

    wb = Workbook(write_only=True)
    ws: Worksheet = wb.create_sheet(_("Phiếu HĐKP"))
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", _WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    header = []
    for text in _headers():
        cell = WriteOnlyCell(ws, value=safe_cell(text))
        cell.font, cell.alignment = bold, wrap
        header.append(cell)
    ws.append(header)

    def date_cell(value: dt.date | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "DD/MM/YYYY"
        return cell

    written = 0
    for row in tickets.values_list(*_FIELDS).iterator(chunk_size=2000):
        (number, year, described, requesting, unit, kind, source, source_other, process, clause, description) = row[:11]
        requester = _person(*row[11:15])
        status, implementing = row[15], row[16]
        assignee = _person(*row[17:21])
        completion, verification, before_number, before_year = row[21:25]
        source_text = sources.get(source, source)
        if source == other and source_other:
            source_text = f"{source_text}: {source_other}"
        ws.append(
            [
                f"{number:02d}/{year}",
                date_cell(described),
                safe_cell(requesting or ""),
                safe_cell(unit or ""),
                kinds.get(kind, kind),
                safe_cell(source_text),
                safe_cell(process),
                safe_cell(clause),
                safe_cell(description),
                safe_cell(requester),
                statuses.get(status, status),
                safe_cell(implementing or ""),
                safe_cell(assignee),
                date_cell(completion),
                yes if status in active and completion is not None and completion < today else "",
                verifications.get(verification, verification or ""),
                f"{before_number:02d}/{before_year}" if before_number is not None else "",
            ]
        )
        written += 1
        if progress is not None and written % _PROGRESS_EVERY == 0:
            progress(written)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- Large exports, off the request path ---

CACHE_DIR = "export-cache/tickets"
READY, PENDING, FAILED = "ready", "pending", "failed"


def sync_limit() -> int:
    return int(getattr(settings, "QMS_EXPORT_SYNC_MAX", 20_000))


def export_key(*, user_id: int, params: dict[str, list[str]], tickets: QuerySet) -> str:
    """The export's name: who asked, with which filter, over which state of the list (its size and last
    change), so a changed list is exported again and nobody is served another person's file."""
    latest = tickets.order_by().aggregate(latest=Max("updated_at"))["latest"]
    raw = json.dumps([user_id, sorted(params.items()), tickets.count(), latest.isoformat() if latest else ""], default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _name(user_id: int, key: str, suffix: str) -> str:
    return f"{CACHE_DIR}/{user_id}/{key}.{suffix}"


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
class ExportState:
    status: str  # READY, PENDING or FAILED
    name: str = ""  # the stored workbook when READY
    done: int = 0  # rows written so far, while PENDING
    total: int = 0


def export_state(user_id: int, key: str) -> ExportState | None:
    """Where this export stands; None when nobody asked for it yet."""
    name = _name(user_id, key, "xlsx")
    if default_storage.exists(name):
        return ExportState(READY, name=name)
    pending = _read(_name(user_id, key, "pending"))
    if pending is not None:
        try:
            note = json.loads(pending)
            started, done, total = float(note["started"]), int(note["done"]), int(note["total"])
        except (ValueError, KeyError, TypeError):
            started, done, total = 0.0, 0, 0
        if time.time() - started <= settings.QMS_EXPORT_TIME_LIMIT + 30:
            return ExportState(PENDING, done=done, total=total)
        return ExportState(FAILED)  # the worker died with it, or no worker took it
    if _read(_name(user_id, key, "failed")) is not None:
        return ExportState(FAILED)
    return None


def export_request(*, user_id: int, params: dict[str, list[str]], key: str, total: int, retry: bool = False) -> ExportState:
    """The export's state, asking the worker for it when nobody has yet (or `retry` after a failure)."""
    from .tasks import export_tickets_xlsx

    state = export_state(user_id, key)
    if state is not None and not (retry and state.status == FAILED):
        return state
    _drop(_name(user_id, key, "failed"))
    _put(_name(user_id, key, "pending"), json.dumps({"started": time.time(), "done": 0, "total": total}))
    try:
        export_tickets_xlsx.delay(user_id, params, key)
    except Exception:  # noqa: BLE001 — the broker is down: say so on the page rather than wait or fail with a 500
        logger.exception("ticket export %s could not be queued", key)
        _put(_name(user_id, key, "failed"), "lost")
        _drop(_name(user_id, key, "pending"))
    return export_state(user_id, key) or ExportState(PENDING, total=total)  # eager (tests): already there


def export_build(*, user_id: int, params: dict[str, list[str]], key: str) -> str:
    """What the task runs: the same filter as the page, as the same person, written with its progress."""
    from types import SimpleNamespace

    from django.http import QueryDict

    from qms.models import User

    from .views.pages import list_queryset

    started = time.time()
    try:
        user = User.objects.get(pk=user_id)
        query = QueryDict(mutable=True)
        for field, values in params.items():
            query.setlist(field, values)
        tickets = list_queryset(SimpleNamespace(user=user, GET=query))  # type: ignore[arg-type]
        total = tickets.count()

        def progress(done: int) -> None:
            _put(_name(user_id, key, "pending"), json.dumps({"started": started, "done": done, "total": total}))

        data = tickets_xlsx(tickets, progress=progress)
    except Exception:  # noqa: BLE001 — shown on the page as a failure; the traceback goes to the log
        logger.exception("ticket export %s failed", key)
        _put(_name(user_id, key, "failed"), "error")
        _drop(_name(user_id, key, "pending"))
        return FAILED
    _put(_name(user_id, key, "xlsx"), data)
    _drop(_name(user_id, key, "pending"))
    _forget_older(user_id, keep=key)
    return READY


def _forget_older(user_id: int, *, keep: str) -> None:
    """A person keeps only their newest workbook."""
    folder = f"{CACHE_DIR}/{user_id}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        if not file.startswith(keep) and file.endswith(".xlsx"):
            _drop(f"{folder}/{file}")
