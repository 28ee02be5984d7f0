"""Who is who in the procedures — the one home of it. QT.HT.06 has the steering-committee head chair the
management review; QT.CTCL has the top leader chair it, approve the agency's objectives and (as Lãnh đạo Sở,
or a delegate) verify tickets. Each agency's settings (Organisation.review_chair_role, ticket_verifiers,
objectives_approver_role) say which applies; the apps ask here rather than naming a role themselves."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organisation, Unit, User
from .roles import Role


def _organisation_id(organisation: Organisation | int | None) -> int | None:
    return organisation.pk if isinstance(organisation, Organisation) else organisation


def _organisation(organisation: Organisation | int | None) -> Organisation | None:
    if organisation is None or isinstance(organisation, Organisation):
        return organisation
    return Organisation.objects.filter(pk=organisation).first()


def review_chair_role(organisation: Organisation | int | None) -> Role:
    """The role whose holders chair the organisation's management review (committee head by default)."""
    org = _organisation(organisation)
    return Role(org.review_chair_role) if org is not None else Role.COMMITTEE_HEAD


def review_chairs(organisation: Organisation | int | None) -> QuerySet[User]:
    """The organisation's active users who may chair its management review."""
    return User.objects.with_role(review_chair_role(organisation), organisation=_organisation_id(organisation))


def may_chair_reviews(user: User) -> bool:
    """The user holds the chairing role of their own organisation's procedure."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    return user.has_role(review_chair_role(user.organisation))


def top_leaders(organisation: Organisation | int | None) -> QuerySet[User]:
    """The organisation's Lãnh đạo cao nhất."""
    return User.objects.with_role(Role.TOP_LEADER, organisation=_organisation_id(organisation))


def ticket_verifiers(organisation: Organisation | int | None) -> QuerySet[User]:
    """Who verifies the organisation's tickets: the people its settings name (Lãnh đạo Sở and their
    delegates, active members of the organisation only), else its top leaders."""
    org = _organisation(organisation)
    if org is None:
        return User.objects.none()
    named = org.ticket_verifiers.filter(is_active=True, organisation=org)
    return named if named.exists() else top_leaders(org)


def is_ticket_verifier(user: User) -> bool:
    if not user.is_authenticated or user.organisation_id is None:
        return False
    return ticket_verifiers(user.organisation).filter(pk=user.pk).exists()


def agency_objectives_approvers(organisation: Organisation | int | None) -> QuerySet[User]:
    """The organisation's active users who approve its own (agency-level) quality objectives."""
    org = _organisation(organisation)
    if org is None:
        return User.objects.none()
    return User.objects.with_role(Role(org.objectives_approver_role), organisation=org.pk)


def may_approve_agency_objectives(user: User) -> bool:
    """The user holds the role the organisation's settings name to approve the agency's objectives."""
    if not user.is_authenticated or user.organisation is None:
        return False
    return user.has_role(Role(user.organisation.objectives_approver_role))


def unit_focal_points(unit: Unit | int) -> QuerySet[User]:
    """The unit's ISO focal points (Đầu mối ISO)."""
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    organisation = (
        unit.organisation_id
        if isinstance(unit, Unit)
        else Unit.objects.filter(pk=unit_id).values_list("organisation_id", flat=True).first()
    )
    return User.objects.with_role(Role.FOCAL_POINT, organisation=organisation, unit=unit_id)


def is_named_submitter(user: User, unit: Unit | int | None) -> bool:
    """The user is the focal point the unit's head named to submit the report and declare actions done."""
    if unit is None or not user.is_authenticated or not user.has_role(Role.FOCAL_POINT):
        return False
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    if user.unit_id != unit_id:
        return False
    if isinstance(unit, Unit):
        return unit.report_submitter_id == user.pk
    return Unit.objects.filter(pk=unit_id, report_submitter=user).exists()


def may_decide_for_unit(user: User, unit: Unit | int | None) -> bool:
    """The unit's head decisions of a review (submit its report, declare its actions done): its head, or
    the focal point the head named."""
    if unit is None or not user.is_authenticated:
        return False
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    if user.has_role(Role.UNIT_HEAD) and user.unit_id == unit_id:
        return True
    return is_named_submitter(user, unit)
