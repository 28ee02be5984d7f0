"""Thin Celery tasks: each runs one function of the app, which is safe to run twice (reminder keys are
claimed once)."""

from celery import shared_task

from qms.services import local_today

from .reminders import late_reminders_send, reminders_send


@shared_task
def send_reminders() -> int:
    today = local_today()
    return reminders_send(today=today) + late_reminders_send(today=today)
