"""The tickets' charts on the dashboards (qms.dashboards): tickets by state, and the unfinished ones by
age (days since the ticket was written). One grouped query each, whatever the number of tickets; each bar
links to the ticket list filtered to exactly its rows (the list's `unit` filter means the unit concerned,
requesting or implementing, as here)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.dashboards import Bar, Chart, Scope

from .models import FINAL_STATES, Source, Ticket, TicketStatus

STATE_TONES = {TicketStatus.CLOSED: "good", TicketStatus.CORRECTED: "good", TicketStatus.INEFFECTIVE: "bad"}
# Age bands of the unfinished tickets, in days since the ticket's date: (first day, last day or None).
AGE_BANDS = [
    (0, 30, _("Đến 30 ngày"), "neutral"),
    (31, 90, _("Từ 31 đến 90 ngày"), "warning"),
    (91, None, _("Trên 90 ngày"), "bad"),
]


def _list_url(**params: object) -> str:
    return f"{reverse('corrective_actions:list')}?{urlencode(params)}"


def ticket_charts(scope: Scope) -> list[Chart]:
    tickets = Ticket.objects.visible_to(scope.user)
    unit_params: dict[str, object] = {}
    if scope.unit is not None:
        unit = scope.unit.pk
        tickets = tickets.filter(Q(unit=unit) | Q(requesting_unit=unit) | Q(implementing_unit=unit))
        unit_params = {"unit": unit}
    by_state = dict(tickets.order_by().values_list("status").annotate(n=Count("pk")))
    states = Chart(
        "tickets_by_state",
        _("Phiếu HĐKP/cải tiến theo trạng thái"),
        [
            Bar(
                status.label,
                by_state.get(status.value, 0),
                _list_url(**unit_params, status=status.value),
                STATE_TONES.get(status, "neutral"),
            )
            for status in TicketStatus
        ],
    )
    bands: list[tuple[object, int, dict[str, object], str]] = []
    conditions = {}
    for index, (first, last, label, tone) in enumerate(AGE_BANDS):
        newest = scope.today - dt.timedelta(days=first)
        params: dict[str, object] = {**unit_params, "unfinished": "true", "opened_before": newest.isoformat()}
        condition = Q(description_date__lte=newest)
        if last is not None:
            oldest = scope.today - dt.timedelta(days=last)
            params["opened_after"] = oldest.isoformat()
            condition &= Q(description_date__gte=oldest)
        conditions[f"band{index}"] = Count("pk", filter=condition)
        bands.append((label, index, params, tone))
    counts = tickets.exclude(status__in=FINAL_STATES).aggregate(**conditions)
    ages = Chart(
        "tickets_by_age",
        _("Phiếu chưa hoàn thành theo thời gian tồn tại"),
        [Bar(label, counts[f"band{index}"] or 0, _list_url(**params), tone) for label, index, params, tone in bands],  # type: ignore[arg-type]
        _("Tính từ ngày lập phiếu đến hôm nay."),
    )
    return [states, ages, *_repeat_charts(scope, tickets, unit_params)]


REPEATED_PROCESSES = 8  # the processes shown, most tickets first


def _repeat_charts(scope: Scope, tickets, unit_params: dict[str, object]) -> list[Chart]:
    """The year's tickets by source, and the processes named by more than one ticket of the year: where
    the same trouble comes back. Two grouped queries."""
    of_year = tickets.filter(year=scope.year).order_by()
    by_source = dict(of_year.values_list("source").annotate(n=Count("pk")))
    sources = Chart(
        "tickets_by_source",
        _("Phiếu năm %(year)d theo nguồn thông tin") % {"year": scope.year},
        # The sources that gave tickets this year, most first: thirteen mostly empty bars would say less.
        [
            Bar(source.label, by_source[source.value], _list_url(**unit_params, year=scope.year, source=source.value))
            for source in sorted((source for source in Source if by_source.get(source.value)), key=lambda source: -by_source[source.value])
        ],
    )
    repeated = (
        of_year.exclude(process="").values("process").annotate(n=Count("pk")).filter(n__gt=1).order_by("-n", "process")[:REPEATED_PROCESSES]
    )
    processes = Chart(
        "tickets_repeated_by_process",
        _("Quy trình có từ 2 phiếu trở lên trong năm %(year)d") % {"year": scope.year},
        [Bar(row["process"], row["n"], _list_url(**unit_params, year=scope.year, process=row["process"]), "warning") for row in repeated],
        _("Sự không phù hợp lặp lại ở cùng một quy trình."),
    )
    return [sources, processes]
