"""Signing on a PKCS#11 token (SoftHSM2) through signers.signer_open, end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vcnet.accounts.models import User
from vcnet.signing import ca, pades, signers
from vcnet.signing.errors import SigningError, WrongPin
from vcnet.signing.models import Authority, Certificate
from vcnet.signing.tests._softhsm import (
    SoftToken,
    pdf_make,
    pdfsig_report,
    platform_certificate_pem,
    pyhanko_status,
    softhsm,  # noqa: F401  (fixture)
    test_ca,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_certificate(
    leader: User,
    platform_ca: Authority,
    softhsm: SoftToken,  # noqa: F811
) -> Certificate:
    """The leader's token, registered with a platform certificate for the token's key."""
    cert_pem, chain_pem = platform_certificate_pem(softhsm.public_key, common_name="Nguyễn Văn An")
    return ca.certificate_register_external(
        actor=leader,
        certificate_pem=cert_pem,
        chain_pem=chain_pem,
        source="pkcs11",
        pkcs11_module=softhsm.module,
        pkcs11_token=softhsm.label,
        pkcs11_key=softhsm.key_label,
    )


def test_token_signs_a_pdf_valid_for_pyhanko_and_pdfsig(
    token_certificate: Certificate,
    softhsm: SoftToken,  # noqa: F811
    tmp_path: Path,
) -> None:
    with signers.signer_open(token_certificate, pin=softhsm.pin) as signer:
        signed = pades.pdf_sign(pdf_make(), signer=signer, level="B-T")

    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid and status.trusted
    assert status.timestamp_validity is not None
    report = pdfsig_report(signed, tmp_path)
    assert "Signature is Valid." in report
    assert "Nguyễn Văn An" in report


def test_token_signs_at_the_platform_level_b_lt(
    token_certificate: Certificate,
    softhsm: SoftToken,  # noqa: F811
    tmp_path: Path,
) -> None:
    with signers.signer_open(token_certificate, pin=softhsm.pin) as signer:
        signed = pades.pdf_sign(pdf_make(), signer=signer, level="B-LT")

    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid and status.trusted
    assert "Signature is Valid." in pdfsig_report(signed, tmp_path)


def test_one_session_signs_a_batch(
    token_certificate: Certificate,
    softhsm: SoftToken,  # noqa: F811
) -> None:
    with signers.signer_open(token_certificate, pin=softhsm.pin) as signer:
        signed = [
            pades.pdf_sign(pdf_make(f"Van ban {i}"), signer=signer, level="B-B") for i in range(3)
        ]

    for pdf in signed:
        status: Any = pyhanko_status(pdf, ca.platform_root_pem())
        assert status.intact and status.valid


def test_key_found_by_the_certificate_when_no_label_is_given(
    token_certificate: Certificate,
    softhsm: SoftToken,  # noqa: F811
) -> None:
    Certificate.objects.filter(pk=token_certificate.pk).update(pkcs11_key="")
    certificate = Certificate.objects.get(pk=token_certificate.pk)

    with signers.signer_open(certificate, pin=softhsm.pin) as signer:
        signed = pades.pdf_sign(pdf_make(), signer=signer, level="B-B")

    status: Any = pyhanko_status(signed, ca.platform_root_pem())
    assert status.intact and status.valid


def test_wrong_pin_gives_wrong_pin_and_no_file(
    token_certificate: Certificate,
    tmp_path: Path,
    settings: Any,
) -> None:
    outputs: list[bytes] = []
    with pytest.raises(WrongPin) as caught:  # noqa: SIM117  (the signing never starts)
        with signers.signer_open(token_certificate, pin="000000") as signer:
            outputs.append(pades.pdf_sign(pdf_make(), signer=signer, level="B-B"))

    assert str(caught.value.message) == "The PIN is wrong."
    assert outputs == []
    location = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    assert not any(path.is_file() for path in location.rglob("*"))


def test_missing_pin_is_asked_for(token_certificate: Certificate) -> None:
    with pytest.raises(WrongPin, match="PIN"), signers.signer_open(token_certificate, pin=""):
        pytest.fail("the token opened without a PIN")


def test_a_driver_off_the_allowed_list_is_refused(
    token_certificate: Certificate,
    settings: Any,
    softhsm: SoftToken,  # noqa: F811
) -> None:
    settings.SIGNING_PKCS11_MODULES = ["/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"]

    with (
        pytest.raises(SigningError, match="not allowed"),
        signers.signer_open(token_certificate, pin=softhsm.pin),
    ):
        pytest.fail("a driver off the list was loaded")


def test_an_absent_token_is_reported(
    token_certificate: Certificate,
    softhsm: SoftToken,  # noqa: F811
) -> None:
    Certificate.objects.filter(pk=token_certificate.pk).update(pkcs11_token="token-khac")
    certificate = Certificate.objects.get(pk=token_certificate.pk)

    with (
        pytest.raises(SigningError, match="not plugged in"),
        signers.signer_open(certificate, pin=softhsm.pin),
    ):
        pytest.fail("signed on a token that is not there")


def test_an_unknown_key_label_is_reported(
    token_certificate: Certificate,
    softhsm: SoftToken,  # noqa: F811
) -> None:
    Certificate.objects.filter(pk=token_certificate.pk).update(pkcs11_key="khoa-khac")
    certificate = Certificate.objects.get(pk=token_certificate.pk)

    with (
        pytest.raises(SigningError, match="no key"),
        signers.signer_open(certificate, pin=softhsm.pin),
    ):
        pytest.fail("signed with a key that is not there")


def test_revoked_token_certificate_cannot_sign(
    token_certificate: Certificate,
    admin: User,
    softhsm: SoftToken,  # noqa: F811
) -> None:
    from vcnet.signing.errors import CertificateUnusable

    ca.certificate_revoke(actor=admin, certificate=token_certificate, reason="Mất token")

    with (
        pytest.raises(CertificateUnusable),
        signers.signer_open(Certificate.objects.get(pk=token_certificate.pk), pin=softhsm.pin),
    ):
        pytest.fail("a revoked certificate signed")
