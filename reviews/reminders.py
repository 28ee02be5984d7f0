"""The daily reminder sweeps, run by the Celery beat tasks of the same names. Each reminder goes out once
(qms.services.reminder_claim), even if sweeps overlap or run again the same day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from qms.dates import format_date, format_datetime
from qms.messages import N_, Message
from qms.models import Organisation, User
from qms.roles import Role
from qms.services import notification_send, reminder_claim
from qms.workdays import add_working_days, previous_working_day, working_days_between

from .followup_report import late_reports, overdue_actions
from .models import Review, ReviewAction, ReviewStatus, UnitReportStatus
from .selectors import action_url, report_edit_url, review_url
from .yearly import year_has_held_review


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


def followup_digest_sweep(*, today: dt.date | None = None) -> int:
    """Monthly (the 1st, 07:20): the follow-up report's digest to each agency's steering-committee head(s)
    ("báo cáo Trưởng ban chỉ đạo ISO", QT.HT.06 5.3 and §VI risk 3): the units' reports still missing past
    their deadline and the actions past theirs. Once per agency and month (a second or concurrent run
    sends nothing); nothing is sent when nothing is late."""
    today = today or timezone.localdate()
    sent = 0
    for org in Organisation.objects.agencies():
        overdue = overdue_actions(org, today)
        late = late_reports(org, today)
        if not overdue and not late:
            continue
        lines = [
            f"- {r.unit.name}: {r.review.title} (hạn {format_date(r.review.report_deadline)}, trễ {(today - r.review.report_deadline).days} ngày)"
            for r in late
        ] + [f"- {a.responsible_unit.name}: {a} (hạn {format_date(a.deadline)}, trễ {(today - a.deadline).days} ngày)" for a in overdue]
        sent += _remind(
            f"review-followup-digest:{org.pk}:{today:%Y-%m}",
            recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=org),
            url=reverse("reviews:followup"),
            subject=N_("Báo cáo theo dõi tháng %(m)s: %(a)d hành động quá hạn, %(r)d báo cáo đơn vị nộp muộn")
            % {"m": f"{today:%m/%Y}", "a": len(overdue), "r": len(late)},
            body=N_("Tính đến ngày %(d)s:\n%(lines)s") % {"d": format_date(today), "lines": "\n".join(lines)},
        )
    return sent


def yearly_review_watch(*, today: dt.date | None = None) -> int:
    """Daily (07:30): from each agency's watch day (Organisation.review_watch_day/month, default 01/10), a
    year without a held review ("ít nhất 1 năm 1 lần", QT.HT.06 H1; §VI risk 1) raises a reminder to the ISO
    secretary and a notice to the steering-committee head, once per agency and year."""
    today = today or timezone.localdate()
    sent = 0
    for org in Organisation.objects.agencies():
        if today < org.review_watch_date(today.year) or year_has_held_review(org, today.year):
            continue
        with transaction.atomic():
            if not reminder_claim(f"review-yearly-watch:{org.pk}:{today.year}"):
                continue
            url = reverse("reviews:list")
            notification_send(
                recipients=User.objects.with_role(Role.SECRETARY, organisation=org),
                url=url,
                subject=N_("Năm %(y)d chưa tổ chức họp xem xét của lãnh đạo") % {"y": today.year},
                body=N_(
                    "Quy trình yêu cầu họp xem xét ít nhất 1 năm 1 lần: hãy lập kế hoạch và báo cáo Trưởng ban chỉ đạo ISO bố trí thời gian."
                ),
            )
            notification_send(
                recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=org),
                url=url,
                subject=N_("Năm %(y)d chưa tổ chức họp xem xét của lãnh đạo") % {"y": today.year},
                body=N_("Thư ký ISO đã được nhắc lập kế hoạch; đề nghị Trưởng ban chỉ đạo ISO bố trí thời gian họp trong năm."),
            )
        sent += 1
    return sent
