"""QT.CTCL 5.9: a unit's objectives are drafted from the management review's conclusions that concern it.
Registered with qms.context in ReviewsConfig.ready(), so objectives never imports reviews."""

from __future__ import annotations

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from qms.context import DraftingItem, DraftingSource
from qms.dates import format_date

from .models import ReviewAction


def review_conclusions(organisation_id: int, unit_id: int | None, year: int) -> list[DraftingSource]:
    """The decisions of the signed minutes of the agency's reviews signed in the year before the plan's year
    or in that year itself (a review held early in the year the plan is drafted): those whose responsible
    unit is the plan's unit, or all of them for the agency's plan. One query."""
    # Decided when the minutes were signed, or (a review by report, QT.CTCL 5.8.2) the result notice approved.
    actions = (
        ReviewAction.objects.followed()
        .filter(review__organisation_id=organisation_id)
        .annotate(decided_at=Coalesce("minutes__signed_at", "result_notice__approved_at"))
        .filter(decided_at__year__gte=year - 1, decided_at__year__lte=year)
    )
    if unit_id is not None:
        actions = actions.filter(responsible_unit_id=unit_id)
    rows = actions.select_related("review", "responsible_unit").order_by("decided_at", "deadline", "pk")
    items = [
        DraftingItem(
            text=action.description,
            url=reverse("reviews:action_detail", args=[action.pk]),
            note=_("%(review)s — %(unit)s, hạn %(d)s — %(s)s")
            % {
                "review": action.review.title,
                "unit": action.responsible_unit.name,
                "d": format_date(action.deadline),
                "s": action.get_status_display(),
            },
        )
        for action in rows
    ]
    return [
        DraftingSource(
            title=_("Kết luận, hành động của xem xét lãnh đạo năm %(a)d–%(b)d liên quan (căn cứ xây dựng kế hoạch)")
            % {"a": year - 1, "b": year},
            items=items,
            empty_text=_("Không có kết luận nào của xem xét lãnh đạo giao cho đơn vị."),
        )
    ]
