"""Thin Celery tasks of the shared core: they take ids and call code that does the work."""

from celery import shared_task

from . import outbox
from .models import Notification


@shared_task
def outbox_send(ids: list[int]) -> int:
    """Right after a commit: send these outbox rows (rows already sent or being sent are skipped). Not only
    when due by this worker's clock: the row's time was set by another machine's."""
    return outbox.outbox_send(ids=ids, due_only=False).sent


@shared_task
def outbox_flush() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE): every unsent outbox row that is due, retries included."""
    return outbox.outbox_send().sent


@shared_task
def send_notification_email(notification_id: int) -> None:
    """An inbox row's e-mail through the outbox (queued once per notification, then sent)."""
    from .services import notification_email_enqueue

    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None:
        return
    notification_email_enqueue(notification=notification, send_after_commit=False)
    outbox.outbox_send(keys=[f"notification:{notification_id}"])


@shared_task
def ping() -> str:
    """Used by the health check and by the test that a real worker consumes from the broker."""
    return "pong"
