"""The year's achievement of the agency and each unit, the charts, and the inputs that the management
review's consolidated report (BM.HT.06.03, sections 2 and 5) pastes in. `reviews` calls
review_inputs(year, organisation=review.organisation); objectives never imports reviews. Every function
reads one agency's plans and units only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.models import Organisation, Unit

from .charts import FORMS_FONT, ChartFont, bar_chart, line_chart
from .models import IN_FORCE_STATES, Frequency, Objective, Plan, PlanStatus, Result, period_label
from .progress import PlanSummary, Track, current_display, plan_summary, rolled_up_progress


def with_progress(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Everything the progress functions read, in a fixed number of queries whatever the row count."""
    supporting = Objective.objects.exclude(plan__status=PlanStatus.SUPERSEDED).select_related("plan").prefetch_related("measurements")
    objectives = Objective.objects.select_related("plan__unit", "supports", "carried_from").prefetch_related(
        "measurements",
        "actions",
        "carried_from__measurements",
        Prefetch("supporting", queryset=supporting, to_attr="supporting_current"),
    )
    return plans.select_related("unit").prefetch_related(Prefetch("objectives", queryset=objectives))


def plans_in_force(year: int, *, organisation: Organisation | int) -> list[Plan]:
    """The plan in force for each scope of the agency in `year` (the latest approved revision)."""
    return in_force_of(list(with_progress(Plan.objects.of(organisation).filter(year=year, status__in=IN_FORCE_STATES))))


def in_force_of(plans: list[Plan]) -> list[Plan]:
    """plans_in_force from one year's plans already read (with_progress), so a page that lists the year's
    plans does not read the same tree again for its roll-up (issue 15)."""
    seen: dict[int | None, Plan] = {}
    for plan in sorted((p for p in plans if p.status in IN_FORCE_STATES), key=lambda p: -p.revision):
        seen.setdefault(plan.unit_id, plan)
    return sorted(seen.values(), key=lambda p: (p.unit_id is not None, p.unit.order if p.unit else 0, p.scope_name))


@dataclass
class YearRollup:
    year: int
    agency: PlanSummary | None
    units: list[tuple[Unit, PlanSummary | None]]

    @property
    def units_total(self) -> int:
        return sum(s.total for _u, s in self.units if s)

    @property
    def units_met(self) -> int:
        return sum(s.met for _u, s in self.units if s)

    @property
    def units_rate(self) -> Decimal | None:
        return (Decimal(self.units_met) * 100 / self.units_total).quantize(Decimal("0.1")) if self.units_total else None


def year_rollup(year: int, plans: list[Plan] | None = None, *, organisation: Organisation | int) -> YearRollup:
    """The agency's year: its own plan and each of its active units' (`plans`: its plans in force)."""
    plans = plans if plans is not None else plans_in_force(year, organisation=organisation)
    by_unit = {p.unit_id: p for p in plans}
    agency = by_unit.get(None)
    units = [(u, plan_summary(by_unit[u.pk]) if u.pk in by_unit else None) for u in Unit.objects.of(organisation).active()]
    return YearRollup(year=year, agency=plan_summary(agency) if agency else None, units=units)


def chart_by_unit(
    year: int,
    current: YearRollup | None = None,
    previous: YearRollup | None = None,
    *,
    organisation: Organisation | int,
    font: ChartFont = FORMS_FONT,
) -> SafeString:
    """`font`: the forms' font unless a web page asks for its own (the consolidated report freezes this chart
    for its PDF)."""
    current = current or year_rollup(year, organisation=organisation)
    previous = previous or year_rollup(year - 1, organisation=organisation)
    prev_units = {u.pk: s for u, s in previous.units}
    categories = [_("Cơ quan")] + [u.name for u, _s in current.units]
    this_year = [current.agency.rate if current.agency else None] + [s.rate if s else None for _u, s in current.units]
    last_year = [previous.agency.rate if previous.agency else None] + [
        last.rate if (last := prev_units.get(u.pk)) else None for u, _s in current.units
    ]
    return bar_chart(
        categories,
        [(_("Năm %(y)s") % {"y": year - 1}, last_year), (_("Năm %(y)s") % {"y": year}, this_year)],
        title=_("Tỷ lệ mục tiêu chất lượng đạt / đúng tiến độ theo đơn vị (%)"),
        font=font,
    )


def chart_over_year(
    year: int,
    plans: list[Plan] | None = None,
    today: dt.date | None = None,
    *,
    organisation: Organisation | int | None = None,
    font: ChartFont = FORMS_FONT,
) -> SafeString:
    """The agency's plans in force over the year (or `plans`, then `organisation` is not needed); `font`: the
    forms' font unless a web page asks for its own."""
    if plans is None:
        if organisation is None:
            raise TypeError("chart_over_year needs the plans or the organisation whose plans in force to draw")
        plans = plans_in_force(year, organisation=organisation)
    today = today or timezone.localdate()
    # Only quarters that have ended: a quarter in progress would look worse than it is.
    quarters_done = 4 if year < today.year else (0 if year > today.year else (today.month - 1) // 3)
    series = []
    for plan in plans:
        values: list[Decimal | None] = []
        for q in range(1, 5):
            if q > quarters_done:
                values.append(None)
                continue
            summary = plan_summary(plan, up_to_fraction=Decimal(q) / 4)
            measured = summary.total - summary.counts.get(Track.NO_DATA, 0)
            values.append((Decimal(summary.met) * 100 / measured).quantize(Decimal("0.1")) if measured else None)
        series.append((plan.scope_name, values))
    return line_chart(
        [str(period_label(Frequency.QUARTERLY, q)) for q in range(1, 5)],
        series,
        title=_("Diễn biến trong năm %(y)s: tỷ lệ mục tiêu đúng tiến độ (%%)") % {"y": year},
        font=font,
    )


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",").replace(",0", "") + "%"


