"""QT.CTCL 5.9 deadlines passed: plans not approved by the plan date (30/01) and plans not evaluated by the
year-end date (31/12), both the agency's settings. Read by the home page panel, the reminder sweep and the
plan pages; a constant number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.models import Organisation, Unit

from .models import IN_FORCE_STATES, MEASURABLE_STATES, ObjectivesSettings, Plan, PlanStatus


@dataclass(frozen=True)
class LateItem:
    kind: str  # "approval" or "evaluation"
    year: int
    due: dt.date
    scope_key: str  # "agency-<org pk>" or the unit's pk: the reminder's key
    scope_name: str
    plan: Plan | None  # None: no plan was even drafted

    @property
    def label(self) -> str:
        if self.kind == "evaluation":
            return _("Chưa đánh giá thực hiện MTCL năm %(y)s — %(s)s (hạn %(d)s)") % {
                "y": self.year,
                "s": self.scope_name,
                "d": format_date(self.due),
            }
        if self.plan is None:
            return _("Chưa lập kế hoạch MTCL năm %(y)s — %(s)s (hạn phê duyệt %(d)s)") % {
                "y": self.year,
                "s": self.scope_name,
                "d": format_date(self.due),
            }
        return _("Kế hoạch MTCL năm %(y)s — %(s)s chưa được phê duyệt (hạn %(d)s)") % {
            "y": self.year,
            "s": self.scope_name,
            "d": format_date(self.due),
        }

    @property
    def url(self) -> str:
        return self.plan.get_absolute_url() if self.plan is not None else reverse("objectives:list") + f"?year={self.year}"


def late_items(organisation: Organisation | int, today: dt.date, *, unit: Unit | int | None = None, agency: bool = True) -> list[LateItem]:
    """What is late today in the agency: every scope (`agency` True) or one unit's (`unit`) only."""
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    conf = ObjectivesSettings.of(org_id)
    items: list[LateItem] = []
    plans = Plan.objects.of(org_id).current().select_related("unit")
    if not agency:
        plans = plans.filter(unit_id=unit_id)
    # 1. The year's plans: approved by the plan date, or late (also the scopes without any plan).
    due = conf.plan_due(today.year)
    if today > due:
        year_plans = {plan.unit_id: plan for plan in plans.filter(year=today.year)}
        units = list(Unit.objects.of(org_id).active().filter(**({} if agency else {"pk": unit_id})))
        scopes: list[tuple[int | None, str]] = ([(None, str(_("Cơ quan")))] if agency else []) + [(u.pk, u.name) for u in units]
        for scope_id, name in scopes:
            plan = year_plans.get(scope_id)
            if plan is None or (plan.status not in IN_FORCE_STATES and plan.approval_late(conf, today)):
                key = str(scope_id) if scope_id else f"agency-{org_id}"
                items.append(LateItem("approval", today.year, due, key, name, plan))
    # 2. Plans in force whose year-end evaluation date has passed.
    for plan in plans.filter(status__in=MEASURABLE_STATES, year__lte=today.year).order_by("year", "unit__order"):
        if plan.evaluation_late(conf, today):
            key = str(plan.unit_id) if plan.unit_id else f"agency-{org_id}"
            items.append(LateItem("evaluation", plan.year, conf.evaluation_due(plan.year), key, plan.scope_name, plan))
    return items


def late_marks(plan: Plan, today: dt.date, conf: ObjectivesSettings | None = None) -> list[str]:
    """The marks a plan page shows: approved late or not yet approved; evaluated late or not yet evaluated."""
    conf = conf or ObjectivesSettings.of(plan.organisation_id)
    marks = []
    if plan.status != PlanStatus.SUPERSEDED and plan.approval_late(conf, today):
        marks.append(_("Trễ hạn phê duyệt (%(d)s)") % {"d": format_date(conf.plan_due(plan.year))})
    if plan.evaluation_late(conf, today):
        marks.append(_("Trễ hạn đánh giá (%(d)s)") % {"d": format_date(conf.evaluation_due(plan.year))})
    return marks
