"""The review's official forms as PDFs: the text a reader sees (extracted with pdftotext, NFC, exact
diacritics), the Decree 30 layout's fixed parts, the fonts, render_form, and the download views."""

import re
import subprocess
import unicodedata

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from pypdf import PdfReader

from qms.models import MinutesForm
from reviews import pdf
from reviews.models import ConsolidatedReportStatus, ReviewStatus
from reviews.tests.pdf_data import SECTION_TEXT

pytestmark = pytest.mark.django_db

SEVEN_HEADINGS = [
    "1. Tình hình chung của Hệ thống quản lý chất lượng (HTQLCL):",
    "2. Tình hình thực hiện chính sách và mục tiêu chất lượng năm 2026:",
    "3. Kết quả đánh giá nội bộ gần nhất và hành động khắc phục phòng ngừa sự không phù hợp:",
    "4. Phản hồi của các bên liên quan:",
    "5. Tình hình triển khai thực hiện mục tiêu chất lượng:",
    "6. Nguồn lực cần thiết cho việc duy trì và cải tiến HTQLCL:",
    "7. Các thay đổi có ảnh hưởng tới HTQLCL:",
]


def pages(data: bytes, tmp_path) -> list[str]:
    """Each page's text as pdftotext -layout gives it, NFC-normalised."""
    path = tmp_path / "form.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [unicodedata.normalize("NFC", page) for page in out.split("\f") if page.strip()]


def flat(data: bytes, tmp_path) -> str:
    """All pages as one line: a sentence the layout wrapped still reads whole."""
    return " ".join(" ".join(pages(data, tmp_path)).split())


def left_header(page: str) -> list[str]:
    """The left column of the Decree 30 header (agency lines), read off the layout text of page 1."""
    lines = []
    for line in page.splitlines():
        if "Độc lập" in line or "CỘNG HÒA" in line or lines:
            left = line[: len(line) - len(line.lstrip())] == "" or len(line) - len(line.lstrip()) < 20
            if left and line.strip():
                lines.append(re.split(r"\s{3,}", line.strip())[0])
        if "Hạnh phúc" in line:
            break
    return lines


def assert_signed_by(text: str, role: str, name: str) -> None:
    """The signature block: the role, then the signer's name below it."""
    assert role in text
    assert text.rfind(name) > text.rfind(role), f"{name} is not under {role}"


def assert_decree_30_header(text: str) -> None:
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text


def test_the_notice_has_the_decree_30_header_its_number_and_the_issue_date(pdf_review, tmp_path):
    data = pdf.notice_pdf(pdf_review.review)
    text = flat(data, tmp_path)
    assert_decree_30_header(text)
    assert left_header(pages(data, tmp_path)[0]) == ["BỘ NGOẠI GIAO", "CỤC THÔNG TIN ĐỐI NGOẠI"]
    assert "Số: 01/TB-BCĐ ISO" in text
    assert "Hà Nội, ngày 26 tháng 11 năm 2026" in text
    assert "THÔNG BÁO HỌP XEM XÉT CỦA LÃNH ĐẠO VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG" in text
    assert "DỰ THẢO" not in text


def test_the_notice_gives_time_place_the_invited_people_by_group_and_the_agenda(pdf_review, focal_point, tmp_path):
    text = flat(pdf.notice_pdf(pdf_review.review), tmp_path)
    assert "1. Thời gian: Từ 08 giờ 00 đến 11 giờ 30, thứ Năm, ngày 10/12/2026" in text
    assert "2. Địa điểm: Phòng họp tầng 3, số 7 Chu Văn An" in text
    assert "a) Trưởng ban chỉ đạo ISO: - Phạm Anh Tuấn – Cục trưởng" in text
    assert "b) Thành viên Ban chỉ đạo ISO Cục TTĐN: - Đỗ Văn Khởi – Phó Chánh Văn phòng" in text
    assert "c) Thư ký ISO: - Đặng Thị Khánh Hòa – Thư ký ISO" in text
    assert "d) Đầu mối ISO các đơn vị (Văn phòng, Phòng Thông tin báo chí xuất bản):" in text
    assert "Lý Thị Nga – Chuyên viên, Đầu mối ISO, Văn phòng" in text
    assert "Trần Quốc Bảo" not in text  # an invited unit head is no focal point: d) names the focal points
    assert "e) Các bộ phận có liên quan: - Tổ công nghệ thông tin" in text
    assert "4. Nội dung họp:" in text
    assert "- Sự phù hợp và tình hình thực hiện chính sách chất lượng;" in text


