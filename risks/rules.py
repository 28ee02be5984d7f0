"""Who keeps which table: the agency's, the ISO secretary; a unit's, its head (or the focal point the head
named: qms.people.may_decide_for_unit). Everyone else reads per `Risk.objects.visible_to`."""

from __future__ import annotations

from qms.models import Unit, User
from qms.people import may_decide_for_unit
from qms.roles import Role
from qms.tenancy import same_organisation
from qms.transitions import Transition

from .models import COMMITTEE_ROLES, Maintainer, Risk


def can_maintain(user: User, *, organisation_id: int | None, unit: Unit | int | None) -> bool:
    """May `user` write rows of the table of `unit` (None: the agency's) in `organisation_id`?"""
    if not user.is_authenticated or not same_organisation(user, organisation_id):
        return False
    if unit is None:
        return user.has_role(Role.SECRETARY) and user.has_role_perm("risks.maintain_agency_risks")
    return user.has_role_perm("risks.maintain_unit_risks") and may_decide_for_unit(user, unit)


def may_read_table(user: User, unit: Unit) -> bool:
    """The rule behind Risk.objects.visible_to for a whole table (which may be empty): the committee reads
    every unit's table of its agency, a unit's people their own."""
    if not user.is_authenticated or not same_organisation(user, unit.organisation_id) or not user.has_role_perm("risks.view_risk"):
        return False
    return user.has_role(*COMMITTEE_ROLES) or user.unit_id == unit.pk


def can_edit(user: User, risk: Risk) -> bool:
    return can_maintain(user, organisation_id=risk.organisation_id, unit=risk.unit_id)


def may_move(risk: Risk):
    def check(user: User, row: Transition) -> bool:
        return row.who == Maintainer.MAINTAINER and can_edit(user, risk)

    return check


def maintained_scopes(user: User) -> list[tuple[str, str]]:
    """The tables the user may add rows to, as (scope key, name): "agency" and/or the user's unit id."""
    from django.utils.translation import gettext as _

    scopes = []
    if can_maintain(user, organisation_id=user.organisation_id, unit=None):
        scopes.append(("agency", _("Cơ quan")))
    if user.is_authenticated and user.unit is not None and can_maintain(user, organisation_id=user.organisation_id, unit=user.unit):
        scopes.append((str(user.unit_id), user.unit.name))
    return scopes


def risk_actions(user: User, risk: Risk) -> set[str]:
    """The buttons of the row's page; a status move is made in the edit form (checked by RISK_TRANSITIONS)."""
    return {"edit"} if can_edit(user, risk) else set()
