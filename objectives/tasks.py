"""Thin Celery tasks: they call the services, which are idempotent (reminder keys are claimed once)."""

from celery import shared_task

from qms.services import local_today

from .services import reminders_send


@shared_task
def send_reminders() -> int:
    return reminders_send(today=local_today())
