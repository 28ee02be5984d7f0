"""What every stage's writes share: one permission check for writes that are not a move of a transition
table, and one save that refuses a stale form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from qms.errors import NotAllowed, ServiceError, StaleEditError
from qms.messages import Message
from qms.models import Organisation, Unit, User
from qms.roles import Role
from qms.transitions import check_transition

from ..models import REVIEW_TRANSITIONS, Review, ReviewStatus
from ..rules import review_may_act


def require(actor: User, role: Role, perm: str) -> None:
    """A write that is not a move (editing a draft, recording progress): the role the procedure names and
    the permission granted to its group. Moves are checked by qms.transitions.check_transition."""
    if not (actor.is_authenticated and actor.has_role(role) and actor.has_role_perm(perm)):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))


def require_agency(actor: User, review: Review) -> None:
    """Every write on a review is its agency's people's: another agency's user (and the provincial
    overseer, who reads and never writes) is refused, whatever their role."""
    if not (actor.is_authenticated and actor.organisation_id is not None and actor.organisation_id == review.organisation_id):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))


def actor_agency(actor: User) -> Organisation:
    """The agency a new record of `actor` belongs to; a user without one (the provincial admin) writes none."""
    if not actor.is_authenticated or actor.organisation is None:
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))
    return actor.organisation


def check_same_agency_units(organisation: Organisation | int, units: Iterable[Unit | None], *, field: str | None = None) -> None:
    """A unit of another agency in a form is refused, nothing saved."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if any(unit is not None and unit.organisation_id != org_id for unit in units):
        raise ServiceError(_("Đơn vị được chọn không thuộc cơ quan của cuộc họp."), field=field)


def check_same_agency_users(organisation: Organisation | int, users: Iterable[User | None], *, field: str | None = None) -> None:
    """A person of another agency (attendee, chair, secretary) is refused, nothing saved."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if any(user is not None and user.organisation_id != org_id for user in users):
        raise ServiceError(_("Người được chọn không thuộc cơ quan của cuộc họp."), field=field)


def save_versioned(instance: models.Model, *, version: int, values: Mapping[str, Any], stale_message: str, **conditions: Any) -> None:
    """One conditional UPDATE ... WHERE version = the one the user loaded (and `conditions`, e.g. the state
    the form was opened in): a stale form writes nothing and gets `stale_message`."""
    changed = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=version, **conditions)
        .update(**values, version=models.F("version") + 1)
    )
    if changed != 1:
        raise StaleEditError(stale_message)
    instance.refresh_from_db()


def require_meeting(review: Review) -> None:
    """The plan, notice, collection and minutes are a meeting's (QT.CTCL 5.8.1): a review by report (5.8.2)
    walks its own path (reviews.services.by_report) and is refused here."""
    if review.kind == Review.Kind.BY_REPORT:
        raise ServiceError(_("Cuộc xem xét này thực hiện thông qua báo cáo (QT.CTCL 5.8.2), không theo kế hoạch họp."))


def check_review_move(review: Review, target: ReviewStatus, *, actor: User, action: Message | str) -> None:
    """A move of the review by `actor`, refused with a message that names the step the user tried."""
    require_agency(actor, review)
    require_meeting(review)
    if REVIEW_TRANSITIONS.get(review.status, target) is None:
        raise ServiceError(
            _("Không thể %(action)s khi cuộc họp đang ở trạng thái “%(state)s”.")
            % {"action": str(action).lower(), "state": review.get_status_display()}
        )
    check_transition(REVIEW_TRANSITIONS, review.status, target, actor=actor, may_act=review_may_act(review))
