"""The management review's figures in the provincial overview: counted per agency from known data, in
a number of queries that does not grow with the agencies, each drilling down to that agency's finished
records for the overseer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qms.overview import figures, overview_rows
from qms.tests.factories import OrganisationFactory, UnitFactory, UserFactory
from reviews.models import ActionStatus, Minutes, MinutesStatus, Review, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus
from reviews.overview import FIGURES, review_figures
from reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

KEYS = ["reviews_periodic", "reviews_extraordinary", "late_reports", "overdue_actions"]


def _author(organisation):
    return UserFactory(unit=UnitFactory(organisation=organisation))


def _review(organisation, *, status=ReviewStatus.SIGNED, kind=Review.Kind.PERIODIC, year=None, title=None) -> Review:
    extra = {"title": title} if title else {}
    return ReviewFactory(
        created_by=_author(organisation), status=status, kind=kind, year=year or timezone.localdate().year, units=[], **extra
    )


def _report(review: Review, *, status=UnitReportStatus.SUBMITTED, late=False) -> UnitReport:
    return UnitReport.objects.create(review=review, unit=UnitFactory(organisation=review.organisation), status=status, is_late=late)


def _action(review: Review, *, deadline: dt.date, status=ActionStatus.OPEN, minutes_status=MinutesStatus.SIGNED) -> ReviewAction:
    minutes = review.minutes.filter(status=minutes_status).first() or Minutes.objects.create(
        review=review, form_code="BM.HT.06.04", status=minutes_status, revision=review.minutes.count() + 1
    )
    unit = UnitFactory(organisation=review.organisation)
    return ReviewAction.objects.create(
        review=review, minutes=minutes, description="Hành động", responsible_unit=unit, deadline=deadline, status=status
    )


def known_data(a, b) -> None:
    today = timezone.localdate()
    past, future = today - dt.timedelta(days=3), today + dt.timedelta(days=10)
    # A: two periodic reviews held this year (one closed since), one extraordinary; none of the others count.
    held = _review(a, title="Họp định kỳ A đã ký")
    _review(a, status=ReviewStatus.CLOSED, title="Họp định kỳ A đã hoàn thành")
    _review(a, kind=Review.Kind.EXTRAORDINARY, title="Họp đột xuất A")
    _review(a, status=ReviewStatus.PREPARING, title="Họp A đang chuẩn bị")
    _review(a, status=ReviewStatus.DRAFT, title="Dự thảo A")
    last_year = _review(a, year=today.year - 1, title="Họp A năm trước")
    # Late reports of A's reviews this year: one submitted late, one never submitted with the deadline gone.
    _report(held, late=True)
    _report(held)  # on time
    Review.objects.filter(pk=held.pk).update(report_deadline=past)
    held.refresh_from_db()
    _report(held, status=UnitReportStatus.RETURNED)  # not submitted, deadline passed
    collecting = _review(a, status=ReviewStatus.COLLECTING, title="Họp A đang thu báo cáo")
    _report(collecting, status=UnitReportStatus.DRAFT)  # deadline ahead: not late
    _report(last_year, late=True)  # another year
    # Overdue decided actions of A's reviews this year: two; neither done, future, draft minutes nor last year's.
    _action(held, deadline=past)
    _action(held, deadline=past, status=ActionStatus.IN_PROGRESS)
    _action(held, deadline=past, status=ActionStatus.DONE)
    _action(held, deadline=future)
    _action(last_year, deadline=past)
    # B: one extraordinary review held, with one late report.
    b_held = _review(b, kind=Review.Kind.EXTRAORDINARY, title="Họp đột xuất B")
    _report(b_held, late=True)


def test_the_figures_count_the_known_data_of_each_agency(organisation, other_organisation):
    known_data(organisation, other_organisation)
    counts = review_figures([organisation, other_organisation], timezone.localdate().year)
    assert counts[organisation.pk] == {"reviews_periodic": 2, "reviews_extraordinary": 1, "late_reports": 2, "overdue_actions": 2}
    assert counts[other_organisation.pk] == {"reviews_periodic": 0, "reviews_extraordinary": 1, "late_reports": 1}
    rows = {
        row.organisation.pk: {fig.key: n for fig, n, _url in row.cells}
        for row in overview_rows([other_organisation], timezone.localdate().year)
    }
    assert {k: rows[other_organisation.pk][k] for k in KEYS} == {
        "reviews_periodic": 0,
        "reviews_extraordinary": 1,
        "late_reports": 1,
        "overdue_actions": 0,
    }
    assert set(KEYS) <= {fig.key for fig in figures()}  # registered in ReviewsConfig.ready()


def test_the_figures_take_the_same_number_of_queries_for_two_agencies_as_for_six():
    agencies = [OrganisationFactory() for _ in range(6)]
    for organisation in agencies:
        known_data(organisation, agencies[0])
    year = timezone.localdate().year
    with CaptureQueriesContext(connection) as two:
        review_figures(agencies[:2], year)
    with CaptureQueriesContext(connection) as six:
        counts = review_figures(agencies, year)
    assert len(two.captured_queries) == len(six.captured_queries) <= 3
    assert counts[agencies[5].pk]["reviews_periodic"] == 2


def test_each_figure_drills_down_to_that_agencys_finished_records_for_the_overseer(client, overseer, organisation, other_organisation):
    known_data(organisation, other_organisation)
    year = timezone.localdate().year
    client.force_login(overseer)
    links = {figure.key: figure.link(organisation, year) for figure in FIGURES}

    periodic = client.get(links["reviews_periodic"])
    assert periodic.status_code == 200
    assert sorted(r.title for r in periodic.context["page"].object_list) == ["Họp định kỳ A đã hoàn thành", "Họp định kỳ A đã ký"]
    extraordinary = client.get(links["reviews_extraordinary"])
    assert [r.title for r in extraordinary.context["page"].object_list] == ["Họp đột xuất A"]
    late = client.get(links["late_reports"])
    assert [r.title for r in late.context["page"].object_list] == ["Họp định kỳ A đã ký"]  # the finished one of the two
    overdue = client.get(links["overdue_actions"])
    actions = list(overdue.context["page"].object_list)
    assert len(actions) == 2 and {a.review.title for a in actions} == {"Họp định kỳ A đã ký"}
    for response in (periodic, extraordinary, late):
        body = response.content.decode()
        for hidden in ("Dự thảo A", "Họp A đang chuẩn bị", "Họp A đang thu báo cáo", "Họp đột xuất B"):
            assert hidden not in body


def test_an_agencys_user_following_a_drill_down_link_of_another_agency_gets_an_empty_list(
    client, secretary, organisation, other_organisation
):
    known_data(organisation, other_organisation)
    client.force_login(secretary)
    year = timezone.localdate().year
    for figure in FIGURES:
        response = client.get(figure.link(other_organisation, year))
        assert response.status_code == 200 and not list(response.context["page"].object_list), figure.key
