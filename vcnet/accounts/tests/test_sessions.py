"""Signed-in devices, "sign out everywhere else", and the e-mail about a new device."""

from __future__ import annotations

from django.core import mail
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.core.models import AuditEntry

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


def _sign_in(user: User, password: str, agent: str, ip: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    response = client.post(reverse("accounts:login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    return client


def test_sessions_page_lists_devices_and_signs_out_the_others(
    official: User, password: str
) -> None:
    laptop = _sign_in(official, password, FIREFOX, "10.0.0.5")
    phone = _sign_in(official, password, CHROME_ANDROID, "10.0.0.6")

    page = laptop.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert len(page.context["sessions"]) == 2
    assert "Firefox" in html and "Linux" in html
    assert "Chrome" in html and "Android" in html
    assert "10.0.0.6" in html

    response = laptop.post(reverse("accounts:sessions"))
    assert response.status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert phone.get(reverse("accounts:profile")).status_code == 302  # signed out
    assert len(laptop.get(reverse("accounts:sessions")).context["sessions"]) == 1
    assert AuditEntry.objects.filter(action="auth.sessions_ended", actor_id=official.pk).exists()


def test_profile_links_to_the_sessions_page(client: Client, official: User) -> None:
    client.force_login(official)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:sessions") in html
    assert reverse("mfa_index") in html
    assert reverse("accounts:email") in html


def test_new_device_email_is_sent_once_per_browser(
    official: User, password: str, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        laptop = _sign_in(official, password, FIREFOX, "10.0.0.5")
    warnings = [m for m in mail.outbox if m.to == [official.email]]
    assert len(warnings) == 1
    assert "Firefox" in warnings[0].body
    assert "10.0.0.5" in warnings[0].body

    laptop.post(reverse("accounts:logout"))
    with django_capture_on_commit_callbacks(execute=True):
        response = laptop.post(
            reverse("accounts:login"), {"login": official.email, "password": password}
        )
    assert response.status_code == 302
    assert len([m for m in mail.outbox if m.to == [official.email]]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(official, password, CHROME_ANDROID, "10.0.0.6")
    assert len([m for m in mail.outbox if m.to == [official.email]]) == 2
    assert AuditEntry.objects.filter(action="auth.new_device").count() == 2


def test_a_forged_device_cookie_counts_as_a_new_device(
    official: User, password: str, django_capture_on_commit_callbacks, settings
) -> None:
    client = Client(HTTP_USER_AGENT=FIREFOX)
    client.cookies[settings.NEW_DEVICE_COOKIE] = f"[{official.pk}]"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login"), {"login": official.email, "password": password})
    assert len(mail.outbox) == 1
