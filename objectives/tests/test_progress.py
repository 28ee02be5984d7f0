from decimal import Decimal

import pytest

from objectives.models import Objective, PlanStatus, Result
from objectives.progress import Track, objective_progress, plan_summary
from objectives.rollup import plans_in_force, review_inputs
from objectives.tests.conftest import plan_with_objective
from objectives.tests.factories import MeasurementFactory


def _objective(unit, user, **kwargs):
    plan = plan_with_objective(unit=unit, created_by=user, status=PlanStatus.MONITORING, **kwargs)
    return plan.objectives.get()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [("96", Track.ON_TRACK), ("95", Track.ON_TRACK), ("90", Track.AT_RISK), ("80", Track.OFF_TRACK)],
)
def test_a_rate_is_judged_against_its_target(unit, staff_user, value, expected):
    objective = _objective(unit, staff_user, target=Decimal("95"))
    MeasurementFactory(objective=objective, period=1, value=Decimal(value))
    assert objective_progress(objective).status == expected


@pytest.mark.django_db
def test_a_rate_with_a_baseline_is_judged_against_the_path_for_the_time_elapsed(unit, staff_user):
    objective = _objective(unit, staff_user, baseline=Decimal("80"), target=Decimal("100"))
    MeasurementFactory(objective=objective, period=1, value=Decimal("85"))  # Q1: path is 80 + 20 * 1/4 = 85
    assert objective_progress(objective).status == Track.ON_TRACK
    MeasurementFactory(objective=objective, period=2, value=Decimal("85"))  # Q2: path is 90
    objective = type(objective).objects.get(pk=objective.pk)
    assert objective_progress(objective).status == Track.AT_RISK


@pytest.mark.django_db
def test_a_cumulative_count_is_compared_with_its_share_of_the_year(unit, staff_user):
    objective = _objective(unit, staff_user, unit_of_measure="count", aggregation="cumulative", target=Decimal("8"))
    MeasurementFactory(objective=objective, period=1, value=Decimal("2"))
    MeasurementFactory(objective=objective, period=2, value=Decimal("2"))  # 4 by mid-year, path 4
    assert objective_progress(objective).status == Track.ON_TRACK
    MeasurementFactory(objective=objective, period=3, value=Decimal("0"))  # 4 by Q3, path 6
    objective = type(objective).objects.get(pk=objective.pk)
    assert objective_progress(objective).status == Track.OFF_TRACK


@pytest.mark.django_db
def test_lower_is_better_turns_the_comparison_round(unit, staff_user):
    objective = _objective(unit, staff_user, unit_of_measure="days", direction="lower", target=Decimal("2"))
    MeasurementFactory(objective=objective, period=1, value=Decimal("1.5"))
    assert objective_progress(objective).status == Track.ON_TRACK
    objective.measurements.update(value=Decimal("3"))
    objective = type(objective).objects.get(pk=objective.pk)
    assert objective_progress(objective).status == Track.OFF_TRACK


@pytest.mark.django_db
def test_the_year_end_result_overrides_the_monitoring_status(unit, staff_user):
    objective = _objective(unit, staff_user)
    assert objective_progress(objective).status == Track.NO_DATA
    objective.result, objective.actual_value = Result.NOT_ACHIEVED, Decimal("90")
    assert objective_progress(objective).status == Track.NOT_ACHIEVED


@pytest.mark.django_db
def test_an_agency_objective_without_data_rolls_up_from_the_unit_objectives_supporting_it(unit, other_unit, secretary, staff_user):
    agency = plan_with_objective(unit=None, created_by=secretary, status=PlanStatus.MONITORING).objectives.get()
    for u, value in [(unit, "99"), (other_unit, "70")]:
        child = plan_with_objective(unit=u, created_by=staff_user, status=PlanStatus.MONITORING, supports=agency).objectives.get()
        MeasurementFactory(objective=child, period=1, value=Decimal(value))
    agency_plan = [p for p in plans_in_force(2026, organisation=secretary.organisation) if p.is_agency][0]
    summary = plan_summary(agency_plan)
    assert (summary.total, summary.met) == (1, 0)  # one unit of two on track: the agency objective is not met
    assert summary.counts == {Track.AT_RISK: 1}
    Objective.objects.filter(supports=agency, plan__unit=other_unit).update(result=Result.ACHIEVED, actual_value=99)
    Objective.objects.filter(supports=agency, plan__unit=unit).update(result=Result.ACHIEVED, actual_value=99)
    summary = plan_summary([p for p in plans_in_force(2026, organisation=secretary.organisation) if p.is_agency][0])
    assert summary.counts == {Track.ACHIEVED: 1}  # every supporting unit objective achieved: so is the agency's


@pytest.mark.django_db
def test_review_inputs_give_text_for_sections_two_and_five_and_a_chart(unit, other_unit, secretary, staff_user):
    agency_plan = plan_with_objective(
        unit=None, created_by=secretary, status=PlanStatus.EVALUATED, statement="Giải quyết đúng hạn 100% hồ sơ"
    )
    agency_plan.objectives.update(result=Result.ACHIEVED, actual_value=Decimal("100"))
    unit_plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.EVALUATED)
    unit_plan.objectives.update(result=Result.NOT_ACHIEVED, actual_value=Decimal("90"), reasons="Thiếu nhân sự")
    inputs = review_inputs(2026, organisation=secretary.organisation)
    assert "Giải quyết đúng hạn 100% hồ sơ" in inputs["s2_policy_objectives"]
    assert "1/2 đơn vị đã xây dựng" in inputs["s2_policy_objectives"]
    assert other_unit.name in inputs["s2_policy_objectives"]  # the unit without an approved plan is named
    assert "Cơ quan: 1/1 mục tiêu" in inputs["s5_objectives_implementation"]
    assert f"{unit.name}: 0/1" in inputs["s5_objectives_implementation"]
    assert "Thiếu nhân sự" in inputs["s5_objectives_implementation"]
    assert inputs["chart_svg"].startswith("<svg") and unit.name in inputs["chart_svg"]
    assert inputs["units"][0]["rate"] == Decimal("0.0")
