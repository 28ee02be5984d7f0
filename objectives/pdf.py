"""The two forms of Phụ lục 3 (quality manual) as PDFs in the shared Decree-30 layout: the plan
(PL3.KH, Kế hoạch thực hiện MTCL) and the report (PL3.BC, Báo cáo thực hiện MTCL)."""

from __future__ import annotations

import copy

from django.http import Http404
from django.utils import timezone

from qms.pdf import html_to_pdf, render_html, vn_date_line

from .models import ObjectivesSettings, Plan
from .progress import current_display, objective_progress, plan_summary
from .rollup import chart_by_unit, chart_over_year, with_progress, year_rollup

KINDS = {"plan": ("PL3.KH", "objectives_plan.html"), "report": ("PL3.BC", "objectives_report.html")}


def plan_context(plan: Plan, kind: str) -> dict:
    org = plan.organisation  # the header names are the plan's agency's
    header = copy.copy(org)
    if plan.unit is not None:
        # A unit's form: the agency is the "parent" line, the unit the issuing line (Decree 30).
        header.parent_name, header.name = org.name, plan.unit.name
    when = plan.approved_at if kind == "plan" else plan.evaluated_at
    context = {
        "org": header,
        "plan": plan,
        "form_code": KINDS[kind][0],
        "document_title": plan_title(plan, kind),
        "date_line": vn_date_line(org.place_name, timezone.localtime(when).date() if when else None),
        "objectives": [
            (obj, progress, current_display(obj, progress)) for obj, progress in ((o, objective_progress(o)) for o in plan.objectives.all())
        ],
        "summary": plan_summary(plan),
        # Not yet approved (plan) or not yet closed (report): marked as a draft on every page.
        "is_draft": not plan.is_locked if kind == "plan" else not plan.is_evaluated,
        "approver_title": "TRƯỞNG BAN CHỈ ĐẠO ISO" if plan.is_agency else "TRƯỞNG ĐƠN VỊ",
        # 5.9: the objectives are "nhất quán với CSCL": the plan prints the policy they serve.
        "quality_policy": ObjectivesSettings.of(plan.organisation_id).quality_policy,
    }
    if kind == "report":
        context["chart_year"] = chart_over_year(plan.year, None if plan.is_agency else [plan], organisation=plan.organisation_id)
        if plan.is_agency:
            rollup = year_rollup(plan.year, organisation=plan.organisation_id)
            context["rollup"] = rollup
            context["chart_units"] = chart_by_unit(plan.year, rollup, organisation=plan.organisation_id)
    return context


def plan_title(plan: Plan, kind: str) -> str:
    what = "Kế hoạch thực hiện mục tiêu chất lượng" if kind == "plan" else "Báo cáo thực hiện mục tiêu chất lượng"
    return f"{what} năm {plan.year}"


def plan_pdf_bytes(plan_id: int, kind: str) -> bytes:
    return html_to_pdf(plan_pdf_html(plan_id, kind))


def plan_pdf_html(plan_id: int, kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    plan = (
        with_progress(Plan.objects.filter(pk=plan_id)).select_related("organisation", "submitted_by", "approved_by", "evaluated_by").first()
    )
    if plan is None:
        raise Http404
    return render_html(f"pdf/{KINDS[kind][1]}", plan_context(plan, kind))


def render_plan(pk: int) -> bytes:
    return plan_pdf_bytes(pk, "plan")


def render_report(pk: int) -> bytes:
    return plan_pdf_bytes(pk, "report")


def plan_html(pk: int) -> str:
    return plan_pdf_html(pk, "plan")


def report_html(pk: int) -> str:
    return plan_pdf_html(pk, "report")
