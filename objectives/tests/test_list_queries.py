"""/objectives/ reads the year's tree once (issue 15: it read it for the rows, again for the roll-up, and the
previous year for the chart), in the same number of queries for 2 plans as for 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from objectives.models import PlanStatus
from objectives.tests.conftest import plan_with_objective
from qms.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def objective_reads(client, year: int) -> tuple[int, int]:
    """(queries of the page, those that read objectives)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("objectives:list"), {"year": year})
    assert response.status_code == 200
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "objectives_objective"' in q["sql"] and "objectives_measurement" not in q["sql"]
    ]
    return len(captured), len(reads)


def test_the_list_reads_the_years_objectives_once_and_its_queries_do_not_grow_with_plans(client, secretary, organisation):
    client.force_login(secretary)
    for status in (PlanStatus.APPROVED, PlanStatus.DRAFT):
        plan_with_objective(unit=UnitFactory(organisation=organisation), created_by=secretary, status=status, year=2026)
    objective_reads(client, 2026)  # the agency's objectives settings are made on the first visit
    few, reads = objective_reads(client, 2026)
    # The year's plans with their objectives (and the objectives they support) once; the previous year's once.
    assert reads == 2, "the year's objectives once, the previous year's once (the chart's comparison)"
    for i in range(28):
        plan_with_objective(
            unit=UnitFactory(organisation=organisation), created_by=secretary, status=PlanStatus.APPROVED if i % 2 else PlanStatus.DRAFT
        )
    many, reads_many = objective_reads(client, 2026)
    assert many == few and reads_many == reads


def test_the_overseers_list_of_every_agencys_plans_is_paginated(client, overseer, organisation, secretary):
    from objectives.models import Plan

    for _ in range(55):
        plan_with_objective(unit=UnitFactory(organisation=organisation), created_by=secretary, status=PlanStatus.APPROVED)
    assert Plan.objects.filter(year=2026).count() == 55
    client.force_login(overseer)
    first = client.get(reverse("objectives:list"), {"year": 2026}).content.decode()
    second = client.get(reverse("objectives:list"), {"year": 2026, "page": 2}).content.decode()
    assert "Trang 1/2" in first and "Trang 2/2" in second
    assert first.count("Kế hoạch (PDF)") == 50 and second.count("Kế hoạch (PDF)") == 5
