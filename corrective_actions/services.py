"""Every write of a corrective-action ticket (QT.CTCL 5.1–5.7). Each move checks the table
TICKET_TRANSITIONS and who may make it, updates the row conditionally (qms.services.state_transition)
and notifies the next person after commit.

Reminders (once each, keys claimed with qms.services.reminder_claim):
- completion date approaching: Organisation.action_reminder_working_days working days before, to the assignee;
- completion date passed (the day after): to the assignee;
- escalation while still overdue: ESCALATION_STEPS working days after the completion date, first to the head
  of the implementing unit, then to the ISO secretary and the committee head;
- monthly progress report due (5.5, actions longer than a month): the same lead before each monthly date, to
  the assignee; a missed one goes to the secretary the day after;
- verification due (5.6): on the completion date once the result is reported, to the leader or delegate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qms.errors import ServiceError, StaleEditError
from qms.models import Organisation, Unit, User
from qms.roles import Role
from qms.services import audit_record, check_transition, local_today, notification_send, reminder_claim, state_transition
from qms.uploads import validate_upload
from qms.workdays import add_working_days, working_days_between

from .models import (
    ACTIVE_ACTION_STATES,
    TICKET_TRANSITIONS,
    Actor,
    Box,
    ChangeRequest,
    CorrectionKind,
    Kind,
    ProgressReport,
    Source,
    Ticket,
    TicketAttachment,
    Verification,
    normalise_content,
)
from .models import (
    TicketStatus as T,
)

SERIES = "ca-ticket"
# Working days after the completion date -> who is told that the action is still not reported.
ESCALATION_STEPS: list[tuple[int, str]] = [(3, "unit_head"), (5, "committee")]

PERMS = {
    Actor.UNIT_HEAD: "corrective_actions.decide_ticket",
    Actor.SECRETARY: "corrective_actions.consolidate_ticket",
    Actor.COMMITTEE_HEAD: "corrective_actions.assign_ticket",
    Actor.LEADER: "corrective_actions.verify_ticket",
    Actor.COMMITTEE: "corrective_actions.close_ticket",
}


# --- who may act -------------------------------------------------------------------------------------


def actor_allowed(user: User, ticket: Ticket, actor: Actor) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if actor == Actor.ASSIGNEE:
        return ticket.assignee_id is not None and ticket.assignee_id == user.pk
    if actor == Actor.LEADER and ticket.delegate_id == user.pk:
        return True
    if actor == Actor.UNIT_HEAD:
        return user.has_perm(PERMS[actor]) and user.unit_id is not None and user.unit_id == ticket.unit_id
    return user.has_perm(PERMS[actor])


def can_act(user: User, ticket: Ticket, action: str) -> bool:
    from .models import ACTION_ACTORS

    return actor_allowed(user, ticket, ACTION_ACTORS[action])


def _require(user: User, ticket: Ticket, action: str) -> None:
    if not can_act(user, ticket, action):
        raise ServiceError(_("Bạn không có quyền thực hiện thao tác này trên phiếu %(n)s.") % {"n": ticket.number_display})


def _move(*, ticket: Ticket, action: str, to: str, actor: User, note: str = "", extra: dict | None = None) -> None:
    """Check the table and the actor, then make the conditional UPDATE (one wins under concurrency)."""
    if TICKET_TRANSITIONS.get((ticket.status, to), ("", None))[0] != action:
        raise ServiceError(
            _("Phiếu %(n)s đang ở trạng thái “%(s)s”, không thể thực hiện thao tác này.")
            % {"n": ticket.number_display, "s": ticket.get_status_display()}
        )
    check_transition(TICKET_TRANSITIONS, ticket.status, to)
    who = TICKET_TRANSITIONS[(ticket.status, to)][1]
    if not actor_allowed(actor, ticket, who):
        raise ServiceError(_("Bạn không có quyền thực hiện thao tác này trên phiếu %(n)s.") % {"n": ticket.number_display})
    state_transition(instance=ticket, to_state=to, actor=actor, action=str(ACTION_LABELS[action]), note=note, extra=extra)


# Stored untranslated in the audit row; gettext_noop puts them in the catalogue so the trail can show them in English.
ACTION_LABELS = {
    "open": gettext_noop("Mở phiếu"),
    "correct": gettext_noop("Xử lý trực tiếp (khắc phục)"),
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


def _url(ticket: Ticket) -> str:
    return ticket.get_absolute_url()


def _role_users(role: Role) -> list[User]:
    return list(User.objects.filter(groups__name=role.value, is_active=True).distinct())


def unit_heads(unit_id: int | None) -> list[User]:
    if unit_id is None:
        return []
    return list(User.objects.filter(unit_id=unit_id, groups__name=Role.UNIT_HEAD.value, is_active=True).distinct())


def leaders(ticket: Ticket) -> list[User]:
    """5.6: the agency's leader — the committee head — or the person delegated on this ticket."""
    return [ticket.delegate] if ticket.delegate_id else _role_users(Role.COMMITTEE_HEAD)


