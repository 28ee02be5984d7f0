"""Permission matrix of the Word downloads: the same answers as their PDFs (test_permissions_pdfs.py)."""

import pytest
from django.urls import reverse

ROLES = ["anonymous", "secretary", "committee_head", "committee_member", "unit_head", "other_unit_head", "staff"]
ALL = dict.fromkeys(ROLES[1:], 200)

MATRIX = {
    ("notice_docx", "review"): ALL,
    ("minutes_docx", "signed_04"): ALL,
    # Draft minutes: only the steering committee (secretary, head, members).
    ("minutes_docx", "draft_ctcl"): {**ALL, "unit_head": 404, "other_unit_head": 404, "staff": 404},
}
COVERED_URL_NAMES = {name for name, _obj in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "obj"), sorted(MATRIX))
def test_word_downloads_answer_each_role_with_the_expected_status(client, role_users, pdf_review, role, name, obj):
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
def test_word_downloads_refuse_post(client, secretary, pdf_review, name):
    obj = next(o for n, o in MATRIX if n == name)
    client.force_login(secretary)
    assert client.post(reverse(f"reviews:{name}", args=[getattr(pdf_review, obj).pk])).status_code == 405


@pytest.mark.django_db
def test_another_agencys_people_get_a_404(client, other_organisation, pdf_review):
    from qms.roles import Role
    from qms.tests.factories import UserFactory

    stranger = UserFactory(organisation=other_organisation, unit=None, roles=[Role.SECRETARY])
    client.force_login(stranger)
    assert client.get(reverse("reviews:notice_docx", args=[pdf_review.review.pk])).status_code == 404
    assert client.get(reverse("reviews:minutes_docx", args=[pdf_review.signed_04.pk])).status_code == 404
