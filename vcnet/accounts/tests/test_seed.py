"""`vcnet seed --demo`: a realistic organisation, loaded once, whose accounts can sign in."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from vcnet.accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, PEOPLE
from vcnet.accounts.models import Membership, Role, Unit, UnitLevel, User
from vcnet.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _seed(*, everything: bool = False) -> str:
    """The organisation alone unless `everything` (the apps' demo content takes minutes)."""
    out = StringIO()
    with translation.override("en"):
        call_command("seed", "--demo", *([] if everything else ["--organisation-only"]), stdout=out)
    return out.getvalue()


def test_the_demo_organisation_is_realistic() -> None:
    output = _seed()
    assert User.objects.count() >= 45
    assert UnitLevel.objects.count() >= 3
    merged = Unit.objects.get(code="btgtw")
    assert merged.name == "Ban Tuyên giáo Trung ương"
    assert merged.valid_to == dt.date(2025, 2, 28)
    central = Unit.objects.get(short_name="BTGDVTW")
    assert central.name == "Ban Tuyên giáo và Dân vận Trung ương"
    assert central.valid_from == dt.date(2025, 3, 1)
    today = Unit.objects.valid_on(dt.date(2026, 6, 1))
    assert today.filter(pk=central.pk).exists() and not today.filter(pk=merged.pk).exists()
    hanoi = Unit.objects.get(name="Ban Tuyên giáo và Dân vận Thành ủy Hà Nội")
    assert hanoi.parent == central and hanoi.path.startswith(central.path)
    wards = Unit.objects.filter(parent=hanoi)
    assert wards.count() >= 2 and all(w.path.startswith(hanoi.path) for w in wards)
    assert Unit.objects.filter(level__rank=1).count() >= 5
    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    titles = set(Membership.objects.values_list("title", flat=True))
    assert {"Trưởng ban", "Phó Trưởng ban", "Chánh Văn phòng", "Văn thư", "Chuyên viên"} <= titles
    assert User.objects.filter(is_superuser=True, is_staff=True).count() == 1
    assert User.objects.filter(memberships__isnull=True, is_superuser=False).count() >= 3
    assert User.objects.exclude(phone=None).count() >= 5
    assert all(u.email.endswith("@" + DEMO_DOMAIN) for u in User.objects.exclude(email=None))
    assert User.objects.filter(full_name="Nguyễn Văn Hùng").exists()
    # The command shows accounts to try and the password.
    assert "quantri@demo.vcnet.vn" in output and "Phạm Minh Tuấn" in output
    assert DEMO_PASSWORD in output


def test_demo_people_are_distinct_and_the_password_passes_the_validators() -> None:
    names = [p.full_name for p in PEOPLE]
    emails = [p.email for p in PEOPLE if p.email]
    assert len(set(names)) == len(names) and len(set(emails)) == len(emails)
    _seed()
    for user in User.objects.all():
        validate_password(DEMO_PASSWORD, user)


def test_seeding_twice_changes_nothing() -> None:
    """The whole demo (every app's content, as `make run` loads it), then again: no change."""
    _seed(everything=True)
    counts = (User.objects.count(), Unit.objects.count(), Membership.objects.count())
    entries = AuditEntry.objects.count()
    output = _seed(everything=True)
    assert "already loaded" in output
    assert "quantri@demo.vcnet.vn" in output and DEMO_PASSWORD in output
    assert (User.objects.count(), Unit.objects.count(), Membership.objects.count()) == counts
    assert AuditEntry.objects.count() == entries


def test_seeding_is_recorded_in_the_audit_log_and_the_chain_verifies() -> None:
    _seed()
    assert AuditEntry.objects.filter(action="unit.create").count() == Unit.objects.count()
    assert AuditEntry.objects.filter(action="membership.add").count() == Membership.objects.count()
    assert AuditEntry.objects.filter(action="user.create").count() == User.objects.count()
    out = StringIO()
    with translation.override("en"):
        call_command("audit", "verify", stdout=out)
    assert f"OK: {AuditEntry.objects.count()} entries verified." in out.getvalue()


def test_a_demo_account_signs_in_by_email_and_a_citizen_by_phone(client: Client) -> None:
    _seed()
    response = client.post(
        "/accounts/login/", {"login": "hungnv@demo.vcnet.vn", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    hung = User.objects.get(email="hungnv@demo.vcnet.vn")
    assert int(client.session["_auth_user_id"]) == hung.pk

    other = Client()
    response = other.post("/accounts/login/", {"login": "0912 000 401", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=other.session["_auth_user_id"]).full_name == "Đỗ Thị Hồng Nhung"


def test_a_wrong_password_does_not_sign_in(client: Client) -> None:
    _seed()
    response = client.post(
        "/accounts/login/", {"login": "hungnv@demo.vcnet.vn", "password": "sai-mat-khau-2026"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_seed_without_demo_says_what_to_do() -> None:
    with translation.override("en"), pytest.raises(CommandError, match="--demo"):
        call_command("seed")
    assert not Unit.objects.exists()


def test_a_clash_with_existing_accounts_loads_nothing() -> None:
    User.objects.create_user(
        "khoabv@demo.vcnet.vn", "Mật-khẩu-riêng-2026", full_name="Bạch Văn Khoa"
    )
    with (
        translation.override("en"),
        pytest.raises(CommandError, match=re.escape("khoabv@demo.vcnet.vn")),
    ):
        call_command("seed", "--demo", stdout=StringIO())
    assert not Unit.objects.exists()
    assert User.objects.count() == 1
