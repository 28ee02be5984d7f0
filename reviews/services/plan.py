"""Steps 1–2 of QT.HT.06 §5.1: the secretary's plan, the committee head's approval, and the notice
BM.HT.06.01 that opens the collection of the units' reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qms import people
from qms.dates import format_date, format_datetime
from qms.errors import ServiceError
from qms.messages import N_
from qms.models import Organisation, User
from qms.roles import Role
from qms.services import audit_record, document_number_next, notification_send, state_transition
from qms.workdays import add_working_days

from .. import tasks
from ..models import EDITABLE_PLAN_STATES, CombinedMeeting, Review, ReviewStatus, UnitReport
from ..selectors import review_url
from ..yearly import next_free_sequence, sequence_taken
from .common import (
    actor_agency,
    check_review_move,
    check_same_agency_units,
    check_same_agency_users,
    require,
    require_agency,
    require_meeting,
    save_versioned,
)

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
    "deputy_chair",
    "combined_with",
    "combined_meeting_name",
]


def _check_plan_dates(data: Mapping[str, Any]) -> None:
    start, end, deadline = data["meeting_start"], data.get("meeting_end"), data["report_deadline"]
    if end is not None and end <= start:
        raise ServiceError(_("Thời gian kết thúc phải sau thời gian bắt đầu họp."), field="meeting_end")
    if deadline >= timezone.localtime(start).date():
        raise ServiceError(_("Hạn nộp báo cáo phải trước ngày họp."), field="report_deadline")


def _check_combined(data: Mapping[str, Any]) -> None:
    """QT.CTCL 5.8: a review combined with a giao ban / sơ kết / tổng kết names that meeting; a meeting of its own names none."""
    kind, name = data.get("combined_with") or "", (data.get("combined_meeting_name") or "").strip()
    if kind and kind not in CombinedMeeting.values:
        raise ServiceError(_("Loại cuộc họp kết hợp không hợp lệ."), field="combined_with")
    if kind and not name:
        raise ServiceError(_("Hãy ghi tên cuộc họp kết hợp (ví dụ “Họp giao ban tháng 6/2026”)."), field="combined_meeting_name")
    if name and not kind:
        raise ServiceError(_("Hãy chọn loại cuộc họp kết hợp (giao ban, sơ kết hoặc tổng kết)."), field="combined_with")


def _check_plan_people(organisation: Organisation | int, data: Mapping[str, Any]) -> None:
    """The reporting units and the attendees are the review's agency's own."""
    check_same_agency_units(organisation, data["units"], field="units")
    check_same_agency_users(organisation, data.get("attendees") or [], field="attendees")
    check_same_agency_users(organisation, [data.get("deputy_chair")], field="deputy_chair")


def _check_sequence(organisation: Organisation | int, data: Mapping[str, Any], *, exclude_pk: int | None = None) -> None:
    """ "Lần trong năm" is unique per agency, year and kind (a DB constraint backs this message)."""
    year, kind, sequence = data.get("year"), data.get("kind") or Review.Kind.PERIODIC, data.get("sequence")
    if year is None or sequence is None:
        return
    if sequence_taken(organisation=organisation, year=year, kind=kind, sequence=sequence, exclude_pk=exclude_pk):
        free = next_free_sequence(organisation=organisation, year=year, kind=kind, exclude_pk=exclude_pk)
        raise ServiceError(
            _("Đã có cuộc họp %(kind)s lần %(n)d năm %(y)d; lần còn trống tiếp theo là %(free)d.")
            % {"kind": str(Review.Kind(kind).label).lower(), "n": sequence, "y": year, "free": free},
            field="sequence",
        )


def _missing_people(review: Review) -> list[str]:
    """Who the procedure wants at the meeting and the plan's attendees lack: the chair (of the role the
    organisation's procedure names), the ISO secretary, and the ISO focal point of each reporting unit."""
    org = review.organisation
    attendees = list(review.attendees.filter(organisation=org, is_active=True))
    chair_role = people.review_chair_role(org)
    missing: list[str] = []
    if not any(a.has_role(chair_role) for a in attendees):
        missing.append(_("người chủ trì (%(role)s)") % {"role": chair_role.label})
    if not any(a.has_role(Role.SECRETARY) for a in attendees):
        missing.append(str(Role.SECRETARY.label))
    for unit in review.units.order_by("order", "name"):
        focal_points = list(people.unit_focal_points(unit))
        if not focal_points:
            missing.append(_("%(unit)s chưa có Đầu mối ISO (hãy giao vai trò này cho một người của đơn vị)") % {"unit": unit.name})
        elif not any(a in focal_points for a in attendees):
            missing.append(
                _("Đầu mối ISO của %(unit)s (%(names)s)") % {"unit": unit.name, "names": ", ".join(u.display_name for u in focal_points)}
            )
    return missing


