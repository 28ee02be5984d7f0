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


@pytest.fixture
def restore_objectives_roles(django_db_blocker):
    """Tests with transaction=True flush the tables that data migrations filled: put the role groups and
    this app's grants back (the same table the migration applies)."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from qms.roles import Role

    grants = importlib.import_module("objectives.migrations.0002_role_permissions").GRANTS
    create_permissions(apps.get_app_config("objectives"), verbosity=0)
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="objectives", codename__in=grants.get(role, [])))
