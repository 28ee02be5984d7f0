import datetime as dt

import pytest

from objectives.models import ObjectivesSettings, PlanStatus
from objectives.reminders import reminders_send
from objectives.tasks import send_reminders
from objectives.tests.conftest import plan_with_objective
from qms.models import Notification
from qms.tests.concurrency import raised, run_at_once


@pytest.mark.django_db
def test_the_plan_reminder_goes_to_units_without_an_approved_plan_three_working_days_ahead(
    unit, other_unit, unit_head, other_unit_head, secretary, top_leader
):
    plan_with_objective(unit=unit, created_by=unit_head, status=PlanStatus.APPROVED, year=2027)
    assert reminders_send(today=dt.date(2027, 1, 22)) == 0  # Friday: 30/01 is 4 working days away
    sent = reminders_send(today=dt.date(2027, 1, 26))
    assert sent == 2  # the agency and the unit without a plan
    assert other_unit_head.notifications.filter(subject__contains="kế hoạch MTCL năm 2027").count() == 1
    assert not unit_head.notifications.exists()
    assert secretary.notifications.count() == top_leader.notifications.count() == 1
    assert reminders_send(today=dt.date(2027, 1, 27)) == 0  # once each


@pytest.mark.django_db
def test_the_plan_due_date_is_a_setting(unit, unit_head):
    ObjectivesSettings.objects.create(organisation=unit.organisation, plan_due_day=15, plan_due_month=2)
    assert reminders_send(today=dt.date(2027, 1, 26)) == 0
    assert reminders_send(today=dt.date(2027, 2, 11)) >= 1


@pytest.mark.django_db
def test_a_missing_measurement_is_reminded_before_it_is_due_and_not_once_entered(unit, unit_head, staff_user):
    plan = plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.MONITORING)
    # Q3 ends 30/09/2026; due 5 working days later, on 07/10; reminded from 3 working days ahead.
    assert reminders_send(today=dt.date(2026, 9, 30)) == 0
    assert reminders_send(today=dt.date(2026, 10, 2)) == 1
    assert "Quý III" in unit_head.notifications.get().body
    plan.objectives.get().measurements.create(period=4, value=90, measured_on=dt.date(2027, 1, 2), recorded_by=staff_user)
    assert reminders_send(today=dt.date(2027, 1, 5)) == 0


@pytest.mark.django_db
def test_the_year_end_evaluation_is_reminded_before_31_december(unit, unit_head, staff_user):
    plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.MONITORING)
    assert reminders_send(today=dt.date(2026, 12, 28)) == 1
    assert unit_head.notifications.filter(subject__contains="đánh giá thực hiện MTCL năm 2026").count() == 1
    assert reminders_send(today=dt.date(2026, 12, 29)) == 0


@pytest.mark.django_db
def test_the_task_runs_the_sweep(unit, unit_head, staff_user, monkeypatch):
    plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.MONITORING)
    monkeypatch.setattr("objectives.tasks.local_today", lambda: dt.date(2026, 12, 28))
    # the year-end evaluation due, and (QT.CTCL 5.9) the agency's 2026 plan never drafted, late since 30/01
    assert send_reminders.delay().get() == 2


@pytest.mark.django_db(transaction=True)
def test_reminders_go_out_once_when_sweeps_run_at_the_same_time(restore_roles, unit, unit_head, staff_user):
    plan_with_objective(unit=unit, created_by=staff_user, status=PlanStatus.MONITORING)
    results = run_at_once(*[lambda: reminders_send(today=dt.date(2026, 12, 28))] * 4)
    assert not raised(results)
    assert sum(results) == 1
    assert Notification.objects.filter(recipient=unit_head, subject__contains="đánh giá").count() == 1
