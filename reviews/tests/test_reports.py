import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qms.errors import ServiceError, StaleEditError
from qms.models import AuditEntry, Notification
from qms.tests.factories import UnitFactory
from reviews import services
from reviews.filters import late_reports
from reviews.models import ReportAttachment, ReviewStatus, UnitReport, UnitReportStatus
from reviews.tests.factories import collecting_review, filled_sections, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(unit, other_unit):
    return collecting_review(units=[unit, other_unit], number=1)


@pytest.fixture
def report(review, unit):
    return review.unit_reports.get(unit=unit)


def post_data(report, *, submit=False, **sections):
    data = {**filled_sections(), **sections, "version": report.version}
    data["submit" if submit else "draft"] = "1"
    return data


def test_the_unit_head_saves_a_draft_then_submits_on_time(client, unit_head, secretary, report):
    client.force_login(unit_head)
    url = reverse("reviews:report_edit", args=[report.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, post_data(report, s1_general="Bản nháp mục 1"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == UnitReportStatus.DRAFT and report.s1_general == "Bản nháp mục 1"
    client.post(url, post_data(report, submit=True))
    report.refresh_from_db()
    assert report.status == UnitReportStatus.SUBMITTED and report.submitted_by == unit_head and not report.is_late
    assert Notification.objects.filter(recipient=secretary, url=reverse("reviews:report_detail", args=[report.pk])).exists()
    assert list(AuditEntry.objects.filter(object_id=report.pk, content_type__model="unitreport").values_list("to_state", flat=True)) == [
        "draft",
        "submitted",
    ]


def test_a_report_submitted_after_the_deadline_is_marked_late(unit_head, report):
    after = local_datetime(report.review.report_deadline + dt.timedelta(days=1), 9)
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True, now=after)
    assert report.status == UnitReportStatus.SUBMITTED and report.is_late
    assert AuditEntry.objects.filter(object_id=report.pk, action="Nộp báo cáo (muộn)").exists()


def test_a_report_on_the_deadline_day_is_not_late(other_unit_head, review, other_unit):
    report = review.unit_reports.get(unit=other_unit)
    on_the_day = local_datetime(review.report_deadline, 23, 59)
    services.unit_report_save(
        report=report, actor=other_unit_head, data=filled_sections(), version=report.version, submit=True, now=on_the_day
    )
    assert report.status == UnitReportStatus.SUBMITTED and not report.is_late


def test_submitting_needs_every_section(client, unit_head, report):
    client.force_login(unit_head)
    response = client.post(reverse("reviews:report_edit", args=[report.pk]), post_data(report, submit=True, s7_changes=""))
    page = response.content.decode()
    assert response.status_code == 200 and "Hãy điền đủ các mục trước khi nộp" in page and "7. Các thay đổi" in page
    assert "Nội dung mục 1" in page
    report.refresh_from_db()
    assert report.status == UnitReportStatus.NOT_STARTED


def test_another_units_head_cannot_open_the_report_and_the_committee_head_is_forbidden(
    client, other_unit_head, staff_user, committee_head, report
):
    url = reverse("reviews:report_edit", args=[report.pk])
    client.force_login(other_unit_head)
    assert client.get(url).status_code == 404
    assert client.get(reverse("reviews:report_detail", args=[report.pk])).status_code == 404
    client.force_login(staff_user)  # the unit's staff draft it (QT.HT.06 5.2)
    assert client.get(url).status_code == 200
    client.force_login(committee_head)
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.unit_report_save(report=report, actor=other_unit_head, data=filled_sections(), version=report.version)


def test_several_files_are_attached_and_an_own_attachment_deleted_before_submission(client, unit_head, report):
    client.force_login(unit_head)
    url = reverse("reviews:report_edit", args=[report.pk])
    files = [SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.7 a"), SimpleUploadedFile("so-lieu.csv", b"a,b\n1,2\n")]
    client.post(url, {**post_data(report), "attachments": files})
    assert sorted(ReportAttachment.objects.values_list("original_name", flat=True)) == ["ket-qua.pdf", "so-lieu.csv"]
    attachment = ReportAttachment.objects.get(original_name="ket-qua.pdf")
    download = client.get(reverse("reviews:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7 a"
    client.post(reverse("reviews:attachment_delete", args=[attachment.pk]))
    assert list(ReportAttachment.objects.values_list("original_name", flat=True)) == ["so-lieu.csv"]
    assert AuditEntry.objects.filter(object_id=report.pk, action="Xóa tệp đính kèm", note="ket-qua.pdf").exists()


def test_an_attachment_cannot_be_deleted_once_the_report_is_submitted(client, unit_head, report):
    services.unit_report_save(
        report=report,
        actor=unit_head,
        data=filled_sections(),
        version=report.version,
        files=[SimpleUploadedFile("a.pdf", b"%PDF-1.7")],
        submit=True,
    )
    attachment = ReportAttachment.objects.get()
    client.force_login(unit_head)
    response = client.post(reverse("reviews:attachment_delete", args=[attachment.pk]), follow=True)
    assert "không xóa được" in response.content.decode()
    assert ReportAttachment.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "không được chấp nhận"),
        (SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1)), "vượt quá giới hạn"),
        (SimpleUploadedFile("gia.pdf", b"MZ not a pdf"), "không đúng với định dạng"),
    ],
    ids=["type", "size", "content"],
)
def test_a_bad_attachment_is_refused_with_a_vietnamese_message_and_the_text_is_kept(client, unit_head, report, upload, message):
    client.force_login(unit_head)
    response = client.post(
        reverse("reviews:report_edit", args=[report.pk]),
        {**post_data(report, submit=True, s4_feedback="Phản hồi của công dân rất tích cực"), "attachments": [upload]},
    )
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert "Phản hồi của công dân rất tích cực" in page
    report.refresh_from_db()
    assert report.status == UnitReportStatus.NOT_STARTED and not ReportAttachment.objects.exists()


