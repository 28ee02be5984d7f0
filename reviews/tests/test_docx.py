"""The review's forms as Word (.docx): read back with python-docx, the header block of Decree 30, the
headings and the field values with their exact diacritics, the font, and who may download them."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from reviews import docx as review_docx
from reviews.models import ReviewStatus

pytestmark = pytest.mark.django_db


def paragraphs(data: bytes) -> list[str]:
    """Every paragraph's text in document order, those inside tables included (header block, grids)."""
    body = Document(io.BytesIO(data)).element.body
    out = []
    for p in body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if text.strip():
            out.append(text)
    return out


def header_cells(data: bytes) -> tuple[list[str], list[str]]:
    table = Document(io.BytesIO(data)).tables[0]
    left, right = table.rows[0].cells
    return [p.text for p in left.paragraphs if p.text], [p.text for p in right.paragraphs if p.text]


def test_the_notice_in_word_has_the_decree_30_header_number_and_date(pdf_review):
    data = review_docx.notice_docx(pdf_review.review)
    left, right = header_cells(data)
    assert left[0:2] == ["BỘ NGOẠI GIAO", "CỤC THÔNG TIN ĐỐI NGOẠI"]
    assert left[-1] == "Số: 01/TB-BCĐ ISO"
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 26 tháng 11 năm 2026"]
    text = paragraphs(data)
    assert text[0] == "BM.HT.06.01"
    assert ["THÔNG BÁO", "HỌP XEM XÉT CỦA LÃNH ĐẠO", "VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG"] == text[text.index("THÔNG BÁO") :][:3]
    assert "DỰ THẢO – văn bản chưa được ký, phát hành" not in text


def test_the_notice_in_word_says_what_the_pdf_says(pdf_review, focal_point):
    text = paragraphs(review_docx.notice_docx(pdf_review.review))
    assert "1. Thời gian: Từ 08 giờ 00 đến 11 giờ 30, thứ Năm, ngày 10/12/2026" in text
    assert "2. Địa điểm: Phòng họp tầng 3, số 7 Chu Văn An" in text
    assert "3. Thành phần tham dự bao gồm:" in text
    assert text[text.index("a) Trưởng ban chỉ đạo ISO:") + 1] == "- Phạm Anh Tuấn – Cục trưởng"
    assert text[text.index("b) Thành viên Ban chỉ đạo ISO Cục TTĐN:") + 1] == "- Đỗ Văn Khởi – Phó Chánh Văn phòng"
    assert text[text.index("c) Thư ký ISO:") + 1] == "- Đặng Thị Khánh Hòa – Thư ký ISO"
    assert "d) Đầu mối ISO các đơn vị (Văn phòng, Phòng Thông tin báo chí xuất bản):" in text
    assert "- Lý Thị Nga – Chuyên viên, Đầu mối ISO, Văn phòng" in text  # d) the units' focal points
    assert text[text.index("e) Các bộ phận có liên quan:") + 1] == "- Tổ công nghệ thông tin"
    assert "4. Nội dung họp:" in text
    assert "- Sự phù hợp và tình hình thực hiện chính sách chất lượng;" in text
    assert (
        "Đề nghị các đơn vị chuẩn bị báo cáo (theo mẫu kèm theo) gửi về Thư ký ISO (Văn phòng Cục) trước ngày "
        "03/12/2026 và những người có trong thành phần dự họp có mặt đầy đủ, trường hợp vắng mặt đột xuất phải "
        "cử người thay thế."
    ) in text
    assert ["Nơi nhận:", "- Như thành phần dự;", "- Lưu Thư ký ISO."] == text[text.index("Nơi nhận:") :][:3]
    assert text[-2:] == ["TRƯỞNG BAN CHỈ ĐẠO ISO", "Phạm Anh Tuấn"]


