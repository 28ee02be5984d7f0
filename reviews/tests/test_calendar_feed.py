"""The personal calendar feed (qms.feeds): parsed back with icalendar, as a calendar app reads it."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from corrective_actions.models import TicketStatus
from corrective_actions.tests.factories import TicketFactory
from objectives.models import PlanStatus
from objectives.tests.factories import ObjectiveFactory, PlanActionFactory, PlanFactory
from qms.models import CalendarFeed
from qms.services import calendar_feed_of
from qms.tests.factories import UserFactory
from reviews.tests.factories import collecting_review, local_datetime, signed_review

pytestmark = pytest.mark.django_db


def _feed(client, user) -> Calendar:
    token = calendar_feed_of(user=user).token
    client.logout()  # a calendar app has no session
    response = client.get(reverse("calendar_feed_ics", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


@pytest.fixture
def records(today, unit, other_unit, secretary, committee_head, unit_head, other_unit_head):
    """A meeting the unit head attends, its unit's report, a signed decision for the unit, a ticket the unit
    carries out and an action of the unit's objectives plan — and the same for the other unit."""
    meeting = collecting_review(
        units=[unit, other_unit],
        attendees=[secretary, committee_head, unit_head],
        meeting_start=local_datetime(today + dt.timedelta(days=20), 8, 30),
        title="Họp xem xét của lãnh đạo về HTQLCL năm nay",
        location="Phòng họp số 2, tầng 3",
    )
    _review, minutes = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[
            ("Rà soát quy trình tiếp nhận hồ sơ", unit, today + dt.timedelta(days=40)),
            ("Cập nhật danh mục tài liệu", other_unit, today + dt.timedelta(days=41)),
        ],
    )
    ticket = TicketFactory(
        requesting_unit=unit,
        status=TicketStatus.IN_PROGRESS,
        completion_date=today + dt.timedelta(days=30),
        measure="Bổ sung bước kiểm tra chữ ký",
        implementing_unit_head=None,
        assignee=UserFactory(unit=unit),
    )
    other_ticket = TicketFactory(requesting_unit=other_unit, status=TicketStatus.IN_PROGRESS, completion_date=today + dt.timedelta(days=31))
    plan = PlanFactory(unit=unit, year=today.year, status=PlanStatus.APPROVED)
    plan_action = PlanActionFactory(
        objective=ObjectiveFactory(plan=plan), description="Đo mức độ hài lòng của người dân", deadline=today + dt.timedelta(days=50)
    )
    return {"meeting": meeting, "minutes": minutes, "ticket": ticket, "other_ticket": other_ticket, "plan_action": plan_action}


