"""Digital signatures (chữ ký số) on the official PDFs: PAdES with pyHanko.

`backends` builds a pyHanko `Signer` for a signer profile (a .p12 file, a PKCS#11 token, a remote signing
service), `pades.sign_pdf` signs a PDF the app rendered, `verify.verify_pdf` checks any PDF against the
trust anchors the admin configured, and `ca` makes the demo's own test CA. The secret (passphrase or PIN)
is typed by the signer at signing time and never stored."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qms.errors import ServiceError


class SigningError(ServiceError):
    """A signature that could not be made (wrong passphrase, no certificate, token absent): nothing signed."""


def refusal(detail: str) -> SigningError:
    return SigningError(_("Không ký được: %(detail)s. Văn bản chưa được ký.") % {"detail": detail}, field="secret")
