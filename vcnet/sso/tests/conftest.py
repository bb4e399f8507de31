"""Fixtures for the provider's tests: a live server whose SITE_URL is itself, browsers, a relying party."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from django.conf import settings
from django.test import Client
from jwcrypto import jwk, jwt

from vcnet.accounts.models import Unit, User
from vcnet.sso.models import AppProfile
from vcnet.sso.services import app_register

CLIENT_SECRET = secrets.token_urlsafe(96)  # 128 characters, as DOT generates them
REDIRECT_URI = "http://127.0.0.1:8765/callback"
LAUNCH_URL = "http://127.0.0.1:8765/"
POST_LOGOUT_URI = "http://127.0.0.1:8765/signed-out"


@pytest.fixture(autouse=True)
def _key_dir(settings: Any, tmp_path: Path) -> None:
    """Each test has its own signing keys, made on first use."""
    settings.OIDC_KEY_DIR = tmp_path / "oidc"


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    """The live server's address, which is also the issuer."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


@pytest.fixture
def discovery(site: str) -> dict[str, Any]:
    response = requests.get(f"{site}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    return dict(response.json())


def browser_for(user: User) -> requests.Session:
    """A requests session carrying `user`'s VCNET session cookie (no login form involved)."""
    client = Client()
    client.force_login(user)
    browser = requests.Session()
    browser.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return browser


class Receiver:
    """A tiny HTTP server standing in for an application's back-channel logout endpoint."""

    def __init__(self) -> None:
        received: list[dict[str, list[str]]] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                received.append(parse_qs(self.rfile.read(length).decode()))
                self.send_response(200)
                self.send_header("Cache-Control", "no-store")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/backchannel-logout"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def register(
    *,
    client_id: str = "dat-phong-hop",
    first_party: bool = True,
    allowed_units: tuple[Unit, ...] = (),
    allowed_roles: tuple[str, ...] = (),
    backchannel_logout_uri: str = "",
    client_type: str = "confidential",
) -> AppProfile:
    return app_register(
        actor=None,
        name="Đặt phòng họp",
        client_id=client_id,
        client_secret=CLIENT_SECRET if client_type == "confidential" else "",
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[POST_LOGOUT_URI],
        launch_url=LAUNCH_URL,
        backchannel_logout_uri=backchannel_logout_uri,
        first_party=first_party,
        client_type=client_type,
        allowed_units=allowed_units,
        allowed_roles=allowed_roles,
        description="Đặt phòng họp của cơ quan",
        icon="app",
    )


def error_of(response: requests.Response) -> str:
    return str(json.loads(response.text)["error"])


def verify_jwt(
    token: str, jwks_uri: str, *, typ: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a JWT whose RS256 signature verifies against the provider's JWKS."""
    keyset = jwk.JWKSet.from_json(requests.get(jwks_uri, timeout=10).text)
    parsed = jwt.JWT(jwt=token, key=keyset, algs=["RS256"], expected_type="JWS")
    header = json.loads(parsed.header)
    if typ is not None:
        assert header["typ"] == typ
    return header, json.loads(parsed.claims)
