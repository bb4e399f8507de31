"""The benchmark's endpoints: /hello/ (bare JSON) and /home/?u=<user id> (home feed as JSON).

The home view is GET /api/v1/timelines/home without its OAuth token (the load generator needs no
login: the user comes by id): the same `feed_home` with status cards and the same Mastodon JSON
(`statuses_from_cards`, with the viewer's state) and the same Link header.
"""

from __future__ import annotations

import os

from django.http import HttpRequest, JsonResponse
from django.urls import path

from vcnet.accounts.models import User
from vcnet.social.api.pagination import paged_response
from vcnet.social.cards import statuses_from_cards
from vcnet.social.feeds import feed_home

if os.environ.get("BENCH_PATCH_ACCESS"):
    from bench.social.patches import apply

    apply()


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"hello": "xin chào"})


def home(request: HttpRequest) -> JsonResponse:
    user = User.objects.get(pk=int(request.GET["u"]))
    page = feed_home(user, limit=20, cards=True)
    return paged_response(
        request,
        statuses_from_cards(request, user, page.cards),
        next_max_id=page.next_max_id,
        prev_min_id=page.prev_min_id,
    )


urlpatterns = [path("hello/", hello), path("home/", home)]
