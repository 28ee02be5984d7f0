import datetime as dt
from decimal import Decimal

import pytest

from objectives import services
from objectives.models import PLAN_TRANSITIONS, Measurement, Objective, Plan, PlanStatus, Result
from objectives.tests.conftest import plan_with_objective
from objectives.tests.factories import MeasurementFactory, ObjectiveFactory, PlanActionFactory
from qms.errors import ServiceError, StaleEditError
from qms.models import AuditEntry

ROLES = ["secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff", "top_leader"]
# Who may submit / approve: a unit's plan by its own people and head; the agency's by Ban ISO, approved by the
# role the agency's settings name (QT.CTCL 5.9: the top leader, the default).
MAY_SUBMIT = {"unit": {"unit_head", "staff"}, "agency": {"secretary"}}
MAY_APPROVE = {"unit": {"unit_head"}, "agency": {"top_leader"}}


@pytest.fixture
def role_users(role_users, top_leader):
    return {**role_users, "top_leader": top_leader}


@pytest.mark.django_db
def test_the_committee_head_approves_the_agencys_plan_when_the_settings_name_that_role(unit, role_users, organisation):
    organisation.objectives_approver_role = "Trưởng ban chỉ đạo ISO"
    organisation.save(update_fields=["objectives_approver_role"])
    plan = _plan("agency", unit, role_users, PlanStatus.SUBMITTED)
    with pytest.raises(ServiceError):
        services.plan_approve(actor=role_users["top_leader"], plan=plan)
    services.plan_approve(actor=role_users["committee_head"], plan=plan)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def _plan(scope, unit, role_users, status, year=2026):
    creator = role_users["staff"] if scope == "unit" else role_users["secretary"]
    return plan_with_objective(unit=unit if scope == "unit" else None, created_by=creator, status=status, year=year)


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["unit", "agency"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_scopes_drafters_may_submit_a_plan(scope, role, unit, role_users):
    plan = _plan(scope, unit, role_users, PlanStatus.DRAFT)
    if role in MAY_SUBMIT[scope]:
        services.plan_submit(actor=role_users[role], plan=plan)
        assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    else:
        with pytest.raises(ServiceError):
            services.plan_submit(actor=role_users[role], plan=plan)
        assert Plan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("scope", ["unit", "agency"])
@pytest.mark.parametrize("role", ROLES)
def test_only_the_unit_head_or_the_agency_head_may_approve(scope, role, unit, role_users):
    plan = _plan(scope, unit, role_users, PlanStatus.SUBMITTED)
    if role in MAY_APPROVE[scope]:
        services.plan_approve(actor=role_users[role], plan=plan)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPROVED and plan.approved_by == role_users[role]
    else:
        with pytest.raises(ServiceError):
            services.plan_approve(actor=role_users[role], plan=plan)
        assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize("state", [s for s in PlanStatus.values if s != PlanStatus.SUBMITTED])
def test_a_plan_that_is_not_submitted_cannot_be_approved(state, unit, role_users):
    plan = _plan("unit", unit, role_users, state)
    with pytest.raises(ServiceError):
        services.plan_approve(actor=role_users["unit_head"], plan=plan)
    assert Plan.objects.get(pk=plan.pk).status == state


@pytest.mark.django_db
@pytest.mark.parametrize(
    "state", [PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.MONITORING, PlanStatus.EVALUATED, PlanStatus.SUPERSEDED]
)
def test_a_plan_can_be_submitted_only_from_draft_or_returned(state, unit, role_users):
    plan = _plan("unit", unit, role_users, state)
    with pytest.raises(ServiceError):
        services.plan_submit(actor=role_users["unit_head"], plan=plan)


def test_the_transition_table_names_who_makes_each_move():
    assert PLAN_TRANSITIONS.get(PlanStatus.DRAFT, PlanStatus.SUBMITTED).who == "drafter"
    assert PLAN_TRANSITIONS.get(PlanStatus.SUBMITTED, PlanStatus.APPROVED).who == "approver"
    assert (PlanStatus.EVALUATED, PlanStatus.DRAFT) not in PLAN_TRANSITIONS


@pytest.mark.django_db
def test_submitting_notifies_the_approver_and_approval_notifies_the_drafter(
    unit, role_users, django_capture_on_commit_callbacks, mailoutbox
):
    plan = _plan("unit", unit, role_users, PlanStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(actor=role_users["staff"], plan=plan)
    assert role_users["unit_head"].notifications.filter(subject__contains="chờ phê duyệt").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_approve(actor=role_users["unit_head"], plan=plan)
    assert role_users["staff"].notifications.filter(subject__contains="đã được phê duyệt").exists()
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_plan_without_actions_cannot_be_submitted(unit, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user)
    plan.objectives.first().actions.all().delete()
    with pytest.raises(ServiceError, match="hành động"):
        services.plan_submit(actor=staff_user, plan=plan)


@pytest.mark.django_db
def test_returning_needs_a_comment_and_the_drafter_can_resubmit(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.SUBMITTED)
    with pytest.raises(ServiceError, match="ý kiến"):
        services.plan_return(actor=role_users["unit_head"], plan=plan, comment=" ")
    services.plan_return(actor=role_users["unit_head"], plan=plan, comment="Chỉ tiêu 2 chưa đo được")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.return_comment == "Chỉ tiêu 2 chưa đo được"
    services.plan_submit(actor=role_users["staff"], plan=plan)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def _objective_data(**overrides):
    data = {
        "statement": "Mục tiêu mới",
        "indicator": "Tỷ lệ",
        "unit_of_measure": "percent",
        "direction": "higher",
        "aggregation": "level",
        "target": Decimal("90"),
        "frequency": "quarterly",
        "evaluation_method": "So sánh",
    }
    data.update(overrides)
    return data


ACTIONS = [{"order": 1, "description": "Làm", "responsible": "Tổ", "deadline": dt.date(2026, 6, 30), "resources": ""}]


@pytest.mark.django_db
@pytest.mark.parametrize("state", [PlanStatus.APPROVED, PlanStatus.MONITORING, PlanStatus.EVALUATED])
def test_an_approved_plan_is_locked_and_says_to_make_a_revision(state, unit, role_users):
    plan = _plan("unit", unit, role_users, state)
    objective = plan.objectives.get()
    with pytest.raises(ServiceError, match="lần sửa đổi mới"):
        services.objective_save(
            actor=role_users["staff"],
            plan=plan,
            objective=objective,
            version=objective.version,
            data=_objective_data(statement="Đổi ngầm"),
            actions=ACTIONS,
        )
    with pytest.raises(ServiceError, match="lần sửa đổi mới"):
        services.objective_delete(actor=role_users["staff"], objective=objective)
    assert Objective.objects.get(pk=objective.pk).statement == objective.statement


@pytest.mark.django_db
def test_a_stale_edit_of_an_objective_is_refused(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.DRAFT)
    objective = plan.objectives.get()
    loaded_version = objective.version  # both people opened the form at this version
    services.objective_save(
        actor=role_users["staff"],
        plan=plan,
        objective=objective,
        version=loaded_version,
        data=_objective_data(statement="Bản của người thứ nhất"),
        actions=ACTIONS,
    )
    with pytest.raises(StaleEditError):
        services.objective_save(
            actor=role_users["unit_head"],
            plan=plan,
            objective=objective,
            version=loaded_version,
            data=_objective_data(statement="Bản cũ của người thứ hai"),
            actions=ACTIONS,
        )
    assert Objective.objects.get(pk=objective.pk).statement == "Bản của người thứ nhất"


@pytest.mark.django_db
def test_a_revision_needs_a_reason_and_replaces_the_plan_once_approved(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.APPROVED)
    old_objective = plan.objectives.get()
    services.measurement_record(
        actor=role_users["staff"], objective=old_objective, period=1, value=Decimal("97"), measured_on=dt.date(2026, 4, 2)
    )
    with pytest.raises(ServiceError, match="lý do"):
        services.plan_revise(actor=role_users["staff"], plan=plan, reason="")
    revision = services.plan_revise(actor=role_users["staff"], plan=plan, reason="Chức năng nhiệm vụ thay đổi")
    assert (revision.revision, revision.status, revision.supersedes_id) == (1, PlanStatus.DRAFT, plan.pk)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.MONITORING  # still in force while the revision is drafted
    new_objective = revision.objectives.get()
    services.objective_save(
        actor=role_users["staff"],
        plan=revision,
        objective=new_objective,
        version=new_objective.version,
        data=_objective_data(target=Decimal("98")),
        actions=ACTIONS,
    )
    services.plan_submit(actor=role_users["staff"], plan=revision)
    services.plan_approve(actor=role_users["unit_head"], plan=revision)
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.SUPERSEDED
    assert Plan.objects.get(pk=revision.pk).status == PlanStatus.MONITORING
    assert Measurement.objects.get().objective_id == new_objective.pk  # nothing lost
    assert Objective.objects.get(pk=new_objective.pk).target == Decimal("98")


@pytest.mark.django_db
def test_a_measurement_for_a_period_that_does_not_exist_is_refused(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.APPROVED)
    objective = plan.objectives.get()  # quarterly: periods 1..4
    with pytest.raises(ServiceError, match="Kỳ 5 không tồn tại"):
        services.measurement_record(
            actor=role_users["staff"], objective=objective, period=5, value=Decimal(1), measured_on=dt.date(2026, 4, 2)
        )
    assert not Measurement.objects.exists()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED


@pytest.mark.django_db
def test_the_first_measurement_starts_monitoring_and_a_second_for_the_period_corrects_it(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.APPROVED)
    objective = plan.objectives.get()
    services.measurement_record(
        actor=role_users["staff"], objective=objective, period=1, value=Decimal("90"), measured_on=dt.date(2026, 4, 2)
    )
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.MONITORING
    services.measurement_record(
        actor=role_users["unit_head"], objective=objective, period=1, value=Decimal("91"), measured_on=dt.date(2026, 4, 3)
    )
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("91")]
    assert AuditEntry.objects.filter(action="Cập nhật số liệu").exists()


@pytest.mark.django_db
def test_measurements_are_refused_on_a_draft_and_from_another_unit(unit, role_users):
    draft = _plan("unit", unit, role_users, PlanStatus.DRAFT)
    with pytest.raises(ServiceError):
        services.measurement_record(
            actor=role_users["staff"], objective=draft.objectives.get(), period=1, value=Decimal(1), measured_on=dt.date(2026, 4, 2)
        )
    approved = _plan("unit", unit, role_users, PlanStatus.APPROVED, year=2025)
    with pytest.raises(ServiceError):
        services.measurement_record(
            actor=role_users["other_unit_head"],
            objective=approved.objectives.get(),
            period=1,
            value=Decimal(1),
            measured_on=dt.date(2026, 4, 2),
        )


@pytest.mark.django_db
def test_year_end_evaluation_needs_every_objective_and_reasons_when_not_achieved(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.MONITORING)
    first = plan.objectives.get()
    second = ObjectiveFactory(plan=plan)
    PlanActionFactory(objective=second)
    with pytest.raises(ServiceError, match="nguyên nhân"):
        services.objective_evaluate(actor=role_users["staff"], objective=first, result=Result.NOT_ACHIEVED, actual_value=Decimal(80))
    services.objective_evaluate(
        actor=role_users["staff"],
        objective=first,
        result=Result.NOT_ACHIEVED,
        actual_value=Decimal(80),
        reasons="Thiếu nhân sự",
        next_steps="Bổ sung nhân sự",
    )
    with pytest.raises(ServiceError, match="chưa đánh giá"):
        services.plan_evaluation_close(actor=role_users["unit_head"], plan=plan)
    services.objective_evaluate(actor=role_users["staff"], objective=second, result=Result.ACHIEVED, actual_value=Decimal(97))
    with pytest.raises(ServiceError):  # the drafter does not close the evaluation, the head does
        services.plan_evaluation_close(actor=role_users["staff"], plan=plan)
    services.plan_evaluation_close(actor=role_users["unit_head"], plan=plan, summary="Cơ bản hoàn thành")
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.EVALUATED


@pytest.mark.django_db
def test_a_new_year_starts_from_the_last_with_results_beside_and_baseline_from_the_result(unit, role_users):
    last = _plan("unit", unit, role_users, PlanStatus.EVALUATED)
    Objective.objects.filter(plan=last).update(result=Result.NOT_ACHIEVED, actual_value=Decimal("88.5"), reasons="Thiếu người")
    plan = services.plan_copy_from_previous(actor=role_users["staff"], year=2027, unit=unit)
    copy = plan.objectives.get()
    assert (plan.year, plan.status, copy.baseline, copy.target) == (2027, PlanStatus.DRAFT, Decimal("88.5"), Decimal("95"))
    assert copy.carried_from.plan_id == last.pk
    assert copy.actions.get().deadline == dt.date(2027, 12, 15)
    with pytest.raises(ServiceError, match="Đã có kế hoạch"):
        services.plan_copy_from_previous(actor=role_users["staff"], year=2027, unit=unit)


@pytest.mark.django_db
def test_a_unit_objective_can_only_support_an_agency_objective_of_the_same_year(unit, role_users):
    agency = _plan("agency", unit, role_users, PlanStatus.APPROVED)
    unit_plan = _plan("unit", unit, role_users, PlanStatus.DRAFT)
    objective = unit_plan.objectives.get()
    services.objective_save(
        actor=role_users["staff"],
        plan=unit_plan,
        objective=objective,
        version=objective.version,
        data=_objective_data(supports=agency.objectives.get()),
        actions=ACTIONS,
    )
    assert Objective.objects.get(pk=objective.pk).supports_id == agency.objectives.get().pk
    other_year = _plan("agency", unit, role_users, PlanStatus.APPROVED, year=2025)
    objective.refresh_from_db()
    with pytest.raises(ServiceError, match="cùng năm"):
        services.objective_save(
            actor=role_users["staff"],
            plan=unit_plan,
            objective=objective,
            version=objective.version,
            data=_objective_data(supports=other_year.objectives.get()),
            actions=ACTIONS,
        )


@pytest.mark.django_db
def test_measurement_factory_is_consistent(unit, role_users):
    plan = _plan("unit", unit, role_users, PlanStatus.MONITORING)
    m = MeasurementFactory(objective=plan.objectives.get())
    assert m.period_label == "Quý I"
