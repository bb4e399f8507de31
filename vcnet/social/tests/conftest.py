"""Service-level tests compare error messages in English (the msgids); pages and the API are
tested in the language a person gets, which the middleware sets per request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield
