"""Citizen self-registration: verification e-mail, honeypot, proof of work, e-mail change."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from vcnet.accounts import pow
from vcnet.accounts.models import User
from vcnet.core.models import AuditEntry

SIGNUP_URL = reverse("accounts:signup")
PASSWORD = "Hoa-sen-nở-2026"


@pytest.fixture(autouse=True)
def _easy_proof(settings) -> None:
    settings.SIGNUP_POW_BITS = 8


def _form(client: Client, **extra: str) -> dict[str, str]:
    page = client.get(SIGNUP_URL)
    challenge = page.context["form"].pow_challenge
    data = {
        "full_name": "Vũ Thị Lan",
        "email": "vuthilan@example.vn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "pow_challenge": challenge,
        "pow_nonce": pow.solve(challenge),
    }
    data.update(extra)
    return data


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", body)
    assert match, body
    return match.group(1)


def test_signup_verify_then_sign_in(client: Client, db: None, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGNUP_URL, _form(client))
    assert response.status_code == 302
    user = User.objects.get(email="vuthilan@example.vn")
    assert user.full_name == "Vũ Thị Lan"
    assert "_auth_user_id" not in client.session  # not before the address is confirmed

    # Signing in before confirming only sends the link again.
    refused = Client().post(
        reverse("accounts:login"), {"login": "vuthilan@example.vn", "password": PASSWORD}
    )
    assert refused.status_code == 302
    assert refused["Location"] == reverse("account_email_verification_sent")

    assert mail.outbox[0].to == ["vuthilan@example.vn"]
    link = _link(mail.outbox[0].body)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302

    signed_in = Client()
    response = signed_in.post(
        reverse("accounts:login"), {"login": "VuThiLan@example.vn", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert int(signed_in.session["_auth_user_id"]) == user.pk
    assert AuditEntry.objects.filter(action="auth.signup", actor_id=user.pk).exists()
    assert AuditEntry.objects.filter(action="auth.email_confirmed", actor_id=user.pk).exists()


def test_signup_page_explains_javascript_is_needed(client: Client, db: None) -> None:
    html = client.get(SIGNUP_URL).content.decode()
    assert "<noscript>" in html
    assert "accounts/pow.js" in html
    assert 'name="pow_challenge"' in html


def test_signup_without_proof_of_work_is_refused(client: Client, db: None) -> None:
    response = client.post(SIGNUP_URL, _form(client, pow_nonce=""))
    assert response.status_code == 200
    assert "JavaScript" in str(response.context["form"].non_field_errors())
    assert not User.objects.filter(email="vuthilan@example.vn").exists()


def test_a_proof_works_only_once(client: Client, db: None) -> None:
    data = _form(client)
    assert client.post(SIGNUP_URL, data).status_code == 302
    again = {**data, "email": "nguoikhac@example.vn"}
    assert client.post(SIGNUP_URL, again).status_code == 200
    assert not User.objects.filter(email="nguoikhac@example.vn").exists()


def test_honeypot_pretends_success_but_creates_nobody(client: Client, db: None) -> None:
    response = client.post(SIGNUP_URL, _form(client, website="http://spam.example"))
    assert response.status_code == 302
    assert not User.objects.filter(email="vuthilan@example.vn").exists()
    assert mail.outbox == []


def test_weak_password_gets_the_validators_message(client: Client, db: None) -> None:
    response = client.post(
        SIGNUP_URL, _form(client, password1="password123", password2="password123")
    )
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["password1"]]
    assert "password_too_common" in codes


def test_signup_is_rate_limited_per_address(client: Client, db: None, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": None, "signup": "2/m/ip"}
    for n in range(2):
        client.post(SIGNUP_URL, _form(client, email=f"nguoi{n}@example.vn"))
    response = client.post(SIGNUP_URL, _form(client, email="nguoi9@example.vn"))
    assert response.status_code == 429
    assert not User.objects.filter(email="nguoi9@example.vn").exists()


def test_email_change_needs_the_new_address_confirmed(
    client: Client, official: User, password: str, django_capture_on_commit_callbacks
) -> None:
    client.post(reverse("accounts:login"), {"login": official.email, "password": password})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:email"), {"action_add": "", "email": "moi@nghean.vcnet.test"}
        )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.email == "chuyenvien@nghean.vcnet.test"  # unchanged until confirmed
    confirm = next(m for m in mail.outbox if m.to == ["moi@nghean.vcnet.test"])
    link = _link(confirm.body)
    assert client.post(link).status_code == 302
    official.refresh_from_db()
    assert official.email == "moi@nghean.vcnet.test"
    assert AuditEntry.objects.filter(action="auth.email_change", actor_id=official.pk).exists()
