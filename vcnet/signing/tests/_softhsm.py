"""A SoftHSM2 token for the tests: a key pair on the token and a certificate for it.

`softhsm` (session-scoped) initialises a token in a temporary token store (SOFTHSM2_CONF points
at it before the PKCS#11 module is first loaded), generates an RSA key pair on it with
python-pkcs11 and issues a certificate for the token's public key from a small test CA (root +
issuing, made with `cryptography`). Tests skip, saying why, when softhsm2-util is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "vcnet-token"
KEY_LABEL = "chu-ky-so"
USER_PIN = "246810"
SO_PIN = "13579086"


@dataclass(frozen=True)
class SoftToken:
    """Where the test token is, how to unlock it, its public key and a test CA's certificate
    for it (tests with a database issue one from the platform CA: `token_certificate`)."""

    module: str
    label: str
    key_label: str
    pin: str
    public_key: rsa.RSAPublicKey
    certificate_pem: str
    chain_pem: str
    root_pem: str
    conf: Path


@dataclass(frozen=True)
class TestCA:
    """A root and an issuing CA for certificates whose keys live outside the platform."""

    root_key: rsa.RSAPrivateKey
    root: x509.Certificate
    issuing_key: rsa.RSAPrivateKey
    issuing: x509.Certificate

    @property
    def root_pem(self) -> str:
        return self.root.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def chain_pem(self) -> str:
        return self.issuing.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def issue(
        self,
        public_key: rsa.RSAPublicKey,
        *,
        common_name: str,
        days: int = 365,
        not_before: dt.datetime | None = None,
    ) -> str:
        """A signing certificate (digitalSignature + nonRepudiation) for `public_key`, as PEM."""
        start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        cert = (
            x509.CertificateBuilder()
            .subject_name(
                x509.Name(
                    [
                        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Ban Tuyên giáo Tỉnh ủy"),
                        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                    ]
                )
            )
            .issuer_name(self.issuing.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=days))
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
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.issuing_key.public_key()),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .sign(self.issuing_key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def platform_certificate_pem(public_key: rsa.RSAPublicKey, *, common_name: str) -> tuple[str, str]:
    """A certificate for `public_key` from the platform CA (set up in the test's database), as
    the PEM of the certificate and of its chain."""
    from vcnet.signing import ca
    from vcnet.signing.authority import name_build

    cert, issuing = ca._issue(
        subject=name_build(common_name=common_name, organisation="Ban Tuyên giáo Tỉnh ủy Nghệ An"),
        public_key=public_key,
        years=1,
    )
    chain = "".join(
        c.public_bytes(serialization.Encoding.PEM).decode("ascii")
        for c in ca._platform_chain(issuing)
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii"), chain


def _ca_cert(
    key: rsa.RSAPrivateKey, name: str, issuer_key: rsa.RSAPrivateKey, issuer: x509.Name | None
) -> x509.Certificate:
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VCNET thử nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer or subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
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
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def test_ca_make() -> TestCA:
    """A fresh test root and issuing CA."""
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = _ca_cert(root_key, "Gốc thử nghiệm VCNET", root_key, None)
    issuing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    issuing = _ca_cert(issuing_key, "CA cấp dưới thử nghiệm", root_key, root.subject)
    return TestCA(root_key=root_key, root=root, issuing_key=issuing_key, issuing=issuing)


test_ca_make.__test__ = False  # type: ignore[attr-defined]  # not a test, despite the name
TestCA.__test__ = False  # type: ignore[attr-defined]


def softhsm_available() -> str | None:
    """Why SoftHSM tests cannot run here, or None."""
    if shutil.which("softhsm2-util") is None:
        return "softhsm2-util is not installed (Debian package softhsm2)"
    if not Path(SOFTHSM_MODULE).exists():
        return f"the SoftHSM PKCS#11 module {SOFTHSM_MODULE} is missing"
    return None


def token_init(conf_dir: Path, *, label: str = TOKEN_LABEL, pin: str = USER_PIN) -> Path:
    """A token store in `conf_dir` with one initialised token; returns the config file."""
    tokens = conf_dir / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = conf_dir / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            pin,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    return conf


def keypair_generate(*, label: str, key_label: str, pin: str) -> rsa.RSAPublicKey:
    """An RSA-2048 key pair on the token; returns the public half."""
    import pkcs11
    from pkcs11 import Attribute, KeyType

    lib = pkcs11.lib(SOFTHSM_MODULE)
    token = lib.get_token(token_label=label)
    with token.open(user_pin=pin, rw=True) as session:
        public, _private = session.generate_keypair(
            KeyType.RSA, 2048, label=key_label, id=b"\x01", store=True
        )
        modulus = int.from_bytes(public[Attribute.MODULUS], "big")
        exponent = int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big")
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


@pytest.fixture(scope="session")
def test_ca() -> TestCA:
    return _test_ca_shared()


@functools.cache
def _test_ca_shared() -> TestCA:
    """One test CA per process, like the token whose certificate it issues."""
    return test_ca_make()


_TOKEN: list[SoftToken] = []  # one token per test process: see `softhsm`


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory: pytest.TempPathFactory, test_ca: TestCA) -> SoftToken:
    """A SoftHSM2 token holding an RSA key, with a certificate for that key.

    One per process, whichever test module asks first: SoftHSM reads SOFTHSM2_CONF only when
    the PKCS#11 module is first loaded, and the module stays loaded, so a second token store
    would be invisible (this fixture is imported into several modules, each its own "session"
    fixture as far as pytest knows)."""
    reason = softhsm_available()
    if reason:
        pytest.skip(reason)
    if _TOKEN:
        return _TOKEN[0]
    conf = token_init(tmp_path_factory.mktemp("softhsm"))
    os.environ["SOFTHSM2_CONF"] = str(conf)
    public = keypair_generate(label=TOKEN_LABEL, key_label=KEY_LABEL, pin=USER_PIN)
    _TOKEN.append(
        SoftToken(
            module=SOFTHSM_MODULE,
            label=TOKEN_LABEL,
            key_label=KEY_LABEL,
            pin=USER_PIN,
            public_key=public,
            certificate_pem=test_ca.issue(public, common_name="Nguyễn Văn An"),
            chain_pem=test_ca.chain_pem,
            root_pem=test_ca.root_pem,
            conf=conf,
        )
    )
    return _TOKEN[0]


# --- Checking what was signed -----------------------------------------------------------------
def pdf_make(text: str = "QUYET DINH ve viec ban hanh quy che") -> bytes:
    """A one-page PDF to sign."""
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 760, "BAN TUYEN GIAO TINH UY NGHE AN")
    page.drawString(72, 700, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def pdfsig_report(data: bytes, tmp_path: Path) -> str:
    """poppler's `pdfsig` output for the PDF (skips the test when pdfsig is missing)."""
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig is not installed (Debian package poppler-utils)")
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdfsig", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout + result.stderr


def pyhanko_status(data: bytes, root_pem: str, index: int = -1) -> object:
    """pyHanko's validation of one signature, trusting `root_pem`."""
    import io

    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _type, _headers, der = asn1_pem.unarmor(root_pem.encode("ascii"))
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    reader = PdfFileReader(io.BytesIO(data))
    return validate_pdf_signature(reader.embedded_signatures[index], context)
