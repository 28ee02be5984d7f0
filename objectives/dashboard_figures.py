"""The objectives' chart on the dashboards (qms.dashboards): for the year, each plan in force (the agency's
and each unit's), its objectives achieved or on track, at risk, missed (off track or not achieved) and
without data yet, as objectives.progress judges them on the plans' pages. A fixed number of queries
(the plans and their prefetched objectives and measurements, as the objectives list loads them); each bar
links to the plan, whose page lists the objectives with those same statuses."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.dashboards import Bar, Chart, Part, Scope

from .models import IN_FORCE_STATES, Plan
from .progress import Track, plan_summary
from .rollup import with_progress

# The chart's segments: (label, the progress statuses counted, tone).
GROUPS = [
    (_("Đạt / đúng tiến độ"), (Track.ACHIEVED, Track.ON_TRACK), "good"),
    (_("Có nguy cơ"), (Track.AT_RISK,), "warning"),
    (_("Không đạt / chậm"), (Track.NOT_ACHIEVED, Track.OFF_TRACK), "bad"),
    (_("Chưa có số liệu"), (Track.NO_DATA,), "muted"),
]


def objectives_charts(scope: Scope) -> list[Chart]:
    plans = Plan.objects.visible_to(scope.user).filter(year=scope.year, status__in=IN_FORCE_STATES)
    if scope.unit is not None:
        plans = plans.filter(unit=scope.unit)
    in_force: dict[int | None, Plan] = {}
    for plan in with_progress(plans).order_by("-revision"):  # the latest approved revision of each scope
        in_force.setdefault(plan.unit_id, plan)
    ordered = sorted(in_force.values(), key=lambda p: (p.unit_id is not None, p.unit.order if p.unit else 0, p.scope_name))
    bars = []
    for plan in ordered:
        counts = plan_summary(plan).counts
        parts = tuple(Part(label, sum(counts.get(status, 0) for status in statuses), tone) for label, statuses, tone in GROUPS)
        bars.append(Bar(plan.scope_name, sum(part.value for part in parts), reverse("objectives:plan_detail", args=[plan.pk]), parts=parts))
    return [
        Chart(
            "objectives_by_plan",
            _("Mục tiêu chất lượng năm %(year)d theo kế hoạch") % {"year": scope.year},
            bars,
            _("Kế hoạch đã phê duyệt đang có hiệu lực; mỗi thanh dẫn tới kế hoạch và các mục tiêu của nó."),
        )
    ]
