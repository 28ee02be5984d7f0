"""QT.CTCL 5.5: the assignee carries out the measure, reports monthly on a long action, may ask for more
resources or a changed measure (the committee head decides), and reports the result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms.dates import format_date
from qms.errors import ServiceError, StaleEditError
from qms.messages import N_, Message
from qms.models import User
from qms.roles import Role
from qms.services import audit_record, local_today

from ..models import Box, ChangeRequest, ChangeRequestKind, ChangeRequestStatus, ProgressReport, Ticket, TicketStatus
from ..rules import leaders_of
from .common import action_require, attachments_store, completion_date_check, ticket_move, ticket_notify

# Stored untranslated in the audit row, shown in the reader's language (as common.ACTION_LABELS).
LAPSE_LABEL = gettext_noop("Đóng đề nghị thay đổi không còn cần thiết (đã báo cáo kết quả)")


def _in_progress_lock(ticket: Ticket) -> bool:
    """Whether the ticket is still being carried out, read from its row locked until commit: a change
    request and the report of the result on one ticket then run one after the other, the later one
    seeing what the earlier did (on SQLite the IMMEDIATE transactions already serialise them)."""
    status = Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("status", flat=True).first()
    return status == TicketStatus.IN_PROGRESS


@transaction.atomic
def progress_report_add(*, actor: User, ticket: Ticket, text: str, attachments: Iterable[UploadedFile] = ()) -> ProgressReport:
    action_require(actor=actor, ticket=ticket, action="progress")
    if ticket.status != TicketStatus.IN_PROGRESS:
        raise ServiceError(_("Chỉ báo cáo tiến độ khi phiếu đang được thực hiện."))
    if not text.strip():
        raise ServiceError(_("Vui lòng ghi tình hình thực hiện."), field="text")
    report = ProgressReport.objects.create(ticket=ticket, author=actor, text=text.strip())
    attachments_store(ticket=ticket, actor=actor, box=Box.BOX2, uploads=attachments)
    audit_record(target=ticket, actor=actor, action=N_("Báo cáo tiến độ"), note=text.strip())
    ticket_notify(
        recipients=User.objects.with_role(Role.SECRETARY, organisation=ticket.organisation_id),
        ticket=ticket,
        subject=N_("Phiếu %(n)s: báo cáo tiến độ") % {"n": ticket.number_display},
        body=text,
    )
    return report


@transaction.atomic
def change_request_open(
    *,
    actor: User,
    ticket: Ticket,
    kind: str,
    reason: str,
    proposed_measure: str = "",
    proposed_completion_date: dt.date | None = None,
    today: dt.date | None = None,
) -> ChangeRequest:
    """One pending request per ticket: the database constraint decides (uniq_ca_one_pending_change_per_ticket),
    so two requests sent at the same instant leave one pending and the other refused with a message."""
    action_require(actor=actor, ticket=ticket, action="change_request")
    if not _in_progress_lock(ticket):
        raise ServiceError(_("Chỉ đề nghị thay đổi khi phiếu đang được thực hiện."))
    if not reason.strip():
        raise ServiceError(_("Vui lòng nêu lý do, khó khăn."), field="reason")
    if kind == ChangeRequestKind.MEASURE and not proposed_measure.strip():
        raise ServiceError(_("Vui lòng ghi biện pháp đề nghị thay đổi."), field="proposed_measure")
    if proposed_completion_date is not None:
        completion_date_check(completion_date=proposed_completion_date, today=today or local_today())
    try:
        with transaction.atomic():  # a savepoint: the refused insert leaves the outer transaction usable
            change = ChangeRequest.objects.create(
                ticket=ticket,
                kind=kind,
                reason=reason.strip(),
                proposed_measure=proposed_measure.strip(),
                proposed_completion_date=proposed_completion_date,
                requested_by=actor,
            )
    except IntegrityError:
        if not ChangeRequest.objects.filter(ticket=ticket, status=ChangeRequestStatus.PENDING).exists():
            raise
        raise ServiceError(_("Phiếu đã có một đề nghị thay đổi đang chờ quyết định.")) from None
    audit_record(
        target=ticket, actor=actor, action=N_("Đề nghị thay đổi: %(k)s") % {"k": ChangeRequestKind(change.kind).label}, note=reason.strip()
    )
    ticket_notify(
        recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=ticket.organisation_id),
        ticket=ticket,
        subject=N_("Phiếu %(n)s: đề nghị thay đổi chờ quyết định") % {"n": ticket.number_display},
        body=reason,
    )
    return change


@transaction.atomic
def change_request_decide(
    *,
    actor: User,
    change: ChangeRequest,
    approve: bool,
    note: str = "",
    measure: str = "",
    completion_date: dt.date | None = None,
    today: dt.date | None = None,
) -> None:
    """An approved change rewrites box 2 (measure, completion date); the earlier text stays on the request
    and in the audit trail."""
    ticket = change.ticket
    action_require(actor=actor, ticket=ticket, action="change_decide")
    if not _in_progress_lock(ticket):
        raise ServiceError(_("Phiếu không còn ở bước thực hiện."))
    new_measure = (measure or change.proposed_measure).strip()
    new_date = completion_date or change.proposed_completion_date
    if approve and new_date is not None and new_date != ticket.completion_date:
        completion_date_check(completion_date=new_date, today=today or local_today())
    status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
    done = ChangeRequest.objects.filter(pk=change.pk, status=ChangeRequestStatus.PENDING).update(
        status=status,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note.strip(),
        previous_measure=ticket.measure,
        previous_completion_date=ticket.completion_date,
    )
    if done != 1:
        raise StaleEditError(_("Đề nghị này vừa được người khác quyết định. Vui lòng tải lại trang."))
    history: list[Message | str] = []
    if approve:
        updates: dict[str, Any] = {}
        if new_measure and new_measure != ticket.measure:
            updates["measure"] = new_measure
            history.append(N_("Biện pháp trước: %(m)s\n") % {"m": ticket.measure})
        if new_date and new_date != ticket.completion_date:
            updates["completion_date"] = new_date
            history.append(N_("Ngày hoàn thành trước: %(d)s\n") % {"d": format_date(ticket.completion_date) or "—"})
        if updates:
            changed = Ticket.objects.filter(pk=ticket.pk, version=ticket.version, status=TicketStatus.IN_PROGRESS).update(
                version=F("version") + 1, **updates
            )
            if changed != 1:
                raise StaleEditError(_("Phiếu vừa được người khác thay đổi. Vui lòng tải lại trang và thử lại."))
            ticket.refresh_from_db()
    label = N_("Chấp thuận đề nghị thay đổi") if approve else N_("Không chấp thuận đề nghị thay đổi")
    # The lines of history (each ends with a newline) in the reader's language, then the note as typed.
    audit_record(target=ticket, actor=actor, action=label, note=Message.join([*history, note.strip()], "") if history else note.strip())
    ticket_notify(
        recipients=[change.requested_by],
        ticket=ticket,
        subject=N_("Phiếu %(n)s: %(l)s") % {"n": ticket.number_display, "l": label},
        body=note,
    )


@transaction.atomic
def ticket_report(*, actor: User, ticket: Ticket, result: str, attachments: Iterable[UploadedFile] = ()) -> list[ChangeRequest]:
    """5.5: the assignee reports the result once the measure is fully carried out. A change request still
    waiting for the committee head's decision is closed as no longer needed (LAPSED), not decided: it
    asked for help "during implementation", which the report ends, and box 2 keeps the measure and date
    last approved, against which the leader verifies (5.6). Each closed request gets an audit row and its
    requester and the committee heads are told. Returns the requests so closed (the view says so)."""
    if not result.strip():
        raise ServiceError(_("Vui lòng ghi kết quả thực hiện."), field="result")
    ticket_move(
        action="report",
        ticket=ticket,
        to=TicketStatus.REPORTED,
        actor=actor,
        note=result,
        extra={"result_report": result.strip(), "reported_at": timezone.now()},
    )
    lapsed = _pending_changes_lapse(actor=actor, ticket=ticket)
    attachments_store(ticket=ticket, actor=actor, box=Box.BOX2, uploads=attachments)
    ticket_notify(
        recipients=leaders_of(ticket),
        ticket=ticket,
        subject=N_("Phiếu %(n)s: đã báo cáo kết quả, chờ kiểm tra") % {"n": ticket.number_display},
        body=result,
    )
    return lapsed


def _pending_changes_lapse(*, actor: User, ticket: Ticket) -> list[ChangeRequest]:
    """Close the ticket's pending change request once the ticket has left the implementation step. The move
    above holds the ticket's row until commit, and change_request_open/decide lock it first: a request or
    a decision sent at the same instant either came first (and is seen here) or finds the ticket reported."""
    closed = []
    for change in ChangeRequest.objects.filter(ticket=ticket, status=ChangeRequestStatus.PENDING).select_related("requested_by"):
        done = ChangeRequest.objects.filter(pk=change.pk, status=ChangeRequestStatus.PENDING).update(
            status=ChangeRequestStatus.LAPSED, decided_at=timezone.now()
        )
        if done == 1:
            change.status = ChangeRequestStatus.LAPSED
            closed.append(change)
    for change in closed:
        audit_record(target=ticket, actor=actor, action=Message(LAPSE_LABEL), note=change.reason)
        ticket_notify(
            recipients=[change.requested_by, *User.objects.with_role(Role.COMMITTEE_HEAD, organisation=ticket.organisation_id)],
            ticket=ticket,
            subject=N_("Phiếu %(n)s: đề nghị thay đổi không còn cần thiết, đã đóng") % {"n": ticket.number_display},
            body=N_("Đề nghị “%(k)s” gửi ngày %(d)s được đóng mà không cần quyết định vì kết quả thực hiện đã được báo cáo.")
            % {"k": ChangeRequestKind(change.kind).label, "d": format_date(timezone.localtime(change.requested_at).date())},
        )
    return closed
