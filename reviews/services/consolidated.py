"""Step 5 of QT.HT.06 §5.1: the secretary's consolidated report BM.HT.06.03, pre-filled from the units'
submitted reports, the previous review's actions, the tickets and the objectives, then edited and finalised."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives.rollup import review_inputs as objectives_review_inputs
from qms.errors import ServiceError
from qms.models import User
from qms.roles import Role
from qms.services import audit_record, state_transition
from qms.transitions import check_transition

from ..models import (
    CONSOLIDATE_STATES,
    CONSOLIDATED_TRANSITIONS,
    SECTION_FIELDS,
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Review,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)
from ..selectors import previous_actions_summary, review_tickets_summary
from .common import require, require_agency, save_versioned


def _stale_message() -> str:
    return _(
        "Báo cáo đã được người khác sửa sau khi bạn mở trang. Nội dung của bạn chưa được lưu: hãy sao chép lại, tải lại trang rồi sửa tiếp."
    )


def _consolidated_sections(review: Review) -> dict[str, str]:
    reports = list(
        UnitReport.objects.filter(review=review, status=UnitReportStatus.SUBMITTED)
        .select_related("unit")
        .order_by("unit__order", "unit__name")
    )
    values = {}
    for name in SECTION_FIELDS:
        blocks = [f"{r.unit.name}:\n{getattr(r, name).strip()}" for r in reports if getattr(r, name).strip()]
        values[name] = "\n\n".join(blocks)
    previous = previous_actions_summary(review)
    values["s1_general"] = previous + ("\n\n" + values["s1_general"] if values["s1_general"] else "")
    tickets = review_tickets_summary(review)
    values["s3_audit_actions"] = tickets + ("\n\n" + values["s3_audit_actions"] if values["s3_audit_actions"] else "")
    # ISO 9001 9.3.2 c): the extent to which objectives are met, rolled up from the objectives app.
    objectives = objectives_review_inputs(review.year, organisation=review.organisation_id)
    for name in ("s2_policy_objectives", "s5_objectives_implementation"):
        values[name] = objectives[name] + ("\n\n" + values[name] if values[name] else "")
    values["objectives_chart_svg"] = objectives["chart_svg"]
    return values


@transaction.atomic
def consolidated_report_generate(*, review: Review, actor: User, regenerate: bool = False) -> ConsolidatedReport:
    """Pre-fill the seven sections from the submitted unit reports. Regenerating overwrites the
    secretary's edits, so it only happens when asked for explicitly."""
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, review)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status not in CONSOLIDATE_STATES:
        raise ServiceError(_("Chỉ tổng hợp báo cáo khi đang thu hoặc đã đóng thu báo cáo đơn vị."))
    report = ConsolidatedReport.objects.filter(review=review).first()
    if report is not None and not regenerate:
        raise ServiceError(_("Báo cáo tổng hợp đã có. Muốn tạo lại từ báo cáo đơn vị, hãy chọn “Tạo lại”."))
    if report is not None and report.is_final:
        raise ServiceError(_("Báo cáo tổng hợp đã hoàn thiện, không thể tạo lại."))
    values: dict[str, Any] = _consolidated_sections(review)
    if report is None:
        report = ConsolidatedReport.objects.create(review=review, updated_by=actor, **values)
        audit_record(target=report, actor=actor, action=_("Tạo báo cáo tổng hợp"), to_state=report.status)
    else:
        values.update(updated_by=actor, updated_at=timezone.now())
        save_versioned(report, version=report.version, values=values, stale_message=_stale_message())
        audit_record(target=report, actor=actor, action=_("Tạo lại báo cáo tổng hợp từ báo cáo đơn vị"))
    return report


@transaction.atomic
def consolidated_report_save(*, report: ConsolidatedReport, actor: User, version: int, data: dict[str, Any]) -> ConsolidatedReport:
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, report.review)
    if report.is_final:
        raise ServiceError(_("Báo cáo tổng hợp đã hoàn thiện, không thể sửa."))
    if report.review.status not in CONSOLIDATE_STATES:  # the meeting has reviewed it: the record is kept as is
        raise ServiceError(_("Cuộc họp không còn ở giai đoạn chuẩn bị."))
    values: dict[str, Any] = {f: data.get(f, "") for f in SECTION_FIELDS}
    values.update(updated_by=actor, updated_at=timezone.now())
    save_versioned(report, version=version, values=values, stale_message=_stale_message())
    audit_record(target=report, actor=actor, action=_("Sửa báo cáo tổng hợp"))
    return report


@transaction.atomic
def consolidated_report_finalise(*, report: ConsolidatedReport, actor: User) -> ConsolidatedReport:
    require_agency(actor, report.review)
    check_transition(CONSOLIDATED_TRANSITIONS, report.status, ConsolidatedReportStatus.FINAL, actor=actor)
    if report.review.status not in CONSOLIDATE_STATES:
        raise ServiceError(_("Cuộc họp không còn ở giai đoạn chuẩn bị."))
    if report.review.status != ReviewStatus.PREPARING:
        raise ServiceError(_("Hãy đóng thu báo cáo đơn vị trước khi hoàn thiện báo cáo tổng hợp."))
    state_transition(
        instance=report,
        to_state=ConsolidatedReportStatus.FINAL,
        actor=actor,
        action=_("Hoàn thiện báo cáo tổng hợp"),
        extra={"finalised_at": timezone.now()},
    )
    return report
