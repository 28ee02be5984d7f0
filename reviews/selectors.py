"""Reads of the management review: who may do what (the one home of each rule, asked by services, views
and templates), the buttons a page shows, the previous review's inputs and the check of a signature.
Nothing here writes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from corrective_actions.summary import tickets_summary
from qms.dates import format_date
from qms.models import Organisation, User
from qms.roles import Role
from qms.transitions import Transition, Transitions
from qms.workdays import add_working_days

from .models import (
    ACTION_TRANSITIONS,
    CONSOLIDATE_STATES,
    MINUTES_CONTENT_FIELDS,
    REVIEW_TRANSITIONS,
    UNIT_REPORT_TRANSITIONS,
    ConsolidatedReport,
    Minutes,
    MinutesStatus,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
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


# --- Who may ---


def has_role_and_perm(user: User, role: Role, perm: str) -> bool:
    """The role the procedure names and the model permission granted to that role's group."""
    return bool(user.is_authenticated and user.has_role(role) and user.has_perm(perm))


def can_plan(user: User) -> bool:
    return has_role_and_perm(user, Role.SECRETARY, "reviews.plan_review")


def can_edit_report(user: User, report: UnitReport) -> bool:
    """Only a head of the report's own unit drafts and submits it."""
    return has_role_and_perm(user, Role.UNIT_HEAD, "reviews.submit_unit_report") and user.unit_id == report.unit_id


def can_report_action(user: User, action: ReviewAction) -> bool:
    """Only a head of the responsible unit records progress and completion of a decided action."""
    return bool(user.is_authenticated and user.has_role(Role.UNIT_HEAD) and user.unit_id == action.responsible_unit_id)


TICKET_ROLES = (Role.SECRETARY, Role.COMMITTEE_HEAD)


def can_open_action_tickets(user: User) -> bool:
    """The ISO secretary or the committee head (who follow up the decisions) and may open a ticket."""
    return bool(
        user.is_authenticated
        and user.has_role(*TICKET_ROLES)
        and user.has_perm("reviews.follow_up_actions")
        and user.has_perm("corrective_actions.open_ticket")
    )


def may_move(user: User, row: Transition) -> bool:
    """What check_transition enforces by default: the role in `who` and the row's permission."""
    return bool(user.is_authenticated and row.who in user.role_names and (not row.permission or user.has_perm(row.permission)))


def moves_for(table: Transitions, source: str, user: User, may_act: Callable[[User, Transition], bool] | None = None) -> set[str]:
    """The actions of `table` the user may take from `source`: the buttons a page shows."""
    return {row.action for row in table.moves_from(source) if may_move(user, row) and (may_act is None or may_act(user, row))}


# --- The buttons of each page ---


def review_actions(review: Review, user: User) -> set[str]:
    """The review page's buttons for this user: the moves of REVIEW_TRANSITIONS they may make now (except
    signing, which is on the minutes) and the plan's edit and board links that go with them."""
    actions = moves_for(REVIEW_TRANSITIONS, review.status, user) - {"sign_minutes", "close"}
    if review.is_plan_editable and can_plan(user):
        actions.add("edit_plan")
    if "close_collection" in actions:
        actions.add("board")
    return actions


def report_actions(report: UnitReport, user: User) -> set[str]:
    actions = set()
    if report.is_editable and can_edit_report(user, report):
        actions.add("edit")
    if report.review.is_collecting:
        actions |= moves_for(UNIT_REPORT_TRANSITIONS, report.status, user) & {"return"}
    return actions


def consolidated_actions(report: ConsolidatedReport, user: User) -> set[str]:
    """Edit while a draft; finalise once the collection of unit reports is closed."""
    if report.is_final or not user.has_perm("reviews.manage_review"):
        return set()
    return {"edit", "finalise"} if report.review.status == ReviewStatus.PREPARING else {"edit"}


def consolidated_regenerable(review: Review) -> bool:
    return review.status in CONSOLIDATE_STATES


def minutes_actions(minutes: Minutes, user: User, *, successor: Minutes | None) -> set[str]:
    actions = set()
    if minutes.is_draft and user.has_perm("reviews.manage_review"):
        actions.add("edit")
    if minutes.is_draft and user.has_perm("reviews.sign_minutes"):
        actions.add("sign")
    signed_in_force = minutes.status == MinutesStatus.SIGNED and minutes.review.status == ReviewStatus.SIGNED
    if signed_in_force and successor is None and user.has_perm("reviews.manage_review"):
        actions.add("revise")
    return actions


def action_actions(action: ReviewAction, user: User) -> set[str]:
    """Progress and completion for the responsible unit's head, reopening and cancelling for the
    secretary, while the decision is in force."""
    if not action.is_in_force:
        return set()
    actions = set()
    if action.is_open and can_report_action(user, action):
        actions |= {"progress", "complete"}
    if user.has_perm("reviews.manage_review"):
        actions |= {row.action for row in ACTION_TRANSITIONS.moves_from(action.status) if row.action in ("reopen", "cancel")}
    return actions


# --- Dates of the notice ---


def review_notice_earliest_meeting_date(*, today: dt.date | None = None) -> dt.date:
    return add_working_days(today or timezone.localdate(), Organisation.current().notice_lead_working_days)


# --- The previous review's actions: the first input of the next review (ISO 9001 9.3.2 a) ---


def previous_review(review: Review) -> Review | None:
    return (
        Review.objects.filter(meeting_start__lt=review.meeting_start, minutes__status=MinutesStatus.SIGNED)
        .exclude(pk=review.pk)
        .order_by("-meeting_start")
        .first()
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
    return tickets_summary(since, until)


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
            }
            for a in minutes.actions.select_related("responsible_unit").order_by("pk")
        ],
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def minutes_sha256(minutes: Minutes) -> str:
    return sha256(minutes_canonical_content(minutes))


def minutes_signature_valid(minutes: Minutes) -> bool | None:
    """None when unsigned; else whether the content still hashes to what was signed."""
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
