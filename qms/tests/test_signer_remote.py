"""The remote signer ("ký số từ xa") against the fake service of qms.signing.testing: the app sends the digest,
the signer approves, refuses or lets the request expire on their phone."""

# The fixtures are imported by name (pytest finds them here); the test arguments then "redefine" them.
# ruff: noqa: F811
import hashlib
import threading

import pytest

from qms.errors import ServiceError
from qms.signing.backends import remote
from qms.signing.testing.fixtures import pdfsig, remote_service, sample_pdf, sign_pdf, signing_ca, validate  # noqa: F401
from qms.signing.testing.remote_service import APPROVE, EXPIRE, REFUSE, FakeRemoteSigningService


def _sign_in_background(pdf: bytes, signer) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        try:
            outcome["pdf"] = sign_pdf(pdf, signer)
        except Exception as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_the_signer_approves_on_their_phone_and_the_pdf_validates_against_the_test_root_and_in_pdfsig(
    remote_service, signing_ca, sample_pdf, tmp_path
):
    signer = remote.build_signer(config=remote_service.config, secret=None)
    signer.document_label = "Biên bản họp xem xét của lãnh đạo"

    thread, outcome = _sign_in_background(sample_pdf, signer)
    request = remote_service.wait_for_request()
    # What the phone shows, and what it is asked to sign: a SHA-256 digest, never the document.
    assert request.label == "Biên bản họp xem xét của lãnh đạo"
    assert request.digest_algorithm == "sha256" and len(request.digest) == hashlib.sha256().digest_size
    remote_service.approve(request.id)
    thread.join(timeout=30)

    assert "error" not in outcome, outcome.get("error")
    status = validate(outcome["pdf"], signing_ca)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == "Phạm Anh Tuấn"
    report = pdfsig(outcome["pdf"], tmp_path)
    assert "Signature is Valid." in report
    assert "Phạm Anh Tuấn" in report


def test_the_app_keeps_polling_while_the_request_is_pending(remote_service, signing_ca, sample_pdf):
    remote_service.decision, remote_service.pending_polls = APPROVE, 4

    signed = sign_pdf(sample_pdf, remote.build_signer(config=remote_service.config, secret=None))

    (request,) = remote_service.requests.values()
    assert request.polls == 4
    assert validate(signed, signing_ca).bottom_line


def test_a_refusal_on_the_phone_is_a_translated_refusal(remote_service, sample_pdf):
    remote_service.decision = REFUSE
    signer = remote.build_signer(config=remote_service.config, secret=None)

    with pytest.raises(remote.RemoteSigningRefused) as refused:
        sign_pdf(sample_pdf, signer)

    assert isinstance(refused.value, ServiceError)
    assert refused.value.message == "Người ký đã từ chối yêu cầu ký trên thiết bị của mình."


def test_a_request_the_service_lets_expire_is_reported_as_expired(remote_service, sample_pdf):
    signer = remote.build_signer(config=remote_service.config, secret=None)

    thread, outcome = _sign_in_background(sample_pdf, signer)
    remote_service.expire(remote_service.wait_for_request().id)
    thread.join(timeout=30)

    assert isinstance(outcome.get("error"), remote.RemoteSigningExpired)
    assert outcome["error"].message == "Yêu cầu ký đã hết hạn mà người ký chưa xác nhận; hãy ký lại."


def test_the_app_stops_waiting_after_its_own_timeout(remote_service, sample_pdf):
    config = {**remote_service.config, "timeout": "0.3"}
    signer = remote.build_signer(config=config, secret=None)

    with pytest.raises(remote.RemoteSigningExpired) as expired:
        sign_pdf(sample_pdf, signer)

    assert "chưa xác nhận" in expired.value.message
    (request,) = remote_service.requests.values()
    assert request.status == "pending" and request.polls >= 2


def test_a_service_that_is_down_is_reported_as_unavailable_when_the_signer_is_built(signing_ca):
    with FakeRemoteSigningService(signing_ca) as stopped:
        config = stopped.config
    with pytest.raises(remote.RemoteSigningUnavailable) as unavailable:
        remote.build_signer(config=config, secret=None)
    assert unavailable.value.message == "Không kết nối được dịch vụ ký số từ xa; hãy thử lại sau."


def test_a_service_that_goes_down_before_the_signature_is_reported_as_unavailable(signing_ca, sample_pdf):
    with FakeRemoteSigningService(signing_ca) as service:
        signer = remote.build_signer(config=service.config, secret=None)
    with pytest.raises(remote.RemoteSigningUnavailable):
        sign_pdf(sample_pdf, signer)


def test_an_unknown_account_is_reported_as_unavailable(remote_service):
    with pytest.raises(remote.RemoteSigningUnavailable) as unavailable:
        remote.build_signer(config={**remote_service.config, "account": "0900000000"}, secret=None)
    assert "tài khoản" in unavailable.value.message


def test_a_signature_that_does_not_match_the_certificate_is_never_embedded(remote_service, sample_pdf, monkeypatch):
    remote_service.decision = APPROVE
    real_sign = remote_service._sign
    monkeypatch.setattr(remote_service, "_sign", lambda request: bytes(reversed(real_sign(request))))

    with pytest.raises(remote.RemoteSigningUnavailable) as mismatch:
        sign_pdf(sample_pdf, remote.build_signer(config=remote_service.config, secret=None))
    assert "không khớp" in mismatch.value.message


@pytest.mark.parametrize(
    "config",
    [
        {"service_url": "", "account": "0912345678"},
        {"service_url": "ftp://ca.example.vn", "account": "x"},
        {"service_url": "https://ca.example.vn"},
    ],
)
def test_an_incomplete_configuration_is_refused_with_a_message(config):
    with pytest.raises(remote.RemoteSigningUnavailable):
        remote.build_signer(config=config, secret=None)


@pytest.mark.parametrize("value", ["abc", "0", "-1", "86400"])
def test_a_poll_interval_or_timeout_out_of_range_is_refused(remote_service, value):
    with pytest.raises(remote.RemoteSigningUnavailable) as bad:
        remote.build_signer(config={**remote_service.config, "timeout": value}, secret=None)
    assert bad.value.field == "timeout"


def test_the_certificates_come_from_the_service_signer_first(remote_service, signing_ca):
    signer = remote.build_signer(config=remote_service.config, secret=None)

    assert signer.signing_cert.dump() == remote_service.certificate.der
    assert signing_ca.root.der in [c.dump() for c in signer.cert_registry]


def test_expire_is_a_standing_decision_too(remote_service, sample_pdf):
    remote_service.decision = EXPIRE
    with pytest.raises(remote.RemoteSigningExpired):
        sign_pdf(sample_pdf, remote.build_signer(config=remote_service.config, secret=None))


def test_the_app_authenticates_with_the_bearer_token_from_the_environment(remote_service, signing_ca, sample_pdf, monkeypatch):
    remote_service.token, remote_service.decision = "khoa-truy-cap-thu", APPROVE
    with pytest.raises(remote.RemoteSigningUnavailable) as refused:
        remote.build_signer(config=remote_service.config, secret=None)
    assert refused.value.message == "Dịch vụ ký số từ xa không chấp nhận ứng dụng (khóa truy cập sai hoặc thiếu)."

    monkeypatch.setenv(remote.TOKEN_ENV, "khoa-truy-cap-thu")
    signed = sign_pdf(sample_pdf, remote.build_signer(config=remote_service.config, secret=None))
    assert validate(signed, signing_ca).bottom_line
