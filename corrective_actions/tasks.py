"""Thin Celery tasks: the daily reminder sweep of corrective actions."""

from celery import shared_task


@shared_task
def send_ticket_reminders() -> int:
    from .services import ticket_reminders_send

    return ticket_reminders_send()
