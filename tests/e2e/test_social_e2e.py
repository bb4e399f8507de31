"""The social network's "done when", in a real browser through the pages, then from Mastodon.py.

A citizen registers, follows an official page, sees its post in the home feed, comments on it,
gets a live notification when someone mentions them, and finds the post by searching without
diacritics; then the same account is used from Mastodon.py.
"""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.core import mail

from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.social.models import Actor, ActorKind, PageRole, PageRoleKind, Post
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.posts import post_create

PASSWORD = "Hoa-sen-nở-2026"
POLICY = "Từ 1/7, học sinh được hỗ trợ 100% mức đóng bảo hiểm y tế #BHYT"


@pytest.mark.e2e
def test_citizen_follows_a_page_comments_is_mentioned_and_searches(
    page: Any,
    live_server: Any,
    transactional_db: None,
    province: Unit,
    clerk: User,
    settings: Any,
) -> None:
    from playwright.sync_api import expect

    settings.SIGNUP_POW_BITS = 8
    official = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=True,
    )
    PageRole.objects.create(page=official, user=clerk, role=PageRoleKind.OWNER)
    post_create(user=clerk, text=POLICY, as_actor=official)

    # 1. Register, confirm the address from the e-mail, sign in.
    page.goto("/accounts/signup/")
    page.locator("input[name='full_name']").fill("Vũ Thị Lan")
    page.locator("input[name='email']").fill("vuthilan@example.vn")
    page.locator("input[name='password1']").fill(PASSWORD)
    page.locator("input[name='password2']").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form button[type='submit']").last.click()
    body = str(mail.outbox[-1].body)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", body)
    assert link, body
    page.goto(link.group(1))
    with page.expect_navigation():
        page.locator("main form button[type='submit']").first.click()
    page.goto("/accounts/login/?next=/social/")
    page.locator("input[name='login']").fill("vuthilan@example.vn")
    page.locator("input[name='password']").fill(PASSWORD)
    page.locator("input[name='password']").press("Enter")
    page.wait_for_url(re.compile(r"/social/$"))
    lan = User.objects.get(email="vuthilan@example.vn")

    # 2. Follow the official page from its profile (htmx swaps the button in place).
    page.goto("/social/@btg_nghean/")
    expect(page.locator(".sp-profile .sp-verified")).to_be_visible()
    page.locator(".sp-relation button[value='follow']").click()
    expect(page.locator(".sp-relation button[value='unfollow']")).to_be_visible()

    # 3. The page's post is in the home feed.
    page.goto("/social/")
    card = page.locator("article.sp-post", has_text="hỗ trợ 100% mức đóng")
    expect(card).to_be_visible()

    # 4. Comment on it.
    with page.expect_navigation():
        card.locator("a.sp-time").click()
    page.locator("#reply-text").fill("Chính sách rất thiết thực cho các gia đình!")
    with page.expect_navigation():
        page.locator("form.sp-reply-form button[type='submit']").click()
    expect(page.locator(".sp-comment", has_text="rất thiết thực")).to_be_visible()
    assert Post.objects.filter(author__user=lan, in_reply_to__isnull=False).exists()

    # 5. Someone mentions her: the open page shows it live (toast and bell count).
    page.goto("/social/")
    page.wait_for_timeout(1500)  # let the event stream connect
    minh = cast(User, UserFactory(full_name="Lê Văn Minh", email="minh.le@vcnet.test"))
    handle = actor_for_user(lan).handle
    post_create(user=minh, text=f"@{handle} bạn đọc bài về BHYT học sinh chưa?")
    expect(page.locator(".notif-toast")).to_be_visible(timeout=15_000)
    expect(page.locator("#notif-bell .notif-count")).to_have_text("1")

    # 6. Search without diacritics finds the page's post.
    page.goto("/social/search/?q=ho+tro+bao+hiem+y+te")
    expect(page.get_by_text("hỗ trợ 100% mức đóng", exact=False).first).to_be_visible()

    # 7. The same account works from a Mastodon client (Mastodon.py, authorization-code flow).
    from vcnet.social.tests.conftest_api import mastodon_for

    app = mastodon_for(live_server.url, lan)
    me = app.account_verify_credentials()
    assert me.acct == handle and me.display_name == "Vũ Thị Lan"
    policy = next(s for s in app.timeline_home() if "hỗ trợ 100% mức đóng" in s.content)
    assert policy.account.acct == "btg_nghean" and policy.account["vcnet"]["verified"] is True
    replies = app.status_context(policy.id).descendants
    assert any("rất thiết thực" in s.content for s in replies)
    assert "mention" in {n.type for n in app.notifications()}
    found = app.search_v2("ho tro bao hiem y te", result_type="statuses")
    assert policy.id in [s.id for s in found.statuses]