def test_the_notice_asks_for_the_reports_by_the_deadline_and_is_signed_by_the_committee_head(pdf_review, tmp_path):
    text = flat(pdf.notice_pdf(pdf_review.review), tmp_path)
    assert (
        "Đề nghị các đơn vị chuẩn bị báo cáo (theo mẫu kèm theo) gửi về Thư ký ISO (Văn phòng Cục) trước ngày "
        "03/12/2026 và những người có trong thành phần dự họp có mặt đầy đủ, trường hợp vắng mặt đột xuất phải "
        "cử người thay thế."
    ) in text
    assert "Nơi nhận:" in text and "- Như thành phần dự;" in text and "- Lưu Thư ký ISO." in text
    assert_signed_by(text, "TRƯỞNG BAN CHỈ ĐẠO ISO", "Phạm Anh Tuấn")


def test_a_notice_not_yet_issued_is_a_draft_without_number_or_date(pdf_review, tmp_path):
    review = pdf_review.review
    review.status, review.notice_number, review.notice_issued_at = ReviewStatus.APPROVED, None, None
    text = flat(pdf.notice_pdf(review), tmp_path)
    assert "DỰ THẢO" in text
    assert "Số: /TB-BCĐ ISO" in text
    assert "Hà Nội, ngày tháng năm 20…" in text


def test_page_numbers_start_on_page_two_in_the_top_margin(pdf_review, tmp_path):
    notice = pages(pdf.notice_pdf(pdf_review.review), tmp_path)
    assert len(notice) >= 2
    first_lines = [page.strip().splitlines()[0].strip() for page in notice]
    assert first_lines[0] != "1"
    assert first_lines[1:] == [str(n) for n in range(2, len(notice) + 1)]


def test_every_form_embeds_only_a_times_metric_font_that_covers_vietnamese(pdf_review, tmp_path):
    """A fallback font in the file means some letter was missing from the body font (a tofu risk)."""
    for data in (pdf.notice_pdf(pdf_review.review), pdf.minutes_pdf(pdf_review.draft_ctcl)):
        path = tmp_path / "f.pdf"
        path.write_bytes(data)
        listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        fonts = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
        assert fonts and all(name.startswith(("Tinos", "LiberationSerif", "TimesNewRoman")) for name in fonts), fonts


def test_the_unit_report_has_the_seven_sections_its_attachments_and_the_unit_head(pdf_review, tmp_path):
    data = pdf.unit_report_pdf(pdf_review.submitted)
    text = flat(data, tmp_path)
    assert_decree_30_header(text)
    assert left_header(pages(data, tmp_path)[0]) == ["CỤC THÔNG TIN ĐỐI NGOẠI", "VĂN PHÒNG"]
    assert "BÁO CÁO THỰC HIỆN HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG CỦA VĂN PHÒNG" in text
    assert "Hà Nội, ngày 02 tháng 12 năm 2026" in text
    for heading, (field, value) in zip(SEVEN_HEADINGS, SECTION_TEXT.items(), strict=True):
        assert f"{heading} {value}" in text, field
    assert "Tài liệu kèm theo: - Kết quả đánh giá nội bộ.pdf (2,0 KB)" in text
    assert_signed_by(text, "CHÁNH VĂN PHÒNG", "Lê Thị Hương")
    assert "DỰ THẢO" not in text


def test_a_unit_report_not_submitted_is_a_draft(pdf_review, tmp_path):
    text = flat(pdf.unit_report_pdf(pdf_review.draft), tmp_path)
    assert "DỰ THẢO" in text
    assert "PHÒNG THÔNG TIN BÁO CHÍ XUẤT BẢN" in text
    assert "1. Tình hình chung của Hệ thống quản lý chất lượng (HTQLCL): Đang soạn." in text


