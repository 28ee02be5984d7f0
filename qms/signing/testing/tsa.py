"""A local RFC 3161 time-stamping authority over HTTP, for tests: pyHanko's DummyTimeStamper (which signs
whatever it is asked, with the clock of the process — the faked one in tests) behind http.server, with its own
TSA certificate from the test CA."""

from __future__ import annotations

from asn1crypto import tsp
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from qms.signing.testing.ca import TIME_STAMPING, CertificateAuthority, Issued
from qms.signing.testing.http import BackgroundServer, QuietHandler


class LocalTsa(BackgroundServer):
    def __init__(self, ca: CertificateAuthority) -> None:
        self.certificate: Issued = ca.issue("QMS Test TSA", purpose=TIME_STAMPING)
        stamper = DummyTimeStamper(
            tsa_cert=self.certificate.asn1,
            tsa_key=self.certificate.asn1_key,
            certs_to_embed=SimpleCertificateStore.from_certs([ca.root.asn1]),
        )
        self.requests = 0
        tsa = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if self.headers.get("Content-Type") != "application/timestamp-query":
                    self.send_error(415)
                    return
                try:
                    request = tsp.TimeStampReq.load(self.rfile.read(length))
                    body = stamper.request_tsa_response(request).dump()
                except Exception:  # a malformed query: the TSA answers 400, as a real one would
                    self.send_error(400)
                    return
                tsa.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        super().__init__(Handler)
