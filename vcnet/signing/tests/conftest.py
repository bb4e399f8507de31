"""Signing fixtures: the platform CA, a leader's personal certificate, a unit's seal certificate.

Generating the CA's keys costs about a second, so the certificates and encrypted keys are made
once per test session and inserted into each test's database (`platform_ca`). Other apps' tests
use them with `from vcnet.signing.tests.conftest import platform_ca, leader_cert, seal_cert`.

    def test_sign(leader, leader_cert):
        cert = leader_cert(leader)              # PIN "123456"
        cert = leader_cert(leader, pin="246810")

    def test_seal(province, seal_cert):
        cert = seal_cert(province)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import translation

from vcnet.accounts.models import Unit, User
from vcnet.signing import ca
from vcnet.signing.authority import AuthorityMaterial
from vcnet.signing.models import Authority, Certificate

TEST_PIN = "123456"

_MATERIAL: list[AuthorityMaterial] = []


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Service messages in English for the assertions (pages choose their own language)."""
    with translation.override("en"):
        yield


def platform_material() -> list[AuthorityMaterial]:
    """The platform CA's certificates and keys, generated once per test session."""
    if not _MATERIAL:
        _MATERIAL.extend(ca.authority_material(name="VCNET Test Root CA", organisation="VCNET"))
    return _MATERIAL


@pytest.fixture
def platform_ca(db: None) -> Authority:
    """The platform CA set up in this test's database; returns the issuing CA."""
    return ca.authority_init(material=platform_material())


@pytest.fixture
def leader_cert(platform_ca: Authority) -> Callable[..., Certificate]:
    """A factory: `leader_cert(user, pin="123456")` issues that person a platform certificate."""

    def make(user: User, pin: str = TEST_PIN, **kwargs: Any) -> Certificate:
        return ca.certificate_issue_personal(actor=user, user=user, pin=pin, **kwargs)

    return make


@pytest.fixture
def seal_cert(platform_ca: Authority) -> Callable[..., Certificate]:
    """A factory: `seal_cert(unit)` issues that unit a seal certificate (as the system)."""

    def make(unit: Unit, **kwargs: Any) -> Certificate:
        return ca.certificate_issue_seal(actor=None, unit=unit, **kwargs)

    return make
