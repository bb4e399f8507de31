"""Fixtures for moderation: the social world of `conftest_mod.py`, English messages in services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from vcnet.moderation.defaults import reasons_ensure
from vcnet.moderation.tests.conftest_mod import mod  # noqa: F401  (a fixture)


@pytest.fixture(autouse=True)
def _default_reasons(request: pytest.FixtureRequest) -> None:
    """The reasons of migration 0002, which a transactional test elsewhere may have flushed away."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        return
    if names & {"transactional_db", "live_server"} or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    reasons_ensure()


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    with translation.override("en"):
        yield
