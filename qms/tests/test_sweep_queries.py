"""Each daily reminder sweep costs the same number of queries for 10 candidates as for 1,000 (issue 15):
the candidates are chosen in SQL, the calendars and the people are read once, the keys already claimed in
one query, and new reminders are claimed and written in batches. Measured on a first run (everything to
send) and on an "all already claimed" run. Candidates are written with bulk_create."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qms.models import Notification, Unit
from qms.workdays import add_working_days

pytestmark = pytest.mark.django_db


def queries(sweep) -> tuple[int, int]:
    """(reminders sent, queries) of one run of `sweep`. One bulk_create counts once: Django splits it into
    several INSERTs on SQLite (999 parameters a statement), one on PostgreSQL."""
    with CaptureQueriesContext(connection) as captured:
        sent = sweep()
    statements: list[str] = []
    for query in captured.captured_queries:
        head = query["sql"].split(" VALUES ")[0] if query["sql"].startswith("INSERT INTO") else query["sql"]
        if not (statements and head.startswith("INSERT INTO") and statements[-1] == head):
            statements.append(head)
    return sent, len(statements)


def first_and_claimed(sweep, add_candidates, *, per_candidate: int = 1) -> dict[str, int]:
    """The queries of a first run and of an all-claimed run with 10 candidates, then again after adding 990
    more (1,000: the 990 new ones to send, the first 10 already claimed)."""
    add_candidates(10)
    sent, first_10 = queries(sweep)
    assert sent == 10 * per_candidate
    sent, claimed_10 = queries(sweep)
    assert sent == 0
    add_candidates(990)
    sent, first_1000 = queries(sweep)
    assert sent == 990 * per_candidate
    sent, claimed_1000 = queries(sweep)
    assert sent == 0
    return {"first_10": first_10, "first_1000": first_1000, "claimed_10": claimed_10, "claimed_1000": claimed_1000}


def assert_flat(counts: dict[str, int]) -> None:
    assert counts["first_10"] == counts["first_1000"], counts
    assert counts["claimed_10"] == counts["claimed_1000"], counts
    assert counts["claimed_1000"] < counts["first_1000"], counts


def test_the_review_action_sweep_costs_the_same_queries_for_10_and_1000_actions(
    unit, unit_head, secretary, committee_head, today, signing_ca
):
    from conftest import give_signer
    from reviews import reminders
    from reviews.models import ReviewAction
    from reviews.tests.factories import signed_review

    give_signer(signing_ca, committee_head)  # the chair signs with a certificate
    _review, minutes = signed_review(units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Rà soát", unit, today)])
    ReviewAction.objects.filter(minutes=minutes).delete()
    day = today + dt.timedelta(days=60)
    far = day + dt.timedelta(days=200)  # beyond the lead time: not a candidate, not read

    def add(n: int) -> None:
        ReviewAction.objects.bulk_create(
            ReviewAction(review=minutes.review, minutes=minutes, description=f"Hành động {i}", responsible_unit=unit, deadline=deadline)
            for i in range(n)
            for deadline in ([day - dt.timedelta(days=i % 30 + 1)] if i % 2 else [day])  # overdue or due today
        )
        ReviewAction.objects.bulk_create(
            ReviewAction(review=minutes.review, minutes=minutes, description="Chưa đến hạn", responsible_unit=unit, deadline=far)
            for _ in range(n)
        )

    Notification.objects.all().delete()
    assert_flat(first_and_claimed(lambda: reminders.action_reminders_sweep(today=day), add))
    assert Notification.objects.filter(recipient=unit_head).count() == 1000
    assert Notification.objects.filter(recipient=secretary, subject__startswith="Hành động quá hạn").count() == 500


def test_the_report_sweep_costs_the_same_queries_for_10_and_1000_units(unit, secretary, organisation, today):
    from reviews import reminders
    from reviews.models import UnitReport
    from reviews.tests.factories import collecting_review

    deadline = add_working_days(today, 30)
    review = collecting_review(units=[unit], report_deadline=deadline)
    UnitReport.objects.filter(review=review).delete()
    made = [0]

    def add(n: int) -> None:
        units = Unit.objects.bulk_create(
            Unit(organisation=organisation, name=f"Đơn vị {made[0] + i}", code=f"Q{made[0] + i}", order=1000 + made[0] + i)
            for i in range(n)
        )
        made[0] += n
        UnitReport.objects.bulk_create(UnitReport(review=review, unit=u) for u in units)

    assert_flat(first_and_claimed(lambda: reminders.review_reminders_sweep(today=deadline), add))


def test_the_ticket_sweep_costs_the_same_queries_for_10_and_1000_tickets(unit, staff_user, today):
    from corrective_actions.models import Ticket, TicketStatus
    from corrective_actions.reminders import ticket_reminders_send
    from corrective_actions.tests.factories import TicketFactory

    due = add_working_days(today, 1)

    def add(n: int) -> None:
        def ticket(completion_date: dt.date) -> Ticket:
            return TicketFactory.build(
                requesting_unit=unit,
                requester=staff_user,
                assignee=staff_user,
                status=TicketStatus.IN_PROGRESS,
                completion_date=completion_date,
            )

        Ticket.objects.bulk_create([ticket(due) for _ in range(n)] + [ticket(today + dt.timedelta(days=300)) for _ in range(n)])

    assert_flat(first_and_claimed(lambda: ticket_reminders_send(today=today), add))
    assert Notification.objects.filter(recipient=staff_user, subject__contains="sắp đến hạn").count() == 1000


def test_the_objectives_sweep_costs_the_same_queries_for_10_and_1000_plans(organisation, staff_user, today):
    from objectives.models import Objective, ObjectivesSettings, Plan, PlanStatus
    from objectives.reminders import reminders_send

    ObjectivesSettings.of(organisation)
    made = [0]

    def add(n: int) -> None:
        units = Unit.objects.bulk_create(
            Unit(organisation=organisation, name=f"Đơn vị {made[0] + i}", code=f"M{made[0] + i}", order=2000 + made[0] + i)
            for i in range(n)
        )
        made[0] += n
        plans = Plan.objects.bulk_create(
            Plan(organisation=organisation, year=today.year, unit=u, status=PlanStatus.MONITORING, created_by=staff_user) for u in units
        )
        Objective.objects.bulk_create(
            Objective(plan=p, statement="Giải quyết đúng hạn", indicator="Tỷ lệ đúng hạn", target=95, evaluation_method="So sánh")
            for p in plans
        )

    # 28/12 of the plans' year (this year of the test's today): each plan's year-end evaluation is due.
    assert_flat(first_and_claimed(lambda: reminders_send(today=dt.date(today.year, 12, 28)), add))
