"""The unit head's home lists every open action of the unit with its deadline, and "Hành động" is in the menu
(issue 16)."""

import datetime as dt

from django.urls import reverse

from qms.dates import format_date
from reviews.tests.factories import signed_review


def test_a_unit_heads_new_action_due_in_four_weeks_is_on_their_home_page(
    client, unit, other_unit, unit_head, secretary, committee_head, today
):
    due = today + dt.timedelta(weeks=4)
    signed_review(
        units=[unit, other_unit],
        secretary=secretary,
        committee_head=committee_head,
        actions=[("Rà soát quy trình tiếp nhận hồ sơ", unit, due), ("Cập nhật danh mục tài liệu", other_unit, due)],
    )
    client.force_login(unit_head)
    body = client.get(reverse("home")).content.decode()
    assert "Hành động sau họp xem xét của đơn vị" in body
    assert "Rà soát quy trình tiếp nhận hồ sơ" in body and f"Hạn {format_date(due)}" in body
    assert "Cập nhật danh mục tài liệu" not in body  # another unit's


def test_the_menu_leads_straight_to_the_review_actions(client, unit_head):
    client.force_login(unit_head)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("reviews:action_list")}" data-testid="nav-review-actions">Hành động</a>' in body
