"""A private SoftHSM2 token for tests: a key pair generated inside it (never extractable) and its certificate.

SoftHSM reads SOFTHSM2_CONF when the PKCS#11 library is initialised, so the configuration is written and the
variable set before the first use in the process; when the library was already loaded, it is re-initialised.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pkcs11
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.rsa import encode_rsa_public_key

from qms.signing.backends.pkcs11 import DEFAULT_MODULE_PATH
from qms.signing.testing.ca import CertificateAuthority, Issued


@dataclass(frozen=True)
class SoftHsmToken:
    module_path: str
    token_label: str
    key_label: str
    cert_label: str
    pin: str
    certificate: Issued

    @property
    def config(self) -> dict[str, str]:
        """The signer configuration a user of this token would have."""
        return {
            "module_path": self.module_path,
            "token_label": self.token_label,
            "key_label": self.key_label,
            "cert_label": self.cert_label,
        }


def _store_certificate(session: pkcs11.Session, issued: Issued, *, label: str, object_id: bytes) -> None:
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.ID: object_id,
            Attribute.SUBJECT: issued.certificate.subject.public_bytes(),
            Attribute.VALUE: issued.der,
        }
    )


def create_token(
    directory: Path,
    ca: CertificateAuthority,
    *,
    common_name: str,
    token_label: str = "qms-thu-nghiem",
    key_label: str = "ky-so",
    pin: str = "246810",
    so_pin: str = "13579135",
    module_path: str = DEFAULT_MODULE_PATH,
) -> SoftHsmToken:
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", token_label, "--pin", pin, "--so-pin", so_pin],
        check=True,
        capture_output=True,
    )
    library = pkcs11.lib(module_path)
    library.reinitialize()  # the token was made by another process after a possible earlier initialisation
    token = library.get_token(token_label=token_label)
    key_id = b"\x01"
    with token.open(rw=True, user_pin=pin) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA,
            2048,
            id=key_id,
            label=key_label,
            store=True,
            # The point of a token: the private key can be used to sign, never read out.
            private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False},
        )
        # python-pkcs11 gives the public key as PKCS#1; certificates carry a SubjectPublicKeyInfo.
        spki = asn1_keys.PublicKeyInfo.wrap(asn1_keys.RSAPublicKey.load(encode_rsa_public_key(public)), "rsa")
        public_key = serialization.load_der_public_key(spki.dump())
        assert isinstance(public_key, rsa.RSAPublicKey)
        issued = ca.issue(common_name, public_key=public_key)
        _store_certificate(session, issued, label=key_label, object_id=key_id)
        _store_certificate(session, ca.root, label="ca-goc", object_id=b"\x02")
    return SoftHsmToken(
        module_path=module_path, token_label=token_label, key_label=key_label, cert_label=key_label, pin=pin, certificate=issued
    )
