"""Fixtures of the opinion tests."""

from __future__ import annotations

import pytest

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def analyst(province: Unit) -> User:
    """An analyst of the Nghệ An unit (its region: Nghệ An)."""
    user = UserFactory(full_name="Hoàng Thị Lan", email="phantich@nghean.vcnet.test")
    MembershipFactory(user=user, unit=province, role=Role.ANALYST, title="Chuyên viên phân tích")
    return user
