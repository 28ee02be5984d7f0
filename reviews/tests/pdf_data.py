"""A management review with every form filled in, for the PDF tests (built directly,
so these tests do not wait on the workflow's factories). Import the fixture into a test module."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from qms.models import MinutesForm
from qms.tests.factories import default_organisation
from reviews.models import (
    ConsolidatedReport,
    ConsolidatedReportStatus,
    Minutes,
    MinutesAttendee,
    MinutesStatus,
    ReportAttachment,
    Review,
    ReviewAction,
    ReviewStatus,
    UnitReport,
    UnitReportStatus,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SECTION_TEXT = {
    "s1_general": "Hệ thống được duy trì ổn định tại đơn vị.",
    "s2_policy_objectives": "Đạt 95% mục tiêu chất lượng đề ra.",
    "s3_audit_actions": "Phát hiện 02 điểm không phù hợp, đã khắc phục xong.",
    "s4_feedback": "Không có phản ánh, kiến nghị của công dân.",
    "s5_objectives_implementation": "Các mục tiêu đang được triển khai đúng tiến độ.",
    "s6_resources": "Cần bổ sung 01 máy quét tài liệu.",
    "s7_changes": "Thay đổi Trưởng phòng từ tháng 9/2026.",
}


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=VN)


def build_review(*, secretary, committee_head, committee_member, unit_head, other_unit_head, unit, other_unit):
    org = default_organisation()
    org.parent_name, org.name = "Bộ Ngoại giao", "Cục Thông tin đối ngoại"
    org.save()
    review = Review.objects.create(
        organisation=org,
        year=2026,
        sequence=2,
        title="Họp xem xét HTQLCL lần 2 năm 2026",
        status=ReviewStatus.PREPARING,
        meeting_start=at(2026, 12, 10, 8, 0),
        meeting_end=at(2026, 12, 10, 11, 30),
        location="Phòng họp tầng 3, số 7 Chu Văn An",
        report_deadline=dt.date(2026, 12, 3),
        report_recipient="Thư ký ISO (Văn phòng Cục)",
        related_parties="Tổ công nghệ thông tin",
        created_by=secretary,
        approved_by=committee_head,
        approved_at=at(2026, 11, 20, 9, 0),
        notice_number=1,
        notice_year=2026,
        notice_issued_at=at(2026, 11, 26, 10, 15),
        notice_issued_by=secretary,
    )
    review.units.set([unit, other_unit])
    review.attendees.set([secretary, committee_head, committee_member, unit_head, other_unit_head])
    submitted = UnitReport.objects.create(
        review=review,
        unit=unit,
        status=UnitReportStatus.SUBMITTED,
        submitted_by=unit_head,
        submitted_at=at(2026, 12, 2, 16, 0),
        **SECTION_TEXT,
    )
    ReportAttachment.objects.create(
        report=submitted,
        file=ContentFile(b"%PDF-1.4 x", name="ket-qua.pdf"),
        original_name="Kết quả đánh giá nội bộ.pdf",
        size=2048,
        uploaded_by=unit_head,
    )
    draft = UnitReport.objects.create(review=review, unit=other_unit, status=UnitReportStatus.DRAFT, s1_general="Đang soạn.")
    consolidated = ConsolidatedReport.objects.create(
        review=review,
        status=ConsolidatedReportStatus.FINAL,
        finalised_at=at(2026, 12, 5, 14, 0),
        updated_by=secretary,
        **SECTION_TEXT,
    )
    return SimpleNamespace(review=review, submitted=submitted, draft=draft, consolidated=consolidated)


def build_minutes(review, *, form_code, revision=1, number=None, secretary, chair, signed=False, unit):
    minutes = Minutes.objects.create(
        review=review,
        revision=revision,
        form_code=form_code,
        number=number,
        number_year=2026 if number else None,
        started_at=at(2026, 12, 10, 8, 0),
        ended_at=at(2026, 12, 10, 11, 20),
        location="Phòng họp tầng 3",
        chair=chair,
        secretary=secretary,
        reports_summary="Thư ký ISO trình bày báo cáo tổng hợp BM.HT.06.03.",
        unit_reports_summary="Trưởng Văn phòng báo cáo kết quả của đơn vị.",
        **{f"topic_{i}": f"Ý kiến thảo luận số {i}." for i in range(1, 8)},
        **{f"conclusion_{i}": f"Chủ trì kết luận vấn đề {i}." for i in range(1, 8)},
        conclusions="Tiếp tục sửa đổi hoàn thiện các quy trình nghiệp vụ.",
        recommendations="Kiểm tra thực hiện ISO thường xuyên tại các đơn vị.",
    )
    MinutesAttendee.objects.create(minutes=minutes, user=chair, name=chair.display_name, title=chair.job_title)
    MinutesAttendee.objects.create(
        minutes=minutes,
        name="Trần Quốc Bảo",
        title="Trưởng phòng",
        presence=MinutesAttendee.Presence.REPLACED,
        replaced_by="Ngô Thị Lan",
    )
    MinutesAttendee.objects.create(minutes=minutes, name="Hoàng Văn Đức", presence=MinutesAttendee.Presence.ABSENT)
    ReviewAction.objects.create(
        review=review,
        minutes=minutes,
        description="Rà soát tài liệu bên ngoài",
        responsible_unit=unit,
        deadline=dt.date(2027, 1, 15),
    )
    if signed:
        minutes.status = MinutesStatus.SIGNED
        minutes.signed_by = chair
        minutes.signed_at = at(2026, 12, 11, 9, 5)
        minutes.signed_sha256 = "ab12cd34ef56ab78" + "0" * 48
        minutes.save()
    return minutes


@pytest.fixture
def pdf_review(secretary, committee_head, committee_member, unit_head, other_unit_head, unit, other_unit):
    data = build_review(
        secretary=secretary,
        committee_head=committee_head,
        committee_member=committee_member,
        unit_head=unit_head,
        other_unit_head=other_unit_head,
        unit=unit,
        other_unit=other_unit,
    )
    data.signed_04 = build_minutes(
        data.review,
        form_code=MinutesForm.HT_06_04,
        number=3,
        secretary=secretary,
        chair=committee_head,
        signed=True,
        unit=unit,
    )
    data.draft_ctcl = build_minutes(
        data.review,
        form_code=MinutesForm.CTCL_02,
        revision=2,
        secretary=secretary,
        chair=committee_head,
        unit=unit,
    )
    return data
