"""Edge cases of the management review: access to draft decisions, notice e-mail retries, frozen
reports after signing, past deadlines, renamed signers (each test failed before its fix)."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import SIGNING_SECRET
from qms.errors import ServiceError
from reviews import delivery, selectors, services
from reviews.models import ConsolidatedReportStatus, ReviewAction, ReviewStatus
from reviews.tests.factories import (
    collecting_review,
    preparing_review,
    ready_minutes,
    signed_review,
)

pytestmark = pytest.mark.django_db


def in_days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def test_a_unit_head_cannot_read_an_action_of_minutes_not_yet_signed(client, unit, secretary, committee_head, unit_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head, unit_head])
    ready_minutes(review=review, secretary=secretary, chair=committee_head, actions=[("Dự thảo kết luận chưa ký", unit, in_days(30))])
    action = ReviewAction.objects.get(review=review)
    client.force_login(unit_head)
    assert client.get(reverse("reviews:minutes_detail", args=[action.minutes_id])).status_code == 404
    assert client.get(reverse("reviews:action_detail", args=[action.pk])).status_code == 404


def test_a_unit_head_cannot_read_the_draft_copy_of_an_action_in_a_minutes_revision(client, unit, secretary, committee_head, unit_head):
    review, minutes = signed_review(
        units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Rà soát quy trình", unit, in_days(30))]
    )
    copy = services.minutes_revise(minutes=minutes, actor=secretary, reason="Sửa lỗi chính tả")
    draft_action = copy.actions.get()
    client.force_login(unit_head)
    assert client.get(reverse("reviews:action_detail", args=[minutes.actions.get().pk])).status_code == 200
    assert client.get(reverse("reviews:action_detail", args=[draft_action.pk])).status_code == 404


def test_the_notice_email_that_failed_to_send_goes_out_on_the_retry(unit, secretary, committee_head, unit_head):
    review = collecting_review(units=[unit], attendees=[committee_head, unit_head], number=1)
    real_send = mail.EmailMessage.send
    with mock.patch.object(mail.EmailMessage, "send", side_effect=OSError("SMTP down")):
        with pytest.raises(OSError):
            delivery.review_notice_send(review_id=review.pk)
    assert len(mail.outbox) == 0
    with mock.patch.object(mail.EmailMessage, "send", real_send):
        sent = delivery.review_notice_send(review_id=review.pk)
    assert sent == 2 and sorted(m.to[0] for m in mail.outbox) == sorted([committee_head.email, unit_head.email])
    assert delivery.review_notice_send(review_id=review.pk) == 0


def test_the_minutes_are_signed_only_after_the_consolidated_report_is_final_which_then_stays_frozen(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    report = services.consolidated_report_generate(review=review, actor=secretary)
    minutes = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    with pytest.raises(ServiceError) as info:
        services.minutes_sign(minutes=minutes, actor=committee_head, password="Mật-khẩu-thử-2026", secret=SIGNING_SECRET)
    assert "BM.HT.06.03" in info.value.message and "chưa hoàn thiện" in info.value.message
    services.consolidated_report_finalise(report=report, actor=secretary)
    minutes.refresh_from_db()
    services.minutes_sign(minutes=minutes, actor=committee_head, password="Mật-khẩu-thử-2026", secret=SIGNING_SECRET)
    report.refresh_from_db()
    with pytest.raises(ServiceError):
        services.consolidated_report_save(report=report, actor=secretary, version=report.version, data={"s1_general": "Sửa sau cuộc họp"})
    report.refresh_from_db()
    assert report.s1_general != "Sửa sau cuộc họp"
    assert report.status == ConsolidatedReportStatus.FINAL


def test_a_notice_whose_report_deadline_has_already_passed_is_refused(client, unit, secretary, travel):
    from reviews.tests.factories import ReviewFactory, local_datetime

    travel(dt.date(2026, 11, 26))
    meeting_day = dt.date(2026, 12, 10)
    review = ReviewFactory(
        status=ReviewStatus.APPROVED,
        units=[unit],
        meeting_start=local_datetime(meeting_day, 8),
        meeting_end=local_datetime(meeting_day, 11),
        report_deadline=dt.date(2026, 11, 25),
    )
    with pytest.raises(ServiceError) as info:
        services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    assert "25/11/2026" in info.value.message
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and review.notice_number is None
    assert not review.unit_reports.exists()
    # A deadline later the same day as the notice is still open.
    review.report_deadline = dt.date(2026, 11, 26)
    review.save()
    services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    review.refresh_from_db()
    assert review.status == ReviewStatus.COLLECTING


def test_renaming_the_chair_or_a_unit_after_signing_does_not_flag_the_minutes_as_changed(client, unit, secretary, committee_head):
    review, minutes = signed_review(
        units=[unit], secretary=secretary, committee_head=committee_head, actions=[("Rà soát quy trình", unit, in_days(30))]
    )
    assert selectors.minutes_content_unchanged(minutes) is True
    committee_head.full_name = "Phạm Anh Tuấn (đã đổi tên)"
    committee_head.save()
    unit.name = "Văn phòng Cục"
    unit.save()
    minutes.refresh_from_db()
    assert selectors.minutes_content_unchanged(minutes) is True
    client.force_login(secretary)
    page = client.get(reverse("reviews:minutes_detail", args=[minutes.pk])).content.decode()
    assert 'data-testid="signature-verified"' in page
    # A real change of the signed text is still caught.
    ReviewAction.objects.filter(minutes=minutes).update(deadline=in_days(90))
    assert selectors.minutes_content_unchanged(minutes) is False


def test_the_action_filter_offers_a_unit_head_only_the_meetings_of_their_units_actions(
    client, secretary, committee_head, unit_head, unit, other_unit
):
    import datetime as dt

    from reviews.tests.factories import signed_review

    due = dt.date.today() + dt.timedelta(days=30)
    mine, _m = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[("Sửa quy trình văn thư", unit, due)],
        title="Họp xem xét có việc của Văn phòng",
    )
    theirs, _m = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[("Tập huấn phòng khác", other_unit, due)],
        title="Họp xem xét chỉ có việc phòng khác",
    )
    client.force_login(unit_head)
    page = client.get("/reviews/actions/").content.decode()
    assert mine.title in page
    assert theirs.title not in page


# --- Issue 13: a file missing on disk is a 404 with a message, never a 500 ---


def test_a_report_attachment_missing_on_disk_is_a_404_with_a_message(client, unit, unit_head):
    from reviews.models import ReportAttachment

    report = collecting_review(units=[unit]).unit_reports.get()
    attachment = ReportAttachment.objects.create(
        report=report, file="reviews/khong-con.pdf", original_name="khong-con.pdf", size=8, uploaded_by=unit_head
    )
    client.raise_request_exception = False
    client.force_login(unit_head)
    response = client.get(reverse("reviews:attachment_download", args=[attachment.pk]))
    assert response.status_code == 404
    assert "Tệp này không còn trên máy chủ" in response.content.decode()


def test_an_action_evidence_missing_on_disk_is_a_404_with_a_message(client, unit, secretary, committee_head, unit_head):
    from reviews.models import ActionUpdate

    _review, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[("Rà soát quy trình", unit, in_days(20))],
    )
    update = ActionUpdate.objects.create(
        action=minutes.actions.get(), author=unit_head, note="Bằng chứng", progress=10, evidence_file="reviews/khong-con.pdf"
    )
    client.raise_request_exception = False
    client.force_login(secretary)
    response = client.get(reverse("reviews:action_evidence", args=[update.pk]))
    assert response.status_code == 404
    assert "Tệp này không còn trên máy chủ" in response.content.decode()
