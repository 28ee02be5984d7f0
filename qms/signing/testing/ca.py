"""A certificate authority for tests (and for anyone who needs throw-away certificates): a root and the leaf
certificates it issues, made with `cryptography`.

The validity spans 2020–2040 on purpose: the suite runs on a faked "today" (QMS_TEST_TODAY in 2027–2028, the
clock moved by time-machine), and a certificate bound to the real date would expire inside such a run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOT_BEFORE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
NOT_AFTER = dt.datetime(2040, 12, 31, 23, 59, 59, tzinfo=dt.UTC)

# What a certificate is for: a person's (or an agency's) signing certificate, or a time-stamping authority's.
SIGNING = "signing"
TIME_STAMPING = "time_stamping"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True)
class Issued:
    """A certificate and, unless the key lives elsewhere (a token, a remote service), its private key."""

    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey | None

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        """The certificate as pyHanko wants it."""
        return asn1_x509.Certificate.load(self.der)

    @property
    def asn1_key(self) -> asn1_keys.PrivateKeyInfo:
        if self.private_key is None:
            raise ValueError("this certificate's key is not held here")
        der = self.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return asn1_keys.PrivateKeyInfo.load(der)


class CertificateAuthority:
    """A self-signed root that issues leaf certificates directly (no intermediate: enough for the chain checks)."""

    def __init__(self, common_name: str = "QMS Test Root CA", organisation: str = "QMS thử nghiệm") -> None:
        self.organisation = organisation
        key = new_rsa_key()
        name = _name(common_name, organisation)
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOT_BEFORE)
            .not_valid_after(NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        self.root = Issued(certificate=certificate, private_key=key)

    def issue(
        self,
        common_name: str,
        *,
        public_key: rsa.RSAPublicKey | None = None,
        purpose: str = SIGNING,
        organisation: str | None = None,
    ) -> Issued:
        """A leaf certificate. Without `public_key` a key pair is made here and returned with it; with one (a
        key generated inside a token, or held by a remote service) only the certificate is returned."""
        private_key = None
        if public_key is None:
            private_key = new_rsa_key()
            public_key = private_key.public_key()
        root_key = self.root.private_key
        assert root_key is not None
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, organisation or self.organisation))
            .issuer_name(self.root.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOT_BEFORE)
            .not_valid_after(NOT_AFTER)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    # non-repudiation: pyHanko's default key-usage check for document signatures asks for it.
                    content_commitment=purpose == SIGNING,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if purpose == TIME_STAMPING:
            # RFC 3161 §2.3: a TSA's certificate has exactly this extended key usage, marked critical.
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        certificate = builder.sign(root_key, hashes.SHA256())
        return Issued(certificate=certificate, private_key=private_key)
