"""Reading news feeds from a real local news site, and the demo news site served by VCNET."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from vcnet.opinion.demo_news import DEMO_DIR
from vcnet.opinion.feeds import due_sources, fetch_source
from vcnet.opinion.models import Item, ItemKind, Source, SourceKind, SourceStatus
from vcnet.opinion.tests import newsserver
from vcnet.opinion.tests.newsserver import NewsServer

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
MANIFEST = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
news_server = newsserver.news_server  # the fixture, under the name tests ask for
SIDEBAR = "Tin liên quan"
FOOTER = "Trang tin minh họa phục vụ thử nghiệm"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def _feed(server: NewsServer, name: str, **fields: Any) -> Source:
    return Source.objects.create(
        kind=SourceKind.FEED, name=fields.pop("title", name), url=server.url(name), **fields
    )


@pytest.mark.parametrize("outlet", MANIFEST, ids=lambda outlet: outlet["outlet"])
def test_each_demo_feed_gives_its_articles_text(
    news_server: NewsServer, outlet: dict[str, Any]
) -> None:
    source = _feed(news_server, outlet["feed"], province=outlet["province"] or "")

    result = fetch_source(source, now=NOW)

    assert result.status == SourceStatus.OK
    assert len(result.drafts) == 12
    for draft in result.drafts:
        assert draft.kind == ItemKind.ARTICLE
        assert draft.url.startswith(news_server.url(outlet["outlet"] + "/"))
        assert draft.external_id == draft.url
        assert draft.title
        assert draft.province == (outlet["province"] or "")
        assert draft.published_at.utcoffset() == timedelta(0)
        assert datetime(2026, 11, 20, tzinfo=UTC) < draft.published_at < NOW
        # The article body, not the site around it.
        assert len(draft.text) > 600
        assert SIDEBAR not in draft.text
        assert FOOTER not in draft.text
        assert "Trang chủ" not in draft.text
    assert len(news_server.article_hits()) == 12
    assert all("VCNET opinion monitor" in hit.headers["User-Agent"] for hit in news_server.log)
    source.refresh_from_db()
    assert source.status == SourceStatus.OK
    assert source.etag
    assert source.last_fetched_at == NOW
    assert source.next_fetch_at == NOW + timedelta(minutes=30)


def test_an_article_keeps_its_body_sentences(news_server: NewsServer) -> None:
    source = _feed(news_server, "tin-tuc-thu-do.rss", province="Hà Nội")

    drafts = {draft.url: draft for draft in fetch_source(source, now=NOW).drafts}

    draft = drafts[news_server.url("tin-tuc-thu-do/ha-noi-mo-rong-dich-vu-cong.html")]
    assert draft.title.startswith("Hà Nội mở rộng dịch vụ công trực tuyến toàn trình")
    assert "lượng người đến trực tiếp trong tháng 11 giảm gần 40%" in draft.text
    assert "Anh Phạm Quang Huy, sống tại phường Nghĩa Đô" in draft.text
    assert draft.published_at == datetime(2026, 11, 27, 1, 15, tzinfo=UTC)


def test_second_fetch_is_conditional_and_reads_nothing(news_server: NewsServer) -> None:
    source = _feed(news_server, "bao-dien-tu-mien-trung.rss")
    fetch_source(source, now=NOW)
    source.refresh_from_db()
    pages_before = len(news_server.article_hits())

    result = fetch_source(source, now=NOW + timedelta(minutes=30))

    assert news_server.hits("bao-dien-tu-mien-trung.rss")[-1].headers["If-None-Match"] == (
        source.etag
    )
    assert result.status == SourceStatus.NOT_MODIFIED
    assert result.not_modified
    assert result.drafts == []
    assert len(news_server.article_hits()) == pages_before
    source.refresh_from_db()
    assert source.status == SourceStatus.NOT_MODIFIED
    assert source.next_fetch_at == NOW + timedelta(minutes=60)


def test_stored_articles_are_not_fetched_again(news_server: NewsServer) -> None:
    source = _feed(news_server, "nhip-song-phuong-nam.atom", province="TP. Hồ Chí Minh")
    stored = news_server.url("nhip-song-phuong-nam/metro-so-1-luong-khach-tang.html")
    Item.objects.create(
        source=source,
        kind=ItemKind.ARTICLE,
        external_id=stored,
        url=stored,
        text="Metro số 1 đón hơn 70.000 lượt khách mỗi ngày.",
        published_at=NOW,
    )

    result = fetch_source(source, now=NOW)

    assert len(result.drafts) == 11
    assert stored not in {draft.external_id for draft in result.drafts}
    assert news_server.hits("nhip-song-phuong-nam/metro-so-1-luong-khach-tang.html") == []
    assert len(news_server.article_hits()) == 11


def test_pages_per_fetch_are_capped_and_the_rest_use_the_summary(
    news_server: NewsServer, settings: Any
) -> None:
    settings.OPINION_ARTICLES_PER_FETCH = 5
    source = _feed(news_server, "tin-tuc-thu-do.rss")

    drafts = fetch_source(source, now=NOW).drafts

    assert len(drafts) == 12
    assert len(news_server.article_hits()) == 5
    summaries = [draft for draft in drafts if len(draft.text) < 400]
    assert len(summaries) == 7
    assert all(SIDEBAR not in draft.text for draft in drafts)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken.rss", "Not a feed: not well-formed (invalid token) (line 2)"),
        ("huge.rss", "The feed is larger than 1 MB"),
        ("tin-tuc-thu-do/ha-noi-mo-rong-dich-vu-cong.html", "Not a feed: "),
        ("gone.rss", "The feed is not at this address any more (HTTP 404)."),
        ("slow.rss", "The feed could not be reached: no answer within 0.5 seconds."),
    ],
)
def test_a_failing_feed_records_the_error_and_backs_off(
    news_server: NewsServer, settings: Any, name: str, message: str
) -> None:
    settings.OPINION_FEED_MAX_BYTES = 1024 * 1024
    settings.OPINION_FETCH_TIMEOUT = 0.5
    source = _feed(news_server, name)

    first = fetch_source(source, now=NOW)
    second = fetch_source(source, now=NOW + timedelta(minutes=30))

    assert first.status == second.status == SourceStatus.ERROR
    assert first.drafts == []
    assert message in second.error
    source.refresh_from_db()
    assert source.status == SourceStatus.ERROR
    assert message in source.last_error
    assert source.error_count == 2
    # The first error waits the usual 30 minutes, the second twice as long.
    assert source.next_fetch_at == NOW + timedelta(minutes=30 + 60)


def test_backoff_stops_at_a_day_and_a_success_resets_it(news_server: NewsServer) -> None:
    source = _feed(news_server, "gone.rss", error_count=10)

    fetch_source(source, now=NOW)

    source.refresh_from_db()
    assert source.error_count == 11
    assert source.next_fetch_at == NOW + timedelta(hours=24)
    source.url = news_server.url("tin-tuc-thu-do.rss")
    source.save()
    fetch_source(source, now=NOW)
    source.refresh_from_db()
    assert (source.status, source.error_count, source.last_error) == (SourceStatus.OK, 0, "")


def test_busy_site_is_asked_again_after_retry_after(news_server: NewsServer) -> None:
    source = _feed(news_server, "busy.rss", interval_minutes=1)

    result = fetch_source(source, now=NOW)

    assert result.status == SourceStatus.ERROR
    assert result.http_status == 429
    assert "HTTP 429" in result.error
    source.refresh_from_db()
    assert source.next_fetch_at == NOW + timedelta(seconds=120)


def test_unreachable_site_and_bad_scheme_are_errors_not_exceptions(
    news_server: NewsServer,
) -> None:
    closed = Source.objects.create(kind=SourceKind.FEED, name="Đóng", url="http://127.0.0.1:9/")
    ftp = Source.objects.create(kind=SourceKind.FEED, name="FTP", url="ftp://example.vn/a.rss")

    assert "The feed could not be reached" in fetch_source(closed, now=NOW).error
    assert fetch_source(ftp, now=NOW).error == "Only http and https addresses can be fetched."


def test_private_addresses_are_refused_unless_allowed(
    news_server: NewsServer, settings: Any
) -> None:
    settings.OPINION_FETCH_ALLOW_PRIVATE = False
    source = _feed(news_server, "tin-tuc-thu-do.rss")

    result = fetch_source(source, now=NOW)

    assert result.status == SourceStatus.ERROR
    assert "private network" in result.error
    assert news_server.log == []


def test_due_sources_are_active_feeds_whose_time_has_come() -> None:
    def make(name: str, **fields: Any) -> Source:
        fields.setdefault("kind", SourceKind.FEED)
        return Source.objects.create(name=name, url=f"https://bao.example.vn/{name}.rss", **fields)

    never = make("chua-doc")
    due = make("den-han", next_fetch_at=NOW - timedelta(minutes=1))
    make("chua-den-han", next_fetch_at=NOW + timedelta(minutes=1))
    make("tam-dung", active=False)
    make("nhap-tay", kind=SourceKind.IMPORT)

    assert set(due_sources(NOW)) == {never, due}


# The demo news site served by VCNET itself.


def test_demo_news_rewrites_links_to_this_site(client: Client, settings: Any) -> None:
    settings.OPINION_DEMO_NEWS = True

    feed = client.get("/opinion/demo-news/tin-tuc-thu-do.rss")
    atom = client.get("/opinion/demo-news/nhip-song-phuong-nam.atom")
    page = client.get("/opinion/demo-news/tin-tuc-thu-do/ha-noi-mo-rong-dich-vu-cong.html")

    assert feed.status_code == atom.status_code == page.status_code == 200
    assert feed["Content-Type"].startswith("application/rss+xml")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert page["Content-Type"] == "text/html; charset=utf-8"
    body = feed.content.decode()
    assert "NEWS_HOST" not in body
    assert (
        "<link>http://testserver/opinion/demo-news/tin-tuc-thu-do/ha-noi-mo-rong-dich-vu-cong.html"
        in body
    )
    assert "Hà Nội mở rộng dịch vụ công" in page.content.decode()
    assert feed["ETag"] and feed["Last-Modified"]


def test_demo_news_answers_304_when_unchanged(client: Client, settings: Any) -> None:
    settings.OPINION_DEMO_NEWS = True
    first = client.get("/opinion/demo-news/bao-dien-tu-mien-trung.rss")

    again = client.get(
        "/opinion/demo-news/bao-dien-tu-mien-trung.rss", HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == 304
    assert again.content == b""


@pytest.mark.parametrize(
    "address",
    [
        "../manifest.json",
        "manifest.json",
        "..%2F..%2Fmodels.py",
        "tin-tuc-thu-do/..%2F..%2F..%2Fmodels.html",
        "articles/tin-tuc-thu-do/ha-noi-mo-rong-dich-vu-cong.html",
        "khong-co-bao-nay.rss",
    ],
)
def test_demo_news_serves_nothing_else(client: Client, settings: Any, address: str) -> None:
    settings.OPINION_DEMO_NEWS = True

    assert client.get("/opinion/demo-news/" + address).status_code == 404


def test_demo_news_is_off_unless_enabled(client: Client, settings: Any) -> None:
    settings.OPINION_DEMO_NEWS = False

    assert client.get("/opinion/demo-news/tin-tuc-thu-do.rss").status_code == 404


def test_a_feed_source_reads_the_demo_news_served_by_vcnet(live_server: Any, settings: Any) -> None:
    settings.OPINION_DEMO_NEWS = True
    source = Source.objects.create(
        kind=SourceKind.FEED,
        name="Nhịp Sống Phương Nam",
        url=f"{live_server.url}/opinion/demo-news/nhip-song-phuong-nam.atom",
        province="TP. Hồ Chí Minh",
    )

    result = fetch_source(source, now=NOW)
    again = fetch_source(source, now=NOW + timedelta(minutes=30))

    assert len(result.drafts) == 12
    assert all(d.url.startswith(f"{live_server.url}/opinion/demo-news/") for d in result.drafts)
    assert all(SIDEBAR not in d.text and len(d.text) > 600 for d in result.drafts)
    assert again.status == SourceStatus.NOT_MODIFIED
