"""Every URL of the objectives app, as anonymous and as every role, with the exact expected status."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from objectives.models import PlanStatus
from objectives.tests.conftest import plan_with_objective

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff", "top_leader"]

# (url name, method, which object) -> statuses in ROLES order. The object is a plan of `unit` (the unit
# of unit_head and staff) in the state the action needs; "agency" targets the agency's plan.
_ = None
MATRIX = {
    ("list", "get", _): (302, 200, 200, 200, 200, 200, 200, 200),
    ("plan_create", "get", _): (302, 200, 403, 403, 200, 200, 200, 403),
    ("plan_create", "post", _): (302, 200, 403, 403, 200, 200, 200, 403),  # empty form: re-rendered with errors
    ("plan_detail", "get", "unit_draft"): (302, 200, 200, 200, 200, 404, 200, 200),
    ("plan_detail", "get", "agency_draft"): (302, 200, 200, 200, 404, 404, 404, 200),
    ("plan_detail", "get", "agency_approved"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("objective_create", "get", "unit_draft"): (302, 403, 403, 403, 200, 404, 200, 403),
    ("objective_create", "get", "agency_draft"): (302, 200, 403, 403, 404, 404, 404, 403),
    ("objective_edit", "get", "unit_draft"): (302, 403, 403, 403, 200, 404, 200, 403),
    ("objective_delete", "post", "unit_draft"): (302, 403, 403, 403, 302, 404, 302, 403),
    ("objective_delete", "get", "unit_draft"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("plan_submit", "post", "unit_draft"): (302, 403, 403, 403, 302, 404, 302, 403),
    ("plan_submit", "post", "agency_draft"): (302, 302, 403, 403, 404, 404, 404, 403),
    ("plan_submit", "get", "unit_draft"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("plan_approve", "post", "unit_submitted"): (302, 403, 403, 403, 302, 404, 403, 403),
    ("plan_approve", "post", "agency_submitted"): (302, 403, 403, 403, 404, 404, 404, 302),
    ("plan_approve", "get", "unit_submitted"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("plan_return", "post", "unit_submitted"): (302, 403, 403, 403, 302, 404, 403, 403),
    ("plan_return", "get", "unit_submitted"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("plan_revise", "post", "unit_approved"): (302, 403, 403, 403, 302, 404, 302, 403),
    ("plan_revise", "get", "unit_approved"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("plan_close", "post", "unit_approved"): (302, 403, 403, 403, 302, 404, 403, 403),
    ("plan_close", "get", "unit_approved"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("measurement_create", "get", "unit_approved"): (302, 403, 403, 403, 200, 404, 200, 403),
    ("measurement_create", "get", "agency_approved"): (302, 200, 403, 403, 403, 403, 403, 403),
    ("objective_evaluate", "get", "unit_approved"): (302, 403, 403, 403, 200, 404, 200, 403),
    ("objective_ticket", "post", "unit_approved"): (302, 403, 403, 403, 302, 404, 302, 403),
    ("objective_ticket", "get", "unit_approved"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("measurement_evidence", "get", "unit_approved"): (302, 200, 200, 200, 200, 404, 200, 200),
    ("plan_pdf", "get", "unit_approved"): (302, 200, 200, 200, 200, 404, 200, 200),
    ("plan_excel", "get", "unit_approved"): (302, 200, 200, 200, 200, 404, 200, 200),
    ("plan_pdf", "get", "agency_draft"): (302, 200, 200, 200, 404, 404, 404, 200),
}
COVERED_URL_NAMES = {f"objectives:{name}" for name, _m, _o in MATRIX}
OBJECT_URLS = {"objective_edit", "objective_delete", "measurement_create", "objective_evaluate", "objective_ticket"}


def _target(kind, unit, secretary, staff_user):
    scope, state = kind.split("_")
    plan = plan_with_objective(
        unit=unit if scope == "unit" else None, created_by=staff_user if scope == "unit" else secretary, status=PlanStatus(state)
    )
    return plan


def _url(name, target):
    if name == "measurement_evidence":
        objective = target.objectives.get()
        m = objective.measurements.create(period=1, value=90, measured_on="2026-04-02", recorded_by=target.created_by)
        m.evidence.save("minh-chung.pdf", ContentFile(b"%PDF-1.4 test"))
        return reverse(f"objectives:{name}", args=[m.pk])
    if name in ("plan_pdf", "plan_excel"):
        return reverse(f"objectives:{name}", args=[target.pk, "plan"])
    if name in OBJECT_URLS:
        return reverse(f"objectives:{name}", args=[target.objectives.get().pk])
    return reverse(f"objectives:{name}", args=[target.pk]) if target else reverse(f"objectives:{name}")


@pytest.fixture
def role_users(role_users, top_leader):
    return {**role_users, "top_leader": top_leader}


@pytest.mark.django_db
@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(("name", "method", "kind"), list(MATRIX), ids=[f"{n}-{m}-{k}" for n, m, k in MATRIX])
def test_objectives_urls_answer_each_role_with_the_expected_status(
    client, role_users, unit, secretary, staff_user, role_index, name, method, kind
):
    target = _target(kind, unit, secretary, staff_user) if kind else None
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(role_users[role])
    response = getattr(client, method)(_url(name, target))
    assert response.status_code == MATRIX[(name, method, kind)][role_index]
