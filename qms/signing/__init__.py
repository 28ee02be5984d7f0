"""Digital signatures (chữ ký số) on the official PDFs: PAdES with pyHanko.

`backends` builds a pyHanko `Signer` for a signer profile (a .p12 file, a PKCS#11 token, a remote signing
service), `pades.sign_pdf` signs a PDF the app rendered, `verify.verify_pdf` checks any PDF against the
trust anchors the admin configured, and `ca` makes the demo's own test CA. The secret (passphrase or PIN)
is typed by the signer at signing time and never stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from qms.errors import ServiceError

T = TypeVar("T")


class SigningError(ServiceError):
    """A signature that could not be made (wrong passphrase, no certificate, token absent): nothing signed."""


def refusal(detail: str) -> SigningError:
    return SigningError(_("Không ký được: %(detail)s. Văn bản chưa được ký.") % {"detail": detail}, field="secret")


def outside_event_loop(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """pyHanko's synchronous calls run `asyncio.run()`, which fails in a thread whose event loop is running
    (an ASGI view, Playwright's sync API in a test): there they run in a short-lived thread of their own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()
