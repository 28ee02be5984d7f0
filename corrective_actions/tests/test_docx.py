"""BM.CTCL.01 as Word: read back with python-docx, the three boxes and their values with exact diacritics."""

import io

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from corrective_actions.docx import ticket_docx, ticket_for_docx
from qms.dates import format_date
from qms.docx import DOCX_REGISTRY

pytestmark = pytest.mark.django_db


def paragraphs(data: bytes) -> list[str]:
    body = Document(io.BytesIO(data)).element.body
    texts = ("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))
    return [text for text in texts if text.strip()]


def test_a_closed_ticket_in_word_has_the_header_the_three_boxes_and_their_values(drive, committee_head, assignee):
    ticket = drive("closed")
    data = ticket_docx(ticket_for_docx(ticket.pk))
    text = paragraphs(data)
    assert text[0] == "BM.CTCL.01"
    header = Document(io.BytesIO(data)).tables[0].rows[0].cells
    assert [p.text for p in header[0].paragraphs if p.text][0] == ticket.organisation.name.upper()
    assert [p.text for p in header[1].paragraphs if p.text][:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC/CẢI TIẾN" in text
    assert f"Số phiếu: {ticket.number_display}" in text
    for expected in [
        f"Đơn vị đề nghị: {ticket.requesting_unit}",
        "Hành động khắc phục ☑",
        "Hành động phòng ngừa/cải tiến ☐",
        "Quy trình/thủ tục: Quy trình tiếp nhận hồ sơ (điều khoản 5.3)",
        "1. Mô tả sự không phù hợp:",
        "Hồ sơ trả kết quả chậm 02 ngày so với quy định.",
        f"Ngày: {format_date(ticket.description_date)}",
        f"Người đề nghị: {ticket.requester.display_name}",
        "2. Xác định nguyên nhân và đề xuất biện pháp:",
        "Nguyên nhân: Thiếu người kiểm tra chéo.",
        "Biện pháp: Bổ sung bước kiểm tra chéo.",
        "Kết quả thực hiện: Đã bổ sung bước kiểm tra chéo và tập huấn cho cán bộ một cửa.",
        "Ngày hoàn thành:",
        format_date(ticket.completion_date),
        "Người thực hiện:",
        assignee.display_name,
        "Trưởng đơn vị thực hiện:",
        "Phê duyệt",
        "3. Kiểm tra - Xác nhận thực hiện biện pháp khắc phục/phòng ngừa/cải tiến",
        "Đạt ☑",
        "Không đạt ☐",
        "Biện pháp KP/PN mới ☐",
        "Đạt.",
        "Bằng chứng: Biên bản kiểm tra sau 01 tháng áp dụng.",
        "Người kiểm tra",
    ]:
        assert expected in text, expected
    # The approver and the verifier sign under their lines, with the dates written out.
    approved = text.index("Phê duyệt")
    assert text[approved - 1].startswith("Ngày ") and text[approved + 1] == committee_head.display_name
    assert text[-1] == committee_head.display_name and text[-2] == "Người kiểm tra"


def test_the_ticket_downloads_as_word_beside_its_pdf_for_whoever_sees_it(client, drive, staff_user, other_unit_head):
    ticket = drive("open")  # not yet the other unit's to carry out
    assert "BM.CTCL.01" in DOCX_REGISTRY
    client.force_login(staff_user)
    page = client.get(reverse("corrective_actions:detail", args=[ticket.pk])).content.decode()
    assert reverse("corrective_actions:docx", args=[ticket.pk]) in page
    response = client.get(reverse("corrective_actions:docx", args=[ticket.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="BM.CTCL.01-{ticket.number:02d}-{ticket.year}.docx"'
    assert "Hồ sơ trả kết quả chậm 02 ngày so với quy định." in paragraphs(response.content)
    client.force_login(other_unit_head)
    assert client.get(reverse("corrective_actions:docx", args=[ticket.pk])).status_code == 404
