"""Step 3 of QT.HT.06 §5.1: each unit's report BM.HT.06.02, drafted and submitted by the unit's head,
returned by the secretary for completion, until the secretary closes the collection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import format_date, format_datetime
from qms.errors import NotAllowed, ServiceError
from qms.messages import N_, Message
from qms.models import User
from qms.roles import Role
from qms.services import audit_record, notification_send, state_transition
from qms.transitions import Transition, check_transition
from qms.uploads import validate_uploads

from ..models import (
    REPORT_EDITABLE_STATES,
    SECTION_FIELDS,
    UNIT_REPORT_TRANSITIONS,
    ConsolidatedReport,
    ReportAttachment,
    Review,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)
from ..rules import can_edit_report, can_submit_report
from ..selectors import consolidated_staleness, report_edit_url, report_url, review_url
from .common import check_review_move, require_agency, save_versioned
from .consolidated import consolidated_report_rebuild


def _require_report_editor(actor: User, report: UnitReport) -> None:
    require_agency(actor, report.review)
    if not can_edit_report(actor, report):
        raise NotAllowed(_("Chỉ lãnh đạo, đầu mối ISO và chuyên viên của đơn vị này mới được soạn báo cáo."))


def _report_editor(report: UnitReport) -> Callable[[User, Transition], bool]:
    def may_act(user: User, row: Transition) -> bool:
        return can_edit_report(user, report)

    return may_act


def _report_submitter(report: UnitReport) -> Callable[[User, Transition], bool]:
    def may_act(user: User, row: Transition) -> bool:
        return can_submit_report(user, report)

    return may_act


def _lock_open_review(report: UnitReport) -> Review:
    # Locked so that closing the collection waits for a submission in progress (and vice versa).
    review = Review.objects.select_for_update().get(pk=report.review_id)
    if review.status != ReviewStatus.COLLECTING:
        closed = review.collection_closed_at
        raise ServiceError(
            _(
                "Thư ký ISO đã đóng thu báo cáo%(at)s; báo cáo không thể lưu hay nộp nữa. Nội dung bạn vừa nhập vẫn "
                "còn trên biểu mẫu: hãy sao lưu và liên hệ Thư ký ISO."
            )
            % {"at": (" " + _("lúc %(t)s") % {"t": format_datetime(closed)}) if closed else ""}
        )
    return review


@transaction.atomic
def unit_report_save(
    *,
    report: UnitReport,
    actor: User,
    data: Mapping[str, str],
    version: int,
    files: Sequence[UploadedFile] = (),
    submit: bool = False,
    now: dt.datetime | None = None,
) -> UnitReport:
    """Step 3: the unit's head, focal points or staff save BM.HT.06.02 as a draft; the head (or the focal
    point the head named) submits it. Lateness is judged on the first
    submission only: a report returned for revision and submitted again keeps its first submission time and
    its verdict, so a unit that reported in time is never made late by the secretary's return."""
    _require_report_editor(actor, report)
    if submit and not can_submit_report(actor, report):
        raise NotAllowed(_("Chỉ lãnh đạo đơn vị (hoặc đầu mối ISO được lãnh đạo đơn vị giao) mới được nộp báo cáo."))
    review = _lock_open_review(report)
    if report.status not in REPORT_EDITABLE_STATES:
        raise ServiceError(_("Báo cáo đã nộp. Chỉ sửa được khi Thư ký ISO trả lại để bổ sung."))
    try:
        validate_uploads(list(files), stored_bytes=report.attachments.aggregate(total=Sum("size"))["total"] or 0)
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages), field="attachments") from exc
    sections = {f: (data.get(f) or "").strip() for f in SECTION_FIELDS}
    if submit:
        missing = [str(f.verbose_name) for f in UnitReport._meta.fields if f.name in SECTION_FIELDS and not sections[f.name]]
        if missing:
            raise ServiceError(_("Hãy điền đủ các mục trước khi nộp: %(list)s") % {"list": "; ".join(missing)})
    now = now or timezone.now()
    save_versioned(
        report,
        version=version,
        values={**sections, "updated_by": actor, "updated_at": now},
        status=report.status,
        stale_message=_(
            "Báo cáo vừa được người khác lưu sau khi bạn mở trang. Nội dung bạn nhập vẫn còn trên biểu mẫu; "
            "hãy mở lại báo cáo ở tab khác để xem bản mới nhất."
        ),
    )
    for upload in files:
        ReportAttachment.objects.create(
            report=report, file=upload, original_name=(upload.name or "")[:255], size=upload.size or 0, uploaded_by=actor
        )
    editor = _report_editor(report)
    if submit:
        earlier = report.first_submitted_at or report.submitted_at  # submitted before and returned since
        resubmission = earlier is not None
        first = earlier or now
        late = timezone.localtime(first).date() > review.report_deadline
        if UNIT_REPORT_TRANSITIONS.get(report.status, UnitReportStatus.SUBMITTED) is None:
            raise ServiceError(_("Báo cáo không ở trạng thái có thể nộp."))
        check_transition(UNIT_REPORT_TRANSITIONS, report.status, UnitReportStatus.SUBMITTED, actor=actor, may_act=_report_submitter(report))
        if resubmission:
            action = N_("Nộp lại báo cáo sau khi bổ sung")
        else:
            action = N_("Nộp báo cáo (muộn)") if late else N_("Nộp báo cáo")
        state_transition(
            instance=report,
            to_state=UnitReportStatus.SUBMITTED,
            actor=actor,
            action=action,
            extra={"submitted_at": now, "first_submitted_at": first, "submitted_by": actor, "is_late": late},
        )
        notification_send(
            recipients=User.objects.with_role(Role.SECRETARY, organisation=review.organisation_id),
            subject=N_("%(unit)s đã nộp báo cáo%(late)s: %(title)s")
            % {"unit": report.unit.name, "late": N_(" (muộn)") if late and not resubmission else "", "title": review.title},
            url=report_url(report),
            email=False,
        )
    elif report.status == UnitReportStatus.NOT_STARTED:
        check_transition(UNIT_REPORT_TRANSITIONS, report.status, UnitReportStatus.DRAFT, actor=actor, may_act=editor)
        state_transition(instance=report, to_state=UnitReportStatus.DRAFT, actor=actor, action=N_("Bắt đầu soạn báo cáo"))
    return report


