"""The daily reminder sweeps, run by the Celery beat tasks of the same names. Each reminder goes out once
(qms.services.reminder_claim), even if sweeps overlap or run again the same day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from qms.dates import format_date, format_datetime
from qms.messages import N_, Message
from qms.models import Organisation, User
from qms.roles import Role
from qms.services import Reminder, notification_send, reminder_claim, reminders_send
from qms.workdays import Calendar

from .followup_report import late_reports, overdue_actions
from .models import Review, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus
from .selectors import report_edit_url, review_url
from .yearly import year_has_held_review

# How far around the sweep's dates the calendars reach: a lead of a few working days, a meeting's eve.
_SCAN_DAYS = 60


def _remind(key: str, *, recipients: Iterable[User], subject: Message, body: Message | str, url: str) -> int:
    # The claim, the inbox rows and their outbox e-mails commit together: a worker killed in between
    # leaves nothing claimed, and the next sweep sends the reminder.
    with transaction.atomic():
        if not reminder_claim(key):
            return 0
        notification_send(recipients=recipients, subject=subject, body=body, url=url)
    return 1


def _unit_heads(org_ids: Iterable[int]) -> dict[tuple[int, int], list[User]]:
    """Each unit's heads (User.objects.with_role(UNIT_HEAD, unit=…)), from one query for every agency."""
    heads: dict[tuple[int, int], list[User]] = defaultdict(list)
    for user in User.objects.filter(
        is_active=True, organisation__in=set(org_ids), unit__isnull=False, groups__name=Role.UNIT_HEAD.value
    ).distinct():
        if user.organisation_id is not None and user.unit_id is not None:
            heads[(user.organisation_id, user.unit_id)].append(user)
    return heads


