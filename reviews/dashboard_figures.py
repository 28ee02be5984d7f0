"""The management review's charts on the dashboards (qms.dashboards): the unit reports of the latest
reviews (submitted, waiting, late, as the review's board counts them), the decided actions in force by
state, and the overdue ones per responsible unit. A fixed number of grouped queries, whatever the number
of reviews, reports, actions and units; each bar links to the list that shows its rows (the review's
board for its reports, the action list filtered for actions)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qms.dashboards import Bar, Chart, Scope

from .models import ActionStatus, Review, ReviewAction, UnitReport, UnitReportStatus

# As the action list's "overdue" filter counts them (reviews.filters.ReviewActionFilter.filter_overdue).
OVERDUE_STATES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
STATE_TONES = {ActionStatus.DONE: "good", ActionStatus.REPORTED: "warning", ActionStatus.CANCELLED: "neutral"}


LATEST_REVIEWS = 3  # the reviews whose unit reports the dashboard shows, newest meeting first


def report_charts(scope: Scope) -> list[Chart]:
    """One chart per latest review that asked the units (or the viewer's unit) for a report."""
    reports = UnitReport.objects.all()
    if scope.unit is not None:
        reports = reports.filter(unit=scope.unit)
    reviews = list(
        Review.objects.visible_to(scope.user)
        .filter(pk__in=reports.values("review"))
        .order_by("-meeting_start", "-pk")
        .only("pk", "title", "meeting_start")[:LATEST_REVIEWS]
    )
    submitted = Q(status=UnitReportStatus.SUBMITTED)
    rows: dict[int, dict[str, int]] = {
        row["review"]: {"submitted": row["submitted"], "waiting": row["waiting"], "late": row["late"]}
        for row in reports.filter(review__in=[review.pk for review in reviews])
        .order_by()
        .values("review")
        .annotate(submitted=Count("pk", filter=submitted), waiting=Count("pk", filter=~submitted), late=Count("pk", filter=Q(is_late=True)))
    }
    charts = []
    for review in reviews:
        row = rows.get(review.pk, {})
        # The review's page lists every invited unit's report and its state (the board is the secretary's only).
        board = reverse("reviews:detail", args=[review.pk]) + "#unit-reports"
        charts.append(
            Chart(
                f"unit_reports_{review.pk}",
                _("Báo cáo đơn vị: %(review)s") % {"review": review.title},
                [
                    Bar(_("Đã nộp"), row.get("submitted", 0), board, "good"),
                    Bar(_("Chưa nộp"), row.get("waiting", 0), board, "warning"),
                    Bar(_("Nộp muộn (lần nộp đầu sau hạn)"), row.get("late", 0), board, "bad"),
                ],
                _("Họp ngày %(day)s; trang cuộc họp liệt kê báo cáo của từng đơn vị.")
                % {"day": timezone.localtime(review.meeting_start).strftime("%d/%m/%Y")},
            )
        )
    return charts


def _list_url(**params: object) -> str:
    return f"{reverse('reviews:action_list')}?{urlencode(params)}"


def review_charts(scope: Scope) -> list[Chart]:
    return report_charts(scope) + action_charts(scope)


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
