"""The PKCS#11 signer backend against a SoftHSM2 token: the key is made inside the token and never leaves it."""

import threading

import pkcs11
import pytest
from pkcs11 import Attribute, ObjectClass

from qms.errors import ServiceError
from qms.signing.backends import pkcs11 as pkcs11_backend

# The fixtures are imported by name (pytest finds them here); the test arguments then "redefine" them.
# ruff: noqa: F811
from qms.signing.testing.fixtures import pdfsig, sample_pdf, sign_pdf, signing_ca, softhsm_token, validate  # noqa: F401


def test_a_pdf_signed_on_the_token_validates_against_the_test_root_and_in_pdfsig(softhsm_token, signing_ca, sample_pdf, tmp_path):
    signer = pkcs11_backend.build_signer(config=softhsm_token.config, secret=softhsm_token.pin)

    signed = sign_pdf(sample_pdf, signer)

    status = validate(signed, signing_ca)
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Phạm Anh Tuấn"
    # The chain read from the token: the signer's certificate and the root stored beside it.
    assert signing_ca.root.der in [c.dump() for c in signer.cert_registry]
    report = pdfsig(signed, tmp_path)
    assert "Signature is Valid." in report
    assert "Phạm Anh Tuấn" in report


def test_the_private_key_on_the_token_is_sensitive_and_cannot_be_extracted(softhsm_token):
    token = pkcs11.lib(softhsm_token.module_path).get_token(token_label=softhsm_token.token_label)
    with token.open(user_pin=softhsm_token.pin) as session:
        key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=softhsm_token.key_label)
        assert key[Attribute.EXTRACTABLE] is False
        assert key[Attribute.SENSITIVE] is True
        assert key[Attribute.NEVER_EXTRACTABLE] is True
        with pytest.raises(pkcs11.AttributeSensitive):
            key[Attribute.PRIVATE_EXPONENT]


def test_a_wrong_pin_is_refused_with_a_translated_message(softhsm_token):
    with pytest.raises(pkcs11_backend.TokenPinRefused) as refused:
        pkcs11_backend.build_signer(config=softhsm_token.config, secret="000000")

    assert isinstance(refused.value, ServiceError)
    assert refused.value.message == "Mã PIN của token không đúng."


def test_no_pin_is_refused_before_the_token_is_asked(softhsm_token):
    with pytest.raises(pkcs11_backend.TokenPinRefused):
        pkcs11_backend.build_signer(config=softhsm_token.config, secret=None)


def test_a_token_or_key_that_is_not_there_is_reported_as_unavailable(softhsm_token):
    with pytest.raises(pkcs11_backend.TokenUnavailable):
        pkcs11_backend.build_signer(config={**softhsm_token.config, "token_label": "khong-co"}, secret=softhsm_token.pin)
    with pytest.raises(pkcs11_backend.TokenUnavailable) as missing_key:
        pkcs11_backend.build_signer(
            config={**softhsm_token.config, "key_label": "khong-co", "cert_label": "khong-co"}, secret=softhsm_token.pin
        )
    assert "khong-co" in missing_key.value.message


def test_the_token_is_logged_out_between_signatures_so_a_wrong_pin_never_rides_on_an_earlier_login(softhsm_token, sample_pdf):
    signer = pkcs11_backend.build_signer(config=softhsm_token.config, secret=softhsm_token.pin)
    sign_pdf(sample_pdf, signer)

    # Had the first signature left its session logged in, C_Login would answer "already logged in" here.
    with pytest.raises(pkcs11_backend.TokenPinRefused):
        pkcs11_backend.build_signer(config=softhsm_token.config, secret="999999")


def test_two_requests_signing_on_the_same_token_at_once_both_succeed(softhsm_token, signing_ca, sample_pdf):
    # PKCS#11 logs in per token for the whole process: without the per-token lock the second login would be
    # refused as "already logged in" while the first signature is under way.
    signers_ = [pkcs11_backend.build_signer(config=softhsm_token.config, secret=softhsm_token.pin) for _ in range(2)]
    results: list = [None, None]

    def run(i):
        try:
            results[i] = sign_pdf(sample_pdf, signers_[i])
        except Exception as exc:  # handed to the test thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    for signed in results:
        assert isinstance(signed, bytes), signed
        assert validate(signed, signing_ca).bottom_line
