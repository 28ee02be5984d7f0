"""The management review's official forms as PDFs, in the Decree 30/2020 layout (templates/pdf/base.html):
BM.HT.06.01 notice, BM.HT.06.02 unit report, BM.HT.06.03 consolidated report, and the minutes in the
organisation's chosen form (BM.HT.06.04 of QT.HT.06 or BM.CTCL.02 of QT.CTCL). Also who may download which
of them, so that the download views and the review page's links apply one rule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import overload

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qms.dates import format_date
from qms.errors import ServiceError
from qms.models import MinutesForm, Organisation, User
from qms.pdf import document_number, html_to_pdf, register_form, render_html, vn_date_line
from qms.people import unit_focal_points
from qms.roles import Role
from qms.signing.appearance import signature_block
from qms.tenancy import is_overseer

from .models import (
    REPORT_SECTIONS,
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Minutes,
    MinutesAttendee,
    Review,
    UnitReport,
    UnitReportStatus,
)
from .rules import can_read_consolidated

NOTICE = "BM.HT.06.01"
UNIT_REPORT = "BM.HT.06.02"
CONSOLIDATED = "BM.HT.06.03"
MINUTES_TEMPLATES = {
    MinutesForm.HT_06_04: "pdf/reviews/minutes_ht_06_04.html",
    MinutesForm.CTCL_02: "pdf/reviews/minutes_ctcl_02.html",
}
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


# --- formatting -------------------------------------------------------------------------------------


@overload
def _local(moment: dt.datetime) -> dt.datetime: ...
@overload
def _local(moment: dt.datetime | None) -> dt.datetime | None: ...
def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None


def _clock(moment: dt.datetime) -> str:
    """'08 giờ 05', the way Vietnamese documents write the time of day."""
    return f"{moment.hour:02d} giờ {moment.minute:02d}"


def _long_date(day: dt.date) -> str:
    """'ngày 05 tháng 01 năm 2026' — the Decree 30 rule for leading zeros (months 1–2 only)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def _person(name: str, title: str = "", unit: str = "") -> str:
    extra = ", ".join(part for part in (title, unit) if part)
    return f"{name} – {extra}" if extra else name


def _committee_head(organisation: Organisation) -> User | None:
    return User.objects.with_role(Role.COMMITTEE_HEAD, organisation=organisation).order_by("pk").first()


def _signature(role: str, user: User | None, *, note: str = "", esign: dict | None = None, plain: bool = False, tall: bool = False) -> dict:
    return {"role": role, "name": user.display_name if user else "", "note": note, "esign": esign, "role_plain": plain, "tall": tall}


def _base_context(*, org: Organisation, form_code: str, title: str, number_line: str = "", day: dt.date | None, is_draft: bool) -> dict:
    """The header of every form: the record's agency's names and place."""
    return {
        "org": org,
        "form_code": form_code,
        "document_title": title,
        "number_line": number_line,
        "date_line": vn_date_line(org.place_name, day),
        "is_draft": is_draft,
    }


def _sections(obj: UnitReport | ConsolidatedReport, year: int) -> list[tuple[str, str]]:
    """The seven headings of BM.HT.06.03 with their text; section 2 names the year as the form does."""
    sections = []
    for name, label in REPORT_SECTIONS:
        heading = str(label)
        if name == "s2_policy_objectives":
            heading = f"{heading} năm {year}"
        sections.append((f"{heading}:", getattr(obj, name)))
    return sections


# --- BM.HT.06.01 --------------------------------------------------------------------------------------


def _meeting_time(review: Review) -> str:
    start = _local(review.meeting_start)
    end = _local(review.meeting_end)
    span = f"Từ {_clock(start)} đến {_clock(end)}" if end and end.date() == start.date() else f"Vào hồi {_clock(start)}"
    return f"{span}, {WEEKDAYS[start.weekday()]}, ngày {format_date(start)}"


