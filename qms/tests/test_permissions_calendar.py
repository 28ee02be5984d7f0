"""Permission matrix of the calendar subscription: the page and its reset for every signed-in person (each
sees only their own), the feed for whoever holds the secret — and no one else, signed in or not."""

import pytest
from django.urls import reverse

from qms.services import calendar_feed_of

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]

# (url name, method) -> expected status for anonymous, then for every signed-in role
MATRIX = {
    ("calendar_feed", "get"): (302, 200),
    ("calendar_feed_reset", "post"): (302, 302),
    ("calendar_feed_reset", "get"): (302, 405),
}
COVERED_URL_NAMES = {name for name, _method in MATRIX} | {"calendar_feed_ics"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_calendar_pages_answer_each_role_with_the_expected_status(client, role_users, role, name, method):
    if role != "anonymous":
        client.force_login(role_users[role])
    response = getattr(client, method)(reverse(name))
    anonymous, signed_in = MATRIX[(name, method)]
    assert response.status_code == (anonymous if role == "anonymous" else signed_in)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_feed_answers_its_secret_only_whoever_asks(client, role_users, unit_head, role):
    """The secret is the key: anyone (a calendar app, signed in or not) gets the unit head's feed with it;
    a signed-in session adds nothing to a wrong secret."""
    if role != "anonymous":
        client.force_login(role_users[role])
    token = calendar_feed_of(user=unit_head).token
    assert client.get(reverse("calendar_feed_ics", args=[token])).status_code == 200
    assert client.get(reverse("calendar_feed_ics", args=[token[:-1] + ("A" if token[-1] != "A" else "B")])).status_code == 404
