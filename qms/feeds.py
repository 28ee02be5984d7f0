"""A person's calendar subscription: their review meetings and the deadlines that fall to them, as one
iCalendar (RFC 5545) feed at a secret URL (qms.models.CalendarFeed) that calendar apps poll.

The core knows no app: each app registers a source in its AppConfig.ready() with `register_feed_source`.
A source takes the person and a date window and returns `FeedEvent`s in a constant number of queries
(whatever the number of records), so the feed costs the same for a person with 3 deadlines as with 300.
Each event's UID names its record, so an app that polls again updates the event rather than adding a copy;
DTSTAMP and LAST-MODIFIED come from the record, so an unchanged record gives an unchanged event."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from .models import User

# How far the feed reaches: last year's meetings stay visible, plans two years ahead are in.
WINDOW_BACK = dt.timedelta(days=365)
WINDOW_AHEAD = dt.timedelta(days=730)
LOCAL_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class FeedEvent:
    # Unique and stable per record and kind, e.g. "review-12" or "ticket-7-completion"; the feed adds "@host".
    uid: str
    summary: str
    # A datetime is a meeting (local time); a date is an all-day deadline.
    start: dt.datetime | dt.date
    last_modified: dt.datetime
    end: dt.datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""  # a path on this site ("/reviews/12/"); the feed makes it absolute
    cancelled: bool = False
    # The record's version: it grows with every saved change (a state move included), so apps that compare
    # SEQUENCE take the new event even when a state move left the record's timestamps alone.
    sequence: int = 0

    @property
    def timed(self) -> bool:
        """A meeting with a time of day, not an all-day deadline."""
        return isinstance(self.start, dt.datetime)

    @property
    def day(self) -> dt.date:
        return self.start.astimezone(LOCAL_TZ).date() if isinstance(self.start, dt.datetime) else self.start


# (person, first day, last day) -> their events in the window; a constant number of queries per call.
FeedSource = Callable[["User", dt.date, dt.date], list[FeedEvent]]
_SOURCES: list[FeedSource] = []


def register_feed_source(function: FeedSource) -> None:
    if function not in _SOURCES:
        _SOURCES.append(function)


def feed_window(today: dt.date) -> tuple[dt.date, dt.date]:
    return today - WINDOW_BACK, today + WINDOW_AHEAD


def feed_events(user: User, *, today: dt.date) -> list[FeedEvent]:
    first, last = feed_window(today)
    events = [event for source in _SOURCES for event in source(user, first, last)]
    return sorted(events, key=lambda e: (_sort_key(e.start), e.uid))


def _sort_key(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return dt.datetime.combine(value, dt.time.min)


def _host() -> str:
    return urlparse(settings.SITE_URL).hostname or "qms.local"


def feed_ics(user: User, *, today: dt.date | None = None) -> bytes:
    """The person's feed as iCalendar bytes: times in Asia/Ho_Chi_Minh with its VTIMEZONE, deadlines as
    all-day events."""
    from icalendar import Calendar, Event

    host = _host()
    calendar = Calendar()
    calendar.add("prodid", "-//HTQLCL ISO 9001//Lich ca nhan//VI")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"ISO 9001 — {user.display_name}")
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    # Polled hourly by the apps that honour it (the records change a few times a day at most).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in feed_events(user, today=today or timezone.localdate()):
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        stamp = item.last_modified.astimezone(dt.UTC)
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        if isinstance(item.start, dt.datetime):
            event.add("dtstart", item.start.astimezone(LOCAL_TZ))
            if item.end:
                event.add("dtend", item.end.astimezone(LOCAL_TZ))
        else:
            event.add("dtstart", item.start)
            event.add("dtend", item.start + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # a deadline does not make the person busy all day
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", f"{settings.SITE_URL.rstrip('/')}{item.url}")
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
