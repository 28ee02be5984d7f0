"""The management review's charts on the dashboards (qms.dashboards): the decided actions in force by
state, and the overdue ones per responsible unit. One grouped query for both, whatever the number of
actions and units; each bar links to the action list filtered to exactly its rows."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.dashboards import Bar, Chart, Scope

from .models import ActionStatus, ReviewAction

# As the action list's "overdue" filter counts them (reviews.filters.ReviewActionFilter.filter_overdue).
OVERDUE_STATES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
STATE_TONES = {ActionStatus.DONE: "good", ActionStatus.REPORTED: "warning", ActionStatus.CANCELLED: "neutral"}


def _list_url(**params: object) -> str:
    return f"{reverse('reviews:action_list')}?{urlencode(params)}"


def action_charts(scope: Scope) -> list[Chart]:
    actions = ReviewAction.objects.visible_to(scope.user).followed()
    unit_params: dict[str, object] = {}
    if scope.unit is not None:
        actions = actions.filter(responsible_unit=scope.unit)
        unit_params = {"responsible_unit": scope.unit.pk}
    overdue = Q(status__in=OVERDUE_STATES, deadline__lt=scope.today)
    rows = list(
        actions.order_by()
        .values("status", "responsible_unit", "responsible_unit__name")
        .annotate(n=Count("pk"), late=Count("pk", filter=overdue))
    )
    by_state: dict[str, int] = {}
    late_by_unit: dict[int, tuple[str, int]] = {}
    for row in rows:
        by_state[row["status"]] = by_state.get(row["status"], 0) + row["n"]
        name, late = late_by_unit.get(row["responsible_unit"], (row["responsible_unit__name"], 0))
        late_by_unit[row["responsible_unit"]] = (name, late + row["late"])
    states = Chart(
        "review_actions_by_state",
        _("Hành động sau họp xem xét theo trạng thái"),
        [
            Bar(
                status.label,
                by_state.get(status.value, 0),
                _list_url(**unit_params, status=status.value),
                STATE_TONES.get(status, "neutral"),
            )
            for status in ActionStatus
        ],
        _("Các hành động của biên bản đã ký đang có hiệu lực."),
    )
    late_bars = [
        Bar(name, late, _list_url(responsible_unit=unit_id, overdue="true"), "bad")
        for unit_id, (name, late) in sorted(late_by_unit.items(), key=lambda item: (-item[1][1], item[1][0]))
        if late
    ]
    if scope.unit is not None and not late_bars:
        late_bars = [Bar(scope.unit.name, 0, _list_url(responsible_unit=scope.unit.pk, overdue="true"), "bad")]
    lateness = Chart(
        "review_actions_overdue_by_unit",
        _("Hành động quá hạn theo đơn vị chủ trì"),
        late_bars,
        _("Chưa thực hiện hoặc đang thực hiện, đã quá thời hạn hoàn thành."),
    )
    return [states, lateness]
