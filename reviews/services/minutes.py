"""Steps 6–7 of QT.HT.06 §5.2: the minutes (BM.HT.06.04 or BM.CTCL.02) drafted by the secretary, signed
online by the chair, and corrected only by a new revision that is signed in its turn."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from qms import people
from qms.dates import format_datetime
from qms.errors import ServiceError, StaleEditError
from qms.messages import N_
from qms.models import MinutesForm, SignerProfile, User
from qms.roles import Role
from qms.services import audit_record, document_number_next, state_transition
from qms.transitions import check_transition

from .. import tasks
from ..combined import combined_missing
from ..models import (
    BRIEFING_NUMBER_FIELDS,
    MINUTES_CONTENT_FIELDS,
    MINUTES_STATES,
    MINUTES_TRANSITIONS,
    REVIEW_TRANSITIONS,
    ActionUpdate,
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Minutes,
    MinutesAttendee,
    MinutesStatus,
    OutputHeading,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)
from ..pdf import minutes_pdf
from ..rules import review_may_act
from ..selectors import (
    minutes_canonical_content,
    objectives_plan_percent,
    previous_actions_summary,
    review_nonconformity_count,
    risk_inputs,
    sha256,
)
from .common import check_same_agency_units, check_same_agency_users, require, require_agency, save_versioned

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

MINUTES_SERIES = "review-minutes"


def _stale_message() -> str:
    return _(
        "Biên bản đã được người khác sửa sau khi bạn mở trang. Nội dung của bạn chưa được lưu: "
        "hãy sao chép lại, tải lại trang rồi sửa tiếp."
    )


def _default_chair(review: Review) -> User | None:
    """Who approved the plan (its chair), else the organisation's first chair."""
    if review.approved_by_id:
        return review.approved_by
    return people.review_chairs(review.organisation).order_by("pk").first()


def _briefing_prefill(review: Review, report: ConsolidatedReport | None) -> dict[str, Any]:
    """BM.HT.06.04 §1.1 and BM.CTCL.02 topic 2 pre-filled from the consolidated report BM.HT.06.03 (the units'
    reports, the tickets and the objectives it was built from) and the objectives' roll-up."""
    values: dict[str, Any] = {}
    if report is not None:
        values.update(
            brief_application=report.s1_general,
            brief_policy_objectives=report.s2_policy_objectives,
            brief_audit="\n\n".join(t for t in (report.s3_audit_actions, report.s3_records) if t.strip()),
            brief_improvement=report.s3_recommendations,
            brief_change_other=report.s7_changes,
            brief_resources=report.s6_resources,
            topic_2_internal=report.s7_changes,
        )
    values["brief_plan_percent"] = objectives_plan_percent(review.year, organisation=review.organisation_id)
    values["brief_nonconformities"] = review_nonconformity_count(review)
    return values


@transaction.atomic
def minutes_create(*, review: Review, actor: User, form_code: str | None = None) -> Minutes:
    """Open the minutes on the organisation's form (or `form_code`, a BM.HT.06.04 / BM.CTCL.02 the secretary
    chose for this meeting), pre-filled from the plan and the reports."""
    if form_code is not None and form_code not in MinutesForm.values:
        raise ServiceError(_("Mẫu biên bản không hợp lệ."), field="form_code")
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, review)
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
        organisation_id=review.organisation_id,
        form_code=form_code or review.organisation.minutes_form,
        started_at=review.meeting_start,
        ended_at=review.meeting_end,
        location=review.location,
        chair=_default_chair(review),
        secretary=actor,
        # An outline for the secretary to summarise; the full text stays in BM.HT.06.03.
        # BM.CTCL.02 4.1 "Các báo cáo": an outline; BM.HT.06.04 has its §1.1 headings (the brief_* fields).
        reports_summary=(
            _("Thư ký ISO trình bày báo cáo tổng hợp (BM.HT.06.03) về:")
            + "\n"
            + "\n".join(f"- {label}: " for _n, label, _t in report.sections())
            if report and (form_code or review.organisation.minutes_form) == MinutesForm.CTCL_02
            else ""
        ),
        unit_reports_summary="\n".join(_("- %(unit)s: đã nộp báo cáo (BM.HT.06.02).") % {"unit": r.unit.name} for r in submitted),
        topic_1=previous_actions_summary(review),
        # Topic 5 "Hiệu lực của hành động giải quyết rủi ro, cơ hội": what the risk tables hold today.
        topic_5=risk_inputs(review),
        **_briefing_prefill(review, report),
        updated_by=actor,
    )
    MinutesAttendee.objects.bulk_create(
        MinutesAttendee(minutes=minutes, user=u, name=u.display_name, title=u.job_title)
        for u in review.attendees.filter(organisation=review.organisation_id).order_by("pk")
    )
    audit_record(target=minutes, actor=actor, action=N_("Lập biên bản"), to_state=minutes.status)
    return minutes


