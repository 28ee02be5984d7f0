"""Scenarios of `make bench` for quality objectives: the plan page as objectives grow, and the roll-up."""

from __future__ import annotations

from typing import Any

from django.test import Client

from objectives.rollup import review_inputs
from objectives.tests.factories import MeasurementFactory, ObjectiveFactory, PlanFactory
from qms.bench import Bench
from qms.roles import Role
from qms.tests.factories import UserFactory, default_organisation


def plan_page_growth(bench: Bench) -> None:
    secretary = UserFactory.create(username="bench-obj-secretary", roles=[Role.SECRETARY])
    client = Client()
    client.force_login(secretary)
    plan = PlanFactory.create(year=2030, created_by=secretary)
    made = 0
    for target in (5, 50, 200):
        for _ in range(target - made):
            objective = ObjectiveFactory(plan=plan)
            MeasurementFactory(objective=objective)
        made = target
        bench.page(client, f"/objectives/plans/{plan.pk}/", f"GET plan page with {target} objectives")


def rollup(bench: Bench) -> None:
    bench.measure(
        "objectives.rollup.review_inputs(2030) (text + 2 SVG charts)",
        lambda: review_inputs(2030, organisation=default_organisation()),
        repeat=5,
    )


SCENARIOS = [plan_page_growth, rollup]


def fill_province(organisations: list[Any], years: range, units: dict[int, Any], users: dict[int, Any]) -> int:
    """For `make bench`'s province: each agency's plan of each year, evaluated, with four objectives."""
    from decimal import Decimal

    from objectives.models import Objective, Plan, PlanStatus, Result

    plans = [
        Plan(organisation=org, year=year, unit=None, status=PlanStatus.EVALUATED, created_by=users[org.pk])
        for org in organisations
        for year in years
    ]
    Plan.objects.bulk_create(plans, batch_size=2000)
    Objective.objects.bulk_create(
        [
            Objective(
                plan=plan,
                order=n + 1,
                statement=f"Mục tiêu {n + 1}",
                indicator="Tỷ lệ hồ sơ đúng hạn",
                target=Decimal(95),
                evaluation_method="So sánh với chỉ tiêu",
                result=Result.ACHIEVED if n < 3 else Result.NOT_ACHIEVED,
            )
            for plan in plans
            for n in range(4)
        ],
        batch_size=2000,
    )
    return len(plans)
