"""How an objective is doing: on track / at risk / off track against its target and the time elapsed, and
the achievement rates of plans (a unit's, the agency's rolled up from its units'). Pure functions over
objects already loaded (measurements prefetched), so pages stay at a flat number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Aggregation, Direction, Objective, Plan, PlanStatus, Result

TOLERANCE = Decimal("0.10")  # within 10 % of the target counts as "at risk", beyond it "off track"


class Track:
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"

    LABELS = {
        ON_TRACK: _("Đúng tiến độ"),
        AT_RISK: _("Có nguy cơ"),
        OFF_TRACK: _("Chậm / lệch mục tiêu"),
        NO_DATA: _("Chưa có số liệu"),
        ACHIEVED: _("Đạt"),
        NOT_ACHIEVED: _("Không đạt"),
    }
    BADGES = {
        ON_TRACK: "success",
        AT_RISK: "warning",
        OFF_TRACK: "danger",
        NO_DATA: "secondary",
        ACHIEVED: "success",
        NOT_ACHIEVED: "danger",
    }
    MET = {ON_TRACK, ACHIEVED}


@dataclass
class Progress:
    status: str
    actual: Decimal | None = None
    expected: Decimal | None = None
    fraction: Decimal = Decimal(0)  # share of the year covered by the measurements used
    percent_of_target: Decimal | None = None

    @property
    def label(self) -> str:
        return str(Track.LABELS[self.status])

    @property
    def badge(self) -> str:
        return Track.BADGES[self.status]

    @property
    def is_met(self) -> bool:
        return self.status in Track.MET


def value_display(obj: Objective, value: Decimal | None) -> str:
    """A measured value as people read it; a qualitative objective is measured as % of the work done."""
    if value is None:
        return "—"
    if obj.is_numeric:
        return obj.format_value(value)
    return _("%(v)s%% khối lượng") % {"v": f"{value:.0f}"}


def current_display(obj: Objective, progress: Progress) -> str:
    """The result to show: the year-end result once evaluated, else the latest monitored value."""
    if obj.result:
        return obj.actual_display
    return value_display(obj, progress.actual)


def _target_and_baseline(obj: Objective) -> tuple[Decimal, Decimal | None, str]:
    if not obj.is_numeric:
        # A qualitative objective is measured as "% of the planned work done".
        return Decimal(100), Decimal(0), Direction.HIGHER
    return obj.target if obj.target is not None else Decimal(0), obj.baseline, obj.direction


def objective_progress(obj: Objective, *, up_to_fraction: Decimal | None = None, use_result: bool = True) -> Progress:
    """Status from the measurements (and the year-end result once given). `up_to_fraction` ignores
    measurements of periods ending after that share of the year (for the chart over the year)."""
    if use_result and obj.result and up_to_fraction is None:
        met = obj.result == Result.ACHIEVED
        return Progress(
            Track.ACHIEVED if met else Track.NOT_ACHIEVED,
            actual=obj.actual_value,
            fraction=Decimal(1),
            percent_of_target=_percent(obj, obj.actual_value),
        )
    periods = obj.periods
    rows = sorted((m.period, m.value) for m in obj.measurements.all() if m.value is not None)
    if up_to_fraction is not None:
        rows = [(period, value) for period, value in rows if Decimal(period) / periods <= up_to_fraction + Decimal("0.0001")]
    if not rows:
        return Progress(Track.NO_DATA)
    latest_period, latest_value = rows[-1]
    fraction = Decimal(latest_period) / periods
    target, baseline, direction = _target_and_baseline(obj)
    cumulative = obj.is_numeric and obj.aggregation == Aggregation.CUMULATIVE
    if cumulative:
        actual = sum((value for _period, value in rows), Decimal(0))
        expected = target * fraction
    elif not obj.is_numeric:
        actual, expected = latest_value, target * fraction
    else:
        actual = latest_value
        expected = baseline + (target - baseline) * fraction if baseline is not None else target
    tolerance = abs(target) * TOLERANCE if target else Decimal(1)
    gap = (expected - actual) if direction == Direction.HIGHER else (actual - expected)
    if cumulative and direction == Direction.LOWER and actual > target:
        status = Track.OFF_TRACK  # the year's ceiling is already passed: no later period can bring it back
    elif gap <= 0:
        status = Track.ON_TRACK
    elif gap <= tolerance:
        status = Track.AT_RISK
    else:
        status = Track.OFF_TRACK
    return Progress(status, actual=actual, expected=expected, fraction=fraction, percent_of_target=_percent(obj, actual))


def _percent(obj: Objective, actual: Decimal | None) -> Decimal | None:
    if actual is None:
        return None
    target, _baseline, direction = _target_and_baseline(obj)
    if direction == Direction.HIGHER:
        value = Decimal(100) if not target else actual / target * 100
    else:
        value = Decimal(100) if actual <= target else (target / actual * 100 if actual else Decimal(100))
    return min(value, Decimal(150)).quantize(Decimal("0.1"))


@dataclass
class PlanSummary:
    plan: Plan
    total: int
    met: int
    counts: dict[str, int]

    @property
    def rate(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(self.met) * 100 / self.total).quantize(Decimal("0.1"))


def plan_summary(plan: Plan, *, up_to_fraction: Decimal | None = None) -> PlanSummary:
    counts: dict[str, int] = {}
    objectives = list(plan.objectives.all())
    met = 0
    for obj in objectives:
        progress = rolled_up_progress(obj, up_to_fraction=up_to_fraction)
        counts[progress.status] = counts.get(progress.status, 0) + 1
        met += progress.is_met
    return PlanSummary(plan=plan, total=len(objectives), met=met, counts=counts)


def rolled_up_progress(obj: Objective, *, up_to_fraction: Decimal | None = None) -> Progress:
    """An objective's own status; an agency objective without its own data or result takes the share of
    its supporting unit objectives that are met (all met -> on track / achieved)."""
    own = objective_progress(obj, up_to_fraction=up_to_fraction)
    if own.status != Track.NO_DATA or not obj.plan.is_agency:
        return own
    children = [c for c in getattr(obj, "supporting_current", []) if c.plan.status != PlanStatus.SUPERSEDED]
    if not children:
        return own
    child_progress = [objective_progress(c, up_to_fraction=up_to_fraction) for c in children]
    known = [p for p in child_progress if p.status != Track.NO_DATA]
    if not known:
        return own
    met = sum(p.is_met for p in known)
    final = all(p.status in (Track.ACHIEVED, Track.NOT_ACHIEVED) for p in known)
    if met == len(known):
        status = Track.ACHIEVED if final else Track.ON_TRACK
    elif final:
        status = Track.NOT_ACHIEVED
    else:
        status = Track.AT_RISK if met * 2 >= len(known) else Track.OFF_TRACK
    return Progress(
        status, fraction=max(p.fraction for p in known), percent_of_target=(Decimal(met) * 100 / len(known)).quantize(Decimal("0.1"))
    )