def test_a_notice_not_yet_issued_is_a_draft_in_word_too(pdf_review):
    review = pdf_review.review
    review.status, review.notice_number, review.notice_issued_at = ReviewStatus.APPROVED, None, None
    data = review_docx.notice_docx(review)
    left, right = header_cells(data)
    assert left[-1] == "Số:      /TB-BCĐ ISO"
    assert right[-1] == "Hà Nội, ngày      tháng      năm 20…"
    assert "DỰ THẢO – văn bản chưa được ký, phát hành" in paragraphs(data)


def test_the_word_forms_are_a4_in_times_new_roman_13_with_a_14_pt_bold_title(pdf_review):
    document = Document(io.BytesIO(review_docx.notice_docx(pdf_review.review)))
    left = document.tables[0].rows[0].cells[0]
    rule = left.paragraphs[2]  # under the agency's name: a bordered empty paragraph, 22 mm long
    assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    assert round(rule.paragraph_format.left_indent.mm) == round(rule.paragraph_format.right_indent.mm) == 22
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.left_margin.mm), round(section.right_margin.mm), round(section.top_margin.mm)) == (30, 15, 20)
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(13))
    title = next(p for p in document.paragraphs if p.text == "THÔNG BÁO")
    assert all(run.bold and run.font.size == Pt(14) and run.font.name == "Times New Roman" for run in title.runs)


def test_signed_ht_06_04_minutes_in_word_follow_the_form_and_carry_the_e_signature(pdf_review):
    data = review_docx.minutes_docx(pdf_review.signed_04)
    left, right = header_cells(data)
    assert left == ["BỘ NGOẠI GIAO", "CỤC THÔNG TIN ĐỐI NGOẠI", "Số: 03/BB-BCĐ ISO"]
    assert right[-1] == "Hà Nội, ngày 10 tháng 12 năm 2026"
    text = paragraphs(data)
    assert text[0] == "BM.HT.06.04"
    assert "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO" in text and "VỀ HỆ THỐNG QUẢN LÝ CHẤT LƯỢNG" in text
    assert "- Thời gian: Từ 08 giờ 00, ngày 10/12/2026" in text
    assert "- Địa điểm: Phòng họp tầng 3" in text
    assert "- Phạm Anh Tuấn – Cục trưởng (có mặt)" in text
    assert "- Trần Quốc Bảo – Trưởng phòng (vắng mặt, cử Ngô Thị Lan thay thế)" in text
    assert "- Hoàng Văn Đức (vắng mặt)" in text
    assert "I. Nội dung cuộc họp:" in text and "1.1. Thư ký ISO trình bày nội dung báo cáo về:" in text
    assert "- Tình hình áp dụng Hệ thống quản lý chất lượng (HTQLCL):" in text
    assert "1.2. Trưởng các đơn vị báo cáo cụ thể hoạt động tại các đơn vị mình (Chi tiết xem nội dung báo cáo kèm theo)." in text
    assert "II. Kết luận của Trưởng ban chỉ đạo ISO và khuyến nghị đối với HTQLCL:" in text
    assert "Tiếp tục sửa đổi hoàn thiện các quy trình nghiệp vụ." in text
    assert "Kết luận: Chủ trì kết luận vấn đề 1." in text
    assert "Cuộc họp kết thúc lúc 11 giờ 20 cùng ngày." in text
    assert text[-5:] == [
        "Thư ký ISO",
        "Đặng Thị Khánh Hòa",
        "TRƯỞNG BAN CHỈ ĐẠO ISO",
        f"Đã ký số bởi Phạm Anh Tuấn, {pdf_review.signed_04.organisation.name}, 2026-12-11T09:05:00+07:00 (bản ký số: tệp PDF)",
        "Phạm Anh Tuấn",
    ]
    assert "DỰ THẢO – văn bản chưa được ký, phát hành" not in text


