"""Step 5 of QT.HT.06 §5.1: the secretary's consolidated report BM.HT.06.03, pre-filled from the units'
submitted reports, the previous review's actions, the tickets and the objectives, then edited and finalised."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from objectives.rollup import review_inputs as objectives_review_inputs
from qms.errors import ServiceError
from qms.messages import N_, Message
from qms.models import User
from qms.roles import Role
from qms.services import audit_record, state_transition
from qms.transitions import check_transition

from ..models import (
    CONSOLIDATE_STATES,
    CONSOLIDATED_S3_PARTS,
    CONSOLIDATED_TRANSITIONS,
    REPORT_SECTIONS,
    SECTION_FIELDS,
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Review,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)
from ..selectors import consolidated_sources, previous_actions_summary, review_tickets_summary, risk_inputs
from .common import require, require_agency, save_versioned


def _stale_message() -> str:
    return _(
        "Báo cáo đã được người khác sửa sau khi bạn mở trang. Nội dung của bạn chưa được lưu: hãy sao chép lại, tải lại trang rồi sửa tiếp."
    )


def _consolidated_sections(review: Review) -> dict[str, str]:
    reports = list(
        UnitReport.objects.filter(review=review, status=UnitReportStatus.SUBMITTED)
        .select_related("unit")
        .prefetch_related("attachments")
        .order_by("unit__order", "unit__name")
    )
    values = {}
    for name in SECTION_FIELDS:
        blocks = [f"{r.unit.name}:\n{getattr(r, name).strip()}" for r in reports if getattr(r, name).strip()]
        values[name] = "\n\n".join(blocks)
    previous = previous_actions_summary(review)
    # C2's input "Kết quả phân tích rủi ro" (ISO 9001 9.3.2 e): the risk tables, after the previous actions.
    risks = risk_inputs(review)
    previous += "\n\n" + risks if risks else ""
    values["s1_general"] = previous + ("\n\n" + values["s1_general"] if values["s1_general"] else "")
    tickets = review_tickets_summary(review)
    values["s3_audit_actions"] = tickets + ("\n\n" + values["s3_audit_actions"] if values["s3_audit_actions"] else "")
    # ISO 9001 9.3.2 c): the extent to which objectives are met, rolled up from the objectives app.
    objectives = objectives_review_inputs(review.year, organisation=review.organisation_id)
    for name in ("s2_policy_objectives", "s5_objectives_implementation"):
        values[name] = objectives[name] + ("\n\n" + values[name] if values[name] else "")
    values["objectives_chart_svg"] = objectives["chart_svg"]
    values["s3_records"] = _records_line(reports)
    return values


def _records_line(reports: list[UnitReport]) -> str:
    """BM.HT.06.03 §3 "Hồ sơ": the evidence the units attached to their reports, by unit."""
    lines = []
    for report in reports:
        names = [a.original_name for a in report.attachments.all()]
        if names:
            lines.append(f"- {report.unit.name}: {', '.join(names)}")
    return "\n".join(lines)


def _built(review: Review) -> dict[str, Any]:
    """A fresh build and what it was built from: the sections, the chart, the submitted reports read
    (sources) and a copy of each section as generated, against which later edits and builds are told."""
    sources = consolidated_sources(review)  # read first: the sections below read the same submitted set
    values = _consolidated_sections(review)
    return {**values, "sources": sources, "generated": {name: values[name] for name in SECTION_FIELDS}}


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
    values: dict[str, Any] = _built(review)
    if report is None:
        report = ConsolidatedReport.objects.create(review=review, updated_by=actor, **values)
        audit_record(target=report, actor=actor, action=N_("Tạo báo cáo tổng hợp"), to_state=report.status)
    else:
        values.update(updated_by=actor, updated_at=timezone.now())
        save_versioned(report, version=report.version, values=values, stale_message=_stale_message())
        audit_record(target=report, actor=actor, action=N_("Tạo lại báo cáo tổng hợp từ báo cáo đơn vị"))
    return report


@transaction.atomic
def consolidated_report_save(*, report: ConsolidatedReport, actor: User, version: int, data: dict[str, Any]) -> ConsolidatedReport:
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, report.review)
    if report.is_final:
        raise ServiceError(_("Báo cáo tổng hợp đã hoàn thiện, không thể sửa."))
    if report.review.status not in CONSOLIDATE_STATES:  # the meeting has reviewed it: the record is kept as is
        raise ServiceError(_("Cuộc họp không còn ở giai đoạn chuẩn bị."))
    values: dict[str, Any] = {f: data.get(f, "") for f in [*SECTION_FIELDS, *CONSOLIDATED_S3_PARTS]}
    values.update(updated_by=actor, updated_at=timezone.now())
    save_versioned(report, version=version, values=values, stale_message=_stale_message())
    audit_record(target=report, actor=actor, action=N_("Sửa báo cáo tổng hợp"))
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
        action=N_("Hoàn thiện báo cáo tổng hợp"),
        extra={"finalised_at": timezone.now()},
    )
    return report


@dataclass(frozen=True)
class ConsolidatedRebuild:
    """What a rebuild did, by section number (1–7): sections whose inputs changed and were replaced,
    edited sections whose inputs did not change and were kept, and edited sections whose inputs changed:
    replaced, their edited text kept in the audit note."""

    report: ConsolidatedReport
    rebuilt: bool = True
    refreshed: list[int] = field(default_factory=list)
    kept_edits: list[int] = field(default_factory=list)
    overwritten_edits: list[int] = field(default_factory=list)


@transaction.atomic
def consolidated_report_rebuild(*, report: ConsolidatedReport, actor: User, on_closing: bool = False) -> ConsolidatedRebuild:
    """Build BM.HT.06.03 again from the reports submitted now, keeping the secretary's work: a section whose
    new build equals its previous build (its inputs did not change) keeps its text, edited or not; a section
    whose inputs changed takes the new build. An edited section whose inputs changed cannot be merged: it is
    replaced and its edited text is written into the audit note. A finalised report is never rebuilt.

    `on_closing`: the automatic rebuild when the collection closes, which never replaces an edit on its own:
    when an edited section would be replaced the report is left as it is (rebuilt=False), and its pages keep
    saying it is stale until the secretary rebuilds it."""
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, report.review)
    review = Review.objects.select_for_update().get(pk=report.review_id)
    ConsolidatedReport.objects.select_for_update().filter(pk=report.pk).exists()  # lock it, then read it as it is now
    report.refresh_from_db()
    if report.is_final:
        raise ServiceError(_("Báo cáo tổng hợp đã hoàn thiện, không thể tạo lại."))
    if review.status not in CONSOLIDATE_STATES:
        raise ServiceError(_("Chỉ tổng hợp báo cáo khi đang thu hoặc đã đóng thu báo cáo đơn vị."))
    fresh = _built(review)
    previous: dict[str, str] = report.generated or {}
    values: dict[str, Any] = {"sources": fresh["sources"], "generated": fresh["generated"]}
    values["objectives_chart_svg"] = fresh["objectives_chart_svg"]
    refreshed, kept, overwritten, discarded = [], [], [], []
    for number, name in enumerate(SECTION_FIELDS, start=1):
        current, new, before = getattr(report, name), fresh[name], previous.get(name)
        if before is not None and new == before:  # inputs unchanged: the text stays, edited or not
            if current != before:
                kept.append(number)
            continue
        if current == new:
            continue
        values[name] = new
        if before is not None and current == before:  # not edited: simply brought up to date
            refreshed.append(number)
        else:  # edited (or built before edits were told apart) and its inputs changed
            overwritten.append(number)
            discarded.append((number, current))
    if on_closing and overwritten:
        return ConsolidatedRebuild(report=report, rebuilt=False, kept_edits=kept, overwritten_edits=overwritten)
    values.update(updated_by=actor, updated_at=timezone.now())
    save_versioned(report, version=report.version, values=values, stale_message=_stale_message())
    audit_record(
        target=report,
        actor=actor,
        action=N_("Lập lại báo cáo tổng hợp khi đóng thu báo cáo") if on_closing else N_("Lập lại báo cáo tổng hợp từ các báo cáo đã nộp"),
        note=_rebuild_note(len(fresh["sources"]), refreshed, kept, discarded),
    )
    return ConsolidatedRebuild(report=report, refreshed=sorted(refreshed + overwritten), kept_edits=kept, overwritten_edits=overwritten)


def _section_numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _rebuild_note(count: int, refreshed: list[int], kept: list[int], discarded: list[tuple[int, str]]) -> Message:
    lines: list[Message | str] = [N_("Lập từ %(n)s báo cáo đơn vị đã nộp.") % {"n": count}]
    if refreshed:
        lines.append(N_("Mục cập nhật theo báo cáo mới: %(list)s.") % {"list": _section_numbers(refreshed)})
    if kept:
        lines.append(N_("Mục giữ nội dung đã biên tập: %(list)s.") % {"list": _section_numbers(kept)})
    for number, text in discarded:
        lines.append(N_("Mục %(n)s đã biên tập nhưng nguồn thay đổi nên được thay; nội dung đã biên tập:") % {"n": number})
        # The section's title in the reader's language; the edited text as typed.
        lines.append(Message("[%(label)s]\n%(text)s", {"label": REPORT_SECTIONS[number - 1][1], "text": text}))
    return Message.join(lines)
