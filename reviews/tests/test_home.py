"""The home page shows each role what waits for it, at a cost that does not grow with the records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from corrective_actions.tests.factories import TicketFactory
from reviews.models import ReviewStatus
from reviews.tests.factories import ReviewFactory, collecting_review

pytestmark = pytest.mark.django_db


def _queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    client.get("/")  # the first request after sign-in also loads the session's user
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("role", ["secretary", "committee_head", "unit_head", "staff"])
def test_the_home_page_costs_the_same_queries_with_1_and_20_records_of_each_kind(client, role_users, unit, other_unit, role):
    user = role_users[role]

    def grow(n: int) -> None:
        for _ in range(n):
            collecting_review(units=[unit, other_unit], attendees=[user])
            ReviewFactory(status=ReviewStatus.PENDING_APPROVAL, units=[unit])
            TicketFactory(requesting_unit=unit, requester=role_users["staff"], assignee=role_users["unit_head"])

    grow(1)
    few, _page = _queries(client, user)
    grow(19)
    many, page = _queries(client, user)
    assert few == many


def test_the_secretary_sees_reviews_under_way_and_the_units_that_have_not_reported(client, secretary, unit, other_unit):
    review = collecting_review(units=[unit, other_unit])
    _count, page = _queries(client, secretary)
    assert review.title in page
    assert "thiếu 2 báo cáo" in page


def test_a_unit_head_sees_the_report_to_submit_and_the_committee_head_the_plan_to_approve(client, unit_head, committee_head, unit):
    collecting = collecting_review(units=[unit])
    pending = ReviewFactory(status=ReviewStatus.PENDING_APPROVAL, units=[unit], title="Kế hoạch họp xem xét đột xuất tháng 12")
    _count, page = _queries(client, unit_head)
    assert "Báo cáo HTQLCL đơn vị cần nộp" in page and collecting.title in page
    assert pending.title not in page
    _count, page = _queries(client, committee_head)
    assert "Kế hoạch họp xem xét chờ phê duyệt" in page and pending.title in page
