"""Thin Celery tasks: the daily reminder sweep of corrective actions, a long list's Excel export."""

from celery import shared_task
from django.conf import settings

from .reminders import ticket_reminders_send


@shared_task
def send_ticket_reminders() -> int:
    return ticket_reminders_send()


@shared_task(
    soft_time_limit=settings.QMS_EXPORT_TIME_LIMIT,
    time_limit=settings.QMS_EXPORT_TIME_LIMIT + 15,
    acks_late=False,  # an export that kills its worker is not handed to the next one (the page offers a retry)
    ignore_result=True,
)
def export_tickets_xlsx(user_id: int, params: dict[str, list[str]], key: str) -> str:
    """A ticket list longer than QMS_EXPORT_SYNC_MAX as a workbook (corrective_actions.exports)."""
    from .exports import export_build

    return export_build(user_id=user_id, params=params, key=key)
