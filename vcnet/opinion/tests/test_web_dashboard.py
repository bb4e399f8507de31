"""The analysts' dashboard as people meet it: who may open it, the figures and the charts' data,
the filters, the drill-down to public items (never by author), alerts, and escaping."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.opinion import aggregates, pipeline, services
from vcnet.opinion.models import (
    Alert,
    AlertKind,
    AlertSubject,
    Item,
    ItemKind,
    Sentiment,
    Source,
    SourceKind,
    Topic,
)
from vcnet.opinion.types import ItemDraft

pytestmark = pytest.mark.django_db

NGHE_AN = [
    (
        "Giá điện tăng khiến nhiều hộ dân ở Vinh lo lắng",
        "Hóa đơn tiền điện tháng này tăng gần gấp đôi, nhiều gia đình ở thành phố Vinh phải cắt giảm chi tiêu.",
    ),
    (
        "Đường ven biển Nghệ An sạt lở sau mưa lớn",
        "Mưa lớn kéo dài làm sạt lở đoạn đường ven biển, giao thông bị ách tắc nhiều giờ.",
    ),
    (
        "Dịch vụ công trực tuyến giúp làm căn cước nhanh hơn",
        "Người dân Nghệ An có thể nộp hồ sơ căn cước qua cổng dịch vụ công, không phải chờ đợi lâu.",
    ),
    (
        "Trường học vùng cao được xây mới",
        "Huyện Kỳ Sơn khánh thành ngôi trường mới cho học sinh dân tộc thiểu số.",
    ),
    (
        "Giá lúa giảm, nông dân gặp khó",
        "Thương lái ép giá, nông dân trồng lúa ở Yên Thành than thở vì thu nhập giảm.",
    ),
    (
        "Bệnh viện tỉnh triển khai khám bệnh từ xa",
        "Bệnh viện Hữu nghị đa khoa Nghệ An kết nối khám bệnh từ xa với các trạm y tế xã.",
    ),
    (
        "Ngập úng tại nhiều tuyến phố Vinh",
        "Sau trận mưa chiều qua, nhiều tuyến phố ở Vinh ngập sâu, xe cộ chết máy hàng loạt.",
    ),
    (
        "Lễ hội sen quê Bác thu hút du khách",
        "Lễ hội làng Sen năm nay đón hàng chục nghìn lượt khách tham quan.",
    ),
    (
        "Người dân phản ánh rác thải ùn ứ",
        "Rác thải sinh hoạt ùn ứ nhiều ngày ở khu dân cư, gây ô nhiễm môi trường.",
    ),
    (
        "Khởi công khu công nghiệp mới",
        "Tỉnh khởi công khu công nghiệp, dự kiến tạo việc làm cho hàng nghìn lao động.",
    ),
    (
        "Học phí đại học tăng gây áp lực",
        "Nhiều sinh viên Nghệ An lo lắng vì học phí năm học mới tăng mạnh.",
    ),
    (
        "Cầu mới nối hai bờ sông Lam thông xe",
        "Cây cầu mới giúp người dân đi lại thuận tiện, rút ngắn thời gian di chuyển.",
    ),
    (
        "Tin giả về dịch bệnh lan truyền trên mạng",
        "Cơ quan chức năng khuyến cáo người dân không chia sẻ tin giả về dịch bệnh.",
    ),
    (
        "Chợ truyền thống được cải tạo khang trang",
        "Chợ Vinh sau cải tạo sạch sẽ, tiểu thương phấn khởi buôn bán.",
    ),
]
HA_TINH = [
    (
        "Hà Tĩnh đẩy mạnh chuyển đổi số",
        "Tỉnh Hà Tĩnh triển khai nhiều ứng dụng số phục vụ người dân và doanh nghiệp.",
    ),
    (
        "Giá điện tăng, doanh nghiệp Hà Tĩnh lo chi phí",
        "Các doanh nghiệp sản xuất ở Hà Tĩnh cho biết chi phí điện tăng ảnh hưởng lợi nhuận.",
    ),
    (
        "Biển Thiên Cầm đón khách dịp cuối tuần",
        "Bãi biển Thiên Cầm đông vui, dịch vụ du lịch được nâng cao chất lượng.",
    ),
    (
        "Sạt lở bờ sông đe dọa nhà dân",
        "Sạt lở bờ sông ở huyện Hương Khê khiến nhiều hộ dân phải di dời khẩn cấp.",
    ),
    ("Nông dân Hà Tĩnh trúng mùa cam", "Cam Vũ Quang được mùa, được giá, nông dân phấn khởi."),
    (
        "Phản ánh chậm giải ngân đền bù",
        "Người dân phản ánh việc chi trả tiền đền bù giải phóng mặt bằng chậm trễ.",
    ),
    ("Bệnh viện quá tải mùa cúm", "Bệnh viện tỉnh Hà Tĩnh quá tải vì số ca cúm tăng cao."),
    (
        "Trạm y tế xã được đầu tư thiết bị",
        "Nhiều trạm y tế xã ở Hà Tĩnh được trang bị máy siêu âm mới.",
    ),
    (
        "Đường giao thông nông thôn xuống cấp",
        "Nhiều tuyến đường liên xã xuống cấp nghiêm trọng, người dân mong sửa chữa.",
    ),
    (
        "Hà Tĩnh tổ chức hội chợ nông sản",
        "Hội chợ nông sản giới thiệu đặc sản địa phương tới du khách.",
    ),
]
TOTAL = len(NGHE_AN) + len(HA_TINH)


def browser(user: User | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Corpus:
    nghe_an: Source
    ha_tinh: Source
    now: dt.datetime

    def items(self) -> Any:
        return Item.objects.order_by("id")


def _drafts(
    rows: list[tuple[str, str]], province: str, slug: str, now: dt.datetime
) -> list[ItemDraft]:
    return [
        ItemDraft(
            external_id=f"https://{slug}.example.vn/bai-{n}",
            kind=ItemKind.ARTICLE,
            title=title,
            text=text,
            url=f"https://{slug}.example.vn/bai-{n}",
            published_at=now - dt.timedelta(hours=2 + n * 3),
            province=province,
        )
        for n, (title, text) in enumerate(rows)
    ]


@pytest.fixture
def corpus(db: None) -> Corpus:
    """24 public articles of the last three days from two outlets, analysed by the pipeline."""
    return build_corpus()


# What the pipeline found in each article (by external id). The first test that needs the corpus
# runs the real pipeline (services.ingest + pipeline.process_pending); later tests store the same
# articles with the same analysis, since the model's output for identical text is identical,
# which keeps each test at about a second instead of several.
_ANALYSED: dict[str, dict[str, Any]] = {}
_FIELDS = (
    "state",
    "sentiment",
    "sentiment_score",
    "keywords",
    "entities",
    "province",
    "folded",
    "embedding",
    "processed_at",
)


def build_corpus() -> Corpus:
    now = timezone.now()
    nghe_an = Source.objects.create(
        kind=SourceKind.FEED,
        name="Báo Nghệ An",
        url="https://baonghean.example.vn/rss",
        province="Nghệ An",
    )
    ha_tinh = Source.objects.create(
        kind=SourceKind.FEED,
        name="Báo Hà Tĩnh",
        url="https://baohatinh.example.vn/rss",
        province="Hà Tĩnh",
    )
    batches = [
        (nghe_an, _drafts(NGHE_AN, "Nghệ An", "baonghean", now)),
        (ha_tinh, _drafts(HA_TINH, "Hà Tĩnh", "baohatinh", now)),
    ]
    if not _ANALYSED:
        for source, drafts in batches:
            services.ingest(source, drafts, now=now)
        pipeline.process_pending(max_seconds=60)
        rows = Item.objects.values("external_id", *_FIELDS)
        _ANALYSED.update({row.pop("external_id"): row for row in rows})
    else:
        Item.objects.bulk_create(
            Item(
                source=source,
                kind=d.kind,
                external_id=d.external_id,
                url=d.url,
                title=d.title,
                text=d.text,
                published_at=d.published_at,
                **_ANALYSED[d.external_id],
            )
            for source, drafts in batches
            for d in drafts
        )
    assert Item.objects.filter(state="done").count() == TOTAL
    # Two topics, as the hourly clustering would make them from a bigger corpus.
    electricity = Topic.objects.create(
        label="giá điện · hóa đơn", keywords=["giá điện", "hóa đơn", "chi phí"], size=2
    )
    landslides = Topic.objects.create(label="sạt lở · mưa lớn", keywords=["sạt lở"], size=3)
    Item.objects.filter(title__startswith="Giá điện").update(topic=electricity)
    Item.objects.filter(Q(title__contains="sạt lở") | Q(title__startswith="Sạt lở")).update(
        topic=landslides
    )
    Item.objects.filter(title__startswith="Ngập úng").update(topic=landslides)
    aggregates.rebuild(Item.objects.values_list("published_at", flat=True))
    return Corpus(nghe_an=nghe_an, ha_tinh=ha_tinh, now=now)


def set_sentiments(**by_title_start: str) -> None:
    """Give items (picked by the start of their title) a known sentiment, and recount."""
    for start, label in by_title_start.items():
        Item.objects.filter(title__startswith=start).update(sentiment=label)
    aggregates.rebuild(Item.objects.values_list("published_at", flat=True))


def chart_data(response: Any) -> dict[str, Any]:
    match = re.search(
        r'<script id="opinion-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "the charts' data is embedded in the page"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def total_shown(response: Any) -> int:
    match = re.search(r'data-testid="total">(\d+)<', response.content.decode())
    assert match
    return int(match.group(1))


def newest_first() -> list[int]:
    """Every item's id in the drill-down's order: publication time, newest first."""
    return list(Item.objects.order_by("-published_at", "-id").values_list("id", flat=True))


def shown_item_ids(response: Any) -> list[int]:
    return [int(n) for n in re.findall(r'id="item-(\d+)"', response.content.decode())]


URLS = [
    ("get", "opinion:dashboard", {}),
    ("get", "opinion:items", {}),
    ("get", "opinion:export", {"fmt": "pdf"}),
    ("get", "opinion:export", {"fmt": "xlsx"}),
    ("get", "opinion:alerts", {}),
]


@pytest.fixture
def alert(corpus: Corpus) -> Alert:
    topic = Topic.objects.get(label="giá điện · hóa đơn")
    hour = aggregates.hour_of(corpus.now - dt.timedelta(hours=2))  # the newest article's hour
    return Alert.objects.create(
        kind=AlertKind.VOLUME,
        subject=AlertSubject.TOPIC,
        key=str(topic.pk),
        label=topic.label,
        hour=hour,
        observed=7,
        baseline=1.5,
        score=4.2,
        mentions=7,
        negative_share=0.4,
    )


# --- Who may open it ---------------------------------------------------------------------------
def test_anonymous_people_are_sent_to_sign_in(db: None) -> None:
    for _method, name, kwargs in URLS:
        response = browser().get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_officials_who_are_not_analysts_get_403_everywhere(official: User, alert: Alert) -> None:
    client = browser(official)
    for _method, name, kwargs in URLS:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 403, name
        assert b"%PDF" not in response.content[:10]
    response = client.post(reverse("opinion:alert_ack", args=[alert.pk]))
    assert response.status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_launcher_offers_the_dashboard_to_analysts_only(analyst: User, official: User) -> None:
    href = reverse("opinion:dashboard")
    assert f'href="{href}"' in browser(analyst).get(reverse("core:home")).content.decode()
    assert f'href="{href}"' not in browser(official).get(reverse("core:home")).content.decode()


# --- The dashboard -----------------------------------------------------------------------------
def test_an_analyst_sees_the_totals_and_the_charts_data(
    analyst: User, corpus: Corpus, django_assert_max_num_queries: Any
) -> None:
    set_sentiments(**{"Giá điện tăng": Sentiment.NEGATIVE, "Cầu mới": Sentiment.POSITIVE})
    client = browser(analyst)
    with django_assert_max_num_queries(45):
        response = client.get(reverse("opinion:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert total_shown(response) == TOTAL
    data = chart_data(response)
    series_total = sum(p["positive"] + p["neutral"] + p["negative"] for p in data["series"])
    assert series_total == TOTAL
    by_sentiment = {s["key"]: s["value"] for s in data["sentiment"]}
    assert sum(by_sentiment.values()) == TOTAL
    assert by_sentiment["negative"] >= 2  # the two "giá điện tăng" articles
    provinces = {p["label"]: p["mentions"] for p in data["provinces"]}
    assert provinces == {"Nghệ An": len(NGHE_AN), "Hà Tĩnh": len(HA_TINH)}
    # The figures are readable without JavaScript, and the charts' script is loaded.
    assert "<canvas" in page and "opinion/dashboard.js" in page
    assert "Nghệ An" in page and "Báo Hà Tĩnh" in page
    assert "vendor/chart.umd.min.js" in page
    # Top topics with their keywords, a trend, and sample items linking out to the articles.
    topics = page.split('id="op-topics-title"', 1)[1].split("</section>", 1)[0]
    assert topics.index("sạt lở · mưa lớn") < topics.index("giá điện · hóa đơn")  # 3 > 2
    assert "hóa đơn</span>" in topics
    assert 'href="https://baonghean.example.vn/bai-0"' in topics  # "Giá điện tăng khiến…"
    assert 'href="https://baohatinh.example.vn/bai-1"' in topics


def test_filters_narrow_the_numbers(analyst: User, corpus: Corpus) -> None:
    client = browser(analyst)
    url = reverse("opinion:dashboard")
    assert total_shown(client.get(url, {"province": "Hà Tĩnh"})) == len(HA_TINH)
    assert total_shown(client.get(url, {"source": corpus.nghe_an.pk})) == len(NGHE_AN)
    assert total_shown(client.get(url, {"kind": ItemKind.COMMENT})) == 0
    # "My unit's province": the analyst works for the Nghệ An unit.
    response = client.get(url, {"region": "mine", "province": "Hà Tĩnh"})
    assert total_shown(response) == len(NGHE_AN)
    assert chart_data(response)["provinces"][0]["label"] == "Nghệ An"
    # The last 24 hours hold only the newest articles, counted per hour.
    day = client.get(url, {"range": "24h"})
    recent = Item.objects.filter(published_at__gte=corpus.now - dt.timedelta(hours=24)).count()
    assert 0 < total_shown(day) == recent < TOTAL
    assert len(chart_data(day)["series"]) in (24, 25)
    # Nonsense is ignored, not an error.
    assert total_shown(client.get(url, {"source": "abc", "range": "1y"})) == TOTAL


def test_custom_dates_apply_unless_a_preset_is_chosen(analyst: User, corpus: Corpus) -> None:
    client = browser(analyst)
    url = reverse("opinion:dashboard")
    long_ago = {"start": "2020-01-01", "end": "2020-01-31"}
    assert total_shown(client.get(url, {**long_ago, "range": ""})) == 0
    assert total_shown(client.get(url, {**long_ago, "range": "7d"})) == TOTAL


def test_topic_labels_and_terms_are_escaped(analyst: User, corpus: Corpus) -> None:
    Topic.objects.update(
        label="<script>alert('chủ đề')</script>", keywords=["<img src=x onerror=alert(1)>"]
    )
    Item.objects.filter(title__startswith="Giá điện").update(keywords=["<script>x()</script>"])
    aggregates.rebuild(Item.objects.values_list("published_at", flat=True))
    page = browser(analyst).get(reverse("opinion:dashboard")).content.decode()
    assert "<script>alert(" not in page
    assert "<img src=x" not in page
    assert "<script>x()" not in page
    assert "&lt;script&gt;alert(" in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page  # in the keyword cloud


# --- The drill-down ----------------------------------------------------------------------------
def test_the_drill_down_lists_public_items_and_ignores_author(
    analyst: User, corpus: Corpus, django_assert_max_num_queries: Any
) -> None:
    client = browser(analyst)
    url = reverse("opinion:items")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    page = response.content.decode()
    ids = shown_item_ids(response)
    assert len(ids) == 20 and ids == newest_first()[:20]
    assert "Báo Nghệ An" in page or "Báo Hà Tĩnh" in page
    assert 'href="https://baohatinh.example.vn/bai-' in page
    # No parameter picks items by who wrote them: `author` is ignored like any unknown one.
    for author in (str(analyst.pk), analyst.email, "1"):
        assert shown_item_ids(client.get(url, {"author": author})) == ids
    assert analyst.get_full_name() not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_more_items_come_by_htmx_before_the_last_one(analyst: User, corpus: Corpus) -> None:
    client = browser(analyst)
    url = reverse("opinion:items")
    first = client.get(url)
    ids = shown_item_ids(first)
    match = re.search(r'hx-get="([^"]+before_id=(\d+)[^"]*)"', first.content.decode())
    assert match and int(match.group(2)) == ids[-1]
    more = client.get(match.group(1).replace("&amp;", "&"), HTTP_HX_REQUEST="true")
    assert "<html" not in more.content.decode()
    rest = shown_item_ids(more)
    assert len(rest) == TOTAL - 20 and rest == newest_first()[20:]
    assert "before_id" not in more.content.decode()  # nothing further


def test_the_drill_down_filters_by_sentiment_term_and_province(
    analyst: User, corpus: Corpus
) -> None:
    set_sentiments(**{"Giá điện tăng": Sentiment.NEGATIVE})
    client = browser(analyst)
    url = reverse("opinion:items")
    negative = Item.objects.filter(sentiment=Sentiment.NEGATIVE).count()
    assert len(shown_item_ids(client.get(url, {"sentiment": "negative"}))) == min(negative, 20)
    electricity = client.get(url, {"term": "gia dien"})  # diacritics-insensitive
    assert len(shown_item_ids(electricity)) == 2
    assert "Giá điện tăng khiến nhiều hộ dân" in electricity.content.decode()
    assert len(shown_item_ids(client.get(url, {"province": "Hà Tĩnh"}))) == len(HA_TINH)


# --- Alerts ------------------------------------------------------------------------------------
def test_alerts_link_to_their_evidence_and_can_be_acknowledged(analyst: User, alert: Alert) -> None:
    client = browser(analyst)
    page = client.get(reverse("opinion:dashboard")).content.decode()
    assert f'id="alert-{alert.pk}"' in page
    evidence = re.search(rf'id="alert-{alert.pk}".*?href="([^"]*opinion/items/[^"]*)"', page, re.S)
    assert evidence is not None
    target = evidence.group(1).replace("&amp;", "&")
    assert f"topic={alert.key}" in target and "hour=" in target
    shown = Item.objects.filter(
        topic_id=int(alert.key),
        published_at__gte=alert.hour,
        published_at__lt=alert.hour + dt.timedelta(hours=1),
    ).count()
    assert len(shown_item_ids(client.get(target))) == shown

    response = client.post(reverse("opinion:alert_ack", args=[alert.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="alert-{alert.pk}"' in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == analyst and alert.acknowledged_at is not None
    listing = client.get(reverse("opinion:alerts")).content.decode()
    assert "Mark as seen" not in listing

    # Without JavaScript the form goes back to the list (never to another site).
    other = client.post(
        reverse("opinion:alert_ack", args=[alert.pk]), {"next": "https://evil.example/"}
    )
    assert other.status_code == 302 and other["Location"] == reverse("opinion:alerts")
