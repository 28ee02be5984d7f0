"""Who may do what on a given plan, and who is told. The one home of these predicates: the services
enforce them (the "who" column of PLAN_TRANSITIONS through `may_move`), the views and the home page ask
them, and `plan_actions` turns them into the buttons of the plan page."""

from __future__ import annotations

from qms.models import Unit, User
from qms.people import agency_objectives_approvers, may_approve_agency_objectives
from qms.roles import Role
from qms.tenancy import same_organisation
from qms.transitions import Transition

from .models import PLAN_TRANSITIONS, Actor, Plan, PlanStatus


def can_draft(user: User, plan: Plan | None = None, *, unit: Unit | None = None, agency: bool = False) -> bool:
    """Agency plan: the ISO secretary ("Ban ISO xây dựng và trình"); a unit's: its own staff and head.
    Only within the user's own agency (a new agency plan is one of the user's agency)."""
    if not user.is_authenticated:
        return False
    org_id = plan.organisation_id if plan is not None else (unit.organisation_id if unit is not None else user.organisation_id)
    if not same_organisation(user, org_id):
        return False
    is_agency = plan.is_agency if plan is not None else agency
    if is_agency:
        return user.has_role_perm("objectives.draft_agency_plan")
    unit_id = plan.unit_id if plan is not None else (unit.pk if unit else None)
    return user.has_role_perm("objectives.draft_unit_plan") and unit_id is not None and user.unit_id == unit_id


def can_approve(user: User, plan: Plan) -> bool:
    """Agency plan: the role the agency's settings name (QT.CTCL 5.9: the top leader, by default; see
    qms.people); a unit's: that unit's head. Own agency only."""
    if not user.is_authenticated or not same_organisation(user, plan.organisation_id):
        return False
    if plan.is_agency:
        return user.has_role_perm("objectives.approve_agency_plan") and may_approve_agency_objectives(user)
    return user.has_role_perm("objectives.approve_unit_plan") and user.unit_id == plan.unit_id


def can_measure(user: User, plan: Plan) -> bool:
    return user.is_authenticated and user.has_role_perm("objectives.record_measurement") and can_draft(user, plan)


def can_evaluate(user: User, plan: Plan) -> bool:
    return can_draft(user, plan) or can_approve(user, plan)


def may_move(user: User, plan: Plan, row: Transition) -> bool:
    """Whether `user` is the row's `who` for this plan. No user is the system."""
    if row.who == Actor.DRAFTER:
        return can_draft(user, plan)
    if row.who == Actor.APPROVER:
        return can_approve(user, plan)
    if row.who == Actor.MEASURER:
        return can_measure(user, plan)
    return False


def plan_actions(user: User, plan: Plan) -> set[str]:
    """What `user` may do on `plan` in its current state: the moves of PLAN_TRANSITIONS they are the
    "who" of, and the steps that are not moves (edit, measure, evaluate, revise, open a ticket)."""
    actions = {row.action for row in PLAN_TRANSITIONS.moves_from(plan.status) if may_move(user, plan, row)}
    if plan.is_editable and can_draft(user, plan):
        actions.add("edit")
    if plan.status in (PlanStatus.APPROVED, PlanStatus.MONITORING) and can_draft(user, plan):
        actions.add("revise")
    if plan.can_be_measured and can_measure(user, plan):
        actions.add("measure")
    if plan.can_be_measured and can_evaluate(user, plan):
        actions.add("evaluate")
    if can_evaluate(user, plan):
        actions.add("open_ticket")
    return actions


def drafters_of(plan: Plan) -> list[User]:
    """Who is told to draft or complete the plan: people of the plan's agency only."""
    if plan.is_agency:
        return list(User.objects.with_role(Role.SECRETARY, organisation=plan.organisation_id))
    return list(User.objects.with_role(Role.UNIT_HEAD, organisation=plan.organisation_id, unit=plan.unit_id))


def approvers_of(plan: Plan) -> list[User]:
    if plan.is_agency:
        return list(agency_objectives_approvers(plan.organisation_id))
    return list(User.objects.with_role(Role.UNIT_HEAD, organisation=plan.organisation_id, unit=plan.unit_id))
