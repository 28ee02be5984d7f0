"""QT.CTCL 5.1–5.2: a ticket is opened (box 1) and the head of the unit concerned decides: handle it
directly as a correction, or send it to the ISO secretary for a corrective action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.errors import ServiceError
from qms.messages import N_, Message
from qms.models import Unit, User
from qms.roles import Role
from qms.services import audit_record, local_today
from risks.models import Risk

from ..models import (
    HANDLING_DECISION_FIELDS,
    HANDLING_RECORD_FIELDS,
    OVERSIGHT_ROLES,
    Box,
    CorrectionKind,
    Kind,
    Sign,
    Source,
    Ticket,
    TicketStatus,
)
from ..selectors import repeat_streak
from .common import (
    ACTION_LABELS,
    attachments_store,
    plausible_date_check,
    same_agency_check,
    ticket_move,
    ticket_notify,
    ticket_number_next,
)


@transaction.atomic
def ticket_open(
    *,
    actor: User,
    requesting_unit: Unit,
    description: str,
    kind: str = Kind.CORRECTIVE,
    source: str = Source.NONCONFORMITY,
    source_other: str = "",
    unit: Unit | None = None,
    related_documents: str = "",
    process: str = "",
    clause: str = "",
    description_date: dt.date | None = None,
    origin_label: str = "",
    origin_url: str = "",
    predecessor: Ticket | None = None,
    attachments: Iterable[UploadedFile] = (),
    status: str = TicketStatus.OPEN,
    today: dt.date | None = None,
    any_unit: bool = False,
    risk: Risk | None = None,
) -> Ticket:
    """5.2.1: box 1 filled; the ticket goes to the head of the unit concerned. `risk`: the row of a risk table
    of the agency the ticket responds to (QT.CTCL: "kiểm soát rủi ro")."""
    if not actor.has_role_perm("corrective_actions.open_ticket"):
        raise ServiceError(_("Bạn không có quyền mở phiếu yêu cầu HĐKP/cải tiến."))
    if not description.strip():
        raise ServiceError(_("Vui lòng mô tả sự không phù hợp hoặc đề xuất cải tiến."), field="description")
    if source not in Source.values:
        raise ServiceError(_("Nguồn thông tin không hợp lệ."), field="source")
    source_other = source_other.strip() if source == Source.OTHER else ""
    if source == Source.OTHER and not source_other:
        raise ServiceError(_("Nguồn thông tin “Khác”: vui lòng ghi rõ nguồn."), field="source_other")
    if len(source_other) > 255:
        raise ServiceError(_("Nguồn thông tin khác: tối đa 255 ký tự."), field="source_other")
    if not any_unit and not actor.has_role(*OVERSIGHT_ROLES) and requesting_unit.pk != actor.unit_id:
        # 5.2.1: a person reports to the head of their own unit; auditors (committee) may open for any unit.
        raise ServiceError(_("Bạn chỉ có thể mở phiếu với đơn vị đề nghị là đơn vị của mình."), field="requesting_unit")
    organisation = actor.organisation
    if organisation is None:
        raise ServiceError(_("Tài khoản của bạn chưa thuộc cơ quan nào nên không mở được phiếu."))
    unit = unit or requesting_unit
    for field, record in (("requesting_unit", requesting_unit), ("unit", unit)):
        if record.organisation_id != organisation.pk:
            raise ServiceError(_("%(name)s không thuộc cơ quan của bạn.") % {"name": record}, field=field)
    if predecessor is not None and predecessor.organisation_id != organisation.pk:
        raise ServiceError(_("Phiếu trước không thuộc cơ quan của bạn."))
    if risk is not None and not Risk.objects.visible_to(actor).filter(pk=risk.pk).exists():
        raise ServiceError(_("Bạn không xem được dòng bảng phân tích rủi ro này."), field="risk")
    today = today or local_today()
    description_date = description_date or today
    if description_date > today:
        raise ServiceError(_("Ngày mô tả không được sau ngày hôm nay."), field="description_date")
    plausible_date_check(value=description_date, field="description_date", label=_("Ngày mô tả"))
    ticket = Ticket.objects.create(
        organisation_id=organisation.pk,  # its settings read afresh from the ticket, not from the actor's cached copy
        number=ticket_number_next(organisation=organisation, year=today.year),
        year=today.year,
        status=status,
        requesting_unit=requesting_unit,
        unit=unit,
        kind=kind,
        source=source,
        source_other=source_other,
        related_documents=related_documents.strip(),
        process=process.strip(),
        clause=clause.strip(),
        description=description.strip(),
        description_date=description_date,
        requester=actor,
        predecessor=predecessor,
        origin_label=origin_label,
        origin_url=origin_url,
        risk=risk,
    )
    attachments_store(ticket=ticket, actor=actor, box=Box.BOX1, uploads=attachments)
    note: Message | str = N_("Mở tự động từ phiếu %(n)s") % {"n": predecessor.number_display} if predecessor else origin_label
    audit_record(target=ticket, actor=actor, action=Message(ACTION_LABELS["open"]), to_state=status, note=note)
    _repeats_check(ticket)
    if status == TicketStatus.OPEN:
        ticket_notify(
            recipients=User.objects.with_role(Role.UNIT_HEAD, organisation=organisation, unit=unit),
            ticket=ticket,
            subject=N_("Phiếu HĐKP/cải tiến %(n)s chờ đơn vị xem xét") % {"n": ticket.number_display},
            body=ticket.description,
        )
    elif status == TicketStatus.SUBMITTED:
        ticket_notify(
            recipients=User.objects.with_role(Role.SECRETARY, organisation=organisation),
            ticket=ticket,
            subject=N_("Phiếu HĐKP/cải tiến %(n)s chờ tổng hợp") % {"n": ticket.number_display},
            body=ticket.description,
        )
    return ticket


def _repeats_check(ticket: Ticket) -> None:
    """5.2.2: the same nonconformity more than the threshold times in a row requires a corrective action."""
    if ticket.kind != Kind.CORRECTIVE:
        return
    streak = repeat_streak(unit=ticket.unit, process=ticket.process, clause=ticket.clause)
    required = streak > ticket.organisation.repeat_nonconformity_threshold
    Ticket.objects.filter(pk=ticket.pk).update(repeat_count=streak, repeat_required=required)
    ticket.repeat_count, ticket.repeat_required = streak, required
    if required:
        subject = N_("Phiếu %(n)s: sự KPH lặp lại %(c)d lần liên tiếp — bắt buộc thực hiện HĐKP") % {
            "n": ticket.number_display,
            "c": streak,
        }
        body = N_("Quy trình “%(p)s”, điều khoản %(cl)s tại %(u)s.") % {"p": ticket.process, "cl": ticket.clause, "u": ticket.unit}
        org = ticket.organisation_id
        recipients = [
            *User.objects.with_role(Role.UNIT_HEAD, organisation=org, unit=ticket.unit_id),
            *User.objects.with_role(Role.SECRETARY, organisation=org),
        ]
        ticket_notify(recipients=recipients, ticket=ticket, subject=subject, body=body)


# Which path a ticket opened by another app takes (docs/ticket-paths.md): the management review's conclusions
# are the ISO committee's decision that an action is needed (QT.CTCL 5.8.1.2), so they go to the secretary's
# consolidation; every other source still needs the unit head's decision of 5.2.2 (a not-achieved objective
# is a sign to weigh, not a decision taken: 5.2.2 gives that decision to the unit head).
DECIDED_SOURCES = {Source.MANAGEMENT_REVIEW}


def path_of_source(source: str) -> str:
    """The state a ticket opened from `source` by another app starts in."""
    return TicketStatus.SUBMITTED if source in DECIDED_SOURCES else TicketStatus.OPEN


@transaction.atomic
def ticket_open_from_source(
    *,
    actor: User,
    requesting_unit: Unit,
    source: str,
    description: str,
    kind: str = Kind.PREVENTIVE,
    unit: Unit | None = None,
    process: str = "",
    clause: str = "",
    related_documents: str = "",
    origin_label: str = "",
    origin_url: str = "",
    source_other: str = "",
) -> Ticket:
    """Called by other apps (a management review's decision, an objective not achieved). The ticket starts
    where its source's procedure puts it (path_of_source): a review's conclusion at the secretary's
    consolidation, anything else at the head of the unit concerned. The ticket is the actor's agency's; a
    unit of another agency is refused."""
    return ticket_open(
        actor=actor,
        requesting_unit=requesting_unit,
        unit=unit,
        kind=kind,
        source=source,
        source_other=source_other,
        description=description,
        process=process,
        clause=clause,
        related_documents=related_documents,
        origin_label=origin_label,
        origin_url=origin_url,
        status=path_of_source(source),
        # The requester of a ticket from another app's record acts for that record's unit (5.2.1 does not apply).
        any_unit=True,
    )


def _field_label(name: str) -> str:
    """The field's name as the user reads it (its verbose name), to say which field a refusal is about."""
    return str(getattr(Ticket._meta.get_field(name), "verbose_name", name))


def _required_text(values: Mapping[str, str], fields: Iterable[str]) -> dict[str, str]:
    """The handling's own fields, stripped; the first one missing or too long is refused by name."""
    cleaned: dict[str, str] = {}
    for field in fields:
        value = (values.get(field) or "").strip()
        label = _field_label(field)
        if not value:
            raise ServiceError(_("Vui lòng ghi “%(f)s”.") % {"f": label}, field=field)
        limit = getattr(Ticket._meta.get_field(field), "max_length", None)
        if limit and len(value) > limit:
            raise ServiceError(_("“%(f)s”: tối đa %(n)d ký tự.") % {"f": label, "n": limit}, field=field)
        cleaned[field] = value
    return cleaned


@transaction.atomic
def ticket_correct(
    *,
    actor: User,
    ticket: Ticket,
    correction_kind: str,
    handler: User,
    checker: User,
    note: str = "",
    accepted_by: str = "",
    acceptance_ground: str = "",
) -> None:
    """5.1.1: the unit head handles the nonconformity directly — chooses the handling (redo, repair, accept,
    discard), assigns who carries it out and who checks the result. "Chấp nhận" names who accepted the
    nonconformity and on what ground."""
    if ticket.repeat_required:
        raise ServiceError(
            _("Sự không phù hợp này đã lặp lại %(c)d lần liên tiếp: bắt buộc thực hiện hành động khắc phục, không xử lý trực tiếp được.")
            % {"c": ticket.repeat_count}
        )
    if correction_kind not in CorrectionKind.values:
        raise ServiceError(_("Vui lòng chọn hình thức xử lý."), field="correction_kind")
    same_agency_check(ticket, handler=handler, checker=checker)
    for field, person in (("handler", handler), ("checker", checker)):
        if person is None or not person.is_active:
            raise ServiceError(_("%(f)s: vui lòng chọn một người đang hoạt động.") % {"f": _field_label(field)}, field=field)
    if handler.pk == checker.pk:
        raise ServiceError(_("Người kiểm tra kết quả xử lý không được là người thực hiện xử lý."), field="checker")
    own = _required_text({"accepted_by": accepted_by, "acceptance_ground": acceptance_ground}, HANDLING_DECISION_FIELDS[correction_kind])
    ticket_move(
        action="correct",
        ticket=ticket,
        to=TicketStatus.HANDLING,
        actor=actor,
        note=N_("%(k)s — thực hiện: %(h)s, kiểm tra: %(c)s")
        % {"k": CorrectionKind(correction_kind).label, "h": handler.display_name, "c": checker.display_name},
        extra={
            "decided_by": actor,
            "decided_at": timezone.now(),
            "correction_kind": correction_kind,
            "decision_note": note.strip(),
            "handler": handler,
            "checker": checker,
            "accepted_by": "",
            "acceptance_ground": "",
            **own,
        },
    )
    ticket_notify(
        recipients=[handler],
        ticket=ticket,
        subject=N_("Phiếu %(n)s: bạn được phân công xử lý trực tiếp (%(k)s)")
        % {"n": ticket.number_display, "k": CorrectionKind(correction_kind).label},
        body=note,
    )


@transaction.atomic
def ticket_handling_record(
    *,
    actor: User,
    ticket: Ticket,
    correction_result: str,
    redo_reference: str = "",
    repair_scope: str = "",
    discard_method: str = "",
) -> None:
    """5.1.1: the person assigned records what was done, with the fields of the handling chosen."""
    if not correction_result.strip():
        raise ServiceError(_("Vui lòng ghi kết quả xử lý."), field="correction_result")
    if len(correction_result) > 4000:
        raise ServiceError(_("Kết quả xử lý: tối đa 4000 ký tự."), field="correction_result")
    own = _required_text(
        {"redo_reference": redo_reference, "repair_scope": repair_scope, "discard_method": discard_method},
        HANDLING_RECORD_FIELDS.get(ticket.correction_kind, ()),
    )
    ticket_move(
        action="handle",
        ticket=ticket,
        to=TicketStatus.HANDLED,
        actor=actor,
        note=correction_result,
        extra={"correction_result": correction_result.strip(), "handled_at": timezone.now(), **own},
    )
    ticket_notify(
        recipients=[ticket.checker],
        ticket=ticket,
        subject=N_("Phiếu %(n)s: kết quả xử lý trực tiếp chờ bạn kiểm tra") % {"n": ticket.number_display},
        body=correction_result,
    )


@transaction.atomic
def ticket_handling_check(*, actor: User, ticket: Ticket, confirmed: bool, note: str = "") -> None:
    """5.1.1: the checker confirms the result (the ticket is closed as handled directly) or returns it to
    the person carrying it out, saying what is missing."""
    if not confirmed and not note.strip():
        raise ServiceError(_("Vui lòng ghi ý kiến khi trả lại kết quả xử lý."), field="note")
    if len(note) > 2000:
        raise ServiceError(_("Ý kiến kiểm tra: tối đa 2000 ký tự."), field="note")
    now = timezone.now()
    extra: dict[str, object] = {"handling_checked_at": now, "handling_check_note": note.strip()}
    if confirmed:
        extra["closed_at"] = now
        extra["closed_by"] = actor
    ticket_move(
        action="confirm_handling" if confirmed else "return_handling",
        ticket=ticket,
        to=TicketStatus.CORRECTED if confirmed else TicketStatus.HANDLING,
        actor=actor,
        note=note,
        extra=extra,
    )
    if confirmed:
        ticket_notify(
            recipients=[ticket.requester, ticket.decided_by, ticket.handler],
            ticket=ticket,
            subject=N_("Phiếu %(n)s đã được xử lý trực tiếp") % {"n": ticket.number_display},
            body=ticket.correction_result,
        )
    else:
        ticket_notify(
            recipients=[ticket.handler],
            ticket=ticket,
            subject=N_("Phiếu %(n)s: kết quả xử lý trực tiếp bị trả lại") % {"n": ticket.number_display},
            body=note,
        )


def signs_of(ticket: Ticket, signs: Iterable[str]) -> list[str]:
    """The signs recorded, in Sign's order; the repeat detected at opening is always among them."""
    chosen = set(signs)
    unknown = chosen - set(Sign.values)
    if unknown:
        raise ServiceError(_("Dấu hiệu không hợp lệ: %(s)s.") % {"s": ", ".join(sorted(unknown))}, field="signs")
    if ticket.repeat_required:
        chosen.add(Sign.REPEATED_RECORDS)
    return [value for value in Sign.values if value in chosen]


def signs_initial(ticket: Ticket) -> list[str]:
    """What the decision form ticks before the head looks: the repeat detected at opening (5.2.2)."""
    return [Sign.REPEATED_RECORDS] if ticket.repeat_required else []


@transaction.atomic
def ticket_submit(*, actor: User, ticket: Ticket, signs: Iterable[str] = (), note: str = "") -> None:
    """5.2.2: a corrective or improvement action is needed, for the signs the unit head records (at least
    one); the ticket goes to the ISO secretary."""
    chosen = signs_of(ticket, signs)
    if not chosen:
        raise ServiceError(_("Dấu hiệu cần thực hiện HĐKP/cải tiến: vui lòng chọn ít nhất một dấu hiệu (QT.CTCL 5.2.2)."), field="signs")
    ticket_move(
        action="submit",
        ticket=ticket,
        to=TicketStatus.SUBMITTED,
        actor=actor,
        note=note,
        extra={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip(), "signs": chosen},
    )
    ticket_notify(
        recipients=User.objects.with_role(Role.SECRETARY, organisation=ticket.organisation_id),
        ticket=ticket,
        subject=N_("Phiếu HĐKP/cải tiến %(n)s chờ tổng hợp") % {"n": ticket.number_display},
        body=note,
    )
