"""Service-level tests compare error messages in English (the msgids); pages and the API are
tested in the language a person gets, which the middleware sets per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _issue_without_seal(settings: Any) -> None:
    """The e-office tests issue plain PDFs from units without a seal certificate; the signing
    tests (`test_signing.py`) set this back to the default, which refuses that."""
    settings.SIGNING_ISSUE_WITHOUT_SEAL = True
