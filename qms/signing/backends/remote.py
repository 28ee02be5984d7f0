"""Remote signing ("ký số từ xa"), the model of the licensed CAs' mobile signing services: the key stays with
the service, the app sends a digest, the signer approves the request on their phone, the service answers with
the signature. The HTTP JSON contract this adapter speaks is in docs/remote-signing.md.

pyHanko builds the CMS SignedData itself (signed attributes with the document digest, the signer's
certificate, and a timestamp when a TSA is configured); what goes to the service is the digest of those signed
attributes, and what comes back is the raw signature over it ("sign hash", as in the CSC API and the Vietnamese
CAs' remote-signing APIs). The returned signature is checked against the certificate before it is embedded.

Config keys: `service_url`, `account`; optional `poll_interval` and `timeout` (seconds). No secret from the
user: the signer's approval on their device is the second factor. The app itself authenticates to the service
with a bearer token from the environment (QMS_REMOTE_SIGNING_TOKEN), kept out of the per-user configuration
that admins see.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import http.client
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from asn1crypto import x509
from cryptography.exceptions import InvalidSignature
from django.utils.translation import gettext as _
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.sig_validate import DefaultSignatureValidator, SignatureValidationContext

from qms.errors import ServiceError

# The VN CAs' mobile services give the signer a few minutes to answer on the phone.
DEFAULT_POLL_INTERVAL = 2.0
DEFAULT_TIMEOUT = 300.0
# One HTTP exchange with the service (not the wait for the signer's approval).
HTTP_TIMEOUT = 15.0
# The app's credential at the service (the environment variable's name).
TOKEN_ENV = "QMS_REMOTE_SIGNING_TOKEN"
# The document label shown on the phone is cut to this length.
MAX_LABEL_LENGTH = 200


class RemoteSigningError(ServiceError):
    """The remote signing service did not produce a signature."""


class RemoteSigningRefused(RemoteSigningError):
    """The signer refused the request on their device."""


class RemoteSigningExpired(RemoteSigningError):
    """The signer did not answer in time (the service let the request expire, or the app stopped waiting)."""


class RemoteSigningUnavailable(RemoteSigningError):
    """The service could not be reached, or answered something outside the contract."""


def _account_url(service_url: str, account: str, *parts: str) -> str:
    path = "/".join(urllib.parse.quote(p, safe="") for p in ("accounts", account, *parts))
    return f"{service_url.rstrip('/')}/{path}"


def _call(method: str, url: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """One JSON exchange; any failure to talk to the service is RemoteSigningUnavailable."""
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Accept": "application/json"})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    token = os.environ.get(TOKEN_ENV, "")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            answer = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa không chấp nhận ứng dụng (khóa truy cập sai hoặc thiếu).")) from exc
        if exc.code == 404:
            raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa không có tài khoản hoặc yêu cầu ký này.")) from exc
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả lỗi %(code)s.") % {"code": exc.code}) from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        # Refused or reset connections, timeouts, a reply cut short or not HTTP at all.
        raise RemoteSigningUnavailable(_("Không kết nối được dịch vụ ký số từ xa; hãy thử lại sau.")) from exc
    except ValueError as exc:
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả lời sai định dạng.")) from exc
    if not isinstance(answer, dict):
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả lời sai định dạng."))
    return answer


def _b64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả lời sai định dạng."))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả lời sai định dạng.")) from None


def fetch_certificates(service_url: str, account: str) -> list[x509.Certificate]:
    """The account's certificate chain, the signer's certificate first."""
    answer = _call("GET", _account_url(service_url, account, "certificates"))
    encoded = answer.get("certificates")
    if not isinstance(encoded, list) or not encoded:
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa không trả chứng thư số của tài khoản."))
    try:
        certificates = [x509.Certificate.load(_b64(item)) for item in encoded]
        for certificate in certificates:
            certificate.native  # noqa: B018 - parses the whole structure now, not half-way through a signature
    except ValueError:
        raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả chứng thư số không đọc được.")) from None
    return certificates


class RemoteSigner(Signer):
    """Each raw signature is one sign request to the service, approved (or not) by the signer on their device."""

    def __init__(
        self,
        *,
        service_url: str,
        account: str,
        certificates: list[x509.Certificate],
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        timeout: float = DEFAULT_TIMEOUT,
        document_label: str = "",
    ) -> None:
        super().__init__(signing_cert=certificates[0])
        self.cert_registry.register_multiple(certificates)
        self.service_url = service_url
        self.account = account
        self.poll_interval = poll_interval
        self.timeout = timeout
        # Shown on the signer's phone with the request: the caller sets it to the document's name.
        self.document_label = document_label

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        cert = self.signing_cert
        assert cert is not None
        if dry_run:
            # pyHanko's size estimate: the signer's phone must not ring for it.
            return bytes(max(256, (cert.public_key.bit_size + 7) // 8 + 16))
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        digest = hashlib.new(digest_algorithm, data).digest()
        label = (self.document_label or _("Văn bản từ hệ thống QMS"))[:MAX_LABEL_LENGTH]
        created = await asyncio.to_thread(
            _call,
            "POST",
            _account_url(self.service_url, self.account, "sign-requests"),
            {
                "digest": base64.b64encode(digest).decode(),
                "digest_algorithm": digest_algorithm,
                "signature_algorithm": mechanism.signature_algo,
                "label": label,
            },
        )
        request_id = created.get("id")
        if not isinstance(request_id, str) or not request_id:
            raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa không trả mã yêu cầu ký."))
        signature = await self._wait_for_answer(request_id)
        try:
            DefaultSignatureValidator().validate_signature(
                signature, data, cert.public_key, mechanism, SignatureValidationContext(contextual_md_algorithm=digest_algorithm)
            )
        except (InvalidSignature, ValueError, NotImplementedError):
            # A signature that does not match would make a PDF every reader calls invalid: refuse it here.
            raise RemoteSigningUnavailable(_("Chữ ký do dịch vụ ký số từ xa trả về không khớp với chứng thư số.")) from None
        return signature

    async def _wait_for_answer(self, request_id: str) -> bytes:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        url = _account_url(self.service_url, self.account, "sign-requests", request_id)
        while True:
            answer = await asyncio.to_thread(_call, "GET", url)
            status = answer.get("status")
            if status == "approved":
                return _b64(answer.get("signature"))
            if status == "refused":
                raise RemoteSigningRefused(_("Người ký đã từ chối yêu cầu ký trên thiết bị của mình."))
            if status == "expired":
                raise RemoteSigningExpired(_("Yêu cầu ký đã hết hạn mà người ký chưa xác nhận; hãy ký lại."))
            if status != "pending":
                raise RemoteSigningUnavailable(_("Dịch vụ ký số từ xa trả trạng thái không rõ."))
            if loop.time() >= deadline:
                raise RemoteSigningExpired(
                    _("Người ký chưa xác nhận trên thiết bị sau %(seconds)s giây; hãy ký lại.") % {"seconds": round(self.timeout)}
                )
            await asyncio.sleep(min(self.poll_interval, max(0.0, deadline - loop.time())))


def _seconds(config: dict[str, str], key: str, default: float) -> float:
    raw = config.get(key, "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise RemoteSigningUnavailable(_("Cấu hình ký số từ xa: “%(key)s” phải là số giây từ 0 đến 3600.") % {"key": key}, field=key)
    return value


def build_signer(*, config: dict[str, str], secret: str | None) -> Signer:
    """Reads the account's certificate chain now, so an unreachable service is reported before any document is
    prepared."""
    service_url = config.get("service_url", "")
    account = config.get("account", "")
    if not service_url.startswith(("https://", "http://")) or not account:
        raise RemoteSigningUnavailable(_("Cấu hình ký số từ xa thiếu địa chỉ dịch vụ hoặc tài khoản."))
    return RemoteSigner(
        service_url=service_url,
        account=account,
        certificates=fetch_certificates(service_url, account),
        poll_interval=_seconds(config, "poll_interval", DEFAULT_POLL_INTERVAL),
        timeout=_seconds(config, "timeout", DEFAULT_TIMEOUT),
    )
