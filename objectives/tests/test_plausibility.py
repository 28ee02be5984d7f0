"""Implausible values are refused, each in Vietnamese naming the field (issue 11): years within 2000–2100,
sequence numbers from 1, dates within a sane window."""

import datetime as dt
from decimal import Decimal

import pytest

from objectives import services
from objectives.models import Measurement, Plan, PlanStatus
from objectives.tests.conftest import plan_with_objective
from qms.errors import ServiceError

pytestmark = pytest.mark.django_db

DATA = {
    "statement": "Giải quyết đúng hạn",
    "indicator": "Tỷ lệ",
    "unit_of_measure": "percent",
    "direction": "higher",
    "aggregation": "level",
    "target": Decimal("95"),
    "frequency": "quarterly",
    "evaluation_method": "So sánh",
}


def _action(**overrides):
    return {"order": 1, "description": "Làm", "responsible": "Tổ", "deadline": None, "resources": "", **overrides}


# The windows are relative to the plan's year, and the plan is this year's (the `today` the test controls).
FAR_DEADLINES = {
    "01/01/0001": lambda year: dt.date(1, 1, 1),
    "31/12 two years before": lambda year: dt.date(year - 2, 12, 31),
    "01/01 two years after": lambda year: dt.date(year + 2, 1, 1),
    "31/12/9999": lambda year: dt.date(9999, 12, 31),
}
FAR_MEASUREMENTS = {
    "31/12/9999": lambda year: dt.date(9999, 12, 31),
    "01/01 two years after": lambda year: dt.date(year + 2, 1, 1),
}


@pytest.mark.parametrize("year", [0, 1999, 2101, 9999])
def test_a_plan_year_outside_2000_to_2100_is_refused(unit_head, unit, year):
    with pytest.raises(ServiceError, match="Năm .* không hợp lệ: năm phải từ 2000 đến 2100") as refused:
        services.plan_create(actor=unit_head, year=year, unit=unit)
    assert refused.value.field == "year" and not Plan.objects.exists()


def test_the_edge_years_are_accepted(unit_head, unit):
    assert services.plan_create(actor=unit_head, year=2100, unit=unit).year == 2100
    assert services.plan_create(actor=unit_head, year=2000, unit=unit).year == 2000


def test_an_objective_numbered_0_is_refused(staff_user, unit):
    plan = plan_with_objective(unit=unit, created_by=staff_user)
    with pytest.raises(ServiceError, match="Thứ tự mục tiêu phải từ 1") as refused:
        services.objective_save(actor=staff_user, plan=plan, data={**DATA, "order": 0}, actions=[_action()])
    assert refused.value.field == "order"
    with pytest.raises(ServiceError, match="Hành động 1: thứ tự phải từ 1"):
        services.objective_save(actor=staff_user, plan=plan, data=DATA, actions=[_action(order=0)])


@pytest.mark.parametrize("case", sorted(FAR_DEADLINES))
def test_an_action_deadline_far_from_the_plans_year_is_refused(staff_user, unit, today, case):
    plan = plan_with_objective(unit=unit, created_by=staff_user, year=today.year)
    with pytest.raises(ServiceError, match="thời hạn .* không hợp lệ") as refused:
        services.objective_save(actor=staff_user, plan=plan, data=DATA, actions=[_action(deadline=FAR_DEADLINES[case](today.year))])
    assert refused.value.field == "deadline"
    services.objective_save(actor=staff_user, plan=plan, data=DATA, actions=[_action(deadline=dt.date(today.year + 1, 1, 15))])


@pytest.mark.parametrize("case", sorted(FAR_MEASUREMENTS))
def test_a_measurement_dated_far_ahead_is_refused(staff_user, unit, today, case):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.APPROVED, year=today.year)
    measured_on = FAR_MEASUREMENTS[case](today.year)
    with pytest.raises(ServiceError, match="Ngày đo .* không hợp lệ") as refused:
        services.measurement_record(actor=staff_user, objective=plan.objectives.get(), period=1, value=Decimal(1), measured_on=measured_on)
    assert refused.value.field == "measured_on" and not Measurement.objects.exists()
    services.measurement_record(
        actor=staff_user, objective=plan.objectives.get(), period=4, value=Decimal(1), measured_on=dt.date(today.year + 1, 1, 5)
    )
