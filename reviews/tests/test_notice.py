import datetime as dt
import email

import pytest
from django.urls import reverse

from qms.errors import ServiceError
from qms.models import CalendarException, Notification
from qms.roles import Role
from qms.tests.concurrency import raised, run_at_once
from qms.tests.factories import UnitFactory, UserFactory, restore_role_groups
from reviews import services
from reviews.ics import escape_text, fold
from reviews.models import Review, ReviewStatus, UnitReport
from reviews.tests.factories import ReviewFactory, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_thursday_26_november_2026(travel):
    """The dates below are written for the clock at Thursday 26/11/2026: services that compare the day
    they are given with the clock (a notice issued today, not back-filled) then take their everyday path."""
    travel(dt.date(2026, 11, 26))


def approved(meeting_day: dt.date, **kwargs) -> Review:
    kwargs.setdefault("units", [UnitFactory()])
    return ReviewFactory(
        status=ReviewStatus.APPROVED,
        meeting_start=local_datetime(meeting_day, 8),
        meeting_end=local_datetime(meeting_day, 11, 30),
        report_deadline=meeting_day - dt.timedelta(days=1),
        **kwargs,
    )


def test_a_notice_less_than_three_working_days_ahead_is_refused_naming_the_earliest_date(secretary):
    review = approved(dt.date(2026, 12, 1))  # today Thu 26/11: Fri 27, Mon 30, Tue 01/12 are the three days
    with pytest.raises(ServiceError) as info:
        services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 27))
    assert info.value.message == ("Cuộc họp phải được thông báo trước ít nhất 3 ngày làm việc: ngày họp sớm nhất có thể là 02/12/2026.")
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED and review.notice_number is None
    assert not UnitReport.objects.exists()


def test_a_notice_exactly_three_working_days_ahead_is_issued(secretary):
    review = approved(dt.date(2026, 12, 1))
    services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    assert review.status == ReviewStatus.COLLECTING and review.notice_number == 1 and review.notice_year == 2026


def test_the_three_working_days_skip_tet(secretary, travel):
    today = travel(dt.date(2027, 2, 1))  # Mon; Tết 2027 is 04..10/02, so the working days are 02, 03 and 11/02
    with pytest.raises(ServiceError) as info:
        services.review_notice_issue(review=approved(dt.date(2027, 2, 10)), actor=secretary, today=today)
    assert "ngày họp sớm nhất có thể là 11/02/2027" in info.value.message
    review = approved(dt.date(2027, 2, 11))
    services.review_notice_issue(review=review, actor=secretary, today=today)
    assert review.status == ReviewStatus.COLLECTING


def test_an_admin_day_off_pushes_the_earliest_meeting_date(secretary):
    CalendarException.objects.create(date=dt.date(2026, 11, 30), kind=CalendarException.Kind.DAY_OFF)
    with pytest.raises(ServiceError) as info:
        services.review_notice_issue(review=approved(dt.date(2026, 12, 1)), actor=secretary, today=dt.date(2026, 11, 26))
    assert "02/12/2026" in info.value.message


def test_notice_numbers_restart_each_year(secretary):
    numbers = []
    for today, meeting in [
        (dt.date(2026, 11, 26), dt.date(2026, 12, 10)),
        (dt.date(2026, 12, 1), dt.date(2026, 12, 15)),
        (dt.date(2027, 1, 5), dt.date(2027, 1, 20)),
    ]:
        review = approved(meeting)
        services.review_notice_issue(review=review, actor=secretary, today=today)
        numbers.append((review.notice_number, review.notice_year))
    assert numbers == [(1, 2026), (2, 2026), (1, 2027)]


@pytest.mark.django_db(transaction=True)
def test_two_notices_issued_at_the_same_moment_get_different_numbers():
    restore_role_groups()
    secretary = UserFactory(username="thuky-conc", roles=[Role.SECRETARY])
    reviews = [approved(dt.date(2026, 12, 10)) for _ in range(3)]

    def issue(pk: int):
        return lambda: services.review_notice_issue(review=Review.objects.get(pk=pk), actor=secretary, today=dt.date(2026, 11, 26))

    assert not raised(run_at_once(*[issue(r.pk) for r in reviews]))
    assert sorted(Review.objects.values_list("notice_number", flat=True)) == [1, 2, 3]