def _people(role: Role, org_ids: Iterable[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = defaultdict(list)
    for user in User.objects.filter(is_active=True, organisation__in=set(org_ids), groups__name=role.value).distinct():
        if user.organisation_id is not None:
            people[user.organisation_id].append(user)
    return people


def review_reminders_sweep(*, today: dt.date | None = None) -> int:
    """Step 4, the daily sweep: reports due soon or overdue (unit heads), all reports in or deadline passed
    (secretary), the meeting tomorrow (attendees). The agencies' calendars and people are read once."""
    today = today or timezone.localdate()
    organisations = {org.pk: org for org in Organisation.objects.all()}
    # The reports with their units in one query (not a second one naming every unit).
    reports = Prefetch("unit_reports", queryset=UnitReport.objects.select_related("unit"))
    collecting = list(Review.objects.filter(status=ReviewStatus.COLLECTING).prefetch_related(reports))
    upcoming = list(
        Review.objects.filter(
            status__in=[ReviewStatus.COLLECTING, ReviewStatus.PREPARING],
            meeting_start__date__gt=today,
            meeting_start__date__lte=today + dt.timedelta(days=31),
        ).prefetch_related("attendees")
    )
    if not collecting and not upcoming:
        return 0
    start = min([today, *(review.report_deadline for review in collecting)]) - dt.timedelta(days=_SCAN_DAYS)
    calendars = Calendar.for_organisations(organisations, start, today + dt.timedelta(days=31 + _SCAN_DAYS))
    org_ids = {review.organisation_id for review in collecting}
    heads_of = _unit_heads(org_ids)
    secretaries_of = _people(Role.SECRETARY, org_ids)
    pending: dict[str, Callable[[], Reminder]] = {}
    for review in collecting:
        _review_reminders(
            review,
            today=today,
            organisation=organisations[review.organisation_id],
            calendar=calendars[review.organisation_id],
            heads_of=heads_of,
            secretaries=secretaries_of[review.organisation_id],
            pending=pending,
        )
    for review in upcoming:
        if calendars[review.organisation_id].add_working_days(review.meeting_date, -1) != today:
            continue
        for user in review.attendees.all():
            if user.organisation_id != review.organisation_id:
                continue
            pending[f"review:{review.pk}:meeting-eve:{user.pk}"] = partial(
                Reminder,
                recipients=[user],
                url=review_url(review),
                subject=N_("Nhắc lịch họp xem xét của lãnh đạo: %(when)s") % {"when": format_datetime(review.meeting_start)},
                body=N_("%(title)s, tại %(where)s.") % {"title": review.title, "where": review.location},
            )
    return reminders_send(pending)


def _review_reminders(
    review: Review,
    *,
    today: dt.date,
    organisation: Organisation,
    calendar: Calendar,
    heads_of: dict[tuple[int, int], list[User]],
    secretaries: list[User],
    pending: dict[str, Callable[[], Reminder]],
) -> None:
    """The keys of one collecting review's reminders due today, each with what builds it."""
    reports = list(review.unit_reports.all())
    waiting = [r for r in reports if r.status != UnitReportStatus.SUBMITTED]
    # Past the deadline only a unit that never submitted is late: a report submitted in time and returned
    # for revision is not overdue (the return's own notice asks for the revision).
    never_submitted = [r for r in waiting if r.first_submitted_at is None]
    due_from = calendar.add_working_days(review.report_deadline, -organisation.report_reminder_working_days)
    deadline = format_date(review.report_deadline)
    for report in waiting:
        heads = heads_of[(review.organisation_id, report.unit_id)]
        if due_from <= today <= review.report_deadline:
            pending[f"review:{review.pk}:report-due:{report.unit_id}"] = partial(
                Reminder,
                recipients=heads,
                url=report_edit_url(report),
                subject=N_("Nhắc nộp báo cáo HTQLCL trước ngày %(date)s") % {"date": deadline},
                body=N_("Cuộc họp: %(title)s.") % {"title": review.title},
            )
        elif today > review.report_deadline and report.first_submitted_at is None:
            pending[f"review:{review.pk}:report-overdue:{report.unit_id}"] = partial(
                Reminder,
                recipients=heads,
                url=report_edit_url(report),
                subject=N_("Báo cáo HTQLCL đã quá hạn nộp (%(date)s)") % {"date": deadline},
                body=N_("Cuộc họp: %(title)s. Hãy nộp báo cáo ngay.") % {"title": review.title},
            )
    if reports and not waiting:
        pending[f"review:{review.pk}:secretary:all-in"] = partial(
            Reminder,
            recipients=secretaries,
            url=review_url(review),
            subject=N_("Các đơn vị đã nộp đủ báo cáo: %(title)s") % {"title": review.title},
            body=N_("Có thể đóng thu báo cáo và tổng hợp (BM.HT.06.03)."),
        )
    elif never_submitted and today > review.report_deadline:
        pending[f"review:{review.pk}:secretary:deadline-passed"] = partial(
            Reminder,
            recipients=secretaries,
            url=review_url(review),
            subject=N_("Đã quá hạn nộp báo cáo: %(title)s") % {"title": review.title},
            body=N_("Chưa nộp: %(units)s") % {"units": ", ".join(r.unit.name for r in never_submitted)},
        )


def action_reminders_sweep(*, today: dt.date | None = None) -> int:
    """Daily: remind the responsible unit's heads of actions due within the lead time, and the unit
    heads and the secretary of overdue ones. Only the actions due within the lead time or overdue are read
    (chosen in SQL), as values; the calendars, the heads of every unit and the secretaries are read once,
    and the keys already claimed in one query: the sweep's queries do not grow with its candidates."""
    today = today or timezone.localdate()
    organisations = {org.pk: org for org in Organisation.objects.all()}
    if not organisations:
        return 0
    calendars = Calendar.for_organisations(organisations, today, today + dt.timedelta(days=_SCAN_DAYS))
    # working_days_between(today, deadline) <= lead  <=>  deadline before the (lead + 1)th working day.
    horizon = {pk: calendars[pk].add_working_days(today, org.action_reminder_working_days + 1) for pk, org in organisations.items()}
    candidates = list(
        ReviewAction.objects.followed()
        .open()
        .filter(deadline__lt=max(horizon.values()))
        .order_by()
        .values_list("pk", "deadline", "description", "responsible_unit_id", "review__organisation_id")
    )
    org_ids = {row[4] for row in candidates}
    heads_of = _unit_heads(org_ids)
    secretaries_of = _people(Role.SECRETARY, org_ids)
    pending: dict[str, Callable[[], Reminder]] = {}
    for pk, deadline, description, unit_id, org_id in candidates:
        if deadline < today:
            key = f"review-action-overdue:{pk}:{deadline.isoformat()}"
        elif deadline < horizon[org_id]:
            key = f"review-action-due:{pk}:{deadline.isoformat()}"
        else:  # another agency's longer lead brought it in
            continue
        pending[key] = partial(_action_reminder, pk, deadline, description, heads_of[(org_id, unit_id)], secretaries_of[org_id], today)
    return reminders_send(pending)


def _action_reminder(pk: int, deadline: dt.date, description: str, heads: list[User], secretaries: list[User], today: dt.date) -> Reminder:
    url = reverse("reviews:action_detail", args=[pk])  # selectors.action_url without the instance
    title = description[:80]  # str(ReviewAction)
    if deadline < today:
        return Reminder(
            recipients=[*heads, *secretaries],
            url=url,
            subject=N_("Hành động quá hạn (hạn %(d)s): %(a)s") % {"d": format_date(deadline), "a": title},
            body=description,
        )
    return Reminder(
        recipients=heads,
        url=url,
        subject=N_("Hành động sắp đến hạn (%(d)s): %(a)s") % {"d": format_date(deadline), "a": title},
        body=description,
    )


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
