"""Permission matrix of the PDF downloads: every URL as anonymous and as every role, with the
exact status. Rendering is stubbed: this is about who gets a file, test_pdf.py is about the file."""

import pytest
from django.urls import reverse

from reviews.models import ConsolidatedReportStatus

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]
ALL = dict.fromkeys(ROLES[1:], 200)

# (url name, object of the fixture) -> expected status per role. The review is PREPARING, its units are
# `unit` (VP: unit_head, staff) and `other_unit` (TTBCXB: other_unit_head).
MATRIX = {
    ("notice_pdf", "review"): ALL,
    # A unit's submitted report: the oversight roles and the unit's own people, not another unit.
    ("unit_report_pdf", "submitted"): {**ALL, "other_unit_head": 404},
    # A draft report is the unit's own business, even for the secretary.
    ("unit_report_pdf", "draft"): {**dict.fromkeys(ROLES[1:], 404), "other_unit_head": 200},
    # The consolidated report is the steering committee's (view_consolidatedreport): other roles get 403.
    ("consolidated_pdf", "consolidated"): {**ALL, "unit_head": 403, "other_unit_head": 403, "staff": 403},
    ("minutes_pdf", "signed_04"): ALL,
    # Draft minutes: only the steering committee (secretary, head, members).
    ("minutes_pdf", "draft_ctcl"): {**ALL, "unit_head": 404, "other_unit_head": 404, "staff": 404},
}
COVERED_URL_NAMES = {name for name, _obj in MATRIX}


@pytest.fixture(autouse=True)
def _no_rendering(monkeypatch):
    # The layout (WeasyPrint, in the task qms.pdf_cache runs) is stubbed: these tests are about who gets what.
    monkeypatch.setattr("qms.pdf.html_to_pdf", lambda html: b"%PDF-1.7 stub")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "obj"), sorted(MATRIX))
def test_pdf_downloads_answer_each_role_with_the_expected_status(client, role_users, pdf_review, role, name, obj):
    url = reverse(f"reviews:{name}", args=[getattr(pdf_review, obj).pk])
    if role != "anonymous":
        client.force_login(role_users[role])
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == MATRIX[(name, obj)][role]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COVERED_URL_NAMES))
def test_pdf_downloads_refuse_post(client, secretary, pdf_review, name):
    obj = next(o for n, o in MATRIX if n == name)
    client.force_login(secretary)
    assert client.post(reverse(f"reviews:{name}", args=[getattr(pdf_review, obj).pk])).status_code == 405


@pytest.mark.django_db
def test_the_steering_committee_reads_the_consolidated_report_while_it_is_drafted(client, role_users, pdf_review):
    consolidated = pdf_review.consolidated
    consolidated.status = ConsolidatedReportStatus.DRAFT
    consolidated.save()
    url = reverse("reviews:consolidated_pdf", args=[consolidated.pk])
    expected = {**ALL, "unit_head": 403, "other_unit_head": 403, "staff": 403}
    for role, status in expected.items():
        client.force_login(role_users[role])
        assert client.get(url).status_code == status, role


@pytest.mark.django_db
def test_a_review_still_in_draft_is_the_secretarys_alone(client, role_users, pdf_review):
    review = pdf_review.review
    review.status = "draft"
    review.save()
    url = reverse("reviews:notice_pdf", args=[review.pk])
    for role in ROLES[1:]:
        client.force_login(role_users[role])
        assert client.get(url).status_code == (200 if role == "secretary" else 404), role
