"""The iCalendar (RFC 5545) invitation sent with notice BM.HT.06.01, so the meeting lands in each
attendee's calendar. Written by hand: one event, escaped and folded as the RFC requires."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone

from qms.dates import format_date
from qms.models import User

from .models import Review

DEFAULT_DURATION = dt.timedelta(hours=2)


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped; line breaks become \\n (RFC 5545 §3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _param(value: str) -> str:
    # Parameter values may not contain DQUOTE; quote them since names may hold commas or colons.
    return '"' + value.replace('"', "'") + '"'


def fold(line: str) -> str:
    """Lines longer than 75 octets are split with CRLF + space, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with the space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def review_invitation_ics(*, review: Review, attendees: Sequence[User], organiser_name: str) -> str:
    host = urlparse(settings.SITE_URL).hostname or "qms.local"
    end = review.meeting_end or review.meeting_start + DEFAULT_DURATION
    description = "\n".join(
        part
        for part in [
            review.title,
            review.agenda,
            f"Hạn nộp báo cáo đơn vị: {format_date(review.report_deadline)} — nộp về: {review.report_recipient}",
            f"{settings.SITE_URL}/reviews/{review.pk}/",
        ]
        if part
    )
    organiser_email = settings.DEFAULT_FROM_EMAIL
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//HTQLCL ISO 9001//Hop xem xet cua lanh dao//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        f"UID:review-{review.pk}@{host}",
        f"DTSTAMP:{_utc(review.notice_issued_at or timezone.now())}",
        "SEQUENCE:0",
        f"DTSTART:{_utc(review.meeting_start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{escape_text(review.title)}",
        f"LOCATION:{escape_text(review.location)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"ORGANIZER;CN={_param(organiser_name)}:mailto:{organiser_email}",
    ]
    for user in attendees:
        lines.append(f"ATTENDEE;CN={_param(user.display_name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{user.email}")
    lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


def invitation_attachment(ics: str) -> dict[str, object]:
    """The invitation as an outbox attachment (qms.services.outbox_enqueue): a text/calendar part, METHOD REQUEST."""
    return {"filename": "hop-xem-xet.ics", "mimetype": "text/calendar", "content": ics, "params": {"method": "REQUEST"}}
