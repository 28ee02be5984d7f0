"""QT.CTCL 5.3–5.4: the secretary consolidates and presents, the committee head assigns the
implementing unit and person, the assignee analyses the cause and proposes a measure, and the committee
head approves it with a completion date or returns it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.errors import ServiceError
from qms.messages import N_
from qms.models import Unit, User
from qms.roles import Role
from qms.services import local_today

from ..models import Presentation, Ticket, TicketStatus
from .common import completion_date_check, same_agency_check, ticket_move, ticket_notify


@transaction.atomic
def tickets_present(*, actor: User, tickets: Sequence[Ticket], note: str = "") -> Presentation:
    """5.3: the secretary presents one or several submitted tickets to the committee head at once, with one
    presentation note; the head assigns only a presented ticket. One ticket refused refuses the batch."""
    tickets = list(tickets)
    if not tickets:
        raise ServiceError(_("Chưa chọn phiếu nào để trình."), field="tickets")
    if len(note) > 4000:
        raise ServiceError(_("Nội dung trình: tối đa 4000 ký tự."), field="note")
    organisation_ids = {ticket.organisation_id for ticket in tickets}
    if len(organisation_ids) != 1:
        raise ServiceError(_("Chỉ trình cùng lúc các phiếu của một cơ quan."), field="tickets")
    now = timezone.now()
    presentation = Presentation.objects.create(
        organisation_id=tickets[0].organisation_id, note=note.strip(), presented_by=actor, presented_at=now
    )
    for ticket in tickets:
        ticket_move(
            action="present",
            ticket=ticket,
            to=TicketStatus.PRESENTED,
            actor=actor,
            note=note,
            extra={"presented_at": now, "presentation": presentation},
        )
    numbers = ", ".join(ticket.number_display for ticket in tickets)
    ticket_notify(
        recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=tickets[0].organisation_id),
        ticket=tickets[0],
        subject=(
            N_("Phiếu %(n)s trình Lãnh đạo Ban ISO phân công") % {"n": numbers}
            if len(tickets) == 1
            else N_("%(k)d phiếu trình Lãnh đạo Ban ISO phân công: %(n)s") % {"k": len(tickets), "n": numbers}
        ),
        body=note,
    )
    return presentation


@transaction.atomic
def ticket_present(*, actor: User, ticket: Ticket, note: str = "") -> Presentation:
    """5.3: one ticket presented alone (a batch of one)."""
    return tickets_present(actor=actor, tickets=[ticket], note=note)


@transaction.atomic
def ticket_assign(
    *,
    actor: User,
    ticket: Ticket,
    implementing_unit: Unit,
    assignee: User,
    implementing_unit_head: User | None = None,
    delegate: User | None = None,
    note: str = "",
) -> None:
    same_agency_check(
        ticket, implementing_unit=implementing_unit, assignee=assignee, implementing_unit_head=implementing_unit_head, delegate=delegate
    )
    if not assignee.is_active:
        raise ServiceError(_("Người thực hiện không còn hoạt động."), field="assignee")
    if delegate is not None and delegate.pk == assignee.pk:
        raise ServiceError(_("Người được ủy quyền kiểm tra không được là người thực hiện."), field="delegate")
    head = implementing_unit_head or next(
        iter(User.objects.with_role(Role.UNIT_HEAD, organisation=ticket.organisation_id, unit=implementing_unit)), None
    )
    ticket_move(
        action="assign",
        ticket=ticket,
        to=TicketStatus.ASSIGNED,
        actor=actor,
        note=note or f"{implementing_unit} — {assignee.display_name}",
        extra={
            "implementing_unit": implementing_unit,
            "assignee": assignee,
            "implementing_unit_head": head,
            "delegate": delegate or ticket.delegate,
            "assigned_by": actor,
            "assigned_at": timezone.now(),
            "assignment_note": note.strip(),
        },
    )
    ticket_notify(
        recipients=[assignee],
        ticket=ticket,
        subject=N_("Bạn được phân công thực hiện phiếu %(n)s") % {"n": ticket.number_display},
        body=note,
    )


@transaction.atomic
def ticket_propose(*, actor: User, ticket: Ticket, cause: str, measure: str) -> None:
    if not cause.strip():
        raise ServiceError(_("Vui lòng ghi nguyên nhân."), field="cause")
    if not measure.strip():
        raise ServiceError(_("Vui lòng đề xuất biện pháp khắc phục/cải tiến."), field="measure")
    ticket_move(
        action="propose",
        ticket=ticket,
        to=TicketStatus.PROPOSED,
        actor=actor,
        extra={"cause": cause.strip(), "measure": measure.strip(), "proposed_at": timezone.now()},
    )
    ticket_notify(
        recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=ticket.organisation_id),
        ticket=ticket,
        subject=N_("Phiếu %(n)s: biện pháp chờ phê duyệt") % {"n": ticket.number_display},
        body=measure,
    )


@transaction.atomic
def ticket_approve(
    *,
    actor: User,
    ticket: Ticket,
    completion_date: dt.date,
    note: str = "",
    delegate: User | None = None,
    implementing_unit: Unit | None = None,
    assignee: User | None = None,
    today: dt.date | None = None,
) -> None:
    """5.4: the committee head approves the measure and sets who implements it — the person and unit may
    be changed here — and the completion date."""
    same_agency_check(ticket, delegate=delegate, implementing_unit=implementing_unit, assignee=assignee)
    today = today or local_today()
    completion_date_check(completion_date=completion_date, today=today)
    unit = implementing_unit or ticket.implementing_unit
    person = assignee or ticket.assignee
    if person is None or unit is None:
        raise ServiceError(_("Vui lòng chọn đơn vị và người triển khai giải pháp."), field="assignee")
    if not person.is_active:
        raise ServiceError(_("Người thực hiện không còn hoạt động."), field="assignee")
    if person.unit_id != unit.pk:
        raise ServiceError(_("Người thực hiện phải thuộc đơn vị thực hiện đã chọn."), field="assignee")
    if (delegate or ticket.delegate) is not None and (delegate or ticket.delegate).pk == person.pk:  # type: ignore[union-attr]
        raise ServiceError(_("Người được ủy quyền kiểm tra không được là người thực hiện."), field="assignee")
    extra: dict[str, object] = {}
    changed = person.pk != ticket.assignee_id or unit.pk != ticket.implementing_unit_id
    if changed:
        head = (
            ticket.implementing_unit_head
            if unit.pk == ticket.implementing_unit_id
            else next(iter(User.objects.with_role(Role.UNIT_HEAD, organisation=ticket.organisation_id, unit=unit)), None)
        )
        extra.update({"implementing_unit": unit, "assignee": person, "implementing_unit_head": head})
    previous_assignee = ticket.assignee
    # A demo approval back-dated to `today` keeps the time of day, so monthly progress dates fall as they would have.
    approved_at = timezone.make_aware(dt.datetime.combine(today, timezone.localtime().time())) if today != local_today() else timezone.now()
    default_note = N_("Ngày hoàn thành: %(d)s") % {"d": format_date(completion_date)}
    if changed:
        default_note = N_("Ngày hoàn thành: %(d)s. Triển khai: %(u)s — %(a)s") % {
            "d": format_date(completion_date),
            "u": str(unit),
            "a": person.display_name,
        }
    ticket_move(
        action="approve",
        ticket=ticket,
        to=TicketStatus.IN_PROGRESS,
        actor=actor,
        note=note or default_note,
        extra={
            **extra,
            "completion_date": completion_date,
            "approved_by": actor,
            "approved_at": approved_at,
            "return_comment": "",
            "delegate": delegate or ticket.delegate,
        },
    )
    ticket_notify(
        recipients=[ticket.assignee, ticket.implementing_unit_head],
        ticket=ticket,
        subject=N_("Phiếu %(n)s: biện pháp đã được phê duyệt, hoàn thành trước %(d)s")
        % {"n": ticket.number_display, "d": format_date(completion_date)},
        body=ticket.measure,
    )
    if changed and previous_assignee is not None and previous_assignee.pk != person.pk:
        ticket_notify(
            recipients=[previous_assignee],
            ticket=ticket,
            subject=N_("Phiếu %(n)s: việc triển khai giải pháp đã được giao cho người khác") % {"n": ticket.number_display},
        )


@transaction.atomic
def ticket_return(*, actor: User, ticket: Ticket, comment: str) -> None:
    if not comment.strip():
        raise ServiceError(_("Vui lòng ghi ý kiến khi trả lại đề xuất."), field="comment")
    ticket_move(
        action="return", ticket=ticket, to=TicketStatus.ASSIGNED, actor=actor, note=comment, extra={"return_comment": comment.strip()}
    )
    ticket_notify(
        recipients=[ticket.assignee],
        ticket=ticket,
        subject=N_("Phiếu %(n)s: đề xuất biện pháp bị trả lại") % {"n": ticket.number_display},
        body=comment,
    )
