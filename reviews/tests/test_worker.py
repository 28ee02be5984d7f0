"""The review's Celery tasks consumed by a real worker from the broker (Redis in CI): the daily
reminder sweep, and the notice e-mail with its calendar invitation."""

import email
import email.policy
import time

import pytest
from django.utils import timezone

from qms.models import Notification
from qms.workdays import add_working_days
from reviews.models import ReviewStatus
from reviews.tasks import review_notice_send, review_reminders_sweep
from reviews.tests.factories import ReviewFactory, collecting_review, local_datetime

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_runs_the_reminder_sweep_and_a_unit_is_reminded_once(real_worker, restore_roles, unit, unit_head):
    today = timezone.localdate()
    collecting_review(units=[unit], report_deadline=add_working_days(today, 1), meeting_start=local_datetime(add_working_days(today, 8)))
    first = review_reminders_sweep.apply_async(queue=real_worker.queue, ignore_result=False).get(timeout=60, disable_sync_subtasks=False)
    again = review_reminders_sweep.apply_async(queue=real_worker.queue, ignore_result=False).get(timeout=60, disable_sync_subtasks=False)
    assert (first, again) == (1, 0)
    deadline = add_working_days(today, 1).strftime("%d/%m/%Y")
    assert list(Notification.objects.filter(recipient=unit_head).values_list("subject", flat=True)) == [
        f"Nhắc nộp báo cáo HTQLCL trước ngày {deadline}"
    ]


def test_a_real_worker_sends_the_notice_with_its_calendar_invitation(real_worker, restore_roles, monkeypatch, secretary, unit, unit_head):
    from reviews import services

    # The notice's task is queued after commit; send it to this test's worker rather than the default queue.
    monkeypatch.setattr(review_notice_send, "delay", lambda *args: review_notice_send.apply_async(args, queue=real_worker.queue))
    meeting = add_working_days(timezone.localdate(), 5)
    review = ReviewFactory(
        status=ReviewStatus.APPROVED,
        units=[unit],
        attendees=[unit_head],
        created_by=secretary,
        meeting_start=local_datetime(meeting, 8),
        report_deadline=add_working_days(meeting, -2),
    )
    services.review_notice_issue(review=review, actor=secretary)

    def written() -> list:
        # The file backend appends every message sent on one connection to the same file, each followed by
        # a line of 79 dashes.
        return [
            email.message_from_bytes(chunk.strip(b"\n"), policy=email.policy.default)
            for p in sorted(real_worker.mail_dir.glob("*.log"))
            for chunk in p.read_bytes().split(b"\n" + b"-" * 79 + b"\n")
            if chunk.strip()
        ]

    # Wait for the head's message itself: other recipients' files may be written first on a busy machine.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(m["To"] == unit_head.email for m in written()):
        time.sleep(0.5)
    [to_head] = [m for m in written() if m["To"] == unit_head.email]
    assert str(to_head["Subject"]).strip() == f"Thông báo số 01/TB-BCĐ ISO: {review.title}"  # folding adds a space
    [calendar] = [part for part in to_head.walk() if part.get_content_type() == "text/calendar"]
    assert "BEGIN:VEVENT" in calendar.get_content() and "METHOD:REQUEST" in calendar.get_content()