@transaction.atomic
def review_plan_create(*, actor: User, data: Mapping[str, Any]) -> Review:
    """Step 1: the secretary drafts the plan (periodic or extraordinary)."""
    require(actor, Role.SECRETARY, "reviews.plan_review")
    organisation = actor_agency(actor)
    if data.get("kind") == Review.Kind.BY_REPORT:
        raise ServiceError(_("Cuộc xem xét thông qua báo cáo (QT.CTCL 5.8.2) được lập ở trang riêng, không theo kế hoạch họp."))
    _check_plan_dates(data)
    _check_combined(data)
    _check_plan_people(organisation, data)
    _check_sequence(organisation, data)
    review = Review.objects.create(organisation=organisation, created_by=actor, **{f: data[f] for f in PLAN_FIELDS if f in data})
    review.units.set(data["units"])
    review.attendees.set(data.get("attendees") or [])
    audit_record(target=review, actor=actor, action=N_("Lập kế hoạch họp xem xét"), to_state=review.status)
    return review


@transaction.atomic
def review_plan_update(*, review: Review, actor: User, data: Mapping[str, Any], version: int) -> Review:
    """Saves the plan only if nobody saved or moved it since `version` was loaded."""
    require(actor, Role.SECRETARY, "reviews.plan_review")
    require_agency(actor, review)
    require_meeting(review)
    if not review.is_plan_editable:
        raise ServiceError(_("Kế hoạch đã trình hoặc đã được phê duyệt nên không sửa được."))
    _check_plan_dates(data)
    _check_combined(data)
    _check_plan_people(review.organisation_id, data)
    _check_sequence(review.organisation_id, data, exclude_pk=review.pk)
    save_versioned(
        review,
        version=version,
        values={**{f: data[f] for f in PLAN_FIELDS if f in data}, "updated_at": timezone.now()},
        status__in=EDITABLE_PLAN_STATES,
        stale_message=_(
            "Kế hoạch vừa được người khác sửa hoặc chuyển trạng thái sau khi bạn mở trang. Nội dung bạn nhập "
            "vẫn còn trên biểu mẫu; hãy mở lại kế hoạch ở tab khác để xem bản mới nhất rồi nhập lại thay đổi."
        ),
    )
    review.units.set(data["units"])
    review.attendees.set(data.get("attendees") or [])
    audit_record(target=review, actor=actor, action=N_("Sửa kế hoạch"))
    return review


@transaction.atomic
def review_plan_submit(*, review: Review, actor: User) -> Review:
    action = N_("Trình phê duyệt kế hoạch")
    check_review_move(review, ReviewStatus.PENDING_APPROVAL, actor=actor, action=action)
    if not review.units.exists():
        raise ServiceError(_("Kế hoạch chưa có đơn vị báo cáo nào."))
    missing = _missing_people(review)
    if missing:
        raise ServiceError(_("Thành phần tham dự còn thiếu: %(list)s.") % {"list": "; ".join(missing)}, field="attendees")
    state_transition(instance=review, to_state=ReviewStatus.PENDING_APPROVAL, actor=actor, action=action)
    notification_send(
        recipients=people.review_chairs(review.organisation),
        subject=N_("Kế hoạch họp xem xét chờ phê duyệt: %(title)s") % {"title": review.title},
        body=N_("Thư ký ISO %(name)s đã trình kế hoạch; thời gian họp dự kiến %(when)s.")
        % {"name": actor.display_name, "when": format_datetime(review.meeting_start)},
        url=review_url(review),
    )
    return review


@transaction.atomic
def review_plan_approve(*, review: Review, actor: User, comment: str = "") -> Review:
    action = N_("Phê duyệt kế hoạch")
    check_review_move(review, ReviewStatus.APPROVED, actor=actor, action=action)
    state_transition(
        instance=review,
        to_state=ReviewStatus.APPROVED,
        actor=actor,
        action=action,
        note=comment,
        extra={"approved_by": actor, "approved_at": timezone.now(), "head_comment": comment},
    )
    notification_send(
        recipients=User.objects.with_role(Role.SECRETARY, organisation=review.organisation_id),
        subject=N_("Kế hoạch đã được phê duyệt: %(title)s") % {"title": review.title},
        body=N_("Hãy phát hành thông báo họp (BM.HT.06.01) đến thành phần tham dự."),
        url=review_url(review),
    )
    return review