def test_issuing_the_notice_opens_one_report_per_unit_and_tells_their_heads(
    secretary, unit, other_unit, unit_head, other_unit_head, staff_user
):
    review = approved(dt.date(2026, 12, 10), units=[unit, other_unit])
    services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    reports = {r.unit: r for r in review.unit_reports.all()}
    assert set(reports) == {unit, other_unit} and {r.status for r in reports.values()} == {"not_started"}
    for head, u in [(unit_head, unit), (other_unit_head, other_unit)]:
        note = Notification.objects.get(recipient=head)
        assert note.url == reverse("reviews:report_edit", args=[reports[u].pk])
        assert "09/12/2026" in note.subject
    assert not Notification.objects.filter(recipient=staff_user).exists()


def _ics_lines(part) -> list[str]:
    raw = part.get_payload(decode=True).decode("utf-8")
    assert "\r\n" in raw and all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    return raw.replace("\r\n ", "").split("\r\n")  # unfolded


def test_the_notice_is_mailed_to_every_attendee_with_a_calendar_invitation(
    secretary, committee_head, unit_head, mailoutbox, django_capture_on_commit_callbacks
):
    review = approved(
        dt.date(2026, 12, 10),
        attendees=[secretary, committee_head, unit_head],
        location="Phòng họp 3; tầng 2, trụ sở",
        title="Họp xem xét lần 2, năm 2026",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in [secretary, committee_head, unit_head])
    message = mailoutbox[0]
    assert message.subject.startswith("Thông báo số 01/TB-BCĐ ISO")
    assert "Đề nghị các đơn vị chuẩn bị báo cáo" in message.body and "09/12/2026" in message.body
    parsed = email.message_from_bytes(message.message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1 and parts[0].get_param("method") == "REQUEST"
    assert parts[0].get_filename() == "hop-xem-xet.ics"
    lines = _ics_lines(parts[0])
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "METHOD:REQUEST" in lines and "BEGIN:VEVENT" in lines and "END:VEVENT" in lines
    assert f"UID:review-{review.pk}@127.0.0.1" in lines
    assert "DTSTART:20261210T010000Z" in lines and "DTEND:20261210T043000Z" in lines  # 08:00 and 11:30 in Hà Nội
    assert "SUMMARY:Họp xem xét lần 2\\, năm 2026" in lines
    assert "LOCATION:Phòng họp 3\\; tầng 2\\, trụ sở" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "\\n- Các báo cáo kết quả đánh giá nội bộ HTQLCL" in description
    assert sum(line.startswith("ATTENDEE;") for line in lines) == 3


def test_the_notice_mail_goes_once_even_if_the_task_runs_again(secretary, committee_head, mailoutbox):
    review = approved(dt.date(2026, 12, 10), attendees=[secretary, committee_head])
    services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    from reviews.tasks import review_notice_send

    assert review_notice_send.delay(review.pk).get() == 2
    assert review_notice_send.delay(review.pk).get() == 0
    assert len(mailoutbox) == 2


def test_ics_text_is_escaped_and_long_lines_folded_without_splitting_characters():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "DESCRIPTION:" + "Đánh giá nội bộ " * 20
    folded = fold(line)
    assert all(len(chunk.encode()) <= 75 for chunk in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_the_secretary_issues_the_notice_from_the_review_page(client, secretary, unit):
    review = approved(dt.date.today() + dt.timedelta(days=30), units=[unit])
    client.force_login(secretary)
    response = client.post(reverse("reviews:notice_issue", args=[review.pk]), follow=True)
    assert "Đã phát hành thông báo họp" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.COLLECTING


def test_the_review_page_shows_the_refusal_of_a_too_early_notice(client, secretary, unit):
    from django.utils import timezone

    review = approved(timezone.localdate() + dt.timedelta(days=1), units=[unit])
    client.force_login(secretary)
    page = client.post(reverse("reviews:notice_issue", args=[review.pk]), follow=True).content.decode()
    assert "Cuộc họp phải được thông báo trước ít nhất 3 ngày làm việc" in page


def test_the_notice_mail_carries_the_notice_pdf(secretary, committee_head, mailoutbox, django_capture_on_commit_callbacks):
    review = approved(dt.date(2026, 12, 10), attendees=[secretary, committee_head])
    with django_capture_on_commit_callbacks(execute=True):
        services.review_notice_issue(review=review, actor=secretary, today=dt.date(2026, 11, 26))
    parsed = email.message_from_bytes(mailoutbox[0].message().as_bytes())
    pdfs = [p for p in parsed.walk() if p.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_filename() == "thong-bao-01-2026.pdf"
    assert pdfs[0].get_payload(decode=True)[:4] == b"%PDF"
