"""A fake remote signing service speaking the contract of docs/remote-signing.md, for tests: one account with a
test key and a certificate from the test CA; each sign request waits for the test to approve, refuse or let it
expire (`approve` / `refuse` / `expire`), or is answered by the standing `decision` after a few polls."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from qms.signing.testing.ca import CertificateAuthority, Issued
from qms.signing.testing.http import BackgroundServer, QuietHandler

APPROVE = "approved"
REFUSE = "refused"
EXPIRE = "expired"


@dataclass
class SignRequest:
    id: str
    digest: bytes
    digest_algorithm: str
    signature_algorithm: str
    label: str
    status: str = "pending"
    polls: int = 0
    signature: bytes | None = None


class FakeRemoteSigningService(BackgroundServer):
    def __init__(self, ca: CertificateAuthority, *, account: str = "0912345678", common_name: str = "Phạm Anh Tuấn") -> None:
        self.account = account
        self.certificate: Issued = ca.issue(common_name)
        self.chain = [self.certificate.der, ca.root.der]
        self.requests: dict[str, SignRequest] = {}
        # When set, a pending request gets this answer at its `pending_polls`-th status poll (the signer "looks
        # at the phone" a little later), so that the client's polling is exercised.
        self.decision: str | None = None
        self.pending_polls = 2
        # When set, every call must carry "Authorization: Bearer <token>" (401 otherwise).
        self.token: str | None = None
        self._lock = threading.Lock()
        self._created = threading.Condition(self._lock)
        service = self

        class Handler(QuietHandler):
            def _reply(self, code: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self) -> list[str] | None:
                if service.token is not None and self.headers.get("Authorization") != f"Bearer {service.token}":
                    self._reply(401, {"error": "unauthorised"})
                    return None
                parts = [p for p in self.path.split("?")[0].split("/") if p]
                if len(parts) < 3 or parts[0] != "accounts" or parts[1] != service.account:
                    self._reply(404, {"error": "unknown account"})
                    return None
                return parts[2:]

            def do_GET(self) -> None:
                parts = self._route()
                if parts is None:
                    return
                if parts == ["certificates"]:
                    self._reply(200, {"certificates": [base64.b64encode(der).decode() for der in service.chain]})
                elif len(parts) == 2 and parts[0] == "sign-requests":
                    answer = service._poll(parts[1])
                    if answer is None:
                        self._reply(404, {"error": "unknown request"})
                    else:
                        self._reply(200, answer)
                else:
                    self._reply(404, {"error": "not found"})

            def do_POST(self) -> None:
                parts = self._route()
                if parts is None:
                    return
                if parts != ["sign-requests"]:
                    self._reply(404, {"error": "not found"})
                    return
                try:
                    body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                    request = SignRequest(
                        id=uuid.uuid4().hex,
                        digest=base64.b64decode(body["digest"], validate=True),
                        digest_algorithm=str(body["digest_algorithm"]),
                        signature_algorithm=str(body["signature_algorithm"]),
                        label=str(body.get("label", "")),
                    )
                except (ValueError, KeyError, TypeError):
                    self._reply(400, {"error": "bad request"})
                    return
                if request.signature_algorithm != "rsassa_pkcs1v15":
                    self._reply(400, {"error": "unsupported signature algorithm"})
                    return
                with service._lock:
                    service.requests[request.id] = request
                    service._created.notify_all()
                self._reply(201, {"id": request.id, "status": "pending"})

        super().__init__(Handler)

    def _sign(self, request: SignRequest) -> bytes:
        key = self.certificate.private_key
        assert key is not None
        return key.sign(request.digest, PKCS1v15(), Prehashed(get_pyca_cryptography_hash(request.digest_algorithm)))

    def _decide(self, request: SignRequest, decision: str) -> None:
        if request.status != "pending":
            raise ValueError(f"request {request.id} is already {request.status}")
        if decision == APPROVE:
            request.signature = self._sign(request)
        request.status = decision

    def _poll(self, request_id: str) -> dict[str, Any] | None:
        with self._lock:
            request = self.requests.get(request_id)
            if request is None:
                return None
            request.polls += 1
            if request.status == "pending" and self.decision and request.polls >= self.pending_polls:
                self._decide(request, self.decision)
            answer: dict[str, Any] = {"id": request.id, "status": request.status}
            if request.signature is not None:
                answer["signature"] = base64.b64encode(request.signature).decode()
            return answer

    # The signer's side (what the phone app would do).
    def wait_for_request(self, timeout: float = 10.0) -> SignRequest:
        """The first pending request, once the app has sent it."""
        with self._created:
            if not self._created.wait_for(lambda: any(r.status == "pending" for r in self.requests.values()), timeout=timeout):
                raise TimeoutError("no sign request arrived")
            return next(r for r in self.requests.values() if r.status == "pending")

    def approve(self, request_id: str) -> None:
        with self._lock:
            self._decide(self.requests[request_id], APPROVE)

    def refuse(self, request_id: str) -> None:
        with self._lock:
            self._decide(self.requests[request_id], REFUSE)

    def expire(self, request_id: str) -> None:
        with self._lock:
            self._decide(self.requests[request_id], EXPIRE)

    @property
    def config(self) -> dict[str, str]:
        """A user's signer configuration for this account, polling fast so that the tests stay quick."""
        return {"service_url": self.url, "account": self.account, "poll_interval": "0.05", "timeout": "10"}
