"""`{% review_followup review as followup %}`: what the review page shows of steps 5–10 to the signed-in user
(kept out of the detail view so that the page stays one small view)."""

from typing import Any

from django import template

from reviews.models import CONSOLIDATE_STATES, ConsolidatedReport, Minutes, ReviewAction, ReviewStatus
from reviews.rules import can_manage, can_read_consolidated, can_sign, consolidated_actions
from reviews.selectors import consolidated_staleness

register = template.Library()


@register.simple_tag(takes_context=True)
def review_followup(context: template.Context, review: Any) -> dict[str, Any]:
    user = context["request"].user
    manage = can_manage(user)
    report = ConsolidatedReport.objects.filter(review=review).first() if can_read_consolidated(user) else None
    minutes = list(Minutes.objects.visible_to(user).filter(review=review).select_related("signed_by", "review"))
    actions = list(ReviewAction.objects.visible_to(user).followed().filter(review=review).select_related("responsible_unit", "ticket"))
    return {
        "manage": manage,
        # The draft minutes this user may sign: those that record them as chair.
        "sign": {m.pk for m in minutes if m.is_draft and can_sign(user, m)},
        "report": report,
        "can_edit_report": manage and report is not None and not report.is_final,
        # Built from another set of submitted reports than the current one: the notice and its rebuild button.
        "staleness": consolidated_staleness(report) if report is not None else None,
        "can_rebuild": report is not None and "rebuild" in consolidated_actions(report, user),
        "can_generate": manage and review.status in CONSOLIDATE_STATES,
        "preview": review.is_collecting,
        "minutes": minutes,
        "can_create_minutes": manage and review.status == ReviewStatus.PREPARING and not minutes,
        "actions": actions,
        "open_actions": sum(1 for a in actions if a.is_open),
        "can_close": manage and review.status == ReviewStatus.SIGNED,
    }
