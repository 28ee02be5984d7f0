import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from corrective_actions.models import Source as TicketSource
from corrective_actions.models import Ticket
from corrective_actions.services import ticket_open_from_source
from corrective_actions.summary import tickets_summary
from objectives.rollup import review_inputs as objectives_review_inputs
from qms.errors import ServiceError, StaleEditError
from qms.models import MinutesForm, Organisation, User
from qms.roles import Role
from qms.services import (
    audit_record,
    check_transition,
    document_number_next,
    notification_send,
    reminder_claim,
    state_transition,
)
from qms.uploads import validate_upload
from qms.workdays import add_working_days, previous_working_day

from .ics import invitation_mime_part, review_invitation_ics
from .models import (
    ACTION_TRANSITIONS,
    CONSOLIDATED_TRANSITIONS,
    EDITABLE_PLAN_STATES,
    MINUTES_TRANSITIONS,
    REVIEW_TRANSITIONS,
    SECTION_FIELDS,
    UNIT_REPORT_TRANSITIONS,
    ActionStatus,
    ActionUpdate,
    ConsolidatedReport,
    Delivery,
    Minutes,
    MinutesAttendee,
    ReportAttachment,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)

# --- Plan, approval, notice, unit reports, reminders (QT.HT.06 §5.1) ---

PLAN_FIELDS = [
    "kind",
    "title",
    "year",
    "sequence",
    "meeting_start",
    "meeting_end",
    "location",
    "agenda",
    "report_deadline",
    "report_recipient",
    "related_parties",
]
REPORT_EDITABLE_STATES = {UnitReportStatus.NOT_STARTED, UnitReportStatus.DRAFT, UnitReportStatus.RETURNED}


