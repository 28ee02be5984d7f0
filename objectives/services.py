"""Every write of the objectives app: plans, objectives and their actions, submission, approval, revision,
measurements, year-end evaluation, copying a year from the last, and opening a ticket for a missed objective.
Who may do each is asked of rules.py; the reminder sweep is in reminders.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from corrective_actions.services import ticket_open_from_source
from qms.dates import format_date
from qms.errors import NotAllowed, ServiceError, StaleEditError
from qms.messages import N_, Message
from qms.models import Unit, User
from qms.services import audit_record, notification_send, state_transition
from qms.tenancy import same_organisation
from qms.transitions import check_transition
from qms.workdays import add_years

from .models import (
    IN_FORCE_STATES,
    OBJECTIVE_FIELDS,
    PLAN_TRANSITIONS,
    Measurement,
    Objective,
    ObjectivesSettings,
    Plan,
    PlanAction,
    PlanStatus,
    Result,
    period_message,
)
from .rules import approvers_of, can_draft, can_evaluate, can_measure, drafters_of, may_move


def _move(*, plan: Plan, to_state: PlanStatus, actor: User, action: Message, note: str = "", extra: dict[str, Any] | None = None) -> None:
    """Move the plan if PLAN_TRANSITIONS allows it and `actor` is that row's "who" for this plan."""
    try:
        check_transition(PLAN_TRANSITIONS, plan.status, to_state, actor=actor, may_act=lambda user, row: may_move(user, plan, row))
    except NotAllowed:
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này đối với kế hoạch này.")) from None
    state_transition(instance=plan, to_state=to_state, actor=actor, action=action, note=note, extra=extra)


def _move_by_system(*, plan: Plan, to_state: PlanStatus, actor: User, action: Message) -> None:
    """A move that follows from one `actor` was allowed to make (the approval of a revision): only the
    move itself is checked; the audit row still names the person whose step caused it."""
    check_transition(PLAN_TRANSITIONS, plan.status, to_state)
    state_transition(instance=plan, to_state=to_state, actor=actor, action=action)


def _locked_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan_id)


def _require_editable(plan: Plan) -> None:
    if plan.is_locked:
        raise ServiceError(_("Kế hoạch đã được phê duyệt nên đã khóa. Muốn thay đổi, hãy lập lần sửa đổi mới và ghi rõ lý do."))
    if not plan.is_editable:
        raise ServiceError(_("Kế hoạch đang chờ phê duyệt, không sửa được. Người phê duyệt có thể trả lại để sửa."))


# ---------------------------------------------------------------- plans


# Plausible values (issue 11): the years of a plan; an objective's and an action's sequence numbers from 1.
YEAR_MIN, YEAR_MAX = 2000, 2100


def year_check(year: int) -> None:
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ServiceError(
            _("Năm %(y)s không hợp lệ: năm phải từ %(a)d đến %(b)d.") % {"y": year, "a": YEAR_MIN, "b": YEAR_MAX}, field="year"
        )


def _plausible_objective(plan: Plan, data: dict[str, Any], actions: list[dict[str, Any]]) -> None:
    """Sequence numbers from 1; action deadlines within the plan's year, give or take one year."""
    order = data.get("order")
    if order is not None and order != "" and int(order) < 1:
        raise ServiceError(_("Thứ tự mục tiêu phải từ 1 trở lên."), field="order")
    earliest, latest = dt.date(plan.year - 1, 1, 1), dt.date(plan.year + 1, 12, 31)
    for number, action in enumerate(actions, start=1):
        action_order = action.get("order")
        if action_order is not None and action_order != "" and int(action_order) < 1:
            raise ServiceError(_("Hành động %(n)d: thứ tự phải từ 1 trở lên.") % {"n": number}, field="order")
        deadline = action.get("deadline")
        if isinstance(deadline, dt.date) and not earliest <= deadline <= latest:
            raise ServiceError(
                _("Hành động %(n)d: thời hạn %(d)s không hợp lệ, phải trong khoảng %(a)s – %(b)s.")
                % {"n": number, "d": format_date(deadline), "a": format_date(earliest), "b": format_date(latest)},
                field="deadline",
            )


