"""The benchmark's endpoints: /hello/ (bare JSON) and /home/?u=<user id> (home feed as JSON).

The home view stands in for GET /api/v1/timelines/home: it loads the user by id instead of an
OAuth token (so the load generator needs no login), calls `feed_home` and serialises the page
the way an API would (ids as strings, author, HTML, counts, the next cursor).
"""

from __future__ import annotations

import os

from django.http import HttpRequest, JsonResponse
from django.urls import path

from vcnet.accounts.models import User
from vcnet.social.feeds import feed_home

if os.environ.get("BENCH_PATCH_ACCESS"):
    from bench.social.patches import apply

    apply()


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"hello": "xin chào"})


def _status(post: object) -> dict[str, object]:
    author = post.author  # type: ignore[attr-defined]
    return {
        "id": str(post.pk),  # type: ignore[attr-defined]
        "created_at": post.created_at.isoformat(),  # type: ignore[attr-defined]
        "account": {
            "id": str(author.pk),
            "acct": author.handle,
            "display_name": author.display_name,
        },
        "content": post.html,  # type: ignore[attr-defined]
        "reblog": str(post.reblog_of_id) if post.reblog_of_id else None,  # type: ignore[attr-defined]
        "replies_count": post.replies_count,  # type: ignore[attr-defined]
        "reblogs_count": post.reblogs_count,  # type: ignore[attr-defined]
        "favourites_count": post.reactions_count,  # type: ignore[attr-defined]
    }


def home(request: HttpRequest) -> JsonResponse:
    user = User.objects.get(pk=int(request.GET["u"]))
    page = feed_home(user, limit=20)
    return JsonResponse(
        {"statuses": [_status(p) for p in page.posts], "next_max_id": page.next_max_id}
    )


urlpatterns = [path("hello/", hello), path("home/", home)]
