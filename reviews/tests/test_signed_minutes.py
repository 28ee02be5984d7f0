"""The minutes signed as PAdES (issue 12): the chair's passphrase after the password, the PDF laid out as
the chair read it with Decree 30's signature drawn, signed and stored as the record; downloads serve that
file byte for byte; the minutes page and /verify/ check it; a changed, extended or swapped file is caught."""

import subprocess
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from conftest import SIGNING_SECRET
from qms.errors import ServiceError
from qms.models import SignerProfile
from qms.signing.verify import verify_pdf
from reviews import services
from reviews.models import Minutes, MinutesStatus, ReviewStatus
from reviews.tests.factories import preparing_review, ready_minutes, signed_review

pytestmark = pytest.mark.django_db
PASSWORD = "Mật-khẩu-thử-2026"


@pytest.fixture
def signed(unit, secretary, committee_head, trusted_demo_root):
    _review, minutes = signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    return minutes


@pytest.fixture
def draft(unit, secretary, committee_head):
    review = preparing_review(units=[unit], attendees=[secretary, committee_head])
    return ready_minutes(review=review, secretary=secretary, chair=committee_head)


def _bytes(minutes: Minutes) -> bytes:
    with minutes.signed_file.open("rb") as handle:
        return handle.read()


def _overwrite(minutes: Minutes, data: bytes) -> None:
    with open(minutes.signed_file.path, "wb") as handle:
        handle.write(data)


def _flip_one_byte(data: bytes) -> bytes:
    changed = bytearray(data)
    changed[changed.index(b"stream\n") + 40] ^= 0x01  # inside the first content stream: the file still parses
    return bytes(changed)


