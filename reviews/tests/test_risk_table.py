"""Issue 14: the review reads the risk tables (BM.CTCL.02 topic 5, BM.HT.06.03), a decision opens or updates a
row of a table in one step (linked both ways), and a review combined with another meeting keeps every part of
BM.CTCL.02 in its minutes and names that meeting."""

import datetime as dt
import subprocess
import unicodedata

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from conftest import SIGNING_SECRET
from qms.errors import NotAllowed, ServiceError
from qms.models import AuditEntry, MinutesForm
from reviews import services
from reviews.models import ReviewAction
from reviews.pdf import minutes_pdf
from reviews.tests.factories import minutes_content, minutes_rows, preparing_review, ready_minutes, signed_review
from risks.models import Effectiveness, Frequency, Impact, Level, Risk, RiskStatus
from risks.tests.factories import RiskFactory

PASSWORD = "Mật-khẩu-thử-2026"


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def tables(organisation, unit, unit_head):
    """The agency's table (QT.HT.06 §VI's first risk, high) and the unit's: one late response, one not effective."""
    RiskFactory(
        organisation=organisation,
        unit=None,
        number=1,
        description="Không tổ chức họp xem xét của lãnh đạo",
        frequency=Frequency.RARE,
        impact=Impact.MAJOR,
        level=Level.HIGH,
        owner="Thư ký ISO",
        deadline=in_days(10),
        created_by=unit_head,
    )
    RiskFactory(organisation=organisation, unit=unit, number=1, description="Nộp báo cáo chậm", deadline=in_days(-3), created_by=unit_head)
    RiskFactory(
        organisation=organisation,
        unit=unit,
        number=2,
        kind="opportunity",
        description="Số hóa hồ sơ",
        status=RiskStatus.DONE,
        effectiveness=Effectiveness.NOT_EFFECTIVE,
        effectiveness_reviewed_on=in_days(-1),
        effectiveness_note="Chưa đủ thiết bị",
        created_by=unit_head,
    )


# --- the review's inputs ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_topic_5_of_the_minutes_is_pre_filled_from_the_risk_tables(tables, unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    lines = minutes.topic_5.splitlines()
    assert lines[0] == "Bảng phân tích rủi ro (2 bảng, 3 dòng): đang xử lý 2 rủi ro, 0 cơ hội; theo mức: Cao 1, Trung bình 1, Thấp 0."
    assert "Mức cao:" in lines and "- Cơ quan — 01. Không tổ chức họp xem xét của lãnh đạo" in lines
    assert "Biện pháp đối phó quá hạn: 1." in lines
    assert f"- Văn phòng — 01. Nộp báo cáo chậm (hạn {in_days(-3):%d/%m/%Y}; Lãnh đạo đơn vị)" in lines
    assert "Biện pháp đối phó đến hạn trong 30 ngày tới: 1." in lines
    assert "Kết quả xem xét hiệu lực: 0 có hiệu lực, 1 chưa có hiệu lực." in lines
    assert "- Văn phòng — 02. Số hóa hồ sơ: chưa có hiệu lực — Chưa đủ thiết bị" in lines


@pytest.mark.django_db
def test_the_consolidated_report_lists_the_risk_tables_in_its_general_section(tables, unit, secretary):
    review = preparing_review(units=[unit], attendees=[secretary])
    report = services.consolidated_report_generate(review=review, actor=secretary)
    assert "Bảng phân tích rủi ro (2 bảng, 3 dòng)" in report.s1_general
    assert "Kết quả xem xét hiệu lực: 0 có hiệu lực, 1 chưa có hiệu lực." in report.s1_general


@pytest.mark.django_db
def test_without_a_risk_table_topic_5_is_left_for_the_secretary(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    assert services.minutes_create(review=review, actor=secretary).topic_5 == ""


# --- a decision opens or updates a row --------------------------------------------------------------------


@pytest.fixture
def action(unit, secretary, committee_head, unit_head):
    _review, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[("Bổ sung biện pháp nhắc hạn nộp báo cáo", unit, in_days(30))],
    )
    return minutes.actions.get()


VALUES = {
    "kind": "risk",
    "process": "Thu báo cáo đơn vị",
    "description": "Đơn vị nộp báo cáo chậm",
    "frequency": Frequency.FREQUENT,
    "impact": Impact.MODERATE,
    "response": "Nhắc hạn trước 3 ngày làm việc",
    "owner": "Văn phòng",
    "deadline": None,
}


def _audit(obj):
    return list(
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk).values_list(
            "action", flat=True
        )
    )


@pytest.mark.django_db
def test_a_decision_of_a_review_by_report_opens_a_row_naming_its_result_notice(
    unit_head, unit, secretary, committee_head, committee_member, top_leader
):
    from reviews.tests.by_report_data import approved_notice

    _review, notice = approved_notice(secretary, committee_head, top_leader, unit)
    decision = notice.actions.first()
    risk = services.review_action_risk_record(action=decision, actor=unit_head, values=VALUES, unit=unit)
    assert risk.origin_label.startswith(f"Kết luận xem xét “{decision.review.title}”, thông báo số {notice.number:02d}/")


@pytest.mark.django_db
def test_a_conclusion_opens_a_row_of_the_units_table_linked_both_ways(action, unit_head, unit):
    risk = services.review_action_risk_record(action=action, actor=unit_head, values=VALUES, unit=unit)
    action.refresh_from_db()
    assert action.risk == risk
    assert (risk.unit, risk.level, risk.number) == (unit, Level.HIGH, 1)
    assert risk.origin_label.startswith(f"Kết luận họp xem xét “{action.review.title}”, biên bản số 01/")
    assert risk.origin_url == reverse("reviews:action_detail", args=[action.pk])
    assert "Mở dòng 1 của bảng phân tích rủi ro (Văn phòng)" in _audit(action)
    assert "Thêm dòng bảng phân tích rủi ro" in _audit(risk)