def _notify(recipients: Iterable[User | None], ticket: Ticket, subject: str, body: str = "") -> None:
    notification_send(recipients=[u for u in recipients if u is not None], subject=subject, body=body, url=_url(ticket))


def _today(today: dt.date | None) -> dt.date:
    return today or local_today()


# --- 5.2.1 open ----------------------------------------------------------------------------------------


def repeat_streak(*, unit: Unit, process: str, clause: str, exclude_pk: int | None = None) -> int:
    """5.2.2: nonconformity records on the same process and clause at the same unit since the last one
    whose corrective action was verified effective."""
    content = (normalise_content(process), normalise_content(clause))
    if not all(content):
        return 0
    same = Ticket.objects.filter(unit=unit, kind=Kind.CORRECTIVE)
    if exclude_pk:
        same = same.exclude(pk=exclude_pk)
    # Compared in Python: the same content typed with another case, spacing or a final full stop is a repeat.
    rows = [
        (status, closed_at, created_at)
        for status, closed_at, created_at, p, c in same.values_list("status", "closed_at", "created_at", "process", "clause")
        if (normalise_content(p), normalise_content(c)) == content
    ]
    last_effective = max((closed for status, closed, _c in rows if status == T.CLOSED and closed), default=None)
    return sum(1 for _s, _c, created in rows if last_effective is None or created > last_effective)


@transaction.atomic
def ticket_open(
    *,
    actor: User,
    requesting_unit: Unit,
    description: str,
    kind: str = Kind.CORRECTIVE,
    source: str = Source.NONCONFORMITY,
    unit: Unit | None = None,
    related_documents: str = "",
    process: str = "",
    clause: str = "",
    description_date: dt.date | None = None,
    origin_label: str = "",
    origin_url: str = "",
    predecessor: Ticket | None = None,
    attachments: Iterable[UploadedFile] = (),
    status: str = T.OPEN,
    today: dt.date | None = None,
) -> Ticket:
    """5.2.1: box 1 filled; the ticket goes to the head of the unit concerned."""
    if not actor.has_perm("corrective_actions.open_ticket"):
        raise ServiceError(_("Bạn không có quyền mở phiếu yêu cầu HĐKP/cải tiến."))
    if not description.strip():
        raise ServiceError(_("Vui lòng mô tả sự không phù hợp hoặc đề xuất cải tiến."), field="description")
    oversight = actor.has_role(Role.SECRETARY, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER)
    if status == T.OPEN and not oversight and requesting_unit.pk != actor.unit_id:
        # 5.2.1: a person reports to the head of their own unit; auditors (committee) may open for any unit.
        raise ServiceError(_("Bạn chỉ có thể mở phiếu với đơn vị đề nghị là đơn vị của mình."), field="requesting_unit")
    today = _today(today)
    description_date = description_date or today
    if description_date > today:
        raise ServiceError(_("Ngày mô tả không được sau ngày hôm nay."), field="description_date")
    unit = unit or requesting_unit
    year = today.year
    ticket = Ticket.objects.create(
        number=_next_number(year),
        year=year,
        status=status,
        requesting_unit=requesting_unit,
        unit=unit,
        kind=kind,
        source=source,
        related_documents=related_documents.strip(),
        process=process.strip(),
        clause=clause.strip(),
        description=description.strip(),
        description_date=description_date,
        requester=actor,
        predecessor=predecessor,
        origin_label=origin_label,
        origin_url=origin_url,
    )
    for upload in attachments:
        _attach(ticket=ticket, actor=actor, box=Box.BOX1, upload=upload)
    note = _("Mở tự động từ phiếu %(n)s") % {"n": predecessor.number_display} if predecessor else origin_label
    audit_record(target=ticket, actor=actor, action=ACTION_LABELS["open"], to_state=status, note=note)
    _check_repeats(ticket)
    if status == T.OPEN:
        _notify(
            unit_heads(unit.pk),
            ticket,
            _("Phiếu HĐKP/cải tiến %(n)s chờ đơn vị xem xét") % {"n": ticket.number_display},
            ticket.description,
        )
    elif status == T.SUBMITTED:
        _notify(
            _role_users(Role.SECRETARY),
            ticket,
            _("Phiếu HĐKP/cải tiến %(n)s chờ tổng hợp") % {"n": ticket.number_display},
            ticket.description,
        )
    return ticket


