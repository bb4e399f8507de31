"""Script tags, event handlers and dangerous URLs in anything people type are neutralised.

Each payload goes into posts, comments, display names, bios, group names, hashtags and poll
options; the pages that show them and the API's JSON (`content`, `note`) must contain no
element, attribute or URL that could run script.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from django.test import Client

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.core.ratelimit import rate_limits_suspended

pytestmark = pytest.mark.django_db


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


PAYLOADS = (
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">bấm vào đây</a>',
    "[bấm vào đây](javascript:alert(1))",
    "[ảnh](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)//",
    "<scr<script>ipt>alert(1)</script>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)//<</script>",
    "<object data=javascript:alert(1)>",
    '<img src="x" onerror="alert(1)"',
)
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "math", "style", "base", "frame", "frameset"}
_CONTROL = re.compile(r"[\x00-\x20]+")


class _Checker(HTMLParser):
    """Collects every way a piece of HTML could run script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script" and not (names.get("src") or "").startswith("/static/"):
            self.problems.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            url = _CONTROL.sub("", (value or "")).lower()
            if name in URL_ATTRS and url.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "javascript" in url:
                self.problems.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def problems_in(html: str) -> list[str]:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def test_the_checker_catches_what_it_should() -> None:
    assert problems_in("<img src=x onerror=alert(1)>")
    assert problems_in('<a href=" javascript:alert(1)">x</a>')
    assert problems_in("<script>alert(1)</script>")
    assert not problems_in("&lt;script&gt;alert(1)&lt;/script&gt; <a href='/social/'>x</a>")


@pytest.fixture
def writer(db: None) -> User:
    return _user(full_name="Nguyễn Văn Thử", email="thu@vcnet.test")


@pytest.fixture
def reader(db: None) -> User:
    return _user(full_name="Trần Thị Đọc", email="doc@vcnet.test")


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _assert_clean(html: str, where: str) -> None:
    problems = problems_in(html)
    assert not problems, f"{where}: {problems}"


def test_posts_comments_hashtags_and_polls(client: Client, writer: User, reader: User) -> None:
    from vcnet.social.services.polls import PollSpec
    from vcnet.social.services.posts import post_create

    with rate_limits_suspended():
        posts = []
        for payload in PAYLOADS:
            post = post_create(user=writer, text=f"Bài viết {payload} #thử{payload}")
            post_create(user=reader, text=f"Bình luận {payload}", in_reply_to=post)
            posts.append(post)
        poll = post_create(
            user=writer,
            text="Thăm dò",
            poll=PollSpec(options=[p[:100] for p in PAYLOADS[:4]], expires_in=3600),
        )
    for post in posts:
        assert not problems_in(post.html), post.text
    client.force_login(reader)
    for post in [*posts[:6], poll]:
        _assert_clean(_get(client, f"/social/posts/{post.pk}/"), f"post {post.text!r}")
    handle = posts[0].author.handle
    _assert_clean(_get(client, f"/social/@{handle}/"), "profile with the posts")
    _assert_clean(_get(client, "/social/search/?q=bai+viet&type=posts"), "search results")
    _assert_clean(_get(client, "/social/search/?q=thu&type=hashtags"), "hashtag results")
    for post in [*posts, poll]:
        response = client.get(f"/api/v1/statuses/{post.pk}")
        assert response.status_code == 200
        data = json.loads(response.content)
        _assert_clean(data["content"], f"API content of {post.text!r}")


@pytest.mark.parametrize("payload", PAYLOADS[:8])
def test_display_names_bios_and_group_names(
    client: Client, writer: User, reader: User, payload: str
) -> None:
    from vcnet.social.services.actors import actor_for_user, profile_update
    from vcnet.social.services.groups import group_create
    from vcnet.social.services.posts import post_create

    actor = profile_update(
        user=writer, display_name=f"Tên {payload}"[:100], bio=f"Giới thiệu {payload}"
    )
    group = group_create(
        user=writer,
        name=f"Nhóm {payload}"[:120],
        slug="nhom-thu",
        kind="public",
        description=f"Mô tả {payload}",
    )
    post = post_create(user=writer, text="Xin chào cả nhóm", group=group)
    client.force_login(reader)
    actor_for_user(reader)
    _assert_clean(_get(client, f"/social/@{actor.handle}/"), "profile")
    _assert_clean(_get(client, f"/social/posts/{post.pk}/"), "post by the person")
    _assert_clean(_get(client, f"/social/groups/{group.slug}/"), "group page")
    _assert_clean(_get(client, "/social/groups/"), "groups directory")
    _assert_clean(_get(client, "/social/search/?q=ten"), "search for the person")
    _assert_clean(_get(client, "/social/search/?q=nhom&type=groups"), "search for the group")
    data = json.loads(client.get(f"/api/v1/accounts/{actor.pk}").content)
    _assert_clean(data["note"], "API note")  # display_name is plain text in Mastodon's API
