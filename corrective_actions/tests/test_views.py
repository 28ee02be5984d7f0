import datetime as dt
import io
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from corrective_actions import services
from corrective_actions.models import ChangeRequest, ChangeRequestKind, ChangeRequestStatus, Ticket, TicketAttachment, TicketStatus
from corrective_actions.pdf import ticket_pdf_bytes
from corrective_actions.tests.factories import TicketFactory
from qms.pdf import REGISTRY

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def list_queries(client, n, unit):
    for _ in range(n):
        TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=timezone.localdate() - dt.timedelta(days=3))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("corrective_actions:list"), {"ordering": "-number"})
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_list_issues_the_same_queries_at_1_and_50_tickets(client, secretary, unit, other_unit):
    login(client, secretary)
    one, _ = list_queries(client, 1, unit)
    fifty, response = list_queries(client, 49, other_unit)
    assert one == fifty
    assert response.content.decode().count('data-testid="ticket-row"') == 25  # paginated


def test_the_list_chooses_its_page_by_primary_key_alone_and_keeps_the_chosen_order(client, secretary, unit):
    # Issue 15: with the joins in the page's own query PostgreSQL joined every ticket before sorting.
    tickets = [TicketFactory(requesting_unit=unit) for _ in range(30)]
    login(client, secretary)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("corrective_actions:list"), {"ordering": "number", "page": 2})
    numbers = sorted(t.number for t in tickets)
    assert [t.number for t in response.context["page"]] == numbers[25:]
    assert response.context["page"].paginator.count == 30
    ordered = [q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"] and '"corrective_actions_ticket"' in q["sql"]]
    assert ordered and all("JOIN" not in sql for sql in ordered)


def test_the_list_filters_by_unit_state_overdue_year_and_text(client, secretary, unit, other_unit, today):
    a = TicketFactory(
        requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=today - dt.timedelta(days=1), description="Chậm trả kết quả"
    )
    b = TicketFactory(requesting_unit=other_unit, status=TicketStatus.OPEN, description="Sai biểu mẫu", year=today.year - 1)
    login(client, secretary)

    def rows(**params):
        page = client.get(reverse("corrective_actions:list"), params).context["page"]
        return {t.pk for t in page}

    assert rows(unit=unit.pk) == {a.pk}
    assert rows(status="open") == {b.pk}
    assert rows(overdue="true") == {a.pk}
    assert rows(overdue="false") == {b.pk}
    assert rows(year=today.year - 1) == {b.pk}
    assert rows(q="biểu mẫu") == {b.pk}
    assert rows(q=f"{a.number}/{today.year}") == {a.pk}


def test_the_excel_export_uses_the_same_filter(client, secretary, unit, other_unit, today):
    from openpyxl import load_workbook

    a = TicketFactory(
        requesting_unit=unit,
        status=TicketStatus.IN_PROGRESS,
        completion_date=today - dt.timedelta(days=1),
        description="Chậm trả kết quả hồ sơ",
    )
    TicketFactory(requesting_unit=other_unit, status=TicketStatus.OPEN)
    response = login(client, secretary).get(reverse("corrective_actions:export"), {"unit": unit.pk})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][:3] == ["Số phiếu", "Ngày", "Đơn vị đề nghị"]
    assert len(values) == 2
    assert values[1][0] == a.number_display and values[1][8] == "Chậm trả kết quả hồ sơ" and values[1][14] == "Có"


def test_the_ticket_page_reads_like_the_form_and_says_who_acts_next(client, drive, staff_user, unit_head):
    ticket = drive("open")
    html = login(client, staff_user).get(ticket.get_absolute_url()).content.decode()
    for text in [
        "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC/CẢI TIẾN",
        "1. Mô tả sự không phù hợp",
        "2. Xác định nguyên nhân và đề xuất biện pháp",
        "3. Kiểm tra - Xác nhận",
        "☑ Hành động khắc phục",
        unit_head.display_name,
    ]:
        assert text in html
    assert 'data-testid="action-' not in html  # the requester has nothing to do now