def test_the_consolidated_report_names_the_review_its_units_and_the_seven_sections(pdf_review, tmp_path):
    text = flat(pdf.consolidated_pdf(pdf_review.consolidated), tmp_path)
    assert_decree_30_header(text)
    assert "BÁO CÁO HỌP XEM XÉT CỦA LÃNH ĐẠO VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG LẦN 2 - NĂM 2026" in text
    assert "Hà Nội, ngày 05 tháng 12 năm 2026" in text
    assert "Văn phòng (nộp ngày 02/12/2026); Phòng Thông tin báo chí xuất bản (chưa nộp)" in text
    for heading, value in zip(SEVEN_HEADINGS, SECTION_TEXT.values(), strict=True):
        if heading.startswith("3."):  # §3 as the seed draws it: Kết quả / Hồ sơ / khuyến nghị
            assert f"{heading} - Kết quả {value} - Hồ sơ" in text
            assert "- Một số khuyến nghị cải tiến chung đối với HTQLCL:" in text
        else:
            assert f"{heading} {value}" in text
    assert_signed_by(text, "TRƯỞNG BAN CHỈ ĐẠO ISO", "Phạm Anh Tuấn")


def test_a_consolidated_report_in_editing_is_a_draft(pdf_review, tmp_path):
    consolidated = pdf_review.consolidated
    consolidated.status = ConsolidatedReportStatus.DRAFT
    assert "DỰ THẢO" in flat(pdf.consolidated_pdf(consolidated), tmp_path)


def test_signed_ht_06_04_minutes_follow_the_form_and_carry_the_e_signature(pdf_review, tmp_path):
    text = flat(pdf.minutes_pdf(pdf_review.signed_04), tmp_path)
    assert_decree_30_header(text)
    assert "Số: 03/BB-BCĐ ISO" in text
    assert "Hà Nội, ngày 10 tháng 12 năm 2026" in text
    assert "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG" in text
    assert "- Thời gian: Từ 08 giờ 00, ngày 10/12/2026" in text
    assert "- Địa điểm: Phòng họp tầng 3" in text
    assert "- Phạm Anh Tuấn – Cục trưởng (có mặt)" in text
    assert "- Trần Quốc Bảo – Trưởng phòng (vắng mặt, cử Ngô Thị Lan thay thế)" in text
    assert "- Hoàng Văn Đức (vắng mặt)" in text
    assert "I. Nội dung cuộc họp: 1.1. Thư ký ISO trình bày nội dung báo cáo về:" in text
    assert "1.2. Trưởng các đơn vị báo cáo cụ thể hoạt động tại các đơn vị mình" in text
    assert "II. Kết luận của Trưởng ban chỉ đạo ISO và khuyến nghị đối với HTQLCL:" in text
    assert "Tiếp tục sửa đổi hoàn thiện các quy trình nghiệp vụ." in text
    assert "Cuộc họp kết thúc lúc 11 giờ 20 cùng ngày." in text
    assert "Thư ký ISO TRƯỞNG BAN CHỈ ĐẠO ISO" in text
    # Decree 30/2020 Phụ lục I mục II: the agency line (name, ISO 8601 Vietnam time) under the signer's image.
    assert "Cục Thông tin đối ngoại 2026-12-11T09:05:00+07:00" in text and "SHA-256" not in text
    assert "DỰ THẢO" not in text


def test_draft_ctcl_02_minutes_have_the_committee_header_the_discussion_table_and_no_signature(pdf_review, tmp_path):
    minutes = pdf_review.draft_ctcl
    data = pdf.minutes_pdf(minutes)
    text = flat(data, tmp_path)
    assert_decree_30_header(text)
    assert left_header(pages(data, tmp_path)[0]) == ["CỤC THÔNG TIN ĐỐI NGOẠI", "BAN CHỈ ĐẠO ISO"]
    assert "Số: /BB-BCĐ ISO" in text
    assert "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO" in text
    assert (
        "Cuộc họp được khai mạc vào hồi 08 giờ 00, ngày 10 tháng 12 năm 2026 tại Phòng họp tầng 3; gồm các nội dung cụ thể như sau:"
    ) in text
    assert "1. Thành phần tham dự:" in text
    assert "2. Chủ trì: Phạm Anh Tuấn – Cục trưởng" in text
    assert "3. Thư ký cuộc họp: Đặng Thị Khánh Hòa – Thư ký ISO" in text
    assert "4.1. Các báo cáo" in text and "4.2. Phần thảo luận" in text
    assert "TT Nội dung thảo luận Kết luận của chủ trì" in text
    assert "5. Kết luận" in text
    assert "Biên bản này được đọc trước cuộc họp và toàn bộ thành viên đã nhất trí thông qua." in text
    assert "Cuộc họp kết thúc vào hồi: 11 giờ 20, ngày 10 tháng 12 năm 2026." in text
    assert "THƯ KÝ CHỦ TRÌ" in text
    assert "DỰ THẢO" in text
    assert "Đã ký điện tử" not in text


