"""The signer backends, one interface: each module has
`build_signer(*, config: dict[str, str], secret: str | None) -> pyhanko.sign.signers.Signer`.
Modules are imported only when a profile of their kind signs (python-pkcs11 is not needed to sign with a
.p12 file)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from pyhanko.sign.signers import Signer

BACKENDS: dict[str, str] = {
    "pkcs12": "qms.signing.backends.pkcs12.build_signer",
    "pkcs11": "qms.signing.backends.pkcs11.build_signer",
    "remote": "qms.signing.backends.remote.build_signer",
}


class BuildSigner(Protocol):
    def __call__(self, *, config: dict[str, str], secret: str | None) -> Signer: ...


def backend(kind: str) -> BuildSigner:
    """The `build_signer` of a kind; KeyError for a kind not in BACKENDS."""
    return import_string(BACKENDS[kind])


def build_signer(*, kind: str, config: dict[str, str], secret: str | None) -> Signer:
    return backend(kind)(config=config, secret=secret)
