"""The management review's charts on the dashboards: the unit reports of the latest reviews and the decided
actions by state and lateness, counted from known data, narrowed to the unit for a unit head, never
counting another agency, and each bar linking to a list that shows the rows it counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qms.dashboards import Scope
from qms.tests.factories import UnitFactory, UserFactory
from reviews.dashboard_figures import action_charts, report_charts
from reviews.models import ActionStatus, Minutes, MinutesStatus, Review, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus
from reviews.tests.factories import ReviewFactory, local_datetime

pytestmark = pytest.mark.django_db


def _review(organisation, today, *, days_ago: int, title: str, status=ReviewStatus.SIGNED, units=()) -> Review:
    return ReviewFactory(
        created_by=UserFactory(unit=UnitFactory(organisation=organisation)),
        status=status,
        title=title,
        year=today.year,
        meeting_start=local_datetime(today - dt.timedelta(days=days_ago)),
        units=list(units),
    )


def _action(review, unit, *, deadline, status=ActionStatus.OPEN, minutes_status=MinutesStatus.SIGNED) -> ReviewAction:
    minutes = review.minutes.filter(status=minutes_status).first() or Minutes.objects.create(
        review=review, form_code="BM.HT.06.04", status=minutes_status, revision=review.minutes.count() + 1
    )
    return ReviewAction.objects.create(
        review=review, minutes=minutes, description="Hành động", responsible_unit=unit, deadline=deadline, status=status
    )


@pytest.fixture
def known_reviews(organisation, other_organisation, unit, today):
    """Four reviews with reports (the oldest is not among the latest three), actions of `unit` and of
    another unit, and another agency's review, which never counts."""
    other = UnitFactory(organisation=organisation, name="Phòng Tài chính", code="TC")
    third = UnitFactory(organisation=organisation, name="Thanh tra", code="TT")
    reviews = [
        _review(organisation, today, days_ago=days, title=f"Họp xem xét lần {n}", units=[unit, other, third])
        for n, days in ((1, 400), (2, 200), (3, 100), (4, 10))
    ]
    for review in reviews:
        UnitReport.objects.create(review=review, unit=unit, status=UnitReportStatus.SUBMITTED)
    latest = reviews[-1]
    UnitReport.objects.create(review=latest, unit=other, status=UnitReportStatus.SUBMITTED, is_late=True)
    UnitReport.objects.create(review=latest, unit=third, status=UnitReportStatus.DRAFT)
    past, future = today - dt.timedelta(days=3), today + dt.timedelta(days=20)
    _action(latest, unit, deadline=past)  # overdue
    _action(latest, unit, deadline=future, status=ActionStatus.IN_PROGRESS)
    _action(latest, unit, deadline=past, status=ActionStatus.DONE)  # done: never overdue
    _action(latest, other, deadline=past, status=ActionStatus.IN_PROGRESS)  # overdue
    _action(latest, other, deadline=past)  # overdue
    _action(latest, third, deadline=past, minutes_status=MinutesStatus.DRAFT)  # not in force: not counted
    foreign = _review(other_organisation, today, days_ago=5, title="Họp của cơ quan khác")
    foreign_unit = UnitFactory(organisation=other_organisation)
    UnitReport.objects.create(review=foreign, unit=foreign_unit, status=UnitReportStatus.DRAFT)
    _action(foreign, foreign_unit, deadline=past)
    return reviews, other


def _scope(user, today, unit=None):
    return Scope(user=user, unit=unit, year=today.year, today=today)


def _values(chart):
    return {str(bar.label): bar.value for bar in chart.bars}


def test_the_reports_of_the_latest_three_reviews_are_counted_per_review(secretary, known_reviews, today):
    charts = report_charts(_scope(secretary, today))
    assert [str(chart.title) for chart in charts] == [
        "Báo cáo đơn vị: Họp xem xét lần 4",
        "Báo cáo đơn vị: Họp xem xét lần 3",
        "Báo cáo đơn vị: Họp xem xét lần 2",
    ]
    assert _values(charts[0]) == {"Đã nộp": 2, "Chưa nộp": 1, "Nộp muộn (lần nộp đầu sau hạn)": 1}
    assert _values(charts[1]) == {"Đã nộp": 1, "Chưa nộp": 0, "Nộp muộn (lần nộp đầu sau hạn)": 0}
    assert timezone.localdate().strftime("%d/%m/%Y") not in str(charts[0].note)  # the meeting's day, not today's


def test_the_actions_are_counted_by_state_and_overdue_per_unit(secretary, unit, known_reviews, today):
    _reviews, other = known_reviews
    states, late = action_charts(_scope(secretary, today))
    assert _values(states) == {
        str(ActionStatus.OPEN.label): 2,
        str(ActionStatus.IN_PROGRESS.label): 2,
        str(ActionStatus.REPORTED.label): 0,
        str(ActionStatus.DONE.label): 1,
        str(ActionStatus.CANCELLED.label): 0,
    }
    assert [(str(bar.label), bar.value) for bar in late.bars] == [(other.name, 2), (unit.name, 1)]  # most overdue first


def test_the_unit_view_counts_only_the_units_reports_and_actions(unit_head, unit, known_reviews, today):
    scope = _scope(unit_head, today, unit=unit)
    charts = report_charts(scope)
    assert [_values(chart)["Đã nộp"] for chart in charts] == [1, 1, 1]
    assert all(_values(chart)["Chưa nộp"] == 0 for chart in charts)
    states, late = action_charts(scope)
    assert states.total == 3
    assert [(str(bar.label), bar.value) for bar in late.bars] == [(unit.name, 1)]


@pytest.mark.parametrize("viewer", ["secretary", "committee_head", "unit_head"])
def test_each_action_bar_links_to_a_list_showing_exactly_the_actions_it_counts(client, request, unit, known_reviews, today, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    for chart in action_charts(_scope(user, today, unit=unit if viewer == "unit_head" else None)):
        for bar in chart.bars:
            response = client.get(bar.url)
            assert response.status_code == 200, bar.url
            assert response.context["page"].paginator.count == bar.value, (chart.key, str(bar.label), bar.url)


@pytest.mark.parametrize("viewer", ["secretary", "committee_head", "unit_head"])
def test_each_report_bar_links_to_the_reviews_page_listing_the_same_reports(client, request, unit, known_reviews, today, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    for chart in report_charts(_scope(user, today, unit=unit if viewer == "unit_head" else None)):
        submitted, waiting, late = chart.bars
        response = client.get(submitted.url)
        assert response.status_code == 200
        reports = list(response.context["reports"])
        if viewer == "unit_head":  # the page lists every unit; the unit view counts the viewer's own
            reports = [report for report in reports if report.unit_id == unit.pk]
        assert sum(report.is_submitted for report in reports) == submitted.value
        assert sum(not report.is_submitted for report in reports) == waiting.value
        assert sum(report.is_late for report in reports) == late.value
