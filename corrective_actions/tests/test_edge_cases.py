"""Edge cases of tickets: refused moves keep the typed text, repeats typed differently, retention in the
admin, local dates, escalation fallbacks, self-verification (each test failed before its fix)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corrective_actions import reminders, services
from corrective_actions.models import ChangeRequest, ProgressReport, Ticket, TicketStatus
from qms.errors import ServiceError
from qms.models import Notification
from qms.roles import Role
from qms.tests.factories import UserFactory
from qms.workdays import add_working_days, add_years

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"page": "999"},
        {"page": "abc"},
        {"unit": "abc"},
        {"unit": "99999"},
        {"overdue": "maybe"},
        {"ordering": "bogus"},
        {"status": "nope"},
        {"kind": "x"},
        {"source": "y"},
        {"q": "/"},
        {"q": "1/abc"},
        {"year": "99999999999999999999"},
        {"q": "99999999999999999999"},
    ],
)
def test_the_list_and_the_export_answer_odd_filter_values_without_an_error(client, secretary, drive, query):
    drive("open")
    client.force_login(secretary)
    assert client.get(reverse("corrective_actions:list"), query).status_code == 200
    assert client.get(reverse("corrective_actions:export"), query).status_code == 200


def test_a_move_refused_because_the_ticket_moved_on_meanwhile_says_why_and_keeps_the_users_text(client, drive, committee_head, today):
    ticket = drive("proposed")
    loaded_version = ticket.version
    # Approved from another tab while this page still shows the "return" form.
    services.ticket_approve(actor=committee_head, ticket=ticket, completion_date=today + dt.timedelta(days=10))
    client.force_login(committee_head)
    response = client.post(
        reverse("corrective_actions:action", args=[ticket.pk, "return"]),
        {"version": loaded_version, "comment": "Cần làm rõ nguyên nhân gốc"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Phiếu vừa được người khác thay đổi" in body
    assert "Cần làm rõ nguyên nhân gốc" in body
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS


def test_verifying_before_the_result_is_reported_shows_the_reason_on_the_page(client, drive, committee_head):
    ticket = drive("in_progress")
    client.force_login(committee_head)
    response = client.post(
        reverse("corrective_actions:action", args=[ticket.pk, "verify"]), {"verification": "passed", "note": "Đạt yêu cầu"}
    )
    assert response.status_code == 200
    assert "người thực hiện chưa báo cáo kết quả" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.IN_PROGRESS


def test_a_repeat_counts_the_same_process_and_clause_typed_with_another_case_spacing_or_full_stop(drive):
    spellings = ["Quy trình tiếp nhận hồ sơ", "Quy trình tiếp nhận hồ sơ.", "Quy  trình tiếp nhận hồ sơ", "quy trình tiếp nhận hồ sơ "]
    tickets = [drive("open", process=p, clause="5.3" if i % 2 else " 5.3.") for i, p in enumerate(spellings)]
    assert [t.repeat_count for t in tickets] == [1, 2, 3, 4]
    assert tickets[-1].repeat_required  # more than 3 times in a row (QT.CTCL 5.2.2)
    assert not tickets[-2].repeat_required


def test_a_different_clause_is_not_counted_as_a_repeat(drive):
    for clause in ["5.1", "5.2", "5.3"]:
        drive("open", clause=clause)
    assert drive("open", clause="5.4").repeat_count == 1


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_the_admin_cannot_delete_the_progress_reports_or_change_requests_of_a_retained_ticket(client, drive, assignee, superuser, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=60))
    report = services.progress_report_add(actor=assignee, ticket=ticket, text="Đã hoàn thành 50% khối lượng.")
    change = services.change_request_open(actor=assignee, ticket=ticket, kind="resources", reason="Thiếu người.")
    client.force_login(superuser)
    client.post(reverse("admin:corrective_actions_progressreport_delete", args=[report.pk]), {"post": "yes"})
    client.post(reverse("admin:corrective_actions_changerequest_delete", args=[change.pk]), {"post": "yes"})
    client.post(
        reverse("admin:corrective_actions_progressreport_changelist"),
        {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"},
    )
    assert ProgressReport.objects.filter(pk=report.pk).exists()
    assert ChangeRequest.objects.filter(pk=change.pk).exists()


def test_the_admin_may_delete_a_progress_report_once_the_ticket_retention_has_ended(client, drive, assignee, superuser, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=60))
    report = services.progress_report_add(actor=assignee, ticket=ticket, text="Đã hoàn thành 50% khối lượng.")
    long_ago = dt.datetime.combine(add_years(today, -10), dt.time(9), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    Ticket.objects.filter(pk=ticket.pk).update(status=TicketStatus.CLOSED, closed_at=long_ago)
    client.force_login(superuser)
    client.post(reverse("admin:corrective_actions_progressreport_delete", args=[report.pk]), {"post": "yes"})
    assert not ProgressReport.objects.filter(pk=report.pk).exists()


def test_a_progress_report_is_named_by_its_local_date_not_the_utc_date(drive, assignee, today):
    ticket = drive("in_progress", completion_date=today + dt.timedelta(days=60))
    report = services.progress_report_add(actor=assignee, ticket=ticket, text="Đang thực hiện.")
    early_morning = dt.datetime.combine(today, dt.time(1), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))  # 18:00 UTC the day before
    ProgressReport.objects.filter(pk=report.pk).update(reported_at=early_morning)
    report.refresh_from_db()
    assert str(report).endswith(f"{today:%d/%m/%Y}")


def test_the_first_escalation_reaches_the_implementing_units_head_when_none_was_recorded_at_assignment(drive, other_unit_head, today):
    ticket = drive("in_progress", completion_date=add_working_days(today, 1))
    Ticket.objects.filter(pk=ticket.pk).update(implementing_unit_head=None)
    reminders.ticket_reminders_send(today=add_working_days(today, 1 + 3))  # 3 working days late
    assert Notification.objects.filter(recipient=other_unit_head, subject__contains="quá hạn").exists()


def test_the_first_escalation_skips_a_recorded_head_who_has_left_for_the_units_head_now(drive, other_unit, other_unit_head, today):
    ticket = drive("in_progress", completion_date=add_working_days(today, 1))
    other_unit_head.is_active = False
    other_unit_head.save()
    new_head = UserFactory(username="truongphongmoi", unit=other_unit, roles=[Role.UNIT_HEAD])
    assert Ticket.objects.get(pk=ticket.pk).implementing_unit_head_id == other_unit_head.pk
    reminders.ticket_reminders_send(today=add_working_days(today, 1 + 3))  # 3 working days late
    assert Notification.objects.filter(recipient=new_head, subject__contains="quá hạn").exists()


def test_a_refused_upload_keeps_the_description_the_user_typed(client, drive, staff_user):
    ticket = drive("open")
    client.force_login(staff_user)
    response = client.post(
        reverse("corrective_actions:attachment_upload", args=[ticket.pk]),
        {"box": "1", "description": "Biên bản kiểm tra hồ sơ tháng 11", "file": SimpleUploadedFile("a.pdf", b"not a pdf at all")},
    )
    assert response.status_code == 200
    assert "Biên bản kiểm tra hồ sơ tháng 11" in response.content.decode()
    assert not ticket.attachments.exists()


def test_the_assignee_can_neither_verify_their_own_result_nor_be_made_its_verifier(drive, committee_head, assignee):
    ticket = drive("reported")
    with pytest.raises(ServiceError) as info:
        services.ticket_delegate_set(actor=committee_head, ticket=ticket, delegate=assignee)
    assert "không được là người thực hiện" in info.value.message
    with pytest.raises(ServiceError) as info:
        services.ticket_verify(actor=assignee, ticket=ticket, verification="passed", evidence="Tự kiểm tra")
    assert "không thể tự kiểm tra" in info.value.message


def test_a_staff_member_opens_tickets_only_for_their_own_unit_but_an_auditor_for_any(staff_user, committee_member, other_unit):
    with pytest.raises(ServiceError) as info:
        services.ticket_open(actor=staff_user, requesting_unit=other_unit, description="Hồ sơ thiếu chữ ký.")
    assert info.value.field == "requesting_unit"
    ticket = services.ticket_open(actor=committee_member, requesting_unit=other_unit, description="Phát hiện khi đánh giá nội bộ.")
    assert ticket.requesting_unit == other_unit


# --- Issue 13: formula injection in the export, an attachment missing on disk ---


def test_a_description_typed_as_a_formula_is_exported_to_excel_as_text(client, secretary, unit):
    import io

    from openpyxl import load_workbook

    from corrective_actions.tests.factories import TicketFactory

    formula = '=HYPERLINK("http://x","y")'
    TicketFactory(requesting_unit=unit, description=formula, process="@SUM(1)")
    client.force_login(secretary)
    response = client.get(reverse("corrective_actions:export"))
    ws = load_workbook(io.BytesIO(response.content)).active
    description, process = ws.cell(row=2, column=9), ws.cell(row=2, column=7)
    assert description.data_type == "s" and description.value == "'" + formula
    assert process.data_type == "s" and process.value == "'@SUM(1)"
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_an_attachment_missing_on_disk_is_a_404_with_a_message_not_a_500(client, secretary, unit):
    from corrective_actions.models import TicketAttachment
    from corrective_actions.tests.factories import TicketFactory

    ticket = TicketFactory(requesting_unit=unit)
    attachment = TicketAttachment.objects.create(
        ticket=ticket, box="1", file="tickets/khong-con.pdf", original_name="khong-con.pdf", size=8, uploaded_by=secretary
    )
    client.raise_request_exception = False
    client.force_login(secretary)
    response = client.get(reverse("corrective_actions:attachment_download", args=[attachment.pk]))
    assert response.status_code == 404
    assert "Tệp này không còn trên máy chủ" in response.content.decode()