def _require_own_unit(actor: User, unit: Unit | None) -> None:
    if unit is not None and not same_organisation(actor, unit.organisation_id):
        raise ServiceError(_("Đơn vị này không thuộc cơ quan của bạn."), field="scope")


@transaction.atomic
def plan_create(*, actor: User, year: int, unit: Unit | None) -> Plan:
    """A draft plan of `unit` (None: the agency's), in the actor's agency."""
    _require_own_unit(actor, unit)
    year_check(year)
    organisation_id = unit.organisation_id if unit is not None else actor.organisation_id
    if organisation_id is None or not can_draft(actor, unit=unit, agency=unit is None):
        raise ServiceError(_("Bạn không có quyền lập kế hoạch MTCL cho phạm vi này."))
    existing = Plan.objects.of(organisation_id).filter(year=year, unit=unit).current().first()
    if existing is not None:
        raise ServiceError(_("Đã có kế hoạch MTCL năm %(year)s cho %(scope)s.") % {"year": year, "scope": existing.scope_name})
    plan = Plan.objects.create(organisation_id=organisation_id, year=year, unit=unit, created_by=actor)
    audit_record(target=plan, actor=actor, action=N_("Lập dự thảo kế hoạch MTCL"), to_state=plan.status)
    return plan


@transaction.atomic
def plan_copy_from_previous(*, actor: User, year: int, unit: Unit | None) -> Plan:
    """A new year starts from the last: the previous year's objectives become drafts, linked to their
    results (shown beside them), the baseline set to what was achieved. Only the actor's agency's plans."""
    _require_own_unit(actor, unit)
    previous = (
        Plan.objects.of(actor.organisation_id)
        .filter(year=year - 1, unit=unit, status__in=IN_FORCE_STATES)
        .prefetch_related("objectives__actions", "objectives__measurements")
        .order_by("-revision")
        .first()
    )
    if previous is None:
        raise ServiceError(_("Năm %(year)s chưa có kế hoạch MTCL đã phê duyệt để sao chép.") % {"year": year - 1})
    plan = plan_create(actor=actor, year=year, unit=unit)
    for obj in previous.objectives.select_related("supports__plan").prefetch_related("actions", "measurements"):
        baseline = obj.actual_value
        if baseline is None:
            values = [m.value for m in sorted(obj.measurements.all(), key=lambda m: m.period) if m.value is not None]
            baseline = values[-1] if values and obj.aggregation == "level" else obj.baseline
        copy = _copy_objective(obj, plan, carried_from=obj, baseline=baseline if obj.is_numeric else None)
        for action in obj.actions.all():
            _copy_action(action, copy, year_shift=year - previous.year)
    audit_record(target=plan, actor=actor, action=N_("Sao chép mục tiêu từ năm %(year)s") % {"year": year - 1})
    return plan


_ACTION_FIELDS = ["order", "description", "resources", "responsible", "deadline"]


def _copy_objective(obj: Objective, plan: Plan, **overrides: Any) -> Objective:
    values = {f: getattr(obj, f) for f in OBJECTIVE_FIELDS}
    supports = obj.supports
    if supports is not None and supports.plan.year != plan.year:
        # Last year's agency objective: support the one carried over from it this year.
        supports = (
            Objective.objects.filter(
                carried_from_id=supports.pk, plan__organisation_id=plan.organisation_id, plan__year=plan.year, plan__unit__isnull=True
            )
            .exclude(plan__status=PlanStatus.SUPERSEDED)
            .first()
        )
    values.update({"supports": supports, **overrides})
    return Objective.objects.create(plan=plan, **values)


def _copy_action(action: PlanAction, objective: Objective, *, year_shift: int = 0) -> PlanAction:
    values = {f: getattr(action, f) for f in _ACTION_FIELDS}
    if year_shift:
        values["deadline"] = add_years(values["deadline"], year_shift)
    return PlanAction.objects.create(objective=objective, **values)


