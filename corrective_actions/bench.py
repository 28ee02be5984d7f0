"""Scenarios of `make bench` for corrective-action tickets: the list and the Excel export as tickets grow."""

from __future__ import annotations

from django.test import Client

from corrective_actions.tests.factories import TicketFactory
from qms.roles import Role
from qms.tests.factories import UnitFactory, UserFactory


def ticket_list_growth(bench) -> None:
    client = Client()
    client.force_login(UserFactory.create(username="bench-ca-secretary", roles=[Role.SECRETARY]))
    unit = UnitFactory(code="BENCH-CA")
    people = [UserFactory(unit=unit) for _ in range(3)]
    made = 0
    for target in (10, 100, 1000):
        for i in range(made, target):
            TicketFactory(number=10_000 + i, requesting_unit=unit, requester=people[i % 3], assignee=people[(i + 1) % 3])
        made = target
        bench.page(client, "/corrective-actions/", f"GET /corrective-actions/ (list) with {target} tickets")
        bench.page(client, "/corrective-actions/export.xlsx", f"GET export.xlsx with {target} tickets", repeat=3)


SCENARIOS = [ticket_list_growth]
