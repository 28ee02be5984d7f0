"""Permission matrix of the URL that opens a ticket BM.CTCL.01 from a decided action: as anonymous
and as every role, GET and POST, with the exact status expected; never a 500."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from corrective_actions.models import Ticket
from reviews.tests.factories import signed_review

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]
S, H = "secretary", "committee_head"


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    return {"anonymous": 302, **{r: default for r in ROLES[1:]}, **allowed}


# (url name, method) -> expected status per role. The action belongs to unit_head's unit; the secretary and
# the committee head follow up every action (no 404 case: they see them all, the others are refused first).
MATRIX = {
    ("action_ticket_open", "post"): only({S: 302, H: 302}),
    ("action_ticket_open", "get"): only({S: 405, H: 405}),
}
COVERED_URL_NAMES = {name for name, _method in MATRIX}


@pytest.fixture
def action(unit, secretary, committee_head, unit_head):
    _review, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[("Rà soát quy trình", unit, timezone.localdate() + dt.timedelta(days=20))],
    )
    return minutes.actions.get()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_part4_urls_answer_each_role_with_the_expected_status(client, role_users, action, role, name, method):
    if role != "anonymous":
        client.force_login(role_users[role])
    url = reverse(f"reviews:{name}", args=[action.pk])
    response = client.post(url) if method == "post" else client.get(url)
    expected = MATRIX[(name, method)][role]
    assert response.status_code == expected
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    # Only an accepted POST opens a ticket.
    assert Ticket.objects.count() == (1 if (method, expected) == ("post", 302) and role != "anonymous" else 0)


@pytest.mark.django_db
def test_a_refused_role_gets_403_whether_or_not_the_action_exists(client, other_unit_head, action):
    # The role check comes first: a unit head never learns whether another unit's action exists.
    client.force_login(other_unit_head)
    assert client.post(reverse("reviews:action_ticket_open", args=[action.pk])).status_code == 403
    assert client.post(reverse("reviews:action_ticket_open", args=[action.pk + 1000])).status_code == 403


@pytest.mark.django_db
def test_an_unknown_action_is_404_for_the_secretary(client, secretary, action):
    client.force_login(secretary)
    assert client.post(reverse("reviews:action_ticket_open", args=[action.pk + 1000])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["-1", "//evil.example", "https://evil.example/x", "javascript:alert(1)", "reviews:list"])
def test_opening_a_ticket_with_a_next_that_is_not_a_local_path_goes_back_to_the_action(client, secretary, action, target):
    client.raise_request_exception = False
    client.force_login(secretary)
    response = client.post(reverse("reviews:action_ticket_open", args=[action.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:action_detail", args=[action.pk])


@pytest.mark.django_db
def test_opening_a_ticket_goes_back_to_the_local_page_it_came_from(client, secretary, action):
    client.force_login(secretary)
    back = reverse("reviews:action_list") + "?page=1"
    response = client.post(reverse("reviews:action_ticket_open", args=[action.pk]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
