"""Who may do what in a management review — the one home of each rule, asked by the services, the views
and (through the `actions` sets) the templates — and the buttons each page shows. Nothing here writes."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from qms.models import User
from qms.people import may_chair_reviews, may_decide_for_unit, review_chair_role
from qms.roles import Role
from qms.transitions import Transition, Transitions
from risks.rules import can_maintain

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
    ReviewActor,
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


def is_review_chair(user: User, review: Review, perm: str, *, deputy: bool = False) -> bool:
    """The chair of the review: a holder of the chairing role of the organisation's procedure (the committee
    head under QT.HT.06, the top leader under QT.CTCL) with `perm`; with `deputy`, also the deputy the plan
    names (who chairs the meeting and signs its minutes, but does not approve the plan that names them)."""
    if not (user.is_authenticated and user.is_active and user.organisation_id == review.organisation_id):
        return False
    if deputy and review.deputy_chair_id is not None and review.deputy_chair_id == user.pk:
        return True
    return user.has_role(review_chair_role(review.organisation)) and user.has_role_perm(perm)


def is_named_deputy(user: User) -> bool:
    """The user is named deputy chair by a plan of their agency."""
    return bool(
        user.is_authenticated
        and user.organisation_id is not None
        and Review.objects.filter(organisation=user.organisation_id, deputy_chair=user).exists()
    )


def is_minutes_chair(user: User, minutes: Minutes) -> bool:
    """ "Biên bản … phải có chữ ký của người chủ trì cuộc họp": only the person recorded as chair of these
    minutes signs them, and only while they are a chair of the review."""
    return (
        minutes.chair_id is not None
        and minutes.chair_id == user.pk
        and is_review_chair(user, minutes.review, "reviews.sign_minutes", deputy=True)
    )


def is_actor(user: User, review: Review, who: str, minutes: Minutes | None = None) -> bool:
    """Whether `user` is `who` (a ReviewActor or a role) on this review (and these minutes)."""
    if who == ReviewActor.CHAIR:
        return is_review_chair(user, review, "reviews.approve_review")
    if who == ReviewActor.MINUTES_CHAIR:
        return minutes is not None and is_minutes_chair(user, minutes)
    return user.has_role(Role(who))


def review_may_act(review: Review, minutes: Minutes | None = None) -> Callable[[User, Transition], bool]:
    """The `may_act` of qms.transitions.check_transition for a move of this review (or of these minutes)."""
    return lambda user, row: is_actor(user, review, row.who, minutes)


def can_sign(user: User, minutes: Minutes | None = None) -> bool:
    """Whether `user` is offered the signing: of these minutes, the chair they record; without minutes, anyone
    who may chair the organisation's reviews (the review page's hint)."""
    if minutes is not None:
        return is_minutes_chair(user, minutes)
    return bool(user.is_authenticated and may_chair_reviews(user) and user.has_role_perm("reviews.sign_minutes"))


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
    """The actions of `table` the user may take from `source`: the buttons a page shows. With `may_act`, it
    replaces the default role check (as in check_transition); the row's permission is required still."""
    return {
        row.action
        for row in table.moves_from(source)
        if (may_move(user, row) if may_act is None else may_act(user, row) and (not row.permission or user.has_role_perm(row.permission)))
    }


# --- The buttons of each page ---


def review_actions(review: Review, user: User) -> set[str]:
    """The review page's buttons for this user: the moves of REVIEW_TRANSITIONS they may make now (except
    signing, which is on the minutes) and the plan's edit and board links that go with them."""
    actions = moves_for(REVIEW_TRANSITIONS, review.status, user, review_may_act(review)) - {"sign_minutes", "close"}
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
    if minutes.is_draft and can_sign(user, minutes):
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


def action_risk_scopes(user: User, action: ReviewAction) -> list[tuple[str, str]]:
    """The risk tables in which `user` may open or update a row from the decision `action` (QT.CTCL 5.8.1.2):
    the agency's (ISO secretary) and the responsible unit's (its head); none unless the decision is in force."""
    if not action.is_in_force:
        return []
    org_id = action.review.organisation_id
    scopes = []
    if can_maintain(user, organisation_id=org_id, unit=None):
        scopes.append(("agency", str(_("Cơ quan"))))
    if can_maintain(user, organisation_id=org_id, unit=action.responsible_unit):
        scopes.append((str(action.responsible_unit_id), action.responsible_unit.name))
    return scopes
