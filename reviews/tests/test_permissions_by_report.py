"""Permission matrix of the review by report's URLs (QT.CTCL 5.8.2): every URL as anonymous and as every
role, on the review in the state the URL acts in, with the exact status expected; never a 500."""

import pytest
from django.urls import reverse

from reviews.services import by_report as services
from reviews.tests.by_report_data import approved, approved_notice, drafted, drafted_notice, submitted

ROLES = ["anonymous", "secretary", "committee_head", "top_leader", "committee_member", "unit_head", "other_unit_head", "staff"]
READERS = dict.fromkeys(ROLES[1:], 200)


def only(allowed: dict[str, int], default: int = 403) -> dict[str, int]:
    return {"anonymous": 302, **{r: default for r in ROLES[1:]}, **allowed}


# Who reads the report page by the review's state: the secretary from the draft, the Lãnh đạo Ban ISO and the top
# leader once submitted, the members once approved (they comment), the units once the result notice is sent.
MATRIX = {
    ("by_report_create", "get", None): only({"secretary": 200}),
    ("by_report_create", "post", None): only({"secretary": 200}),  # nothing filled: the form again with its errors
    ("by_report", "get", "draft"): only({"secretary": 200}, default=404),
    ("by_report", "get", "pending"): only({"secretary": 200, "committee_head": 200, "top_leader": 200}, default=404),
    ("by_report", "get", "approved"): only(
        {"secretary": 200, "committee_head": 200, "top_leader": 200, "committee_member": 200}, default=404
    ),
    ("by_report", "get", "held"): {"anonymous": 302, **READERS},
    ("by_report_edit", "get", "draft"): only({"secretary": 200}),
    ("by_report_edit", "post", "draft"): only({"secretary": 200}),
    ("by_report_submit", "post", "draft"): only({"secretary": 302}),
    ("by_report_submit", "get", "draft"): only({"secretary": 405}),
    ("by_report_approve", "post", "pending"): only({"committee_head": 302}),
    ("by_report_approve", "get", "pending"): only({"committee_head": 405}),
    ("by_report_return", "post", "pending"): only({"committee_head": 302}),
    ("by_report_return", "get", "pending"): only({"committee_head": 405}),
    ("by_report_comment", "post", "approved"): only({"top_leader": 302, "committee_member": 302}),
    ("by_report_comment", "get", "approved"): only({"top_leader": 405, "committee_member": 405}),
    ("by_report_pdf", "get", "held"): {"anonymous": 302, **READERS},
    ("by_report_pdf", "get", "draft"): only({"secretary": 200}, default=404),
    ("result_notice_create", "post", "approved"): only({"secretary": 302}),
    ("result_notice_create", "get", "approved"): only({"secretary": 405}),
    # A notice in the making: the secretary, the Lãnh đạo Ban ISO and the top leader; the members read the report only.
    ("result_notice", "get", "notice_draft"): only({"secretary": 200, "committee_head": 200, "top_leader": 200}, default=404),
    ("result_notice", "get", "held"): {"anonymous": 302, **READERS},
    ("result_notice_edit", "get", "notice_draft"): only({"secretary": 200}),
    ("result_notice_edit", "post", "notice_draft"): only({"secretary": 200}),
    ("result_notice_submit", "post", "notice_draft"): only({"secretary": 302}),
    ("result_notice_submit", "get", "notice_draft"): only({"secretary": 405}),
    ("result_notice_forward", "post", "notice_submitted"): only({"committee_head": 302}),
    ("result_notice_forward", "get", "notice_submitted"): only({"committee_head": 405}),
    # Returning is the head's while the notice is with them (the table names who): others who read it get 403.
    ("result_notice_return", "post", "notice_submitted"): only(
        {
            "committee_head": 302,
            "secretary": 403,
            "top_leader": 403,
            "committee_member": 404,
            "unit_head": 404,
            "other_unit_head": 404,
            "staff": 404,
        }
    ),
    ("result_notice_return", "get", "notice_submitted"): only(dict.fromkeys(ROLES[1:], 405)),
    ("result_notice_approve", "post", "notice_forwarded"): only({"top_leader": 302}),
    ("result_notice_approve", "get", "notice_forwarded"): only({"top_leader": 405}),
    ("result_notice_pdf", "get", "held"): {"anonymous": 302, **READERS},
    ("result_notice_pdf", "get", "notice_draft"): only({"secretary": 200, "committee_head": 200, "top_leader": 200}, default=404),
}
COVERED_URL_NAMES = {name for name, _method, _target in MATRIX}
POST_DATA = {
    "by_report_return": {"comment": "Bổ sung"},
    "by_report_comment": {"text": "Nhất trí"},
    "by_report_approve": {"working_days": 5},
    "result_notice_return": {"comment": "Bổ sung"},
}


@pytest.fixture(autouse=True)
def _no_rendering(monkeypatch):
    # The layout is stubbed: these tests are about who gets what (test_by_report_pdf.py is about the files).
    monkeypatch.setattr("qms.pdf.html_to_pdf", lambda html: b"%PDF-1.7 stub")


@pytest.fixture
def targets(secretary, committee_head, top_leader, committee_member, unit):
    held, _notice = approved_notice(secretary, committee_head, top_leader, unit, title="Đã có thông báo")
    notice_draft = approved(secretary, committee_head, title="Thông báo dự thảo")
    drafted_notice(notice_draft, secretary, unit)
    notice_submitted = approved(secretary, committee_head, title="Thông báo đã trình")
    services.result_notice_submit(notice=drafted_notice(notice_submitted, secretary, unit), actor=secretary)
    notice_forwarded = approved(secretary, committee_head, title="Thông báo chờ phê duyệt")
    notice = drafted_notice(notice_forwarded, secretary, unit)
    services.result_notice_submit(notice=notice, actor=secretary)
    services.result_notice_forward(notice=notice, actor=committee_head)
    return {
        "draft": drafted(secretary, title="Dự thảo").pk,
        "pending": submitted(secretary, title="Đã trình").pk,
        "approved": approved(secretary, committee_head, title="Đang lấy ý kiến").pk,
        "notice_draft": notice_draft.pk,
        "notice_submitted": notice_submitted.pk,
        "notice_forwarded": notice_forwarded.pk,
        "held": held.pk,
        None: None,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "target"), sorted(MATRIX, key=str))
def test_by_report_urls_answer_each_role_with_the_expected_status(client, role_users, top_leader, targets, name, method, target):
    """Each role in turn on one arrangement; the role whose request writes (302 on a POST) goes last, so the
    others meet the state the row names."""
    users = {**role_users, "top_leader": top_leader}
    expected = MATRIX[(name, method, target)]
    pk = targets[target]
    url = reverse(f"reviews:{name}", args=[pk] if pk is not None else [])
    answers = {}
    for role in sorted(ROLES, key=lambda r: method == "post" and expected[r] == 302):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.post(url, POST_DATA.get(name, {})) if method == "post" else client.get(url)
        answers[role] = response.status_code
    assert answers == expected
