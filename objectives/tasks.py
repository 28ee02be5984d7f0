"""Thin Celery tasks: each runs one function of the app, which is safe to run twice (reminder keys are
claimed once)."""

from celery import shared_task

from qms.services import local_today

from .reminders import reminders_send


@shared_task
def send_reminders() -> int:
    return reminders_send(today=local_today())
