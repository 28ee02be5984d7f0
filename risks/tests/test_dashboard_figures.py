"""The risks' chart on the dashboards: the open risks by level from known data, the unit's own table in the
unit view, another agency's never, and each bar linking to a list of the same rows."""

from __future__ import annotations

import pytest

from qms.dashboards import Scope
from qms.tests.factories import UnitFactory
from risks.dashboard_figures import risk_charts
from risks.models import Kind, Level, RiskStatus
from risks.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known_risks(organisation, other_organisation, unit):
    other = UnitFactory(organisation=organisation, name="Phòng Tài chính", code="TC")
    RiskFactory.create_batch(2, unit=unit, level=Level.HIGH)
    RiskFactory(unit=unit, level=Level.LOW)
    RiskFactory(unit=other, level=Level.HIGH)
    RiskFactory(unit=None, level=Level.MEDIUM)  # the agency's table
    RiskFactory(unit=unit, level=Level.HIGH, status=RiskStatus.CLOSED)  # closed: not counted
    RiskFactory(unit=unit, level=Level.HIGH, kind=Kind.OPPORTUNITY)  # an opportunity: not counted
    foreign = UnitFactory(organisation=other_organisation)
    RiskFactory(organisation=other_organisation, unit=foreign, level=Level.HIGH)


def _values(user, today, unit=None):
    (chart,) = risk_charts(Scope(user=user, unit=unit, year=today.year, today=today))
    return chart, [bar.value for bar in chart.bars]


def test_the_open_risks_are_counted_by_level(secretary, known_risks, today):
    assert _values(secretary, today)[1] == [3, 1, 1]  # high, medium, low


def test_the_unit_view_counts_the_units_own_table(unit_head, unit, known_risks, today):
    assert _values(unit_head, today, unit)[1] == [2, 0, 1]


@pytest.mark.parametrize("viewer", ["secretary", "unit_head"])
def test_each_bar_links_to_a_list_of_the_same_risks(client, request, unit, known_risks, today, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    chart, _counts = _values(user, today, unit if viewer == "unit_head" else None)
    for bar in chart.bars:
        response = client.get(bar.url)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == bar.value, bar.url