@transaction.atomic
def objective_save(
    *,
    actor: User,
    plan: Plan,
    data: dict[str, Any],
    actions: list[dict[str, Any]],
    objective: Objective | None = None,
    version: int | None = None,
) -> Objective:
    """Create or edit an objective and replace its actions. Refused once the plan is locked."""
    plan = _locked_plan(plan.pk)
    if not can_draft(actor, plan):
        raise ServiceError(_("Bạn không có quyền sửa kế hoạch này."))
    _require_editable(plan)
    if not actions:
        raise ServiceError(_("Mỗi mục tiêu cần ít nhất một hành động thực hiện (việc gì, nguồn lực, ai, khi nào)."))
    _plausible_objective(plan, data, actions)
    if ObjectivesSettings.of(plan.organisation_id).quality_policy.strip() and not (data.get("policy_consistency") or "").strip():
        # 5.9: "Nhất quán với CSCL": with the agency's policy recorded, each objective says which part it serves.
        raise ServiceError(
            _("Nhất quán với CSCL: vui lòng ghi mục tiêu này phục vụ nội dung nào của chính sách chất lượng."), field="policy_consistency"
        )
    supports = data.get("supports")
    if supports is not None and (
        not supports.plan.is_agency
        or supports.plan.organisation_id != plan.organisation_id
        or supports.plan.year != plan.year
        or plan.is_agency
    ):
        raise ServiceError(_("Mục tiêu của đơn vị chỉ hỗ trợ được mục tiêu của cơ quan cùng năm."), field="supports")
    fields = {f: data.get(f) for f in OBJECTIVE_FIELDS if f in data}
    fields["supports"] = supports
    if objective is None:
        if "order" not in data or not data.get("order"):
            fields["order"] = plan.objectives.count() + 1
        objective = Objective.objects.create(plan=plan, **fields)
        note = N_("Thêm mục tiêu")
    else:
        if objective.plan_id != plan.pk:
            raise ServiceError(_("Mục tiêu không thuộc kế hoạch này."))
        # The version the editor loaded is required: leaving it out must not skip the stale-edit check.
        changed = Objective.objects.filter(pk=objective.pk, version=version) if version is not None else Objective.objects.none()
        if changed.update(**fields, version=F("version") + 1) != 1:
            raise StaleEditError(_("Mục tiêu vừa được người khác sửa. Vui lòng tải lại trang và nhập lại thay đổi."))
        objective.refresh_from_db()
        objective.actions.all().delete()
        note = N_("Sửa mục tiêu")
    PlanAction.objects.bulk_create([PlanAction(objective=objective, **{f: a.get(f) for f in _ACTION_FIELDS if f in a}) for a in actions])
    audit_record(target=plan, actor=actor, action=note, note=objective.statement[:200])
    return objective


@transaction.atomic
def objective_delete(*, actor: User, objective: Objective) -> None:
    plan = _locked_plan(objective.plan_id)
    if not can_draft(actor, plan):
        raise ServiceError(_("Bạn không có quyền sửa kế hoạch này."))
    _require_editable(plan)
    audit_record(target=plan, actor=actor, action=N_("Xóa mục tiêu"), note=objective.statement[:200])
    objective.delete()


@transaction.atomic
def plan_submit(*, actor: User, plan: Plan) -> Plan:
    plan = _locked_plan(plan.pk)
    objectives = list(plan.objectives.prefetch_related("actions"))
    if not objectives:
        raise ServiceError(_("Kế hoạch chưa có mục tiêu nào."))
    for obj in objectives:
        if obj.is_numeric and obj.target is None:
            raise ServiceError(_("Mục tiêu “%(o)s” chưa có chỉ tiêu bằng số.") % {"o": obj.statement[:60]})
        if not obj.actions.all():
            raise ServiceError(_("Mục tiêu “%(o)s” chưa có hành động thực hiện.") % {"o": obj.statement[:60]})
    _move(
        plan=plan,
        to_state=PlanStatus.SUBMITTED,
        actor=actor,
        action=N_("Trình phê duyệt kế hoạch MTCL"),
        extra={"submitted_by": actor, "submitted_at": timezone.now(), "return_comment": ""},
    )
    notification_send(
        recipients=approvers_of(plan),
        subject=N_("Kế hoạch MTCL năm %(year)s của %(scope)s chờ phê duyệt") % {"year": plan.year, "scope": plan.scope_name},
        body=N_("%(who)s đã trình kế hoạch thực hiện MTCL để phê duyệt.") % {"who": actor.display_name},
        url=plan.get_absolute_url(),
    )
    return plan


