"""What every stage's writes share: the checked move, the labels of the audit trail, notices, stored
evidence, ticket numbers and the completion-date rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms.dates import format_date
from qms.errors import NotAllowed, ServiceError
from qms.messages import Message
from qms.models import Organisation, Unit, User
from qms.services import document_number_next, notification_send, state_transition
from qms.transitions import check_transition
from qms.uploads import validate_uploads
from qms.workdays import add_years

from ..models import TICKET_TRANSITIONS, Ticket, TicketAttachment
from ..rules import can_act, may_move

SERIES = "ca-ticket"

# Stored untranslated in the audit row; gettext_noop puts them in the catalogue so the trail can show them in English.
ACTION_LABELS = {
    "open": gettext_noop("Mở phiếu"),
    "correct": gettext_noop("Xác định hình thức xử lý trực tiếp, phân công thực hiện và kiểm tra"),
    "handle": gettext_noop("Ghi kết quả xử lý trực tiếp"),
    "confirm_handling": gettext_noop("Xác nhận kết quả xử lý trực tiếp"),
    "return_handling": gettext_noop("Trả lại kết quả xử lý trực tiếp"),
    "submit": gettext_noop("Xác định cần HĐKP/cải tiến, gửi Thư ký ISO"),
    "present": gettext_noop("Tổng hợp, trình Lãnh đạo Ban ISO"),
    "assign": gettext_noop("Phân công đơn vị, cá nhân thực hiện"),
    "propose": gettext_noop("Phân tích nguyên nhân, đề xuất biện pháp"),
    "approve": gettext_noop("Phê duyệt biện pháp, ấn định ngày hoàn thành"),
    "return": gettext_noop("Trả lại đề xuất biện pháp"),
    "report": gettext_noop("Báo cáo kết quả thực hiện"),
    "verify": gettext_noop("Kiểm tra xác nhận kết quả"),
    "close": gettext_noop("Đóng phiếu"),
}


def _not_allowed(ticket: Ticket) -> NotAllowed:
    # Names the ticket: a user acting on several at once sees which one refused.
    return NotAllowed(_("Bạn không có quyền thực hiện thao tác này trên phiếu %(n)s.") % {"n": ticket.number_display})


def ticket_move(
    *, ticket: Ticket, action: str, to: str, actor: User, note: Message | str = "", extra: Mapping[str, Any] | None = None
) -> None:
    """Check the move and its "who" in TICKET_TRANSITIONS, then make the conditional UPDATE (one wins
    under concurrency) and the audit row."""
    row = TICKET_TRANSITIONS.get(ticket.status, to)
    # The same move may be another action's (proposed → assigned is a return, not an assignment).
    if row is None or row.action != action:
        raise ServiceError(
            _("Phiếu %(n)s đang ở trạng thái “%(s)s”, không thể thực hiện thao tác này.")
            % {"n": ticket.number_display, "s": ticket.get_status_display()}
        )
    try:
        check_transition(TICKET_TRANSITIONS, ticket.status, to, actor=actor, may_act=lambda user, row: may_move(user, ticket, row))
    except NotAllowed as exc:
        raise _not_allowed(ticket) from exc
    state_transition(instance=ticket, to_state=to, actor=actor, action=Message(ACTION_LABELS[action]), note=note, extra=extra)


def action_require(*, actor: User, ticket: Ticket, action: str) -> None:
    """For the steps that are not moves (TICKET_STEPS): refuse a user who may not take `action`."""
    if not can_act(actor, ticket, action):
        raise _not_allowed(ticket)


def ticket_notify(*, recipients: Iterable[User | None], ticket: Ticket, subject: Message, body: Message | str = "") -> None:
    """Only people of the ticket's agency are told: a message never crosses to another agency."""
    notification_send(
        recipients=[user for user in recipients if user is not None and user.organisation_id == ticket.organisation_id],
        subject=subject,
        body=body,
        url=ticket.get_absolute_url(),
    )


def ticket_number_next(*, organisation: Organisation, year: int) -> int:
    """The agency's next ticket number in `year`: every agency numbers its tickets from 01."""
    return document_number_next(organisation=organisation, series=SERIES, year=year)


def same_agency_check(ticket: Ticket, **records: Unit | User | None) -> None:
    """Refuse a unit or a person of another agency (or a person of none) named on the ticket. The forms
    offer only the agency's own; this holds for every caller."""
    for field, record in records.items():
        if record is not None and record.organisation_id != ticket.organisation_id:
            raise ServiceError(_("%(name)s không thuộc cơ quan của phiếu này.") % {"name": record}, field=field)


def attachments_store(
    *, ticket: Ticket, actor: User, box: str, uploads: Iterable[UploadedFile], description: str = ""
) -> list[TicketAttachment]:
    """Check every file, then keep them all in `box`. A refused file refuses the whole write."""
    uploads = list(uploads)
    try:
        validate_uploads(uploads, stored_bytes=ticket.attachments.aggregate(total=Sum("size"))["total"] or 0)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="file") from exc
    return [
        TicketAttachment.objects.create(
            ticket=ticket,
            box=box,
            file=upload,
            original_name=(upload.name or "")[:255],
            size=upload.size or 0,
            description=description[:255],
            uploaded_by=actor,
        )
        for upload in uploads
    ]


# Plausible values (issue 11): a year of the records, and how far ahead a completion date may be set.
YEAR_MIN, YEAR_MAX = 2000, 2100
COMPLETION_MAX_YEARS_AHEAD = 5


def plausible_date_check(*, value: dt.date, field: str, label: str) -> None:
    """A date of the records lies within the years 2000–2100; else a refusal naming the field."""
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ServiceError(
            _("%(f)s %(d)s không hợp lệ: năm phải từ %(a)d đến %(b)d.")
            % {"f": label, "d": format_date(value), "a": YEAR_MIN, "b": YEAR_MAX},
            field=field,
        )


def completion_date_check(*, completion_date: dt.date | None, today: dt.date) -> None:
    if completion_date is None:
        raise ServiceError(_("Vui lòng ấn định ngày hoàn thành."), field="completion_date")
    plausible_date_check(value=completion_date, field="completion_date", label=_("Ngày hoàn thành"))
    latest = add_years(today, COMPLETION_MAX_YEARS_AHEAD)
    if completion_date > latest:
        raise ServiceError(
            _("Ngày hoàn thành %(d)s quá xa: chọn một ngày không muộn hơn %(t)s.")
            % {"d": format_date(completion_date), "t": format_date(latest)},
            field="completion_date",
        )
    if completion_date < today:
        raise ServiceError(
            _("Ngày hoàn thành %(d)s đã qua. Vui lòng chọn một ngày từ hôm nay (%(t)s) trở đi.")
            % {"d": format_date(completion_date), "t": format_date(today)},
            field="completion_date",
        )
