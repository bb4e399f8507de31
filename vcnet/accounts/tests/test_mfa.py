"""Second factors: TOTP enrolment with its code, sign-in with TOTP or a recovery code, roles."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from vcnet.accounts.mfa_policy import recovery_codes_of, totp_code, totp_enrol
from vcnet.accounts.models import User
from vcnet.core.models import AuditEntry

LOGIN_URL = reverse("accounts:login")
MFA_URL = reverse("mfa_authenticate")


def _password_step(client: Client, user: User, password: str):
    return client.post(LOGIN_URL, {"login": user.email, "password": password})


def test_totp_enrolment_through_the_pages(
    client: Client, official: User, password: str, django_capture_on_commit_callbacks
) -> None:
    _password_step(client, official, password)
    # Adding a factor asks for the password again (allauth's reauthentication).
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": password})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=official, type="totp").exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=official, type="totp").exists()
    types = AuditEntry.objects.filter(action="auth.mfa_activated", actor_id=official.pk)
    assert {entry.data["type"] for entry in types} == {"totp", "recovery_codes"}


def test_sign_in_asks_for_the_code_after_the_password(
    client: Client, leader: User, password: str
) -> None:
    secret = totp_enrol(leader)
    response = _password_step(client, leader, password)
    assert response.status_code == 302
    assert response["Location"] == MFA_URL
    assert "_auth_user_id" not in client.session

    wrong = client.post(MFA_URL, {"code": "123456"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.mfa_failed").exists()

    # The code of the next 30-second step would be refused; the current one works.
    response = client.post(MFA_URL, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == leader.pk
    assert AuditEntry.objects.filter(action="auth.login", actor_id=leader.pk).exists()


def test_code_from_another_time_step_is_refused(
    client: Client, leader: User, password: str
) -> None:
    secret = totp_enrol(leader)
    _password_step(client, leader, password)
    client.post(MFA_URL, {"code": totp_code(secret, at=time.time() - 300)})
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_signs_in_once(client: Client, leader: User, password: str) -> None:
    totp_enrol(leader)
    code = recovery_codes_of(leader)[0]
    _password_step(client, leader, password)
    assert client.post(MFA_URL, {"code": code}).status_code == 302
    assert int(client.session["_auth_user_id"]) == leader.pk
    assert AuditEntry.objects.filter(action="auth.recovery_code_used", actor_id=leader.pk).exists()

    other = Client()
    _password_step(other, leader, password)
    other.post(MFA_URL, {"code": code})
    assert "_auth_user_id" not in other.session


@pytest.fixture
def mfa_roles(settings) -> None:
    settings.MFA_REQUIRED_ROLES = ["leader", "clerk", "unit_admin"]
    settings.MFA_REQUIRED_FOR_SUPERUSERS = True


def test_required_role_is_sent_to_setup_until_enrolled(
    client: Client, clerk: User, mfa_roles: None
) -> None:
    client.force_login(clerk)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 302
    totp_enrol(clerk)
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_superuser_must_enrol_too(client: Client, admin: User, mfa_roles: None) -> None:
    client.force_login(admin)
    assert client.get(reverse("accounts:profile"))["Location"] == reverse("mfa_index")


def test_other_roles_may_skip_mfa(
    client: Client, official: User, citizen: User, mfa_roles: None
) -> None:
    for user in (official, citizen):
        client.force_login(user)
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_required_role_cannot_remove_its_only_factor(
    client: Client, leader: User, password: str, mfa_roles: None
) -> None:
    secret = totp_enrol(leader)
    _password_step(client, leader, password)
    client.post(MFA_URL, {"code": totp_code(secret)})
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=leader, type="totp").exists()
