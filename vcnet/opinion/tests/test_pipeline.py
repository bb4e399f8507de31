"""From content to the dashboard's numbers: public posts and comments and imported items are
read, analysed (sentiment, keywords, province, topic) and counted in the aggregate tables;
private content never enters; a burst of negative comments raises an alert for the analysts
on the next run of the clock's task, with a link to the evidence.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone, translation

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.notifications.models import Notification
from vcnet.opinion import aggregates, alerts, pipeline, selectors, services, tasks, topics
from vcnet.opinion.models import (
    Aggregate,
    Alert,
    AlertKind,
    AlertSubject,
    Item,
    ItemKind,
    ItemState,
    PendingHour,
    Period,
    SourceKind,
    TermAggregate,
)
from vcnet.opinion.types import ItemDraft
from vcnet.social.models import Visibility
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 3, 30, tzinfo=dt.UTC)  # 10:30 in Hà Nội

PRAISE = [
    "Cán bộ phường hướng dẫn làm căn cước rất tận tình, chỉ mất mười phút, cảm ơn nhiều.",
    "Dịch vụ công trực tuyến giờ tiện thật, nộp hồ sơ đăng ký kinh doanh ngay tại nhà.",
    "Bệnh viện tỉnh mới sửa khu khám bệnh sạch sẽ, bác sĩ niềm nở, rất hài lòng.",
]
COMPLAINTS = [
    "Giá điện tăng liên tục mà lương không tăng, hóa đơn tháng này gấp đôi, quá bức xúc.",
    "Đường Lê Lợi ngập cả tuần không ai xử lý, xe chết máy hàng loạt, thật thất vọng.",
    "Hồ sơ đất đai nộp ba tháng vẫn chưa có kết quả, đi lại mỏi mệt mà không ai trả lời.",
]


def _drafts(texts: list[str], *, at: dt.datetime, prefix: str, province: str = "") -> list:
    return [
        ItemDraft(
            external_id=f"{prefix}-{n}",
            kind=ItemKind.CLIPPING,
            text=text,
            published_at=at + dt.timedelta(minutes=n),
            province=province,
        )
        for n, text in enumerate(texts)
    ]


def test_items_are_analysed_and_counted_per_hour_day_province_and_keyword() -> None:
    source = services.platform_source()
    hour = aggregates.hour_of(NOW)
    stored = services.ingest(
        source,
        _drafts(PRAISE, at=hour, prefix="a", province="Nghệ An")
        + _drafts(COMPLAINTS, at=hour + dt.timedelta(minutes=20), prefix="b"),
        now=NOW,
    )
    assert stored == 6
    # Reading the same content again stores nothing twice.
    assert services.ingest(source, _drafts(PRAISE, at=hour, prefix="a"), now=NOW) == 0

    result = pipeline.process_batch()

    assert result.items == 6 and result.failed == 0
    items = {i.text: i for i in Item.objects.all()}
    assert all(i.state == ItemState.DONE for i in items.values())
    assert {items[t].sentiment for t in PRAISE} == {"positive"}
    assert {items[t].sentiment for t in COMPLAINTS} == {"negative"}
    assert items[PRAISE[0]].province == "Nghệ An"
    assert any("căn cước" in k for k in items[PRAISE[0]].keywords)
    assert "giá điện" in " ".join(items[COMPLAINTS[0]].keywords)

    row = Aggregate.objects.filter(period=Period.HOUR, bucket=hour)
    assert sum(r.mentions for r in row) == 6
    assert sum(r.negative for r in row) == 3 and sum(r.positive for r in row) == 3
    day = Aggregate.objects.get(period=Period.DAY, province="Nghệ An")
    assert day.bucket == aggregates.day_of(NOW) and day.mentions == 3 and day.positive == 3
    assert TermAggregate.objects.filter(period=Period.HOUR, folded="gia dien").exists()

    f = selectors.filters_from({"range": "24h"}, now=NOW)
    overview = selectors.overview(f)
    assert (overview.total, overview.positive, overview.negative) == (6, 3, 3)
    assert [p.province for p in overview.provinces] == ["Nghệ An"]
    assert sum(p.mentions for p in overview.series) == 6 and len(overview.series) == 24


def test_a_late_item_rebuilds_its_own_hour_and_day() -> None:
    source = services.platform_source()
    hour = aggregates.hour_of(NOW)
    services.ingest(source, _drafts(PRAISE[:1], at=hour, prefix="x"), now=NOW)
    pipeline.process_batch()
    yesterday = hour - dt.timedelta(days=1)
    services.ingest(source, _drafts(COMPLAINTS[:1], at=yesterday, prefix="y"), now=NOW)
    pipeline.process_batch()

    by_hour = dict(Aggregate.objects.filter(period=Period.HOUR).values_list("bucket", "mentions"))
    assert by_hour == {hour: 1, yesterday: 1}
    assert Aggregate.objects.filter(period=Period.DAY).count() == 2


def test_a_run_of_batches_counts_each_hour_once_the_run_flushes_it() -> None:
    source = services.platform_source()
    hour = aggregates.hour_of(NOW)
    earlier = hour - dt.timedelta(hours=5)
    services.ingest(source, _drafts(PRAISE, at=hour, prefix="p"), now=NOW)
    services.ingest(source, _drafts(COMPLAINTS, at=earlier, prefix="c"), now=NOW)

    # Batches without a flush: the items are analysed, their hours wait, nothing is counted yet.
    assert pipeline.process_batch(2, flush=False).items == 2
    assert pipeline.process_batch(2, flush=False).items == 2
    assert PendingHour.objects.exists() and not Aggregate.objects.exists()

    # The worker's run analyses the rest and rebuilds every marked hour, each once.
    result = pipeline.process_pending()
    assert (result.items, result.hours) == (2, 2)
    assert not PendingHour.objects.exists()
    by_hour = dict(Aggregate.objects.filter(period=Period.HOUR).values_list("bucket", "mentions"))
    assert by_hour == {hour: 3, earlier: 3}
    assert aggregates.flush() == 0  # nothing left to do


def test_workers_claim_different_items_and_a_dead_workers_items_come_back() -> None:
    source = services.platform_source()
    services.ingest(source, _drafts(PRAISE + COMPLAINTS, at=aggregates.hour_of(NOW), prefix="w"))

    first = pipeline.claim(4)  # one worker
    second = pipeline.claim(4)  # another, meanwhile: the two items left
    assert len(first) == 4 and len(second) == 2
    assert not {i.pk for i in first} & {i.pk for i in second}
    assert pipeline.claim(4) == [] and selectors.pending_count() == 6  # claimed, not analysed
    assert pipeline.process_batch().items == 0  # nothing waits: nobody analyses an item twice

    # The first worker died. Its items wait CLAIM_TIMEOUT, then another worker takes them.
    Item.objects.filter(pk__in=[i.pk for i in first]).update(
        processed_at=timezone.now() - pipeline.CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    )
    result = pipeline.process_batch()
    assert result.items == 4
    states = dict(Item.objects.values_list("pk", "state"))
    assert {states[i.pk] for i in first} == {ItemState.DONE}
    assert {states[i.pk] for i in second} == {ItemState.RUNNING}  # still its worker's


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_the_same_moment_never_take_the_same_item() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: nothing runs at once")
    source = services.platform_source()
    Item.objects.bulk_create(  # waiting items (ingest would analyse them here at commit)
        Item(
            source=source,
            kind=ItemKind.COMMENT,
            external_id=f"t-{n}",
            text=f"{PRAISE[n % 3]} (ý kiến số {n})",
            published_at=NOW,
        )
        for n in range(60)
    )
    start = threading.Barrier(2)
    taken: list[list[int]] = []

    def worker() -> None:
        try:
            start.wait()
            mine: list[int] = []
            while batch := pipeline.claim(4):
                mine += [item.pk for item in batch]
            taken.append(mine)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(taken) == 2
    assert not set(taken[0]) & set(taken[1])
    assert sorted(taken[0] + taken[1]) == sorted(Item.objects.values_list("pk", flat=True))
    assert set(Item.objects.values_list("state", flat=True)) == {ItemState.RUNNING}


def test_marks_left_by_a_run_that_failed_are_rebuilt_by_the_next_run() -> None:
    source = services.platform_source()
    services.ingest(source, _drafts(PRAISE, at=aggregates.hour_of(NOW), prefix="p"), now=NOW)
    pipeline.process_batch(flush=False)  # the process stops here (killed, database gone, ...)
    assert not Aggregate.objects.exists()

    assert pipeline.process_pending().items == 0  # nothing new to analyse
    assert sum(Aggregate.objects.filter(period=Period.HOUR).values_list("mentions", flat=True)) == 3


def test_only_public_posts_and_comments_enter_and_authors_are_not_kept(
    citizen: User, official: User
) -> None:
    post = post_create(user=official, text="Thông báo lịch tiếp công dân tháng 12 của phường.")
    post_create(user=citizen, text="Cảm ơn phường đã thông báo sớm, rất tiện.", in_reply_to=post)
    post_create(
        user=citizen, text="Ghi chú riêng cho người theo dõi.", visibility=Visibility.FOLLOWERS
    )

    assert services.ingest_platform() == 2
    assert services.ingest_platform() == 0  # the cursor moved on
    kinds = sorted(Item.objects.values_list("kind", flat=True))
    assert kinds == [ItemKind.COMMENT, ItemKind.POST]
    assert not Item.objects.filter(text__contains="Ghi chú riêng").exists()
    field_names = {f.name for f in Item._meta.get_fields()}
    assert not field_names & {"author", "user", "created_by", "actor"}


def test_future_times_are_taken_as_now_and_empty_drafts_are_skipped() -> None:
    source = services.platform_source()
    later = NOW + dt.timedelta(days=3)
    drafts = [
        ItemDraft("f1", ItemKind.ARTICLE, "Tin tức về giao thông đô thị.", later),
        ItemDraft("f2", ItemKind.ARTICLE, "   ", NOW),
    ]
    assert services.ingest(source, drafts, now=NOW) == 1
    assert Item.objects.get().published_at == NOW


def test_topics_form_from_similar_items_and_new_ones_join_them() -> None:
    source = services.platform_source()
    flood = [
        f"Nước lũ dâng cao ở xã {n}, người dân cần thuyền và áo phao để sơ tán khẩn cấp."
        for n in (
            "Hòa Bắc",
            "Hòa Liên",
            "Hòa Ninh",
            "Hòa Phú",
            "Hòa Sơn",
            "Hòa Nhơn",
            "Hòa Khương",
            "Hòa Phong",
            "Hòa Tiến",
            "Hòa Châu",
            "Hòa Phước",
            "Hòa Xuân",
        )
    ]
    school = [
        f"Học phí năm học mới của trường {n} tăng quá cao, phụ huynh không kham nổi."
        for n in (
            "Lê Quý Đôn",
            "Trần Phú",
            "Phan Châu Trinh",
            "Nguyễn Huệ",
            "Quang Trung",
            "Lý Tự Trọng",
            "Chu Văn An",
            "Nguyễn Trãi",
            "Hùng Vương",
            "Lê Lợi",
            "Võ Thị Sáu",
            "Bạch Đằng",
        )
    ]
    services.ingest(
        source, _drafts(flood + school, at=NOW - dt.timedelta(hours=5), prefix="t"), now=NOW
    )
    pipeline.process_batch()

    counts = topics.recluster(NOW)

    assert counts["created"] >= 2
    flood_topics = set(Item.objects.filter(text__in=flood).values_list("topic_id", flat=True))
    school_topics = set(Item.objects.filter(text__in=school).values_list("topic_id", flat=True))
    assert None not in flood_topics and None not in school_topics
    assert not flood_topics & school_topics
    # The topics' items now count under their topics in the aggregates.
    assert Aggregate.objects.exclude(topic_id=0).exists()
    # A new item about the same thing joins the flood topic.
    services.ingest(
        source,
        _drafts(["Nước lũ dâng cao ở xã Hòa Hiệp, cần thuyền sơ tán."], at=NOW, prefix="n"),
        now=NOW,
    )
    pipeline.process_batch()
    assert Item.objects.get(external_id="n-0").topic_id in flood_topics


ELECTRICITY_HISTORY = [
    "Giá điện tháng này ổn định, gia đình tôi dùng tiết kiệm nên hóa đơn không đổi.",
    "Ngành điện thông báo lịch điều chỉnh giá điện sinh hoạt từ tháng sau.",
    "Giá điện bậc thang có sáu bậc, hộ dùng ít được hưởng giá thấp.",
    "Hóa đơn tiền điện tháng trước của nhà tôi khoảng năm trăm nghìn đồng.",
    "Giá điện sinh hoạt hiện nay bao nhiêu một số vậy mọi người?",
    "Cảm ơn điện lực đã sửa đường dây nhanh, giá điện cũng hợp lý.",
    "Điện lực khu vực hướng dẫn tra cứu hóa đơn tiền điện qua ứng dụng.",
    "Nhà tôi lắp điện mặt trời nên hóa đơn tiền điện giảm hẳn.",
    "Giá điện kinh doanh cao hơn giá điện sinh hoạt, cửa hàng cần lưu ý.",
    "Công ty điện lực thông báo tạm ngừng cấp điện để bảo trì lưới.",
    "Tiền điện mùa nóng tăng do dùng điều hòa nhiều, cần tiết kiệm.",
    "Giá điện được giữ nguyên trong quý này, người dân yên tâm.",
    "Hỏi cách đăng ký định mức giá điện cho sinh viên thuê trọ?",
    "Điện lực đã chốt chỉ số công tơ điện đúng hạn, hóa đơn rõ ràng.",
]
SCHOOL_HISTORY = [
    "Học phí trường công năm nay tăng nhẹ, phụ huynh cần chuẩn bị sớm.",
    "Sở giáo dục công bố mức học phí mới cho bậc trung học cơ sở.",
    "Trường cho phụ huynh đóng học phí qua chuyển khoản, rất tiện.",
    "Học sinh vùng khó khăn được miễn học phí năm học này.",
    "Hỏi mức học phí mầm non công lập ở phường mình là bao nhiêu?",
    "Học phí trường tư thục tăng mạnh khiến nhiều gia đình lo lắng.",
    "Nhà trường công khai các khoản thu đầu năm học minh bạch.",
    "Phụ huynh đề nghị giảm các khoản thu ngoài học phí ở trường.",
    "Thành phố hỗ trợ học phí cho học sinh trung học phổ thông.",
    "Học phí đại học công lập tiếp tục tăng theo lộ trình tự chủ.",
    "Trường thông báo hạn đóng học phí học kỳ một vào cuối tháng.",
    "Chính sách miễn học phí giúp nhiều em tiếp tục đến trường.",
    "Cô giáo chủ nhiệm giải thích rõ từng khoản thu cho phụ huynh.",
    "Mức học phí mới được hội đồng nhân dân tỉnh thông qua.",
]
ANGRY = [
    "Giá điện tăng vô lý, hóa đơn tháng này gấp đôi mà không ai giải thích.",
    "Giá điện tăng liên tục, dân nghèo lấy đâu ra tiền mà trả nữa trời.",
    "Phản đối tăng giá điện lúc kinh tế khó khăn thế này, quá bức xúc.",
    "Giá điện tăng mà điện vẫn cúp liên tục, dịch vụ tệ hại.",
    "Tăng giá điện kiểu này thì người lao động sống sao nổi, thất vọng quá.",
    "Giá điện bậc thang cao vô lý, hộ đông người chịu thiệt đủ đường.",
    "Không chấp nhận được việc tăng giá điện mà không công khai chi phí.",
    "Giá điện tăng, giá cả hàng hóa tăng theo, đời sống càng khổ.",
    "Hóa đơn tiền điện tháng này tăng sốc, nhà tôi bức xúc lắm.",
    "Giá điện lại tăng, thật quá đáng, lương thì vẫn giậm chân tại chỗ.",
    "Giá điện tăng chóng mặt, các hộ kinh doanh nhỏ lao đao.",
    "Giá điện cao thế này ai chịu nổi, đề nghị xem xét lại ngay.",
]


def test_a_burst_of_negative_comments_raises_an_alert_within_one_clock_run(
    official: User, analyst: User
) -> None:
    now = timezone.now()
    hour = aggregates.hour_of(now)
    # Two weeks' quiet talk about electricity prices and school fees, at this hour each day.
    history = []
    for day in range(1, 8):
        at = hour - dt.timedelta(days=day)
        texts = ELECTRICITY_HISTORY[2 * day - 2 : 2 * day] + SCHOOL_HISTORY[2 * day - 2 : 2 * day]
        history += _drafts(texts, at=at, prefix=f"h{day}")
    services.ingest(services.platform_source(), history)
    pipeline.process_pending()
    topics.recluster(now)
    electricity = Item.objects.get(text=ELECTRICITY_HISTORY[0]).topic
    assert electricity is not None

    page_post = post_create(user=official, text="Thông báo điều chỉnh giá điện từ tháng 12.")
    for n, text in enumerate(ANGRY):
        commenter = UserFactory(full_name=f"Người dân {n}", email=f"dan{n}@example.vn")
        post_create(user=commenter, text=text, in_reply_to=page_post)

    with translation.override("en"):
        analysed = tasks.collect.call()

    assert analysed == 13 and Item.objects.filter(kind=ItemKind.COMMENT).count() == 12
    raised = Alert.objects.filter(subject=AlertSubject.TOPIC, key=str(electricity.pk))
    assert {a.kind for a in raised} == {AlertKind.VOLUME, AlertKind.NEGATIVE}
    negative = raised.get(kind=AlertKind.NEGATIVE)
    assert negative.mentions >= 12 and negative.negative_share >= 0.75
    note = Notification.objects.get(user=analyst, kind="opinion.alert", url__contains="negative")
    assert note.url == alerts.evidence_url(negative)
    assert f"topic={electricity.pk}" in note.url and "sentiment=negative" in note.url
    assert not Notification.objects.filter(user=official, kind="opinion.alert").exists()
    # The evidence link shows the comments, and no school item.
    evidence = selectors.sample_items(
        selectors.filters_from(
            {"hour": hour.strftime("%Y-%m-%dT%H:00Z"), "topic": str(electricity.pk)}
        ),
        sentiment="negative",
        limit=50,
    )
    assert len(evidence) >= 9 and all("học phí" not in row.excerpt for row in evidence)
    # Running the clock again raises nothing twice.
    before = Alert.objects.count()
    assert tasks.collect.call() == 0 and Alert.objects.count() == before


def test_the_spike_statistics_are_what_the_docs_say() -> None:
    z, mean = alerts.volume_z(30, [2, 3, 1, 2, 4, 2, 3])
    assert mean == pytest.approx(17 / 7)
    assert z == pytest.approx((30 - 17 / 7) / max(1.0, (17 / 7) ** 0.5))
    assert alerts.volume_z(3, [0] * 7)[0] == 3.0  # a quiet baseline floors the spread at 1
    assert alerts.share_z(9, 10, 0.3) == pytest.approx((0.9 - 0.3) / (0.3 * 0.7 / 10) ** 0.5)


def test_the_platform_source_is_made_once() -> None:
    assert services.platform_source() == services.platform_source()
    assert services.platform_source().kind == SourceKind.PLATFORM
