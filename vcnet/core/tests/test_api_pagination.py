"""Cursor pagination on keys with ties, descending order and dates, through a probe endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema

from vcnet import urls as project_urls
from vcnet.accounts.models import User
from vcnet.api import install_error_handlers
from vcnet.core.api_auth import api_auth
from vcnet.core.pagination import CursorPage, CursorParams, encode_cursor, paginate

probe = NinjaAPI(urls_namespace="probe-pages", auth=api_auth, docs_url=None, openapi_url=None)
install_error_handlers(probe)


class PersonOut(Schema):
    id: int
    full_name: str


class PersonPage(CursorPage[PersonOut]):
    pass


@probe.get("/people", response=PersonPage)
def people(request: HttpRequest, page: Query[CursorParams], order: str = "-date_joined") -> Any:
    return paginate(User.objects.all(), params=page, key=order)


@probe.get("/people-values", response=PersonPage)
def people_values(request: HttpRequest, page: Query[CursorParams]) -> Any:
    return paginate(User.objects.values("id", "full_name"), params=page, key="full_name")


urlpatterns = [path("probe/", probe.urls), *project_urls.urlpatterns]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

NAMES = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Khánh", "Lan", "Minh", "Nam"]


@pytest.fixture
def people_with_ties(admin: User) -> list[User]:
    moment = timezone.now() - dt.timedelta(days=1)
    # Three people joined at the very same instant: the id breaks the tie.
    made = User.objects.bulk_create(
        User(
            full_name=f"Nguyễn {name}",
            email=f"nguoi{n}@vcnet.test",
            date_joined=moment + dt.timedelta(hours=n // 3),
        )
        for n, name in enumerate(NAMES)
    )
    return [admin, *made]


def walk(client: Client, url: str, **params: Any) -> list[int]:
    seen: list[int] = []
    query = dict(params)
    while True:
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        if body["next"] is None:
            return seen
        query = {**params, "cursor": body["next"]}


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 100])
def test_descending_walk_with_ties_has_no_gaps_or_repeats(
    admin: User, people_with_ties: list[User], limit: int
) -> None:
    client = Client()
    client.force_login(admin)

    seen = walk(client, "/probe/people", limit=limit)

    expected = list(User.objects.order_by("-date_joined", "-pk").values_list("pk", flat=True))
    assert seen == expected


def test_walk_over_values_rows(admin: User, people_with_ties: list[User]) -> None:
    client = Client()
    client.force_login(admin)
    seen = walk(client, "/probe/people-values", limit=4)
    assert seen == list(User.objects.order_by("full_name", "pk").values_list("pk", flat=True))


def test_default_limit_is_20(admin: User) -> None:
    User.objects.bulk_create(
        User(full_name=f"Trần Văn {n}", email=f"tran{n}@vcnet.test") for n in range(25)
    )
    client = Client()
    client.force_login(admin)
    body = client.get("/probe/people").json()
    assert len(body["items"]) == 20
    assert body["next"]


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        # a real cursor for another ordering key
        encode_cursor("full_name", "Nguyễn An", 1),
        # well-formed, but the value cannot be a date
        encode_cursor("-date_joined", "không phải ngày", 1),
        # well-formed, but the id is not a number
        encode_cursor("-date_joined", "2026-01-01T00:00:00+07:00", "abc"),
        base64.urlsafe_b64encode(json.dumps({"k": "-date_joined", "v": None, "i": 1}).encode())
        .decode()
        .rstrip("="),
    ],
)
def test_tampered_cursor_is_a_400_problem(admin: User, cursor: str) -> None:
    client = Client()
    client.force_login(admin)

    response = client.get("/probe/people", {"cursor": cursor})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_cursor"


def test_the_cursor_is_opaque_base64url(admin: User, people_with_ties: list[User]) -> None:
    client = Client()
    client.force_login(admin)
    cursor = client.get("/probe/people", {"limit": 2}).json()["next"]
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
