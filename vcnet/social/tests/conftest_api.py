"""Fixtures for the Mastodon API tests: OAuth apps and tokens, signed in the way a client is."""

from __future__ import annotations

import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import requests
from django.conf import settings
from django.test import Client
from mastodon import Mastodon
from oauth2_provider.models import get_access_token_model, get_application_model
from PIL import Image

from vcnet.accounts.models import User

REDIRECT = "http://127.0.0.1/mastodon-callback"
SCOPES = ["read", "write", "follow", "push"]
_INPUT = re.compile(r"<input[^>]*>", re.I)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of the consent form (client_id, state, scope, csrf token...)."""
    fields = {}
    for tag in _INPUT.findall(html):
        attrs = {k.lower(): unescape(v) for k, v in _ATTR.findall(tag)}
        if attrs.get("type") == "hidden" and "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def browser_for(base: str, user: User) -> requests.Session:
    """A requests session signed in as `user` (the cookie of a real Django session)."""
    client = Client()
    client.force_login(user)
    http = requests.Session()
    http.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return http


def authorize(http: requests.Session, url: str) -> requests.Response:
    """Open the authorization page and, when asked, consent; the answer redirecting to the app."""
    page = http.get(url, allow_redirects=False)
    if page.status_code == 200:
        fields = hidden_fields(page.text)
        fields["allow"] = "Authorize"
        page = http.post(
            page.url, data=fields, headers={"Referer": page.url}, allow_redirects=False
        )
    return page


def mastodon_for(base: str, user: User, *, scopes: list[str] | None = None) -> Mastodon:
    """Register an app with Mastodon.py, authorize it as `user` and log in with the code."""
    scopes = scopes or SCOPES
    client_id, client_secret = Mastodon.create_app(
        "Ứng dụng Mastodon thử", api_base_url=base, redirect_uris=REDIRECT, scopes=scopes
    )
    masto = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    answer = authorize(
        browser_for(base, user), masto.auth_request_url(redirect_uris=REDIRECT, scopes=scopes)
    )
    assert answer.status_code == 302, (answer.status_code, answer.headers, answer.text[:800])
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    code = parse_qs(urlsplit(location).query)["code"][0]
    masto.log_in(code=code, redirect_uri=REDIRECT, scopes=scopes)
    return masto


def png_bytes(color: str = "red", size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def token_for(user: User, scope: str = "read write follow push") -> str:
    """An access token for `user` straight from the database (API tests without OAuth dance)."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    application = get_application_model().objects.create(
        name="Ứng dụng thử",
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris=REDIRECT,
    )
    token = get_access_token_model().objects.create(
        user=user,
        application=application,
        token=secrets.token_urlsafe(24),
        scope=scope,
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    return str(token.token)
