"""The management review's figures in the provincial overview (qms.overview): reviews held in the year by
kind, late unit reports, overdue decided actions. One grouped query per figure group, whatever the number
of agencies; each count drills down to a list the overseer may open (that agency's finished records)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.models import Organisation
from qms.overview import Figure

from .filters import late_reports
from .models import FINISHED_STATES, Review, ReviewAction, UnitReport


def _link(name: str, **params: object) -> Callable[[Organisation, int], str]:
    def link(organisation: Organisation, year: int) -> str:
        query = {"organisation": organisation.pk, "year": year, **params}
        return f"{reverse(name)}?{urlencode(query)}"

    return link


FIGURES = [
    # Reviews of the year whose minutes were signed (signed or closed since): "reviews held, and their kind".
    # Labels are lazy on purpose: the overview shows them in the reader's language.
    Figure("reviews_periodic", _("Họp xem xét định kỳ đã tổ chức"), _link("reviews:list", kind=Review.Kind.PERIODIC)),
    Figure("reviews_extraordinary", _("Họp xem xét đột xuất đã tổ chức"), _link("reviews:list", kind=Review.Kind.EXTRAORDINARY)),
    # Unit reports of the year's reviews submitted after the deadline, or not submitted and past it.
    Figure("late_reports", _("Báo cáo đơn vị nộp muộn"), _link("reviews:list", late="true")),
    # Decided actions (of signed minutes in force) of the year's reviews still open past their deadline.
    Figure("overdue_actions", _("Hành động sau họp xem xét quá hạn"), _link("reviews:action_list", overdue="true")),
]


def review_figures(organisations: Sequence[Organisation], year: int) -> dict[int, dict[str, int]]:
    """{organisation id: {figure key: count}} in three queries, grouped by organisation."""
    ids = [org.pk for org in organisations]
    today = timezone.localdate()
    counts: dict[int, dict[str, int]] = {}
    held = (
        Review.objects.filter(organisation__in=ids, year=year, status__in=FINISHED_STATES)
        .values("organisation")
        .annotate(
            periodic=Count("pk", filter=Q(kind=Review.Kind.PERIODIC)),
            extraordinary=Count("pk", filter=Q(kind=Review.Kind.EXTRAORDINARY)),
        )
        .order_by()
    )
    for row in held:
        counts.setdefault(row["organisation"], {}).update(reviews_periodic=row["periodic"], reviews_extraordinary=row["extraordinary"])
    late = (
        UnitReport.objects.filter(late_reports(today), review__organisation__in=ids, review__year=year)
        .values("review__organisation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for late_row in late:
        counts.setdefault(late_row["review__organisation"], {})["late_reports"] = late_row["n"]
    overdue = (
        ReviewAction.objects.followed()
        .overdue(today)
        .filter(review__organisation__in=ids, review__year=year)
        .values("review__organisation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for overdue_row in overdue:
        counts.setdefault(overdue_row["review__organisation"], {})["overdue_actions"] = overdue_row["n"]
    return counts
