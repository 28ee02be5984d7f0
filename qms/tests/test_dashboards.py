"""The dashboard pages: who has which (the navigation offers it to them), a query count that stays flat
from 3 to 300 records of each kind, the unit view narrowed to the viewer's unit, and another agency's
records never counted. The figures themselves are tested with each app's charts
(*/tests/test_dashboard_figures.py)."""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from corrective_actions.tests.factories import TicketFactory
from objectives.models import Objective, Plan, PlanStatus
from objectives.tests.factories import ObjectiveFactory, PlanFactory
from qms.dashboards import dashboard_charts
from qms.models import Unit
from qms.tests.factories import UnitFactory, UserFactory
from reviews.models import ActionStatus, Minutes, MinutesStatus, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus
from reviews.tests.factories import ReviewFactory, local_datetime
from risks.models import Level, Risk
from risks.tests.factories import RiskFactory

pytestmark = pytest.mark.django_db


def populate(organisation, unit, secretary, today, n: int, *, batch: int) -> None:
    """n tickets, n decided actions, n unit reports (of 3 new reviews), n risks and n objectives (in a plan of each
    new unit, and the agency's in the first batch), spread over `unit` and n/2 new units; written in bulk
    so 300 stays quick. `batch` keeps names and numbers apart between calls."""
    new_units = Unit.objects.bulk_create(
        [Unit(organisation=organisation, name=f"Phòng {batch}-{i}", code=f"P{batch}-{i}", order=i + 10) for i in range(max(n // 2, 1))]
    )
    units = [unit, *new_units]
    ticket = TicketFactory(requesting_unit=unit, number=batch * 10_000)
    tickets = []
    for i in range(n - 1):
        row = copy.copy(ticket)
        row.pk, row.number = None, batch * 10_000 + 1 + i
        row.unit = row.requesting_unit = row.implementing_unit = units[i % len(units)]
        row.description_date = today - dt.timedelta(days=i % 150)
        tickets.append(row)
    type(ticket).objects.bulk_create(tickets)
    reviews = [
        ReviewFactory(
            created_by=secretary,
            status=ReviewStatus.SIGNED,
            year=today.year,
            meeting_start=local_datetime(today - dt.timedelta(days=d)),
            units=[],
        )
        for d in (30, 60, 90)
    ]
    UnitReport.objects.bulk_create(
        [
            UnitReport(review=reviews[i % 3], unit=units[i // 3 % len(units)], status=UnitReportStatus.SUBMITTED, is_late=bool(i % 2))
            for i in range(n)
        ],
        ignore_conflicts=True,
    )
    minutes = Minutes.objects.create(review=reviews[0], form_code="BM.HT.06.04", status=MinutesStatus.SIGNED, revision=1)
    ReviewAction.objects.bulk_create(
        [
            ReviewAction(
                review=reviews[0],
                minutes=minutes,
                description=f"Hành động {i}",
                responsible_unit=units[i % len(units)],
                deadline=today + dt.timedelta(days=i % 20 - 10),
                status=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE][i % 3],
            )
            for i in range(n)
        ]
    )
    # The first batch gives the agency and `unit` their plans; the next ones only new units.
    plans = [PlanFactory(year=today.year, unit=None if batch == 1 else new_units[0], created_by=secretary, status=PlanStatus.MONITORING)]
    plans += Plan.objects.bulk_create(
        [
            Plan(organisation=organisation, year=today.year, unit=u, created_by=secretary, status=PlanStatus.MONITORING)
            for u in ([unit] if batch == 1 else []) + new_units[1:]
        ]
    )
    sample = ObjectiveFactory(plan=plans[0], target=Decimal("95"))
    objectives = []
    for i in range(n - 1):
        row = copy.copy(sample)
        row.pk, row.plan, row.order = None, plans[i % len(plans)], i + 2
        objectives.append(row)
    Objective.objects.bulk_create(objectives)
    risk = RiskFactory(unit=unit, number=batch * 10_000, created_by=secretary)
    risks = []
    for i in range(n - 1):
        row = copy.copy(risk)
        row.pk, row.number, row.unit = None, batch * 10_000 + 1 + i, units[i % len(units)]
        row.level = [Level.HIGH, Level.MEDIUM, Level.LOW][i % 3]
        risks.append(row)
    Risk.objects.bulk_create(risks)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("viewer", "url_name"), [("secretary", "dashboard"), ("unit_head", "dashboard_unit")])
def test_the_dashboard_runs_the_same_number_of_queries_for_3_and_for_300_records(
    client, request, organisation, unit, secretary, today, viewer, url_name
):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    url = reverse(url_name)
    populate(organisation, unit, secretary, today, 3, batch=1)
    few = _queries(client, url)
    populate(organisation, unit, secretary, today, 297, batch=2)
    many = _queries(client, url)
    assert few == many, f"{few} queries for 3 records, {many} for 300"
    assert many <= 22  # the budget: 20 for the agency, 18 for a unit today (the base page included)


def _figures(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-chart="(\w+)"', html), re.findall(r'data-testid="figure" data-value="(\d+)"', html)  # type: ignore[return-value]


def test_the_agency_dashboard_never_counts_another_agency(client, secretary, unit, other_organisation, today):
    TicketFactory.create_batch(2, requesting_unit=unit)
    TicketFactory.create_batch(5, requesting_unit=UnitFactory(organisation=other_organisation))
    client.force_login(secretary)
    response = client.get(reverse("dashboard"))
    tickets = next(chart for chart in response.context["charts"] if chart.key == "tickets_by_state")
    assert tickets.total == 2
    html = response.content.decode()
    assert 'data-chart="tickets_by_state"' in html and "<svg" in html


def test_the_unit_view_shows_the_viewers_unit_only(client, unit_head, unit, organisation, today):
    other = UnitFactory(organisation=organisation, name="Phòng Tài chính", code="TC")
    TicketFactory.create_batch(2, requesting_unit=unit)
    TicketFactory.create_batch(3, requesting_unit=other)
    client.force_login(unit_head)
    response = client.get(reverse("dashboard_unit"))
    assert response.context["scope"].unit == unit
    tickets = next(chart for chart in response.context["charts"] if chart.key == "tickets_by_state")
    assert tickets.total == 2
    assert "Bảng điều khiển: Văn phòng" in response.content.decode()
    # The unit head has no agency-wide dashboard; a unit head of another unit sees their own unit's.
    assert client.get(reverse("dashboard")).status_code == 403


def test_every_chart_of_the_page_is_registered_by_an_app(secretary, today):
    from qms.dashboards import Scope

    keys = [chart.key for chart in dashboard_charts(Scope(user=secretary, unit=None, year=today.year, today=today))]
    assert {"tickets_by_state", "tickets_by_age", "review_actions_by_state", "review_actions_overdue_by_unit", "objectives_by_plan"} <= set(
        keys
    )


@pytest.mark.parametrize(
    ("viewer", "link"),
    [
        ("secretary", "/dashboard/"),
        ("committee_head", "/dashboard/"),
        ("top_leader", "/dashboard/"),
        ("unit_head", "/dashboard/unit/"),
        ("staff_user", None),
    ],
)
def test_the_navigation_offers_the_dashboard_to_the_roles_that_have_one(client, request, viewer, link):
    client.force_login(request.getfixturevalue(viewer))
    html = client.get(reverse("home")).content.decode()
    found = re.search(r'href="([^"]+)" data-testid="dashboard-link"', html)
    assert (found.group(1) if found else None) == link


def test_a_user_without_an_agency_has_no_dashboard(client, overseer):
    client.force_login(overseer)
    assert client.get(reverse("dashboard")).status_code == 403
    assert client.get(reverse("dashboard_unit")).status_code == 403


def test_a_unit_head_without_a_unit_has_no_unit_view(client, organisation):
    from qms.roles import Role

    client.force_login(UserFactory(unit=None, organisation=organisation, roles=[Role.UNIT_HEAD]))
    assert client.get(reverse("dashboard_unit")).status_code == 403