def _fmt_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _fmt_datetime(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def users_with_role(role: Role, *, units: Iterable[int] | None = None) -> models.QuerySet[User]:
    qs = User.objects.filter(groups__name=role.value, is_active=True)
    if units is not None:
        qs = qs.filter(unit_id__in=list(units))
    return qs.distinct()


def _require(actor: User, role: Role, perm: str) -> None:
    """The role named by the transition table and the model permission granted to that role's group."""
    if not (actor.is_authenticated and actor.has_role(role) and actor.has_perm(perm)):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def _check_review_move(review: Review, to_state: str, action: str) -> Role:
    role = REVIEW_TRANSITIONS.get((review.status, to_state))
    if role is None:
        raise ServiceError(
            _("Không thể %(action)s khi cuộc họp đang ở trạng thái “%(state)s”.")
            % {"action": action.lower(), "state": review.get_status_display()}
        )
    return role


def _review_url(review: Review) -> str:
    return reverse("reviews:detail", args=[review.pk])


def _report_url(report: UnitReport) -> str:
    return reverse("reviews:report_detail", args=[report.pk])


def _check_plan_dates(data: Mapping[str, Any]) -> None:
    start, end, deadline = data["meeting_start"], data.get("meeting_end"), data["report_deadline"]
    if end is not None and end <= start:
        raise ServiceError(_("Thời gian kết thúc phải sau thời gian bắt đầu họp."), field="meeting_end")
    if deadline >= timezone.localtime(start).date():
        raise ServiceError(_("Hạn nộp báo cáo phải trước ngày họp."), field="report_deadline")


@transaction.atomic
def review_plan_create(*, actor: User, data: Mapping[str, Any]) -> Review:
    """Step 1: the secretary drafts the plan (periodic or extraordinary)."""
    _require(actor, Role.SECRETARY, "reviews.plan_review")
    _check_plan_dates(data)
    review = Review.objects.create(created_by=actor, **{f: data[f] for f in PLAN_FIELDS if f in data})
    review.units.set(data["units"])
    review.attendees.set(data.get("attendees") or [])
    audit_record(target=review, actor=actor, action=_("Lập kế hoạch họp xem xét"), to_state=review.status)
    return review


@transaction.atomic
def review_plan_update(*, review: Review, actor: User, data: Mapping[str, Any], version: int) -> Review:
    """Saves the plan only if nobody saved or moved it since `version` was loaded."""
    _require(actor, Role.SECRETARY, "reviews.plan_review")
    if review.status not in EDITABLE_PLAN_STATES:
        raise ServiceError(_("Kế hoạch đã trình hoặc đã được phê duyệt nên không sửa được."))
    _check_plan_dates(data)
    fields = {f: data[f] for f in PLAN_FIELDS if f in data}
    changed = Review.objects.filter(pk=review.pk, version=version, status__in=EDITABLE_PLAN_STATES).update(
        **fields, version=models.F("version") + 1, updated_at=timezone.now()
    )
    if changed != 1:
        raise StaleEditError(
            _(
                "Kế hoạch vừa được người khác sửa hoặc chuyển trạng thái sau khi bạn mở trang. Nội dung bạn nhập "
                "vẫn còn trên biểu mẫu; hãy mở lại kế hoạch ở tab khác để xem bản mới nhất rồi nhập lại thay đổi."
            )
        )
    review.refresh_from_db()
    review.units.set(data["units"])
    review.attendees.set(data.get("attendees") or [])
    audit_record(target=review, actor=actor, action=_("Sửa kế hoạch"))
    return review


@transaction.atomic
def review_plan_submit(*, review: Review, actor: User) -> Review:
    action = _("Trình phê duyệt kế hoạch")
    role = _check_review_move(review, ReviewStatus.PENDING_APPROVAL, action)
    _require(actor, role, "reviews.plan_review")
    if not review.units.exists():
        raise ServiceError(_("Kế hoạch chưa có đơn vị báo cáo nào."))
    state_transition(instance=review, to_state=ReviewStatus.PENDING_APPROVAL, actor=actor, action=action)
    notification_send(
        recipients=users_with_role(Role.COMMITTEE_HEAD),
        subject=_("Kế hoạch họp xem xét chờ phê duyệt: %(title)s") % {"title": review.title},
        body=_("Thư ký ISO %(name)s đã trình kế hoạch; thời gian họp dự kiến %(when)s.")
        % {"name": actor.display_name, "when": _fmt_datetime(review.meeting_start)},
        url=_review_url(review),
    )
    return review


@transaction.atomic
def review_plan_approve(*, review: Review, actor: User, comment: str = "") -> Review:
    action = _("Phê duyệt kế hoạch")
    _require(actor, Role.COMMITTEE_HEAD, "reviews.approve_review")
    _check_review_move(review, ReviewStatus.APPROVED, action)
    state_transition(
        instance=review,
        to_state=ReviewStatus.APPROVED,
        actor=actor,
        action=action,
        note=comment,
        extra={"approved_by": actor, "approved_at": timezone.now(), "head_comment": comment},
    )
    notification_send(
        recipients=users_with_role(Role.SECRETARY),
        subject=_("Kế hoạch đã được phê duyệt: %(title)s") % {"title": review.title},
        body=_("Hãy phát hành thông báo họp (BM.HT.06.01) đến thành phần tham dự."),
        url=_review_url(review),
    )
    return review


@transaction.atomic
def review_plan_return(*, review: Review, actor: User, comment: str) -> Review:
    action = _("Trả lại kế hoạch")
    _require(actor, Role.COMMITTEE_HEAD, "reviews.approve_review")
    if not (comment or "").strip():
        raise ServiceError(_("Hãy ghi rõ lý do trả lại kế hoạch."), field="comment")
    _check_review_move(review, ReviewStatus.RETURNED, action)
    state_transition(
        instance=review,
        to_state=ReviewStatus.RETURNED,
        actor=actor,
        action=action,
        note=comment,
        extra={"head_comment": comment},
    )
    notification_send(
        recipients=users_with_role(Role.SECRETARY),
        subject=_("Kế hoạch bị trả lại để sửa: %(title)s") % {"title": review.title},
        body=comment,
        url=_review_url(review),
    )
    return review


@transaction.atomic
def review_plan_reopen(*, review: Review, actor: User) -> Review:
    """An approved plan whose date must change (e.g. too close for the notice) goes back to draft and
    needs approval again."""
    action = _("Điều chỉnh kế hoạch đã duyệt")
    role = _check_review_move(review, ReviewStatus.DRAFT, action)
    _require(actor, role, "reviews.plan_review")
    state_transition(
        instance=review, to_state=ReviewStatus.DRAFT, actor=actor, action=action, extra={"approved_by": None, "approved_at": None}
    )
    return review


def review_notice_earliest_meeting_date(*, today: dt.date | None = None) -> dt.date:
    return add_working_days(today or timezone.localdate(), Organisation.current().notice_lead_working_days)


@transaction.atomic
def review_notice_issue(*, review: Review, actor: User, today: dt.date | None = None) -> Review:
    """Step 2: notice BM.HT.06.01, at least N working days before the meeting (QT.HT.06 §5.1). Opens the
    collection of the units' reports BM.HT.06.02; the e-mail with the calendar invitation goes after commit."""
    action = _("Phát hành thông báo họp")
    _require(actor, Role.SECRETARY, "reviews.manage_review")
    _check_review_move(review, ReviewStatus.COLLECTING, action)
    today = today or timezone.localdate()
    org = Organisation.current()
    earliest = add_working_days(today, org.notice_lead_working_days)
    if review.meeting_date < earliest:
        raise ServiceError(
            _("Cuộc họp phải được thông báo trước ít nhất %(n)d ngày làm việc: ngày họp sớm nhất có thể là %(date)s.")
            % {"n": org.notice_lead_working_days, "date": _fmt_date(earliest)}
        )
    if review.report_deadline < today:  # the notice would ask for reports already overdue
        raise ServiceError(
            _("Hạn nộp báo cáo đơn vị (%(date)s) đã qua: hãy điều chỉnh kế hoạch trước khi phát hành thông báo.")
            % {"date": _fmt_date(review.report_deadline)}
        )
    number = document_number_next(series="review-notice", year=today.year)
    issued_at = timezone.now()
    if today != timezone.localdate():  # a notice recorded for another day (demo data, back-filled records)
        issued_at = timezone.make_aware(dt.datetime.combine(today, timezone.localtime(issued_at).time()))
    state_transition(
        instance=review,
        to_state=ReviewStatus.COLLECTING,
        actor=actor,
        action=action,
        note=_("Số %(number)02d/%(symbol)s") % {"number": number, "symbol": org.notice_symbol},
        extra={"notice_number": number, "notice_year": today.year, "notice_issued_at": issued_at, "notice_issued_by": actor},
    )
    units = list(review.units.all())
    UnitReport.objects.bulk_create([UnitReport(review=review, unit=unit) for unit in units], ignore_conflicts=True)
    reports = {r.unit_id: r for r in review.unit_reports.all()}
    heads = users_with_role(Role.UNIT_HEAD, units=[u.pk for u in units])
    for unit in units:
        notification_send(
            recipients=[h for h in heads if h.unit_id == unit.pk],
            subject=_("Đề nghị nộp báo cáo thực hiện HTQLCL (BM.HT.06.02) trước ngày %(date)s")
            % {"date": _fmt_date(review.report_deadline)},
            body=_("Cuộc họp: %(title)s, %(when)s tại %(where)s. Báo cáo nộp về: %(to)s.")
            % {"title": review.title, "when": _fmt_datetime(review.meeting_start), "where": review.location, "to": review.report_recipient},
            url=reverse("reviews:report_edit", args=[reports[unit.pk].pk]),
        )
    notification_send(
        recipients=review.attendees.all(),
        subject=_("Thông báo họp xem xét của lãnh đạo: %(title)s") % {"title": review.title},
        body=_("Thời gian: %(when)s. Địa điểm: %(where)s.") % {"when": _fmt_datetime(review.meeting_start), "where": review.location},
        url=_review_url(review),
        email=False,  # the e-mail is the notice itself, with its calendar invitation
    )
    from .tasks import review_notice_send

    transaction.on_commit(lambda: review_notice_send.delay(review.pk))
    return review


def review_notice_emails_send(*, review_id: int) -> int:
    """E-mails notice BM.HT.06.01 with an .ics invitation to each attendee once, however often it runs."""
    review = Review.objects.filter(pk=review_id, notice_number__isnull=False).first()
    if review is None:
        return 0
    org = Organisation.current()
    attendees = list(review.attendees.exclude(email="").order_by("pk"))
    context = {
        "review": review,
        "org": org,
        "attendees": attendees,
        "units": list(review.units.all()),
        "site_url": settings.SITE_URL,
        "url": _review_url(review),
    }
    subject = _("Thông báo số %(number)02d/%(symbol)s: %(title)s") % {
        "number": review.notice_number,
        "symbol": org.notice_symbol,
        "title": review.title,
    }
    body = render_to_string("emails/review_notice.txt", context)
    ics = review_invitation_ics(review=review, attendees=attendees, organiser_name=org.committee_name)
    sent = 0
    for user in attendees:
        # The claim and the send commit together: a failed send frees the claim for the task's retry.
        with transaction.atomic():
            if not reminder_claim(f"review:{review.pk}:notice-mail:{user.pk}"):
                continue
            message = EmailMessage(subject, body, to=[user.email])
            message.attach(invitation_mime_part(ics))
            message.send()
        sent += 1
    return sent


def _require_report_editor(actor: User, report: UnitReport) -> None:
    _require(actor, Role.UNIT_HEAD, "reviews.submit_unit_report")
    if actor.unit_id != report.unit_id:
        raise PermissionDenied(_("Chỉ lãnh đạo của đơn vị này mới được soạn và nộp báo cáo."))


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
            % {"at": (" " + _("lúc %(t)s") % {"t": _fmt_datetime(closed)}) if closed else ""}
        )
    return review