@transaction.atomic
def unit_report_attachment_delete(*, attachment: ReportAttachment, actor: User) -> None:
    report = attachment.report
    _require_report_editor(actor, report)
    _lock_open_review(report)
    if report.status not in REPORT_EDITABLE_STATES:
        raise ServiceError(_("Báo cáo đã nộp nên không xóa được tệp đính kèm."))
    name = attachment.original_name
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    attachment.delete()
    audit_record(target=report, actor=actor, action=N_("Xóa tệp đính kèm"), note=name)
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def unit_report_return(*, report: UnitReport, actor: User, comment: str) -> UnitReport:
    action = N_("Trả lại báo cáo để bổ sung")
    if not (comment or "").strip():
        raise ServiceError(_("Hãy ghi rõ nội dung cần bổ sung khi trả lại báo cáo."), field="comment")
    require_agency(actor, report.review)
    _lock_open_review(report)
    if UNIT_REPORT_TRANSITIONS.get(report.status, UnitReportStatus.RETURNED) is None:
        raise ServiceError(_("Chỉ trả lại được báo cáo đã nộp."))
    check_transition(UNIT_REPORT_TRANSITIONS, report.status, UnitReportStatus.RETURNED, actor=actor)
    state_transition(
        instance=report, to_state=UnitReportStatus.RETURNED, actor=actor, action=action, note=comment, extra={"return_comment": comment}
    )
    notification_send(
        recipients=User.objects.with_role(Role.UNIT_HEAD, organisation=report.review.organisation_id, unit=report.unit_id),
        subject=N_("Báo cáo của đơn vị được trả lại để bổ sung: %(title)s") % {"title": report.review.title},
        body=comment,
        url=report_edit_url(report),
    )
    return report


CLOSE_REASON_MAX = 500


@transaction.atomic
def review_collection_close(*, review: Review, actor: User, reason: str = "") -> Review:
    """The secretary stops accepting unit reports and prepares the consolidated report (BM.HT.06.03).

    The notice gave the units until the deadline ("nộp … đúng thời hạn ghi trong thông báo"): collection
    closes once the deadline day has passed, or earlier once every unit has submitted, or earlier still
    with a reason, which the audit trail and the status board show.

    A draft consolidated report built as a preview from another set of submitted reports is rebuilt from the
    final set, keeping the secretary's edits where the sections' inputs did not change (see
    consolidated_report_rebuild), unless that would replace an edited section: then, as for a draft built
    before its sources were recorded, the report is left as it is and its pages say it is stale, for the
    secretary to rebuild."""
    action = N_("Đóng thu báo cáo")
    check_review_move(review, ReviewStatus.PREPARING, actor=actor, action=action)
    missing = list(review.unit_reports.exclude(status=UnitReportStatus.SUBMITTED).select_related("unit"))
    reason = (reason or "").strip()
    early = bool(missing) and timezone.localdate() <= review.report_deadline
    if early and not reason:
        raise ServiceError(
            _("Chưa đến hạn nộp báo cáo (%(d)s) và còn %(n)d đơn vị chưa nộp: hãy ghi lý do đóng thu báo cáo sớm.")
            % {"d": format_date(review.report_deadline), "n": len(missing)},
            field="reason",
        )
    if len(reason) > CLOSE_REASON_MAX:
        raise ServiceError(_("Lý do tối đa %(n)d ký tự.") % {"n": CLOSE_REASON_MAX}, field="reason")
    if not early:
        reason = ""
    note: Message | str = N_("Chưa nộp: %(units)s") % {"units": ", ".join(r.unit.name for r in missing)} if missing else ""
    if early:
        note = N_("Đóng trước hạn %(d)s. Lý do: %(reason)s. Chưa nộp: %(units)s") % {
            "d": format_date(review.report_deadline),
            "reason": reason,
            "units": ", ".join(r.unit.name for r in missing),
        }
    state_transition(
        instance=review,
        to_state=ReviewStatus.PREPARING,
        actor=actor,
        action=action,
        note=note,
        extra={"collection_closed_at": timezone.now(), "collection_close_reason": reason},
    )
    consolidated = ConsolidatedReport.objects.filter(review=review).select_related("review").first()
    if consolidated is not None:
        staleness = consolidated_staleness(consolidated)
        if staleness is not None and staleness.known:
            consolidated_report_rebuild(report=consolidated, actor=actor, on_closing=True)
    if missing:
        notification_send(
            recipients=User.objects.with_role(Role.UNIT_HEAD, organisation=review.organisation_id).filter(
                unit_id__in=[r.unit_id for r in missing]
            ),
            subject=N_("Đã đóng thu báo cáo: %(title)s") % {"title": review.title},
            body=N_("Đơn vị chưa nộp báo cáo trước khi Thư ký ISO đóng thu báo cáo; hãy trình bày trực tiếp tại cuộc họp."),
            url=review_url(review),
        )
    notification_send(
        recipients=User.objects.with_role(Role.COMMITTEE_HEAD, organisation=review.organisation_id),
        subject=N_("Đã đóng thu báo cáo, chuẩn bị họp: %(title)s") % {"title": review.title},
        body=note,
        url=review_url(review),
        email=False,
    )
    return review
