"""/api/v1/opinion/: analysts read aggregates and public samples; nobody else reads anything;
nothing lists or filters by author."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.opinion import aggregates, pipeline, services
from vcnet.opinion.models import ItemKind, Source, Watchlist
from vcnet.opinion.types import ItemDraft

pytestmark = pytest.mark.django_db

TEXTS = [
    "Cán bộ một cửa của phường làm việc nhanh gọn, tôi rất hài lòng.",
    "Rác thải để ùn ứ ở đầu ngõ cả tuần không ai thu gom, mùi hôi kinh khủng.",
    "Phường thông báo lịch tiêm chủng mở rộng cho trẻ em vào thứ bảy.",
]


@pytest.fixture
def analysed(db: None) -> None:
    hour = aggregates.hour_of(timezone.now())
    drafts = [
        ItemDraft(
            f"api-{n}", ItemKind.COMMENT, text, hour + dt.timedelta(minutes=n), province="Nghệ An"
        )
        for n, text in enumerate(TEXTS)
    ]
    services.ingest(services.platform_source(), drafts)
    pipeline.process_batch()


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_an_analyst_reads_the_overview_and_public_items_without_authors(
    analyst: User, analysed: None
) -> None:
    client = _client(analyst)

    body = client.get("/api/v1/opinion/overview?range=24h").json()
    assert body["total"] == 3 and body["filters"]["period"] == "hour"
    assert body["positive"] + body["neutral"] + body["negative"] == 3
    assert body["provinces"] == [
        {"province": "Nghệ An", "mentions": 3, "negative_share": pytest.approx(1 / 3)}
    ]

    items: list[dict[str, Any]] = client.get(
        "/api/v1/opinion/items?range=24h&author=1&user=1"
    ).json()
    assert len(items) == 3
    assert not {"author", "user", "account", "author_id"} & set(items[0])
    negative = client.get("/api/v1/opinion/items?range=24h&sentiment=negative").json()
    assert [i["excerpt"] for i in negative] == [TEXTS[1]]
    by_term = client.get("/api/v1/opinion/items?range=24h&term=rac thai").json()
    assert [i["excerpt"] for i in by_term] == [TEXTS[1]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/opinion/overview",
        "/api/v1/opinion/items",
        "/api/v1/opinion/alerts",
        "/api/v1/opinion/sources",
        "/api/v1/opinion/topics",
        "/api/v1/opinion/watchlists",
    ],
)
def test_officials_who_are_not_analysts_read_nothing(
    official: User, analysed: None, path: str
) -> None:
    response = _client(official).get(path)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert Client().get(path).status_code == 401


def test_watchlists_and_feeds_are_validated(analyst: User, official: User) -> None:
    client = _client(analyst)
    made = client.post(
        "/api/v1/opinion/watchlists",
        {"name": "Giá điện", "terms": ["giá điện", "Gia dien", "  "], "threshold": 3},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["terms"] == ["giá điện"]
    empty = client.post(
        "/api/v1/opinion/watchlists",
        {"name": "Trống", "terms": []},
        content_type="application/json",
    )
    assert empty.status_code == 400 and "at least one term" in empty.json()["detail"]

    bad = client.post(
        "/api/v1/opinion/sources",
        {"name": "Báo", "url": "ftp://bao.example/rss"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    good = client.post(
        "/api/v1/opinion/sources",
        {"name": "Báo Nhân Dân", "url": "https://bao.example/rss", "province": "ha noi"},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["province"] == "Hà Nội"
    again = client.post(
        "/api/v1/opinion/sources",
        {"name": "Trùng", "url": "https://bao.example/rss"},
        content_type="application/json",
    )
    assert again.status_code == 400 and Source.objects.filter(url__contains="bao.").count() == 1

    other = _client(official).delete(f"/api/v1/opinion/watchlists/{made.json()['id']}")
    assert other.status_code == 403 and Watchlist.objects.count() == 1
    assert client.delete(f"/api/v1/opinion/watchlists/{made.json()['id']}").status_code == 204