def test_the_ctcl_02_discussion_table_has_one_row_per_topic_with_the_chairs_conclusion(pdf_review, tmp_path):
    rows = [line for page in pages(pdf.minutes_pdf(pdf_review.draft_ctcl), tmp_path) for line in page.splitlines()]
    for number, title, _discussion, _conclusion in pdf_review.draft_ctcl.topics():
        first_words = " ".join(title.split()[:3])
        row = next((line for line in rows if line.strip().startswith(f"{number} ") and first_words in line), None)
        assert row is not None, f"no row {number}: {title}"
        assert f"Chủ trì kết luận vấn đề {number}." in row
    text = " ".join(" ".join(rows).split())
    for number in range(1, 8):
        assert f"Ý kiến thảo luận số {number}." in text


@pytest.mark.parametrize("which", ["signed_04", "draft_ctcl"])
def test_both_minutes_forms_list_the_decided_actions_with_unit_and_deadline(pdf_review, tmp_path, which):
    text = flat(pdf.minutes_pdf(getattr(pdf_review, which)), tmp_path)
    assert "TT Nội dung hành động Đơn vị chủ trì Thời hạn hoàn thành" in text
    assert "1 Rà soát tài liệu bên ngoài Văn phòng 15/01/2027" in text


def test_the_organisation_settings_change_the_forms(pdf_review, tmp_path):
    org = pdf_review.review.organisation  # the record's agency: its settings print on its forms
    org.name, org.parent_name, org.place_name = "Sở Công Thương tỉnh Khánh Hòa", "", "Khánh Hòa"
    org.notice_symbol, org.committee_name = "TB-ISO", "Ban ISO"
    org.save()
    data = pdf.notice_pdf(pdf_review.review)
    text = flat(data, tmp_path)
    assert " ".join(left_header(pages(data, tmp_path)[0])) == "SỞ CÔNG THƯƠNG TỈNH KHÁNH HÒA"
    assert "Số: 01/TB-ISO" in text and "Khánh Hòa, ngày 26 tháng 11 năm 2026" in text
    assert "b) Thành viên Ban ISO Cục TTĐN:" in text


# --- render_form -------------------------------------------------------------------------------------


def _codes_and_pks(data):
    return {
        "BM.HT.06.01": data.review.pk,
        "BM.HT.06.02": data.submitted.pk,
        "BM.HT.06.03": data.consolidated.pk,
        "BM.HT.06.04": data.signed_04.pk,
        "BM.CTCL.02": data.draft_ctcl.pk,
    }


def test_render_form_writes_a_valid_pdf_for_each_review_form(pdf_review, tmp_path):
    for code, pk in _codes_and_pks(pdf_review).items():
        out = tmp_path / f"{code}.pdf"
        call_command("render_form", code, str(pk), "-o", str(out))
        data = out.read_bytes()
        assert data.startswith(b"%PDF-")
        reader = PdfReader(out)
        assert len(reader.pages) >= 1
        assert code in unicodedata.normalize("NFC", reader.pages[0].extract_text())