def _append_unsigned_update(data: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(BytesIO(data))
    writer.root["/QmsAppended"] = generic.TextStringObject("sửa sau khi ký")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_signing_stores_a_pades_file_that_validates_against_the_root_and_names_the_record(signed, committee_head):
    data = _bytes(signed)
    assert signed.signed_file.name.startswith(f"{signed.organisation.code}/reviews/{signed.review_id}/minutes/")
    check = verify_pdf(data)
    assert check.ok, check
    (sig,) = check.signatures
    assert sig.signer.startswith(committee_head.display_name) and sig.trusted and sig.unchanged and sig.level == "B-B"
    assert sig.field_name == f"qms-minutes-{signed.pk}-v1"
    assert check.record is not None and check.record.is_stored_copy and "Biên bản họp xem xét số 01/" in check.record.label


def test_poppler_pdfsig_reports_the_signed_minutes_valid(signed, tmp_path):
    out = subprocess.run(["pdfsig", signed.signed_file.path], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in out


def test_the_signed_page_carries_the_agency_line_in_iso_8601_vietnam_time(signed, tmp_path):
    text = subprocess.run(["pdftotext", "-layout", signed.signed_file.path, "-"], capture_output=True, text=True, check=True).stdout
    at = signed.signed_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0).isoformat()
    assert signed.organisation.name in text and at in text and at.endswith("+07:00")
    assert "Phạm Anh Tuấn" in text and "SHA-256" not in text


def test_the_download_is_the_stored_file_byte_for_byte_even_after_a_change_in_the_database(signed, committee_head, client):
    stored = _bytes(signed)
    Minutes.objects.filter(pk=signed.pk).update(conclusions="Đã bị sửa trong cơ sở dữ liệu.")
    client.force_login(committee_head)
    response = client.get(reverse("reviews:minutes_pdf", args=[signed.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored


def test_a_wrong_passphrase_is_a_translated_refusal_and_signs_nothing(draft, committee_head, client):
    with pytest.raises(ServiceError) as caught:
        services.minutes_sign(minutes=draft, actor=committee_head, password=PASSWORD, secret="sai-mat-khau")
    assert caught.value.message == "Không ký được: mật khẩu tệp chữ ký số (.p12) không đúng hoặc tệp hỏng. Văn bản chưa được ký."
    client.force_login(committee_head)
    url = reverse("reviews:minutes_sign", args=[draft.pk])
    response = client.post(url, {"password": PASSWORD, "secret": "sai-mat-khau", "version": draft.version})
    assert response.status_code == 200 and "mật khẩu tệp chữ ký số (.p12) không đúng" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.DRAFT and draft.number is None and not draft.signed_file and not draft.signed_sha256
    assert draft.review.status == ReviewStatus.PREPARING


def test_the_sign_page_signs_with_the_password_then_the_passphrase(draft, committee_head, client, trusted_demo_root):
    client.force_login(committee_head)
    url = reverse("reviews:minutes_sign", args=[draft.pk])
    response = client.post(url, {"password": PASSWORD, "secret": SIGNING_SECRET, "version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.SIGNED and verify_pdf(_bytes(draft)).ok


def test_a_chair_without_a_signer_profile_is_told_so_and_nothing_is_signed(draft, committee_head):
    SignerProfile.objects.filter(user=committee_head).delete()
    with pytest.raises(ServiceError, match="chưa được cấu hình chữ ký số"):
        services.minutes_sign(minutes=draft, actor=committee_head, password=PASSWORD, secret=SIGNING_SECRET)
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.DRAFT and not draft.signed_file


def test_the_minutes_page_shows_the_check_of_its_stored_file(signed, committee_head, client):
    client.force_login(committee_head)
    page = client.get(reverse("reviews:minutes_detail", args=[signed.pk])).content.decode()
    assert 'data-testid="check-valid"' in page and 'data-testid="record-stored-copy"' in page
    assert "+07:00" in page and "B-B: không có dấu thời gian" in page


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [(_flip_one_byte, 'data-testid="not-intact"'), (_append_unsigned_update, "Tệp đã được sửa sau khi ký")],
    ids=["flipped-byte", "unsigned-incremental-update"],
)
def test_a_tampered_stored_file_is_caught_by_the_page_and_the_command(signed, committee_head, client, tamper, expected, capsys):
    _overwrite(signed, tamper(_bytes(signed)))
    client.force_login(committee_head)
    page = client.get(reverse("reviews:minutes_detail", args=[signed.pk])).content.decode()
    assert 'data-testid="check-invalid"' in page and expected in page
    with pytest.raises(SystemExit):
        call_command("verify_pdf", signed.signed_file.path)
    assert "Kết quả: KHÔNG HỢP LỆ" in capsys.readouterr().out


def test_another_records_file_put_in_place_of_the_stored_one_is_caught(signed, unit, secretary, committee_head, client, capsys):
    _review, other = signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    _overwrite(signed, _bytes(other))
    client.force_login(committee_head)
    page = client.get(reverse("reviews:minutes_detail", args=[signed.pk])).content.decode()
    assert 'data-testid="check-invalid"' in page and 'data-testid="record-not-stored-copy"' in page
    assert "Tệp đang lưu cho hồ sơ này là tệp đã ký của hồ sơ khác" in page
    with pytest.raises(SystemExit):
        call_command("verify_pdf", signed.signed_file.path)
    out = capsys.readouterr().out
    assert "là tệp đã ký của hồ sơ khác" in out and "Kết quả: KHÔNG HỢP LỆ" in out


def test_the_verification_page_recognises_our_file_and_catches_a_changed_copy(signed, staff_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    url = reverse("verify_pdf")
    ok = client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", _bytes(signed), "application/pdf")}).content.decode()
    assert 'data-testid="check-valid"' in ok and 'data-testid="record-stored-copy"' in ok and "Phạm Anh Tuấn" in ok
    assert "B-B: không có dấu thời gian" in ok
    bad = client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", _flip_one_byte(_bytes(signed)), "application/pdf")})
    page = bad.content.decode()
    assert 'data-testid="check-invalid"' in page and 'data-testid="not-intact"' in page
    # A changed copy still names the minutes by its signature field: not the stored copy.
    assert 'data-testid="record-not-stored-copy"' in page
    appended = client.post(url, {"file": SimpleUploadedFile("b.pdf", _append_unsigned_update(_bytes(signed)), "application/pdf")})
    assert "Tệp đã được sửa sau khi ký" in appended.content.decode()


def test_a_changed_copy_of_another_agencys_minutes_names_no_record_to_this_agencys_user(signed, other_organisation, client):
    """The signature field's name is only a claim: the page must not reveal another agency's minutes by number."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qms.roles import Role
    from qms.tests.factories import UnitFactory, UserFactory

    outsider = UserFactory(unit=UnitFactory(organisation=other_organisation, code="VP-SCT"), roles=[Role.STAFF])
    client.force_login(outsider)
    changed = SimpleUploadedFile("b.pdf", _flip_one_byte(_bytes(signed)), "application/pdf")
    page = client.post(reverse("verify_pdf"), {"file": changed}).content.decode()
    assert 'data-testid="check-invalid"' in page
    assert 'data-testid="record-not-stored-copy"' not in page and signed.review.title not in page


def test_the_verification_page_refuses_what_is_not_a_pdf_or_too_large(staff_user, client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    url = reverse("verify_pdf")
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"GIF89a not a pdf", "application/pdf")})
    assert response.status_code == 400 and "Nội dung tệp không phải PDF." in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("x.docx", b"%PDF-1.7", "application/pdf")})
    assert response.status_code == 400 and "Chỉ kiểm tra tệp PDF (.pdf)." in response.content.decode()
    settings.QMS_VERIFY_MAX_BYTES = 100
    response = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.7" + b"0" * 200, "application/pdf")})
    assert response.status_code == 400 and "vượt quá giới hạn" in response.content.decode()


def test_the_verification_page_costs_the_same_queries_for_one_or_many_anchors_and_signed_records(
    signed, unit, secretary, committee_head, staff_user, client, signing_ca
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qms.models import TrustAnchor

    client.force_login(staff_user)
    url = reverse("verify_pdf")
    data = _bytes(signed)

    def post():
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"file": SimpleUploadedFile("bien-ban.pdf", data, "application/pdf")})
        assert 'data-testid="check-valid"' in response.content.decode()
        return len(queries)

    few = post()
    for n in range(4):
        TrustAnchor.objects.create(name=f"Gốc {n}", certificate=signing_ca.root_pem)
        signed_review(units=[unit], secretary=secretary, committee_head=committee_head)
    assert post() == few


def test_five_wrong_passphrases_lock_the_sign_form_for_a_while_even_for_the_right_one(draft, committee_head, client):
    from django.core.cache import cache

    cache.clear()
    client.force_login(committee_head)
    url = reverse("reviews:minutes_sign", args=[draft.pk])
    for _attempt in range(5):
        response = client.post(url, {"password": PASSWORD, "secret": "sai-mat-khau", "version": draft.version})
        assert "mật khẩu tệp chữ ký số (.p12) không đúng" in response.content.decode()
    response = client.post(url, {"password": PASSWORD, "secret": SIGNING_SECRET, "version": draft.version})
    assert "Nhập sai mật khẩu chữ ký số quá nhiều lần. Hãy thử lại sau 15 phút." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == MinutesStatus.DRAFT and not draft.signed_file
    cache.clear()


def test_a_file_with_more_signatures_than_the_page_checks_is_refused_with_a_message(signed, monkeypatch):
    from qms.signing import verify

    monkeypatch.setattr(verify, "MAX_SIGNATURES", 0)
    check = verify.verify_pdf(_bytes(signed))
    assert check.error == "Tệp có 1 chữ ký, quá 0 chữ ký mà trang này kiểm tra." and not check.signatures
