"""Reads of the review by report (QT.CTCL 5.8.2): what its report is pre-filled from, and who has answered
the comment round. Kept apart from reviews.selectors, which it reads. Nothing here writes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from objectives.rollup import review_inputs as objectives_review_inputs

from .models import ByReportComment, Review, ReviewByReport, ReviewStatus, UnitReport, UnitReportStatus
from .selectors import previous_actions_summary, review_tickets_summary, risk_inputs


def by_report_url(review: Review) -> str:
    return reverse("reviews:by_report", args=[review.pk])


def result_notice_url(review: Review) -> str:
    return reverse("reviews:result_notice", args=[review.pk])


# Which section of the units' reports (BM.HT.06.02) feeds which input of 5.8.1.1.
UNIT_SECTION_INPUTS = {
    "s7_changes": "in_context",
    "s4_feedback": "in_satisfaction",
    "s5_objectives_implementation": "in_objectives",
    "s3_audit_actions": "in_monitoring",
    "s6_resources": "in_resources",
}


def unit_round_reports(review: Review) -> list[UnitReport]:
    """The units' reports submitted this year in a round whose meeting was not held (the notice issued, the
    reports collected, no minutes signed): what the units reported is an input of the review by report."""
    reports = (
        UnitReport.objects.filter(
            review__organisation=review.organisation_id,
            review__year=review.year,
            review__status__in=(ReviewStatus.COLLECTING, ReviewStatus.PREPARING),
            status=UnitReportStatus.SUBMITTED,
        )
        .select_related("unit")
        .order_by("unit__order", "unit__name", "-pk")
    )
    # A unit that reported in two unheld rounds is counted once, with its latest report.
    latest: dict[int, UnitReport] = {}
    for report in reports:
        latest.setdefault(report.unit_id, report)
    return list(latest.values())


def by_report_prefill(review: Review) -> dict[str, str]:
    """The inputs of 5.8.1.1 as far as the product knows them: the previous review's actions and their
    tickets, the objectives roll-up, the tickets since the previous review, and the units' reports of a round
    run this year, and the risk tables. The secretary completes the rest (context, satisfaction, resources, improvement)."""
    objectives = objectives_review_inputs(review.year, organisation=review.organisation_id)
    values = {
        "in_previous_actions": previous_actions_summary(review),
        "in_objectives": "\n".join(t for t in (objectives["s2_policy_objectives"], objectives["s5_objectives_implementation"]) if t),
        "in_nonconformities": review_tickets_summary(review),
        # 5.8.1.1's "kết quả phân tích rủi ro": the risk tables by level, responses due or late, effectiveness.
        "in_risks": risk_inputs(review),
    }
    reports = unit_round_reports(review)
    for section, name in UNIT_SECTION_INPUTS.items():
        blocks = [f"{r.unit.name}:\n{getattr(r, section).strip()}" for r in reports if getattr(r, section).strip()]
        if blocks:
            values[name] = "\n\n".join([values[name], *blocks] if values.get(name) else blocks)
    if reports:
        values["unit_reports_summary"] = "\n".join(
            _("- %(unit)s: báo cáo thực hiện HTQLCL (BM.HT.06.02) đã nộp.") % {"unit": r.unit.name} for r in reports
        )
    return values


def comment_round(report: ReviewByReport) -> list[ByReportComment]:
    """Who was asked to comment and who has answered (one query)."""
    return list(report.comments.select_related("reviewer").order_by("pk"))
