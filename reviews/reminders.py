"""The daily reminder sweeps, run by the Celery beat tasks of the same names. Each reminder goes out once
(qms.services.reminder_claim), even if sweeps overlap or run again the same day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from qms.dates import format_date, format_datetime
from qms.messages import N_, Message
from qms.models import User
from qms.roles import Role
from qms.services import notification_send, reminder_claim
from qms.workdays import add_working_days, previous_working_day, working_days_between

from .models import Review, ReviewAction, ReviewStatus, UnitReportStatus
from .selectors import action_url, report_edit_url, review_url


def _remind(key: str, *, recipients: Iterable[User], subject: Message, body: Message | str, url: str) -> int:
    # The claim, the inbox rows and their outbox e-mails commit together: a worker killed in between
    # leaves nothing claimed, and the next sweep sends the reminder.
    with transaction.atomic():
        if not reminder_claim(key):
            return 0
        notification_send(recipients=recipients, subject=subject, body=body, url=url)
    return 1


def review_reminders_sweep(*, today: dt.date | None = None) -> int:
    """Step 4, the daily sweep: reports due soon or overdue (unit heads), all reports in or deadline passed
    (secretary), the meeting tomorrow (attendees)."""
    today = today or timezone.localdate()
    sent = 0
    collecting = Review.objects.filter(status=ReviewStatus.COLLECTING).select_related("organisation").prefetch_related("unit_reports__unit")
    for review in collecting:
        org = review.organisation  # each review's agency: its lead time, its calendar, its people
        reports = list(review.unit_reports.all())
        waiting = [r for r in reports if r.status != UnitReportStatus.SUBMITTED]
        # Past the deadline only a unit that never submitted is late: a report submitted in time and returned
        # for revision is not overdue (the return's own notice asks for the revision).
        never_submitted = [r for r in waiting if r.first_submitted_at is None]
        due_from = add_working_days(review.report_deadline, -org.report_reminder_working_days, org)
        deadline = format_date(review.report_deadline)
        for report in waiting:
            heads = User.objects.with_role(Role.UNIT_HEAD, organisation=org, unit=report.unit_id)
            url = report_edit_url(report)
            if due_from <= today <= review.report_deadline:
                sent += _remind(
                    f"review:{review.pk}:report-due:{report.unit_id}",
                    recipients=heads,
                    url=url,
                    subject=N_("Nhắc nộp báo cáo HTQLCL trước ngày %(date)s") % {"date": deadline},
                    body=N_("Cuộc họp: %(title)s.") % {"title": review.title},
                )
            elif today > review.report_deadline and report.first_submitted_at is None:
                sent += _remind(
                    f"review:{review.pk}:report-overdue:{report.unit_id}",
                    recipients=heads,
                    url=url,
                    subject=N_("Báo cáo HTQLCL đã quá hạn nộp (%(date)s)") % {"date": deadline},
                    body=N_("Cuộc họp: %(title)s. Hãy nộp báo cáo ngay.") % {"title": review.title},
                )
        secretaries = User.objects.with_role(Role.SECRETARY, organisation=org)
        if reports and not waiting:
            sent += _remind(
                f"review:{review.pk}:secretary:all-in",
                recipients=secretaries,
                url=review_url(review),
                subject=N_("Các đơn vị đã nộp đủ báo cáo: %(title)s") % {"title": review.title},
                body=N_("Có thể đóng thu báo cáo và tổng hợp (BM.HT.06.03)."),
            )
        elif never_submitted and today > review.report_deadline:
            sent += _remind(
                f"review:{review.pk}:secretary:deadline-passed",
                recipients=secretaries,
                url=review_url(review),
                subject=N_("Đã quá hạn nộp báo cáo: %(title)s") % {"title": review.title},
                body=N_("Chưa nộp: %(units)s") % {"units": ", ".join(r.unit.name for r in never_submitted)},
            )
    upcoming = Review.objects.filter(
        status__in=[ReviewStatus.COLLECTING, ReviewStatus.PREPARING],
        meeting_start__date__gt=today,
        meeting_start__date__lte=today + dt.timedelta(days=31),
    ).prefetch_related("attendees")
    for review in upcoming:
        if previous_working_day(review.meeting_date, review.organisation_id) != today:
            continue
        for user in review.attendees.all():
            if user.organisation_id != review.organisation_id:
                continue
            sent += _remind(
                f"review:{review.pk}:meeting-eve:{user.pk}",
                recipients=[user],
                url=review_url(review),
                subject=N_("Nhắc lịch họp xem xét của lãnh đạo: %(when)s") % {"when": format_datetime(review.meeting_start)},
                body=N_("%(title)s, tại %(where)s.") % {"title": review.title, "where": review.location},
            )
    return sent


def action_reminders_sweep(*, today: dt.date | None = None) -> int:
    """Daily: remind the responsible unit's heads of actions due within the lead time, and the unit
    heads and the secretary of overdue ones."""
    today = today or timezone.localdate()
    secretaries: dict[int, list[User]] = {}
    sent = 0
    for action in ReviewAction.objects.followed().open().select_related("responsible_unit", "review__organisation"):
        org = action.review.organisation  # the action's agency: its lead time, calendar and people
        if org.pk not in secretaries:
            secretaries[org.pk] = list(User.objects.with_role(Role.SECRETARY, organisation=org))
        heads = list(User.objects.with_role(Role.UNIT_HEAD, organisation=org, unit=action.responsible_unit_id))
        url = action_url(action)
        deadline = format_date(action.deadline)
        if action.deadline < today:
            sent += _remind(
                f"review-action-overdue:{action.pk}:{action.deadline.isoformat()}",
                recipients=heads + secretaries[org.pk],
                url=url,
                subject=N_("Hành động quá hạn (hạn %(d)s): %(a)s") % {"d": deadline, "a": str(action)},
                body=action.description,
            )
        elif working_days_between(today, action.deadline, org) <= org.action_reminder_working_days:
            sent += _remind(
                f"review-action-due:{action.pk}:{action.deadline.isoformat()}",
                recipients=heads,
                url=url,
                subject=N_("Hành động sắp đến hạn (%(d)s): %(a)s") % {"d": deadline, "a": str(action)},
                body=action.description,
            )
    return sent
