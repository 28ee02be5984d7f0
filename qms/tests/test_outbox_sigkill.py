"""Exactly once, with real processes: a Celery worker is killed with SIGKILL in the middle of the daily
sweep, a second one is killed in the middle of sending the outbox, a third finishes the work. Every
reminder is then claimed, in the inbox and e-mailed exactly once: nothing lost, nothing doubled.

The first two workers run with QMS_TEST_OUTBOX_PAUSE (a pause at each message queued and sent), so the
kills land inside a reminder's transaction and inside a send. Runs on Redis and PostgreSQL in CI, on
kombu's filesystem transport and SQLite elsewhere (where a dead worker's row is leased, not locked)."""

import email
import email.policy
import os
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import services_required, start_worker, stop_worker
from qms.models import Notification, OutboxMessage, SentReminder
from qms.workdays import add_working_days

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TICKETS = 6
PAUSE = "1.0"  # seconds at each message queued and each message sent, for the first two workers
LEASE = "4"  # seconds a SQLite worker holds a row it sends (PostgreSQL drops a dead worker's lock at once)


def wait_until(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def mails(mail_dir: Path) -> list[email.message.EmailMessage]:
    """Every message the workers wrote (the file backend appends a connection's messages to one file)."""
    found = []
    for path in sorted(mail_dir.glob("*.log")) if mail_dir.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.lstrip(b"\n"), policy=email.policy.default))
    return found


def subject_of(message) -> str:
    return " ".join(str(message["Subject"]).split())  # header folding adds spaces


@pytest.fixture
def due_tickets(restore_roles, unit, staff_user, today):
    """Tickets whose completion date is the next working day: each one reminder to its assignee."""
    from corrective_actions.models import TicketStatus
    from corrective_actions.tests.factories import TicketFactory

    tickets = [
        TicketFactory(
            requesting_unit=unit,
            requester=staff_user,
            assignee=staff_user,
            status=TicketStatus.IN_PROGRESS,
            completion_date=add_working_days(today, 1),
        )
        for _ in range(TICKETS)
    ]
    return {f"ca:{t.pk}:due-soon:{t.completion_date:%Y%m%d}": t for t in tickets}


def test_workers_killed_mid_sweep_and_mid_send_lose_no_reminder_and_send_none_twice(due_tickets, settings, tmp_path, staff_user):
    from corrective_actions.tasks import send_ticket_reminders
    from qms.tasks import outbox_flush

    if services_required() and not os.environ.get("REDIS_URL"):
        pytest.fail("REDIS_URL must be set in CI: the SIGKILL test runs on the real Redis broker.")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queue = f"qms-sigkill-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    # Batches of two reminders per transaction (qms.services.reminders_send), so the kill lands between commits.
    slow = {"QMS_TEST_OUTBOX_PAUSE": PAUSE, "QMS_OUTBOX_LEASE_SECONDS": LEASE, "QMS_REMINDER_BATCH": "2"}
    outputs: dict[str, str] = {}
    procs = []
    Notification.objects.all().delete()

    try:
        # 1. The first worker sweeps, slowly; it is killed once some reminders are committed, not all.
        first = start_worker(settings.BASE_DIR, queue=queue, mail_dir=mail_dir, env=slow)
        procs.append(first)
        send_ticket_reminders.apply_async(queue=queue)
        wait_until(lambda: SentReminder.objects.count() >= 2, timeout=90, what="the first worker to commit two reminders")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        outputs["first"] = stop_worker(first)
        claimed = SentReminder.objects.count()
        assert 2 <= claimed < TICKETS, f"the kill was not mid-sweep: {claimed} of {TICKETS} claimed"
        # What committed is whole: each claimed reminder has its inbox row and its e-mail row, no other.
        assert Notification.objects.count() == OutboxMessage.objects.count() == claimed
        assert not OutboxMessage.objects.filter(sent_at__isnull=False).exists()

        # 2. The second worker takes the sends queued after those commits, slowly; it is killed once it has
        # sent one, in the pause before the next.
        second = start_worker(settings.BASE_DIR, queue=queue, mail_dir=mail_dir, env=slow)
        procs.append(second)
        outbox_flush.apply_async(queue=queue)
        wait_until(lambda: len(mails(mail_dir)) >= 1, timeout=90, what="the second worker to send one e-mail")
        time.sleep(0.4)  # inside the pause before the next send
        second.send_signal(signal.SIGKILL)
        second.wait(timeout=10)
        outputs["second"] = stop_worker(second)
        assert OutboxMessage.objects.filter(sent_at__isnull=True).exists(), "the kill was not mid-send"

        # 3. A third worker, at full speed, runs the sweep again and the outbox until everything is sent.
        third = start_worker(settings.BASE_DIR, queue=queue, mail_dir=mail_dir)
        procs.append(third)
        swept = send_ticket_reminders.apply_async(queue=queue, ignore_result=False).get(timeout=180, disable_sync_subtasks=False)
        assert swept == TICKETS - claimed

        def all_sent() -> bool:
            if OutboxMessage.objects.filter(sent_at__isnull=True).exists():
                outbox_flush.apply_async(queue=queue, ignore_result=False).get(timeout=180, disable_sync_subtasks=False)
                return False
            return True

        wait_until(all_sent, timeout=240, what="every outbox row to be sent", every=1.0)
        time.sleep(2)  # a doubled send would land now
    finally:
        for name, proc in zip(("first", "second", "third"), procs, strict=False):
            outputs.setdefault(name, stop_worker(proc))
        for name, output in outputs.items():  # shown by pytest when the test failed
            print(f"\n----- {name} worker (last output) -----\n{output}")

    assert set(SentReminder.objects.values_list("key", flat=True)) == set(due_tickets)
    notifications = Notification.objects.filter(recipient=staff_user)
    expected = Counter(
        (staff_user.email, f"Phiếu {t.number_display} sắp đến hạn hoàn thành ({t.completion_date:%d/%m/%Y})") for t in due_tickets.values()
    )
    assert Counter((staff_user.email, n.subject) for n in notifications) == expected
    assert OutboxMessage.objects.count() == TICKETS and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    sent = Counter((m["To"], subject_of(m)) for m in mails(mail_dir))
    assert sent == expected, f"lost: {expected - sent}; doubled or unexpected: {sent - expected}"
    print(f"claimed by the first worker before SIGKILL: {claimed}; e-mails: {sum(sent.values())}; at {timezone.now():%H:%M:%S}")
