"""Who may act on a ticket, and who is told. The one home of these predicates: the services enforce them
(the "who" column of TICKET_TRANSITIONS through `may_move`, the steps that are not moves through
`can_act`), and the views turn them into the buttons of the ticket page (`ticket_actions`)."""

from __future__ import annotations

from qms.models import User
from qms.people import is_ticket_verifier, ticket_verifiers
from qms.roles import Role
from qms.tenancy import same_organisation
from qms.transitions import Transition

from .models import ACTOR_PERMISSIONS, TICKET_TRANSITIONS, Actor, ChangeRequestStatus, Ticket, TicketStatus, action_actors

# The order of the buttons on the ticket page: the order in which the procedure reaches them.
ACTION_ORDER = (
    "correct",
    "handle",
    "confirm_handling",
    "return_handling",
    "submit",
    "present",
    "assign",
    "propose",
    "approve",
    "return",
    "progress",
    "change_request",
    "change_decide",
    "report",
    "verify",
    "close",
    "delegate",
)


def can_verify(user: User, ticket: Ticket) -> bool:
    """5.6: who checks and confirms the result of this ticket — the ONE home of that rule: the Lãnh đạo Sở
    or a delegate as the organisation's settings name them (qms.people), or the person delegated on this
    ticket."""
    if not user.is_authenticated or not user.is_active or not same_organisation(user, ticket.organisation_id):
        return False
    if ticket.delegate_id is not None and ticket.delegate_id == user.pk:
        return True
    return is_ticket_verifier(user)


def is_actor(user: User, ticket: Ticket, who: str) -> bool:
    """Whether `user` is `who` (an Actor) on this ticket. Only a person of the ticket's agency is ever one:
    a role is held within one agency, and the provincial overseer writes nothing."""
    if not user.is_authenticated or not user.is_active or not same_organisation(user, ticket.organisation_id):
        return False
    if who == Actor.ASSIGNEE:
        return ticket.assignee_id is not None and ticket.assignee_id == user.pk
    if who == Actor.HANDLER:
        return ticket.handler_id is not None and ticket.handler_id == user.pk
    if who == Actor.HANDLING_CHECKER:
        return ticket.checker_id is not None and ticket.checker_id == user.pk
    if who == Actor.LEADER:
        return can_verify(user, ticket)
    if who == Actor.UNIT_HEAD:
        return user.has_role_perm(ACTOR_PERMISSIONS[who]) and user.unit_id is not None and user.unit_id == ticket.unit_id
    return user.has_role_perm(ACTOR_PERMISSIONS[who])


def may_move(user: User, ticket: Ticket, row: Transition) -> bool:
    """The `may_act` of qms.transitions.check_transition for this ticket."""
    return is_actor(user, ticket, row.who)


def can_act(user: User, ticket: Ticket, action: str) -> bool:
    """Whether `user` is one of those who may take `action` on this ticket, whatever its state."""
    return any(is_actor(user, ticket, who) for who in action_actors(action))


def ticket_actions(user: User, ticket: Ticket) -> list[str]:
    """What `user` may do on `ticket` in its current state, in ACTION_ORDER: the moves of
    TICKET_TRANSITIONS and the steps that are not moves."""
    in_state = {row.action for row in TICKET_TRANSITIONS.moves_from(ticket.status)}
    if not ticket.is_due_for_verification():
        in_state.discard("verify")
    if ticket.status == TicketStatus.IN_PROGRESS:
        in_state |= {"progress", "change_request"}
        if any(change.status == ChangeRequestStatus.PENDING for change in ticket.change_requests.all()):
            in_state.add("change_decide")
            in_state.discard("change_request")
    if not ticket.is_final:
        in_state.add("delegate")
    return [action for action in ACTION_ORDER if action in in_state and can_act(user, ticket, action)]


def may_attach(user: User, ticket: Ticket) -> bool:
    """Whoever takes part in the ticket may add evidence to it; committee members only read."""
    if not user.is_authenticated or not same_organisation(user, ticket.organisation_id):
        return False
    return (
        user.pk
        in {
            ticket.requester_id,
            ticket.assignee_id,
            ticket.delegate_id,
            ticket.implementing_unit_head_id,
            ticket.handler_id,
            ticket.checker_id,
        }
        or is_actor(user, ticket, Actor.UNIT_HEAD)
        or user.has_role_perm("corrective_actions.consolidate_ticket")
        or user.has_role_perm("corrective_actions.assign_ticket")
    )


def leaders_of(ticket: Ticket) -> list[User]:
    """5.6: the agency's verifiers (Lãnh đạo Sở and delegates, qms.people) or the person delegated on this
    ticket."""
    if ticket.delegate is not None:
        return [ticket.delegate]
    return list(ticket_verifiers(ticket.organisation_id))


def escalation_heads_of(ticket: Ticket) -> list[User]:
    """The head recorded at assignment, or, when there was none or they have left, the unit's heads now:
    a claimed escalation must reach someone."""
    head = ticket.implementing_unit_head
    if head is not None and head.is_active:
        return [head]
    if ticket.implementing_unit_id is None:
        return []
    return list(User.objects.with_role(Role.UNIT_HEAD, organisation=ticket.organisation_id, unit=ticket.implementing_unit_id))
