"""Who may do what in a management review — the one home of each rule, asked by the services, the views
and (through the `actions` sets) the templates — and the buttons each page shows. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable

from qms.models import User
from qms.people import may_decide_for_unit
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
    return bool(user.is_authenticated and user.has_role(role) and user.has_role_perm(perm))


def can_plan(user: User) -> bool:
    return has_role_and_perm(user, Role.SECRETARY, "reviews.plan_review")


# "Lãnh đạo, chuyên viên đơn vị chuẩn bị báo cáo" / "… triển khai thực hiện" (QT.HT.06 5.2, 5.3).
UNIT_PEOPLE = (Role.UNIT_HEAD, Role.FOCAL_POINT, Role.STAFF)


def can_edit_report(user: User, report: UnitReport) -> bool:
    """The head, the ISO focal points and the staff of the report's own unit draft it."""
    return bool(
        user.is_authenticated
        and user.has_role(*UNIT_PEOPLE)
        and user.has_role_perm("reviews.change_unitreport")
        and user.unit_id is not None
        and user.unit_id == report.unit_id
    )


def can_submit_report(user: User, report: UnitReport) -> bool:
    """The unit's head submits its report, or the focal point the head named (Unit.report_submitter)."""
    return can_edit_report(user, report) and user.has_role_perm("reviews.submit_unit_report") and may_decide_for_unit(user, report.unit_id)


def can_report_action(user: User, action: ReviewAction) -> bool:
    """The head, the focal points and the staff of the responsible unit record progress of a decided action."""
    return bool(
        user.is_authenticated
        and user.has_role(*UNIT_PEOPLE)
        and user.has_role_perm("reviews.view_reviewaction")
        and user.unit_id is not None
        and user.unit_id == action.responsible_unit_id
    )


def can_complete_action(user: User, action: ReviewAction) -> bool:
    """Declaring a decided action done is the responsible unit's head's (or the focal point the head named)."""
    return can_report_action(user, action) and may_decide_for_unit(user, action.responsible_unit_id)


def can_request_resources(user: User, action: ReviewAction) -> bool:
    """The responsible unit's people ask the head for the resources an action needs."""
    return can_report_action(user, action) and user.has_role_perm("reviews.add_resourcerequest")


def can_answer_resource_requests(user: User) -> bool:
    """ "Trưởng ban chỉ đạo ISO tạo điều kiện về nguồn lực": the steering-committee head answers."""
    return has_role_and_perm(user, Role.COMMITTEE_HEAD, "reviews.answer_resource_request")


# Who receives the follow-up report (QT.HT.06 5.3 "báo cáo Trưởng ban chỉ đạo ISO"): the head, and the
# secretary who writes it; the top leader reads it where they chair.
FOLLOWUP_REPORT_ROLES = (Role.COMMITTEE_HEAD, Role.SECRETARY, Role.TOP_LEADER)


def can_read_followup_report(user: User) -> bool:
    return bool(user.is_authenticated and user.has_role(*FOLLOWUP_REPORT_ROLES) and user.has_role_perm("reviews.follow_up_actions"))


def can_manage(user: User) -> bool:
    """The secretary's work on a review (notice, collection, consolidated report, minutes, follow-up)."""
    return has_role_and_perm(user, Role.SECRETARY, "reviews.manage_review")


def can_sign(user: User) -> bool:
    """Who may be offered the signing of minutes (the transition tables decide the move itself)."""
    return has_role_and_perm(user, Role.COMMITTEE_HEAD, "reviews.sign_minutes")


def can_read_consolidated(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.has_role(Role.SECRETARY, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER, Role.TOP_LEADER, Role.OVERSEER)
        and user.has_role_perm("reviews.view_consolidatedreport")
    )


TICKET_ROLES = (Role.SECRETARY, Role.COMMITTEE_HEAD)


def can_open_action_tickets(user: User) -> bool:
    """The ISO secretary or the committee head (who follow up the decisions) and may open a ticket."""
    return bool(
        user.is_authenticated
        and user.has_role(*TICKET_ROLES)
        and user.has_role_perm("reviews.follow_up_actions")
        and user.has_role_perm("corrective_actions.open_ticket")
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
        if can_submit_report(user, report):
            actions.add("submit")
    if report.review.is_collecting:
        actions |= moves_for(UNIT_REPORT_TRANSITIONS, report.status, user) & {"return"}
    return actions


def consolidated_actions(report: ConsolidatedReport, user: User) -> set[str]:
    """Edit while a draft; finalise once the collection of unit reports is closed; rebuild from the reports
    submitted now while reports are collected or the meeting prepared (the page shows the button only when
    the report is stale). A finalised report is never rebuilt."""
    if report.is_final or not can_manage(user):
        return set()
    actions = {"edit", "finalise"} if report.review.status == ReviewStatus.PREPARING else {"edit"}
    if report.review.status in CONSOLIDATE_STATES and user.has_role(Role.SECRETARY):
        actions.add("rebuild")
    return actions


def consolidated_regenerable(review: Review) -> bool:
    return review.status in CONSOLIDATE_STATES


def minutes_actions(minutes: Minutes, user: User, *, successor: Minutes | None) -> set[str]:
    actions = set()
    if minutes.is_draft and can_manage(user):
        actions.add("edit")
    if minutes.is_draft and can_sign(user):
        actions.add("sign")
    signed_in_force = minutes.status == MinutesStatus.SIGNED and minutes.review.status == ReviewStatus.SIGNED
    if signed_in_force and successor is None and can_manage(user):
        actions.add("revise")
    return actions


def action_actions(action: ReviewAction, user: User) -> set[str]:
    """Progress and resource requests for the responsible unit's people, the report of completion for its
    head (or the focal point the head named), confirming or returning the evidence, reopening and cancelling
    for the secretary, while the decision is in force."""
    if not action.is_in_force:
        return set()
    actions = set()
    if action.is_open and can_report_action(user, action):
        actions.add("progress")
    if action.is_open and can_complete_action(user, action):
        actions.add("complete")
    if action.is_open and can_request_resources(user, action):
        actions.add("request_resources")
    if can_manage(user):
        secretary_moves = ("reopen", "cancel", "confirm", "return_evidence")
        actions |= {row.action for row in ACTION_TRANSITIONS.moves_from(action.status) if row.action in secretary_moves}
    return actions