def _next_number(year: int) -> int:
    from qms.services import document_number_next

    return document_number_next(series=SERIES, year=year)


def _check_repeats(ticket: Ticket) -> None:
    if ticket.kind != Kind.CORRECTIVE:
        return
    streak = repeat_streak(unit=ticket.unit, process=ticket.process, clause=ticket.clause)
    threshold = Organisation.current().repeat_nonconformity_threshold
    required = streak > threshold
    Ticket.objects.filter(pk=ticket.pk).update(repeat_count=streak, repeat_required=required)
    ticket.repeat_count, ticket.repeat_required = streak, required
    if required:
        subject = _("Phiếu %(n)s: sự KPH lặp lại %(c)d lần liên tiếp — bắt buộc thực hiện HĐKP") % {
            "n": ticket.number_display,
            "c": streak,
        }
        body = _("Quy trình “%(p)s”, điều khoản %(cl)s tại %(u)s.") % {"p": ticket.process, "cl": ticket.clause, "u": ticket.unit}
        _notify(unit_heads(ticket.unit_id) + _role_users(Role.SECRETARY), ticket, subject, body)


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
) -> Ticket:
    """Called by other apps (a management review's decision, an objective not achieved): the ISO committee
    has already decided that an action is needed (QT.CTCL 5.8.1.2), so the ticket goes straight to the
    secretary's consolidation instead of a unit head's decision."""
    return ticket_open(
        actor=actor,
        requesting_unit=requesting_unit,
        unit=unit,
        kind=kind,
        source=source,
        description=description,
        process=process,
        clause=clause,
        related_documents=related_documents,
        origin_label=origin_label,
        origin_url=origin_url,
        status=T.SUBMITTED,
    )


# --- 5.1.1 / 5.2.2 the unit head decides ------------------------------------------------------------------


@transaction.atomic
def ticket_correct(*, actor: User, ticket: Ticket, correction_kind: str, correction_result: str, note: str = "") -> None:
    if ticket.repeat_required:
        raise ServiceError(
            _("Sự không phù hợp này đã lặp lại %(c)d lần liên tiếp: bắt buộc thực hiện hành động khắc phục, không xử lý trực tiếp được.")
            % {"c": ticket.repeat_count}
        )
    if correction_kind not in CorrectionKind.values:
        raise ServiceError(_("Vui lòng chọn hình thức xử lý."), field="correction_kind")
    if not correction_result.strip():
        raise ServiceError(_("Vui lòng ghi kết quả xử lý."), field="correction_result")
    now = timezone.now()
    _move(
        action="correct",
        ticket=ticket,
        to=T.CORRECTED,
        actor=actor,
        note=f"{CorrectionKind(correction_kind).label}: {correction_result}",
        extra={
            "decided_by": actor,
            "decided_at": now,
            "correction_kind": correction_kind,
            "correction_result": correction_result.strip(),
            "decision_note": note.strip(),
            "closed_at": now,
        },
    )
    _notify([ticket.requester], ticket, _("Phiếu %(n)s đã được xử lý trực tiếp") % {"n": ticket.number_display}, correction_result)


@transaction.atomic
def ticket_submit(*, actor: User, ticket: Ticket, note: str = "") -> None:
    _move(
        action="submit",
        ticket=ticket,
        to=T.SUBMITTED,
        actor=actor,
        note=note,
        extra={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note.strip()},
    )
    _notify(_role_users(Role.SECRETARY), ticket, _("Phiếu HĐKP/cải tiến %(n)s chờ tổng hợp") % {"n": ticket.number_display}, note)


# --- 5.3 consolidate and assign -------------------------------------------------------------------------


