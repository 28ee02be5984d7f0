"""PAdES B-T: with a time-stamping authority configured, the signature carries an RFC 3161 timestamp; tested
against the local TSA of qms.signing.testing (its certificate from the test CA)."""

# The fixtures are imported by name (pytest finds them here); the test arguments then "redefine" them.
# ruff: noqa: F811
import datetime as dt

import pytest
from django.utils import timezone
from pyhanko.sign import signers
from pyhanko.sign.timestamps import TimestampRequestError

from qms.signing.backends import pkcs11 as pkcs11_backend
from qms.signing.backends.tsa import timestamper
from qms.signing.testing.fixtures import local_tsa, pdfsig, sample_pdf, sign_pdf, signing_ca, softhsm_token, validate  # noqa: F401


@pytest.fixture(scope="module")
def key_file_signer(signing_ca):
    """A signer with its key in memory: the timestamp does not depend on where the signer's key lives."""
    issued = signing_ca.issue("Đặng Thị Khánh Hòa")
    return signers.SimpleSigner(signing_cert=issued.asn1, signing_key=issued.asn1_key, cert_registry=None)


def test_a_b_t_signature_carries_a_timestamp_that_validates_against_the_test_root(
    local_tsa, key_file_signer, signing_ca, sample_pdf, tmp_path
):
    before = local_tsa.requests

    signed = sign_pdf(sample_pdf, key_file_signer, timestamper=timestamper(f"{local_tsa.url}/tsa"))

    # pyHanko asks once more beforehand, to size the space the token needs in the file.
    assert local_tsa.requests > before
    status = validate(signed, signing_ca)
    assert status.bottom_line
    stamp = status.timestamp_validity
    assert stamp is not None
    assert stamp.intact and stamp.valid and stamp.trusted
    assert stamp.signing_cert.subject.native["common_name"] == "QMS Test TSA"
    # The TSA's time is the (faked) clock of the test, not the calendar's.
    assert abs(stamp.timestamp - timezone.now()) < dt.timedelta(minutes=5)
    assert "Signature is Valid." in pdfsig(signed, tmp_path)


def test_a_signature_made_on_the_token_is_timestamped_too(local_tsa, softhsm_token, signing_ca, sample_pdf):
    signer = pkcs11_backend.build_signer(config=softhsm_token.config, secret=softhsm_token.pin)

    status = validate(sign_pdf(sample_pdf, signer, timestamper=timestamper(local_tsa.url)), signing_ca)

    assert status.bottom_line
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_without_a_timestamper_the_signature_is_b_b_with_no_timestamp(key_file_signer, signing_ca, sample_pdf):
    status = validate(sign_pdf(sample_pdf, key_file_signer), signing_ca)

    assert status.bottom_line
    assert status.timestamp_validity is None


def test_a_tsa_that_does_not_answer_stops_the_signature(key_file_signer, sample_pdf, signing_ca):
    from qms.signing.testing.tsa import LocalTsa

    with LocalTsa(signing_ca) as stopped:
        url = stopped.url
    with pytest.raises(TimestampRequestError):
        sign_pdf(sample_pdf, key_file_signer, timestamper=timestamper(url))