def test_a_report_after_collection_closed_is_refused_with_a_clear_message_and_the_text_kept(client, unit_head, secretary, review, report):
    client.force_login(unit_head)
    url = reverse("reviews:report_edit", args=[report.pk])
    form_version = report.version
    services.review_collection_close(review=review, actor=secretary, reason="Họp sớm theo chỉ đạo của Trưởng ban")
    response = client.post(url, {**filled_sections(), "s1_general": "Văn bản vừa gõ xong", "version": form_version, "submit": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Thư ký ISO đã đóng thu báo cáo" in page and "Văn bản vừa gõ xong" in page
    report.refresh_from_db()
    assert report.status == UnitReportStatus.NOT_STARTED and report.s1_general == ""
    assert client.get(url).status_code == 302  # nothing to edit any more


def test_closing_collection_tells_units_that_did_not_submit(secretary, unit_head, other_unit_head, committee_head, review, report):
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    services.review_collection_close(review=review, actor=secretary, reason="Họp sớm theo chỉ đạo của Trưởng ban")
    assert review.status == ReviewStatus.PREPARING and review.collection_closed_at is not None
    assert Notification.objects.filter(recipient=other_unit_head, subject__startswith="Đã đóng thu báo cáo").exists()
    assert not Notification.objects.filter(recipient=unit_head, subject__startswith="Đã đóng thu báo cáo").exists()
    assert Notification.objects.filter(recipient=committee_head).exists()
    assert "Phòng Thông tin báo chí xuất bản" in AuditEntry.objects.get(object_id=review.pk, to_state="preparing").note


def test_the_secretary_returns_a_report_with_a_comment_and_the_unit_resubmits(client, secretary, unit_head, report):
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    client.force_login(secretary)
    url = reverse("reviews:report_return", args=[report.pk])
    page = client.post(url, {"comment": ""}, follow=True).content.decode()
    assert "Hãy ghi rõ lý do trả lại." in page
    report.refresh_from_db()
    assert report.status == UnitReportStatus.SUBMITTED
    client.post(url, {"comment": "Bổ sung số liệu mục 5"})
    report.refresh_from_db()
    assert report.status == UnitReportStatus.RETURNED and report.return_comment == "Bổ sung số liệu mục 5"
    assert Notification.objects.filter(recipient=unit_head, body="Bổ sung số liệu mục 5").exists()
    client.force_login(unit_head)
    edit = client.get(reverse("reviews:report_edit", args=[report.pk])).content.decode()
    assert "Bổ sung số liệu mục 5" in edit
    client.post(reverse("reviews:report_edit", args=[report.pk]), post_data(report, submit=True, s5_objectives_implementation="Đạt 95%"))
    report.refresh_from_db()
    assert report.status == UnitReportStatus.SUBMITTED and report.s5_objectives_implementation == "Đạt 95%"


def test_only_a_submitted_report_can_be_returned_and_only_by_the_secretary(secretary, unit_head, report):
    with pytest.raises(ServiceError):
        services.unit_report_return(report=report, actor=secretary, comment="x")
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    with pytest.raises(PermissionDenied):
        services.unit_report_return(report=report, actor=unit_head, comment="x")


def test_a_submitted_report_cannot_be_saved_again(unit_head, report):
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    with pytest.raises(ServiceError) as info:
        services.unit_report_save(report=report, actor=unit_head, data=filled_sections("Khác"), version=report.version)
    assert "đã nộp" in info.value.message


def test_a_stale_report_save_is_refused(unit_head, report):
    loaded = report.version
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections("Lần 1"), version=loaded)
    stale = UnitReport.objects.get(pk=report.pk)
    with pytest.raises(StaleEditError):
        services.unit_report_save(report=stale, actor=unit_head, data=filled_sections("Lần 2"), version=loaded)
    report.refresh_from_db()
    assert report.s1_general == "Lần 1 mục 1"


def test_the_status_board_shows_each_unit_and_refreshes_by_polling(client, secretary, unit_head, review, report):
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    client.force_login(secretary)
    page = client.get(reverse("reviews:board", args=[review.pk])).content.decode()
    assert 'hx-trigger="every 30s"' in page and f'hx-get="{reverse("reviews:board", args=[review.pk])}"' in page
    assert reverse("reviews:report_detail", args=[report.pk]) in page
    partial = client.get(reverse("reviews:board", args=[review.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and 'data-testid="status-board"' in partial.content.decode()
    assert partial.context["counts"] == {"total": 2, "submitted": 1, "late": 0, "waiting": 1}


def test_the_status_board_issues_as_many_queries_for_many_units_as_for_one(client, secretary, unit_head):
    def count(review) -> int:
        client.force_login(secretary)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:board", args=[review.pk]), HTTP_HX_REQUEST="true").status_code == 200
        return len(ctx.captured_queries)

    small = collecting_review(units=[UnitFactory()])
    many_units = [UnitFactory() for _ in range(30)]
    big = collecting_review(units=many_units)
    for report in big.unit_reports.all()[:10]:
        UnitReport.objects.filter(pk=report.pk).update(
            status=UnitReportStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=unit_head
        )
    assert count(small) == count(big)


def test_the_unit_head_home_page_lists_the_report_to_submit(client, unit_head, report):
    client.force_login(unit_head)
    page = client.get(reverse("home")).content.decode()
    assert "Báo cáo HTQLCL đơn vị cần nộp" in page and reverse("reviews:report_edit", args=[report.pk]) in page


def test_the_secretary_home_page_counts_missing_reports(client, secretary, review):
    client.force_login(secretary)
    page = client.get(reverse("home")).content.decode()
    assert "thiếu 2 báo cáo" in page


def test_a_unit_head_sees_links_only_to_reports_they_may_read(client, unit_head, other_unit_head, review, report):
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    client.force_login(other_unit_head)
    page = client.get(reverse("reviews:detail", args=[review.pk])).content.decode()
    assert reverse("reviews:report_detail", args=[report.pk]) not in page
    own = review.unit_reports.exclude(pk=report.pk).get()
    assert reverse("reviews:report_detail", args=[own.pk]) in page


# --- Lateness is judged on the first submission ---


def _late_units(review, today):
    return list(UnitReport.objects.filter(late_reports(today), review=review).values_list("unit_id", flat=True))


def test_a_report_returned_and_resubmitted_after_the_deadline_is_not_late(client, travel, today, unit_head, secretary, review, report):
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    first = report.first_submitted_at
    services.unit_report_return(report=report, actor=secretary, comment="Bổ sung số liệu mục 2")
    after = travel(review.report_deadline + dt.timedelta(days=2))
    assert report.unit_id not in _late_units(review, after)  # returned, past the deadline: still not late

    report.refresh_from_db()
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections("Bổ sung"), version=report.version, submit=True)

    report.refresh_from_db()
    assert report.status == UnitReportStatus.SUBMITTED and not report.is_late
    assert report.first_submitted_at == first and timezone.localtime(report.submitted_at).date() == after > today
    assert report.unit_id not in _late_units(review, after)
    assert AuditEntry.objects.filter(object_id=report.pk, action="Nộp lại báo cáo sau khi bổ sung").exists()
    client.force_login(secretary)
    board = client.get(reverse("reviews:board", args=[review.pk]), HTTP_HX_REQUEST="true")
    assert board.context["counts"]["late"] == 0 and 'data-testid="first-submission"' in board.content.decode()


def test_a_first_submission_after_the_deadline_is_late_and_stays_late_through_a_return(travel, unit_head, secretary, review, report, unit):
    late_day = travel(review.report_deadline + dt.timedelta(days=1))
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    first = report.first_submitted_at
    assert report.is_late and timezone.localtime(first).date() == late_day
    services.unit_report_return(report=report, actor=secretary, comment="Bổ sung mục 3")
    later = travel(late_day + dt.timedelta(days=2))
    report.refresh_from_db()
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections("Bổ sung"), version=report.version, submit=True)

    report.refresh_from_db()
    assert report.is_late and report.first_submitted_at == first and timezone.localtime(report.submitted_at).date() == later
    assert unit.pk in _late_units(review, later)


def test_a_report_section_over_its_limit_is_refused_naming_the_section(client, unit_head, report):
    client.force_login(unit_head)
    before, version = report.s1_general, report.version
    url = reverse("reviews:report_edit", args=[report.pk])
    assert 'data-maxlength="10000"' in client.get(url).content.decode()
    response = client.post(url, post_data(report, s1_general="Kết quả tốt." * 1_000))  # 12,000 characters
    html = response.content.decode()
    message = "«1. Tình hình chung của Hệ thống quản lý chất lượng (HTQLCL)» dài tối đa 10.000 ký tự (đã nhập 12000 ký tự)."
    assert response.status_code == 200 and message in html
    report.refresh_from_db()
    assert report.s1_general == before and report.version == version  # nothing saved
