"""Permission matrix of the consolidated report, minutes, signature and actions URLs: every URL
as anonymous and as every role, with the exact status expected; never a 500."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import ActionUpdate
from reviews.tests.factories import preparing_review, ready_minutes, signed_review

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    return {"anonymous": 302, **{r: default for r in ROLES[1:]}, **allowed}


# (url name, method, target) -> expected status per role. Targets: review (preparing, with a draft report
# and draft minutes), signed_review, draft_minutes, signed_minutes, action (of unit_head's unit), update.
MATRIX = {
    ("consolidated_detail", "get", "review"): only({"secretary": 200, "committee_head": 200, "committee_member": 200}),
    ("consolidated_edit", "get", "review"): only({"secretary": 200}),
    ("consolidated_edit", "post", "review"): only({"secretary": 200}),  # invalid form: re-rendered with its errors
    ("consolidated_generate", "post", "review"): only({"secretary": 302}),
    ("consolidated_generate", "get", "review"): only({"secretary": 405}),
    ("consolidated_rebuild", "post", "review"): only({"secretary": 302}),
    ("consolidated_rebuild", "get", "review"): only({"secretary": 405}),
    ("consolidated_finalise", "post", "review"): only({"secretary": 302}),
    ("consolidated_finalise", "get", "review"): only({"secretary": 405}),
    ("minutes_create", "post", "review"): only({"secretary": 302}),
    ("minutes_create", "get", "review"): only({"secretary": 405}),
    ("review_close", "post", "signed_review"): only({"secretary": 302}),
    ("review_close", "get", "signed_review"): only({"secretary": 405}),
    ("minutes_detail", "get", "signed_minutes"): only(
        {"secretary": 200, "committee_head": 200, "committee_member": 200, "unit_head": 200, "staff": 200, "other_unit_head": 404}
    ),
    ("minutes_detail", "get", "draft_minutes"): only(
        {"secretary": 200, "committee_head": 200, "committee_member": 200, "unit_head": 404, "staff": 404, "other_unit_head": 404}
    ),
    ("minutes_edit", "get", "draft_minutes"): only({"secretary": 200}),
    ("minutes_edit", "post", "draft_minutes"): only({"secretary": 200}),
    ("minutes_sign", "get", "draft_minutes"): only({"committee_head": 200}),
    ("minutes_sign", "post", "draft_minutes"): only({"committee_head": 200}),  # wrong password: form re-rendered
    ("minutes_revise", "get", "signed_minutes"): only({"secretary": 200}),
    ("minutes_revise", "post", "signed_minutes"): only({"secretary": 200}),  # no reason given
    # Staff of the responsible unit see its actions and report progress (QT.HT.06 5.3); completing is the head's.
    ("action_list", "get", None): only(
        {"secretary": 200, "committee_head": 200, "committee_member": 200, "unit_head": 200, "other_unit_head": 200, "staff": 200}
    ),
    ("action_detail", "get", "action"): only(
        {"secretary": 200, "committee_head": 200, "committee_member": 200, "unit_head": 200, "other_unit_head": 404, "staff": 200}
    ),
    ("action_progress", "post", "action"): only({"unit_head": 302, "other_unit_head": 404, "staff": 302}),
    ("action_progress", "get", "action"): only(
        {"unit_head": 405, "secretary": 405, "committee_head": 405, "committee_member": 405, "other_unit_head": 405, "staff": 405}
    ),
    ("action_complete", "post", "action"): only({"unit_head": 302, "other_unit_head": 404}),
    ("action_complete", "get", "action"): only(
        {"unit_head": 405, "secretary": 405, "committee_head": 405, "committee_member": 405, "other_unit_head": 405, "staff": 405}
    ),
    ("action_reopen", "post", "action"): only({"secretary": 302}),
    ("action_reopen", "get", "action"): only({"secretary": 405}),
    ("action_cancel", "post", "action"): only({"secretary": 302}),
    ("action_cancel", "get", "action"): only({"secretary": 405}),
    ("action_evidence", "get", "update"): only(
        {"secretary": 200, "committee_head": 200, "committee_member": 200, "unit_head": 200, "other_unit_head": 404, "staff": 200}
    ),
}
COVERED_URL_NAMES = {name for name, _method, _target in MATRIX}
POST_DATA = {
    "action_progress": {"note": "Đã làm một nửa", "progress": 50},
    "action_complete": {"evidence": "Văn bản ban hành"},
    "action_reopen": {"note": "Mở lại"},
    "action_cancel": {"note": "Hủy"},
    "minutes_sign": {"password": "sai"},
}


@pytest.fixture
def targets(role_users, unit, secretary, committee_head, unit_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head, unit_head])
    services.consolidated_report_generate(review=review, actor=secretary)
    draft = ready_minutes(review=review, secretary=secretary, chair=committee_head)
    due = timezone.localdate() + dt.timedelta(days=20)
    signed, minutes = signed_review(
        units=[unit],
        secretary=secretary,
        committee_head=committee_head,
        attendees=[secretary, committee_head, unit_head],
        actions=[("Rà soát quy trình", unit, due)],
    )
    action = minutes.actions.get()
    update = ActionUpdate.objects.create(
        action=action, author=unit_head, note="Bằng chứng", progress=10, evidence_file=SimpleUploadedFile("bang-chung.pdf", b"%PDF-1.7 x")
    )
    return {
        "review": review.pk,
        "signed_review": signed.pk,
        "draft_minutes": draft.pk,
        "signed_minutes": minutes.pk,
        "action": action.pk,
        "update": update.pk,
        None: None,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "target"), sorted(MATRIX, key=str))
def test_part2_urls_answer_each_role_with_the_expected_status(client, role_users, targets, role, name, method, target):
    if role != "anonymous":
        client.force_login(role_users[role])
    pk = targets[target]
    url = reverse(f"reviews:{name}", args=[pk] if pk is not None else [])
    response = client.post(url, POST_DATA.get(name, {})) if method == "post" else client.get(url)
    assert response.status_code == MATRIX[(name, method, target)][role]