def _validate_files(files: Sequence[UploadedFile]) -> None:
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ServiceError(" ".join(errors), field="attachments")


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
    """Step 3: the unit head saves BM.HT.06.02 as a draft or submits it; late if after the deadline."""
    _require_report_editor(actor, report)
    review = _lock_open_review(report)
    if report.status not in REPORT_EDITABLE_STATES:
        raise ServiceError(_("Báo cáo đã nộp. Chỉ sửa được khi Thư ký ISO trả lại để bổ sung."))
    _validate_files(files)
    sections = {f: (data.get(f) or "").strip() for f in SECTION_FIELDS}
    if submit:
        missing = [str(f.verbose_name) for f in UnitReport._meta.fields if f.name in SECTION_FIELDS and not sections[f.name]]
        if missing:
            raise ServiceError(_("Hãy điền đủ các mục trước khi nộp: %(list)s") % {"list": "; ".join(missing)})
    now = now or timezone.now()
    changed = UnitReport.objects.filter(pk=report.pk, version=version, status=report.status).update(
        **sections, updated_by=actor, updated_at=now, version=models.F("version") + 1
    )
    if changed != 1:
        raise StaleEditError(
            _(
                "Báo cáo vừa được người khác lưu sau khi bạn mở trang. Nội dung bạn nhập vẫn còn trên biểu mẫu; "
                "hãy mở lại báo cáo ở tab khác để xem bản mới nhất."
            )
        )
    report.refresh_from_db()
    for upload in files:
        ReportAttachment.objects.create(report=report, file=upload, original_name=upload.name[:255], size=upload.size, uploaded_by=actor)
    if submit:
        late = timezone.localtime(now).date() > review.report_deadline
        to = UnitReportStatus.SUBMITTED
        if (report.status, to) not in UNIT_REPORT_TRANSITIONS:
            raise ServiceError(_("Báo cáo không ở trạng thái có thể nộp."))
        state_transition(
            instance=report,
            to_state=to,
            actor=actor,
            action=_("Nộp báo cáo (muộn)") if late else _("Nộp báo cáo"),
            extra={"submitted_at": now, "submitted_by": actor, "is_late": late},
        )
        notification_send(
            recipients=users_with_role(Role.SECRETARY),
            subject=_("%(unit)s đã nộp báo cáo%(late)s: %(title)s")
            % {"unit": report.unit.name, "late": _(" (muộn)") if late else "", "title": review.title},
            url=_report_url(report),
            email=False,
        )
    elif report.status == UnitReportStatus.NOT_STARTED:
        state_transition(instance=report, to_state=UnitReportStatus.DRAFT, actor=actor, action=_("Bắt đầu soạn báo cáo"))
    return report


@transaction.atomic
def unit_report_attachment_delete(*, attachment: ReportAttachment, actor: User) -> None:
    report = attachment.report
    _require_report_editor(actor, report)
    _lock_open_review(report)
    if report.status not in REPORT_EDITABLE_STATES:
        raise ServiceError(_("Báo cáo đã nộp nên không xóa được tệp đính kèm."))
    name = attachment.original_name
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    audit_record(target=report, actor=actor, action=_("Xóa tệp đính kèm"), note=name)
    transaction.on_commit(lambda: storage.delete(stored))


@transaction.atomic
def unit_report_return(*, report: UnitReport, actor: User, comment: str) -> UnitReport:
    action = _("Trả lại báo cáo để bổ sung")
    _require(actor, Role.SECRETARY, "reviews.manage_review")
    if not (comment or "").strip():
        raise ServiceError(_("Hãy ghi rõ nội dung cần bổ sung khi trả lại báo cáo."), field="comment")
    _lock_open_review(report)
    if (report.status, UnitReportStatus.RETURNED) not in UNIT_REPORT_TRANSITIONS:
        raise ServiceError(_("Chỉ trả lại được báo cáo đã nộp."))
    state_transition(
        instance=report, to_state=UnitReportStatus.RETURNED, actor=actor, action=action, note=comment, extra={"return_comment": comment}
    )
    notification_send(
        recipients=users_with_role(Role.UNIT_HEAD, units=[report.unit_id]),
        subject=_("Báo cáo của đơn vị được trả lại để bổ sung: %(title)s") % {"title": report.review.title},
        body=comment,
        url=reverse("reviews:report_edit", args=[report.pk]),
    )
    return report


@transaction.atomic
def review_collection_close(*, review: Review, actor: User) -> Review:
    """The secretary stops accepting unit reports and prepares the consolidated report (BM.HT.06.03)."""
    action = _("Đóng thu báo cáo")
    _require(actor, Role.SECRETARY, "reviews.manage_review")
    _check_review_move(review, ReviewStatus.PREPARING, action)
    missing = list(review.unit_reports.exclude(status=UnitReportStatus.SUBMITTED).select_related("unit"))
    note = _("Chưa nộp: %(units)s") % {"units": ", ".join(r.unit.name for r in missing)} if missing else ""
    state_transition(
        instance=review,
        to_state=ReviewStatus.PREPARING,
        actor=actor,
        action=action,
        note=note,
        extra={"collection_closed_at": timezone.now()},
    )
    if missing:
        notification_send(
            recipients=users_with_role(Role.UNIT_HEAD, units=[r.unit_id for r in missing]),
            subject=_("Đã đóng thu báo cáo: %(title)s") % {"title": review.title},
            body=_("Đơn vị chưa nộp báo cáo trước khi Thư ký ISO đóng thu báo cáo; hãy trình bày trực tiếp tại cuộc họp."),
            url=_review_url(review),
        )
    notification_send(
        recipients=users_with_role(Role.COMMITTEE_HEAD),
        subject=_("Đã đóng thu báo cáo, chuẩn bị họp: %(title)s") % {"title": review.title},
        body=note,
        url=_review_url(review),
        email=False,
    )
    return review


def _remind(key: str, *, recipients: Iterable[User], subject: str, body: str, url: str) -> int:
    # The claim and the inbox rows commit together: a failed send frees the key for the next sweep.
    with transaction.atomic():
        if not reminder_claim(key):
            return 0
        notification_send(recipients=recipients, subject=subject, body=body, url=url)
    return 1


def review_reminders_send(*, today: dt.date | None = None) -> int:
    """Step 4, the daily sweep: reports due soon or overdue (unit heads), all reports in or deadline passed
    (secretary), the meeting tomorrow (attendees). Each reminder goes once, even if sweeps overlap."""
    today = today or timezone.localdate()
    lead = Organisation.current().report_reminder_working_days
    sent = 0
    collecting = Review.objects.filter(status=ReviewStatus.COLLECTING).prefetch_related("unit_reports__unit")
    for review in collecting:
        reports = list(review.unit_reports.all())
        waiting = [r for r in reports if r.status != UnitReportStatus.SUBMITTED]
        due_from = add_working_days(review.report_deadline, -lead)
        deadline = _fmt_date(review.report_deadline)
        for report in waiting:
            heads = users_with_role(Role.UNIT_HEAD, units=[report.unit_id])
            url = reverse("reviews:report_edit", args=[report.pk])
            if due_from <= today <= review.report_deadline:
                sent += _remind(
                    f"review:{review.pk}:report-due:{report.unit_id}",
                    recipients=heads,
                    url=url,
                    subject=_("Nhắc nộp báo cáo HTQLCL trước ngày %(date)s") % {"date": deadline},
                    body=_("Cuộc họp: %(title)s.") % {"title": review.title},
                )
            elif today > review.report_deadline:
                sent += _remind(
                    f"review:{review.pk}:report-overdue:{report.unit_id}",
                    recipients=heads,
                    url=url,
                    subject=_("Báo cáo HTQLCL đã quá hạn nộp (%(date)s)") % {"date": deadline},
                    body=_("Cuộc họp: %(title)s. Hãy nộp báo cáo ngay.") % {"title": review.title},
                )
        secretaries = users_with_role(Role.SECRETARY)
        if reports and not waiting:
            sent += _remind(
                f"review:{review.pk}:secretary:all-in",
                recipients=secretaries,
                url=_review_url(review),
                subject=_("Các đơn vị đã nộp đủ báo cáo: %(title)s") % {"title": review.title},
                body=_("Có thể đóng thu báo cáo và tổng hợp (BM.HT.06.03)."),
            )
        elif waiting and today > review.report_deadline:
            sent += _remind(
                f"review:{review.pk}:secretary:deadline-passed",
                recipients=secretaries,
                url=_review_url(review),
                subject=_("Đã quá hạn nộp báo cáo: %(title)s") % {"title": review.title},
                body=_("Chưa nộp: %(units)s") % {"units": ", ".join(r.unit.name for r in waiting)},
            )
    upcoming = Review.objects.filter(
        status__in=[ReviewStatus.COLLECTING, ReviewStatus.PREPARING],
        meeting_start__date__gt=today,
        meeting_start__date__lte=today + dt.timedelta(days=31),
    ).prefetch_related("attendees")
    for review in upcoming:
        if previous_working_day(review.meeting_date) != today:
            continue
        for user in review.attendees.all():
            sent += _remind(
                f"review:{review.pk}:meeting-eve:{user.pk}",
                recipients=[user],
                url=_review_url(review),
                subject=_("Nhắc lịch họp xem xét của lãnh đạo: %(when)s") % {"when": _fmt_datetime(review.meeting_start)},
                body=_("%(title)s, tại %(where)s.") % {"title": review.title, "where": review.location},
            )
    return sent