@transaction.atomic
def plan_return(*, actor: User, plan: Plan, comment: str) -> Plan:
    if not comment.strip():
        raise ServiceError(_("Vui lòng ghi ý kiến khi trả lại kế hoạch."), field="comment")
    plan = _locked_plan(plan.pk)
    _move(
        plan=plan,
        to_state=PlanStatus.RETURNED,
        actor=actor,
        action=N_("Trả lại kế hoạch để sửa"),
        note=comment,
        extra={"return_comment": comment},
    )
    notification_send(
        recipients=[u for u in [plan.submitted_by] if u] or drafters_of(plan),
        subject=N_("Kế hoạch MTCL năm %(year)s của %(scope)s bị trả lại") % {"year": plan.year, "scope": plan.scope_name},
        body=comment,
        url=plan.get_absolute_url(),
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: User, plan: Plan) -> Plan:
    """Approve (and so lock) the plan. A revision replaces the plan it supersedes: that one is marked
    superseded and its measurements move to the matching objectives of the revision."""
    plan = _locked_plan(plan.pk)
    if plan.supersedes_id and Plan.objects.filter(pk=plan.supersedes_id, status=PlanStatus.EVALUATED).exists():
        # Approving would take the measurements away from a plan whose year-end evaluation is closed.
        raise ServiceError(_("Kế hoạch được sửa đổi đã được đánh giá cuối năm nên không phê duyệt lần sửa đổi này được."))
    _move(
        plan=plan,
        to_state=PlanStatus.APPROVED,
        actor=actor,
        action=N_("Phê duyệt kế hoạch MTCL"),
        extra={"approved_by": actor, "approved_at": timezone.now()},
    )
    if plan.supersedes_id:
        old = _locked_plan(plan.supersedes_id)
        moved = 0
        for new_obj in plan.objectives.all():
            if new_obj.revised_from_id is None:  # added by this revision: nothing to take over
                continue
            moved += Measurement.objects.filter(objective_id=new_obj.revised_from_id).update(objective=new_obj)
            Objective.objects.filter(supports_id=new_obj.revised_from_id).update(supports=new_obj)
        if (old.status, PlanStatus.SUPERSEDED) in PLAN_TRANSITIONS:
            _move_by_system(
                plan=old, to_state=PlanStatus.SUPERSEDED, actor=actor, action=N_("Thay thế bằng lần sửa đổi %(n)d") % {"n": plan.revision}
            )
        if moved:
            _move_by_system(plan=plan, to_state=PlanStatus.MONITORING, actor=actor, action=N_("Tiếp tục theo dõi thực hiện"))
    recipients = [u for u in [plan.submitted_by] if u] or drafters_of(plan)
    notification_send(
        recipients=recipients,
        subject=N_("Kế hoạch MTCL năm %(year)s của %(scope)s đã được phê duyệt") % {"year": plan.year, "scope": plan.scope_name},
        body=N_("Người phê duyệt: %(who)s.") % {"who": actor.display_name},
        url=plan.get_absolute_url(),
    )
    return plan


@transaction.atomic
def plan_revise(*, actor: User, plan: Plan, reason: str) -> Plan:
    """A change to an approved plan: a new draft revision, with a reason, that replaces it once approved."""
    if not reason.strip():
        raise ServiceError(_("Vui lòng ghi lý do sửa đổi kế hoạch đã phê duyệt."), field="reason")
    plan = _locked_plan(plan.pk)
    if not can_draft(actor, plan):
        raise ServiceError(_("Bạn không có quyền sửa đổi kế hoạch này."))
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.MONITORING):
        raise ServiceError(_("Chỉ sửa đổi được kế hoạch đã phê duyệt và chưa đánh giá cuối năm."))
    if Plan.objects.filter(supersedes=plan).exists():
        raise ServiceError(_("Kế hoạch này đã có một lần sửa đổi đang soạn hoặc chờ phê duyệt."))
    last = Plan.objects.of(plan.organisation_id).filter(year=plan.year, unit=plan.unit).latest("revision")
    revision = Plan.objects.create(
        organisation_id=plan.organisation_id,
        year=plan.year,
        unit=plan.unit,
        revision=last.revision + 1,
        supersedes=plan,
        revision_reason=reason,
        created_by=actor,
    )
    for obj in plan.objectives.prefetch_related("actions").select_related("supports__plan"):
        copy = _copy_objective(obj, revision, revised_from=obj, carried_from=obj.carried_from)
        for action in obj.actions.all():
            _copy_action(action, copy)
    audit_record(
        target=revision,
        actor=actor,
        action=N_("Lập sửa đổi kế hoạch (lần %(n)d)") % {"n": revision.revision},
        to_state=revision.status,
        note=reason,
    )
    audit_record(target=plan, actor=actor, action=N_("Bắt đầu sửa đổi kế hoạch"), note=reason)
    return revision


