"""Permission matrix of the dashboards: the agency-wide one for the ISO secretary, the steering-committee
head and the top leader; the unit view for unit heads; nobody else (the overseer has the provincial
overview instead)."""

import pytest
from django.urls import reverse

ROLES = [
    "anonymous",
    "secretary",
    "committee_head",
    "top_leader",
    "committee_member",
    "unit_head",
    "other_unit_head",
    "focal_point",
    "staff_user",
    "overseer",
]
#                               anon  secr committee top  member unit other focal staff overseer
MATRIX = {
    ("dashboard", "get"): (302, 200, 200, 200, 403, 403, 403, 403, 403, 403),
    ("dashboard_unit", "get"): (302, 403, 403, 403, 403, 200, 200, 403, 403, 403),
    ("dashboard", "post"): (302, 405, 405, 405, 405, 405, 405, 405, 405, 405),  # read-only pages
    ("dashboard_unit", "post"): (302, 405, 405, 405, 405, 405, 405, 405, 405, 405),
}
COVERED_URL_NAMES = {name for name, _method in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), sorted(MATRIX))
def test_the_dashboards_answer_each_role_with_the_expected_status(client, request, role, name, method):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    response = getattr(client, method)(reverse(name))
    assert response.status_code == MATRIX[(name, method)][ROLES.index(role)]
