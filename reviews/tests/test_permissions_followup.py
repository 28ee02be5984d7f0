"""Permission matrix of the follow-up URLs (confirming or returning evidence, resource requests and their
answers, the follow-up report page and PDF): as anonymous and as every role, with the exact status."""

import datetime as dt

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import ActionStatus, ResourceRequest, ResourceRequestStatus
from reviews.tests.factories import signed_review

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff", "top_leader"]
S, H, M, U, OU, ST, T = ROLES[1:]


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    return {"anonymous": 302, **{r: default for r in ROLES[1:]}, **allowed}


READERS = {S: 200, H: 200, T: 200}  # who receives the follow-up report
# (url name, method, target) -> expected status per role. The action belongs to unit_head's (and staff's)
# unit and has been reported done; the resource request is pending.
MATRIX = {
    ("action_confirm", "post", "action"): only({S: 302}),
    ("action_confirm", "get", "action"): only({S: 405}),
    ("action_return_evidence", "post", "action"): only({S: 302}),
    ("action_return_evidence", "get", "action"): only({S: 405}),
    ("resource_request_create", "post", "open_action"): only({U: 302, ST: 302, OU: 404}),
    ("resource_request_create", "get", "open_action"): only({U: 405, ST: 405, OU: 405}),
    ("resource_request_answer", "post", "request"): only({H: 302}),
    ("resource_request_answer", "get", "request"): only({H: 405}),
    ("followup", "get", None): only(READERS),
    ("followup_pdf", "get", None): only(READERS),
    ("followup_review", "get", "review"): only(READERS),
    ("followup_review_pdf", "get", "review"): only(READERS),
}
COVERED_URL_NAMES = {name for name, _method, _target in MATRIX}
POST_DATA = {
    "action_return_evidence": {"note": "Thiếu quyết định ban hành"},
    "resource_request_create": {"description": "01 máy quét tài liệu"},
    "resource_request_answer": {"answer": ResourceRequestStatus.GRANTED, "note": "Đồng ý, Văn phòng mua trong tháng"},
}


@pytest.fixture
def users(role_users, top_leader):
    return {**role_users, T: top_leader}


@pytest.fixture
def targets(users, unit, secretary, committee_head, unit_head, today):
    review, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[("Rà soát quy trình", unit, today + dt.timedelta(days=20)), ("Mua máy quét", unit, today + dt.timedelta(days=30))],
    )
    reported, open_action = minutes.actions.order_by("deadline")
    services.action_complete(action=reported, actor=unit_head, evidence="Quyết định số 12")
    request = services.resource_request_create(action=open_action, actor=unit_head, description="Kinh phí 10 triệu đồng")
    return {"review": review.pk, "action": reported.pk, "open_action": open_action.pk, "request": request.pk, None: None}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "target"), sorted(MATRIX, key=str))
def test_followup_urls_answer_each_role_with_the_expected_status(client, users, targets, role, name, method, target):
    if role != "anonymous":
        client.force_login(users[role])
    pk = targets[target]
    url = reverse(f"reviews:{name}", args=[pk] if pk is not None else [])
    response = client.post(url, POST_DATA.get(name, {})) if method == "post" else client.get(url)
    expected = MATRIX[(name, method, target)][role]
    assert response.status_code == expected
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if expected == 200 and name.endswith("_pdf"):
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    # Only an accepted POST writes.
    accepted = method == "post" and expected == 302 and role != "anonymous"
    if name == "action_confirm":
        from reviews.models import ReviewAction

        status = ReviewAction.objects.get(pk=targets["action"]).status
        assert status == (ActionStatus.DONE if accepted else ActionStatus.REPORTED)
    if name == "resource_request_create":
        assert ResourceRequest.objects.count() == (2 if accepted else 1)
    if name == "resource_request_answer":
        assert ResourceRequest.objects.get(pk=targets["request"]).is_pending is not accepted


@pytest.mark.django_db
def test_the_followup_report_of_another_agencys_review_is_404(client, committee_head, targets, other_organisation):
    from reviews.models import Review

    Review.objects.filter(pk=targets["review"]).update(organisation=other_organisation)
    client.force_login(committee_head)
    assert client.get(reverse("reviews:followup_review", args=[targets["review"]])).status_code == 404
