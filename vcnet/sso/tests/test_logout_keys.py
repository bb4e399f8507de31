"""RP-initiated logout, back-channel logout to a real HTTP receiver, and signing-key rotation."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import call_command
from jwcrypto import jws
from oauth2_provider.models import AccessToken, RefreshToken

from vcnet.accounts.models import User
from vcnet.core.models import AuditEntry
from vcnet.sso.backchannel import BACKCHANNEL_EVENT
from vcnet.sso.models import RpSession
from vcnet.sso.tests.conftest import POST_LOGOUT_URI, Receiver, browser_for, register, verify_jwt
from vcnet.sso.tests.test_oidc_flow import oauth_client, sign_in, verify_id_token

pytestmark = pytest.mark.django_db(transaction=True)


def kid_of(token: str) -> str:
    parsed = jws.JWS()
    parsed.deserialize(token)
    return str(parsed.jose_header["kid"])


def test_rp_initiated_logout_signs_out_and_posts_back_channel_logout(
    site: str, discovery: dict[str, Any], leader: User, receiver: Receiver
) -> None:
    register(backchannel_logout_uri=receiver.url)
    register(client_id="van-ban", backchannel_logout_uri=receiver.url)
    browser = browser_for(leader)
    token, _nonce = sign_in(browser, oauth_client(), discovery)
    other, _nonce = sign_in(browser, oauth_client("van-ban"), discovery)
    sid = verify_id_token(token["id_token"], discovery)["sid"]
    assert verify_id_token(other["id_token"], discovery, "van-ban")["sid"] == sid
    assert RpSession.objects.filter(user=leader, sid=sid).count() == 2

    response = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "client_id": "dat-phong-hop",
            "post_logout_redirect_uri": POST_LOGOUT_URI,
            "state": "trạng-thái",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:300]
    assert response.headers["Location"].startswith(POST_LOGOUT_URI)
    assert parse_qs(urlsplit(response.headers["Location"]).query)["state"] == ["trạng-thái"]

    # Signed out of VCNET: the launcher now asks to sign in.
    apps = browser.get(f"{site}/sso/apps/", allow_redirects=False, timeout=10)
    assert apps.status_code == 302

    # Each application got a logout token that verifies against the JWKS.
    assert len(receiver.received) == 2
    audiences = set()
    for body in receiver.received:
        _header, claims = verify_jwt(
            body["logout_token"][0], discovery["jwks_uri"], typ="logout+jwt"
        )
        assert claims["iss"] == site
        assert claims["sub"] == str(leader.pk)
        assert claims["sid"] == sid
        assert claims["events"] == {BACKCHANNEL_EVENT: {}}
        assert claims["exp"] > claims["iat"]
        assert claims["jti"]
        assert "nonce" not in claims
        audiences.add(claims["aud"])
    assert audiences == {"dat-phong-hop", "van-ban"}

    # Their tokens are revoked.
    assert not AccessToken.objects.filter(user=leader).exists()
    assert not RefreshToken.objects.filter(user=leader, revoked__isnull=True).exists()
    other_info = requests.get(
        discovery["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {other['access_token']}"},
        timeout=10,
    )
    assert other_info.status_code == 401
    assert AuditEntry.objects.filter(action="oauth.backchannel_logout").exists()


def test_signing_out_of_vcnet_sends_back_channel_logout(
    site: str, discovery: dict[str, Any], official: User, receiver: Receiver, client: Any
) -> None:
    """Django's own logout (what allauth calls too) triggers it, not only the OIDC logout endpoint."""
    from django.conf import settings

    register(backchannel_logout_uri=receiver.url)
    client.force_login(official)
    browser = requests.Session()
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    token, _nonce = sign_in(browser, oauth_client(), discovery)
    client.logout()
    assert len(receiver.received) == 1
    _header, claims = verify_jwt(receiver.received[0]["logout_token"][0], discovery["jwks_uri"])
    assert claims["sid"] == verify_id_token(token["id_token"], discovery)["sid"]


def test_unreachable_back_channel_uri_does_not_break_sign_out(
    site: str, discovery: dict[str, Any], official: User
) -> None:
    register(backchannel_logout_uri="http://127.0.0.1:9/khong-co")
    browser = browser_for(official)
    token, _nonce = sign_in(browser, oauth_client(), discovery)
    response = browser.get(
        discovery["end_session_endpoint"],
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": POST_LOGOUT_URI},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302
    assert not AccessToken.objects.filter(user=official).exists()


def test_key_rotation_keeps_old_tokens_verifiable(
    site: str, discovery: dict[str, Any], official: User, settings: Any
) -> None:
    register()
    browser = browser_for(official)
    before, _nonce = sign_in(browser, oauth_client(), discovery)
    old_kid = kid_of(before["id_token"])

    call_command("oidc", "rotate-key")

    published = [
        key["kid"] for key in requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    ]
    assert len(published) == 2
    assert published[1] == old_kid
    verify_id_token(before["id_token"], discovery)  # still verifies against the new JWKS

    after, _nonce = sign_in(browser, oauth_client(), discovery)
    assert kid_of(after["id_token"]) == published[0] != old_kid
    verify_id_token(after["id_token"], discovery)
    # RP-initiated logout accepts a hint signed with the retired key.
    response = browser.get(
        discovery["end_session_endpoint"],
        params={"id_token_hint": before["id_token"], "post_logout_redirect_uri": POST_LOGOUT_URI},
        allow_redirects=False,
        timeout=10,
    )
    assert response.headers["Location"].startswith(POST_LOGOUT_URI)

    # Once every token it signed has expired, the old key leaves the JWKS and the disk.
    settings.OIDC_KEY_RETENTION_SECONDS = 0
    call_command("oidc", "prune-keys")
    published = [
        key["kid"] for key in requests.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    ]
    assert published == [kid_of(after["id_token"])]
    assert len(list((settings.OIDC_KEY_DIR).glob("*.pem"))) == 1
    assert AuditEntry.objects.filter(action="oidc.key_rotate").exists()


def test_signing_out_everywhere_else_logs_the_other_browsers_applications_out(
    site: str, discovery: dict[str, Any], leader: User, password: str, receiver: Receiver
) -> None:
    from allauth.usersessions.models import UserSession
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    register(backchannel_logout_uri=receiver.url)
    phone = browser_for(leader)
    token, _nonce = sign_in(phone, oauth_client(), discovery)
    sid = verify_id_token(token["id_token"], discovery)["sid"]
    UserSession.objects.create(
        user=leader,
        ip="10.0.0.6",
        user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile",
        # The server's own (latest) cookie is the live session.
        session_key=[c.value for c in phone.cookies if c.name == settings.SESSION_COOKIE_NAME][-1],
    )
    laptop = Client(REMOTE_ADDR="10.0.0.5")
    signed_in = laptop.post(
        reverse("accounts:login"), {"login": leader.email, "password": password}
    )
    assert signed_in.status_code == 302

    assert laptop.post(reverse("accounts:sessions")).status_code == 302

    assert len(receiver.received) == 1
    _header, claims = verify_jwt(
        receiver.received[0]["logout_token"][0], discovery["jwks_uri"], typ="logout+jwt"
    )
    assert claims["sid"] == sid
    assert not RpSession.objects.filter(user=leader, sid=sid).exists()
