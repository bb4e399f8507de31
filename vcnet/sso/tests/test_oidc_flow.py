"""The provider driven by a real client library (authlib) against the live server."""

from __future__ import annotations

import datetime as dt
import html
import re
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.utils import timezone
from oauth2_provider.models import AccessToken

from vcnet.accounts.models import Role, User
from vcnet.core.models import AuditEntry
from vcnet.sso.tests.conftest import (
    CLIENT_SECRET,
    REDIRECT_URI,
    browser_for,
    error_of,
    register,
    verify_jwt,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCOPE = "openid profile email phone units read"


def oauth_client(
    client_id: str = "dat-phong-hop", secret: str | None = CLIENT_SECRET
) -> OAuth2Session:
    return OAuth2Session(
        client_id,
        secret,
        scope=SCOPE,
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
    )


def authorize(
    browser: requests.Session, oauth: OAuth2Session, discovery: dict[str, Any], **params: Any
) -> tuple[requests.Response, str, str]:
    """Start the flow in the browser; returns the provider's answer, the PKCE verifier and the nonce."""
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, _state = oauth.create_authorization_url(
        discovery["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **params
    )
    return browser.get(url, allow_redirects=False, timeout=10), verifier, nonce


def sign_in(
    browser: requests.Session, oauth: OAuth2Session, discovery: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    response, verifier, nonce = authorize(browser, oauth, discovery)
    assert response.status_code == 302, response.text[:500]
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI), location
    token = oauth.fetch_token(
        discovery["token_endpoint"], authorization_response=location, code_verifier=verifier
    )
    return dict(token), nonce


def verify_id_token(
    id_token: str, discovery: dict[str, Any], client_id: str = "dat-phong-hop"
) -> dict[str, Any]:
    _header, claims = verify_jwt(id_token, discovery["jwks_uri"])
    assert claims["iss"] == discovery["issuer"]
    assert claims["aud"] == client_id
    assert claims["exp"] > time.time()
    return claims


def test_discovery_names_the_endpoints_and_back_channel_logout(
    site: str, discovery: dict[str, Any]
) -> None:
    assert discovery["issuer"] == site
    assert discovery["authorization_endpoint"] == f"{site}/oauth/authorize/"
    assert discovery["token_endpoint"] == f"{site}/oauth/token/"
    assert discovery["userinfo_endpoint"] == f"{site}/oauth/userinfo/"
    assert discovery["jwks_uri"] == f"{site}/oauth/.well-known/jwks.json"
    assert discovery["end_session_endpoint"] == f"{site}/oauth/logout/"
    assert discovery["backchannel_logout_supported"] is True
    assert discovery["backchannel_logout_session_supported"] is True
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "profile", "email", "phone", "units"} <= set(discovery["scopes_supported"])
    assert {"name", "email", "phone_number", "units", "roles", "sid"} <= set(
        discovery["claims_supported"]
    )


def test_code_flow_with_pkce_id_token_userinfo_refresh_and_api(
    site: str, discovery: dict[str, Any], leader: User, province: Any
) -> None:
    leader.phone = "+84912345678"
    leader.save()
    register()
    oauth = oauth_client()
    token, nonce = sign_in(browser_for(leader), oauth, discovery)

    claims = verify_id_token(token["id_token"], discovery)
    assert claims["sub"] == str(leader.pk)
    assert claims["nonce"] == nonce
    assert claims["name"] == leader.full_name
    assert claims["sid"]

    info = oauth.get(discovery["userinfo_endpoint"]).json()
    assert info["name"] == leader.full_name
    assert info["email"] == leader.email
    assert info["email_verified"] is False
    assert info["phone_number"] == "+84912345678"
    assert info["units"] == [
        {
            "id": province.pk,
            "code": "btg-nghe-an",
            "short_name": "BTGTU",
            "name": "Ban Tuyên giáo Tỉnh ủy Nghệ An",
        }
    ]
    assert info["roles"] == [f"btg-nghe-an:{Role.LEADER}"]
    assert "sid" not in info

    # The access token works on VCNET's own API.
    me = requests.get(
        f"{site}/api/v1/me",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert me.status_code == 200, me.text
    assert me.json()["email"] == leader.email

    # Refresh rotates the refresh token; the new ID token keeps the session id.
    old_refresh = token["refresh_token"]
    refreshed = oauth.refresh_token(discovery["token_endpoint"], refresh_token=old_refresh)
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != old_refresh
    assert verify_id_token(refreshed["id_token"], discovery)["sid"] == claims["sid"]
    reuse = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": old_refresh},
        auth=("dat-phong-hop", CLIENT_SECRET),
        timeout=10,
    )
    assert reuse.status_code == 400
    assert error_of(reuse) == "invalid_grant"

    assert AuditEntry.objects.filter(action="oauth.token_grant", actor_id=leader.pk).count() == 2


def test_scopes_limit_the_claims(site: str, discovery: dict[str, Any], official: User) -> None:
    register()
    oauth = oauth_client()
    oauth.scope = "openid"
    token, _nonce = sign_in(browser_for(official), oauth, discovery)
    info = oauth.get(discovery["userinfo_endpoint"]).json()
    assert info == {"sub": str(official.pk)}
    assert "email" not in verify_id_token(token["id_token"], discovery)


def test_public_client_must_use_pkce(site: str, discovery: dict[str, Any], official: User) -> None:
    register(client_id="ung-dung-di-dong", client_type="public")
    browser = browser_for(official)
    oauth = oauth_client("ung-dung-di-dong", None)
    url, _state = OAuth2Session(
        "ung-dung-di-dong", scope="openid", redirect_uri=REDIRECT_URI
    ).create_authorization_url(discovery["authorization_endpoint"])
    without_pkce = browser.get(url, allow_redirects=False, timeout=10)
    assert without_pkce.status_code == 302
    assert parse_qs(urlsplit(without_pkce.headers["Location"]).query)["error"] == [
        "invalid_request"
    ]

    token, _nonce = sign_in(browser, oauth, discovery)
    assert verify_id_token(token["id_token"], discovery, "ung-dung-di-dong")["sub"] == str(
        official.pk
    )


def test_wrong_redirect_uri_is_refused_without_redirecting(
    site: str, discovery: dict[str, Any], official: User
) -> None:
    register()
    oauth = oauth_client()
    oauth.redirect_uri = "http://127.0.0.1:8765/khac"
    response, _verifier, _nonce = authorize(browser_for(official), oauth, discovery)
    assert response.status_code == 400
    assert "invalid_request" in response.text


def test_reused_code_and_wrong_verifier_are_invalid_grant(
    site: str, discovery: dict[str, Any], official: User
) -> None:
    register()
    browser = browser_for(official)
    oauth = oauth_client()
    response, verifier, _nonce = authorize(browser, oauth, discovery)
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    auth = ("dat-phong-hop", CLIENT_SECRET)

    wrong = requests.post(
        discovery["token_endpoint"],
        data={**data, "code_verifier": "sai" * 20},
        auth=auth,
        timeout=10,
    )
    assert wrong.status_code == 400
    assert error_of(wrong) == "invalid_grant"

    response, verifier, _nonce = authorize(browser, oauth, discovery)
    code = parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]
    data["code"] = code
    first = requests.post(
        discovery["token_endpoint"], data={**data, "code_verifier": verifier}, auth=auth, timeout=10
    )
    assert first.status_code == 200
    again = requests.post(
        discovery["token_endpoint"], data={**data, "code_verifier": verifier}, auth=auth, timeout=10
    )
    assert again.status_code == 400
    assert error_of(again) == "invalid_grant"

    bad_secret = requests.post(
        discovery["token_endpoint"], data=data, auth=("dat-phong-hop", "sai"), timeout=10
    )
    assert bad_secret.status_code == 401
    assert error_of(bad_secret) == "invalid_client"


