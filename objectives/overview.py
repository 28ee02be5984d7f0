"""The objectives' figures of the provincial overview: for each agency, the objectives of its own and its
units' plans of the year whose year-end evaluation is closed (plan evaluated), and how many of them were
achieved. One grouped query for every agency on the page; each count drills down to the agency's
approved plans of the year on the objectives list."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from qms.models import Organisation
from qms.overview import Figure

from .models import Objective, PlanStatus, Result


def plans_link(organisation: Organisation, year: int) -> str:
    """The overseer's drill-down: that agency's approved plans of the year."""
    return reverse("objectives:list") + "?" + urlencode({"organisation": organisation.pk, "year": year})


FIGURES = [
    Figure("objectives_achieved", _("Mục tiêu chất lượng đạt"), plans_link),
    Figure("objectives_evaluated", _("Mục tiêu chất lượng đã đánh giá cuối năm"), plans_link),
]


def objectives_figures(organisations: Sequence[Organisation], year: int) -> dict[int, dict[str, int]]:
    rows = (
        Objective.objects.filter(
            plan__organisation__in=[org.pk for org in organisations], plan__year=year, plan__status=PlanStatus.EVALUATED
        )
        .exclude(result="")
        .values("plan__organisation")
        .annotate(evaluated=Count("pk"), achieved=Count("pk", filter=Q(result=Result.ACHIEVED)))
        .order_by()
    )
    return {row["plan__organisation"]: {"objectives_achieved": row["achieved"], "objectives_evaluated": row["evaluated"]} for row in rows}