def _attendee_groups(review: Review, org: Organisation) -> list[dict]:
    """The five groups a)–e) of BM.HT.06.01, filled with the invited people; a person with several roles
    is named once, in the first group that fits."""
    groups: dict[str, list[str]] = {key: [] for key in "abcd"}
    for user in review.attendees.select_related("unit").prefetch_related("groups").order_by("full_name", "pk"):
        roles = {g.name for g in user.groups.all()}
        if Role.COMMITTEE_HEAD.value in roles:
            key = "a"
        elif Role.COMMITTEE_MEMBER.value in roles:
            key = "b"
        elif Role.SECRETARY.value in roles:
            key = "c"
        else:
            continue  # d) is not the invited unit heads but the units' ISO focal points, below
        groups[key].append(_person(user.display_name, user.job_title, ""))
    for unit in review.units.all():
        groups["d"] += [_person(p.display_name, p.job_title, unit.name) for p in unit_focal_points(unit).order_by("full_name", "pk")]
    units = ", ".join(u.name for u in review.units.all())
    related = [line.strip(" -;") for line in review.related_parties.splitlines() if line.strip(" -;")]
    return [
        {"letter": "a", "label": "Trưởng ban chỉ đạo ISO", "names": groups["a"]},
        {"letter": "b", "label": f"Thành viên {org.committee_name} {org.short_name}".strip(), "names": groups["b"]},
        {"letter": "c", "label": "Thư ký ISO", "names": groups["c"]},
        {"letter": "d", "label": f"Đầu mối ISO các đơn vị ({units})" if units else "Đầu mối ISO các đơn vị", "names": groups["d"]},
        {"letter": "e", "label": "Các bộ phận có liên quan", "names": related},
    ]


def notice_pdf(review: Review) -> bytes:
    return html_to_pdf(notice_html(review))


def notice_html(review: Review) -> str:
    """BM.HT.06.01 — Thông báo họp xem xét của lãnh đạo về HTQLCL."""
    org = review.organisation
    issued = _local(review.notice_issued_at)
    context = _base_context(
        org=org,
        form_code=NOTICE,
        title="Thông báo họp xem xét của lãnh đạo",
        number_line=document_number(review.notice_number, org.notice_symbol),
        day=issued.date() if issued else None,
        is_draft=not review.notice_issued,
    )
    context.update(
        review=review,
        meeting_time=_meeting_time(review),
        attendee_groups=_attendee_groups(review, org),
        agenda_lines=[line.strip().lstrip("-+•").strip() for line in review.agenda.splitlines() if line.strip(" -+•")],
        signature=_signature("Trưởng ban chỉ đạo ISO", review.approved_by or _committee_head(org)),
    )
    return render_html("pdf/reviews/notice.html", context)


# --- BM.HT.06.02 --------------------------------------------------------------------------------------


def _unit_signer(report: UnitReport) -> User | None:
    if report.submitted_by_id:
        return report.submitted_by
    heads = User.objects.with_role(Role.UNIT_HEAD, organisation=report.review.organisation_id, unit=report.unit)
    return heads.order_by("pk").first()


def unit_report_pdf(report: UnitReport) -> bytes:
    return html_to_pdf(unit_report_html(report))


def unit_report_html(report: UnitReport) -> str:
    """BM.HT.06.02 — Báo cáo thực hiện HTQLCL of one unit; its sections mirror BM.HT.06.03."""
    review = report.review
    submitted = _local(report.submitted_at)
    context = _base_context(
        org=review.organisation,
        form_code=UNIT_REPORT,
        title=f"Báo cáo thực hiện HTQLCL – {report.unit.name}",
        day=submitted.date() if submitted else None,
        is_draft=report.status != UnitReportStatus.SUBMITTED,
    )
    signer = _unit_signer(report)
    context.update(
        report=report,
        review=review,
        sections=_sections(report, review.year),
        attachments=list(report.attachments.all()),
        signature=_signature((signer.job_title if signer and signer.job_title else "Trưởng đơn vị"), signer),
    )
    return render_html("pdf/reviews/unit_report.html", context)


# --- BM.HT.06.03 --------------------------------------------------------------------------------------


def _unit_lines(review: Review) -> list[str]:
    lines = []
    for report in review.unit_reports.select_related("unit").order_by("unit__order", "unit__name"):
        submitted = _local(report.submitted_at)
        when = f"nộp ngày {format_date(submitted)}" if submitted else "chưa nộp"
        lines.append(f"{report.unit.name} ({when})")
    return lines


def consolidated_pdf(consolidated: ConsolidatedReport) -> bytes:
    return html_to_pdf(consolidated_html(consolidated))


