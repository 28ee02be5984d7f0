"""Objectives in a person's calendar feed (qms.feeds): the deadlines of the actions in the plan they own —
their unit's plan for its head and focal points, the agency's plan for the ISO secretary (objectives.rules
.drafters_of) — while the plan is in force. One query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from qms.feeds import FeedEvent
from qms.models import User
from qms.roles import Role

from .models import IN_FORCE_STATES, PlanAction

SUMMARY_CHARS = 80


def objective_events(user: User, first: dt.date, last: dt.date) -> list[FeedEvent]:
    if not user.organisation_id:
        return []
    owned = Q(pk__in=[])
    if user.unit_id and user.has_role(Role.UNIT_HEAD, Role.FOCAL_POINT):
        owned |= Q(objective__plan__unit_id=user.unit_id)
    if user.has_role(Role.SECRETARY):
        owned |= Q(objective__plan__unit__isnull=True)
    actions = (
        PlanAction.objects.filter(owned, objective__plan__organisation_id=user.organisation_id)
        .filter(objective__plan__status__in=IN_FORCE_STATES, deadline__range=(first, last))
        .select_related("objective__plan")
        .order_by("deadline", "pk")
    )
    events = []
    for action in actions:
        plan = action.objective.plan
        modified = [m for m in (plan.created_at, plan.submitted_at, plan.approved_at, plan.evaluated_at) if m is not None]
        events.append(
            FeedEvent(
                uid=f"objective-action-{action.pk}",
                summary=_("Hạn MTCL: %(action)s") % {"action": action.description[:SUMMARY_CHARS]},
                start=action.deadline,
                description=_("Mục tiêu: %(objective)s\nNgười / đơn vị thực hiện: %(responsible)s")
                % {"objective": action.objective.statement, "responsible": action.responsible},
                url=reverse("objectives:plan_detail", args=[plan.pk]),
                last_modified=max(modified),
                sequence=plan.version,
            )
        )
    return events