def test_render_form_refuses_minutes_drawn_up_in_the_other_form(pdf_review, tmp_path):
    with pytest.raises(CommandError, match="BM.HT.06.04"):
        call_command("render_form", MinutesForm.CTCL_02, str(pdf_review.signed_04.pk), "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


def test_render_form_reports_a_missing_record(pdf_review, tmp_path):
    with pytest.raises(CommandError, match="999999"):
        call_command("render_form", "BM.HT.06.03", "999999", "-o", str(tmp_path / "x.pdf"))


# --- downloads -----------------------------------------------------------------------------------------


def test_the_download_views_send_the_pdf_as_an_attachment_named_after_the_form(client, pdf_review, secretary):
    client.force_login(secretary)
    cases = [
        ("reviews:notice_pdf", pdf_review.review.pk, "BM.HT.06.01"),
        ("reviews:unit_report_pdf", pdf_review.submitted.pk, "BM.HT.06.02"),
        ("reviews:consolidated_pdf", pdf_review.consolidated.pk, "BM.HT.06.03"),
        ("reviews:minutes_pdf", pdf_review.signed_04.pk, "BM.HT.06.04"),
        ("reviews:minutes_pdf", pdf_review.draft_ctcl.pk, "BM.CTCL.02"),
    ]
    for name, pk, code in cases:
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{code}-{pk}.pdf"'
        assert response.content.startswith(b"%PDF-")


def test_the_review_page_links_only_the_pdfs_the_user_may_download(pdf_review, secretary, other_unit_head):
    def links_for(user) -> str:
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string("reviews/_detail_pdfs.html", {"review": pdf_review.review}, request=request)

    secretary_html = links_for(secretary)
    for name, pk in [
        ("reviews:notice_pdf", pdf_review.review.pk),
        ("reviews:unit_report_pdf", pdf_review.submitted.pk),
        ("reviews:consolidated_pdf", pdf_review.consolidated.pk),
        ("reviews:minutes_pdf", pdf_review.signed_04.pk),
        ("reviews:minutes_pdf", pdf_review.draft_ctcl.pk),
    ]:
        assert reverse(name, args=[pk]) in secretary_html
    # Another unit's draft report is the unit's own business, even for the secretary.
    assert reverse("reviews:unit_report_pdf", args=[pdf_review.draft.pk]) not in secretary_html

    unit_html = links_for(other_unit_head)
    assert reverse("reviews:unit_report_pdf", args=[pdf_review.draft.pk]) in unit_html
    assert reverse("reviews:unit_report_pdf", args=[pdf_review.submitted.pk]) not in unit_html
    assert reverse("reviews:minutes_pdf", args=[pdf_review.signed_04.pk]) in unit_html
    assert reverse("reviews:minutes_pdf", args=[pdf_review.draft_ctcl.pk]) not in unit_html
    assert reverse("reviews:consolidated_pdf", args=[pdf_review.consolidated.pk]) not in unit_html


def test_the_review_page_shows_the_pdf_links(client, pdf_review, unit_head):
    client.force_login(unit_head)
    response = client.get(reverse("reviews:detail", args=[pdf_review.review.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("reviews:notice_pdf", args=[pdf_review.review.pk]) in html
    assert reverse("reviews:minutes_pdf", args=[pdf_review.signed_04.pk]) in html
    assert reverse("reviews:minutes_pdf", args=[pdf_review.draft_ctcl.pk]) not in html


def test_bm_ht_06_04_prints_every_heading_and_sub_item_of_its_section_1_1_and_the_outputs_grouped(pdf_review, tmp_path):
    from reviews.models import Minutes

    minutes = pdf_review.signed_04
    Minutes.objects.filter(pk=minutes.pk).update(
        brief_plan_percent=85,
        brief_nonconformities=3,
        brief_change_legal="Nghị định 30/2020/NĐ-CP.",
        outputs_resources="Bổ sung 01 máy scan.",
    )
    minutes.refresh_from_db()
    text = flat(pdf.minutes_pdf(minutes), tmp_path)
    for line in [
        "- Tình hình áp dụng Hệ thống quản lý chất lượng (HTQLCL):",
        "kết quả đạt khoảng 85% kế hoạch năm.",
        "phát hiện 03 điểm không phù hợp.",
        "- Các cơ hội cải tiến:",
        "- Những sự thay đổi ảnh hưởng đến HTQLCL: + Quy định tại văn bản quy phạm pháp luật: Nghị định 30/2020/NĐ-CP.",
        "+ Thay đổi chức năng nhiệm vụ, cơ cấu tổ chức:",
        "+ Thay đổi lãnh đạo, nguồn nhân lực:",
        "+ Thay đổi khác:",
        "- Các nguồn lực cần thiết để phục vụ cho hoạt động của HTQLCL:",
        "a) Vấn đề bên ngoài:",
        "b) Vấn đề bên trong:",
        "- Nhu cầu về nguồn lực: Bổ sung 01 máy scan.",
    ]:
        assert line in text


def test_bm_ctcl_02_prints_the_two_prompts_of_topic_2(pdf_review, tmp_path):
    from reviews.models import Minutes

    minutes = pdf_review.draft_ctcl
    Minutes.objects.filter(pk=minutes.pk).update(topic_2_external="Luật mới về dịch vụ công.", topic_2_internal="Sáp nhập 2 phòng.")
    minutes.refresh_from_db()
    text = flat(pdf.minutes_pdf(minutes), tmp_path)
    assert "a) Vấn đề bên ngoài: Luật mới về dịch vụ công. b) Vấn đề bên trong: Sáp nhập 2 phòng." in text