def consolidated_html(consolidated: ConsolidatedReport) -> str:
    """BM.HT.06.03 — Báo cáo họp xem xét của lãnh đạo về HTQLCL lần N - năm Y."""
    review = consolidated.review
    day = _local(consolidated.finalised_at or consolidated.updated_at or consolidated.created_at)
    context = _base_context(
        org=review.organisation,
        form_code=CONSOLIDATED,
        title=f"Báo cáo họp xem xét của lãnh đạo lần {review.sequence} - năm {review.year}",
        day=day.date() if day else None,
        is_draft=not consolidated.is_final,
    )
    context.update(
        review=review,
        consolidated=consolidated,
        sections=_sections(consolidated, review.year),
        unit_lines=_unit_lines(review),
        signature=_signature("Trưởng ban chỉ đạo ISO", review.approved_by or _committee_head(review.organisation)),
    )
    return render_html("pdf/reviews/consolidated.html", context)


# --- BM.HT.06.04 / BM.CTCL.02 -------------------------------------------------------------------------


def _attendance_line(entry: MinutesAttendee) -> str:
    person = _person(entry.name, entry.title)
    if entry.presence == MinutesAttendee.Presence.ABSENT:
        return f"{person} (vắng mặt)"
    if entry.presence == MinutesAttendee.Presence.REPLACED:
        substitute = f"cử {entry.replaced_by} thay thế" if entry.replaced_by else "có cử người thay thế"
        return f"{person} (vắng mặt, {substitute})"
    return f"{person} (có mặt)"


def esignature(minutes: Minutes) -> dict | None:
    """What is drawn under the chair's title (Decree 30's image, seal and line); None while unsigned."""
    if not (minutes.signed_at and minutes.signed_by):
        return None
    return signature_block(signer=minutes.signed_by, organisation=minutes.organisation, at=minutes.signed_at)


def _revision_note(minutes: Minutes) -> str:
    if minutes.is_superseded:
        return "(Bản này đã được thay thế bởi bản sửa đổi sau.)"
    if minutes.revision > 1:
        reason = f" Lý do sửa đổi: {minutes.correction_reason}" if minutes.correction_reason else ""
        return f"(Bản sửa đổi lần {minutes.revision - 1}, thay thế bản đã ký trước đó.{reason})"
    return ""


def _minutes_context(minutes: Minutes, org: Organisation) -> dict:
    review = minutes.review
    start = _local(minutes.started_at or review.meeting_start)
    end = _local(minutes.ended_at)
    context = _base_context(
        org=org,
        form_code=minutes.form_code,
        title="Biên bản họp xem xét của lãnh đạo",
        number_line=document_number(minutes.number, org.minutes_symbol),
        day=start.date(),
        is_draft=minutes.is_draft,
    )
    if end is None:
        ended_line, closed_at = "Cuộc họp kết thúc lúc …… cùng ngày.", "…… giờ ……, ngày …… tháng …… năm ……"
    elif end.date() == start.date():
        ended_line, closed_at = f"Cuộc họp kết thúc lúc {_clock(end)} cùng ngày.", f"{_clock(end)}, {_long_date(end.date())}"
    else:
        ended_line = f"Cuộc họp kết thúc lúc {_clock(end)}, ngày {format_date(end)}."
        closed_at = f"{_clock(end)}, {_long_date(end.date())}"
    chair, secretary = minutes.chair, minutes.secretary
    context.update(
        minutes=minutes,
        review=review,
        location=minutes.location or review.location,
        start_time=_clock(start),
        start_date=format_date(start),
        opened_at=f"{_clock(start)}, {_long_date(start.date())}",
        ended_line=ended_line,
        closed_at=closed_at,
        attendee_lines=[_attendance_line(a) for a in minutes.attendance.all()],
        chair_line=_person(chair.display_name, chair.job_title) if chair else "……",
        secretary_line=_person(secretary.display_name, secretary.job_title) if secretary else "……",
        topics=minutes.topics(),
        outputs=minutes.outputs(),
        actions=list(minutes.actions.select_related("responsible_unit").order_by("deadline", "pk")),
        revision_note=_revision_note(minutes),
    )
    return context


def minutes_pdf(minutes: Minutes) -> bytes:
    return html_to_pdf(minutes_html(minutes))


def minutes_html(minutes: Minutes) -> str:
    """The minutes in the form they were drawn up in (minutes.form_code), under their agency's names."""
    org = minutes.organisation
    context = _minutes_context(minutes, org)
    signed = esignature(minutes)
    if minutes.form_code == MinutesForm.CTCL_02:
        left = _signature("Thư ký", minutes.secretary, tall=bool(signed))
        right = _signature("Chủ trì", minutes.chair, esign=signed, tall=bool(signed))
    else:
        left = _signature("Thư ký ISO", minutes.secretary, plain=True, tall=bool(signed))
        right = _signature("Trưởng ban chỉ đạo ISO", minutes.chair, esign=signed, tall=bool(signed))
    context.update(left_signature=left, right_signature=right)
    return render_html(MINUTES_TEMPLATES[MinutesForm(minutes.form_code)], context)