# --- Consolidated report, minutes, signature, distribution and follow-up (QT.HT.06 §5.1–5.3) ---

CONSOLIDATE_STATES = {ReviewStatus.COLLECTING, ReviewStatus.PREPARING}  # collecting: preview only
MINUTES_STATES = {ReviewStatus.PREPARING, ReviewStatus.SIGNED}  # signed: corrections by revision
MINUTES_CONTENT_FIELDS = [
    "location",
    "reports_summary",
    "unit_reports_summary",
    *[f"topic_{i}" for i in range(1, 8)],
    *[f"conclusion_{i}" for i in range(1, 8)],
    "conclusions",
    "recommendations",
]
MINUTES_SERIES = "review-minutes"


def _require_perm(user: User, perm: str) -> None:
    if not user.has_perm(f"reviews.{perm}"):
        raise ServiceError(_("Bạn không có quyền thực hiện thao tác này."))


def _save_versioned(instance, *, version: int, actor: User, values: dict) -> None:
    """One conditional UPDATE ... WHERE version = the one the user loaded: a stale form writes nothing."""
    changed = (
        type(instance)
        ._default_manager.filter(pk=instance.pk, version=version)
        .update(**values, updated_by=actor, updated_at=timezone.now(), version=models.F("version") + 1)
    )
    if changed != 1:
        raise StaleEditError(
            _(
                "Báo cáo đã được người khác sửa sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
                "hãy sao chép lại, tải lại trang rồi sửa tiếp."
            )
            if isinstance(instance, ConsolidatedReport)
            else _(
                "Biên bản đã được người khác sửa sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
                "hãy sao chép lại, tải lại trang rồi sửa tiếp."
            )
        )
    instance.refresh_from_db()


# --- Status of the previous review's actions: the first input of the next review (ISO 9001 9.3.2 a) ---


def previous_review(review: Review) -> Review | None:
    return (
        Review.objects.filter(meeting_start__lt=review.meeting_start, minutes__status=Minutes.Status.SIGNED)
        .exclude(pk=review.pk)
        .order_by("-meeting_start")
        .first()
    )


def previous_actions_summary(review: Review) -> str:
    previous = previous_review(review)
    if previous is None:
        return _("Không có hành động nào từ cuộc họp xem xét trước.")
    actions = ReviewAction.objects.followed().filter(review=previous).select_related("responsible_unit", "ticket")
    lines = [
        _("Tình trạng các hành động từ cuộc họp xem xét trước (%(title)s, %(date)s):")
        % {"title": previous.title, "date": previous.meeting_date.strftime("%d/%m/%Y")}
    ]
    for action in actions:
        lines.append(
            _("- %(desc)s (%(unit)s, hạn %(deadline)s): %(status)s, %(progress)s%%")
            % {
                "desc": action.description,
                "unit": action.responsible_unit,
                "deadline": action.deadline.strftime("%d/%m/%Y"),
                "status": action.get_status_display(),
                "progress": action.progress,
            }
            + _ticket_note(action)
        )
    if len(lines) == 1:
        lines.append(_("- Cuộc họp trước không giao hành động nào."))
    return "\n".join(lines)


# --- Step 5: the consolidated report BM.HT.06.03 ---


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
    objectives = objectives_review_inputs(review.year)
    for name in ("s2_policy_objectives", "s5_objectives_implementation"):
        values[name] = objectives[name] + ("\n\n" + values[name] if values[name] else "")
    values["objectives_chart_svg"] = objectives["chart_svg"]
    return values


@transaction.atomic
def consolidated_report_generate(*, review: Review, actor: User, regenerate: bool = False) -> ConsolidatedReport:
    """Pre-fill the seven sections from the submitted unit reports. Regenerating overwrites the
    secretary's edits, so it only happens when asked for explicitly."""
    _require_perm(actor, "manage_review")
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status not in CONSOLIDATE_STATES:
        raise ServiceError(_("Chỉ tổng hợp báo cáo khi đang thu hoặc đã đóng thu báo cáo đơn vị."))
    report = ConsolidatedReport.objects.filter(review=review).first()
    if report is not None and not regenerate:
        raise ServiceError(_("Báo cáo tổng hợp đã có. Muốn tạo lại từ báo cáo đơn vị, hãy chọn “Tạo lại”."))
    if report is not None and report.status == ConsolidatedReport.Status.FINAL:
        raise ServiceError(_("Báo cáo tổng hợp đã hoàn thiện, không thể tạo lại."))
    values = _consolidated_sections(review)
    if report is None:
        report = ConsolidatedReport.objects.create(review=review, updated_by=actor, **values)
        audit_record(target=report, actor=actor, action=_("Tạo báo cáo tổng hợp"), to_state=report.status)
    else:
        ConsolidatedReport.objects.filter(pk=report.pk).update(
            **values, updated_by=actor, updated_at=timezone.now(), version=models.F("version") + 1
        )
        report.refresh_from_db()
        audit_record(target=report, actor=actor, action=_("Tạo lại báo cáo tổng hợp từ báo cáo đơn vị"))
    return report


@transaction.atomic
def consolidated_report_save(*, report: ConsolidatedReport, actor: User, version: int, data: dict) -> ConsolidatedReport:
    _require_perm(actor, "manage_review")
    if report.status != ConsolidatedReport.Status.DRAFT:
        raise ServiceError(_("Báo cáo tổng hợp đã hoàn thiện, không thể sửa."))
    if report.review.status not in CONSOLIDATE_STATES:  # the meeting has reviewed it: the record is kept as is
        raise ServiceError(_("Cuộc họp không còn ở giai đoạn chuẩn bị."))
    _save_versioned(report, version=version, actor=actor, values={f: data.get(f, "") for f in SECTION_FIELDS})
    audit_record(target=report, actor=actor, action=_("Sửa báo cáo tổng hợp"))
    return report


@transaction.atomic
def consolidated_report_finalise(*, report: ConsolidatedReport, actor: User) -> ConsolidatedReport:
    _require_perm(actor, "manage_review")
    check_transition(CONSOLIDATED_TRANSITIONS, report.status, ConsolidatedReport.Status.FINAL)
    if report.review.status not in CONSOLIDATE_STATES:
        raise ServiceError(_("Cuộc họp không còn ở giai đoạn chuẩn bị."))
    if report.review.status != ReviewStatus.PREPARING:
        raise ServiceError(_("Hãy đóng thu báo cáo đơn vị trước khi hoàn thiện báo cáo tổng hợp."))
    state_transition(
        instance=report,
        to_state=ConsolidatedReport.Status.FINAL,
        actor=actor,
        action=_("Hoàn thiện báo cáo tổng hợp"),
        extra={"finalised_at": timezone.now()},
    )
    return report


# --- Step 6: the minutes ---