def _check_editable(minutes: Minutes) -> None:
    if minutes.is_locked:
        raise ServiceError(_("Biên bản đã ký, không thể sửa; hãy tạo bản sửa đổi."))
    if minutes.review.status not in MINUTES_STATES:
        raise ServiceError(_("Cuộc họp xem xét đã hoàn thành, không thể sửa biên bản."))


def _unchanged_deadline(row: dict[str, Any]) -> bool:
    """A copied action of a revision may keep its original (now past) deadline."""
    return ReviewAction.objects.filter(pk=row["id"], deadline=row["deadline"]).exists()


def _sync_rows(
    model: type[models.Model], existing_qs: models.QuerySet, rows: list[dict[str, Any]], fixed: dict[str, Any], fields: list[str]
) -> None:
    """Rows with the id of an existing row update it, rows without one are created, missing ones deleted."""
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
        model._default_manager.filter(pk__in=stale).delete()


@transaction.atomic
def minutes_save(
    *,
    minutes: Minutes,
    actor: User,
    version: int,
    data: dict[str, Any],
    attendance: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    today: dt.date | None = None,
) -> Minutes:
    """Save the draft: content, who attended, and the actions decided. `attendance` and `actions` rows
    carry the id of an existing row or none for a new one; rows missing from the lists are removed."""
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, minutes.review)
    _check_editable(minutes)
    # The chair, the secretary, the attendees and the responsible units are the review's agency's.
    organisation = minutes.review.organisation_id
    check_same_agency_users(organisation, [data.get("chair"), data.get("secretary")])
    check_same_agency_users(organisation, [row.get("user") for row in attendance])
    check_same_agency_units(organisation, [row.get("responsible_unit") for row in actions], field="responsible_unit")
    chair = data.get("chair")
    if chair is not None and not _may_chair(chair, minutes.review):
        raise ServiceError(
            _("%(name)s không phải người chủ trì theo quy trình của cơ quan (%(role)s) hoặc người được ủy quyền trong kế hoạch.")
            % {"name": chair.display_name, "role": people.review_chair_role(minutes.review.organisation).label},
            field="chair",
        )
    today = today or timezone.localdate()  # `today`: the demo records past meetings
    for row in actions:
        row["output_heading"] = row.get("output_heading") or OutputHeading.OTHER
    for row in actions:
        if row["deadline"] < today and not (row.get("id") and _unchanged_deadline(row)):
            raise ServiceError(_("Thời hạn hoàn thành không được ở trong quá khứ."), field="deadline")
    values: dict[str, Any] = {f: data.get(f, "") for f in MINUTES_CONTENT_FIELDS}
    values.update({k: data.get(k) for k in ("started_at", "ended_at", "chair", "secretary", *BRIEFING_NUMBER_FIELDS)})
    values.update(updated_by=actor, updated_at=timezone.now())
    save_versioned(minutes, version=version, values=values, stale_message=_stale_message())
    _sync_rows(
        MinutesAttendee, minutes.attendance.all(), attendance, {"minutes": minutes}, ["user", "name", "title", "presence", "replaced_by"]
    )
    _sync_rows(
        ReviewAction,
        minutes.actions.all(),
        actions,
        {"minutes": minutes, "review": minutes.review},
        ["description", "responsible_unit", "deadline", "output_heading"],
    )
    audit_record(target=minutes, actor=actor, action=N_("Sửa biên bản"))
    return minutes


def _store_signed_file(minutes: Minutes, *, signer: Signer) -> None:
    """Lay the signed minutes out (the exact content the chair read, with Decree 30's signature drawn),
    sign the PDF and keep it as the record, with its SHA-256 to recognise it and notice a swapped file."""
    from qms.signing.pades import sign_pdf

    minutes.refresh_from_db()
    pdf = minutes_pdf(minutes)
    signed = sign_pdf(
        pdf,
        signer=signer,
        field_name=signature_field_name(minutes),
        reason=_("Ký biên bản họp xem xét của lãnh đạo"),
        location=minutes.organisation.place_name,
    )
    minutes.signed_file.save(f"bien-ban-{minutes.pk}-v{minutes.revision}.pdf", ContentFile(signed), save=False)
    digest = hashlib.sha256(signed).hexdigest()
    Minutes.objects.filter(pk=minutes.pk).update(signed_file=minutes.signed_file.name, signed_file_sha256=digest)
    minutes.signed_file_sha256 = digest


