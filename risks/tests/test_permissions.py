"""Every URL of the risks app, as anonymous and as every role, with the exact expected status."""

import pytest
from django.urls import reverse

from risks.tests.factories import RiskFactory

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff", "top_leader", "overseer"]

# (url name, method, target) -> statuses in ROLES order. "unit": a row of `unit` (unit_head's and staff's
# unit); "agency": a row of the agency's table; "other_unit": a row of other_unit's table.
_ = None
MATRIX = {
    ("list", "get", _): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("create", "get", _): (302, 200, 403, 403, 200, 200, 403, 403, 403),
    ("create", "post", _): (302, 200, 403, 403, 200, 200, 403, 403, 403),  # empty form: re-rendered with errors
    ("detail", "get", "unit"): (302, 200, 200, 200, 200, 404, 200, 200, 403),
    ("detail", "get", "agency"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("detail", "get", "other_unit"): (302, 200, 200, 200, 404, 200, 404, 200, 403),
    ("edit", "get", "unit"): (302, 403, 403, 403, 200, 404, 403, 403, 403),
    ("edit", "post", "unit"): (302, 403, 403, 403, 200, 404, 403, 403, 403),  # empty form: re-rendered with errors
    ("edit", "get", "agency"): (302, 200, 403, 403, 403, 403, 403, 403, 403),
    ("excel", "get", "unit"): (302, 200, 200, 200, 200, 404, 200, 200, 403),
    ("excel", "get", "agency"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
    ("pdf", "get", "unit"): (302, 200, 200, 200, 200, 404, 200, 200, 403),
    ("pdf", "get", "agency"): (302, 200, 200, 200, 200, 200, 200, 200, 403),
}
COVERED_URL_NAMES = {f"risks:{name}" for name, _m, _t in MATRIX}


@pytest.fixture
def role_users(role_users, top_leader, overseer):
    return {**role_users, "top_leader": top_leader, "overseer": overseer}


def _url(name, target, rows):
    if target is None:
        return reverse(f"risks:{name}")
    row = rows[target]
    if name in ("excel", "pdf"):
        return reverse(f"risks:{name}", args=[str(row.unit_id) if row.unit_id else "agency"])
    return reverse(f"risks:{name}", args=[row.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(("name", "method", "target"), list(MATRIX), ids=[f"{n}-{m}-{t}" for n, m, t in MATRIX])
def test_risks_urls_answer_each_role_with_the_expected_status(
    client, role_users, unit, other_unit, organisation, role_index, name, method, target, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the PDF is laid out at once rather than by a worker
    rows = {
        "unit": RiskFactory(organisation=organisation, unit=unit),
        "agency": RiskFactory(organisation=organisation, unit=None),
        "other_unit": RiskFactory(organisation=organisation, unit=other_unit),
    }
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(role_users[role])
    response = getattr(client, method)(_url(name, target, rows))
    assert response.status_code == MATRIX[(name, method, target)][role_index]