def _default_chair(review: Review) -> User | None:
    if review.approved_by_id:
        return review.approved_by
    return User.objects.filter(groups__name=Role.COMMITTEE_HEAD.value, is_active=True).order_by("pk").first()


@transaction.atomic
def minutes_create(*, review: Review, actor: User, form_code: str | None = None) -> Minutes:
    """Open the minutes on the organisation's form (or `form_code`, a BM.HT.06.04 / BM.CTCL.02 the secretary
    chose for this meeting), pre-filled from the plan and the reports."""
    if form_code is not None and form_code not in MinutesForm.values:
        raise ServiceError(_("Mẫu biên bản không hợp lệ."), field="form_code")
    _require_perm(actor, "manage_review")
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PREPARING:
        raise ServiceError(_("Chỉ lập biên bản khi đã đóng thu báo cáo và đang chuẩn bị họp."))
    existing = review.minutes.first()
    if existing is not None:
        return existing
    report = ConsolidatedReport.objects.filter(review=review).first()
    submitted = UnitReport.objects.filter(review=review, status=UnitReportStatus.SUBMITTED).select_related("unit")
    minutes = Minutes.objects.create(
        review=review,
        form_code=form_code or Organisation.current().minutes_form,
        started_at=review.meeting_start,
        ended_at=review.meeting_end,
        location=review.location,
        chair=_default_chair(review),
        secretary=actor,
        # An outline for the secretary to summarise; the full text stays in BM.HT.06.03.
        reports_summary=(
            _("Thư ký ISO trình bày báo cáo tổng hợp (BM.HT.06.03) về:")
            + "\n"
            + "\n".join(f"- {label}: " for _n, label, _t in report.sections())
            if report
            else ""
        ),
        unit_reports_summary="\n".join(_("- %(unit)s: đã nộp báo cáo (BM.HT.06.02).") % {"unit": r.unit.name} for r in submitted),
        topic_1=previous_actions_summary(review),
        updated_by=actor,
    )
    MinutesAttendee.objects.bulk_create(
        MinutesAttendee(minutes=minutes, user=u, name=u.display_name, title=u.job_title) for u in review.attendees.order_by("pk")
    )
    audit_record(target=minutes, actor=actor, action=_("Lập biên bản"), to_state=minutes.status)
    return minutes


def _minutes_editable(minutes: Minutes) -> None:
    if minutes.is_locked:
        raise ServiceError(_("Biên bản đã ký, không thể sửa; hãy tạo bản sửa đổi."))
    if minutes.review.status not in MINUTES_STATES:
        raise ServiceError(_("Cuộc họp xem xét đã hoàn thành, không thể sửa biên bản."))


@transaction.atomic
def minutes_save(
    *,
    minutes: Minutes,
    actor: User,
    version: int,
    data: dict,
    attendance: list[dict],
    actions: list[dict],
    today=None,
) -> Minutes:
    """Save the draft: content, who attended, and the actions decided. `attendance` and `actions` rows
    carry the id of an existing row or none for a new one; rows missing from the lists are removed."""
    _require_perm(actor, "manage_review")
    _minutes_editable(minutes)
    today = today or timezone.localdate()  # `today`: the demo records past meetings
    for row in actions:
        if row["deadline"] < today and not (row.get("id") and _unchanged_deadline(row)):
            raise ServiceError(_("Thời hạn hoàn thành không được ở trong quá khứ."), field="deadline")
    values = {f: data.get(f, "") for f in MINUTES_CONTENT_FIELDS}
    values.update({k: data.get(k) for k in ("started_at", "ended_at", "chair", "secretary")})
    _save_versioned(minutes, version=version, actor=actor, values=values)
    _sync_rows(
        MinutesAttendee, minutes.attendance.all(), attendance, {"minutes": minutes}, ["user", "name", "title", "presence", "replaced_by"]
    )
    _sync_rows(
        ReviewAction,
        minutes.actions.all(),
        actions,
        {"minutes": minutes, "review": minutes.review},
        ["description", "responsible_unit", "deadline"],
    )
    audit_record(target=minutes, actor=actor, action=_("Sửa biên bản"))
    return minutes


def _unchanged_deadline(row: dict) -> bool:
    """A copied action of a revision may keep its original (now past) deadline."""
    return ReviewAction.objects.filter(pk=row["id"], deadline=row["deadline"]).exists()


def _sync_rows(model, existing_qs, rows: list[dict], fixed: dict, fields: list[str]) -> None:
    existing = {obj.pk: obj for obj in existing_qs}
    kept = set()
    for row in rows:
        obj = existing.get(row.get("id")) if row.get("id") else None
        if obj is None:
            obj = model(**fixed)
        for f in fields:
            setattr(obj, f, row.get(f) if row.get(f) is not None else ("" if f not in ("user",) else None))
        obj.save()
        kept.add(obj.pk)
    stale = [pk for pk in existing if pk not in kept]
    if stale:
        model.objects.filter(pk__in=stale).delete()


