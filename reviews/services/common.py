"""What every stage's writes share: one permission check for writes that are not a move of a transition
table, and one save that refuses a stale form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from qms.errors import NotAllowed, ServiceError, StaleEditError
from qms.models import User
from qms.roles import Role
from qms.transitions import check_transition

from ..models import REVIEW_TRANSITIONS, Review, ReviewStatus


def require(actor: User, role: Role, perm: str) -> None:
    """A write that is not a move (editing a draft, recording progress): the role the procedure names and
    the permission granted to its group. Moves are checked by qms.transitions.check_transition."""
    if not (actor.is_authenticated and actor.has_role(role) and actor.has_perm(perm)):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))


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


def check_review_move(review: Review, target: ReviewStatus, *, actor: User, action: str) -> None:
    """A move of the review by `actor`, refused with a message that names the step the user tried."""
    if REVIEW_TRANSITIONS.get(review.status, target) is None:
        raise ServiceError(
            _("Không thể %(action)s khi cuộc họp đang ở trạng thái “%(state)s”.")
            % {"action": action.lower(), "state": review.get_status_display()}
        )
    check_transition(REVIEW_TRANSITIONS, review.status, target, actor=actor)