def test_draft_ctcl_02_minutes_in_word_have_the_committee_header_and_the_discussion_table(pdf_review):
    data = review_docx.minutes_docx(pdf_review.draft_ctcl)
    left, _right = header_cells(data)
    assert left[:2] == ["CỤC THÔNG TIN ĐỐI NGOẠI", "BAN CHỈ ĐẠO ISO"]
    assert left[-1] == "Số:      /BB-BCĐ ISO"
    text = paragraphs(data)
    assert text[0] == "BM.CTCL.02"
    assert "DỰ THẢO – văn bản chưa được ký, phát hành" in text
    assert "BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO" in text
    assert (
        "Cuộc họp được khai mạc vào hồi 08 giờ 00, ngày 10 tháng 12 năm 2026 tại Phòng họp tầng 3; gồm các nội dung cụ thể như sau:"
    ) in text
    assert text[text.index("2. Chủ trì:") + 1] == "Phạm Anh Tuấn – Cục trưởng"
    assert text[text.index("3. Thư ký cuộc họp:") + 1] == "Đặng Thị Khánh Hòa – Thư ký ISO"
    assert "4.1. Các báo cáo" in text and "4.2. Phần thảo luận" in text and "5. Kết luận" in text
    assert "Biên bản này được đọc trước cuộc họp và toàn bộ thành viên đã nhất trí thông qua." in text
    assert "Cuộc họp kết thúc vào hồi: 11 giờ 20, ngày 10 tháng 12 năm 2026." in text
    assert text[-4:] == ["THƯ KÝ", "Đặng Thị Khánh Hòa", "CHỦ TRÌ", "Phạm Anh Tuấn"]
    assert not any(line.startswith("Đã ký điện tử") for line in text)
    discussion = Document(io.BytesIO(data)).tables[1]
    assert [c.text for c in discussion.rows[0].cells] == ["TT", "Nội dung thảo luận", "Kết luận của chủ trì"]
    assert len(discussion.rows) == 8
    for number, title, _discussion, _conclusion in pdf_review.draft_ctcl.topics():
        cells = [c.text for c in discussion.rows[number].cells]
        assert cells[0] == str(number) and cells[1].startswith(str(title))
        assert f"Ý kiến thảo luận số {number}." in cells[1] and cells[2] == f"Chủ trì kết luận vấn đề {number}."


@pytest.mark.parametrize("which", ["signed_04", "draft_ctcl"])
def test_both_minutes_forms_in_word_list_the_decided_actions_with_unit_and_deadline(pdf_review, which):
    document = Document(io.BytesIO(review_docx.minutes_docx(getattr(pdf_review, which))))
    actions = document.tables[-2]  # the last one is the signatures' block
    assert [[c.text for c in row.cells] for row in actions.rows] == [
        ["TT", "Nội dung hành động", "Đơn vị chủ trì", "Thời hạn hoàn thành"],
        ["1", "Rà soát tài liệu bên ngoài", "Văn phòng", "15/01/2027"],
    ]


def test_the_word_download_is_a_docx_named_by_its_form(client, secretary, pdf_review):
    client.force_login(secretary)
    response = client.get(reverse("reviews:notice_docx", args=[pdf_review.review.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == f'attachment; filename="BM.HT.06.01-{pdf_review.review.pk}.docx"'
    assert "1. Thời gian: Từ 08 giờ 00 đến 11 giờ 30, thứ Năm, ngày 10/12/2026" in paragraphs(response.content)
    response = client.get(reverse("reviews:minutes_docx", args=[pdf_review.draft_ctcl.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="BM.CTCL.02-{pdf_review.draft_ctcl.pk}.docx"'


def test_the_review_page_offers_word_beside_pdf_for_the_notice_and_the_minutes(client, secretary, pdf_review):
    client.force_login(secretary)
    page = client.get(reverse("reviews:detail", args=[pdf_review.review.pk])).content.decode()
    assert reverse("reviews:notice_docx", args=[pdf_review.review.pk]) in page
    assert reverse("reviews:minutes_docx", args=[pdf_review.signed_04.pk]) in page
    assert reverse("reviews:minutes_docx", args=[pdf_review.draft_ctcl.pk]) in page
    minutes_page = client.get(reverse("reviews:minutes_detail", args=[pdf_review.signed_04.pk])).content.decode()
    assert reverse("reviews:minutes_docx", args=[pdf_review.signed_04.pk]) in minutes_page
