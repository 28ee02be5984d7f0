"""Dates and times as the agency writes them (dd/mm/yyyy, hh:mm dd/mm/yyyy, local time), for messages,
notes and exports. Templates use the `date` filter, whose formats come from qms/formats."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def format_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def format_datetime(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""
