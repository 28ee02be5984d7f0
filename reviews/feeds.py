"""The reviews' events in a person's calendar feed (qms.feeds): the meetings they are invited to (time and
place from the notice), their unit's report deadlines when they report for it, and the deadlines of the
decisions their unit carries out when they decide for it. Three queries, whatever the number of records."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.feeds import FeedEvent
from qms.models import User
from qms.people import may_decide_for_unit
from qms.roles import Role

from .models import NOTICE_ISSUED_STATES, ActionStatus, Review, ReviewAction, UnitReport

SUMMARY_CHARS = 80


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        timezone.make_aware(dt.datetime.combine(first, dt.time.min)),
        timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min)),
    )


def _latest(*moments: dt.datetime | None) -> dt.datetime:
    return max(m for m in moments if m is not None)


def review_events(user: User, first: dt.date, last: dt.date) -> list[FeedEvent]:
    agency = user.organisation_id
    if agency is None:
        return []
    return [
        *_meetings(user, agency, first, last),
        *_report_deadlines(user, agency, first, last),
        *_action_deadlines(user, agency, first, last),
    ]


def _meetings(user: User, agency: int, first: dt.date, last: dt.date) -> list[FeedEvent]:
    start, end = _bounds(first, last)
    invited = (
        Review.objects.filter(organisation_id=agency, status__in=NOTICE_ISSUED_STATES)
        .filter(meeting_start__gte=start, meeting_start__lt=end)
        .filter(pk__in=Review.attendees.through.objects.filter(user_id=user.pk).values("review_id"))
    )
    deputy = Review.objects.filter(
        organisation_id=agency,
        status__in=NOTICE_ISSUED_STATES,
        deputy_chair=user,
        meeting_start__gte=start,
        meeting_start__lt=end,
    )
    return [
        # The same UID as the invitation e-mailed with the notice (reviews.ics), so the two are one event.
        FeedEvent(
            uid=f"review-{review.pk}",
            summary=review.title,
            start=review.meeting_start,
            end=review.meeting_end,
            location=review.location,
            description=review.agenda,
            url=reverse("reviews:detail", args=[review.pk]),
            last_modified=_latest(review.updated_at, review.notice_issued_at),
            sequence=review.version,
        )
        for review in (invited | deputy).distinct().order_by("meeting_start", "pk")
    ]


def _report_deadlines(user: User, agency: int, first: dt.date, last: dt.date) -> list[FeedEvent]:
    # The unit's head, its focal points (they prepare the report) and the focal point named to submit it.
    if not user.unit_id or not user.has_role(Role.UNIT_HEAD, Role.FOCAL_POINT):
        return []
    reports = UnitReport.objects.filter(
        unit_id=user.unit_id,
        review__organisation_id=agency,
        review__status__in=NOTICE_ISSUED_STATES,
        review__report_deadline__range=(first, last),
    ).select_related("review", "unit")
    return [
        FeedEvent(
            uid=f"review-{report.review_id}-report-{report.unit_id}",
            summary=_("Hạn nộp báo cáo đơn vị (BM.HT.06.02): %(review)s") % {"review": report.review.title},
            start=report.review.report_deadline,
            description=_("Đơn vị: %(unit)s — trạng thái: %(status)s — nộp về: %(recipient)s")
            % {"unit": report.unit.name, "status": report.get_status_display(), "recipient": report.review.report_recipient},
            url=reverse("reviews:report_detail", args=[report.pk]),
            last_modified=_latest(report.updated_at, report.review.updated_at),
            sequence=report.version + report.review.version,
        )
        for report in reports
    ]


def _action_deadlines(user: User, agency: int, first: dt.date, last: dt.date) -> list[FeedEvent]:
    # The decisions of the signed minutes that the user's unit carries out, when the user decides for it.
    if not user.unit_id or not may_decide_for_unit(user, user.unit_id):
        return []
    actions = ReviewAction.objects.followed().filter(
        review__organisation_id=agency, responsible_unit_id=user.unit_id, deadline__range=(first, last)
    )
    return [
        FeedEvent(
            uid=f"review-action-{action.pk}",
            summary=_("Hạn hành động: %(action)s") % {"action": action.description[:SUMMARY_CHARS]},
            start=action.deadline,
            description=_("%(action)s\nTrạng thái: %(status)s") % {"action": action.description, "status": action.get_status_display()},
            url=reverse("reviews:action_detail", args=[action.pk]),
            last_modified=_latest(action.created_at, action.completed_at, action.confirmed_at),
            cancelled=action.status == ActionStatus.CANCELLED,
            sequence=action.version,
        )
        for action in actions.order_by("deadline", "pk")
    ]
