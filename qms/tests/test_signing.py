"""qms.signing: a .p12 signs a PDF as PAdES; the check finds the signer, the chain to the trust anchors,
the time, and any change after signing."""

import subprocess

import pytest
from django.core.management import call_command

from conftest import SIGNING_SECRET, give_signer
from qms.pdf import html_to_pdf
from qms.signing import SigningError
from qms.signing.backends import BACKENDS, backend
from qms.signing.pades import sign_pdf, signer_for
from qms.signing.verify import verify_pdf

pytestmark = pytest.mark.django_db

HTML = "<html><body><p>Biên bản họp xem xét của lãnh đạo — thử ký số.</p></body></html>"


@pytest.fixture(scope="module")
def plain_pdf():
    return html_to_pdf(HTML)


@pytest.fixture
def signed(signing_ca, committee_head, plain_pdf, trusted_demo_root):
    profile = give_signer(signing_ca, committee_head)
    return sign_pdf(plain_pdf, signer=signer_for(profile, SIGNING_SECRET), field_name="qms-test-1", reason="Ký thử")


def test_the_registry_names_the_three_backends_and_loads_the_pkcs12_one_lazily():
    assert set(BACKENDS) == {"pkcs12", "pkcs11", "remote"}
    assert backend("pkcs12").__module__ == "qms.signing.backends.pkcs12"


def test_a_signed_pdf_validates_against_the_trusted_root_as_intact_and_unchanged(signed, committee_head):
    check = verify_pdf(signed)
    assert check.ok and not check.error
    (sig,) = check.signatures
    assert sig.intact and sig.valid and sig.trusted and sig.unchanged and sig.covers_whole_file
    assert sig.signer == "Phạm Anh Tuấn, QMS demo" and sig.chain[0].startswith("QMS Demo Root CA") and sig.chain[-1] == sig.signer
    assert sig.level == "B-B" and sig.signing_time.endswith("+07:00")


def test_poppler_pdfsig_reports_the_signature_valid(signed, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature Validation: Signature is Valid." in out


def test_without_the_root_among_the_trust_anchors_the_chain_is_not_trusted(signed):
    (sig,) = verify_pdf(signed, roots=[]).signatures
    assert sig.intact and not sig.trusted and not sig.ok


def test_a_flipped_byte_inside_the_signed_range_is_reported_as_changed(signed):
    data = bytearray(signed)
    at = data.index(b"stream\n") + 20  # inside the first content stream, so the file still parses
    data[at] ^= 0x01
    check = verify_pdf(bytes(data))
    assert not check.ok and not check.signatures[0].intact and not check.signatures[0].unchanged


def test_an_unsigned_incremental_update_after_the_signature_is_reported(signed):
    from io import BytesIO

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.root["/QmsAppended"] = generic.TextStringObject("sửa sau khi ký")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    check = verify_pdf(out.getvalue())
    (sig,) = check.signatures
    assert sig.intact and not sig.covers_whole_file and not sig.unchanged and not check.ok
    assert "sau khi ký" in sig.modification


def test_a_wrong_passphrase_is_a_translated_refusal(signing_ca, committee_head):
    profile = give_signer(signing_ca, committee_head)
    with pytest.raises(SigningError) as caught:
        signer_for(profile, "sai-mat-khau")
    assert "mật khẩu tệp chữ ký số (.p12) không đúng" in caught.value.message


def test_a_pdf_without_signatures_or_not_a_pdf_is_a_message(plain_pdf):
    assert verify_pdf(plain_pdf).error == "Tệp không có chữ ký số."
    assert verify_pdf(b"not a pdf at all").error == "Không đọc được tệp PDF này."


def test_the_command_prints_each_signature_and_fails_on_a_changed_file(signed, tmp_path, capsys):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed)
    call_command("verify_pdf", str(path))
    out = capsys.readouterr().out
    assert "Phạm Anh Tuấn" in out and "B-B" in out and "+07:00" in out
    data = bytearray(signed)
    data[data.index(b"stream\n") + 20] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(SystemExit):
        call_command("verify_pdf", str(path))


def test_admin_refuses_a_pkcs12_profile_without_a_readable_file_and_a_trust_anchor_that_is_not_pem(committee_head, signing_ca):
    from django.core.exceptions import ValidationError

    from qms.models import SignerProfile, TrustAnchor

    profile = SignerProfile(organisation=committee_head.organisation, user=committee_head, kind="pkcs12", config={"path": "/khong/co.p12"})
    with pytest.raises(ValidationError, match="Không tìm thấy tệp .p12"):
        profile.full_clean()
    profile.config = {"path": 12}
    with pytest.raises(ValidationError, match="mỗi giá trị là một chuỗi"):
        profile.full_clean()
    with pytest.raises(ValidationError, match="Không đọc được chứng thư số"):
        TrustAnchor(name="Sai", certificate="không phải PEM").full_clean()
    TrustAnchor(name="Gốc", certificate=signing_ca.root_pem).full_clean()


def test_the_trust_anchors_are_for_the_superuser_only_in_admin(client, committee_head, django_user_model):
    from django.urls import reverse

    agency_admin = django_user_model.objects.create_user(
        username="qtcq", password="x", organisation=committee_head.organisation, is_staff=True
    )
    client.force_login(agency_admin)
    assert client.get(reverse("admin:qms_trustanchor_changelist")).status_code == 403
    root = django_user_model.objects.create_superuser(username="root", password="x")
    client.force_login(root)
    assert client.get(reverse("admin:qms_trustanchor_changelist")).status_code == 200
    assert client.get(reverse("admin:qms_signerprofile_add")).status_code == 200


def test_signing_and_checking_work_inside_a_running_event_loop(signing_ca, committee_head, plain_pdf, trusted_demo_root):
    """pyHanko's sync API calls asyncio.run(): an ASGI view or Playwright's sync API has a loop running."""
    import asyncio

    profile = give_signer(signing_ca, committee_head)
    signer = signer_for(profile, SIGNING_SECRET)
    roots = __import__("qms.signing.verify", fromlist=["trust_roots"]).trust_roots()

    async def inside():
        signed = sign_pdf(plain_pdf, signer=signer, field_name="qms-loop")
        return verify_pdf(signed, roots=roots, with_record=False)

    assert asyncio.run(inside()).ok