def signature_field_name(minutes: Minutes) -> str:
    """The signature field of the minutes' PDF names the record, so that a copy is recognised even when it
    is not the stored file."""
    return f"qms-minutes-{minutes.pk}-v{minutes.revision}"


def _may_chair(user: User, review: Review) -> bool:
    """A chair of the minutes holds the organisation's chairing role, or is the deputy the plan names."""
    if review.deputy_chair_id is not None and review.deputy_chair_id == user.pk:
        return True
    return (
        user.is_active and user.organisation_id == review.organisation_id and user.has_role(people.review_chair_role(review.organisation))
    )


def _check_complete(minutes: Minutes) -> None:
    missing = []
    if not minutes.started_at or not minutes.ended_at:
        missing.append(_("thời gian bắt đầu và kết thúc"))
    if not minutes.location:
        missing.append(_("địa điểm"))
    if not minutes.chair_id or not minutes.secretary_id:
        missing.append(_("chủ trì và thư ký"))
    present = [MinutesAttendee.Presence.PRESENT, MinutesAttendee.Presence.REPLACED]
    if not minutes.attendance.filter(presence__in=present).exists():
        missing.append(_("thành phần tham dự"))
    if not minutes.conclusions.strip():
        missing.append(_("kết luận"))
    if minutes.meeting_moved and not minutes.time_change_reason.strip():
        missing.append(
            _("lý do họp lúc %(held)s thay vì %(notified)s như thông báo")
            % {"held": format_datetime(minutes.started_at), "notified": format_datetime(minutes.review.meeting_start)}
        )
    # A combined meeting's minutes: every part of BM.CTCL.02 as well (QT.CTCL 5.8.1.2).
    missing += combined_missing(minutes)
    headings = minutes.missing_outputs()
    if headings:
        missing.append(
            _("đầu ra “%(headings)s” (ghi quyết định, giao hành động hoặc ghi “Không có”)") % {"headings": "”, “".join(map(str, headings))}
        )
    if missing:
        raise ServiceError(_("Biên bản chưa đủ nội dung để ký: thiếu %(fields)s.") % {"fields": ", ".join(missing)})


