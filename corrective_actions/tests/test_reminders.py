import datetime as dt

import pytest
from django.conf import settings

from corrective_actions import reminders, services
from corrective_actions.models import Ticket
from corrective_actions.tasks import send_ticket_reminders
from qms.models import Notification, Organisation
from qms.tests.factories import default_organisation
from qms.workdays import add_working_days

pytestmark = pytest.mark.django_db


def subjects(user):
    return sorted(Notification.objects.filter(recipient=user, subject__startswith="Phiếu").values_list("subject", flat=True))


def test_the_daily_sweep_is_registered_in_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["corrective-actions-reminders"]
    assert entry["task"] == "corrective_actions.tasks.send_ticket_reminders"


def test_an_approaching_completion_date_is_reminded_once_n_working_days_ahead(drive, assignee, today):
    Organisation.objects.filter(pk=default_organisation().pk).update(action_reminder_working_days=3)
    due = add_working_days(today, 10)
    ticket = drive("in_progress", completion_date=due)
    Notification.objects.all().delete()
    assert reminders.ticket_reminders_send(today=add_working_days(due, -4)) == 0  # 4 working days ahead
    assert reminders.ticket_reminders_send(today=add_working_days(due, -3)) == 1  # 3 working days ahead
    assert reminders.ticket_reminders_send(today=add_working_days(due, -2)) == 0  # already sent
    assert subjects(assignee) == [f"Phiếu {ticket.number_display} sắp đến hạn hoàn thành ({due:%d/%m/%Y})"]


def test_an_overdue_action_escalates_one_level_per_step(drive, assignee, other_unit_head, secretary, committee_head, today):
    due = add_working_days(today, 5)
    drive("in_progress", completion_date=due)
    Notification.objects.all().delete()
    reminders.ticket_reminders_send(today=add_working_days(due, 1))  # passed, fewer than 3 working days late
    assert any("đã quá hạn" in x for x in subjects(assignee)) and subjects(other_unit_head) == []
    reminders.ticket_reminders_send(today=add_working_days(due, 3))  # 3 working days late: head of the implementing unit
    assert len(subjects(other_unit_head)) == 1 and subjects(secretary) == []
    reminders.ticket_reminders_send(today=add_working_days(due, 5))  # 5 working days late: secretary and committee head
    assert len(subjects(secretary)) == 1 and len([x for x in subjects(committee_head) if "quá hạn" in x]) == 1
    # 5.6: the verifier was told on the completion date, though nothing was reported
    assert [x for x in subjects(committee_head) if "kiểm tra xác nhận" in x] == [
        f"Phiếu {Ticket.objects.get().number_display} đến hạn kiểm tra xác nhận (chưa báo cáo kết quả)"
    ]
    before = Notification.objects.count()
    reminders.ticket_reminders_send(today=add_working_days(due, 6))
    assert Notification.objects.count() == before


def test_monthly_progress_and_verification_are_reminded(drive, assignee, committee_head, secretary, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=70))
    first_month = ticket.progress_due_dates(ticket.completion_date)[0]
    assert (first_month.month - today.month) % 12 == 1  # approved today: the first report is due a month later
    Notification.objects.all().delete()
    reminders.ticket_reminders_send(today=add_working_days(first_month, -2))  # within the 3 working days' lead
    assert any("báo cáo tiến độ" in x for x in subjects(assignee))
    reminders.ticket_reminders_send(today=first_month + dt.timedelta(days=2))  # missed: secretary told
    assert any("chưa báo cáo tiến độ" in x for x in subjects(secretary))
    services.ticket_report(actor=assignee, ticket=Ticket.objects.get(pk=ticket.pk), result="Xong.")
    Notification.objects.all().delete()
    reminders.ticket_reminders_send(today=ticket.completion_date)
    assert subjects(committee_head) == [f"Phiếu {ticket.number_display} đến hạn kiểm tra xác nhận kết quả"]


def test_the_celery_task_runs_the_sweep(drive, today):
    drive("in_progress", completion_date=today)
    assert send_ticket_reminders.delay().get() >= 1
