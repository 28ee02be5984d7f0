"""QT.CTCL 5.9 (issue 11): the objectives drafting page shows, beside last year's results, the management
review's conclusions that concern the unit (registered by reviews with qms.context; objectives never
imports reviews)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from objectives.tests.conftest import plan_with_objective
from reviews.models import Minutes, ReviewAction
from reviews.tests.factories import local_datetime, signed_review

pytestmark = pytest.mark.django_db

SIGNED_2026 = timezone.make_aware(dt.datetime(2026, 6, 15, 10))


@pytest.fixture
def signed_2026(unit, other_unit, secretary, committee_head):
    today = timezone.localdate()
    review, minutes = signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        meeting_start=local_datetime(today - dt.timedelta(days=30)),
        actions=[
            ("Rà soát quy trình kiểm soát hồ sơ", unit, today + dt.timedelta(days=30)),
            ("Đào tạo ISO cho cán bộ mới", other_unit, today + dt.timedelta(days=40)),
        ],
    )
    Minutes.objects.filter(pk=minutes.pk).update(signed_at=SIGNED_2026)
    return review, minutes


def _sections(page: str) -> str:
    return page[page.index('data-testid="drafting-source"') :] if 'data-testid="drafting-source"' in page else ""


def test_the_drafting_page_shows_the_years_review_conclusions_that_concern_the_unit_only(client, signed_2026, unit, staff_user):
    draft = plan_with_objective(unit=unit, created_by=staff_user, year=2027)
    client.force_login(staff_user)
    section = _sections(client.get(draft.get_absolute_url()).content.decode())
    assert "Rà soát quy trình kiểm soát hồ sơ" in section
    assert "Đào tạo ISO cho cán bộ mới" not in section


def test_the_agencys_drafting_page_shows_every_conclusion_of_the_year(client, signed_2026, secretary):
    draft = plan_with_objective(unit=None, created_by=secretary, year=2027)
    client.force_login(secretary)
    section = _sections(client.get(draft.get_absolute_url()).content.decode())
    assert "Rà soát quy trình kiểm soát hồ sơ" in section and "Đào tạo ISO cho cán bộ mới" in section


def test_conclusions_of_reviews_signed_in_another_year_are_not_shown(client, signed_2026, unit, staff_user):
    draft = plan_with_objective(unit=unit, created_by=staff_user, year=2029)
    client.force_login(staff_user)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'data-testid="drafting-source"' in page and "Rà soát quy trình kiểm soát hồ sơ" not in page


def test_the_drafting_page_issues_the_same_queries_for_one_and_many_conclusions(client, signed_2026, unit, staff_user):
    review, minutes = signed_2026
    draft = plan_with_objective(unit=unit, created_by=staff_user, year=2027)
    client.force_login(staff_user)
    url = draft.get_absolute_url()
    client.get(url)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        return len(queries), _sections(page).count("Kết luận thêm")

    few, few_items = count()
    for n in range(5):
        ReviewAction.objects.create(
            review=review, minutes=minutes, description=f"Kết luận thêm {n}", responsible_unit=unit, deadline=dt.date(2027, 3, 1)
        )
    many, many_items = count()
    assert (few_items, many_items) == (0, 5) and many == few, (few, many)