def test_expired_access_token_is_invalid_token(
    site: str, discovery: dict[str, Any], official: User
) -> None:
    register()
    oauth = oauth_client()
    token, _nonce = sign_in(browser_for(official), oauth, discovery)
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    info = oauth.get(discovery["userinfo_endpoint"])
    assert info.status_code == 401
    assert 'error="invalid_token"' in info.headers["WWW-Authenticate"]
    api = requests.get(
        f"{site}/api/v1/me",
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=10,
    )
    assert api.status_code == 401


def test_disabled_user_is_refused(site: str, discovery: dict[str, Any], official: User) -> None:
    register()
    browser = browser_for(official)
    oauth = oauth_client()
    token, _nonce = sign_in(browser, oauth, discovery)
    response, verifier, _nonce = authorize(browser, oauth, discovery)
    code_location = response.headers["Location"]

    official.is_active = False
    official.save()

    assert oauth.get(discovery["userinfo_endpoint"]).status_code == 401
    refresh = requests.post(
        discovery["token_endpoint"],
        data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        auth=("dat-phong-hop", CLIENT_SECRET),
        timeout=10,
    )
    assert error_of(refresh) == "invalid_grant"
    code = parse_qs(urlsplit(code_location).query)["code"][0]
    exchange = requests.post(
        discovery["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        auth=("dat-phong-hop", CLIENT_SECRET),
        timeout=10,
    )
    assert error_of(exchange) == "invalid_grant"
    # A disabled person's session no longer counts: the provider sends them to sign in.
    again, _verifier, _nonce = authorize(browser, oauth, discovery)
    assert again.status_code == 302
    assert "/accounts/" in again.headers["Location"]


def test_person_outside_the_units_gets_access_denied(
    site: str, discovery: dict[str, Any], province: Any, outsider: User, leader: User
) -> None:
    register(allowed_units=(province,))
    oauth = oauth_client()
    response, _verifier, _nonce = authorize(browser_for(outsider), oauth, discovery)
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert response.headers["Location"].startswith(REDIRECT_URI)
    assert query["error"] == ["access_denied"]
    assert "state" in query
    assert AuditEntry.objects.filter(action="oauth.access_denied", actor_id=outsider.pk).exists()
    # A member of the unit gets in.
    sign_in(browser_for(leader), oauth_client(), discovery)


def test_role_restriction(
    site: str, discovery: dict[str, Any], official: User, leader: User
) -> None:
    register(allowed_roles=(Role.LEADER,))
    response, _v, _n = authorize(browser_for(official), oauth_client(), discovery)
    assert parse_qs(urlsplit(response.headers["Location"]).query)["error"] == ["access_denied"]
    sign_in(browser_for(leader), oauth_client(), discovery)


def test_consent_is_skipped_for_first_party_and_asked_once_for_others(
    site: str, discovery: dict[str, Any], official: User
) -> None:
    register(client_id="noi-bo")
    register(client_id="ben-ngoai", first_party=False)
    browser = browser_for(official)

    first_party, _v, _n = authorize(browser, oauth_client("noi-bo"), discovery)
    assert first_party.status_code == 302

    third = oauth_client("ben-ngoai")
    page, verifier, _nonce = authorize(browser, third, discovery)
    assert page.status_code == 200
    assert 'id="authorizationForm"' in page.text
    assert "Đặt phòng họp" in page.text
    form = {
        name: html.unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text
        )
    }
    form["allow"] = "Authorize"
    posted = browser.post(
        discovery["authorization_endpoint"],
        data=form,
        headers={"Referer": discovery["authorization_endpoint"]},
        allow_redirects=False,
        timeout=10,
    )
    assert posted.status_code == 302, posted.text[:300]
    location = posted.headers["Location"]
    assert "code=" in location
    token = third.fetch_token(
        discovery["token_endpoint"], authorization_response=location, code_verifier=verifier
    )
    assert token["id_token"]

    # Asked once: the next request goes straight back, even after the tokens are gone.
    AccessToken.objects.all().delete()
    again, _v, _n = authorize(browser, third, discovery)
    assert again.status_code == 302
    assert "code=" in again.headers["Location"]