def minutes_canonical_content(minutes: Minutes) -> str:
    """The exact text the chair signs: every content field, the attendance and the actions, as JSON
    with sorted keys so the same content always gives the same bytes."""

    def when(value):
        return timezone.localtime(value).isoformat() if value else None

    def person(user):
        return {"id": user.pk, "name": user.display_name} if user else None

    content = {
        "review": minutes.review_id,
        "form_code": minutes.form_code,
        "revision": minutes.revision,
        "supersedes": minutes.supersedes_id,
        "correction_reason": minutes.correction_reason,
        "number": minutes.number,
        "number_year": minutes.number_year,
        "started_at": when(minutes.started_at),
        "ended_at": when(minutes.ended_at),
        "chair": person(minutes.chair),
        "secretary": person(minutes.secretary),
        **{f: getattr(minutes, f) for f in MINUTES_CONTENT_FIELDS},
        "attendance": [
            {"user": a.user_id, "name": a.name, "title": a.title, "presence": a.presence, "replaced_by": a.replaced_by}
            for a in minutes.attendance.order_by("pk")
        ],
        "actions": [
            {
                "description": a.description,
                "unit": a.responsible_unit_id,
                "unit_name": a.responsible_unit.name,
                "deadline": a.deadline.isoformat(),
            }
            for a in minutes.actions.select_related("responsible_unit").order_by("pk")
        ],
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def minutes_sha256(minutes: Minutes) -> str:
    return hashlib.sha256(minutes_canonical_content(minutes).encode("utf-8")).hexdigest()


def minutes_signature_valid(minutes: Minutes) -> bool | None:
    """None when unsigned; else whether the content still hashes to what was signed."""
    if not minutes.signed_sha256:
        return None
    current = minutes_canonical_content(minutes)
    if hashlib.sha256(current.encode("utf-8")).hexdigest() == minutes.signed_sha256:
        return True
    if hashlib.sha256(minutes.signed_content.encode("utf-8")).hexdigest() != minutes.signed_sha256:
        return False
    # The names of the chair, the secretary and the units are copied in for the reader; renaming a user or a
    # unit later is not a change of the minutes, so the same ids keep the names that were signed.
    signed, now = json.loads(minutes.signed_content), json.loads(current)
    for key in ("chair", "secretary"):
        if now[key] and signed.get(key) and now[key]["id"] == signed[key]["id"]:
            now[key]["name"] = signed[key]["name"]
    for action, signed_action in zip(now["actions"], signed.get("actions", []), strict=False):
        if action["unit"] == signed_action.get("unit"):
            action["unit_name"] = signed_action.get("unit_name")
    return now == signed


def _minutes_check_complete(minutes: Minutes) -> None:
    missing = []
    if not minutes.started_at or not minutes.ended_at:
        missing.append(_("thời gian bắt đầu và kết thúc"))
    if not minutes.location:
        missing.append(_("địa điểm"))
    if not minutes.chair_id or not minutes.secretary_id:
        missing.append(_("chủ trì và thư ký"))
    if not minutes.attendance.filter(presence__in=["present", "replaced"]).exists():
        missing.append(_("thành phần tham dự"))
    if not minutes.conclusions.strip():
        missing.append(_("kết luận"))
    if missing:
        raise ServiceError(_("Biên bản chưa đủ nội dung để ký: thiếu %(fields)s.") % {"fields": ", ".join(missing)})


@transaction.atomic
def minutes_sign(*, minutes: Minutes, actor: User, password: str, now=None) -> Minutes:
    """The chair signs in the browser after re-entering their password. The number is given now."""
    _require_perm(actor, "sign_minutes")
    if not password or not actor.check_password(password):
        raise ServiceError(_("Mật khẩu không đúng. Biên bản chưa được ký."), field="password")
    check_transition(MINUTES_TRANSITIONS, minutes.status, Minutes.Status.SIGNED)
    _minutes_check_complete(minutes)
    review = Review.objects.select_for_update().get(pk=minutes.review_id)
    old = minutes.supersedes
    if old is None and review.status != ReviewStatus.PREPARING:
        raise ServiceError(_("Cuộc họp không ở trạng thái chờ ký biên bản."))
    if old is None and not ConsolidatedReport.objects.filter(review=review, status=ConsolidatedReport.Status.FINAL).exists():
        # QT.HT.06 §5.1: the consolidated report BM.HT.06.03 is the meeting's input; minutes follow it.
        raise ServiceError(_("Báo cáo tổng hợp (BM.HT.06.03) chưa hoàn thiện: hãy hoàn thiện trước khi ký biên bản."))
    if old is not None and old.status != Minutes.Status.SIGNED:
        raise ServiceError(_("Bản biên bản được sửa đổi không còn hiệu lực."))
    now = now or timezone.now()
    if minutes.ended_at and minutes.ended_at > now:
        raise ServiceError(
            _("Biên bản ghi cuộc họp kết thúc lúc %(end)s, chưa diễn ra: chỉ ký biên bản sau khi họp.")
            % {"end": timezone.localtime(minutes.ended_at).strftime("%H:%M %d/%m/%Y")}
        )
    if old is not None:
        number, year = old.number, old.number_year
    else:
        year = timezone.localtime(now).year
        number = document_number_next(series=MINUTES_SERIES, year=year)
    # The number is part of the signed content, so it is written before the content is hashed.
    changed = Minutes.objects.filter(pk=minutes.pk, version=minutes.version, status=Minutes.Status.DRAFT).update(
        number=number, number_year=year
    )
    if changed != 1:
        raise StaleEditError(_("Biên bản vừa được người khác sửa. Hãy đọc lại trước khi ký."))
    minutes.refresh_from_db()
    content = minutes_canonical_content(minutes)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    state_transition(
        instance=minutes,
        to_state=Minutes.Status.SIGNED,
        actor=actor,
        action=_("Ký biên bản"),
        note=f"SHA-256: {digest}",
        extra={"signed_by": actor, "signed_at": now, "signed_sha256": digest, "signed_content": content},
    )
    if old is not None:
        state_transition(
            instance=old,
            to_state=Minutes.Status.SUPERSEDED,
            actor=actor,
            action=_("Thay thế bởi bản sửa đổi %(n)s") % {"n": minutes.revision},
        )
        _actions_carry_over(minutes)
    else:
        check_transition(REVIEW_TRANSITIONS, review.status, ReviewStatus.SIGNED)
        state_transition(instance=review, to_state=ReviewStatus.SIGNED, actor=actor, action=_("Ký biên bản họp"))
    minutes_id = minutes.pk
    transaction.on_commit(lambda: _enqueue_distribution(minutes_id))
    return minutes


def _enqueue_distribution(minutes_id: int) -> None:
    from .tasks import minutes_distribute_task

    minutes_distribute_task.delay(minutes_id)


def _actions_carry_over(minutes: Minutes) -> None:
    """The follow-up done on the corrected revision's actions continues on their copies."""
    for action in minutes.actions.select_related("origin").filter(origin__isnull=False):
        origin = action.origin
        ReviewAction.objects.filter(pk=action.pk).update(
            status=origin.status, progress=origin.progress, evidence=origin.evidence, completed_at=origin.completed_at
        )
        ActionUpdate.objects.filter(action=origin).update(action=action)
        if origin.ticket_id:  # one action per ticket: the link leaves the superseded copy first
            ReviewAction.objects.filter(pk=origin.pk).update(ticket=None)
            ReviewAction.objects.filter(pk=action.pk).update(ticket_id=origin.ticket_id)


@transaction.atomic
def minutes_revise(*, minutes: Minutes, actor: User, reason: str) -> Minutes:
    """A correction of signed minutes: a copy with revision + 1 that must be signed in its turn."""
    _require_perm(actor, "manage_review")
    if minutes.status != Minutes.Status.SIGNED or minutes.review.status not in MINUTES_STATES:
        raise ServiceError(_("Chỉ tạo bản sửa đổi của biên bản đã ký và đang có hiệu lực."))
    if not (reason or "").strip():
        raise ServiceError(_("Hãy ghi lý do sửa đổi."), field="reason")
    if Minutes.objects.filter(supersedes=minutes).exists():
        raise ServiceError(_("Biên bản này đã có bản sửa đổi đang soạn."))
    copy = Minutes.objects.create(
        review=minutes.review,
        revision=minutes.revision + 1,
        supersedes=minutes,
        correction_reason=reason.strip(),
        form_code=minutes.form_code,
        started_at=minutes.started_at,
        ended_at=minutes.ended_at,
        chair=minutes.chair,
        secretary=minutes.secretary,
        updated_by=actor,
        **{f: getattr(minutes, f) for f in MINUTES_CONTENT_FIELDS},
    )
    MinutesAttendee.objects.bulk_create(
        MinutesAttendee(minutes=copy, user_id=a.user_id, name=a.name, title=a.title, presence=a.presence, replaced_by=a.replaced_by)
        for a in minutes.attendance.order_by("pk")
    )
    for a in minutes.actions.order_by("pk"):
        ReviewAction.objects.create(
            review=a.review,
            minutes=copy,
            origin=a,
            description=a.description,
            responsible_unit_id=a.responsible_unit_id,
            deadline=a.deadline,
        )
    audit_record(target=copy, actor=actor, action=_("Tạo bản sửa đổi biên bản"), to_state=copy.status, note=reason.strip())
    return copy


# --- Step 8: distribution of the signed minutes ---


def minutes_recipients(minutes: Minutes) -> list[User]:
    ids = [a.user_id for a in minutes.attendance.all() if a.user_id]
    ids += [minutes.chair_id, minutes.secretary_id]
    seen: dict[int, User] = {u.pk: u for u in User.objects.filter(pk__in=[i for i in ids if i], is_active=True)}
    return [seen[i] for i in dict.fromkeys(ids) if i in seen]


def minutes_distribute(*, minutes_id: int) -> int:
    """Send the signed minutes (PDF attached) to every attendee and into their inbox, once each.
    Returns how many e-mails went out in this run; a second run sends nothing already sent."""
    from django.core.mail import EmailMessage

    from .pdf import minutes_pdf

    minutes = Minutes.objects.select_related("review").filter(pk=minutes_id).first()
    if minutes is None or minutes.status == Minutes.Status.DRAFT:
        return 0
    org = Organisation.current()
    url = reverse("reviews:minutes_detail", args=[minutes.pk])
    subject = _("Biên bản họp xem xét của lãnh đạo: %(title)s") % {"title": minutes.review.title}
    body = _("Biên bản số %(number)s đã được %(signer)s ký ngày %(date)s. Biên bản được gửi kèm thư này.") % {
        "number": f"{minutes.number:02d}/{org.minutes_symbol}" if minutes.number else "—",
        "signer": minutes.signed_by.display_name if minutes.signed_by else "",
        "date": timezone.localtime(minutes.signed_at).strftime("%d/%m/%Y") if minutes.signed_at else "",
    }
    pdf: bytes | None = None
    sent = 0
    for user in minutes_recipients(minutes):
        with transaction.atomic():
            delivery, created = Delivery.objects.get_or_create(minutes=minutes, recipient=user, defaults={"email": user.email})
            delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
            if created:
                notification_send(recipients=[user], subject=subject, body=body, url=url, email=False)
            if delivery.sent_at is not None:
                continue
            if not user.email:
                Delivery.objects.filter(pk=delivery.pk).update(error=_("Không có địa chỉ e-mail; đã gửi vào hộp thư."))
                continue
            try:
                if pdf is None:
                    pdf = minutes_pdf(minutes)
                message = EmailMessage(subject, f"{body}\n\n{settings.SITE_URL}{url}", to=[user.email])
                message.attach(f"bien-ban-{minutes.pk}-v{minutes.revision}.pdf", pdf, "application/pdf")
                message.send()
            except Exception as exc:  # noqa: BLE001 — recorded on the delivery; the next run retries it
                Delivery.objects.filter(pk=delivery.pk).update(error=str(exc)[:255] or exc.__class__.__name__)
                continue
            Delivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now(), error="", email=user.email)
            sent += 1
    return sent