def test_the_unit_heads_feed_has_their_meeting_and_each_of_their_deadlines(client, today, unit_head, records):
    events = _events(_feed(client, unit_head))
    meeting, ticket, plan_action = records["meeting"], records["ticket"], records["plan_action"]
    action = records["minutes"].actions.get(responsible_unit=unit_head.unit)
    assert set(events) == {
        f"review-{meeting.pk}",
        f"review-{meeting.pk}-report-{unit_head.unit_id}",
        f"review-{records['minutes'].review_id}-report-{unit_head.unit_id}",
        f"review-action-{action.pk}",
        f"ticket-{ticket.pk}-completion",
        f"objective-action-{plan_action.pk}",
    }
    held = events[f"review-{meeting.pk}"]
    assert str(held["SUMMARY"]) == "Họp xem xét của lãnh đạo về HTQLCL năm nay"
    assert str(held["LOCATION"]) == "Phòng họp số 2, tầng 3"
    start = held.decoded("DTSTART")
    assert start.tzinfo.key == "Asia/Ho_Chi_Minh"
    assert (start.date(), start.hour, start.minute) == (today + dt.timedelta(days=20), 8, 30)
    assert held["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    report = events[f"review-{meeting.pk}-report-{unit_head.unit_id}"]
    assert str(report["SUMMARY"]) == "Hạn nộp báo cáo đơn vị (BM.HT.06.02): Họp xem xét của lãnh đạo về HTQLCL năm nay"
    assert report.decoded("DTSTART") == meeting.report_deadline
    assert "Chưa bắt đầu" in str(report["DESCRIPTION"])
    decision = events[f"review-action-{action.pk}"]
    assert str(decision["SUMMARY"]) == "Hạn hành động: Rà soát quy trình tiếp nhận hồ sơ"
    assert decision.decoded("DTSTART") == today + dt.timedelta(days=40)
    ticket_event = events[f"ticket-{ticket.pk}-completion"]
    assert str(ticket_event["SUMMARY"]).startswith(f"Hạn hoàn thành phiếu {ticket.number_display}: ")
    assert "Bổ sung bước kiểm tra chữ ký\nTrạng thái: Đang thực hiện" == str(ticket_event["DESCRIPTION"])
    assert ticket_event.decoded("DTSTART") == today + dt.timedelta(days=30)
    assert str(events[f"objective-action-{plan_action.pk}"]["SUMMARY"]) == "Hạn MTCL: Đo mức độ hài lòng của người dân"
    assert str(events[f"objective-action-{plan_action.pk}"]["URL"]).endswith(f"/objectives/plans/{plan_action.objective.plan_id}/")


def test_the_timestamps_come_from_the_record_so_a_second_poll_gives_the_same_events(client, unit_head, records):
    first = _events(_feed(client, unit_head))
    again = _events(_feed(client, unit_head))
    assert first.keys() == again.keys()
    for uid, event in first.items():
        assert event.to_ical() == again[uid].to_ical()
    ticket = records["ticket"]
    assert first[f"ticket-{ticket.pk}-completion"].decoded("LAST-MODIFIED") == ticket.updated_at.replace(microsecond=0)
    assert first[f"ticket-{ticket.pk}-completion"].decoded("DTSTAMP") == ticket.updated_at.replace(microsecond=0)


def test_a_changed_record_changes_its_event_under_the_same_uid(client, today, unit_head, records):
    ticket = records["ticket"]
    before = _events(_feed(client, unit_head))[f"ticket-{ticket.pk}-completion"]
    ticket.completion_date = today + dt.timedelta(days=35)
    ticket.version += 1
    ticket.save()
    event = _events(_feed(client, unit_head))[f"ticket-{ticket.pk}-completion"]
    assert event.decoded("DTSTART") == today + dt.timedelta(days=35)
    assert event.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
    assert event.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_a_cancelled_decision_stays_in_the_feed_as_cancelled(client, unit_head, records):
    from reviews.models import ActionStatus

    action = records["minutes"].actions.get(responsible_unit=unit_head.unit)
    action.status, action.version = ActionStatus.CANCELLED, action.version + 1
    action.save()
    event = _events(_feed(client, unit_head))[f"review-action-{action.pk}"]
    assert str(event["STATUS"]) == "CANCELLED" and event.decoded("SEQUENCE") == action.version


def test_another_users_token_gives_nothing_of_the_first_users(client, unit_head, other_unit_head, records):
    mine = set(_events(_feed(client, unit_head)))
    theirs = set(_events(_feed(client, other_unit_head)))
    assert mine and not (mine - {f"review-{records['minutes'].review_id}-report-{unit_head.unit_id}"}) & theirs
    assert f"ticket-{records['other_ticket'].pk}-completion" in theirs
    assert f"review-{records['meeting'].pk}" not in theirs  # not invited


def test_a_person_of_another_agency_sees_none_of_this_agencys_records(client, other_organisation, records):
    from qms.roles import Role

    stranger = UserFactory(organisation=other_organisation, unit=None, roles=[Role.SECRETARY])
    assert not _events(_feed(client, stranger))


def test_the_feed_needs_the_token_and_a_reset_token_makes_the_old_url_404(client, unit_head, records):
    old = calendar_feed_of(user=unit_head).token
    assert client.get(reverse("calendar_feed_ics", args=["x" * 43])).status_code == 404
    assert client.get(reverse("calendar_feed_ics", args=["x" * 65])).status_code == 404
    assert client.get(reverse("calendar_feed_ics", args=[old])).status_code == 200
    client.force_login(unit_head)
    response = client.post(reverse("calendar_feed_reset"), follow=True)
    assert "Đã tạo địa chỉ lịch mới" in response.content.decode()
    new = CalendarFeed.objects.get(user=unit_head).token
    assert new != old and len(new) >= 43
    client.logout()
    assert client.get(reverse("calendar_feed_ics", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed_ics", args=[new])).status_code == 200


def test_a_deactivated_persons_feed_answers_404(client, unit_head):
    token = calendar_feed_of(user=unit_head).token
    unit_head.is_active = False
    unit_head.save()
    assert client.get(reverse("calendar_feed_ics", args=[token])).status_code == 404


def test_the_calendar_page_shows_the_persons_url_and_what_comes_next(client, unit_head, records):
    client.force_login(unit_head)
    response = client.get(reverse("calendar_feed"))
    page = response.content.decode()
    token = CalendarFeed.objects.get(user=unit_head).token
    assert f"/calendar/{token}.ics" in page and "webcal://" in page
    assert "Họp xem xét của lãnh đạo về HTQLCL năm nay" in page
    assert reverse("calendar_feed") in client.get(reverse("home")).content.decode()  # in the user menu


def test_records_outside_the_window_stay_out(client, today, unit, unit_head):
    far = TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=today + dt.timedelta(days=800))
    old = TicketFactory(requesting_unit=unit, status=TicketStatus.CLOSED, completion_date=today - dt.timedelta(days=400))
    near = TicketFactory(requesting_unit=unit, status=TicketStatus.CLOSED, completion_date=today - dt.timedelta(days=300))
    uids = set(_events(_feed(client, unit_head)))
    assert f"ticket-{near.pk}-completion" in uids
    assert not {f"ticket-{far.pk}-completion", f"ticket-{old.pk}-completion"} & uids


def _feed_queries(client, token) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("calendar_feed_ics", args=[token])).status_code == 200
    return len(queries)


def test_the_feed_costs_the_same_queries_for_few_and_many_records(client, today, unit, other_unit, secretary, committee_head, unit_head):
    token = calendar_feed_of(user=unit_head).token
    collecting_review(units=[unit], attendees=[unit_head])
    TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=today + dt.timedelta(days=3))
    plan = PlanFactory(unit=unit, year=today.year, status=PlanStatus.APPROVED)
    PlanActionFactory(objective=ObjectiveFactory(plan=plan), deadline=today)
    few = _feed_queries(client, token)
    for n in range(4):
        collecting_review(units=[unit, other_unit], attendees=[unit_head], meeting_start=local_datetime(today + dt.timedelta(days=10 + n)))
        TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=today + dt.timedelta(days=5 + n))
        PlanActionFactory(objective=ObjectiveFactory(plan=plan), deadline=today + dt.timedelta(days=n))
    assert len(_events(_feed(client, unit_head))) == 20  # 5 meetings and their reports, 5 tickets, 5 plan actions
    assert _feed_queries(client, token) == few


def test_the_calendar_page_costs_the_same_queries_for_few_and_many_records(client, today, unit, unit_head):
    client.force_login(unit_head)
    TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=today + dt.timedelta(days=3))
    client.get(reverse("calendar_feed"))  # the feed row is made on the first visit

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("calendar_feed")).status_code == 200
        return len(queries)

    few = page_queries()
    for n in range(6):
        TicketFactory(requesting_unit=unit, status=TicketStatus.IN_PROGRESS, completion_date=today + dt.timedelta(days=4 + n))
        collecting_review(units=[unit], attendees=[unit_head], meeting_start=local_datetime(today + dt.timedelta(days=10 + n)))
    assert page_queries() == few
