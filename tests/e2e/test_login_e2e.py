"""A person signs in and out in a real browser, with the keyboard, in Vietnamese."""

from __future__ import annotations

import re
from typing import Any

import pytest

from vcnet.accounts.models import User


@pytest.mark.e2e
def test_sign_in_and_out_in_the_browser(
    page: Any, live_server: Any, transactional_db: None, leader: User, password: str
) -> None:
    from playwright.sync_api import expect

    page.goto("/")
    page.locator("header a[href^='/accounts/login/']").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")

    # The page speaks Vietnamese.
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    login_box = page.get_by_label(re.compile(r"^Email hoặc số điện thoại"))
    password_box = page.get_by_label(re.compile(r"^Mật khẩu"))
    expect(login_box).to_be_focused()

    # Type as a person would: the login, Tab to the password, Enter to send.
    page.keyboard.type(leader.email or "")
    page.keyboard.press("Tab")
    expect(password_box).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/")
    account_menu = page.locator("header summary", has_text="Nguyễn Văn An").first
    expect(account_menu).to_be_visible()

    # Sign out from the account menu.
    account_menu.click()
    page.locator("header form[action='/accounts/logout/'] button[type='submit']").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("header a[href^='/accounts/login/']")).to_be_visible()
    expect(page.get_by_text("Nguyễn Văn An")).to_have_count(0)