def minutes_delivery_failed(*, minutes_id: int) -> bool:
    """Whether an e-mail that could be sent failed (a recipient without an address is not retried)."""
    return Delivery.objects.filter(minutes_id=minutes_id, sent_at__isnull=True).exclude(email="").exclude(error="").exists()


# --- Step 9: follow-up of the decided actions (QT.HT.06 §5.3) ---


def action_can_report(action: ReviewAction, user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.UNIT_HEAD) and user.unit_id == action.responsible_unit_id


def _action_followed(action: ReviewAction) -> None:
    if action.minutes is None or action.minutes.status != Minutes.Status.SIGNED:
        raise ServiceError(_("Hành động này thuộc biên bản chưa ký hoặc đã được thay thế."))
    if action.review.status == ReviewStatus.CLOSED:
        raise ServiceError(_("Cuộc họp xem xét đã hoàn thành, không thể cập nhật hành động."))


def _action_unit_head(action: ReviewAction, actor: User) -> None:
    if not action_can_report(action, actor):
        raise ServiceError(_("Chỉ lãnh đạo đơn vị chủ trì được cập nhật tiến độ hành động này."))


def _evidence(evidence_file: UploadedFile | None) -> None:
    if evidence_file is not None:
        from django.core.exceptions import ValidationError

        from qms.uploads import validate_upload

        try:
            validate_upload(evidence_file)
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), field="evidence_file") from exc


@transaction.atomic
def action_progress_record(
    *, action: ReviewAction, actor: User, note: str, progress: int, evidence_file: UploadedFile | None = None
) -> ActionUpdate:
    _action_unit_head(action, actor)
    _action_followed(action)
    if action.status not in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS):
        raise ServiceError(_("Hành động đã kết thúc, không thể ghi tiến độ."))
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi nội dung tiến độ."), field="note")
    if not 0 <= progress < 100:
        raise ServiceError(_("Tiến độ phải từ 0 đến 99%; khi xong hãy chọn “Hoàn thành”."), field="progress")
    _evidence(evidence_file)
    update = ActionUpdate.objects.create(
        action=action, author=actor, note=note.strip(), progress=progress, evidence_file=evidence_file or ""
    )
    if action.status == ActionStatus.OPEN:
        state_transition(
            instance=action,
            to_state=ActionStatus.IN_PROGRESS,
            actor=actor,
            action=_("Bắt đầu thực hiện"),
            note=note.strip(),
            extra={"progress": progress},
        )
    else:
        ReviewAction.objects.filter(pk=action.pk).update(progress=progress, version=models.F("version") + 1)
        action.refresh_from_db()
    return update


@transaction.atomic
def action_complete(*, action: ReviewAction, actor: User, evidence: str, evidence_file: UploadedFile | None = None) -> ReviewAction:
    _action_unit_head(action, actor)
    _action_followed(action)
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.DONE)
    if not (evidence or "").strip():
        raise ServiceError(_("Hãy ghi bằng chứng / kết quả thực hiện trước khi báo hoàn thành."), field="evidence")
    _evidence(evidence_file)
    ActionUpdate.objects.create(action=action, author=actor, note=evidence.strip(), progress=100, evidence_file=evidence_file or "")
    state_transition(
        instance=action,
        to_state=ActionStatus.DONE,
        actor=actor,
        action=_("Báo hoàn thành"),
        note=evidence.strip(),
        extra={"progress": 100, "evidence": evidence.strip(), "completed_at": timezone.now()},
    )
    notification_send(
        recipients=User.objects.filter(groups__name=Role.SECRETARY.value),
        subject=_("Hành động đã hoàn thành: %(a)s") % {"a": str(action)},
        body=evidence.strip(),
        url=reverse("reviews:action_detail", args=[action.pk]),
    )
    return action


@transaction.atomic
def action_reopen(*, action: ReviewAction, actor: User, note: str) -> ReviewAction:
    _require_perm(actor, "manage_review")
    _action_followed(action)
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.IN_PROGRESS)
    if action.status != ActionStatus.DONE:
        raise ServiceError(_("Chỉ mở lại hành động đã báo hoàn thành."))
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi lý do mở lại."), field="note")
    state_transition(
        instance=action,
        to_state=ActionStatus.IN_PROGRESS,
        actor=actor,
        action=_("Mở lại hành động"),
        note=note.strip(),
        extra={"completed_at": None},
    )
    notification_send(
        recipients=User.objects.filter(groups__name=Role.UNIT_HEAD.value, unit=action.responsible_unit_id),
        subject=_("Hành động được mở lại: %(a)s") % {"a": str(action)},
        body=note.strip(),
        url=reverse("reviews:action_detail", args=[action.pk]),
    )
    return action


@transaction.atomic
def action_cancel(*, action: ReviewAction, actor: User, note: str) -> ReviewAction:
    _require_perm(actor, "manage_review")
    _action_followed(action)
    check_transition(ACTION_TRANSITIONS, action.status, ActionStatus.CANCELLED)
    if not (note or "").strip():
        raise ServiceError(_("Hãy ghi lý do hủy."), field="note")
    state_transition(instance=action, to_state=ActionStatus.CANCELLED, actor=actor, action=_("Hủy hành động"), note=note.strip())
    return action


