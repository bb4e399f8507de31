"""Moderation's "done when", in a real browser through the pages, on the demo data.

A citizen reports a post; a moderator labels it with a reason; the author reads the reason on
"Actions on my content" and appeals; another moderator overturns the label and the author reads
the outcome. The viral rumour of the demo shows its context note (rated helpful by readers who
usually disagree) under the post, and the page's clarification carries JSON-LD that parses.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from vcnet.accounts.demo import DEMO_PASSWORD, demo_email, demo_load
from vcnet.accounts.identifiers import normalize_email
from vcnet.accounts.models import User
from vcnet.moderation import demo as moderation_demo
from vcnet.moderation.defaults import reasons_ensure
from vcnet.moderation.models import (
    Action,
    Appeal,
    AppealState,
    Clarification,
    Report,
)
from vcnet.social.demo import load_demo as social_load_demo
from vcnet.social.models import Post
from vcnet.social.services.posts import post_create

FALSE_CLAIM = (
    "Ảnh chụp màn hình cho thấy giá điện sinh hoạt tăng gấp ba từ tháng sau, ai cũng phải đóng!"
)
LABEL = "Thông tin về giá điện chưa được kiểm chứng"
REASON = "Không có quyết định nào tăng giá điện gấp ba; ảnh chụp màn hình đã bị chỉnh sửa."
APPEAL = "Tôi chỉ hỏi lại thông tin mọi người chia sẻ, không khẳng định đó là sự thật."
DECISION = "Bài viết đặt câu hỏi chứ không khẳng định; nhãn được gỡ."


def _reasons() -> None:
    """The default report reasons (a transactional test may have flushed them)."""
    reasons_ensure()


def _person(local: str) -> User:
    return User.objects.get(email=normalize_email(demo_email(local)))


@contextmanager
def signed_in(browser: Any, base_url: str, user: User) -> Iterator[Any]:
    """A fresh browser (own cookies) with `user` signed in through the login page."""
    context = browser.new_context(base_url=base_url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto("/accounts/login/?next=/social/")
        page.locator("input[name='login']").fill(user.email or "")
        page.locator("input[name='password']").fill(DEMO_PASSWORD)
        page.locator("input[name='password']").press("Enter")
        page.wait_for_url(re.compile(r"/social/$"))
        yield page
    except Exception:
        Path("test-results").mkdir(exist_ok=True)
        page.screenshot(path=f"test-results/moderation-{user.pk}.png", full_page=True)
        raise
    finally:
        context.close()


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()
    errors = page.locator(".message-error, ul.errorlist")
    if errors.count():
        raise AssertionError(errors.first.inner_text())


@pytest.mark.e2e
def test_report_label_appeal_and_decision_then_notes_and_clarification(
    browser: Any,
    live_server: Any,
    transactional_db: None,
    settings: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MFA_REQUIRED_ROLES = []
    settings.MFA_REQUIRED_FOR_SUPERUSERS = False
    _reasons()
    demo_load()
    social_load_demo(io.StringIO())
    moderation_demo.load_demo(io.StringIO())
    url = live_server.url
    author, reporter = _person("cuongdm"), _person("khoabv")
    first, second = _person(moderation_demo.MODERATOR), _person(moderation_demo.SECOND_MODERATOR)
    post = post_create(user=author, text=FALSE_CLAIM)

    # 1. A citizen reports the post from its menu.
    with signed_in(browser, url, reporter) as page:
        page.goto(f"/social/posts/{post.pk}/")
        card = page.locator(f"#post-{post.pk}")
        card.locator("details.sp-menu > summary").click()
        card.locator(f"a[href^='/moderation/report/post/{post.pk}/']").click()
        page.wait_for_url(re.compile(rf"/moderation/report/post/{post.pk}/"))
        page.locator("input[name='reason'][value='false_information']").check()
        page.locator("textarea[name='text']").fill("Ảnh đã bị cắt ghép, EVN chưa công bố giá mới.")
        page.locator(".mod-report-form button[type='submit']").click()
        expect(page.locator(".mod-done, .message-success").first).to_be_visible()
    report = Report.objects.get(reporter=reporter, case__target_key=f"post:{post.pk}")
    assert report.reason.code == "false_information"

    # 2. A moderator opens the case from the queue and labels the post, giving the reason.
    with signed_in(browser, url, first) as page:
        page.goto("/moderation/")
        row = page.locator(".mod-case-row", has_text="giá điện sinh hoạt tăng gấp ba")
        with page.expect_navigation():
            row.locator("a[href^='/moderation/cases/']").first.click()
        form = page.locator("form.mod-act")
        form.locator("select[name='kind']").select_option("label")
        form.locator("select[name='policy']").select_option("false_information")
        form.locator("textarea[name='reason']").fill(REASON)
        form.locator("input[name='label_text']").fill(LABEL)
        _submit(page, form.locator("button[type='submit']"))
        page.goto(f"/social/posts/{post.pk}/")
        expect(page.locator(f"#post-{post.pk} .sp-labels")).to_contain_text(LABEL)
    action = Action.objects.get(post=post, kind="label")

    # 3. The author reads the reason on "Actions on my content" and appeals.
    with signed_in(browser, url, author) as page:
        page.goto("/moderation/mine/")
        mine = page.locator(f"#action-{action.pk}")
        expect(mine).to_contain_text(REASON)
        mine.locator("details.mod-appeal-form > summary").click()
        mine.locator("form textarea").fill(APPEAL)
        _submit(page, mine.locator("button[type='submit']"))
    appeal = Appeal.objects.get(action=action)
    assert appeal.state == AppealState.PENDING

    # 4. Another moderator decides: the label goes.
    with signed_in(browser, url, second) as page:
        page.goto("/moderation/appeals/")
        row = page.locator(f"#appeal-{appeal.pk}")
        expect(row).to_contain_text(APPEAL)
        row.locator("input[type='radio'][value='overturn']").check()
        row.locator("form textarea").fill(DECISION)
        _submit(page, row.locator("button[type='submit']"))
    appeal.refresh_from_db()
    assert appeal.state == AppealState.OVERTURNED and appeal.decided_by == second

    # 5. The author sees the outcome, and the post without the label.
    with signed_in(browser, url, author) as page:
        page.goto("/moderation/mine/")
        expect(page.locator(f"#action-{action.pk} .mod-appeal-overturned")).to_contain_text(
            DECISION
        )
        page.goto(f"/social/posts/{post.pk}/")
        expect(page.locator(f"#post-{post.pk}")).to_be_visible()
        expect(page.locator(f"#post-{post.pk} .sp-labels")).to_have_count(0)

    # 6. The demo's viral rumour shows its context note under the post, to anyone.
    rumour = Post.objects.get(text=moderation_demo.RUMOUR)
    with signed_in(browser, url, reporter) as page:
        page.goto(f"/social/posts/{rumour.pk}/")
        note = page.locator(f"#post-{rumour.pk} .sp-note")
        expect(note).to_contain_text("Không có chính sách phát xăng miễn phí")
        expect(note.locator(f"a[href='/moderation/notes/post/{rumour.pk}/']")).to_be_visible()
        expect(page.locator(f"#post-{rumour.pk} .sp-label-clarification")).to_be_visible()

        # 7. The clarification page's JSON-LD parses as a ClaimReview of the two posts.
        clarification = Clarification.objects.get()
        page.goto(f"/moderation/clarifications/{clarification.slug}/")
        data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["@type"] == "ClaimReview"
    assert data["reviewRating"]["bestRating"] == 4 and data["reviewRating"]["worstRating"] == 1
    appearances = {item["url"] for item in data["itemReviewed"]["appearance"]}
    again = Post.objects.get(text=moderation_demo.RUMOUR_AGAIN)
    assert {link.rsplit("/social/", 1)[-1] for link in appearances} == {
        f"posts/{rumour.pk}/",
        f"posts/{again.pk}/",
    }
