"""Fixtures for moderation: the social world of `conftest_mod.py`, English messages in services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from vcnet.moderation.tests.conftest_mod import mod  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield
