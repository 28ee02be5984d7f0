"""Every URL of the app, as anonymous and as each role, with the exact status (never 500).
The ticket is OPEN in `unit`, opened by the staff member; other_unit_head cannot see it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from corrective_actions import services

COVERED_URL_NAMES = [
    "corrective_actions:list",
    "corrective_actions:export",
    "corrective_actions:my_work",
    "corrective_actions:create",
    "corrective_actions:present_batch",
    "corrective_actions:detail",
    "corrective_actions:docx",
    "corrective_actions:pdf",
    "corrective_actions:attachment_upload",
    "corrective_actions:action",
    "corrective_actions:attachment_download",
]
ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]
ALL_200 = {r: 200 for r in ROLES[1:]}
SEEN = {**ALL_200, "other_unit_head": 404}


def only(ok_roles: dict[str, int]) -> dict[str, int]:
    """Those roles get their status; every other role 403, and other_unit_head 404 (outside its scope)."""
    return {r: ok_roles.get(r, 404 if r == "other_unit_head" else 403) for r in ROLES[1:]}


# (url name, kwargs kind, action) -> {GET: {role: status}, POST: {role: status}}
CASES = {
    ("list", None): {"GET": ALL_200, "POST": {r: 405 for r in ROLES[1:]}},
    ("export", None): {"GET": {**ALL_200, "staff": 403}, "POST": {r: 405 for r in ROLES[1:]}},
    ("my_work", None): {"GET": ALL_200, "POST": {r: 405 for r in ROLES[1:]}},
    ("create", None): {"GET": ALL_200, "POST": ALL_200},
    # 5.3: only the ISO secretary consolidates and presents (the empty post is a form asking for tickets)
    ("present_batch", None): {
        "GET": {**{r: 403 for r in ROLES[1:]}, "secretary": 200},
        "POST": {**{r: 403 for r in ROLES[1:]}, "secretary": 200},
    },
    ("detail", None): {"GET": SEEN, "POST": {r: 405 for r in ROLES[1:]}},
    ("pdf", None): {"GET": SEEN, "POST": {r: 405 for r in ROLES[1:]}},
    ("docx", None): {"GET": SEEN, "POST": {r: 405 for r in ROLES[1:]}},
    ("attachment_download", None): {"GET": SEEN, "POST": {r: 405 for r in ROLES[1:]}},
    ("attachment_upload", None): {
        "GET": {r: 405 for r in ROLES[1:]},
        "POST": only({"secretary": 200, "committee_head": 200, "unit_head": 200, "staff": 200}),
    },
    ("action", "correct"): {"POST": only({"unit_head": 200})},
    ("action", "handle"): {"POST": only({})},
    ("action", "confirm_handling"): {"POST": only({})},
    ("action", "return_handling"): {"POST": only({})},
    ("action", "submit"): {"POST": only({"unit_head": 200})},
    ("action", "present"): {"POST": only({"secretary": 200})},
    ("action", "assign"): {"POST": only({"committee_head": 200})},
    ("action", "propose"): {"POST": only({})},
    ("action", "approve"): {"POST": only({"committee_head": 200})},
    ("action", "return"): {"POST": only({"committee_head": 200})},
    ("action", "progress"): {"POST": only({})},
    ("action", "change_request"): {"POST": only({})},
    ("action", "change_decide"): {"POST": only({"committee_head": 200})},
    ("action", "report"): {"POST": only({})},
    ("action", "verify"): {"POST": only({"committee_head": 200})},
    ("action", "close"): {"POST": only({"secretary": 200, "committee_head": 200})},
    ("action", "delegate"): {"POST": only({"committee_head": 302})},
    ("action", "no-such-action"): {"POST": {r: 404 for r in ROLES[1:]}},
}
for (name, _action), methods in CASES.items():
    if name == "action":
        methods["GET"] = {r: 405 for r in ROLES[1:]}


def _url(name, action, ticket, attachment):
    if name == "action":
        return reverse("corrective_actions:action", args=[ticket.pk, action])
    if name == "attachment_download":
        return reverse("corrective_actions:attachment_download", args=[attachment.pk])
    if name in {"detail", "pdf", "docx", "attachment_upload"}:
        return reverse(f"corrective_actions:{name}", args=[ticket.pk])
    return reverse(f"corrective_actions:{name}")


PARAMS = [(name, action, method, role) for (name, action), methods in CASES.items() for method in ("GET", "POST") for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("name, action, method, role", PARAMS)
def test_every_url_answers_each_role_with_the_expected_status(client, drive, role_users, staff_user, name, action, method, role):
    ticket = drive("open")
    attachment = services.attachment_add(actor=staff_user, ticket=ticket, box="1", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    if role != "anonymous":
        client.force_login(role_users[role])
    url = _url(name, action, ticket, attachment)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = 302 if role == "anonymous" else CASES[(name, action)][method][role]
    assert response.status_code == expected
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


def test_every_url_name_of_the_app_is_covered():
    from django.urls import get_resolver

    names = {f"corrective_actions:{n}" for n in get_resolver().namespace_dict["corrective_actions"][1].reverse_dict if isinstance(n, str)}
    assert names == set(COVERED_URL_NAMES)
