"""Rate limits: the core counter, requests per account and per address, posts and follows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, cast

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.core.ratelimit import (
    RateLimited,
    rate_limit_check,
    rate_limit_hit,
    rate_limits_suspended,
)
from vcnet.social import limits
from vcnet.social.middleware_limits import too_many_response

pytestmark = pytest.mark.django_db


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


# A URL configuration for these tests: tiny views under the limited prefixes, plus the site's.
def _ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _mastodon_ok(request: HttpRequest) -> HttpResponse:
    return JsonResponse([], safe=False)


def _raises(request: HttpRequest) -> HttpResponse:
    raise RateLimited(retry_after=42)


def _api_refuses(request: HttpRequest) -> HttpResponse:
    # As the API's exception handler does: a 429 body built from the error, no Retry-After.
    try:
        raise RateLimited(retry_after=17)
    except RateLimited as exc:
        return JsonResponse({"error": str(exc.message)}, status=429)


urlpatterns = [
    path("social/ping/", _ok),
    path("social/raise/", _raises),
    path("api/v1/timelines/public", _mastodon_ok),
    path("api/v1/statuses", _api_refuses),
    path("api/v1/documents/ping", _ok),
    path("", include("vcnet.urls")),
]


@pytest.fixture
def limited(settings: Any) -> Any:
    settings.ROOT_URLCONF = __name__
    settings.SOCIAL_REQUESTS_LIMIT = 3
    settings.SOCIAL_REQUESTS_WINDOW = 300
    return settings


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- The core counter ---------------------------------------------------------------------


def test_rate_limit_check_refuses_past_the_limit_and_says_how_long_to_wait() -> None:
    for _ in range(3):
        rate_limit_check("thử:một", limit=3, window=60)
    with pytest.raises(RateLimited) as refused:
        rate_limit_check("thử:một", limit=3, window=60)
    assert refused.value.status == 429
    assert refused.value.code == "rate_limited"
    assert 1 <= refused.value.retry_after <= 60
    assert "wait" in str(refused.value.message) or "chờ" in str(refused.value.message)
    rate_limit_check("thử:hai", limit=3, window=60)  # another key has its own counter


def test_long_waits_are_told_in_minutes() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert "minutes" in str(RateLimited(retry_after=600).message)
        assert "seconds" in str(RateLimited(retry_after=30).message)


def test_suspended_limits_count_nothing() -> None:
    with rate_limits_suspended():
        for _ in range(10):
            rate_limit_check("hạt-giống", limit=1, window=60)
    assert rate_limit_hit("hạt-giống", limit=1, window=60) == 0  # the first real hit


# --- Requests per account and per address -------------------------------------------------


def test_html_page_answers_429_with_a_clear_message_and_retry_after(
    limited: Any, client: Client
) -> None:
    _english(client)
    for _ in range(3):
        assert client.get("/social/ping/").status_code == 200
    response = client.get("/social/ping/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 300
    body = response.content.decode()
    assert "Please slow down" in body
    assert "Too many requests. Please wait" in body


def test_limit_is_per_address_for_anonymous_visitors(limited: Any, client: Client) -> None:
    for _ in range(3):
        client.get("/social/ping/", REMOTE_ADDR="203.0.113.7")
    assert client.get("/social/ping/", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.get("/social/ping/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_limit_follows_the_account_across_addresses(limited: Any, client: Client) -> None:
    user = _user(full_name="Nguyễn Thị Hoa")
    client.force_login(user)
    for i in range(3):
        client.get("/social/ping/", REMOTE_ADDR=f"198.51.100.{i + 1}")
    assert client.get("/social/ping/", REMOTE_ADDR="198.51.100.99").status_code == 429
    other = Client()
    other.force_login(_user(full_name="Trần Văn Lộc"))
    assert other.get("/social/ping/", REMOTE_ADDR="198.51.100.100").status_code == 200


def test_bearer_tokens_are_counted_apart(limited: Any, client: Client) -> None:
    for i in range(3):
        client.get(
            "/api/v1/timelines/public", HTTP_AUTHORIZATION="Bearer tok-a", REMOTE_ADDR=f"10.0.0.{i}"
        )
    refused = client.get(
        "/api/v1/timelines/public", HTTP_AUTHORIZATION="Bearer tok-a", REMOTE_ADDR="10.0.0.9"
    )
    assert refused.status_code == 429
    fine = client.get(
        "/api/v1/timelines/public", HTTP_AUTHORIZATION="Bearer tok-b", REMOTE_ADDR="10.0.1.1"
    )
    assert fine.status_code == 200


def test_mastodon_paths_answer_in_mastodons_shape(limited: Any, client: Client) -> None:
    for _ in range(3):
        assert client.get("/api/v1/timelines/public").status_code == 200
    response = client.get("/api/v1/timelines/public")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert int(response["Retry-After"]) >= 1
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert body["error"]


def test_other_paths_are_not_counted(limited: Any, client: Client) -> None:
    for _ in range(6):
        assert client.get("/api/v1/documents/ping").status_code == 200


def test_problem_json_for_other_api_paths() -> None:
    request = RequestFactory().get("/api/v1/documents/ping")
    response = too_many_response(request, RateLimited(retry_after=9))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "9"
    body = json.loads(response.content)
    assert body["status"] == 429
    assert body["code"] == "rate_limited"


def test_a_services_refusal_on_a_web_page_is_a_429_page(limited: Any, client: Client) -> None:
    _english(client)
    response = client.get("/social/raise/")
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert "Please slow down" in response.content.decode()


def test_api_refusals_get_retry_after(limited: Any, client: Client) -> None:
    response = client.post("/api/v1/statuses")
    assert response.status_code == 429
    assert response["Retry-After"] == "17"


# --- Posts and follows --------------------------------------------------------------------


def _old(user: User) -> User:
    user.date_joined = timezone.now() - dt.timedelta(days=3)
    user.save(update_fields=["date_joined"])
    return user


def test_new_accounts_post_less_per_hour(settings: Any) -> None:
    settings.SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR = 2
    settings.SOCIAL_POSTS_PER_HOUR = 4
    newcomer = _user(full_name="Lý Thị Mới")
    veteran = _old(_user(full_name="Hà Văn Cũ"))
    assert limits.is_new_account(newcomer)
    assert not limits.is_new_account(veteran)
    limits.check_post(newcomer)
    limits.check_post(newcomer)
    with pytest.raises(RateLimited) as refused:
        limits.check_post(newcomer)
    assert refused.value.retry_after <= 3600
    from django.utils import translation

    with translation.override("en"):
        assert "first day" in str(limits._new_account_note("post", 2))
    for _ in range(4):
        limits.check_post(veteran)
    with pytest.raises(RateLimited):
        limits.check_post(veteran)


def test_new_accounts_follow_less_per_hour(settings: Any) -> None:
    settings.SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR = 1
    settings.SOCIAL_FOLLOWS_PER_HOUR = 3
    newcomer = _user(full_name="Vi Thị Hạnh")
    limits.check_follow(newcomer)
    with pytest.raises(RateLimited):
        limits.check_follow(newcomer)
    veteran = _old(_user(full_name="Mạc Văn Đông"))
    for _ in range(3):
        limits.check_follow(veteran)
    with pytest.raises(RateLimited):
        limits.check_follow(veteran)


def test_post_create_counts_posts(settings: Any) -> None:
    from vcnet.social.services.posts import post_create

    settings.SOCIAL_NEW_ACCOUNT_POSTS_PER_HOUR = 2
    author = _user(full_name="Đinh Thị Thảo")
    post_create(user=author, text="Bài thứ nhất về chuyển đổi số.")
    post_create(user=author, text="Bài thứ hai về cải cách hành chính.")
    with pytest.raises(RateLimited):
        post_create(user=author, text="Bài thứ ba thì quá nhanh.")


def test_follow_create_counts_follows(settings: Any) -> None:
    from vcnet.social.services.actors import actor_for_user
    from vcnet.social.services.graph import follow_create

    settings.SOCIAL_NEW_ACCOUNT_FOLLOWS_PER_HOUR = 1
    follower = _user(full_name="Kiều Văn Phúc")
    first = actor_for_user(_user(full_name="Âu Thị Lan"))
    second = actor_for_user(_user(full_name="Ông Văn Bảy"))
    follow_create(user=follower, target_id=first.pk)
    with pytest.raises(RateLimited):
        follow_create(user=follower, target_id=second.pk)


def test_mention_cap_per_post(settings: Any) -> None:
    from vcnet.core.errors import DomainError
    from vcnet.social.services.actors import actor_for_user
    from vcnet.social.services.posts import post_create

    settings.SOCIAL_MAX_MENTIONS = 2
    handles = [actor_for_user(_user(full_name=f"Người {i}")).handle for i in range(3)]
    author = _user(full_name="Tôn Thất Minh")
    post_create(user=author, text=f"Chào @{handles[0]} và @{handles[1]}")
    with pytest.raises(DomainError):
        post_create(user=author, text=" ".join(f"@{h}" for h in handles))