@pytest.mark.django_db
def test_a_conclusion_updates_an_existing_row_and_the_earlier_row_stays_in_its_history(action, secretary, organisation):
    row = RiskFactory(organisation=organisation, unit=None, number=1, created_by=secretary)
    risk = services.review_action_risk_record(
        action=action, actor=secretary, values={"response": "Thư ký ISO báo cáo Trưởng ban", "impact": "", "deadline": None}, risk=row
    )
    assert risk.response == "Thư ký ISO báo cáo Trưởng ban" and risk.impact == Impact.MODERATE  # blank fields kept
    (old,) = risk.history.all()
    assert old.response == row.response and old.note.startswith("Kết luận họp xem xét")
    action.refresh_from_db()
    assert action.risk == risk


@pytest.mark.django_db
def test_only_the_keeper_of_the_table_records_a_conclusion_in_it(action, other_unit_head, staff_user, secretary, unit, other_unit):
    with pytest.raises(NotAllowed):
        services.review_action_risk_record(action=action, actor=staff_user, values=VALUES, unit=unit)
    with pytest.raises(NotAllowed):
        services.review_action_risk_record(action=action, actor=secretary, values=VALUES, unit=unit)  # the unit head's table
    with pytest.raises(NotAllowed):
        services.review_action_risk_record(action=action, actor=other_unit_head, values=VALUES, unit=other_unit)
    assert not Risk.objects.exists() and ReviewAction.objects.get(pk=action.pk).risk is None


@pytest.mark.django_db
def test_the_unit_head_opens_the_row_from_the_action_page(client, action, unit_head, unit):
    client.force_login(unit_head)
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert reverse("reviews:action_risk", args=[action.pk]) in page
    form = {**VALUES, "scope": str(unit.pk), "risk": "", "deadline": ""}
    response = client.post(reverse("reviews:action_risk", args=[action.pk]), form)
    assert response.status_code == 302
    risk = Risk.objects.get()
    page = client.get(reverse("reviews:action_detail", args=[action.pk])).content.decode()
    assert reverse("risks:detail", args=[risk.pk]) in page
    risk_page = client.get(reverse("risks:detail", args=[risk.pk])).content.decode()
    assert reverse("reviews:action_detail", args=[action.pk]) in risk_page


# --- a review combined with another meeting ---------------------------------------------------------------


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "m.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", out)


@pytest.mark.django_db
def test_a_combined_plan_must_name_the_other_meeting(unit, secretary):
    review = preparing_review(units=[unit], attendees=[secretary])
    data = {f: getattr(review, f) for f in services.PLAN_FIELDS} | {
        "units": [unit],
        "combined_with": "giao_ban",
        "combined_meeting_name": "",
    }
    review.status = "draft"
    review.save()
    with pytest.raises(ServiceError, match="tên cuộc họp kết hợp"):
        services.review_plan_update(review=review, actor=secretary, data=data, version=review.version)


@pytest.mark.django_db
def test_combined_minutes_are_refused_while_a_part_of_bm_ctcl_02_is_missing_and_name_the_other_meeting(
    unit, secretary, committee_head, tmp_path
):
    review = preparing_review(
        units=[unit],
        attendees=[secretary, committee_head],
        combined_with="giao_ban",
        combined_meeting_name="Họp giao ban tháng 6 năm 2026",
    )
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head, reports_summary="Thư ký ISO báo cáo.")
    with pytest.raises(ServiceError) as refused:
        services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    message = refused.value.message
    assert "nội dung thảo luận 3 “Kết quả thực hiện và hiệu lực của hệ thống" in message
    assert "nội dung thảo luận 5 “Hiệu lực của hành động giải quyết rủi ro, cơ hội” của BM.CTCL.02" in message
    assert "thảo luận 1 " not in message  # pre-filled with the previous actions
    attendance, _rows = minutes_rows(minutes)
    filled = {f"conclusion_{i}": f"Kết luận nội dung {i}." for i in range(1, 8)}
    services.minutes_save(
        minutes=minutes,
        actor=secretary,
        version=minutes.version,
        data=minutes_content(minutes, **filled),
        attendance=attendance,
        actions=[],
    )
    minutes.refresh_from_db()
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    minutes.refresh_from_db()
    assert minutes.is_locked
    text = _pdf_text(minutes_pdf(minutes), tmp_path)
    assert "(Họp kết hợp với Họp giao ban tháng 6 năm 2026)" in text
    assert minutes.form_code == MinutesForm.HT_06_04 or "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO" in text


@pytest.mark.django_db
def test_a_meeting_of_its_own_signs_without_every_topic(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    services.minutes_sign(minutes=minutes, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET, version=minutes.version)
    minutes.refresh_from_db()
    assert minutes.is_locked


@pytest.mark.django_db
def test_the_combined_meetings_name_shows_on_the_minutes_page(client, unit, secretary, committee_head):
    review = preparing_review(
        units=[unit], attendees=[secretary, committee_head], combined_with="tong_ket", combined_meeting_name="Hội nghị tổng kết năm 2026"
    )
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    client.force_login(secretary)
    page = client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    assert "Họp kết hợp với Hội nghị tổng kết năm 2026" in page