@transaction.atomic
def review_close(*, review: Review, actor: User) -> Review:
    """signed -> closed once every action in force is done or cancelled."""
    _require_perm(actor, "manage_review")
    review = Review.objects.select_for_update().get(pk=review.pk)
    check_transition(REVIEW_TRANSITIONS, review.status, ReviewStatus.CLOSED)
    if Minutes.objects.filter(review=review, status=Minutes.Status.DRAFT).exists():
        raise ServiceError(_("Còn bản sửa đổi biên bản chưa ký."))
    pending = ReviewAction.objects.followed().filter(review=review).open().count()
    if pending:
        raise ServiceError(_("Còn %(n)d hành động chưa hoàn thành hoặc chưa hủy.") % {"n": pending})
    state_transition(instance=review, to_state=ReviewStatus.CLOSED, actor=actor, action=_("Kết thúc cuộc họp xem xét"))
    return review


def action_reminders_sweep(*, today=None) -> int:
    """Daily: remind the responsible unit's heads of actions due within the lead time, and the unit
    heads and the secretary of overdue ones. Each reminder goes out once (reminder_claim)."""
    from qms.workdays import working_days_between

    today = today or timezone.localdate()
    lead = Organisation.current().action_reminder_working_days
    secretaries = list(User.objects.filter(groups__name=Role.SECRETARY.value, is_active=True))
    sent = 0
    for action in ReviewAction.objects.followed().open().select_related("responsible_unit", "review"):
        heads = list(User.objects.filter(groups__name=Role.UNIT_HEAD.value, unit=action.responsible_unit_id, is_active=True))
        url = reverse("reviews:action_detail", args=[action.pk])
        deadline = action.deadline.strftime("%d/%m/%Y")
        if action.deadline < today:
            if reminder_claim(f"review-action-overdue:{action.pk}:{action.deadline.isoformat()}"):
                notification_send(
                    recipients=heads + secretaries,
                    url=url,
                    subject=_("Hành động quá hạn (hạn %(d)s): %(a)s") % {"d": deadline, "a": str(action)},
                    body=action.description,
                )
                sent += 1
        elif working_days_between(today, action.deadline) <= lead:
            if reminder_claim(f"review-action-due:{action.pk}:{action.deadline.isoformat()}"):
                notification_send(
                    recipients=heads,
                    url=url,
                    subject=_("Hành động sắp đến hạn (%(d)s): %(a)s") % {"d": deadline, "a": str(action)},
                    body=action.description,
                )
                sent += 1
    return sent


def review_actions_reminders_send() -> int:
    return action_reminders_sweep()


# --- Corrective-action tickets from the review's decisions ---
# A decision of the minutes becomes a ticket BM.CTCL.01 in one click (QT.CTCL 5.1.2: "quyết định sau họp
# xem xét của lãnh đạo"); the ticket's state then shows in the follow-up and in the next review's inputs.


TICKET_ROLES = (Role.SECRETARY, Role.COMMITTEE_HEAD)
TICKET_ACTION_STATES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def may_open_action_tickets(user: User) -> bool:
    """The ISO secretary or the committee head (who follow up the decisions) and may open a ticket."""
    return bool(
        user.is_authenticated
        and user.has_role(*TICKET_ROLES)
        and user.has_perm("reviews.follow_up_actions")
        and user.has_perm("corrective_actions.open_ticket")
    )


def action_ticket_openable(action: ReviewAction) -> bool:
    """Whether the action is in a state to get a ticket (the button shows only then). Reads
    action.minutes and action.review: select_related them on lists."""
    return (
        action.ticket_id is None
        and action.status in TICKET_ACTION_STATES
        and action.minutes is not None
        and action.minutes.status == Minutes.Status.SIGNED
        and action.review.status == ReviewStatus.SIGNED
    )


def _ticket_note(action: ReviewAction) -> str:
    """ "; phiếu HĐKP số 03/2026: <state>" after an action that has a ticket (needs select_related)."""
    if action.ticket_id is None:
        return ""
    return _("; phiếu HĐKP số %(n)s: %(state)s") % {"n": action.ticket.number_display, "state": action.ticket.get_status_display()}


def review_tickets_summary(review: Review, *, until: dt.date | None = None) -> str:
    """BM.HT.06.03 section 3: the tickets since the previous review's meeting (all of them if none)."""
    previous = previous_review(review)
    until = until or timezone.localdate()
    since = min(previous.meeting_date, until) if previous else None  # a back-dated record: an empty period
    return tickets_summary(since, until)


def _minutes_ref(minutes: Minutes) -> str:
    if not minutes.number:
        return _("bản %(r)s") % {"r": minutes.revision}
    ref = f"{minutes.number:02d}/{Organisation.current().minutes_symbol}"
    if minutes.signed_at:
        ref += " " + _("ngày %(d)s") % {"d": timezone.localtime(minutes.signed_at).strftime("%d/%m/%Y")}
    return ref


@transaction.atomic
def review_action_ticket_open(*, action: ReviewAction, actor: User) -> Ticket:
    """Open the ticket of a decided action (source: management-review decision) and link both ways: the
    action points at the ticket, the ticket's origin link points back at the action page. The action row
    is locked first, so a double click (two requests at once) opens one ticket and refuses the other."""
    if not may_open_action_tickets(actor):
        raise ServiceError(_("Chỉ Thư ký ISO hoặc Trưởng ban chỉ đạo ISO được mở phiếu HĐKP từ kết luận họp xem xét."))
    locked = ReviewAction.objects.select_for_update().get(pk=action.pk)
    if locked.ticket_id is not None:
        number = Ticket.objects.filter(pk=locked.ticket_id).values_list("number", "year").first()
        raise ServiceError(
            _("Hành động này đã có phiếu HĐKP số %(n)s; không mở thêm phiếu khác.")
            % {"n": f"{number[0]:02d}/{number[1]}" if number else "—"}
        )
    _action_followed(locked)
    if locked.status not in TICKET_ACTION_STATES:
        raise ServiceError(_("Hành động đã hoàn thành hoặc đã hủy nên không mở phiếu HĐKP."))
    review, minutes = locked.review, locked.minutes
    minutes_ref = _minutes_ref(minutes)
    description = _(
        "Thực hiện kết luận của cuộc họp xem xét của lãnh đạo “%(title)s” (biên bản số %(ref)s):\n%(desc)s\n"
        "Đơn vị chủ trì: %(unit)s. Thời hạn hoàn thành theo biên bản: %(deadline)s."
    ) % {
        "title": review.title,
        "ref": minutes_ref,
        "desc": locked.description,
        "unit": locked.responsible_unit,
        "deadline": locked.deadline.strftime("%d/%m/%Y"),
    }
    label = _("Kết luận họp xem xét “%(title)s”, biên bản số %(ref)s") % {"title": review.title, "ref": minutes_ref}
    ticket = ticket_open_from_source(
        actor=actor,
        requesting_unit=locked.responsible_unit,
        source=TicketSource.MANAGEMENT_REVIEW,
        description=description,
        origin_label=label[:255],
        origin_url=reverse("reviews:action_detail", args=[locked.pk]),
    )
    # The lock above already serialises clicks; the condition also holds where the lock is a no-op.
    if ReviewAction.objects.filter(pk=locked.pk, ticket__isnull=True).update(ticket=ticket, version=models.F("version") + 1) != 1:
        raise ServiceError(_("Hành động này vừa được mở phiếu HĐKP; không mở thêm phiếu khác."))
    audit_record(target=locked, actor=actor, action=_("Mở phiếu HĐKP/cải tiến"), note=_("Phiếu số %(n)s") % {"n": ticket.number_display})
    action.ticket, action.version = ticket, locked.version + 1
    return ticket