def review_inputs(year: int, *, organisation: Organisation | int) -> dict:
    """Ready-to-paste Vietnamese text for sections 2 and 5 of BM.HT.06.03, plus the charts (SVG strings):
    the review's agency's objectives only."""
    plans = plans_in_force(year, organisation=organisation)
    rollup = year_rollup(year, plans, organisation=organisation)
    previous = year_rollup(year - 1, organisation=organisation)
    agency = rollup.agency
    approved_units = [u for u, s in rollup.units if s]

    s2: list[str] = []
    if agency is not None:
        approved_at = agency.plan.approved_at
        approved_on = format_date(timezone.localtime(approved_at).date()) if approved_at else "—"
        s2.append(
            _(
                "- MTCL năm %(y)s của cơ quan gồm %(n)d mục tiêu, được phê duyệt ngày %(d)s; các mục tiêu nhất quán với "
                "chính sách chất lượng, đo lường được và được theo dõi định kỳ."
            )
            % {"y": year, "n": agency.total, "d": approved_on}
        )
        for obj in agency.plan.objectives.all():
            line = f"  {obj.order}. {obj.statement} ({_('chỉ tiêu')}: {obj.target_display})"
            if obj.policy_consistency:
                line += f" — {obj.policy_consistency}"
            s2.append(line)
    else:
        s2.append(_("- Cơ quan chưa có MTCL năm %(y)s được phê duyệt.") % {"y": year})
    s2.append(
        _("- %(a)d/%(n)d đơn vị đã xây dựng và được phê duyệt MTCL, kế hoạch thực hiện MTCL năm %(y)s.")
        % {"a": len(approved_units), "n": len(rollup.units), "y": year}
    )
    missing = [u.name for u, s in rollup.units if not s]
    if missing:
        s2.append(_("- Đơn vị chưa có MTCL được phê duyệt: %(u)s.") % {"u": ", ".join(missing)})

    s5: list[str] = []
    if agency is not None:
        s5.append(
            _("- Cơ quan: %(m)d/%(n)d mục tiêu đạt hoặc đúng tiến độ (%(r)s).")
            % {"m": agency.met, "n": agency.total, "r": _pct(agency.rate)}
        )
        for obj in agency.plan.objectives.all():
            progress = rolled_up_progress(obj)
            actual = current_display(obj, progress)
            s5.append(f"  {obj.order}. {obj.indicator}: {_('chỉ tiêu')} {obj.target_display}; {_('kết quả')} {actual} — {progress.label}")
    for unit, summary in rollup.units:
        if summary is None:
            s5.append(_("- %(u)s: chưa có kế hoạch MTCL được phê duyệt.") % {"u": unit.name})
            continue
        s5.append(
            _("- %(u)s: %(m)d/%(n)d mục tiêu đạt hoặc đúng tiến độ (%(r)s).")
            % {"u": unit.name, "m": summary.met, "n": summary.total, "r": _pct(summary.rate)}
        )
    if rollup.units_total:
        s5.append(
            _("- Toàn bộ các đơn vị: %(m)d/%(n)d mục tiêu đạt hoặc đúng tiến độ (%(r)s).")
            % {"m": rollup.units_met, "n": rollup.units_total, "r": _pct(rollup.units_rate)}
        )
    failing = [
        o
        for p in plans
        for o in p.objectives.all()
        if o.result == Result.NOT_ACHIEVED or (not o.result and rolled_up_progress(o).status in (Track.OFF_TRACK, Track.AT_RISK))
    ]
    if failing:
        s5.append(_("- Mục tiêu không đạt hoặc chậm tiến độ, nguyên nhân và hướng khắc phục:"))
        for o in failing:
            reason = o.reasons or _("chưa phân tích nguyên nhân")
            steps = f"; {_('hướng khắc phục')}: {o.next_steps.rstrip('.')}" if o.next_steps else ""
            s5.append(f"  + {o.plan.scope_name}: {o.statement} — {reason.rstrip('.')}{steps}.")
    return {
        "year": year,
        "s2_policy_objectives": "\n".join(s2),
        "s5_objectives_implementation": "\n".join(s5),
        "chart_svg": chart_by_unit(year, rollup, previous, organisation=organisation),
        "chart_year_svg": chart_over_year(year, plans),
        "agency": {"total": agency.total, "met": agency.met, "rate": agency.rate} if agency else None,
        "units": [
            {"unit": u.name, "total": s.total if s else 0, "met": s.met if s else 0, "rate": s.rate if s else None} for u, s in rollup.units
        ],
    }
