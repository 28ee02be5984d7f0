"""QT.CTCL 5.6–5.7: the leader, or the person delegated, checks the result (Đạt / Không đạt / new
measure); an effective action is closed with its evidence in box 3, an ineffective one opens a linked
ticket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.errors import ServiceError
from qms.messages import N_, Message
from qms.models import User
from qms.people import ticket_verifiers
from qms.roles import Role
from qms.services import audit_record, local_today

from ..models import UNREPORTED_VERIFICATIONS, Box, Source, Ticket, TicketStatus, Verification
from .common import ACTION_LABELS, action_require, attachments_store, same_agency_check, ticket_move, ticket_notify, ticket_number_next


@transaction.atomic
def ticket_verify(
    *, actor: User, ticket: Ticket, verification: str, note: str = "", evidence: str = "", today: dt.date | None = None
) -> Ticket | None:
    """Đạt: waits for the committee to close it. Không đạt / new measure: closed as not effective and a new
    linked ticket opens for the leader's decision. Returns that new ticket."""
    today = today or local_today()
    if not ticket.is_due_for_verification(today):
        if ticket.status == TicketStatus.IN_PROGRESS and ticket.completion_date is not None:
            raise ServiceError(
                _("Chưa thể kiểm tra xác nhận: người thực hiện chưa báo cáo kết quả và chưa đến ngày hoàn thành (%(d)s).")
                % {"d": format_date(ticket.completion_date)}
            )
        raise ServiceError(
            _("Chưa thể kiểm tra xác nhận: người thực hiện chưa báo cáo kết quả (phiếu đang ở trạng thái “%(s)s”).")
            % {"s": ticket.get_status_display()}
        )
    if ticket.status != TicketStatus.REPORTED and verification not in UNREPORTED_VERIFICATIONS:
        # 5.7: at the deadline with no result reported, the action was never carried out or not fully.
        raise ServiceError(
            _("Kết quả kiểm tra: phiếu chưa báo cáo kết quả, chỉ ghi được “Không đạt — chưa thực hiện” hoặc “Không đạt — không đầy đủ”."),
            field="verification",
        )
    if ticket.assignee_id == actor.pk:
        # 5.6: the result is checked by the leader or a delegate, never by the person who did the work.
        raise ServiceError(_("Người thực hiện không thể tự kiểm tra xác nhận kết quả của mình."))
    if verification not in Verification.values:
        raise ServiceError(_("Kết quả kiểm tra: vui lòng chọn một kết quả."), field="verification")
    if verification != Verification.PASSED and not note.strip():
        raise ServiceError(_("Vui lòng ghi nhận xét: nội dung chưa đạt hoặc biện pháp mới."), field="note")
    passed = verification == Verification.PASSED
    extra: dict[str, Any] = {
        "verification": verification,
        "verification_note": note.strip(),
        "verified_by": actor,
        "verified_on": today,
    }
    if evidence.strip():
        extra["evidence"] = evidence.strip()
    if not passed:
        extra["closed_at"] = timezone.now()
        extra["closed_by"] = actor
    ticket_move(
        action="verify",
        ticket=ticket,
        to=TicketStatus.VERIFIED if passed else TicketStatus.INEFFECTIVE,
        actor=actor,
        note=(
            Message("%(v)s. %(note)s", {"v": Verification(verification).label, "note": note.strip()})
            if note.strip()
            else Message("%(v)s.", {"v": Verification(verification).label})
        ),
        extra=extra,
    )
    if passed:
        ticket_notify(
            recipients=User.objects.with_role(Role.SECRETARY, organisation=ticket.organisation_id),
            ticket=ticket,
            subject=N_("Phiếu %(n)s: kiểm tra Đạt, chờ đóng phiếu") % {"n": ticket.number_display},
            body=note,
        )
        return None
    successor = _successor_open(actor=actor, ticket=ticket, verification=verification, note=note)
    ticket_notify(
        recipients=[ticket.assignee, ticket.requester, *User.objects.with_role(Role.SECRETARY, organisation=ticket.organisation_id)],
        ticket=ticket,
        subject=N_("Phiếu %(n)s không hiệu lực — đã mở phiếu mới %(m)s") % {"n": ticket.number_display, "m": successor.number_display},
        body=note,
    )
    return successor


