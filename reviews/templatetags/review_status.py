"""`{{ obj|state_badge }}`: the Bootstrap class of the badge that shows a review record's state, so that
templates do not compare state codes."""

import datetime as dt
from typing import Any

from django import template
from django.utils import formats, timezone, translation

from corrective_actions.models import TicketStatus
from reviews.models import (
    ActionStatus,
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Minutes,
    MinutesStatus,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)

register = template.Library()

BADGES: dict[type, tuple[dict[str, str], str]] = {
    Review: (
        {
            ReviewStatus.DRAFT: "text-bg-secondary",
            ReviewStatus.RETURNED: "text-bg-secondary",
            ReviewStatus.PENDING_APPROVAL: "text-bg-warning",
            ReviewStatus.APPROVED: "text-bg-info",
            ReviewStatus.COLLECTING: "text-bg-primary",
            ReviewStatus.PREPARING: "text-bg-dark",
        },
        "text-bg-success",
    ),
    UnitReport: (
        {UnitReportStatus.RETURNED: "text-bg-danger", UnitReportStatus.DRAFT: "text-bg-info"},
        "text-bg-light border",
    ),
    ConsolidatedReport: ({ConsolidatedReportStatus.FINAL: "text-bg-success"}, "text-bg-secondary"),
    Minutes: ({MinutesStatus.SIGNED: "text-bg-success", MinutesStatus.DRAFT: "text-bg-warning"}, "text-bg-secondary"),
    ReviewAction: (
        {
            ActionStatus.DONE: "text-bg-success",
            ActionStatus.REPORTED: "text-bg-warning",
            ActionStatus.CANCELLED: "text-bg-secondary",
            ActionStatus.IN_PROGRESS: "text-bg-primary",
        },
        "text-bg-light border",
    ),
}
TICKET_BADGES: dict[str, str] = {
    TicketStatus.CLOSED: "text-bg-success",
    TicketStatus.CORRECTED: "text-bg-success",
    TicketStatus.INEFFECTIVE: "text-bg-danger",
}


@register.filter
def weekday(value: dt.date | dt.datetime | None) -> str:
    """The weekday as the PDFs write it (reviews.pdf.WEEKDAYS, "thứ Tư"), not Django's Vietnamese "Thứ 4":
    one spelling on paper and on screen. Other languages keep Django's name of the day."""
    from reviews.pdf import WEEKDAYS  # the PDF module is the reference; imported here to keep start-up light

    if not value:
        return ""
    if (translation.get_language() or "vi") != "vi":
        return formats.date_format(value, "l")
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    return WEEKDAYS[day.weekday()]


@register.filter
def state_badge(obj: Any) -> str:
    if isinstance(obj, UnitReport) and obj.is_submitted:
        return "text-bg-warning" if obj.is_late else "text-bg-success"
    if type(obj) in BADGES:
        classes, default = BADGES[type(obj)]
        return classes.get(obj.status, default)
    status: str = getattr(obj, "status", "")
    return TICKET_BADGES.get(status, "text-bg-info")
