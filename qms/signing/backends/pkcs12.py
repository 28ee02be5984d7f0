"""A .p12 (PKCS#12) file on the server and the passphrase its holder types when signing: for development,
the demo and small agencies. config: {"path": "<absolute path of the .p12 file>"}."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _
from pyhanko.sign.signers import SimpleSigner

from .. import refusal

CONFIG_KEYS = ("path",)


def validate_config(config: dict[str, str]) -> list[str]:
    """The refusals of a profile's config (shown in admin)."""
    path = str(config.get("path", ""))
    if not path:
        return [_("Cấu hình pkcs12 cần khóa “path”: đường dẫn tệp .p12 trên máy chủ.")]
    if not Path(path).is_file():
        return [_("Không tìm thấy tệp .p12: %(path)s") % {"path": path}]
    return []


def build_signer(*, config: dict[str, str], secret: str | None) -> SimpleSigner:
    errors = validate_config(config)
    if errors:
        raise refusal(errors[0])
    data = Path(config["path"]).read_bytes()
    try:
        # pyHanko raises ValueError for a wrong passphrase and for a damaged file alike.
        return SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=(secret or "").encode() or None)
    except ValueError:
        raise refusal(_("mật khẩu tệp chữ ký số (.p12) không đúng hoặc tệp hỏng")) from None
