"""Issue 13: text typed in NFD is stored in NFC; list searches ignore case and Vietnamese diacritics (on
SQLite through the QMS_FOLD function, on PostgreSQL through unaccent); upload quotas; the objective's
version cannot be left out."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from qms.middleware import NormaliseInputMiddleware
from qms.search import fold, text_search
from qms.uploads import validate_uploads

NFC_TEXT = "Tuyết Đặng Nguyễn – hồ sơ"
NFD_TEXT = unicodedata.normalize("NFD", NFC_TEXT)


def test_posted_text_in_nfd_reaches_the_view_in_nfc_but_a_password_is_left_as_typed():
    seen = {}

    def view(request):
        seen.update(request.POST.lists())
        return None

    request = RequestFactory().post("/", {"description": NFD_TEXT, "tags": [NFD_TEXT, "x"], "password": NFD_TEXT})
    NormaliseInputMiddleware(view)(request)
    assert NFD_TEXT != NFC_TEXT
    assert seen["description"] == [NFC_TEXT] and seen["tags"] == [NFC_TEXT, "x"]
    assert seen["password"] == [NFD_TEXT]


@pytest.mark.django_db
def test_text_posted_in_nfd_to_a_real_form_comes_back_in_nfc(client):
    response = client.post(reverse("login"), {"username": NFD_TEXT, "password": "sai"})
    text = response.content.decode()
    assert NFC_TEXT in text and NFD_TEXT not in text


def test_fold_drops_case_and_diacritics_and_turns_d_stroke_into_d():
    assert fold("Tuyết ĐẶNG Ước") == "tuyet dang uoc"
    assert fold(NFD_TEXT) == fold(NFC_TEXT)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["tuyet", "TUYẾT", "dang", "Đặng", "nguyen", "NGUYỄN"])
def test_the_review_list_search_ignores_case_and_diacritics(client, secretary, unit, query):
    from reviews.tests.factories import ReviewFactory

    ReviewFactory(title=f"Họp xem xét {NFC_TEXT}", units=[unit], created_by=secretary)
    ReviewFactory(title="Họp định kỳ", units=[unit], created_by=secretary)
    client.force_login(secretary)
    titles = [r.title for r in client.get(reverse("reviews:list"), {"q": query}).context["page"]]
    assert titles == [f"Họp xem xét {NFC_TEXT}"]


@pytest.mark.django_db
def test_the_ticket_list_search_ignores_case_and_diacritics(client, secretary, unit):
    from corrective_actions.models import Ticket
    from corrective_actions.tests.factories import TicketFactory

    wanted = TicketFactory(requesting_unit=unit, description="Thiếu chữ ký của bà Tuyết ở phòng Đào tạo")
    TicketFactory(requesting_unit=unit, description="Hồ sơ lưu trữ chưa đúng hạn")
    assert list(Ticket.objects.filter(text_search(["description"], "tuyet dao tao")).values_list("pk", flat=True)) == []
    assert list(Ticket.objects.filter(text_search(["description"], "DAO TAO")).values_list("pk", flat=True)) == [wanted.pk]
    client.force_login(secretary)
    response = client.get(reverse("corrective_actions:list"), {"q": "tuyet"})
    assert response.status_code == 200
    assert wanted.description in response.content.decode()
    assert "Hồ sơ lưu trữ chưa đúng hạn" not in response.content.decode()


def test_the_search_treats_like_wildcards_as_text(db):
    from qms.models import User

    assert list(User.objects.filter(text_search(["first_name"], "_"))) == []


def _pdf(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF" + b"0" * (size - 4), content_type="application/pdf")


def test_more_files_than_the_per_request_quota_are_refused_in_vietnamese(settings):
    settings.MAX_UPLOAD_FILES_PER_REQUEST = 3
    validate_uploads([_pdf(f"{i}.pdf", 100) for i in range(3)])
    with pytest.raises(ValidationError, match="tối đa 3 tệp"):
        validate_uploads([_pdf(f"{i}.pdf", 100) for i in range(4)])


def test_files_beyond_the_per_record_quota_are_refused_in_vietnamese(settings):
    settings.MAX_UPLOAD_BYTES_PER_RECORD = 1000
    validate_uploads([_pdf("a.pdf", 400)], stored_bytes=600)
    with pytest.raises(ValidationError, match="vượt hạn mức"):
        validate_uploads([_pdf("a.pdf", 401)], stored_bytes=600)


@pytest.mark.django_db
def test_a_ticket_refuses_attachments_beyond_its_quota(settings, unit, staff_user):
    from corrective_actions.models import Box
    from corrective_actions.services.common import attachments_store
    from corrective_actions.tests.factories import TicketFactory
    from qms.errors import ServiceError

    settings.MAX_UPLOAD_BYTES_PER_RECORD = 1000
    ticket = TicketFactory(requesting_unit=unit)
    attachments_store(ticket=ticket, actor=staff_user, box=Box.values[0], uploads=[_pdf("a.pdf", 600)])
    with pytest.raises(ServiceError, match="vượt hạn mức"):
        attachments_store(ticket=ticket, actor=staff_user, box=Box.values[0], uploads=[_pdf("b.pdf", 600)])
