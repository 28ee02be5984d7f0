"""Signing with a key that stays on a token or an HSM, through PKCS#11 (pyHanko's `pyhanko.sign.pkcs11`).

The registry calls `build_signer(config=…, secret=<the user's PIN>)`. Config keys: `module_path` (the
PKCS#11 library; SoftHSM2's by default), `token_label`, `key_label`, and `cert_label` when the certificate's
label differs from the key's.

Why a session per signature instead of one held by the signer: PKCS#11 logs in per token for the whole
process, not per session, and a login stays valid while any session of the process is open. A session left
open by one request would let the next one sign without a PIN (C_Login then answers "already logged in"),
so each signature opens, logs in, signs and logs out under a lock per token (the signer object keeps the PIN
for that, as long as the request that built it). `build_signer` does the same once to check the PIN and read
the certificate, so a wrong PIN is refused before any document is prepared.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pkcs11
from asn1crypto import x509
from django.utils.translation import gettext as _
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers import Signer

from qms.errors import ServiceError
from qms.signing import SigningError

DEFAULT_MODULE_PATH = "/usr/lib/softhsm/libsofthsm2.so"


class TokenError(ServiceError):
    """The token or HSM could not be used to sign."""


class TokenPinRefused(TokenError, SigningError):
    """The token refused the PIN (wrong, badly formed, or locked after too many tries). A SigningError, so the
    sign form's throttle counts it like a wrong passphrase (a real token locks itself after a few)."""

    def __init__(self, message: str, *, field: str | None = "secret") -> None:
        super().__init__(message, field=field)


class TokenUnavailable(TokenError):
    """The PKCS#11 library, the token, the key or the certificate could not be found or used."""


_locks: dict[tuple[str, str], threading.Lock] = {}
_locks_guard = threading.Lock()


def _token_lock(module_path: str, token_label: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault((module_path, token_label), threading.Lock())


@contextmanager
def _logged_in(module_path: str, token_label: str, pin: str) -> Iterator[pkcs11.Session]:
    """A session logged in with `pin`, logged out and closed on leaving; one at a time per token."""
    with _token_lock(module_path, token_label):
        try:
            session = open_pkcs11_session(module_path, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
        except pkcs11.PinLocked:
            raise TokenPinRefused(_("Token đã khóa mã PIN do nhập sai quá nhiều lần; hãy liên hệ quản trị để mở khóa.")) from None
        except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange, pkcs11.PinExpired):
            raise TokenPinRefused(_("Mã PIN của token không đúng.")) from None
        except pkcs11.PKCS11Error as exc:
            raise TokenUnavailable(
                _("Không dùng được token “%(token)s”: %(reason)s") % {"token": token_label, "reason": str(exc) or type(exc).__name__}
            ) from exc
        try:
            yield session
        finally:
            session.close()


class TokenSigner(Signer):
    """A pyHanko signer whose private key never leaves the token: each signature is computed by the token."""

    def __init__(
        self,
        *,
        module_path: str,
        token_label: str,
        key_label: str,
        cert_label: str,
        pin: str,
        signing_cert: x509.Certificate,
        other_certs: list[x509.Certificate],
    ) -> None:
        super().__init__(signing_cert=signing_cert)
        self.cert_registry.register_multiple([signing_cert, *other_certs])
        self.module_path = module_path
        self.token_label = token_label
        self.key_label = key_label
        self.cert_label = cert_label
        self._pin = pin

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run: bool = False) -> bytes:
        if dry_run:
            # pyHanko's size estimate before the real signature: no need to wake the token for it.
            return bytes(self._signature_size())
        return await asyncio.to_thread(self._sign_on_token, data, digest_algorithm)

    def _signature_size(self) -> int:
        cert = self.signing_cert
        assert cert is not None
        bits = cert.public_key.bit_size
        return max(256, (bits + 7) // 8 + 16)

    def _sign_on_token(self, data: bytes, digest_algorithm: str) -> bytes:
        with _logged_in(self.module_path, self.token_label, self._pin) as session:
            on_token = PKCS11Signer(
                session,
                key_label=self.key_label,
                signing_cert=self.signing_cert,
                prefer_pss=self.prefer_pss,
                signature_mechanism=self.signature_mechanism,
            )
            try:
                return asyncio.run(on_token.async_sign_raw(data, digest_algorithm))
            except pkcs11.PKCS11Error as exc:
                raise TokenUnavailable(_("Token từ chối ký: %(reason)s") % {"reason": str(exc) or type(exc).__name__}) from exc


def build_signer(*, config: dict[str, str], secret: str | None) -> Signer:
    """Check the PIN and read the certificate (and any other certificates on the token, for the chain)."""
    module_path = config.get("module_path") or DEFAULT_MODULE_PATH
    token_label = config.get("token_label", "")
    key_label = config.get("key_label", "")
    cert_label = config.get("cert_label") or key_label
    if not token_label or not key_label:
        raise TokenUnavailable(_("Cấu hình ký bằng token thiếu nhãn token hoặc nhãn khóa."))
    if not secret:
        raise TokenPinRefused(_("Hãy nhập mã PIN của token."))
    with _logged_in(module_path, token_label, secret) as session:
        reader = PKCS11Signer(session, cert_label=cert_label, key_label=key_label, other_certs_to_pull=None)
        try:
            # Reading the certificate loads the handle of the private key too (proving it is there) and every
            # certificate on the token (other_certs_to_pull=None), for the chain embedded in the signature.
            signing_cert = reader.signing_cert
            others = [c for c in reader.cert_registry if c != signing_cert]
        except pkcs11.PKCS11Error as exc:
            raise TokenUnavailable(
                _("Không tìm thấy khóa “%(key)s” hoặc chứng thư số “%(cert)s” trên token: %(reason)s")
                % {"key": key_label, "cert": cert_label, "reason": str(exc)}
            ) from exc
    return TokenSigner(
        module_path=module_path,
        token_label=token_label,
        key_label=key_label,
        cert_label=cert_label,
        pin=secret,
        signing_cert=signing_cert,
        other_certs=others,
    )
