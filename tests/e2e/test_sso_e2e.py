"""The "Done when" of single sign-on, in a real browser.

A leader enrolled in TOTP signs in to VCNET once (password + a TOTP code computed per RFC 6238),
opens the launcher, clicks the meeting-room example (examples/meeting_rooms, a separate
process using authlib), lands in it signed in, signs out of VCNET, and on reload the example
is signed out too: VCNET's back-channel logout token ended its session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from vcnet.accounts.models import User
from vcnet.sso.services import app_register

REPO_DIR = Path(__file__).resolve().parents[2]
CLIENT_ID = "meeting-rooms-e2e"


def totp_now(secret: str, *, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """The RFC 6238 code (HMAC-SHA1, 30 s, 6 digits) for a base32 secret."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(value).zfill(digits)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def meeting_rooms(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[str]:
    """The example application, registered at VCNET and served by `python -m examples.meeting_rooms`."""
    settings.SITE_URL = live_server.url  # the issuer the example discovers
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secret = secrets.token_urlsafe(96)
    app_register(
        actor=None,
        name="Đặt phòng họp",
        client_id=CLIENT_ID,
        client_secret=secret,
        redirect_uris=[f"{base}/callback"],
        post_logout_redirect_uris=[f"{base}/"],
        launch_url=f"{base}/",
        backchannel_logout_uri=f"{base}/backchannel-logout",
        first_party=True,
    )
    env = {
        **os.environ,
        "VCNET_VAR_DIR": str(tmp_path),
        "MEETING_ROOMS_ENV_FILE": str(tmp_path / "absent.env"),
        "MEETING_ROOMS_ISSUER": live_server.url,
        "MEETING_ROOMS_CLIENT_ID": CLIENT_ID,
        "MEETING_ROOMS_CLIENT_SECRET": secret,
        "MEETING_ROOMS_PORT": str(port),
    }
    log = (tmp_path / "meeting_rooms.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "examples.meeting_rooms"],
        cwd=REPO_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{base}/static/style.css", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "the example did not start:\n"
                        + (tmp_path / "meeting_rooms.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print("example's log:\n" + (tmp_path / "meeting_rooms.log").read_text()[-3000:])


@pytest.mark.e2e
def test_a_leader_signs_in_once_and_out_everywhere(
    page: Any,
    live_server: Any,
    transactional_db: None,
    leader: User,
    password: str,
    meeting_rooms: str,
) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from playwright.sync_api import expect

    totp_secret = generate_totp_secret()
    TOTP.activate(leader, totp_secret)

    # Sign in to VCNET: password, then the code from the authenticator app.
    page.goto("/accounts/login/")
    page.locator("input[name='login']").fill(leader.email or "")
    page.locator("input[name='password']").fill(password)
    page.locator("input[name='password']").press("Enter")
    code_box = page.locator("input[name='code']")
    expect(code_box).to_be_visible()
    code_box.fill(totp_now(totp_secret))
    code_box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("header summary", has_text="Nguyễn Văn An").first).to_be_visible()

    # The launcher shows the meeting-room application; one click opens it, already signed in.
    page.goto("/sso/apps/")
    tile = page.locator(f"a[data-app='{CLIENT_ID}']")
    expect(tile).to_be_visible()
    expect(tile).to_contain_text("Đặt phòng họp")
    tile.click()
    expect(page).to_have_url(f"{meeting_rooms}/")
    expect(page.get_by_test_id("person-name")).to_have_text("Nguyễn Văn An")
    expect(page.get_by_test_id("person-units")).to_contain_text("Ban Tuyên giáo Tỉnh ủy Nghệ An")

    # It is a working application: book a room for this morning.
    page.locator("select[name='room']").select_option("p201")
    page.locator("input[name='starts']").fill("08:00")
    page.locator("input[name='ends']").fill("09:30")
    page.locator("input[name='title']").fill("Giao ban đầu tuần")
    page.get_by_role("button", name="Đặt phòng").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đặt Phòng họp 201")
    expect(page.locator("td")).to_contain_text(["Giao ban đầu tuần"])

    # Sign out of VCNET from its account menu.
    page.goto(live_server.url + "/")
    page.locator("header summary", has_text="Nguyễn Văn An").first.click()
    page.locator("header form[action='/accounts/logout/'] button[type='submit']").click()
    expect(page.locator("header a[href^='/accounts/login/']")).to_be_visible()

    # The example heard it through the back channel: reloading it shows it signed out.
    page.goto(f"{meeting_rooms}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bạn đã đăng xuất")
    expect(
        page.get_by_text("Phiên làm việc đã kết thúc vì bạn đã đăng xuất khỏi VCNET.")
    ).to_be_visible()
    expect(page.get_by_test_id("person-name")).to_have_count(0)
