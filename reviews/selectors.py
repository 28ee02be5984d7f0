"""Reads of the management review that pages and services share: links, the notice's earliest date, the
previous review's inputs, the tickets summary and the check of a signature. Who may do what is in
`rules.py`. Nothing here writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from corrective_actions.models import Kind as TicketKind
from corrective_actions.models import Ticket
from corrective_actions.summary import tickets_summary
from objectives.rollup import year_rollup
from qms import people
from qms.dates import format_date
from qms.models import Organisation, User
from qms.workdays import add_working_days
from risks.summary import risk_review_summary

from .models import (
    CONSOLIDATE_STATES,
    MINUTES_CONTENT_FIELDS,
    ConsolidatedReport,
    Minutes,
    MinutesStatus,
    ResultNoticeStatus,
    Review,
    ReviewAction,
    UnitReport,
    UnitReportStatus,
)

# --- Links ---


def review_url(review: Review) -> str:
    return reverse("reviews:detail", args=[review.pk])


def report_url(report: UnitReport) -> str:
    return reverse("reviews:report_detail", args=[report.pk])


def report_edit_url(report: UnitReport) -> str:
    return reverse("reviews:report_edit", args=[report.pk])


def action_url(action: ReviewAction) -> str:
    return reverse("reviews:action_detail", args=[action.pk])


# --- Dates of the notice ---


def review_notice_earliest_meeting_date(*, organisation: Organisation, today: dt.date | None = None) -> dt.date:
    """The earliest meeting day a notice issued today allows, by the agency's lead time and calendar."""
    return add_working_days(today or timezone.localdate(), organisation.notice_lead_working_days, organisation)


# --- The previous review's actions: the first input of the next review (ISO 9001 9.3.2 a) ---


def previous_review(review: Review) -> Review | None:
    return (
        # Held: its minutes signed, or (a review by report, QT.CTCL 5.8.2) its result notice approved.
        Review.objects.filter(organisation=review.organisation_id, meeting_start__lt=review.meeting_start)
        .filter(Q(minutes__status=MinutesStatus.SIGNED) | Q(result_notice__status=ResultNoticeStatus.APPROVED))
        .exclude(pk=review.pk)
        .order_by("-meeting_start")
        .first()
    )


def risk_inputs(review: Review) -> str:
    """BM.CTCL.02 topic 5 and BM.HT.06.03's general section: the risk tables by level, responses due or late,
    and the effectiveness reviews made since the previous review (risks.summary; empty without a table)."""
    previous = previous_review(review)
    return risk_review_summary(
        organisation_id=review.organisation_id,
        today=timezone.localdate(),
        since=previous.meeting_date if previous is not None else None,
    )


def ticket_note(action: ReviewAction) -> str:
    """ "; phiếu HĐKP số 03/2026: <state>" after an action that has a ticket (needs select_related)."""
    if action.ticket is None:
        return ""
    return _("; phiếu HĐKP số %(n)s: %(state)s") % {"n": action.ticket.number_display, "state": action.ticket.get_status_display()}


def previous_actions_summary(review: Review) -> str:
    previous = previous_review(review)
    if previous is None:
        return _("Không có hành động nào từ cuộc họp xem xét trước.")
    actions = ReviewAction.objects.followed().filter(review=previous).select_related("responsible_unit", "ticket")
    lines = [
        _("Tình trạng các hành động từ cuộc họp xem xét trước (%(title)s, %(date)s):")
        % {"title": previous.title, "date": format_date(previous.meeting_date)}
    ]
    for action in actions:
        lines.append(
            _("- %(desc)s (%(unit)s, hạn %(deadline)s): %(status)s, %(progress)s%%")
            % {
                "desc": action.description,
                "unit": action.responsible_unit,
                "deadline": format_date(action.deadline),
                "status": action.get_status_display(),
                "progress": action.progress,
            }
            + ticket_note(action)
        )
    if len(lines) == 1:
        lines.append(_("- Cuộc họp trước không giao hành động nào."))
    return "\n".join(lines)


def review_tickets_summary(review: Review, *, until: dt.date | None = None) -> str:
    """BM.HT.06.03 section 3: the tickets since the previous review's meeting (all of them if none)."""
    previous = previous_review(review)
    until = until or timezone.localdate()
    since = min(previous.meeting_date, until) if previous else None  # a back-dated record: an empty period
    return tickets_summary(since, until, organisation=review.organisation_id)


# --- What the consolidated report was built from ---


def consolidated_sources(review: Review) -> dict[str, int]:
    """{unit report id: version} of the review's reports submitted now: what a build of BM.HT.06.03 reads.
    A report's version moves on every write, so a return and a resubmission give a new version."""
    submitted = UnitReport.objects.filter(review=review, status=UnitReportStatus.SUBMITTED).values_list("pk", "version")
    return {str(pk): version for pk, version in submitted}


@dataclass(frozen=True)
class ConsolidatedStaleness:
    """How the submitted reports differ from those a draft consolidated report was built from. `known` is
    False for a report built before its sources were recorded: nothing is known of what it read."""

    built_from: int
    submitted: int
    known: bool = True
    added: list[str] = field(default_factory=list)
    resubmitted: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)