# ---------------------------------------------------------------- monitoring and evaluation


@transaction.atomic
def measurement_record(
    *,
    actor: User,
    objective: Objective,
    period: int,
    value: Decimal,
    measured_on: dt.date,
    comment: str = "",
    evidence: UploadedFile | None = None,
    value_text: str = "",
) -> Measurement:
    plan = _locked_plan(objective.plan_id)
    if not can_measure(actor, plan):
        raise ServiceError(_("Bạn không có quyền nhập số liệu cho kế hoạch này."))
    if not plan.can_be_measured:
        raise ServiceError(_("Chỉ nhập số liệu khi kế hoạch đã được phê duyệt và chưa đánh giá cuối năm."))
    if period not in range(1, objective.periods + 1):
        raise ServiceError(
            _("Kỳ %(p)s không tồn tại: mục tiêu theo dõi %(f)s, chỉ có kỳ 1 đến %(n)d.")
            % {"p": period, "f": objective.get_frequency_display(), "n": objective.periods},
            field="period",
        )
    if value is None:
        raise ServiceError(_("Vui lòng nhập giá trị đo."), field="value")
    if measured_on.year < plan.year:
        raise ServiceError(_("Ngày đo phải thuộc năm %(y)s trở về sau.") % {"y": plan.year}, field="measured_on")
    if measured_on.year > plan.year + 1:
        # a measurement of year Y is taken in Y, or early in Y+1 for its last period
        raise ServiceError(
            _("Ngày đo %(d)s không hợp lệ: phải thuộc năm %(y)s hoặc năm %(n)s.")
            % {"d": format_date(measured_on), "y": plan.year, "n": plan.year + 1},
            field="measured_on",
        )
    existing = Measurement.objects.filter(objective=objective, period=period).first()
    if existing is None:
        measurement = Measurement(objective=objective, period=period, recorded_by=actor)
    else:
        measurement = existing
    measurement.value, measurement.value_text, measurement.measured_on = value, value_text, measured_on
    measurement.comment, measurement.recorded_by, measurement.recorded_at = comment, actor, timezone.now()
    if evidence is not None:
        measurement.evidence = evidence
    measurement.save()
    audit_record(
        target=plan,
        actor=actor,
        action=N_("Cập nhật số liệu") if existing else N_("Nhập số liệu"),
        note=Message(
            "%(o)s. %(i)s — %(p)s: %(v)s",
            {
                "o": objective.order,
                "i": objective.indicator,
                "p": period_message(objective.frequency, period),
                "v": objective.format_value(value),
            },
        ),
    )
    if plan.status == PlanStatus.APPROVED:
        _move(plan=plan, to_state=PlanStatus.MONITORING, actor=actor, action=N_("Bắt đầu theo dõi thực hiện"))
    return measurement