# --- registry (render_form CODE PK) -------------------------------------------------------------------


def _minutes_html(code: str, pk: int) -> str:
    minutes = Minutes.objects.select_related("review", "chair", "secretary", "signed_by").get(pk=pk)
    if minutes.form_code != code:
        raise ServiceError(
            _("Biên bản %(pk)s được lập theo mẫu %(actual)s, không phải %(asked)s.")
            % {"pk": pk, "actual": minutes.form_code, "asked": code}
        )
    return minutes_html(minutes)


def register() -> None:
    """Called from ReviewsConfig.ready(): the five forms of the review for `render_form CODE PK` and the
    download views (by their HTML; qms.pdf_cache lays them out in a Celery task)."""
    forms: list[tuple[str, object, Callable[[int], str]]] = [
        (
            NOTICE,
            gettext_lazy("Thông báo họp xem xét của lãnh đạo"),
            lambda pk: notice_html(Review.objects.select_related("organisation", "approved_by").get(pk=pk)),
        ),
        (
            UNIT_REPORT,
            gettext_lazy("Báo cáo thực hiện HTQLCL của đơn vị"),
            lambda pk: unit_report_html(UnitReport.objects.select_related("review", "unit", "submitted_by").get(pk=pk)),
        ),
        (
            CONSOLIDATED,
            gettext_lazy("Báo cáo họp xem xét của lãnh đạo"),
            lambda pk: consolidated_html(ConsolidatedReport.objects.select_related("review").get(pk=pk)),
        ),
    ]
    for minutes_form in (MinutesForm.HT_06_04, MinutesForm.CTCL_02):
        forms.append((str(minutes_form), gettext_lazy("Biên bản họp xem xét của lãnh đạo"), partial(_minutes_html, str(minutes_form))))
    for code, title, html in forms:
        register_form(code, title, html=html)  # type: ignore[arg-type]  # lazy title on purpose: listed in the user's language


# --- who may download what ----------------------------------------------------------------------------


def consolidated_visible_to(user: User) -> QuerySet[ConsolidatedReport]:
    """The consolidated reports of the reviews the user may see (the provincial overseer: final ones only).
    Which roles read them at all is the `reviews.view_consolidatedreport` permission (the steering
    committee), checked by the caller."""
    reports = ConsolidatedReport.objects.filter(review__in=Review.objects.visible_to(user).values("pk"))
    if is_overseer(user):
        reports = reports.filter(status=ConsolidatedReportStatus.FINAL)
    return reports


@dataclass(frozen=True)
class PdfLink:
    code: str
    label: str
    url: str


def available_pdfs(review: Review, user: User) -> list[PdfLink]:
    """The forms of this review the user may download, in the order the procedure produces them."""
    if not Review.objects.visible_to(user).filter(pk=review.pk).exists():
        return []
    draft = _(" (dự thảo)")
    links = [PdfLink(NOTICE, _("Thông báo họp") + ("" if review.notice_issued else draft), reverse("reviews:notice_pdf", args=[review.pk]))]
    for report in UnitReport.objects.visible_to(user).filter(review=review).select_related("unit"):
        suffix = "" if report.status == UnitReportStatus.SUBMITTED else draft
        links.append(
            PdfLink(
                UNIT_REPORT,
                _("Báo cáo của %(unit)s") % {"unit": report.unit.name} + suffix,
                reverse("reviews:unit_report_pdf", args=[report.pk]),
            )
        )
    consolidated = consolidated_visible_to(user).filter(review=review).first()
    if consolidated and can_read_consolidated(user):
        suffix = "" if consolidated.is_final else draft
        links.append(PdfLink(CONSOLIDATED, _("Báo cáo tổng hợp") + suffix, reverse("reviews:consolidated_pdf", args=[consolidated.pk])))
    for minutes in Minutes.objects.visible_to(user).filter(review=review).order_by("revision"):
        label = _("Biên bản (lần %(revision)s – %(status)s)") % {"revision": minutes.revision, "status": minutes.get_status_display()}
        links.append(PdfLink(minutes.form_code, label, reverse("reviews:minutes_pdf", args=[minutes.pk])))
    return links