@sensitive_variables("password", "secret")
@transaction.atomic
def minutes_sign(
    *,
    minutes: Minutes,
    actor: User,
    password: str,
    secret: str | None = None,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> Minutes:
    """The chair recorded in the minutes signs after re-entering their password, then the secret of their
    signer (the .p12 passphrase or the token's PIN, `secret`; never stored): the version they read
    (`version`, from the sign page; None only for the demo's back-filled records). The number is given now;
    the minutes are laid out as PDF as the chair was shown them, signed (PAdES) and the signed file is
    stored as the record. A wrong secret is refused with nothing signed."""
    require_agency(actor, minutes.review)
    may_act = review_may_act(minutes.review, minutes)
    check_transition(MINUTES_TRANSITIONS, minutes.status, MinutesStatus.SIGNED, actor=actor, may_act=may_act)
    current = Minutes.objects.select_for_update().filter(pk=minutes.pk).values_list("version", flat=True).first()
    if version is not None and current != version:
        raise StaleEditError(
            _(
                "Biên bản đã được sửa sau khi bạn mở trang ký (bạn đọc phiên bản %(read)s, hiện là %(now)s). Biên bản chưa "
                "được ký: hãy đọc lại nội dung mới rồi ký."
            )
            % {"read": version, "now": current}
        )
    if not password or not actor.check_password(password):
        raise ServiceError(_("Mật khẩu không đúng. Biên bản chưa được ký."), field="password")
    profile = SignerProfile.objects.filter(user=actor).first()
    if profile is None:
        raise ServiceError(
            _("Tài khoản của bạn chưa được cấu hình chữ ký số: hãy đề nghị quản trị của cơ quan cấu hình. Biên bản chưa được ký.")
        )
    from qms.signing.pades import signer_for  # pyHanko is loaded when someone signs

    signer = signer_for(profile, secret)  # a wrong passphrase or PIN stops here, before anything is written
    minutes.refresh_from_db()
    _check_complete(minutes)
    review = Review.objects.select_for_update().get(pk=minutes.review_id)
    old = minutes.supersedes
    if old is None and review.status != ReviewStatus.PREPARING:
        raise ServiceError(_("Cuộc họp không ở trạng thái chờ ký biên bản."))
    if old is None and not ConsolidatedReport.objects.filter(review=review, status=ConsolidatedReportStatus.FINAL).exists():
        # QT.HT.06 §5.1: the consolidated report BM.HT.06.03 is the meeting's input; minutes follow it.
        raise ServiceError(_("Báo cáo tổng hợp (BM.HT.06.03) chưa hoàn thiện: hãy hoàn thiện trước khi ký biên bản."))
    if old is not None and old.status != MinutesStatus.SIGNED:
        raise ServiceError(_("Bản biên bản được sửa đổi không còn hiệu lực."))
    now = now or timezone.now()
    if minutes.ended_at and minutes.ended_at > now:
        raise ServiceError(
            _("Biên bản ghi cuộc họp kết thúc lúc %(end)s, chưa diễn ra: chỉ ký biên bản sau khi họp.")
            % {"end": format_datetime(minutes.ended_at)}
        )
    if old is not None:
        number, year = old.number, old.number_year
    else:
        year = timezone.localtime(now).year
        number = document_number_next(organisation=review.organisation, series=MINUTES_SERIES, year=year)
    # The number is part of the signed content, so it is written before the content is hashed.
    save_versioned(
        minutes,
        version=minutes.version,
        values={"number": number, "number_year": year},
        status=MinutesStatus.DRAFT,
        stale_message=_("Biên bản vừa được người khác sửa. Hãy đọc lại trước khi ký."),
    )
    content = minutes_canonical_content(minutes)
    digest = sha256(content)
    state_transition(
        instance=minutes,
        to_state=MinutesStatus.SIGNED,
        actor=actor,
        action=N_("Ký biên bản"),
        note=N_("Mã băm nội dung (SHA-256): %(digest)s") % {"digest": digest},
        extra={"signed_by": actor, "signed_at": now, "signed_sha256": digest, "signed_content": content},
    )
    if old is not None:
        check_transition(MINUTES_TRANSITIONS, old.status, MinutesStatus.SUPERSEDED, actor=actor, may_act=may_act)
        state_transition(
            instance=old,
            to_state=MinutesStatus.SUPERSEDED,
            actor=actor,
            action=N_("Thay thế bởi bản sửa đổi %(n)s") % {"n": minutes.revision},
        )
        _actions_carry_over(minutes)
    else:
        check_transition(REVIEW_TRANSITIONS, review.status, ReviewStatus.SIGNED, actor=actor, may_act=may_act)
        state_transition(instance=review, to_state=ReviewStatus.SIGNED, actor=actor, action=N_("Ký biên bản họp"))
    _store_signed_file(minutes, signer=signer)
    minutes_id = minutes.pk
    transaction.on_commit(lambda: tasks.minutes_distribute.delay(minutes_id))
    return minutes


def _actions_carry_over(minutes: Minutes) -> None:
    """The follow-up done on the corrected revision's actions continues on their copies."""
    for action in minutes.actions.select_related("origin").filter(origin__isnull=False):
        origin = action.origin
        assert origin is not None  # filtered above
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
    require(actor, Role.SECRETARY, "reviews.manage_review")
    require_agency(actor, minutes.review)
    if minutes.status != MinutesStatus.SIGNED or minutes.review.status not in MINUTES_STATES:
        raise ServiceError(_("Chỉ tạo bản sửa đổi của biên bản đã ký và đang có hiệu lực."))
    if not (reason or "").strip():
        raise ServiceError(_("Hãy ghi lý do sửa đổi."), field="reason")
    if Minutes.objects.filter(supersedes=minutes).exists():
        raise ServiceError(_("Biên bản này đã có bản sửa đổi đang soạn."))
    copy = Minutes.objects.create(
        review=minutes.review,
        organisation_id=minutes.organisation_id,
        revision=minutes.revision + 1,
        supersedes=minutes,
        correction_reason=reason.strip(),
        form_code=minutes.form_code,
        started_at=minutes.started_at,
        ended_at=minutes.ended_at,
        chair=minutes.chair,
        secretary=minutes.secretary,
        updated_by=actor,
        **{f: getattr(minutes, f) for f in [*MINUTES_CONTENT_FIELDS, *BRIEFING_NUMBER_FIELDS]},
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
            output_heading=a.output_heading,
        )
    audit_record(target=copy, actor=actor, action=N_("Tạo bản sửa đổi biên bản"), to_state=copy.status, note=reason.strip())
    return copy
