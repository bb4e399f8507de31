"""Signing in and out through the web pages, with the failure throttle."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.core.models import AuditEntry

LOGIN_URL = reverse("accounts:login")


def _login(client: Client, login: str, password: str, ip: str = "127.0.0.1", **extra: str):
    return client.post(LOGIN_URL, {"login": login, "password": password, **extra}, REMOTE_ADDR=ip)


def _signed_in_as(client: Client) -> User | None:
    response = client.get(reverse("accounts:profile"))
    return response.wsgi_request.user if response.status_code == 200 else None


@pytest.fixture
def limit(settings) -> int:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW = 900
    return 3


def test_login_page_has_one_box_for_email_or_phone(client: Client, db: None) -> None:
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == ["login", "password", "remember"]
    html = response.content.decode()
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert reverse("accounts:password_reset") in html


def test_login_page_is_in_vietnamese(client: Client, db: None) -> None:
    """Needs the translation merge (locale-drafts/accounts.po)."""
    html = client.get(LOGIN_URL).content.decode()
    assert "Email hoặc số điện thoại" in html
    assert "Mật khẩu" in html
    assert "Quên mật khẩu?" in html


def test_sign_in_by_email(client: Client, leader: User, password: str) -> None:
    response = _login(client, "TruongBan@NgheAn.vcnet.test ", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert _signed_in_as(client) == leader


def test_sign_in_by_phone_number_as_people_write_it(
    client: Client, citizen: User, password: str
) -> None:
    response = _login(client, "0912 345 678", password)
    assert response.status_code == 302
    assert _signed_in_as(client) == citizen
    client.post(reverse("accounts:logout"))
    assert _login(client, "+84 912-345-678", password).status_code == 302


def test_wrong_password_gets_a_message_that_reveals_nothing(
    client: Client, leader: User, password: str
) -> None:
    wrong = _login(client, leader.email or "", "not-the-password")
    unknown = _login(client, "khongtontai@vcnet.test", password)
    assert wrong.status_code == unknown.status_code == 200
    assert _signed_in_as(client) is None
    wrong_errors = wrong.context["form"].non_field_errors()
    assert wrong_errors == unknown.context["form"].non_field_errors()
    assert wrong_errors.as_data()[0].code == "email_password_mismatch"
    html = wrong.content.decode()
    assert 'role="alert"' in html
    assert 'aria-describedby="login-error"' in html
    assert 'aria-invalid="true"' in html


def test_wrong_password_message_is_vietnamese(client: Client, leader: User) -> None:
    """Needs the translation merge (locale-drafts/accounts.po)."""
    html = _login(client, leader.email or "", "not-the-password").content.decode()
    assert "không khớp" in html


def test_empty_form_is_not_counted_as_a_failure(client: Client, leader: User, limit: int) -> None:
    for _ in range(limit + 1):
        response = _login(client, leader.email or "", "")
        assert response.status_code == 200
    assert not AuditEntry.objects.filter(action="auth.login_failed").exists()


def test_throttle_refuses_even_the_right_password_after_the_limit(
    client: Client, leader: User, official: User, password: str, limit: int
) -> None:
    for _ in range(limit):
        assert _login(client, leader.email or "", "sai-mat-khau").status_code == 200

    refused = _login(client, leader.email or "", password)
    assert refused.status_code == 429
    assert _signed_in_as(client) is None
    assert int(refused["Retry-After"]) > 800
    html = refused.content.decode()
    assert "15" in html  # minutes to wait
    assert 'role="alert"' in html

    # The same login from elsewhere is still refused; the address is refused for others too.
    assert _login(client, leader.email or "", password, ip="10.9.9.9").status_code == 429
    assert _login(client, official.email or "", password).status_code == 429

    # A different person from another address is unaffected.
    response = _login(client, official.email or "", password, ip="10.1.2.3")
    assert response.status_code == 302
    assert _signed_in_as(client) == official


def test_throttle_counts_a_phone_number_however_it_is_written(
    client: Client, citizen: User, password: str, limit: int
) -> None:
    for index, written in enumerate(["0912 345 678", "+84912345678", "84 912 345 678"]):
        _login(client, written, "sai-mat-khau", ip=f"10.0.0.{index + 1}")
    assert _login(client, "0912345678", password, ip="10.0.0.99").status_code == 429


def test_success_clears_the_login_counter(
    client: Client, leader: User, password: str, limit: int
) -> None:
    # Each attempt from its own address, so only the login's own counter matters.
    for index in range(limit - 1):
        _login(client, leader.email or "", "sai-mat-khau", ip=f"10.0.1.{index}")
    assert _login(client, leader.email or "", password, ip="10.0.2.1").status_code == 302
    client.post(reverse("accounts:logout"))
    for index in range(limit - 1):
        _login(client, leader.email or "", "sai-mat-khau", ip=f"10.0.3.{index}")
    assert _login(client, leader.email or "", password, ip="10.0.4.1").status_code == 302


def test_audit_log_records_sign_in_events_without_passwords(
    client: Client, leader: User, password: str, limit: int
) -> None:
    _login(client, leader.email or "", "Bi-mat-sai-123")
    _login(client, leader.email or "", password)
    client.post(reverse("accounts:logout"))
    for _ in range(limit):
        _login(client, "khongtontai@vcnet.test", "Bi-mat-sai-123", ip="10.5.5.5")
    # Refused attempts are logged once a minute, however many there are.
    for _ in range(3):
        _login(client, "khongtontai@vcnet.test", "Bi-mat-sai-123", ip="10.5.5.5")

    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("auth.login_failed") == 1 + limit
    assert actions.count("auth.login") == 1
    assert actions.count("auth.logout") == 1
    assert actions.count("auth.login_throttled") == 1
    success = AuditEntry.objects.get(action="auth.login")
    assert success.actor_id == leader.pk
    assert success.ip == "127.0.0.1"
    everything = json.dumps(list(AuditEntry.objects.values("data")), ensure_ascii=False)
    assert "Bi-mat-sai-123" not in everything
    assert password not in everything


def test_remember_me_keeps_the_session_after_the_browser_closes(
    client: Client, leader: User, password: str
) -> None:
    _login(client, leader.email or "", password)
    assert client.session.get_expire_at_browser_close()
    client.post(reverse("accounts:logout"))
    _login(client, leader.email or "", password, remember="on")
    assert not client.session.get_expire_at_browser_close()


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/accounts/profile/", "/accounts/profile/"),
        ("https://lua-dao.example/dang-nhap", "/"),
        ("//lua-dao.example/", "/"),
    ],
)
def test_next_is_followed_only_within_the_site(
    client: Client, leader: User, password: str, next_url: str, expected: str
) -> None:
    response = _login(client, leader.email or "", password, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == expected


def test_logout_by_get_only_asks_for_confirmation(client: Client, leader: User) -> None:
    client.force_login(leader)
    response = client.get(reverse("accounts:logout"))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert _signed_in_as(client) == leader


def test_logout_needs_the_csrf_token(leader: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert _signed_in_as(client) == leader


def test_logout_by_post_signs_out(client: Client, leader: User) -> None:
    client.force_login(leader)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert _signed_in_as(client) is None
