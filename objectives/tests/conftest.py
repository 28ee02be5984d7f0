import pytest

from objectives.models import Plan, PlanStatus
from objectives.tests.factories import ObjectiveFactory, PlanActionFactory, PlanFactory


def plan_with_objective(*, unit, created_by, status=PlanStatus.DRAFT, year=2026, **objective_kwargs) -> Plan:
    plan = PlanFactory(unit=unit, created_by=created_by, year=year)
    objective = ObjectiveFactory(plan=plan, **objective_kwargs)
    PlanActionFactory(objective=objective)
    if status != PlanStatus.DRAFT:
        Plan.objects.filter(pk=plan.pk).update(status=status)
        plan.refresh_from_db()
    return plan


@pytest.fixture
def unit_plan(unit, staff_user):
    return plan_with_objective(unit=unit, created_by=staff_user)


@pytest.fixture
def agency_plan(secretary):
    return plan_with_objective(unit=None, created_by=secretary)


@pytest.fixture
def make_plan():
    return plan_with_objective
