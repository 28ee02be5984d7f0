"""QT.CTCL 5.8.2: the management review through the secretary's report and the leaders' result notice.

5.8.2.1: the ISO secretary drafts the report (every input of 5.8.1.1, pre-filled), sends it to the Lãnh đạo
Ban ISO, who approves it or returns it with a comment; the approved report goes to the top leader and every
member of the Ban ISO for comments by a deadline in working days (one reminder each: reviews.reminders_by_report).
5.8.2.2: the secretary consolidates the comments into the result notice (every output of 5.8.1.2 and the
actions, with unit and deadline), the Lãnh đạo Ban ISO forwards it to the top leader, who approves or returns
it; the approved notice is numbered and sent to the units, and its actions are followed up as a meeting's
(reviews.services.followup) and listed in the next review's inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qms.dates import format_date
from qms.errors import NotAllowed, ServiceError
from qms.forms import implausible_year
from qms.messages import N_, Message
from qms.models import Unit, User
from qms.roles import Role
from qms.services import audit_record, document_number_next, notification_send, state_transition
from qms.transitions import check_transition
from qms.workdays import add_working_days

from ..models import (
    BY_REPORT_EDITABLE_STATES,
    BY_REPORT_INPUT_FIELDS,
    BY_REPORT_TRANSITIONS,
    RESULT_NOTICE_CONTENT_FIELDS,
    RESULT_NOTICE_EDITABLE_STATES,
    RESULT_NOTICE_TRANSITIONS,
    ByReportComment,
    OutputHeading,
    ResultNotice,
    ResultNoticeStatus,
    Review,
    ReviewAction,
    ReviewByReport,
    ReviewStatus,
)
from ..selectors_by_report import by_report_prefill, by_report_url, result_notice_url
from ..yearly import next_free_sequence
from .common import actor_agency, check_same_agency_units, require, require_agency, save_versioned

# The comment round's default length, and the bounds the Lãnh đạo Ban ISO may set.
COMMENT_WORKING_DAYS = 5
COMMENT_WORKING_DAYS_MAX = 30
# The result notice is a "Thông báo" under the agency's notice symbol (TB-BCĐ ISO), like the meeting notice
# BM.HT.06.01: one series, so that two notices never share a number in a year.
NOTICE_SERIES = "review-notice"
TITLE_MAX = 255


def _stale_message() -> str:
    return _(
        "Nội dung đã được người khác sửa sau khi bạn mở trang. Nội dung của bạn chưa được lưu: hãy sao chép lại, tải lại trang rồi sửa tiếp."
    )


def _people(review: Review, *roles: Role) -> list[User]:
    return list(User.objects.with_role(*roles, organisation=review.organisation_id))


def _check_by_report(review: Review) -> None:
    if review.kind != Review.Kind.BY_REPORT:
        raise ServiceError(_("Cuộc xem xét này tổ chức bằng cuộc họp, không thông qua báo cáo."))


def _move(review: Review, target: ReviewStatus, *, actor: User, action: Message, extra: Mapping[str, Any] | None = None) -> Review:
    """A move of the review on the by-report path, checked against BY_REPORT_TRANSITIONS."""
    require_agency(actor, review)
    _check_by_report(review)
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if BY_REPORT_TRANSITIONS.get(locked.status, target) is None:
        raise ServiceError(
            _("Không thể %(action)s khi cuộc xem xét đang ở trạng thái “%(state)s”.")
            % {"action": str(action).lower(), "state": locked.get_status_display()}
        )
    check_transition(BY_REPORT_TRANSITIONS, locked.status, target, actor=actor)
    state_transition(instance=locked, to_state=target, actor=actor, action=action, extra=extra)
    review.refresh_from_db()
    return locked


# --- 5.8.2.1: the report ---


@transaction.atomic
def by_report_create(*, actor: User, title: str, year: int) -> Review:
    """The secretary opens a review by report of `year`: the review (kind "by report") and its report,
    pre-filled from what the product knows (reviews.selectors_by_report.by_report_prefill)."""
    require(actor, Role.SECRETARY, "reviews.manage_by_report")
    organisation = actor_agency(actor)
    title = (title or "").strip()
    if not title:
        raise ServiceError(_("Hãy ghi tên cuộc xem xét."), field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(_("Tên tối đa %(n)d ký tự.") % {"n": TITLE_MAX}, field="title")
    if error := implausible_year(year, _("Năm")):
        raise ServiceError(error, field="year")
    now = timezone.now()
    kind = Review.Kind.BY_REPORT
    review = Review.objects.create(
        organisation=organisation,
        kind=kind,
        year=year,
        sequence=next_free_sequence(organisation=organisation, year=year, kind=kind),
        title=title,
        # No meeting: its date is the day the review is opened, then the day the result notice is approved.
        meeting_start=now,
        report_deadline=timezone.localdate(now),
        location="",
        agenda="",
        report_recipient="",
        created_by=actor,
    )
    report = ReviewByReport.objects.create(review=review, created_by=actor, updated_by=actor, **by_report_prefill(review))
    audit_record(target=review, actor=actor, action=N_("Lập báo cáo kết quả hoạt động vận hành duy trì HTQLCL"), to_state=review.status)
    audit_record(target=report, actor=actor, action=N_("Lập báo cáo kết quả hoạt động vận hành duy trì HTQLCL"))
    return review


@transaction.atomic
def by_report_save(*, report: ReviewByReport, actor: User, version: int, data: Mapping[str, Any]) -> ReviewByReport:
    require(actor, Role.SECRETARY, "reviews.manage_by_report")
    require_agency(actor, report.review)
    if report.review.status not in BY_REPORT_EDITABLE_STATES:
        raise ServiceError(_("Báo cáo đã trình hoặc đã được phê duyệt nên không sửa được."))
    values = {f: (data.get(f) or "").strip() for f in [*BY_REPORT_INPUT_FIELDS, "unit_reports_summary"]}
    save_versioned(report, version=version, values={**values, "updated_by": actor}, stale_message=_stale_message())
    audit_record(target=report, actor=actor, action=N_("Sửa báo cáo kết quả vận hành HTQLCL"))
    return report


@transaction.atomic
def by_report_submit(*, report: ReviewByReport, actor: User) -> ReviewByReport:
    """To the Lãnh đạo Ban ISO for approval: refused while an input of 5.8.1.1 is blank."""
    require_agency(actor, report.review)
    _check_by_report(report.review)
    check_transition(BY_REPORT_TRANSITIONS, report.review.status, ReviewStatus.PENDING_APPROVAL, actor=actor)
    report.refresh_from_db()
    missing = report.missing_inputs()
    if missing:
        raise ServiceError(
            _("Báo cáo chưa đủ các nội dung đầu vào (QT.CTCL 5.8.1.1): thiếu “%(items)s”.") % {"items": "”, “".join(map(str, missing))}
        )
    review = _move(report.review, ReviewStatus.PENDING_APPROVAL, actor=actor, action=N_("Trình Lãnh đạo Ban ISO phê duyệt báo cáo"))
    ReviewByReport.objects.filter(pk=report.pk).update(submitted_at=timezone.now())
    report.refresh_from_db()
    notification_send(
        recipients=_people(review, Role.COMMITTEE_HEAD),
        subject=N_("Đề nghị phê duyệt báo cáo kết quả vận hành HTQLCL: %(t)s") % {"t": review.title},
        url=by_report_url(review),
    )
    return report


@transaction.atomic
def by_report_approve(
    *, report: ReviewByReport, actor: User, working_days: int = COMMENT_WORKING_DAYS, today: dt.date | None = None
) -> ReviewByReport:
    """The Lãnh đạo Ban ISO approves: the report goes to the top leader and every member of the Ban ISO for
    comments by `working_days` working days from today."""
    if not 1 <= working_days <= COMMENT_WORKING_DAYS_MAX:
        raise ServiceError(
            _("Thời hạn cho ý kiến phải từ 1 đến %(n)d ngày làm việc.") % {"n": COMMENT_WORKING_DAYS_MAX}, field="working_days"
        )
    review = report.review
    today = today or timezone.localdate()
    deadline = add_working_days(today, working_days, review.organisation_id)
    review = _move(review, ReviewStatus.APPROVED, actor=actor, action=N_("Phê duyệt báo cáo kết quả vận hành HTQLCL"))
    ReviewByReport.objects.filter(pk=report.pk).update(approved_by=actor, approved_at=timezone.now(), comment_deadline=deadline)
    report.refresh_from_db()
    reviewers = _people(review, Role.TOP_LEADER, Role.COMMITTEE_MEMBER)
    ByReportComment.objects.bulk_create([ByReportComment(report=report, reviewer=u) for u in reviewers], ignore_conflicts=True)
    notification_send(
        recipients=reviewers,
        subject=N_("Đề nghị cho ý kiến về báo cáo kết quả vận hành HTQLCL trước ngày %(d)s") % {"d": format_date(deadline)},
        body=N_("%(t)s. Lãnh đạo Ban ISO đã phê duyệt báo cáo; đề nghị cho ý kiến để Thư ký ISO tổng hợp.") % {"t": review.title},
        url=by_report_url(review),
    )
    notification_send(
        recipients=_people(review, Role.SECRETARY),
        subject=N_("Báo cáo kết quả vận hành HTQLCL đã được phê duyệt: %(t)s") % {"t": review.title},
        url=by_report_url(review),
    )
    return report


@transaction.atomic
def by_report_return(*, report: ReviewByReport, actor: User, comment: str) -> ReviewByReport:
    comment = (comment or "").strip()
    review = report.review
    require_agency(actor, review)
    _check_by_report(review)
    check_transition(BY_REPORT_TRANSITIONS, review.status, ReviewStatus.RETURNED, actor=actor)
    if not comment:
        raise ServiceError(_("Hãy ghi rõ lý do trả lại."), field="comment")
    review = _move(review, ReviewStatus.RETURNED, actor=actor, action=N_("Trả lại báo cáo để sửa"))
    ReviewByReport.objects.filter(pk=report.pk).update(head_comment=comment)
    report.refresh_from_db()
    audit_record(target=report, actor=actor, action=N_("Trả lại báo cáo để sửa"), note=comment)
    notification_send(
        recipients=_people(review, Role.SECRETARY),
        subject=N_("Báo cáo kết quả vận hành HTQLCL bị trả lại: %(t)s") % {"t": review.title},
        body=comment,
        url=by_report_url(review),
    )
    return report


def comment_round_open(report: ReviewByReport) -> bool:
    """Comments are taken once the report is approved and until the result notice goes to the Lãnh đạo Ban
    ISO (a late comment is still taken: the secretary sees it is late)."""
    if report.review.status != ReviewStatus.APPROVED:
        return False
    notice = ResultNotice.objects.filter(review=report.review_id).values_list("status", flat=True).first()
    return notice is None or notice in RESULT_NOTICE_EDITABLE_STATES


@transaction.atomic
def by_report_comment(*, report: ReviewByReport, actor: User, text: str) -> ByReportComment:
    """The top leader's or a member's comment; given again, it replaces their earlier one."""
    require_agency(actor, report.review)
    if not actor.has_role_perm("reviews.comment_by_report"):
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."))
    row = ByReportComment.objects.select_for_update().filter(report=report, reviewer=actor).first()
    if row is None:
        raise NotAllowed(_("Báo cáo này không gửi bạn để cho ý kiến."))
    if not comment_round_open(report):
        raise ServiceError(_("Đã kết thúc lấy ý kiến về báo cáo này."))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Hãy ghi ý kiến (hoặc “Nhất trí”)."), field="text")
    ByReportComment.objects.filter(pk=row.pk).update(text=text, answered_at=timezone.now())
    row.refresh_from_db()
    audit_record(target=report, actor=actor, action=N_("Cho ý kiến về báo cáo"), note=text)
    return row


# --- 5.8.2.2: the result notice ---


def _comments_digest(report: ReviewByReport) -> str:
    lines = []
    for c in report.comments.select_related("reviewer").filter(answered_at__isnull=False).order_by("pk"):
        who = c.reviewer.display_name + (f" ({c.reviewer.job_title})" if c.reviewer.job_title else "")
        lines.append(f"- {who}: {c.text}")
    return "\n".join(lines)


@transaction.atomic
def result_notice_create(*, review: Review, actor: User) -> ResultNotice:
    """The secretary opens the result notice once the report is approved, pre-filled with the comments."""
    require(actor, Role.SECRETARY, "reviews.manage_by_report")
    require_agency(actor, review)
    _check_by_report(review)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.APPROVED:
        raise ServiceError(_("Chỉ lập thông báo kết quả khi báo cáo đã được Lãnh đạo Ban ISO phê duyệt."))
    existing = ResultNotice.objects.filter(review=review).first()
    if existing is not None:
        return existing
    notice = ResultNotice.objects.create(review=review, comments_summary=_comments_digest(review.by_report), updated_by=actor)
    audit_record(target=notice, actor=actor, action=N_("Lập thông báo kết quả xem xét của lãnh đạo"), to_state=notice.status)
    return notice


def _check_notice_editable(notice: ResultNotice) -> None:
    if notice.status not in RESULT_NOTICE_EDITABLE_STATES or notice.review.status != ReviewStatus.APPROVED:
        raise ServiceError(_("Thông báo đã trình hoặc đã được phê duyệt nên không sửa được."))


@transaction.atomic
def result_notice_save(
    *,
    notice: ResultNotice,
    actor: User,
    version: int,
    data: Mapping[str, Any],
    actions: list[dict[str, Any]],
    today: dt.date | None = None,
) -> ResultNotice:
    """The content and the actions decided (unit, deadline, output heading). `actions` rows carry the id of
    an existing action or none for a new one; an action missing from the list is removed."""
    require(actor, Role.SECRETARY, "reviews.manage_by_report")
    require_agency(actor, notice.review)
    _check_notice_editable(notice)
    check_same_agency_units(notice.review.organisation_id, [row.get("responsible_unit") for row in actions], field="responsible_unit")
    today = today or timezone.localdate()
    existing = {a.pk: a for a in notice.actions.all()}
    for row in actions:
        row["output_heading"] = row.get("output_heading") or OutputHeading.OTHER
        if not (row.get("description") or "").strip():
            raise ServiceError(_("Hãy ghi nội dung hành động."), field="description")
        kept = existing.get(row.get("id") or 0)
        if row["deadline"] < today and not (kept and kept.deadline == row["deadline"]):
            raise ServiceError(_("Thời hạn hoàn thành không được ở trong quá khứ."), field="deadline")
    values = {f: (data.get(f) or "").strip() for f in RESULT_NOTICE_CONTENT_FIELDS}
    save_versioned(
        notice,
        version=version,
        values={**values, "updated_by": actor},
        status__in=RESULT_NOTICE_EDITABLE_STATES,
        stale_message=_stale_message(),
    )
    kept_ids = set()
    for row in actions:
        action = existing.get(row.get("id") or 0) or ReviewAction(review=notice.review, result_notice=notice)
        action.description = row["description"].strip()
        unit = row["responsible_unit"]
        action.responsible_unit = unit if isinstance(unit, Unit) else Unit.objects.get(pk=unit)
        action.deadline = row["deadline"]
        action.output_heading = row["output_heading"]
        action.save()
        kept_ids.add(action.pk)
    stale = [pk for pk in existing if pk not in kept_ids]
    if stale:
        ReviewAction.objects.filter(pk__in=stale).delete()
    audit_record(target=notice, actor=actor, action=N_("Sửa thông báo kết quả xem xét của lãnh đạo"))
    return notice


def _check_complete(notice: ResultNotice) -> None:
    """Every output of 5.8.1.2: each required heading holds a decision, an action or "Không có"."""
    missing = [str(h) for h in notice.missing_outputs()]
    if missing:
        raise ServiceError(
            _("Thông báo chưa đủ các đầu ra (QT.CTCL 5.8.1.2): thiếu “%(headings)s” (ghi quyết định, giao hành động hoặc ghi “Không có”).")
            % {"headings": "”, “".join(missing)}
        )
    if not notice.conclusions.strip():
        raise ServiceError(_("Thông báo chưa có kết luận chung."), field="conclusions")


def _notice_move(
    notice: ResultNotice,
    target: ResultNoticeStatus,
    *,
    actor: User,
    action: Message,
    note: str = "",
    extra: Mapping[str, Any] | None = None,
) -> None:
    require_agency(actor, notice.review)
    check_transition(RESULT_NOTICE_TRANSITIONS, notice.status, target, actor=actor)
    state_transition(instance=notice, to_state=target, actor=actor, action=action, note=note, extra=extra)
    notice.refresh_from_db()


@transaction.atomic
def result_notice_submit(*, notice: ResultNotice, actor: User) -> ResultNotice:
    """To the Lãnh đạo Ban ISO: refused while an output heading is missing. Closes the comment round."""
    require_agency(actor, notice.review)
    check_transition(RESULT_NOTICE_TRANSITIONS, notice.status, ResultNoticeStatus.SUBMITTED, actor=actor)
    if notice.review.status != ReviewStatus.APPROVED:
        raise ServiceError(_("Báo cáo của cuộc xem xét chưa được phê duyệt."))
    _check_complete(notice)
    _notice_move(
        notice,
        ResultNoticeStatus.SUBMITTED,
        actor=actor,
        action=N_("Trình Lãnh đạo Ban ISO thông báo kết quả xem xét"),
        extra={"submitted_at": timezone.now(), "return_comment": ""},
    )
    notification_send(
        recipients=_people(notice.review, Role.COMMITTEE_HEAD),
        subject=N_("Đề nghị trình Lãnh đạo cao nhất thông báo kết quả xem xét: %(t)s") % {"t": notice.review.title},
        url=result_notice_url(notice.review),
    )
    return notice


@transaction.atomic
def result_notice_forward(*, notice: ResultNotice, actor: User) -> ResultNotice:
    """The Lãnh đạo Ban ISO forwards the notice to the top leader for approval."""
    _notice_move(
        notice,
        ResultNoticeStatus.FORWARDED,
        actor=actor,
        action=N_("Trình Lãnh đạo cao nhất phê duyệt thông báo kết quả"),
        extra={"forwarded_by": actor, "forwarded_at": timezone.now()},
    )
    notification_send(
        recipients=_people(notice.review, Role.TOP_LEADER),
        subject=N_("Đề nghị phê duyệt thông báo kết quả xem xét của lãnh đạo: %(t)s") % {"t": notice.review.title},
        url=result_notice_url(notice.review),
    )
    return notice


@transaction.atomic
def result_notice_return(*, notice: ResultNotice, actor: User, comment: str) -> ResultNotice:
    """The Lãnh đạo Ban ISO (before forwarding) or the top leader (before approving) returns it to the secretary."""
    require_agency(actor, notice.review)
    check_transition(RESULT_NOTICE_TRANSITIONS, notice.status, ResultNoticeStatus.RETURNED, actor=actor)
    comment = (comment or "").strip()
    if not comment:
        raise ServiceError(_("Hãy ghi rõ lý do trả lại."), field="comment")
    _notice_move(
        notice,
        ResultNoticeStatus.RETURNED,
        actor=actor,
        action=N_("Trả lại thông báo kết quả để sửa"),
        note=comment,
        extra={"return_comment": comment},
    )
    notification_send(
        recipients=_people(notice.review, Role.SECRETARY),
        subject=N_("Thông báo kết quả xem xét bị trả lại: %(t)s") % {"t": notice.review.title},
        body=comment,
        url=result_notice_url(notice.review),
    )
    return notice


@transaction.atomic
def result_notice_approve(*, notice: ResultNotice, actor: User, now: dt.datetime | None = None) -> ResultNotice:
    """The top leader approves: the notice is numbered (the agency's notice series), the review is held (its
    date is today's), the notice goes to the units and its actions are followed up from now on."""
    review = notice.review
    require_agency(actor, review)
    check_transition(RESULT_NOTICE_TRANSITIONS, notice.status, ResultNoticeStatus.APPROVED, actor=actor)
    _check_complete(notice)
    now = now or timezone.now()
    year = timezone.localtime(now).year
    number = document_number_next(organisation=review.organisation, series=NOTICE_SERIES, year=year)
    _notice_move(
        notice,
        ResultNoticeStatus.APPROVED,
        actor=actor,
        action=N_("Phê duyệt thông báo kết quả xem xét của lãnh đạo"),
        extra={"approved_by": actor, "approved_at": now, "number": number, "number_year": year},
    )
    _move(review, ReviewStatus.SIGNED, actor=actor, action=N_("Phê duyệt thông báo kết quả xem xét"), extra={"meeting_start": now})
    units = Unit.objects.of(review.organisation_id).active()
    review.units.set(units)
    org = review.organisation
    number_text = f"{number:02d}/{org.notice_symbol}"
    notification_send(
        recipients=User.objects.with_role(Role.UNIT_HEAD, Role.FOCAL_POINT, organisation=org).filter(unit__in=units),
        subject=N_("Thông báo kết quả xem xét của lãnh đạo số %(n)s: %(t)s") % {"n": number_text, "t": review.title},
        body=N_("Đề nghị các đơn vị triển khai thực hiện các kết luận và hành động được giao."),
        url=result_notice_url(review),
    )
    notification_send(
        recipients=_people(review, Role.SECRETARY, Role.COMMITTEE_HEAD, Role.COMMITTEE_MEMBER),
        subject=N_("Thông báo kết quả xem xét của lãnh đạo số %(n)s đã được phê duyệt: %(t)s") % {"n": number_text, "t": review.title},
        url=result_notice_url(review),
    )
    return notice
