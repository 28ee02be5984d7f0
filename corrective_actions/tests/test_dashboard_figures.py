"""The tickets' charts on the dashboards: counted from known data, drawn with bars as long as the counts,
narrowed to the unit for a unit head, never counting another agency, and every bar linking to a list
that shows exactly the tickets it counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from corrective_actions.dashboard_figures import ticket_charts
from corrective_actions.models import TicketStatus
from corrective_actions.tests.factories import TicketFactory
from qms.dashboards import BAR_MAX, Scope
from qms.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _charts(user, today, unit=None):
    return {chart.key: chart for chart in ticket_charts(Scope(user=user, unit=unit, year=today.year, today=today))}


def _bars(chart):
    return {str(bar.label): bar for bar in chart.bars}


@pytest.fixture
def known_tickets(unit, organisation, other_organisation, today):
    """In the agency: 3 open tickets of `unit` (written 5, 45 and 120 days ago), 1 in progress of another
    unit (10 days ago), 2 closed of `unit` (200 days ago: finished, in no age band). In another agency:
    4 open tickets, never counted."""
    other = UnitFactory(organisation=organisation, name="Phòng Tài chính", code="TC")
    for days in (5, 45, 120):
        TicketFactory(requesting_unit=unit, description_date=today - dt.timedelta(days=days))
    TicketFactory(requesting_unit=other, status=TicketStatus.IN_PROGRESS, description_date=today - dt.timedelta(days=10))
    TicketFactory.create_batch(2, requesting_unit=unit, status=TicketStatus.CLOSED, description_date=today - dt.timedelta(days=200))
    TicketFactory.create_batch(4, requesting_unit=UnitFactory(organisation=other_organisation))
    return other


def test_the_agency_charts_count_tickets_by_state_and_by_age(secretary, known_tickets, today):
    charts = _charts(secretary, today)
    states = _bars(charts["tickets_by_state"])
    assert states[str(TicketStatus.OPEN.label)].value == 3
    assert states[str(TicketStatus.IN_PROGRESS.label)].value == 1
    assert states[str(TicketStatus.CLOSED.label)].value == 2
    assert charts["tickets_by_state"].total == 6  # the other agency's 4 are not counted
    assert [bar.value for bar in charts["tickets_by_age"].bars] == [2, 1, 1]  # ≤30 (5, 10 days), 31–90, >90


def test_the_unit_view_counts_only_the_units_tickets(unit_head, unit, known_tickets, today):
    charts = _charts(unit_head, today, unit=unit)
    assert charts["tickets_by_state"].total == 5
    assert _bars(charts["tickets_by_state"])[str(TicketStatus.IN_PROGRESS.label)].value == 0
    assert [bar.value for bar in charts["tickets_by_age"].bars] == [1, 1, 1]
    assert all(f"unit={unit.pk}" in bar.url for chart in charts.values() for bar in chart.bars)


def test_the_bars_are_drawn_as_long_as_their_counts(secretary, known_tickets, today):
    svg = str(_charts(secretary, today)["tickets_by_state"].svg())
    widths = {
        int(value): int(width)
        for width, value in re.findall(r'<rect x="0" y="\d+" width="(\d+)" height="14" fill="#\w+" data-value="(\d+)"', svg)
    }
    assert widths == {0: 0, 1: round(BAR_MAX / 3), 2: round(BAR_MAX * 2 / 3), 3: BAR_MAX}
    assert "Chờ lãnh đạo đơn vị xem xét" in svg
    assert svg.count("<a href=") == 13  # one link per state


@pytest.mark.parametrize("viewer", ["secretary", "unit_head"])
def test_each_bar_links_to_a_list_showing_exactly_the_tickets_it_counts(client, request, unit, known_tickets, today, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    charts = _charts(user, today, unit=unit if viewer == "unit_head" else None)
    for chart in charts.values():
        for bar in chart.bars:
            response = client.get(bar.url)
            assert response.status_code == 200, bar.url
            assert response.context["page"].paginator.count == bar.value, (chart.key, str(bar.label), bar.url)


def test_the_years_tickets_are_counted_by_source_and_repeated_process(secretary, unit, organisation, other_organisation, today):
    from corrective_actions.models import Source

    TicketFactory.create_batch(3, requesting_unit=unit, process="Quy trình cấp phép")
    TicketFactory.create_batch(2, requesting_unit=unit, process="Quy trình tiếp nhận hồ sơ", source=Source.INTERNAL_AUDIT)
    TicketFactory(requesting_unit=unit, process="Quy trình một lần")  # named once: not a repeat
    TicketFactory(requesting_unit=unit, process="Quy trình cấp phép", year=today.year - 1)  # another year
    TicketFactory.create_batch(4, requesting_unit=UnitFactory(organisation=other_organisation), process="Quy trình cấp phép")
    charts = _charts(secretary, today)
    assert [(str(bar.label), bar.value) for bar in charts["tickets_by_source"].bars] == [
        (str(Source.NONCONFORMITY.label), 4),
        (str(Source.INTERNAL_AUDIT.label), 2),
    ]
    assert [(str(bar.label), bar.value) for bar in charts["tickets_repeated_by_process"].bars] == [
        ("Quy trình cấp phép", 3),
        ("Quy trình tiếp nhận hồ sơ", 2),
    ]
