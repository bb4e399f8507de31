"""The benchmark's endpoints: /hello/ (bare JSON) and /home/?u=<user id> (home feed as JSON).

Two more show what any view costs beyond hello on the same server (the ceiling of the ratio):
With Redis, /floor/redis/ answers a 40 KB body (a home page's size) read from Redis; /floor/query/?u=<id>
the same after one primary-key query (raw SQL) to PostgreSQL.

The home view is GET /api/v1/timelines/home without its OAuth token (the load generator needs no
login: the user comes by id): the API's own `home_first_page` (`feeds.snapshot`: the stored
page while nothing on it changed, else `feed_home` with status cards and `statuses_from_cards`),
with the same Link header. `run.py` also measures the real endpoint with tokens.
"""

from __future__ import annotations

import os

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path

from vcnet.accounts.models import User
from vcnet.social.api.timelines import home_first_page

if os.environ.get("BENCH_PATCH_ACCESS"):
    from bench.social.patches import apply

    apply()


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"hello": "xin chào"})


def _blob() -> bytes:
    from vcnet.social.feeds import redis as rfeed

    client = rfeed.raw_client()
    key = "vcnet:bench:floor"
    body = client.get(key)
    if body is None:
        body = b"[" + b",".join([b'{"content":"' + b"x" * 1990 + b'"}'] * 20) + b"]"
        client.set(key, body)
    return bytes(body)


def floor_redis(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_blob(), content_type="application/json")


def floor_query(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        sql = f"SELECT id FROM {User._meta.db_table} WHERE id = %s"  # noqa: S608
        cursor.execute(sql, [int(request.GET["u"])])
        cursor.fetchone()
    return HttpResponse(_blob(), content_type="application/json")


def home(request: HttpRequest) -> HttpResponse:
    user_id = int(request.GET["u"])
    return home_first_page(request, user_id, 20, lambda: User.objects.get(pk=user_id))


urlpatterns = [
    path("hello/", hello),
    path("home/", home),
    path("floor/redis/", floor_redis),
    path("floor/query/", floor_query),
    path("", include("vcnet.urls")),  # the real /api/v1/timelines/home, with a token
]
