"""Session fixtures of the signer-backend tests, imported by name into the test modules that use them, and the
helpers that sign a PDF and check the result twice (pyHanko against the test root, then Poppler's pdfsig)."""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from qms.signing import outside_event_loop
from qms.signing.testing.ca import CertificateAuthority
from qms.signing.testing.remote_service import FakeRemoteSigningService
from qms.signing.testing.softhsm import SoftHsmToken, create_token
from qms.signing.testing.tsa import LocalTsa


@pytest.fixture(scope="session")
def signing_ca() -> CertificateAuthority:
    """The test root that every test certificate chains to (valid 2020–2040, whatever day the suite runs on)."""
    return CertificateAuthority()


@pytest.fixture(scope="session")
def softhsm_token(signing_ca: CertificateAuthority, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftHsmToken]:
    """A private SoftHSM2 token with a key pair generated inside it and the certificate the test CA issued for it."""
    previous = os.environ.get("SOFTHSM2_CONF")
    try:
        yield create_token(tmp_path_factory.mktemp("softhsm"), signing_ca, common_name="Phạm Anh Tuấn")
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def local_tsa(signing_ca: CertificateAuthority) -> Iterator[LocalTsa]:
    with LocalTsa(signing_ca) as tsa:
        yield tsa


@pytest.fixture
def remote_service(signing_ca: CertificateAuthority) -> Iterator[FakeRemoteSigningService]:
    """A fresh fake remote signing service per test (its requests and standing decision start empty)."""
    with FakeRemoteSigningService(signing_ca) as service:
        yield service


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    """A one-page document with Vietnamese text, rendered the way the app renders its forms."""
    import weasyprint  # costly import: only when a test needs the document

    html = (
        "<html lang='vi'><body style='font-family: \"Liberation Serif\", serif'>"
        "<h1>BIÊN BẢN HỌP XEM XÉT CỦA LÃNH ĐẠO</h1><p>Chủ trì: Phạm Anh Tuấn, Cục trưởng.</p></body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def sign_pdf(
    pdf: bytes, signer: signers.Signer, *, timestamper: TimeStamper | None = None, field_name: str = "ChuKy1", reason: str = "Ký duyệt"
) -> bytes:
    """PAdES (B-B, or B-T with a timestamper) as the app signs: an incremental signature in a new field."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, subfilter=fields.SigSeedSubFilter.PADES)
    out = outside_event_loop(signers.PdfSigner(meta, signer=signer, timestamper=timestamper).sign_pdf, writer)
    return out.getvalue()


def validate(signed: bytes, signing_ca: CertificateAuthority) -> PdfSignatureStatus:
    """pyHanko's verdict on the last signature, with the test root as the only trust anchor (at the clock's now,
    the faked one in tests)."""
    reader = PdfFileReader(io.BytesIO(signed))
    embedded = reader.embedded_signatures[-1]
    return outside_event_loop(validate_pdf_signature, embedded, ValidationContext(trust_roots=[signing_ca.root.asn1]))


def pdfsig(signed: bytes, directory: Path) -> str:
    """Poppler's report: an independent check of the signature's integrity (it does not check trust)."""
    path = directory / "signed.pdf"
    path.write_bytes(signed)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
