import datetime as dt

import pytest
from django.conf import settings

from qms.models import Notification, Organisation
from qms.roles import Role
from qms.tests.concurrency import raised, run_at_once
from qms.tests.factories import UnitFactory, UserFactory, restore_role_groups
from reviews import reminders, services
from reviews.models import UnitReportStatus
from reviews.tests.factories import collecting_review, filled_sections, local_datetime

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_thursday_26_november_2026(travel):
    """The dates below are written for the clock at Thursday 26/11/2026: services that compare the day
    they are given with the clock (a notice issued today, not back-filled) then take their everyday path."""
    travel(dt.date(2026, 11, 26))


# Deadline Fri 04/12/2026, meeting Thu 10/12/2026; two working days before the deadline is Wed 02/12.
DEADLINE = dt.date(2026, 12, 4)
MEETING = dt.date(2026, 12, 10)


def make_review(units, attendees=()):
    return collecting_review(
        units=units,
        attendees=attendees,
        report_deadline=DEADLINE,
        meeting_start=local_datetime(MEETING, 8),
        meeting_end=local_datetime(MEETING, 11),
    )


def subjects(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("subject", flat=True))


def test_units_are_reminded_n_working_days_before_the_deadline_once(unit, unit_head, other_unit, other_unit_head):
    review = make_review([unit, other_unit])
    report = review.unit_reports.get(unit=other_unit)
    services.unit_report_save(report=report, actor=other_unit_head, data=filled_sections(), version=report.version, submit=True)
    assert reminders.review_reminders_sweep(today=dt.date(2026, 12, 1)) == 0
    assert reminders.review_reminders_sweep(today=dt.date(2026, 12, 2)) == 1
    assert reminders.review_reminders_sweep(today=dt.date(2026, 12, 3)) == 0
    assert subjects(unit_head) == ["Nhắc nộp báo cáo HTQLCL trước ngày 04/12/2026"]
    assert not [s for s in subjects(other_unit_head) if s.startswith("Nhắc")]


def test_the_reminder_lead_comes_from_the_organisation_settings(unit, unit_head, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(report_reminder_working_days=4)
    make_review([unit])
    assert reminders.review_reminders_sweep(today=dt.date(2026, 11, 27)) == 0  # five working days before
    assert reminders.review_reminders_sweep(today=dt.date(2026, 11, 30)) == 1


def test_a_missed_sweep_still_reminds_before_the_deadline(unit, unit_head):
    make_review([unit])
    assert reminders.review_reminders_sweep(today=dt.date(2026, 12, 3)) == 1


def test_overdue_units_and_the_secretary_are_told_once_when_the_deadline_passed(unit, unit_head, secretary):
    make_review([unit])
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 7))
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 8))
    assert subjects(unit_head) == ["Báo cáo HTQLCL đã quá hạn nộp (04/12/2026)"]
    assert [s for s in subjects(secretary) if s.startswith("Đã quá hạn")] != []
    assert len([s for s in subjects(secretary) if s.startswith("Đã quá hạn")]) == 1


def test_the_secretary_is_told_when_all_reports_are_in(unit, unit_head, secretary):
    review = make_review([unit])
    reminders.review_reminders_sweep(today=dt.date(2026, 11, 30))
    assert not [s for s in subjects(secretary) if s.startswith("Các đơn vị đã nộp đủ")]
    report = review.unit_reports.get()
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 1))
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 2))
    assert len([s for s in subjects(secretary) if s.startswith("Các đơn vị đã nộp đủ")]) == 1


def test_attendees_are_reminded_the_working_day_before_the_meeting(unit, secretary, committee_head):
    make_review([unit], attendees=[secretary, committee_head])
    assert reminders.review_reminders_sweep(today=dt.date(2026, 12, 8)) >= 0
    assert not [s for s in subjects(committee_head) if s.startswith("Nhắc lịch họp")]
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 9))
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 9))
    assert [s for s in subjects(committee_head) if s.startswith("Nhắc lịch họp")] == [
        "Nhắc lịch họp xem xét của lãnh đạo: 08:00 10/12/2026"
    ]


def test_a_monday_meeting_is_reminded_on_friday(unit, committee_head):
    monday = dt.date(2026, 12, 14)
    collecting_review(
        units=[unit], attendees=[committee_head], report_deadline=dt.date(2026, 12, 9), meeting_start=local_datetime(monday, 8)
    )
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 13))
    assert not subjects(committee_head)
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 11))
    assert len(subjects(committee_head)) == 1


def test_reports_already_submitted_are_not_reminded(unit, unit_head):
    review = make_review([unit])
    review.unit_reports.update(status=UnitReportStatus.SUBMITTED)
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 2))
    reminders.review_reminders_sweep(today=dt.date(2026, 12, 7))
    assert subjects(unit_head) == []


def test_the_sweep_is_scheduled_daily_at_seven():
    entry = settings.CELERY_BEAT_SCHEDULE["reviews-reminders"]
    assert entry["task"] == "reviews.tasks.review_reminders_sweep"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_the_same_moment_send_each_reminder_once(mailoutbox):
    restore_role_groups()
    units = [UnitFactory(), UnitFactory()]
    heads = [UserFactory(unit=u, roles=[Role.UNIT_HEAD]) for u in units]
    secretary = UserFactory(roles=[Role.SECRETARY])
    attendee = UserFactory(roles=[Role.COMMITTEE_HEAD])
    make_review(units, attendees=[attendee])
    # 07/12: both units overdue, secretary told; a second review meets on 08/12 (eve reminder to the attendee).
    collecting_review(
        units=[], attendees=[attendee], report_deadline=dt.date(2026, 12, 3), meeting_start=local_datetime(dt.date(2026, 12, 8), 14)
    )
    results = run_at_once(*[lambda: reminders.review_reminders_sweep(today=dt.date(2026, 12, 7))] * 2)
    assert not raised(results)
    assert sum(results) == 4  # two overdue units, the secretary, the attendee's meeting eve
    for head in heads:
        assert Notification.objects.filter(recipient=head).count() == 1
    assert Notification.objects.filter(recipient=secretary).count() == 1
    assert Notification.objects.filter(recipient=attendee).count() == 1
    assert len(mailoutbox) == 4


def test_a_report_returned_after_an_in_time_submission_gets_no_overdue_reminder(travel, unit, unit_head, secretary):
    review = collecting_review(units=[unit])
    report = review.unit_reports.get()
    services.unit_report_save(report=report, actor=unit_head, data=filled_sections(), version=report.version, submit=True)
    services.unit_report_return(report=report, actor=secretary, comment="Bổ sung mục 2")
    travel(review.report_deadline + dt.timedelta(days=1))
    Notification.objects.all().delete()

    reminders.review_reminders_sweep()

    assert not Notification.objects.filter(subject__startswith="Báo cáo HTQLCL đã quá hạn nộp").exists()
    assert not Notification.objects.filter(subject__startswith="Đã quá hạn nộp báo cáo").exists()
