"""The daily reminder sweep of tickets, consumed by a real Celery worker from the broker (Redis in CI)."""

import pytest
from django.utils import timezone

from corrective_actions.models import TicketStatus
from corrective_actions.tasks import send_ticket_reminders
from corrective_actions.tests.factories import TicketFactory
from qms.models import Notification
from qms.workdays import add_working_days


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_ticket_reminder_sweep_and_the_assignee_is_reminded_once(
    real_worker, restore_roles, unit, staff_user, unit_head
):
    ticket = TicketFactory(
        requesting_unit=unit,
        requester=staff_user,
        assignee=staff_user,
        status=TicketStatus.IN_PROGRESS,
        completion_date=add_working_days(timezone.localdate(), 1),
    )
    first = send_ticket_reminders.apply_async(queue=real_worker.queue, ignore_result=False).get(timeout=60, disable_sync_subtasks=False)
    again = send_ticket_reminders.apply_async(queue=real_worker.queue, ignore_result=False).get(
        timeout=60, disable_sync_subtasks=False
    )  # a retried beat
    assert (first, again) == (1, 0)
    reminders = Notification.objects.filter(recipient=staff_user, subject__contains=ticket.number_display)
    assert [n.subject for n in reminders] == [f"Phiếu {ticket.number_display} sắp đến hạn hoàn thành ({ticket.completion_date:%d/%m/%Y})"]
