"""The risks' chart on the dashboards (qms.dashboards): the open risks (not opportunities) of the tables the
viewer reads, by level; the unit view counts the unit's own table. One grouped query; each bar links to the
risk list filtered to the same rows (kind, status, level and, for a unit, its table)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qms.dashboards import Bar, Chart, Scope

from .models import Kind, Level, Risk, RiskStatus

TONES = {Level.HIGH: "bad", Level.MEDIUM: "warning", Level.LOW: "good"}


def risk_charts(scope: Scope) -> list[Chart]:
    risks = Risk.objects.visible_to(scope.user).filter(kind=Kind.RISK, status=RiskStatus.OPEN)
    params: dict[str, object] = {"kind": Kind.RISK, "status": RiskStatus.OPEN}
    if scope.unit is not None:
        risks = risks.filter(unit=scope.unit)
        params["scope"] = scope.unit.pk
    counts = dict(risks.order_by().values_list("level").annotate(n=Count("pk")))
    url = reverse("risks:list")
    return [
        Chart(
            "risks_by_level",
            _("Rủi ro đang xử lý theo mức"),
            [
                Bar(level.label, counts.get(level.value, 0), f"{url}?{urlencode({**params, 'level': level.value})}", TONES[level])
                for level in Level
            ],
        )
    ]
