"""Who may call the API: the web session (with CSRF on writes) or a django-oauth-toolkit token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from vcnet.accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vcnet.core.tests.test_api_errors")]

PROBLEM = "application/problem+json"


def issue_token(
    user: User | None, *, scope: str = "read write", expires_in: int = 3600, token: str = ""
) -> AccessToken:
    """A token as /oauth/token would issue it, for a registered mobile application."""
    application = Application.objects.create(
        name="Ứng dụng VCNET cho điện thoại",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="vn.vcnet.app://oauth",
    )
    return AccessToken.objects.create(
        user=user,
        application=application,
        token=token or f"vcnet-test-{user.pk if user else 'app'}-{scope.replace(' ', '-')}",
        expires=timezone.now() + dt.timedelta(seconds=expires_in),
        scope=scope,
    )


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_session_authenticates(official: User) -> None:
    client = Client()
    client.force_login(official)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["full_name"] == "Lê Hoàng Cường"


def test_session_login_through_the_sign_in_form_works_for_the_api(
    official: User, password: str
) -> None:
    client = Client()
    assert client.login(username="chuyenvien@nghean.vcnet.test", password=password)
    assert client.get("/api/v1/me").json()["email"] == "chuyenvien@nghean.vcnet.test"


def test_bearer_token_authenticates(official: User) -> None:
    token = issue_token(official)

    response = Client().get("/api/v1/me", **bearer(token.token))

    assert response.status_code == 200
    assert response.json()["full_name"] == "Lê Hoàng Cường"


def test_bearer_token_wins_over_the_session(official: User, leader: User) -> None:
    client = Client()
    client.force_login(leader)
    token = issue_token(official)
    assert client.get("/api/v1/me", **bearer(token.token)).json()["full_name"] == "Lê Hoàng Cường"


def test_unknown_token_is_401_problem(official: User) -> None:
    issue_token(official)

    response = Client().get("/api/v1/me", **bearer("khong-phai-token"))

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:vcnet:problem:invalid_token"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_expired_token_is_401_problem(official: User) -> None:
    token = issue_token(official, expires_in=-60)

    response = Client().get("/api/v1/me", **bearer(token.token))

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_revoked_token_is_401(official: User) -> None:
    token = issue_token(official)
    value = token.token
    token.revoke()
    assert Client().get("/api/v1/me", **bearer(value)).status_code == 401


def test_bad_token_does_not_fall_back_to_the_session(official: User) -> None:
    client = Client()
    client.force_login(official)
    assert client.get("/api/v1/me", **bearer("sai")).status_code == 401


def test_token_of_a_deactivated_user_is_refused(official: User) -> None:
    token = issue_token(official)
    User.objects.filter(pk=official.pk).update(is_active=False)
    assert Client().get("/api/v1/me", **bearer(token.token)).status_code == 401


def test_application_only_token_is_refused_on_user_endpoints(db: None) -> None:
    token = issue_token(None)
    assert Client().get("/api/v1/me", **bearer(token.token)).status_code == 401


def test_read_only_token_cannot_write(official: User) -> None:
    token = issue_token(official, scope="read")

    assert Client().get("/api/v1/me", **bearer(token.token)).status_code == 200
    response = Client().post("/probe/echo", **bearer(token.token))

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:vcnet:problem:insufficient_scope"


def test_write_token_can_post_without_csrf(official: User) -> None:
    token = issue_token(official)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/probe/echo", **bearer(token.token))
    assert response.status_code == 200
    assert response.json() == {"user": "Lê Hoàng Cường"}


def test_session_post_without_csrf_token_is_refused(official: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)

    response = client.post("/probe/echo")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "urn:vcnet:problem:csrf_failed"


def test_session_post_with_csrf_token_is_accepted(official: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(official)
    client.get("/accounts/login/")  # any page that sets the CSRF cookie
    csrf = client.cookies.get(settings.CSRF_COOKIE_NAME)
    assert csrf is not None

    response = client.post("/probe/echo", HTTP_X_CSRFTOKEN=csrf.value)

    assert response.status_code == 200


def test_anonymous_is_401_problem(db: None) -> None:
    response = Client().get("/api/v1/units")
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


@override_settings(NINJA_DEFAULT_THROTTLE_RATES={"anon": "100/min", "user": "3/min"})
def test_user_throttle(official: User) -> None:
    client = Client()
    client.force_login(official)
    for _ in range(3):
        assert client.get("/api/v1/me").status_code == 200

    response = client.get("/api/v1/me")

    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert int(response["Retry-After"]) > 0


@override_settings(NINJA_DEFAULT_THROTTLE_RATES={"anon": "100/min", "user": "2/min"})
def test_user_throttle_counts_per_user(official: User, leader: User) -> None:
    first, second = Client(), Client()
    first.force_login(official)
    second.force_login(leader)
    for _ in range(2):
        first.get("/api/v1/me")
    assert first.get("/api/v1/me").status_code == 429
    assert second.get("/api/v1/me").status_code == 200


@override_settings(NINJA_DEFAULT_THROTTLE_RATES={"anon": "2/min", "user": "100/min"})
def test_anonymous_throttle(db: None) -> None:
    client = Client()
    assert client.get("/probe/public").status_code == 200
    assert client.get("/probe/public").status_code == 200
    response = client.get("/probe/public")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