@transaction.atomic
def objective_evaluate(
    *,
    actor: User,
    objective: Objective,
    result: str,
    actual_value: Decimal | None = None,
    actual_text: str = "",
    reasons: str = "",
    next_steps: str = "",
) -> Objective:
    plan = _locked_plan(objective.plan_id)
    if not can_evaluate(actor, plan):
        raise ServiceError(_("Bạn không có quyền đánh giá kế hoạch này."))
    if plan.status not in (PlanStatus.APPROVED, PlanStatus.MONITORING):
        raise ServiceError(_("Chỉ đánh giá được kế hoạch đang thực hiện."))
    _require_year_started(plan)
    if result not in Result.values:
        raise ServiceError(_("Vui lòng chọn Đạt hoặc Không đạt."), field="result")
    if objective.is_numeric and actual_value is None:
        raise ServiceError(_("Vui lòng nhập kết quả đạt được bằng số."), field="actual_value")
    if result == Result.NOT_ACHIEVED and not reasons.strip():
        raise ServiceError(_("Mục tiêu không đạt: vui lòng ghi rõ nguyên nhân."), field="reasons")
    Objective.objects.filter(pk=objective.pk).update(
        result=result,
        actual_value=actual_value,
        actual_text=actual_text,
        reasons=reasons,
        next_steps=next_steps,
        evaluated_by=actor,
        evaluated_at=timezone.now(),
        version=F("version") + 1,
    )
    objective.refresh_from_db()
    audit_record(
        target=plan,
        actor=actor,
        action=N_("Đánh giá mục tiêu"),
        note=Message(
            "%(o)s. %(i)s: %(r)s (%(a)s)",
            {"o": objective.order, "i": objective.indicator, "r": Result(objective.result).label, "a": objective.actual_display},
        ),
    )
    return objective


def _require_year_started(plan: Plan) -> None:
    if plan.year > timezone.localdate().year:
        raise ServiceError(_("Năm %(y)s chưa bắt đầu nên chưa đánh giá thực hiện MTCL được.") % {"y": plan.year})


@transaction.atomic
def plan_evaluation_close(*, actor: User, plan: Plan, summary: str = "") -> Plan:
    plan = _locked_plan(plan.pk)
    _require_year_started(plan)
    missing = [o for o in plan.objectives.all() if not o.result]
    if missing:
        raise ServiceError(
            _("Còn %(n)d mục tiêu chưa đánh giá (đạt / không đạt) — ví dụ: “%(o)s”.") % {"n": len(missing), "o": missing[0].statement[:60]}
        )
    _move(
        plan=plan,
        to_state=PlanStatus.EVALUATED,
        actor=actor,
        action=N_("Hoàn thành đánh giá MTCL cuối năm"),
        note=summary,
        extra={"evaluated_by": actor, "evaluated_at": timezone.now(), "evaluation_summary": summary},
    )
    return plan


@transaction.atomic
def objective_ticket_open(*, actor: User, objective: Objective) -> int:
    """A not-achieved objective opens a corrective-action ticket (source: objectives) in one click."""
    plan = _locked_plan(objective.plan_id)
    if not can_evaluate(actor, plan):
        raise ServiceError(_("Bạn không có quyền mở phiếu HĐKP cho mục tiêu này."))
    if objective.result != Result.NOT_ACHIEVED:
        raise ServiceError(_("Chỉ mở phiếu HĐKP cho mục tiêu được đánh giá không đạt."))
    if objective.ticket_id:
        raise ServiceError(_("Mục tiêu này đã có phiếu HĐKP."))
    requesting_unit = plan.unit or actor.unit
    if requesting_unit is None:
        raise ServiceError(_("Tài khoản của bạn chưa thuộc đơn vị nào nên không mở được phiếu HĐKP."))
    ticket = ticket_open_from_source(
        actor=actor,
        requesting_unit=requesting_unit,
        unit=plan.unit,
        source="process_results",  # QT.CTCL 5.1.2 "Kết quả thực hiện các quá trình hoạt động chức năng"
        kind="corrective",
        description=_("Mục tiêu chất lượng năm %(y)s của %(s)s không đạt: %(o)s. Chỉ tiêu: %(t)s; kết quả: %(a)s. Nguyên nhân: %(r)s")
        % {
            "y": plan.year,
            "s": plan.scope_name,
            "o": objective.statement,
            "t": objective.target_display,
            "a": objective.actual_display,
            "r": objective.reasons,
        },
        process=_("Mục tiêu chất lượng (QT.CTCL 5.9)"),
        clause="6.2",
        origin_label=_("MTCL %(y)s — %(s)s, mục tiêu %(n)s") % {"y": plan.year, "s": plan.scope_name, "n": objective.order},
        origin_url=plan.get_absolute_url(),
    )
    Objective.objects.filter(pk=objective.pk, ticket_id__isnull=True).update(ticket_id=ticket.pk)
    audit_record(target=plan, actor=actor, action=N_("Mở phiếu HĐKP"), note=objective.statement[:200])
    return ticket.pk
