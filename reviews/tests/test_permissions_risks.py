"""Permission matrix of the page where a decided action opens or updates a row of a risk table: as anonymous
and as every role, GET and POST, with the exact status expected."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.tests.factories import signed_review
from risks.models import Risk

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]

# The action is given to unit_head's unit. The secretary keeps the agency's table, the unit head the unit's;
# the others read the action (or not: another unit's head gets 404 as the action is not theirs to read).
MATRIX = {
    ("action_risk", "get"): (302, 200, 403, 403, 200, 404, 403),
    ("action_risk", "post"): (302, 302, 403, 403, 302, 404, 403),
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
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_the_action_risk_url_answers_each_role_with_the_expected_status(client, role_users, action, role_index, name, method):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(role_users[role])
    url = reverse(f"reviews:{name}", args=[action.pk])
    # The secretary's first table is the agency's, the unit head's the unit's (the form's default).
    scope = "agency" if role == "secretary" else str(action.responsible_unit_id)
    data = {"scope": scope, "kind": "risk", "process": "P", "description": "D", "frequency": "rare", "impact": "minor", "response": "R"}
    response = client.post(url, data) if method == "post" else client.get(url)
    expected = MATRIX[(name, method)][role_index]
    assert response.status_code == expected
    assert Risk.objects.count() == (1 if (method, expected) == ("post", 302) and role != "anonymous" else 0)
