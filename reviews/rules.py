"""Who may do what in a management review — the one home of each rule, asked by the services, the views
and (through the `actions` sets) the templates — and the buttons each page shows. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable

from qms.models import User
from qms.roles import Role
from qms.transitions import Transition, Transitions

from .models import (
    ACTION_TRANSITIONS,
    CONSOLIDATE_STATES,
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
    return row.permits(user)


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
    """Edit while a draft; finalise once the collection of unit reports is closed; rebuild from the reports
    submitted now while reports are collected or the meeting prepared (the page shows the button only when
    the report is stale). A finalised report is never rebuilt."""
    if report.is_final or not user.has_perm("reviews.manage_review"):
        return set()
    actions = {"edit", "finalise"} if report.review.status == ReviewStatus.PREPARING else {"edit"}
    if report.review.status in CONSOLIDATE_STATES and user.has_role(Role.SECRETARY):
        actions.add("rebuild")
    return actions


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
