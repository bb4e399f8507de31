"""signers.signer_open for keys the server holds: platform certificates and PKCS#12 imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.signing import ca, pades, signers
from vcnet.signing.errors import CertificateUnusable, SigningError, WrongPin
from vcnet.signing.models import Certificate
from vcnet.signing.tests._softhsm import (
    TestCA,
    pdf_make,
    pdfsig_report,
    pyhanko_status,
    test_ca,  # noqa: F401  (fixture)
)
from vcnet.signing.tests.conftest import TEST_PIN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _level_bb(settings: Any) -> None:
    settings.SIGNING_LEVEL = "B-B"  # levels are pades' business; keep these fast


def test_platform_certificate_signs_and_is_valid(
    leader: User, leader_cert: Callable[..., Certificate], tmp_path: Path
) -> None:
    certificate = leader_cert(leader)

    with signers.signer_open(certificate, pin=TEST_PIN) as signer:
        signed = pades.pdf_sign(pdf_make(), signer=signer)

    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid." in pdfsig_report(signed, tmp_path)
    assert "Nguyễn Văn An" in pdfsig_report(signed, tmp_path)


def test_one_signer_signs_a_whole_batch_with_the_key_loaded_once(
    leader: User, leader_cert: Callable[..., Certificate], monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = leader_cert(leader)
    from vcnet.signing import keys

    unlocks: list[int] = []
    real_decrypt = keys.key_decrypt

    def counting(stored: str, *, pin: str | None = None) -> Any:
        unlocks.append(1)
        return real_decrypt(stored, pin=pin)

    monkeypatch.setattr(keys, "key_decrypt", counting)
    with signers.signer_open(certificate, pin=TEST_PIN) as signer:
        results = [pades.pdf_sign(pdf_make(f"Van ban so {i}"), signer=signer) for i in range(3)]

    assert len(unlocks) == 1
    assert all(b"/ByteRange" in pdf for pdf in results)


def test_seal_certificate_needs_no_pin(
    province: Unit, seal_cert: Callable[..., Certificate]
) -> None:
    certificate = seal_cert(province)

    with signers.signer_open(certificate) as signer:
        signed = pades.pdf_sign(pdf_make(), signer=signer)

    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid


def test_wrong_pin_is_refused_clearly(
    leader: User, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)

    with pytest.raises(WrongPin) as wrong, signers.signer_open(certificate, pin="000000"):
        pytest.fail("a wrong PIN opened the key")
    with pytest.raises(WrongPin) as missing, signers.signer_open(certificate, pin=None):
        pytest.fail("no PIN opened the key")

    assert str(wrong.value.message) == "The PIN is wrong."
    assert "PIN" in str(missing.value.message)


def test_revoked_certificate_cannot_sign(
    leader: User, admin: User, leader_cert: Callable[..., Certificate]
) -> None:
    certificate = leader_cert(leader)
    ca.certificate_revoke(actor=admin, certificate=certificate, reason="Mất thiết bị")

    with (
        pytest.raises(CertificateUnusable, match="revoked"),
        signers.signer_open(Certificate.objects.get(pk=certificate.pk), pin=TEST_PIN),
    ):
        pytest.fail("a revoked certificate signed")


def test_expired_certificate_cannot_sign(
    leader: User,
    leader_cert: Callable[..., Certificate],
    test_ca: TestCA,  # noqa: F811
) -> None:
    certificate = leader_cert(leader)
    # The same certificate as it looks a year later: past its end.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    expired = test_ca.issue(
        key.public_key(),
        common_name="Nguyễn Văn An",
        days=30,
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400),
    )
    Certificate.objects.filter(pk=certificate.pk).update(
        certificate_pem=expired, not_after=timezone.now() - dt.timedelta(days=370)
    )

    with (
        pytest.raises(CertificateUnusable),
        signers.signer_open(Certificate.objects.get(pk=certificate.pk), pin=TEST_PIN),
    ):
        pytest.fail("an expired certificate signed")


def test_pkcs12_import_signs_with_its_pin(leader: User, tmp_path: Path, test_ca: TestCA) -> None:  # noqa: F811
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert_pem = test_ca.issue(key.public_key(), common_name="Nguyễn Văn An")
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    data = pkcs12.serialize_key_and_certificates(
        b"nguyenvanan",
        key,
        cert,
        [test_ca.issuing],
        serialization.BestAvailableEncryption(b"mat-khau-tep"),
    )
    certificate = ca.certificate_import_pkcs12(
        actor=leader, data=data, password="mat-khau-tep", pin="135790"
    )

    with signers.signer_open(certificate, pin="135790") as signer:
        signed = pades.pdf_sign(pdf_make(), signer=signer)
    with pytest.raises(WrongPin), signers.signer_open(certificate, pin="999999"):
        pytest.fail("a wrong PIN opened the PKCS#12 key")

    status: Any = pyhanko_status(signed, test_ca.root_pem)
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid." in pdfsig_report(signed, tmp_path)
    assert signed.startswith(b"%PDF")


def test_remote_certificate_has_no_signer_here(
    leader: User,
    test_ca: TestCA,  # noqa: F811
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = ca.certificate_register_external(
        actor=leader,
        certificate_pem=test_ca.issue(key.public_key(), common_name="Nguyễn Văn An"),
        chain_pem=test_ca.chain_pem,
        source="remote",
        provider="agent",
    )

    with pytest.raises(SigningError, match="signing request"), signers.signer_open(certificate):
        pytest.fail("a remote certificate signed on the server")