@transaction.atomic
def ticket_present(*, actor: User, ticket: Ticket, note: str = "") -> None:
    _move(action="present", ticket=ticket, to=T.PRESENTED, actor=actor, note=note, extra={"presented_at": timezone.now()})
    _notify(
        _role_users(Role.COMMITTEE_HEAD), ticket, _("Phiếu %(n)s trình Lãnh đạo Ban ISO phân công") % {"n": ticket.number_display}, note
    )


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
    if not assignee.is_active:
        raise ServiceError(_("Người thực hiện không còn hoạt động."), field="assignee")
    if delegate is not None and delegate.pk == assignee.pk:
        raise ServiceError(_("Người được ủy quyền kiểm tra không được là người thực hiện."), field="delegate")
    head = implementing_unit_head or next(iter(unit_heads(implementing_unit.pk)), None)
    _move(
        action="assign",
        ticket=ticket,
        to=T.ASSIGNED,
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
    _notify([assignee], ticket, _("Bạn được phân công thực hiện phiếu %(n)s") % {"n": ticket.number_display}, note)


# --- 5.4 analyse, propose, approve ----------------------------------------------------------------------


@transaction.atomic
def ticket_propose(*, actor: User, ticket: Ticket, cause: str, measure: str) -> None:
    if not cause.strip():
        raise ServiceError(_("Vui lòng ghi nguyên nhân."), field="cause")
    if not measure.strip():
        raise ServiceError(_("Vui lòng đề xuất biện pháp khắc phục/cải tiến."), field="measure")
    _move(
        action="propose",
        ticket=ticket,
        to=T.PROPOSED,
        actor=actor,
        extra={"cause": cause.strip(), "measure": measure.strip(), "proposed_at": timezone.now()},
    )
    _notify(_role_users(Role.COMMITTEE_HEAD), ticket, _("Phiếu %(n)s: biện pháp chờ phê duyệt") % {"n": ticket.number_display}, measure)


def _check_completion_date(completion_date: dt.date | None, today: dt.date) -> None:
    if completion_date is None:
        raise ServiceError(_("Vui lòng ấn định ngày hoàn thành."), field="completion_date")
    if completion_date < today:
        raise ServiceError(
            _("Ngày hoàn thành %(d)s đã qua. Vui lòng chọn một ngày từ hôm nay (%(t)s) trở đi.")
            % {"d": completion_date.strftime("%d/%m/%Y"), "t": today.strftime("%d/%m/%Y")},
            field="completion_date",
        )


@transaction.atomic
def ticket_approve(
    *, actor: User, ticket: Ticket, completion_date: dt.date, note: str = "", delegate: User | None = None, today: dt.date | None = None
) -> None:
    today = _today(today)
    _check_completion_date(completion_date, today)
    approved_at = timezone.make_aware(dt.datetime.combine(today, timezone.localtime().time())) if today != local_today() else timezone.now()
    _move(
        action="approve",
        ticket=ticket,
        to=T.IN_PROGRESS,
        actor=actor,
        note=note or _("Ngày hoàn thành: %(d)s") % {"d": completion_date.strftime("%d/%m/%Y")},
        extra={
            "completion_date": completion_date,
            "approved_by": actor,
            "approved_at": approved_at,
            "return_comment": "",
            "delegate": delegate or ticket.delegate,
        },
    )
    _notify(
        [ticket.assignee, ticket.implementing_unit_head],
        ticket,
        _("Phiếu %(n)s: biện pháp đã được phê duyệt, hoàn thành trước %(d)s")
        % {"n": ticket.number_display, "d": completion_date.strftime("%d/%m/%Y")},
        ticket.measure,
    )


@transaction.atomic
def ticket_return(*, actor: User, ticket: Ticket, comment: str) -> None:
    if not comment.strip():
        raise ServiceError(_("Vui lòng ghi ý kiến khi trả lại đề xuất."), field="comment")
    _move(action="return", ticket=ticket, to=T.ASSIGNED, actor=actor, note=comment, extra={"return_comment": comment.strip()})
    _notify([ticket.assignee], ticket, _("Phiếu %(n)s: đề xuất biện pháp bị trả lại") % {"n": ticket.number_display}, comment)


# --- 5.5 implement ---------------------------------------------------------------------------------------


def progress_window(ticket: Ticket, due: dt.date) -> tuple[dt.date, dt.date]:
    """The days in which a report counts for the monthly date `due`: after the previous date, up to `due`."""
    dues = ticket.progress_due_dates(due)
    if len(dues) >= 2:
        return dues[-2] + dt.timedelta(days=1), due
    return timezone.localtime(ticket.approved_at).date(), due


def missed_progress_dates(ticket: Ticket, today: dt.date | None = None, reports: list[ProgressReport] | None = None) -> list[dt.date]:
    today = _today(today)
    if ticket.status != T.IN_PROGRESS and ticket.reported_at is None:
        return []
    until = min(today - dt.timedelta(days=1), timezone.localtime(ticket.reported_at).date() if ticket.reported_at else today)
    reports = list(ticket.progress_reports.all()) if reports is None else reports
    days = [timezone.localtime(r.reported_at).date() for r in reports]
    missed = []
    for due in ticket.progress_due_dates(until):
        start, end = progress_window(ticket, due)
        if not any(start <= d <= end for d in days):
            missed.append(due)
    return missed


@transaction.atomic
def progress_report_add(*, actor: User, ticket: Ticket, text: str, attachments: Iterable[UploadedFile] = ()) -> ProgressReport:
    _require(actor, ticket, "progress")
    if ticket.status != T.IN_PROGRESS:
        raise ServiceError(_("Chỉ báo cáo tiến độ khi phiếu đang được thực hiện."))
    if not text.strip():
        raise ServiceError(_("Vui lòng ghi tình hình thực hiện."), field="text")
    report = ProgressReport.objects.create(ticket=ticket, author=actor, text=text.strip())
    for upload in attachments:
        _attach(ticket=ticket, actor=actor, box=Box.BOX2, upload=upload)
    audit_record(target=ticket, actor=actor, action=_("Báo cáo tiến độ"), note=text.strip())
    _notify(_role_users(Role.SECRETARY), ticket, _("Phiếu %(n)s: báo cáo tiến độ") % {"n": ticket.number_display}, text)
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
    _require(actor, ticket, "change_request")
    if ticket.status != T.IN_PROGRESS:
        raise ServiceError(_("Chỉ đề nghị thay đổi khi phiếu đang được thực hiện."))
    if ticket.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        raise ServiceError(_("Phiếu đã có một đề nghị đang chờ quyết định."))
    if not reason.strip():
        raise ServiceError(_("Vui lòng nêu lý do, khó khăn."), field="reason")
    if kind == ChangeRequest.Kind.MEASURE and not proposed_measure.strip():
        raise ServiceError(_("Vui lòng ghi biện pháp đề nghị thay đổi."), field="proposed_measure")
    if proposed_completion_date is not None:
        _check_completion_date(proposed_completion_date, _today(today))
    change = ChangeRequest.objects.create(
        ticket=ticket,
        kind=kind,
        reason=reason.strip(),
        proposed_measure=proposed_measure.strip(),
        proposed_completion_date=proposed_completion_date,
        requested_by=actor,
    )
    audit_record(target=ticket, actor=actor, action=_("Đề nghị thay đổi: %(k)s") % {"k": change.get_kind_display()}, note=reason.strip())
    _notify(
        _role_users(Role.COMMITTEE_HEAD), ticket, _("Phiếu %(n)s: đề nghị thay đổi chờ quyết định") % {"n": ticket.number_display}, reason
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
    _require(actor, ticket, "change_decide")
    if ticket.status != T.IN_PROGRESS:
        raise ServiceError(_("Phiếu không còn ở bước thực hiện."))
    new_measure = (measure or change.proposed_measure).strip()
    new_date = completion_date or change.proposed_completion_date
    if approve and new_date is not None and new_date != ticket.completion_date:
        _check_completion_date(new_date, _today(today))
    status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    done = ChangeRequest.objects.filter(pk=change.pk, status=ChangeRequest.Status.PENDING).update(
        status=status,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note.strip(),
        previous_measure=ticket.measure,
        previous_completion_date=ticket.completion_date,
    )
    if done != 1:
        raise StaleEditError(_("Đề nghị này vừa được người khác quyết định. Vui lòng tải lại trang."))
    history = ""
    if approve:
        updates = {}
        if new_measure and new_measure != ticket.measure:
            updates["measure"] = new_measure
            history += _("Biện pháp trước: %(m)s\n") % {"m": ticket.measure}
        if new_date and new_date != ticket.completion_date:
            updates["completion_date"] = new_date
            history += _("Ngày hoàn thành trước: %(d)s\n") % {
                "d": ticket.completion_date.strftime("%d/%m/%Y") if ticket.completion_date else "—"
            }
        if updates:
            from django.db.models import F

            changed = Ticket.objects.filter(pk=ticket.pk, version=ticket.version, status=T.IN_PROGRESS).update(
                version=F("version") + 1, **updates
            )
            if changed != 1:
                raise StaleEditError(_("Phiếu vừa được người khác thay đổi. Vui lòng tải lại trang và thử lại."))
            ticket.refresh_from_db()
    label = _("Chấp thuận đề nghị thay đổi") if approve else _("Không chấp thuận đề nghị thay đổi")
    audit_record(target=ticket, actor=actor, action=label, note=(history + note).strip())
    _notify([change.requested_by], ticket, _("Phiếu %(n)s: %(l)s") % {"n": ticket.number_display, "l": label}, note)


@transaction.atomic
def ticket_report(*, actor: User, ticket: Ticket, result: str, attachments: Iterable[UploadedFile] = ()) -> None:
    if not result.strip():
        raise ServiceError(_("Vui lòng ghi kết quả thực hiện."), field="result")
    _move(
        action="report",
        ticket=ticket,
        to=T.REPORTED,
        actor=actor,
        note=result,
        extra={"result_report": result.strip(), "reported_at": timezone.now()},
    )
    for upload in attachments:
        _attach(ticket=ticket, actor=actor, box=Box.BOX2, upload=upload)
    _notify(leaders(ticket), ticket, _("Phiếu %(n)s: đã báo cáo kết quả, chờ kiểm tra") % {"n": ticket.number_display}, result)


# --- 5.6 verify, 5.7 close --------------------------------------------------------------------------------


@transaction.atomic
def ticket_verify(
    *, actor: User, ticket: Ticket, verification: str, note: str = "", evidence: str = "", today: dt.date | None = None
) -> Ticket | None:
    """Đạt: waits for the committee to close it. Không đạt / new measure: closed as not effective and a new
    linked ticket opens for the leader's decision. Returns that new ticket."""
    if ticket.status != T.REPORTED:
        raise ServiceError(
            _("Chưa thể kiểm tra xác nhận: người thực hiện chưa báo cáo kết quả (phiếu đang ở trạng thái “%(s)s”).")
            % {"s": ticket.get_status_display()}
        )
    if ticket.assignee_id == actor.pk:
        # 5.6: the result is checked by the leader or a delegate, never by the person who did the work.
        raise ServiceError(_("Người thực hiện không thể tự kiểm tra xác nhận kết quả của mình."))
    if verification not in Verification.values:
        raise ServiceError(_("Vui lòng chọn kết quả kiểm tra: Đạt, Không đạt hoặc Biện pháp KP/PN mới."), field="verification")
    if verification != Verification.PASSED and not note.strip():
        raise ServiceError(_("Vui lòng ghi nhận xét: nội dung chưa đạt hoặc biện pháp mới."), field="note")
    today = _today(today)
    passed = verification == Verification.PASSED
    extra = {"verification": verification, "verification_note": note.strip(), "verified_by": actor, "verified_on": today}
    if evidence.strip():
        extra["evidence"] = evidence.strip()
    if not passed:
        extra["closed_at"] = timezone.now()
        extra["closed_by"] = actor
    _move(
        action="verify",
        ticket=ticket,
        to=T.VERIFIED if passed else T.INEFFECTIVE,
        actor=actor,
        note=f"{Verification(verification).label}. {note}".strip(),
        extra=extra,
    )
    if passed:
        _notify(_role_users(Role.SECRETARY), ticket, _("Phiếu %(n)s: kiểm tra Đạt, chờ đóng phiếu") % {"n": ticket.number_display}, note)
        return None
    successor = _open_successor(actor=actor, ticket=ticket, verification=verification, note=note)
    _notify(
        [ticket.assignee, ticket.requester] + _role_users(Role.SECRETARY),
        ticket,
        _("Phiếu %(n)s không hiệu lực — đã mở phiếu mới %(m)s") % {"n": ticket.number_display, "m": successor.number_display},
        note,
    )
    return successor


def _open_successor(*, actor: User, ticket: Ticket, verification: str, note: str) -> Ticket:
    description = _("Kết quả kiểm tra phiếu số %(n)s: %(v)s.\n%(note)s\n\nNội dung phiếu trước: %(d)s\nBiện pháp đã thực hiện: %(m)s") % {
        "n": ticket.number_display,
        "v": Verification(verification).label,
        "note": note.strip(),
        "d": ticket.description,
        "m": ticket.measure,
    }
    successor = Ticket.objects.create(
        number=_next_number(local_today().year),
        year=local_today().year,
        status=T.PRESENTED,
        requesting_unit=actor.unit or ticket.requesting_unit,
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
        action=ACTION_LABELS["open"],
        to_state=T.PRESENTED,
        note=_("Mở tự động từ phiếu %(n)s (%(v)s)") % {"n": ticket.number_display, "v": Verification(verification).label},
    )
    _notify(
        _role_users(Role.COMMITTEE_HEAD),
        successor,
        _("Phiếu mới %(m)s (từ phiếu %(n)s không đạt) chờ Lãnh đạo xem xét, cho ý kiến giải quyết")
        % {"m": successor.number_display, "n": ticket.number_display},
    )
    return successor


@transaction.atomic
def ticket_close(*, actor: User, ticket: Ticket, evidence: str, attachments: Iterable[UploadedFile] = ()) -> None:
    evidence = (evidence or ticket.evidence).strip()
    if not evidence:
        raise ServiceError(_("Không thể đóng phiếu khi chưa ghi bằng chứng kết quả thực hiện vào ô thứ ba."), field="evidence")
    _move(
        action="close",
        ticket=ticket,
        to=T.CLOSED,
        actor=actor,
        note=evidence,
        extra={"evidence": evidence, "closed_by": actor, "closed_at": timezone.now()},
    )
    for upload in attachments:
        _attach(ticket=ticket, actor=actor, box=Box.BOX3, upload=upload)
    _notify([ticket.assignee, ticket.requester], ticket, _("Phiếu %(n)s đã được đóng") % {"n": ticket.number_display}, evidence)


@transaction.atomic
def ticket_delegate_set(*, actor: User, ticket: Ticket, delegate: User | None) -> None:
    _require(actor, ticket, "delegate")
    if delegate is not None and delegate.pk == ticket.assignee_id:
        raise ServiceError(_("Người được ủy quyền kiểm tra không được là người thực hiện."), field="delegate")
    if ticket.is_final:
        raise ServiceError(_("Phiếu đã đóng, không thay đổi người được ủy quyền."))
    Ticket.objects.filter(pk=ticket.pk).update(delegate=delegate)
    ticket.delegate = delegate
    audit_record(
        target=ticket, actor=actor, action=_("Ủy quyền kiểm tra xác nhận"), note=delegate.display_name if delegate else _("Bỏ ủy quyền")
    )
    if delegate:
        _notify([delegate], ticket, _("Bạn được ủy quyền kiểm tra xác nhận phiếu %(n)s") % {"n": ticket.number_display})


def next_step(ticket: Ticket) -> tuple[str, str, dt.date | None]:
    """What the ticket waits for, from whom, and by when — shown on the ticket page."""

    def names(users: Iterable[User | None]) -> str:
        return ", ".join(u.display_name for u in users if u is not None) or "—"

    who = {
        T.OPEN: lambda: _("Lãnh đạo %(u)s") % {"u": ticket.unit} + f" ({names(unit_heads(ticket.unit_id))})",
        T.SUBMITTED: lambda: _("Thư ký ISO") + f" ({names(_role_users(Role.SECRETARY))})",
        T.PRESENTED: lambda: _("Lãnh đạo Ban ISO") + f" ({names(_role_users(Role.COMMITTEE_HEAD))})",
        T.ASSIGNED: lambda: names([ticket.assignee]),
        T.PROPOSED: lambda: _("Lãnh đạo Ban ISO") + f" ({names(_role_users(Role.COMMITTEE_HEAD))})",
        T.IN_PROGRESS: lambda: names([ticket.assignee]),
        T.REPORTED: lambda: names(leaders(ticket)),
        T.VERIFIED: lambda: _("Ban ISO") + f" ({names(_role_users(Role.SECRETARY))})",
    }.get(ticket.status, lambda: "")()
    by = ticket.completion_date if ticket.status in {T.IN_PROGRESS, T.REPORTED} else None
    return str(ticket.next_action), who, by


# --- evidence ----------------------------------------------------------------------------------------------


def may_attach(user: User, ticket: Ticket) -> bool:
    """Whoever takes part in the ticket may add evidence to it; committee members only read."""
    if not user.is_authenticated:
        return False
    return (
        user.pk in {ticket.requester_id, ticket.assignee_id, ticket.delegate_id, ticket.implementing_unit_head_id}
        or actor_allowed(user, ticket, Actor.UNIT_HEAD)
        or user.has_perm("corrective_actions.consolidate_ticket")
        or user.has_perm("corrective_actions.assign_ticket")
    )


def _attach(*, ticket: Ticket, actor: User, box: str, upload: UploadedFile, description: str = "") -> TicketAttachment:
    from django.core.exceptions import ValidationError

    try:
        validate_upload(upload)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="file") from exc
    return TicketAttachment.objects.create(
        ticket=ticket,
        box=box,
        file=upload,
        original_name=upload.name[:255],
        size=upload.size,
        description=description[:255],
        uploaded_by=actor,
    )


@transaction.atomic
def attachment_add(*, actor: User, ticket: Ticket, box: str, upload: UploadedFile, description: str = "") -> TicketAttachment:
    if not may_attach(actor, ticket):
        raise ServiceError(_("Bạn không có quyền đính kèm bằng chứng vào phiếu này."))
    if ticket.is_final:
        raise ServiceError(_("Phiếu đã đóng, không bổ sung bằng chứng được."))
    if box not in Box.values:
        raise ServiceError(_("Vui lòng chọn ô của phiếu."), field="box")
    attachment = _attach(ticket=ticket, actor=actor, box=box, upload=upload, description=description)
    audit_record(target=ticket, actor=actor, action=_("Đính kèm bằng chứng (ô %(b)s)") % {"b": box}, note=attachment.original_name)
    return attachment


# --- 5.5 / 5.6 reminders -------------------------------------------------------------------------------------


def _escalation_heads(ticket: Ticket) -> list[User]:
    """The head recorded at assignment, or, when there was none or they have left, the unit's heads now:
    a claimed escalation must reach someone."""
    head = ticket.implementing_unit_head
    if head is not None and head.is_active:
        return [head]
    return unit_heads(ticket.implementing_unit_id)


def ticket_reminders_send(*, today: dt.date | None = None) -> int:
    """The daily sweep. Each reminder has a key claimed once, so concurrent or repeated sweeps send it once."""
    today = _today(today)
    lead = Organisation.current().action_reminder_working_days
    secretaries, heads = _role_users(Role.SECRETARY), _role_users(Role.COMMITTEE_HEAD)
    sent = 0
    tickets = (
        Ticket.objects.filter(status__in=[*ACTIVE_ACTION_STATES, T.REPORTED], completion_date__isnull=False)
        .select_related("assignee", "implementing_unit_head", "delegate")
        .prefetch_related("progress_reports")
    )

    def once(key: str, recipients: list[User | None], ticket: Ticket, subject: str, body: str = "") -> None:
        nonlocal sent
        if reminder_claim(f"ca:{ticket.pk}:{key}:{ticket.completion_date:%Y%m%d}"):
            _notify(recipients, ticket, subject, body)
            sent += 1

    for t in tickets:
        n, due = t.number_display, t.completion_date
        due_text = due.strftime("%d/%m/%Y")
        if t.status in ACTIVE_ACTION_STATES:
            if today <= due and working_days_between(today, due) <= lead:
                once("due-soon", [t.assignee], t, _("Phiếu %(n)s sắp đến hạn hoàn thành (%(d)s)") % {"n": n, "d": due_text})
            if today > due:
                once("passed", [t.assignee], t, _("Phiếu %(n)s đã quá hạn hoàn thành (%(d)s)") % {"n": n, "d": due_text})
                late = working_days_between(due, today)
                for level, (days, who) in enumerate(ESCALATION_STEPS, start=1):
                    if late >= days:
                        recipients = _escalation_heads(t) if who == "unit_head" else secretaries + heads
                        once(
                            f"escalate-{level}",
                            recipients,
                            t,
                            _("Phiếu %(n)s quá hạn %(k)d ngày làm việc, chưa báo cáo kết quả") % {"n": n, "k": late},
                            _("Người thực hiện: %(a)s. Ngày hoàn thành: %(d)s.")
                            % {"a": t.assignee.display_name if t.assignee else "—", "d": due_text},
                        )
        if t.status == T.IN_PROGRESS:
            reports = list(t.progress_reports.all())
            for monthly in t.progress_due_dates(add_working_days(today, lead)):
                start, end = progress_window(t, monthly)
                if any(start <= timezone.localtime(r.reported_at).date() <= end for r in reports):
                    continue
                once(
                    f"progress-{monthly:%Y%m%d}",
                    [t.assignee],
                    t,
                    _("Phiếu %(n)s: đến hạn báo cáo tiến độ tháng (%(d)s)") % {"n": n, "d": monthly.strftime("%d/%m/%Y")},
                )
                if today > monthly:
                    once(
                        f"progress-missed-{monthly:%Y%m%d}",
                        [t.assignee] + secretaries,
                        t,
                        _("Phiếu %(n)s: chưa báo cáo tiến độ tháng hạn %(d)s") % {"n": n, "d": monthly.strftime("%d/%m/%Y")},
                    )
        if t.status == T.REPORTED and today >= due:
            once("verify", leaders(t), t, _("Phiếu %(n)s đến hạn kiểm tra xác nhận kết quả") % {"n": n})
    return sent
