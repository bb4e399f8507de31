"""Shared fixtures: personas with clear roles, in a small Vietnamese organisation.

- `central`: Ban Tuyên giáo Trung ương; `province`: Ban Tuyên giáo Tỉnh ủy Nghệ An, under it;
  `other_province`: Ban Tuyên giáo Tỉnh ủy Hà Tĩnh, a sibling.
- `clerk`, `leader`, `official`: members of `province`; `outsider`: an official of `other_province`;
  `citizen`: belongs to no unit; `admin`: a site administrator.
"""

from __future__ import annotations

from typing import Any

import pytest

from vcnet.accounts.models import Role, Unit, UnitLevel, User
from vcnet.accounts.tests.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture
def password() -> str:
    return TEST_PASSWORD


@pytest.fixture
def central(db: None) -> Unit:
    level = UnitLevel.objects.create(code="trung-uong", name="Trung ương", rank=0)
    return UnitFactory(
        code="btgtw", short_name="BTGTW", name="Ban Tuyên giáo Trung ương", level=level
    )


@pytest.fixture
def province(central: Unit) -> Unit:
    level = UnitLevel.objects.create(code="tinh", name="Tỉnh", rank=1)
    return UnitFactory(
        code="btg-nghe-an",
        short_name="BTGTU",
        name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        level=level,
        parent=central,
    )


@pytest.fixture
def other_province(province: Unit, central: Unit) -> Unit:
    return UnitFactory(
        code="btg-ha-tinh",
        short_name="BTGTU-HT",
        name="Ban Tuyên giáo Tỉnh ủy Hà Tĩnh",
        level=province.level,
        parent=central,
    )


def _member(unit: Unit, role: Role, full_name: str, email: str, title: str = "") -> User:
    user = UserFactory(full_name=full_name, email=email)
    MembershipFactory(user=user, unit=unit, role=role, title=title)
    return user


@pytest.fixture
def clerk(province: Unit) -> User:
    return _member(province, Role.CLERK, "Trần Thị Bình", "vanthu@nghean.vcnet.test", "Văn thư")


@pytest.fixture
def leader(province: Unit) -> User:
    return _member(
        province, Role.LEADER, "Nguyễn Văn An", "truongban@nghean.vcnet.test", "Trưởng ban"
    )


@pytest.fixture
def official(province: Unit) -> User:
    return _member(
        province, Role.OFFICIAL, "Lê Hoàng Cường", "chuyenvien@nghean.vcnet.test", "Chuyên viên"
    )


@pytest.fixture
def outsider(other_province: Unit) -> User:
    return _member(
        other_province,
        Role.OFFICIAL,
        "Phạm Thị Dung",
        "chuyenvien@hatinh.vcnet.test",
        "Chuyên viên",
    )


@pytest.fixture
def citizen(db: None) -> User:
    return UserFactory(full_name="Đỗ Minh Đức", email="congdan@example.vn", phone="+84912345678")


@pytest.fixture
def admin(db: None) -> User:
    return UserFactory(
        full_name="Quản Trị Viên", email="quantri@vcnet.test", is_staff=True, is_superuser=True
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Throttles and cached fragments never leak from one test into the next."""
    from django.core.cache import cache

    from vcnet.social.cards import local_clear
    from vcnet.social.feeds import snapshot

    cache.clear()
    local_clear()
    snapshot.local_clear()


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Official documents written by a test go to a temporary folder, never to var/."""
    location = tmp_path_factory.mktemp("private")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