def _successor_open(*, actor: User, ticket: Ticket, verification: str, note: str) -> Ticket:
    """5.7: the ticket that follows an ineffective one goes straight to the committee head."""
    description = _("Kết quả kiểm tra phiếu số %(n)s: %(v)s.\n%(note)s\n\nNội dung phiếu trước: %(d)s\nBiện pháp đã thực hiện: %(m)s") % {
        "n": ticket.number_display,
        "v": Verification(verification).label,
        "note": note.strip(),
        "d": ticket.description,
        "m": ticket.measure or "—",
    }
    requesting_unit = (
        actor.unit if actor.unit is not None and actor.unit.organisation_id == ticket.organisation_id else ticket.requesting_unit
    )
    successor = Ticket.objects.create(
        organisation=ticket.organisation,
        number=ticket_number_next(organisation=ticket.organisation, year=local_today().year),
        year=local_today().year,
        status=TicketStatus.PRESENTED,
        requesting_unit=requesting_unit,
        unit=ticket.unit,
        kind=ticket.kind,
        source=Source.EARLIER_ACTIONS,
        related_documents=ticket.related_documents,
        process=ticket.process,
        clause=ticket.clause,
        description=description,
        description_date=local_today(),
        requester=actor,
        predecessor=ticket,
        delegate=ticket.delegate,
        presented_at=timezone.now(),
    )
    audit_record(
        target=successor,
        actor=actor,
        action=Message(ACTION_LABELS["open"]),
        to_state=TicketStatus.PRESENTED,
        note=N_("Mở tự động từ phiếu %(n)s (%(v)s)") % {"n": ticket.number_display, "v": Verification(verification).label},
    )
    # "chuyển cho Lãnh đạo Sở": the agency's ticket verifiers (Lãnh đạo Sở or their delegates) are told, and the committee head.
    ticket_notify(
        recipients=[
            *User.objects.with_role(Role.COMMITTEE_HEAD, organisation=ticket.organisation_id),
            *ticket_verifiers(ticket.organisation_id),
        ],
        ticket=successor,
        subject=N_("Phiếu mới %(m)s (từ phiếu %(n)s không đạt) chờ Lãnh đạo xem xét, cho ý kiến giải quyết")
        % {"m": successor.number_display, "n": ticket.number_display},
    )
    return successor


@transaction.atomic
def ticket_close(*, actor: User, ticket: Ticket, evidence: str, attachments: Iterable[UploadedFile] = ()) -> None:
    evidence = (evidence or ticket.evidence).strip()
    if not evidence:
        raise ServiceError(_("Không thể đóng phiếu khi chưa ghi bằng chứng kết quả thực hiện vào ô thứ ba."), field="evidence")
    ticket_move(
        action="close",
        ticket=ticket,
        to=TicketStatus.CLOSED,
        actor=actor,
        note=evidence,
        extra={"evidence": evidence, "closed_by": actor, "closed_at": timezone.now()},
    )
    attachments_store(ticket=ticket, actor=actor, box=Box.BOX3, uploads=attachments)
    ticket_notify(
        recipients=[ticket.assignee, ticket.requester],
        ticket=ticket,
        subject=N_("Phiếu %(n)s đã được đóng") % {"n": ticket.number_display},
        body=evidence,
    )


@transaction.atomic
def ticket_delegate_set(*, actor: User, ticket: Ticket, delegate: User | None) -> None:
    """5.6: the committee head names who verifies on the leader's behalf (or no one)."""
    action_require(actor=actor, ticket=ticket, action="delegate")
    same_agency_check(ticket, delegate=delegate)
    if delegate is not None and delegate.pk == ticket.assignee_id:
        raise ServiceError(_("Người được ủy quyền kiểm tra không được là người thực hiện."), field="delegate")
    if ticket.is_final:
        raise ServiceError(_("Phiếu đã đóng, không thay đổi người được ủy quyền."))
    Ticket.objects.filter(pk=ticket.pk).update(delegate=delegate)
    ticket.delegate = delegate
    audit_record(
        target=ticket, actor=actor, action=N_("Ủy quyền kiểm tra xác nhận"), note=delegate.display_name if delegate else N_("Bỏ ủy quyền")
    )
    if delegate:
        ticket_notify(
            recipients=[delegate],
            ticket=ticket,
            subject=N_("Bạn được ủy quyền kiểm tra xác nhận phiếu %(n)s") % {"n": ticket.number_display},
        )
