"""Thin Celery tasks: the daily reminder sweep of corrective actions."""

from celery import shared_task

from .reminders import ticket_reminders_send


@shared_task
def send_ticket_reminders() -> int:
    return ticket_reminders_send()