@transaction.atomic
def review_plan_return(*, review: Review, actor: User, comment: str) -> Review:
    action = N_("Trả lại kế hoạch")
    check_review_move(review, ReviewStatus.RETURNED, actor=actor, action=action)
    if not (comment or "").strip():
        raise ServiceError(_("Hãy ghi rõ lý do trả lại kế hoạch."), field="comment")
    state_transition(
        instance=review,
        to_state=ReviewStatus.RETURNED,
        actor=actor,
        action=action,
        note=comment,
        extra={"head_comment": comment},
    )
    notification_send(
        recipients=User.objects.with_role(Role.SECRETARY, organisation=review.organisation_id),
        subject=N_("Kế hoạch bị trả lại để sửa: %(title)s") % {"title": review.title},
        body=comment,
        url=review_url(review),
    )
    return review


@transaction.atomic
def review_plan_reopen(*, review: Review, actor: User) -> Review:
    """An approved plan whose date must change (e.g. too close for the notice) goes back to draft and
    needs approval again."""
    action = N_("Điều chỉnh kế hoạch đã duyệt")
    check_review_move(review, ReviewStatus.DRAFT, actor=actor, action=action)
    state_transition(
        instance=review, to_state=ReviewStatus.DRAFT, actor=actor, action=action, extra={"approved_by": None, "approved_at": None}
    )
    return review


@transaction.atomic
def review_notice_issue(*, review: Review, actor: User, today: dt.date | None = None) -> Review:
    """Step 2: notice BM.HT.06.01, at least N working days before the meeting (QT.HT.06 §5.1). Opens the
    collection of the units' reports BM.HT.06.02; the e-mail with the calendar invitation goes after commit."""
    action = N_("Phát hành thông báo họp")
    check_review_move(review, ReviewStatus.COLLECTING, actor=actor, action=action)
    today = today or timezone.localdate()
    org = review.organisation
    earliest = add_working_days(today, org.notice_lead_working_days, org)
    if review.meeting_date < earliest:
        raise ServiceError(
            _("Cuộc họp phải được thông báo trước ít nhất %(n)d ngày làm việc: ngày họp sớm nhất có thể là %(date)s.")
            % {"n": org.notice_lead_working_days, "date": format_date(earliest)}
        )
    if review.report_deadline < today:  # the notice would ask for reports already overdue
        raise ServiceError(
            _("Hạn nộp báo cáo đơn vị (%(date)s) đã qua: hãy điều chỉnh kế hoạch trước khi phát hành thông báo.")
            % {"date": format_date(review.report_deadline)}
        )
    number = document_number_next(organisation=org, series="review-notice", year=today.year)
    issued_at = timezone.now()
    if today != timezone.localdate():  # a notice recorded for another day (demo data, back-filled records)
        issued_at = timezone.make_aware(dt.datetime.combine(today, timezone.localtime(issued_at).time()))
    state_transition(
        instance=review,
        to_state=ReviewStatus.COLLECTING,
        actor=actor,
        action=action,
        note=N_("Số %(number)02d/%(symbol)s") % {"number": number, "symbol": org.notice_symbol},
        extra={"notice_number": number, "notice_year": today.year, "notice_issued_at": issued_at, "notice_issued_by": actor},
    )
    units = list(review.units.all())
    UnitReport.objects.bulk_create([UnitReport(review=review, unit=unit) for unit in units], ignore_conflicts=True)
    reports = {r.unit_id: r for r in review.unit_reports.all()}
    heads = User.objects.with_role(Role.UNIT_HEAD, Role.FOCAL_POINT, organisation=org).filter(unit__in=units)
    for unit in units:
        notification_send(
            recipients=[h for h in heads if h.unit_id == unit.pk],
            subject=N_("Đề nghị nộp báo cáo thực hiện HTQLCL (BM.HT.06.02) trước ngày %(date)s")
            % {"date": format_date(review.report_deadline)},
            body=N_("Cuộc họp: %(title)s, %(when)s tại %(where)s. Báo cáo nộp về: %(to)s.")
            % {
                "title": review.title,
                "when": format_datetime(review.meeting_start),
                "where": review.location,
                "to": review.report_recipient,
            },
            url=reverse("reviews:report_edit", args=[reports[unit.pk].pk]),
        )
    notification_send(
        recipients=review.attendees.filter(organisation=org),
        subject=N_("Thông báo họp xem xét của lãnh đạo: %(title)s") % {"title": review.title},
        body=N_("Thời gian: %(when)s. Địa điểm: %(where)s.") % {"when": format_datetime(review.meeting_start), "where": review.location},
        url=review_url(review),
        email=False,  # the e-mail is the notice itself, with its calendar invitation
    )
    review_id = review.pk
    transaction.on_commit(lambda: tasks.review_notice_send.delay(review_id))
    return review
