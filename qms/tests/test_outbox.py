"""The transactional outbox: every e-mail is a row written in the transaction of what it tells, sent once by
the outbox sender, retried with backoff; a reminder's claim, inbox rows and e-mails commit together."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from qms import outbox
from qms.models import Notification, OutboxMessage, SentReminder
from qms.services import notification_send, outbox_enqueue
from qms.tasks import outbox_flush


def test_the_periodic_sender_is_in_the_beat_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["qms-outbox"]["task"] == "qms.tasks.outbox_flush"


@pytest.mark.django_db
def test_a_notification_writes_its_email_in_the_same_transaction_and_a_rollback_keeps_neither(unit_head):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(recipients=[unit_head], subject="Nhắc hạn")
        assert OutboxMessage.objects.filter(recipient=unit_head.email, subject="Nhắc hạn").exists()
        raise RuntimeError("the caller's transaction fails")
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()
    assert not mail.outbox


@pytest.mark.django_db
def test_an_email_is_sent_once_after_commit_and_marked_sent(unit_head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notification_send(recipients=[unit_head], subject="Nhắc hạn", body="Nội dung", url="/x/")
    row = OutboxMessage.objects.get(key=f"notification:{notification.pk}")
    assert row.sent_at is not None and row.attempts == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [([unit_head.email], "Nhắc hạn")]
    assert mail.outbox[0].body.startswith("Nội dung\n\n") and mail.outbox[0].body.endswith("/x/")
    assert outbox_flush() == 0 and outbox.outbox_send(keys=[row.key], due_only=False).sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_key_is_queued_once():
    assert outbox_enqueue(key="k:1", to="a@example.vn", subject="Một", send_after_commit=False) is not None
    assert outbox_enqueue(key="k:1", to="a@example.vn", subject="Hai", send_after_commit=False) is None
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["Một"]


@pytest.mark.django_db
def test_a_failed_send_is_recorded_and_retried_with_exponential_backoff(time_machine):
    outbox_enqueue(key="k:retry", to="a@example.vn", subject="Thử lại", send_after_commit=False)
    start = timezone.now()
    with mock.patch.object(mail.EmailMessage, "send", side_effect=OSError("SMTP down")):
        assert outbox_flush() == 0
        row = OutboxMessage.objects.get()
        assert (row.attempts, row.sent_at, row.last_error) == (1, None, "OSError: SMTP down")
        assert dt.timedelta(seconds=59) < row.next_attempt_at - start <= dt.timedelta(seconds=61)
        assert outbox_flush() == 0  # not due yet: no new attempt
        assert OutboxMessage.objects.get().attempts == 1
        time_machine.move_to(row.next_attempt_at + dt.timedelta(seconds=1))
        assert outbox_flush() == 0
        row = OutboxMessage.objects.get()
        assert row.attempts == 2
        assert dt.timedelta(seconds=119) < row.next_attempt_at - timezone.now() <= dt.timedelta(seconds=121)
    assert not mail.outbox
    time_machine.move_to(row.next_attempt_at + dt.timedelta(seconds=1))
    assert outbox_flush() == 1
    row = OutboxMessage.objects.get()
    assert row.sent_at is not None and row.attempts == 3 and row.last_error == ""
    assert len(mail.outbox) == 1


def test_the_backoff_doubles_up_to_six_hours():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert outbox.backoff(30) == dt.timedelta(hours=6)


@pytest.mark.django_db
def test_text_and_rebuilt_attachments_are_attached_at_send_time():
    built = []

    def pdf(params):
        built.append(params)
        return b"%PDF-1.7 " + str(params["n"]).encode()

    outbox.register_attachment_builder("test.pdf", pdf)
    for who in ("a", "b"):
        outbox_enqueue(
            key=f"k:att:{who}",
            to=f"{who}@example.vn",
            subject="Có đính kèm",
            attachments=[
                {"filename": "hop.ics", "mimetype": "text/calendar", "content": "BEGIN:VCALENDAR", "params": {"method": "REQUEST"}},
                {"filename": "bb.pdf", "mimetype": "application/pdf", "builder": "test.pdf", "params": {"n": 7}},
            ],
            send_after_commit=False,
        )
    assert outbox_flush() == 2
    assert built == [{"n": 7}]  # the same file is built once for every recipient of one run
    message = mail.outbox[0].message()
    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert "BEGIN:VCALENDAR" in parts["text/calendar"].get_payload(decode=True).decode()
    assert parts["application/pdf"].get_payload(decode=True) == b"%PDF-1.7 7"


@pytest.mark.django_db(transaction=True)
def test_a_row_another_worker_is_sending_is_not_sent_again(restore_roles):
    """While one worker is sending a row (a row lock on PostgreSQL, a lease on SQLite), another worker's
    run finds nothing to send."""
    outbox_enqueue(key="k:busy", to="a@example.vn", subject="Một lần", send_after_commit=False)
    other: list[int] = []
    real_send = mail.EmailMessage.send

    def send_while_another_worker_runs(self, *args, **kwargs):
        def another_worker():
            try:
                other.append(outbox.outbox_send(due_only=False).sent)
            finally:
                connection.close()

        thread = threading.Thread(target=another_worker)
        thread.start()
        thread.join(timeout=30)
        return real_send(self, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", send_while_another_worker_runs):
        assert outbox_flush() == 1
    assert other == [0]
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().sent_at is not None


@pytest.mark.django_db
def test_a_row_leased_by_a_worker_that_died_is_sent_once_the_lease_expires(time_machine, settings):
    if connection.features.has_select_for_update_skip_locked:
        pytest.skip("PostgreSQL releases a dead worker's row lock with its connection (the SIGKILL test shows it)")
    row = outbox_enqueue(key="k:lease", to="a@example.vn", subject="Một lần", send_after_commit=False)
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_until=timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS))
    assert outbox_flush() == 0
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    assert outbox_flush() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_sweep_that_dies_after_a_claim_leaves_the_reminder_for_the_next_sweep(
    unit, unit_head, secretary, committee_head, today, signing_ca
):
    """A reminder's claim, its inbox rows and its e-mails commit together: a crash while they are written
    (a killed worker, a failing database write) leaves no claim behind, and the next sweep sends it."""
    from conftest import give_signer
    from reviews import reminders
    from reviews.tests.factories import signed_review

    give_signer(signing_ca, committee_head)  # the minutes are signed with a .p12 (issue 12)
    _review, minutes = signed_review(
        units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Rà soát quy trình", unit, today)]
    )
    [action] = minutes.actions.all()
    later = today + dt.timedelta(days=40)
    Notification.objects.all().delete()
    with mock.patch.object(OutboxMessage.objects, "bulk_create", side_effect=RuntimeError("killed")), pytest.raises(RuntimeError):
        reminders.action_reminders_sweep(today=later)
    assert not SentReminder.objects.filter(key__startswith=f"review-action-overdue:{action.pk}:").exists()
    assert not Notification.objects.exists() and not OutboxMessage.objects.exists()
    assert reminders.action_reminders_sweep(today=later) == 1
    assert reminders.action_reminders_sweep(today=later) == 0
    assert OutboxMessage.objects.filter(recipient=unit_head.email).count() == 1
    assert Notification.objects.filter(recipient=unit_head).count() == 1