def consolidated_staleness(report: ConsolidatedReport) -> ConsolidatedStaleness | None:
    """None when the report is up to date with the submitted reports, or is not a draft that may still be
    rebuilt (a finalised report is the record the meeting reviewed, never rebuilt)."""
    if report.is_final or report.review.status not in CONSOLIDATE_STATES:
        return None
    now = consolidated_sources(report.review)
    built: dict[str, int] = report.sources or {}
    if not report.generated:  # built before the sources were recorded
        return ConsolidatedStaleness(built_from=len(built), submitted=len(now), known=False) if now else None
    if built == now:
        return None
    names = dict(
        UnitReport.objects.filter(pk__in=[int(pk) for pk in {*built, *now}])
        .order_by("unit__order", "unit__name")
        .values_list("pk", "unit__name")
    )

    def units(ids: set[str]) -> list[str]:
        return [name for pk, name in names.items() if str(pk) in ids]

    return ConsolidatedStaleness(
        built_from=len(built),
        submitted=len(now),
        added=units(now.keys() - built.keys()),
        resubmitted=units({pk for pk in now.keys() & built.keys() if now[pk] != built[pk]}),
        withdrawn=units(built.keys() - now.keys()),
    )


# --- The signed content of the minutes ---


def minutes_canonical_content(minutes: Minutes) -> str:
    """The exact text the chair signs: every content field, the attendance and the actions, as JSON
    with sorted keys so the same content always gives the same bytes."""

    def when(value: dt.datetime | None) -> str | None:
        return timezone.localtime(value).isoformat() if value else None

    def person(user: User | None) -> dict[str, Any] | None:
        return {"id": user.pk, "name": user.display_name} if user else None

    content = {
        "review": minutes.review_id,
        "form_code": minutes.form_code,
        "revision": minutes.revision,
        "supersedes": minutes.supersedes_id,
        "correction_reason": minutes.correction_reason,
        "number": minutes.number,
        "number_year": minutes.number_year,
        "started_at": when(minutes.started_at),
        "ended_at": when(minutes.ended_at),
        "chair": person(minutes.chair),
        "secretary": person(minutes.secretary),
        **{f: getattr(minutes, f) for f in MINUTES_CONTENT_FIELDS},
        "attendance": [
            {"user": a.user_id, "name": a.name, "title": a.title, "presence": a.presence, "replaced_by": a.replaced_by}
            for a in minutes.attendance.order_by("pk")
        ],
        "actions": [
            {
                "description": a.description,
                "unit": a.responsible_unit_id,
                "unit_name": a.responsible_unit.name,
                "deadline": a.deadline.isoformat(),
                "output_heading": a.output_heading,
            }
            for a in minutes.actions.select_related("responsible_unit").order_by("pk")
        ],
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def minutes_sha256(minutes: Minutes) -> str:
    return sha256(minutes_canonical_content(minutes))


def minutes_content_unchanged(minutes: Minutes) -> bool | None:
    """The internal content digest (not a signature): None when unsigned; else whether the content in the
    database still hashes to what it was at signing. The signature is the stored PAdES file."""
    if not minutes.signed_sha256:
        return None
    current = minutes_canonical_content(minutes)
    if sha256(current) == minutes.signed_sha256:
        return True
    if sha256(minutes.signed_content) != minutes.signed_sha256:
        return False
    # The names of the chair, the secretary and the units are copied in for the reader; renaming a user or a
    # unit later is not a change of the minutes, so the same ids keep the names that were signed.
    signed, now = json.loads(minutes.signed_content), json.loads(current)
    for key in ("chair", "secretary"):
        if now[key] and signed.get(key) and now[key]["id"] == signed[key]["id"]:
            now[key]["name"] = signed[key]["name"]
    for action, signed_action in zip(now["actions"], signed.get("actions", []), strict=False):
        if action["unit"] == signed_action.get("unit"):
            action["unit_name"] = signed_action.get("unit_name")
    return bool(now == signed)


def minutes_chair_choices(review: Review) -> QuerySet[User]:
    """Who may be recorded as chair of the review's minutes: the organisation's chairs (qms.people) and the
    deputy its plan names."""
    chosen = Q(pk__in=people.review_chairs(review.organisation).values("pk"))
    if review.deputy_chair_id is not None:
        chosen |= Q(pk=review.deputy_chair_id, is_active=True)
    return User.objects.filter(chosen).order_by("full_name")


def objectives_plan_percent(year: int, *, organisation: Organisation | int) -> int | None:
    """BM.HT.06.04 §1.1 "kết quả đạt khoảng …% kế hoạch năm": the share of the agency's objectives of the
    year met so far (objectives roll-up), rounded; None without an approved agency plan."""
    agency = year_rollup(year, organisation=organisation).agency
    rate = agency.rate if agency is not None else None
    return int(rate.to_integral_value()) if rate is not None else None


def review_nonconformity_count(review: Review) -> int:
    """BM.HT.06.04 §1.1 "… điểm không phù hợp": the corrective-action tickets (BM.CTCL.01) opened since the
    previous review's meeting (all of them if none)."""
    tickets = Ticket.objects.of(review.organisation_id).filter(kind=TicketKind.CORRECTIVE)
    previous = previous_review(review)
    if previous is not None:
        tickets = tickets.filter(created_at__gte=previous.meeting_start)
    return tickets.count()
