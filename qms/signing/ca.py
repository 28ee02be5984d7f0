"""The demo's own test CA (never for production): a root certificate and, under it, a certificate per
signing user and one for the agency, each written as a .p12 file with its passphrase. The demo's signed
PDFs validate against the demo root once it is a trust anchor (`qms.TrustAnchor`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT_NAME = "QMS Demo Root CA (không dùng cho văn bản thật)"
VALID_YEARS = 10


def _name(common_name: str, organisation: str = "QMS demo") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class DemoCA:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    directory: Path

    @property
    def root_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def issue(self, *, name: str, slug: str, passphrase: str, organisation: str = "QMS demo", email: str = "") -> Path:
        """A signing certificate for `name` under the root, written with its key to `<slug>.p12`."""
        # P-256: a signer's key is made in a millisecond (the tests make one per user); NSS, Adobe and pyHanko check it.
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name, organisation))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            # Backdated: the demo tells a story that began months ago, and the tests travel in time.
            .not_valid_before(now - dt.timedelta(days=400))
            .not_valid_after(now + dt.timedelta(days=365 * 3))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
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
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        if email:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        data = pkcs12.serialize_key_and_certificates(
            slug.encode(), key, cert, [self.certificate], serialization.BestAvailableEncryption(passphrase.encode())
        )
        path = self.directory / f"{slug}.p12"
        path.write_bytes(data)
        path.chmod(0o600)
        return path


def demo_ca(directory: Path) -> DemoCA:
    """The root kept in `directory` (root-key.pem, root.pem), created on first use."""
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / "root-key.pem", directory / "root.pem"
    if key_path.exists() and cert_path.exists():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return DemoCA(key=key, certificate=x509.load_pem_x509_certificate(cert_path.read_bytes()), directory=directory)
    key = _key()
    now = dt.datetime.now(dt.UTC)
    name = _name(ROOT_NAME)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return DemoCA(key=key, certificate=cert, directory=directory)
