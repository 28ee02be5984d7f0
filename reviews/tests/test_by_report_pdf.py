"""The review by report's two documents as PDFs (CTCL.5.8.2.BC, CTCL.5.8.2.TB): the text a reader sees
(pdftotext, NFC, exact diacritics) in the Decree 30 layout, render_form, and pages as PNG to look at."""

import subprocess
import unicodedata

import pytest
from django.core.management import call_command
from django.utils import timezone

from reviews.pdf_by_report import NOTICE, REPORT
from reviews.services import by_report as services
from reviews.tests.by_report_data import approved_notice

pytestmark = pytest.mark.django_db


def text_of(path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(unicodedata.normalize("NFC", out).split())


def render(code: str, pk: int, tmp_path) -> str:
    out = tmp_path / f"{code}.pdf"
    call_command("render_form", code, str(pk), "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF-")
    # Pages as PNG beside the PDF (pdftoppm): looked at by hand when the layout changes.
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(out), str(tmp_path / code)], check=True)
    assert list(tmp_path.glob(f"{code}*.png"))
    return text_of(out)


@pytest.fixture
def held(secretary, committee_head, top_leader, committee_member, unit):
    review = services.by_report_create(actor=secretary, title="Xem xét thông qua báo cáo", year=timezone.localdate().year)
    report = review.by_report
    data = {name: f"Nội dung mục “{name}”." for name in ("in_previous_actions", "in_satisfaction", "in_objectives", "in_nonconformities")}
    data |= {
        "in_context": "Sở được giao thêm nhiệm vụ quản lý cụm công nghiệp; ban hành Quyết định số 12/QĐ-SCT.",
        "in_monitoring": "Đánh giá nội bộ tháng 9: 03 điểm không phù hợp, đã khắc phục.",
        "in_resources": "Đủ nhân lực; cần bổ sung kinh phí đào tạo.",
        "in_risks": "Rủi ro trễ hạn hồ sơ đã được kiểm soát.",
        "in_improvement": "Số hóa toàn bộ hồ sơ một cửa.",
    }
    services.by_report_save(report=report, actor=secretary, version=report.version, data=data)
    services.by_report_submit(report=report, actor=secretary)
    services.by_report_approve(report=report, actor=committee_head)
    services.by_report_comment(report=report, actor=top_leader, text="Đồng ý; chú trọng cải tiến thủ tục hành chính.")
    notice = services.result_notice_create(review=review, actor=secretary)
    from reviews.tests.by_report_data import NOTICE_CONTENT, notice_rows

    services.result_notice_save(
        notice=notice,
        actor=secretary,
        version=notice.version,
        data={**NOTICE_CONTENT, "conclusions": "Hệ thống được duy trì hiệu lực; tiếp tục cải tiến."},
        actions=notice_rows(unit, description="Xây dựng kế hoạch số hóa hồ sơ một cửa"),
    )
    services.result_notice_submit(notice=notice, actor=secretary)
    services.result_notice_forward(notice=notice, actor=committee_head)
    services.result_notice_approve(notice=notice, actor=top_leader)
    review.refresh_from_db()
    notice.refresh_from_db()
    return review, notice


def test_the_report_pdf_holds_every_input_of_5_8_1_1_with_exact_diacritics(held, tmp_path):
    review, _notice = held
    text = render(REPORT, review.by_report.pk, tmp_path)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: /BC-BCĐ ISO",
        "BÁO CÁO",
        "KẾT QUẢ HOẠT ĐỘNG VẬN HÀNH DUY TRÌ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG",
        "1. Tình trạng của các hành động từ các cuộc xem xét trước đó",
        "2. Bối cảnh hoạt động, những thay đổi vấn đề nội bộ và bên ngoài ảnh hưởng tới HTQLCL",
        "Sở được giao thêm nhiệm vụ quản lý cụm công nghiệp; ban hành Quyết định số 12/QĐ-",
        "3. Thông tin về kết quả thực hiện và hiệu lực của HTQLCL",
        "3.2. Mức độ thực hiện các mục tiêu chất lượng",
        "3.3. Sự không phù hợp và hành động khắc phục",
        "4. Sự đầy đủ của nguồn lực",
        "5. Hiệu lực của hành động giải quyết rủi ro, cơ hội",
        "6. Các cơ hội cải tiến",
        "Số hóa toàn bộ hồ sơ một cửa.",
        "Báo cáo đã được Phạm Anh Tuấn (Lãnh đạo Ban ISO) phê duyệt ngày",
        "Nơi nhận:",
        "THƯ KÝ ISO",
        "Đặng Thị Khánh Hòa",
        REPORT,
    ]:
        assert expected in text, expected
    assert "DỰ THẢO" not in text


def test_the_notice_pdf_holds_its_number_every_output_and_the_actions_with_exact_diacritics(held, tmp_path, today):
    review, notice = held
    text = render(NOTICE, notice.pk, tmp_path)
    for expected in [
        "Số: 01/TB-BCĐ ISO",
        "THÔNG BÁO",
        "KẾT QUẢ XEM XÉT CỦA LÃNH ĐẠO VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG",
        "1. Ý kiến của Lãnh đạo cao nhất và các thành viên Ban ISO",
        "Lãnh đạo cao nhất nhất trí với báo cáo.",
        "2. Kết luận chung",
        "Hệ thống được duy trì hiệu lực; tiếp tục cải tiến.",
        "Các cơ hội cải tiến:",
        "Nhu cầu thay đổi HTQLCL: Không có.",
        "Nhu cầu về nguồn lực: Bố trí kinh phí đào tạo chuyên gia đánh giá nội bộ.",
        "Xây dựng kế hoạch số hóa hồ sơ một cửa",
        "Văn phòng",
        "Đề nghị các đơn vị triển khai thực hiện",
        "Các đơn vị (để thực hiện);",
        "CỤC TRƯỞNG",
        "Trịnh Văn Cao",
        NOTICE,
    ]:
        assert expected in text, expected
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert f"ngày {today.day:02d} tháng {month} năm {today.year}" in text
    assert "DỰ THẢO" not in text


def test_a_notice_not_yet_approved_prints_as_a_draft_without_a_number(secretary, committee_head, unit, tmp_path):
    from reviews.tests.by_report_data import approved, drafted_notice

    review = approved(secretary, committee_head)
    notice = drafted_notice(review, secretary, unit)
    text = render(NOTICE, notice.pk, tmp_path)
    assert "DỰ THẢO" in text and "Số: /TB-BCĐ ISO" in text


def test_the_download_views_send_both_pdfs(client, secretary, committee_head, top_leader, unit, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    review, _notice = approved_notice(secretary, committee_head, top_leader, unit)
    client.force_login(secretary)
    for name, code in (("reviews:by_report_pdf", REPORT), ("reviews:result_notice_pdf", NOTICE)):
        from django.urls import reverse

        response = client.get(reverse(name, args=[review.pk]))
        assert response.status_code == 200
        if response.get("Content-Type") == "application/pdf":
            assert code in response["Content-Disposition"]