def test_a_bad_post_keeps_the_users_text_and_says_why(client, drive, committee_head, today):
    ticket = drive("proposed")
    response = login(client, committee_head).post(
        reverse("corrective_actions:action", args=[ticket.pk, "approve"]),
        {"completion_date": (today - dt.timedelta(days=2)).isoformat(), "note": "Ý kiến quan trọng của Trưởng ban"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "đã qua" in html and "Ý kiến quan trọng của Trưởng ban" in html
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.PROPOSED


def test_a_stale_page_is_refused(client, drive, unit_head):
    ticket = drive("open")
    response = login(client, unit_head).post(
        reverse("corrective_actions:action", args=[ticket.pk, "submit"]), {"version": ticket.version - 1 if ticket.version > 1 else 99}
    )
    assert response.status_code == 200 and "người khác thay đổi" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN


def test_opening_a_ticket_through_the_form(client, staff_user, unit, unit_head, today):
    pdf = SimpleUploadedFile("bang-chung.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = login(client, staff_user).post(
        reverse("corrective_actions:create"),
        {
            "requesting_unit": unit.pk,
            "unit": unit.pk,
            "kind": "corrective",
            "source": "feedback",
            "description": "Công dân phản ánh thái độ tiếp dân.",
            "description_date": today.isoformat(),
            "process": "Quy trình tiếp dân",
            "clause": "5.1",
            "files": [pdf],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.requester == staff_user and ticket.attachments.get().box == "1"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("virus.exe", b"MZ....", "không được chấp nhận"),
        ("fake.pdf", b"not a pdf", "không đúng với định dạng"),
    ],
)
def test_an_unsupported_attachment_is_refused_and_the_text_kept(client, staff_user, unit, name, content, message, today):
    response = login(client, staff_user).post(
        reverse("corrective_actions:create"),
        {
            "requesting_unit": unit.pk,
            "unit": unit.pk,
            "kind": "corrective",
            "source": "feedback",
            "description": "Nội dung không được mất",
            "description_date": today.isoformat(),
            "files": [SimpleUploadedFile(name, content)],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and message in html and "Nội dung không được mất" in html
    assert not Ticket.objects.exists()


def test_an_oversized_attachment_is_refused(client, drive, staff_user, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    ticket = drive("open")
    response = login(client, staff_user).post(
        reverse("corrective_actions:attachment_upload", args=[ticket.pk]),
        {"box": "1", "file": SimpleUploadedFile("lon.pdf", b"%PDF" + b"x" * 2000)},
    )
    assert response.status_code == 200 and "vượt quá giới hạn" in response.content.decode()
    assert not TicketAttachment.objects.exists()


def test_the_failed_verification_chain_is_visible(client, drive, secretary):
    ticket = drive("ineffective")
    successor = Ticket.objects.get(predecessor=ticket)
    html = login(client, secretary).get(successor.get_absolute_url()).content.decode()
    assert 'data-testid="chain"' in html and ticket.number_display in html and successor.number_display in html


def test_my_work_shows_what_waits_for_each_role(client, drive, unit_head, assignee, committee_head):
    opened, in_progress = drive("open"), drive("in_progress")
    assert opened in login(client, unit_head).get(reverse("corrective_actions:my_work")).context["awaiting"]
    assert list(login(client, assignee).get(reverse("corrective_actions:my_work")).context["awaiting"]) == [in_progress]
    home = login(client, unit_head).get(reverse("home")).content.decode()
    assert opened.number_display in home


def test_the_pdf_has_the_three_boxes_with_exact_diacritics(drive, tmp_path):
    ticket = drive("closed")
    assert "BM.CTCL.01" in REGISTRY
    pdf = REGISTRY["BM.CTCL.01"].render(ticket.pk)
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in [
        "PHIẾU YÊU CẦU HÀNH ĐỘNG KHẮC PHỤC/CẢI TIẾN",
        f"Số phiếu: {ticket.number_display}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "1. Mô tả sự không phù hợp:",
        "Hồ sơ trả kết quả chậm 02 ngày so với quy định.",
        "2. Xác định nguyên nhân và đề xuất biện pháp:",
        "Trưởng đơn vị thực hiện:",
        "3. Kiểm tra - Xác nhận thực hiện biện pháp khắc phục/phòng ngừa/cải tiến",
        "Người kiểm tra",
        "Biên bản kiểm tra sau 01 tháng áp dụng.",
    ]:
        assert expected in text, expected
    assert "Đạt ☑" in " ".join(text.split()) and "Không đạt ☐" in " ".join(text.split())
    assert ticket_pdf_bytes(ticket.pk)[:4] == b"%PDF"


def test_a_second_change_request_shows_the_refusal_and_keeps_the_text(client, drive, assignee):
    ticket = drive("in_progress")
    services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.")
    response = login(client, assignee).post(
        reverse("corrective_actions:action", args=[ticket.pk, "change_request"]),
        {"version": ticket.version, "kind": ChangeRequestKind.RESOURCES, "reason": "Cần thêm máy quét hồ sơ"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phiếu đã có một đề nghị thay đổi đang chờ quyết định." in html and "Cần thêm máy quét hồ sơ" in html
    assert ChangeRequest.objects.filter(ticket=ticket).count() == 1


def test_the_report_form_warns_of_and_the_report_says_it_closed_a_pending_change_request(client, drive, assignee):
    ticket = drive("in_progress")
    services.change_request_open(actor=assignee, ticket=ticket, kind=ChangeRequestKind.RESOURCES, reason="Cần thêm người.")
    page = login(client, assignee).get(ticket.get_absolute_url()).content.decode()
    assert "báo cáo kết quả sẽ đóng đề nghị đó vì không còn cần thiết" in page
    response = client.post(
        reverse("corrective_actions:action", args=[ticket.pk, "report"]),
        {"version": ticket.version, "result": "Đã thực hiện xong biện pháp."},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đề nghị thay đổi đang chờ quyết định đã được đóng vì không còn cần thiết" in html
    assert "Đã đóng – không còn cần thiết" in html  # the request's state on the ticket page
    assert ChangeRequest.objects.get(ticket=ticket).status == ChangeRequestStatus.LAPSED


def test_a_description_over_its_limit_is_refused_naming_the_field_and_the_form_counts(client, staff_user, unit, today):
    url = reverse("corrective_actions:create")
    form_html = login(client, staff_user).get(url).content.decode()
    assert 'data-maxlength="5000"' in form_html
    data = {"requesting_unit": unit.pk, "unit": unit.pk, "kind": "corrective", "source": "feedback", "description_date": today.isoformat()}
    response = client.post(url, {**data, "description": "Chậm trả hồ sơ." * 400})  # 6,000 characters
    html = response.content.decode()
    assert response.status_code == 200 and not Ticket.objects.exists()
    assert "«1. Mô tả sự không phù hợp / đề xuất cải tiến» dài tối đa 5.000 ký tự (đã nhập 6000 ký tự)." in html
    assert client.post(url, {**data, "description": "x" * 5_000}).status_code == 302  # the limit itself is allowed
