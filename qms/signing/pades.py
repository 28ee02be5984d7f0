"""Sign a PDF the app rendered: one PAdES signature in an incremental update, in an invisible signature
field (the visible part, Decree 30's image, seal and information line, is drawn by the PDF layout)."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper

from qms.models import SignerProfile

from . import outside_event_loop
from .backends import build_signer


def timestamper() -> HTTPTimeStamper | None:
    """PAdES B-T when the installation names a time-stamping authority, else None (B-B)."""
    url = getattr(settings, "QMS_TSA_URL", "")
    return HTTPTimeStamper(url) if url else None


def signer_for(profile: SignerProfile, secret: str | None) -> signers.Signer:
    """The profile's pyHanko signer; a SigningError (translated, nothing signed) when it cannot be built."""
    return build_signer(kind=profile.kind, config=dict(profile.config), secret=secret)


def sign_pdf(
    pdf: bytes,
    *,
    signer: signers.Signer,
    field_name: str,
    reason: str = "",
    location: str = "",
) -> bytes:
    """`pdf` with one more signature (an incremental update: an earlier signature stays valid)."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        use_pades_lta=False,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper(),
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name),  # no box: invisible
    )
    out = BytesIO()
    # The CMS signing time is pyHanko's clock at this moment (not settable in 0.38): the record's signed_at,
    # drawn in the visible part, is taken a moment before.
    outside_event_loop(pdf_signer.sign_pdf, writer, output=out)
    return out.getvalue()
