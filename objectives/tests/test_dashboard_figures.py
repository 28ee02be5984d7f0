"""The objectives' chart on the dashboards: each plan in force of the year with its objectives achieved or
on track, at risk, missed and without data, counted from known data as the plan's page judges them; the
unit view shows the unit's plan only; another agency's plans never count; each bar opens its plan."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from objectives.dashboard_figures import objectives_charts
from objectives.models import PlanStatus, Result
from objectives.tests.factories import MeasurementFactory, ObjectiveFactory, PlanFactory
from qms.dashboards import BAR_MAX, Scope
from qms.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_plans(organisation, other_organisation, unit, secretary, today):
    """The agency's plan (1 achieved, 1 missed); `unit`'s plan in force at revision 1 (1 at risk, 1 without
    data), its superseded revision 0 and a draft plan of another unit (neither counts); another agency's plan."""
    agency = PlanFactory(year=today.year, unit=None, created_by=secretary, status=PlanStatus.MONITORING)
    ObjectiveFactory(plan=agency, result=Result.ACHIEVED, actual_value=Decimal("97"))
    ObjectiveFactory(plan=agency, result=Result.NOT_ACHIEVED, actual_value=Decimal("80"))
    old = PlanFactory(year=today.year, unit=unit, created_by=secretary, status=PlanStatus.SUPERSEDED)
    ObjectiveFactory(plan=old, result=Result.ACHIEVED, actual_value=Decimal("99"))
    current = PlanFactory(year=today.year, unit=unit, created_by=secretary, status=PlanStatus.MONITORING, revision=1, supersedes=old)
    MeasurementFactory(objective=ObjectiveFactory(plan=current, target=Decimal("95")), period=1, value=Decimal("90"))
    ObjectiveFactory(plan=current)
    draft_unit = UnitFactory(organisation=organisation, name="Phòng Tài chính", code="TC")
    ObjectiveFactory(plan=PlanFactory(year=today.year, unit=draft_unit, created_by=secretary, status=PlanStatus.DRAFT))
    foreign = UnitFactory(organisation=other_organisation)
    foreign_plan = PlanFactory(year=today.year, unit=foreign, created_by=UserFactory(unit=foreign), status=PlanStatus.MONITORING)
    ObjectiveFactory(plan=foreign_plan, result=Result.ACHIEVED, actual_value=Decimal("99"))
    return agency, current


def _parts(bar):
    return {str(part.label): part.value for part in bar.parts}


def test_each_plan_in_force_shows_its_objectives_by_status(secretary, unit, known_plans, today):
    (chart,) = objectives_charts(Scope(user=secretary, unit=None, year=today.year, today=today))
    assert [str(bar.label) for bar in chart.bars] == ["Cơ quan", unit.name]
    agency, current = chart.bars
    assert _parts(agency) == {"Đạt / đúng tiến độ": 1, "Có nguy cơ": 0, "Không đạt / chậm": 1, "Chưa có số liệu": 0}
    assert _parts(current) == {"Đạt / đúng tiến độ": 0, "Có nguy cơ": 1, "Không đạt / chậm": 0, "Chưa có số liệu": 1}
    svg = str(chart.svg())
    # Both bars hold 2 objectives: each is the full length, split in two halves.
    segments = re.findall(r'<rect x="(\d+)" y="\d+" width="(\d+)" height="14" fill="(#\w+)" data-value="(\d+)"', svg)
    half = BAR_MAX // 2
    assert [(int(x), int(w), int(v)) for x, w, _colour, v in segments if v != "0"] == [(0, half, 1), (half, half, 1)] * 2


def test_the_unit_view_shows_the_units_plan_only(unit_head, unit, known_plans, today):
    (chart,) = objectives_charts(Scope(user=unit_head, unit=unit, year=today.year, today=today))
    assert [str(bar.label) for bar in chart.bars] == [unit.name]


@pytest.mark.parametrize("viewer", ["secretary", "unit_head"])
def test_each_bar_opens_its_plan_with_the_same_statuses(client, request, unit, known_plans, today, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    (chart,) = objectives_charts(Scope(user=user, unit=unit if viewer == "unit_head" else None, year=today.year, today=today))
    for bar in chart.bars:
        response = client.get(bar.url)
        assert response.status_code == 200
        assert response.context["plan"].objectives.count() == bar.value
