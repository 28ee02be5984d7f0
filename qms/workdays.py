"""The working-day calendar of Vietnamese civil servants: Monday to Friday, minus public holidays
(the `holidays` package, country VN, with its observed days), minus the days off an admin adds,
plus the make-up working days an admin adds — for the whole province, or for one agency (which wins on
the same day). Every "N working days" rule uses this, with the organisation whose record it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays
from django.db.models import F, Q

from .models import CalendarException, Organisation

# Enough to cover any meeting or deadline; beyond it a misconfiguration should fail loudly.
_MAX_SCAN_DAYS = 400


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year, observed=True).keys())


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def public_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("VN", years=day.year, language="vi").get(day)


class Calendar:
    """Answers working-day questions for a date range with one query for the admin's exceptions."""

    def __init__(self, start: dt.date, end: dt.date, organisation: Organisation | int | None = None) -> None:
        self.start, self.end = min(start, end), max(start, end)
        scope = Q(organisation__isnull=True)
        if organisation is not None:
            scope |= Q(organisation=organisation)
        rows = (
            CalendarException.objects.filter(scope, date__range=(self.start, self.end))
            .order_by(F("organisation").asc(nulls_first=True))  # the agency's own day is read last and wins
            .values_list("date", "kind")
        )
        self.exceptions: dict[dt.date, str] = dict(rows)

    @classmethod
    def for_organisations(cls, organisation_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Calendar]:
        """Each agency's calendar over the same dates from one query for all of them (a sweep over every
        agency's records): the province's days, then the agency's own, which win on the same day."""
        ids = set(organisation_ids)
        rows = (
            CalendarException.objects.filter(
                Q(organisation__isnull=True) | Q(organisation__in=ids), date__range=(min(start, end), max(start, end))
            )
            .order_by(F("organisation").asc(nulls_first=True))
            .values_list("organisation_id", "date", "kind")
        )
        province: dict[dt.date, str] = {}
        own: dict[int, dict[dt.date, str]] = {org_id: {} for org_id in ids}
        for org_id, day, kind in rows:
            (province if org_id is None else own[org_id])[day] = kind
        calendars = {}
        for org_id in ids:
            calendar = cls.__new__(cls)
            calendar.start, calendar.end, calendar.exceptions = min(start, end), max(start, end), {**province, **own[org_id]}
            calendars[org_id] = calendar
        return calendars

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """As the module's add_working_days, within this calendar's dates."""
        step = 1 if count >= 0 else -1
        day, remaining = start, abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
            if abs((day - start).days) > _MAX_SCAN_DAYS:
                raise ValueError("No working day found within the scan window.")
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end <= start:
            return 0
        return sum(self.is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.exceptions.get(day)
        if kind == CalendarException.Kind.WORKING_DAY:
            return True
        if kind == CalendarException.Kind.DAY_OFF:
            return False
        return day.weekday() < 5 and day not in _public_holidays(day.year)


def is_working_day(day: dt.date, organisation: Organisation | int | None = None) -> bool:
    return Calendar(day, day, organisation).is_working_day(day)


def add_working_days(start: dt.date, count: int, organisation: Organisation | int | None = None) -> dt.date:
    """The date `count` working days after `start` (before it, if count is negative), in the calendar of
    `organisation` (None: the province's days only)."""
    step = 1 if count >= 0 else -1
    return Calendar(start, start + dt.timedelta(days=step * _MAX_SCAN_DAYS), organisation).add_working_days(start, count)


def working_days_between(start: dt.date, end: dt.date, organisation: Organisation | int | None = None) -> int:
    """How many working days lie after `start` up to and including `end` (0 if end <= start)."""
    return Calendar(start, end, organisation).working_days_between(start, end)


def next_working_day(day: dt.date, organisation: Organisation | int | None = None) -> dt.date:
    return add_working_days(day, 1, organisation)


def previous_working_day(day: dt.date, organisation: Organisation | int | None = None) -> dt.date:
    return add_working_days(day, -1, organisation)
