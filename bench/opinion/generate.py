"""Millions of analysed opinion items and their aggregates, written straight into SQLite.

Used by `run.py dashboard`. The items are what the pipeline would have stored (state DONE, no
embeddings, short texts): 180 days up to now with a daily rhythm (quiet at night, peaks in the
morning and the evening, local time), a slow growth, fewer on Sundays and a few bursts; 40
sources (VCNET's own posts and comments, 36 news feeds each with a home province, 3 imports of
clippings); ~30 topics of Zipf-like sizes (a fifth of items without a topic); the 34 provinces of
`vcnet.opinion.provinces.PROVINCES` (feeds mostly write about their home province); sentiment
with a per-topic negative share; 0-5 keywords per item from a ~3,000-phrase vocabulary
(Zipf: 60% from the topic's own 120 phrases, 40% from the whole vocabulary) and 0-2 named
entities. Seeded: the same `--items` gives the same data (times are relative to now).

Items go in by `executemany`, 50,000 rows per transaction, with the item table's plain indexes
dropped during the load and built again after it (the same CREATE INDEX statements). Then the
aggregates are built with set-based SQL, with the semantics of `vcnet.opinion.aggregates`:
hour rows per (UTC hour, topic or 0, source, province, kind) from the items, day rows (local
midnight, Asia/Ho_Chi_Minh = UTC+7) summed from the hour rows; term rows per (bucket, term_type,
folded, topic) from the items' keyword and entity JSON (`json_each`), joined to a table of each
generated term's folded form (every generated term folds to a different key and an item never
repeats a term, so a count of rows equals the count of items). The term shown is the generated
spelling (there is one spelling per folded key).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED = 20261129
DAYS = 180
N_TOPICS = 30
N_FEEDS = 36
N_IMPORTS = 3
VOCAB = 3000
TOPIC_VOCAB = 120
CHUNK = 50_000
TEXT_CHARS = 90
UTC7 = dt.timedelta(hours=7)

# Relative volume per local hour of the day (0h..23h).
DIURNAL = np.array(
    [0.25, 0.15, 0.1, 0.08, 0.1, 0.25, 0.6, 1.0, 1.4, 1.5, 1.4, 1.3,
     1.1, 1.0, 1.1, 1.2, 1.2, 1.1, 1.1, 1.4, 1.6, 1.6, 1.2, 0.6]
)  # fmt: skip

TOPIC_LABELS = [
    ("Ùn tắc giao thông giờ cao điểm", "giao-thong"),
    ("Quá tải bệnh viện tuyến tỉnh", "y-te"),
    ("Dịch vụ công trực tuyến", "thu-tuc-hanh-chinh"),
    ("Học phí và sách giáo khoa", "giao-duc"),
    ("Chuyển đổi số cấp xã", "chuyen-doi-so"),
    ("Ô nhiễm rác thải khu dân cư", "moi-truong"),
    ("Lừa đảo qua mạng", "an-ninh"),
    ("Việc làm cho lao động trẻ", "viec-lam"),
    ("Du lịch mùa lễ hội", "du-lich"),
    ("Giải phóng mặt bằng", "dat-dai"),
    ("Giá điện và cắt điện", "dien-nuoc"),
    ("Mưa lũ và sạt lở", "thien-tai"),
    ("Giá xăng dầu, thực phẩm", "gia-ca"),
    ("Hoàn thuế thu nhập cá nhân", "thue"),
    ("Bảo hiểm xã hội một lần", "bao-hiem-xa-hoi"),
    ("Nhà ở xã hội", "nha-o"),
    ("Giá lúa và tiêu thụ nông sản", "nong-nghiep"),
    ("Cấp căn cước, định danh điện tử", "thu-tuc-hanh-chinh"),
    ("Tai nạn giao thông", "giao-thong"),
    ("Khám chữa bệnh bảo hiểm y tế", "y-te"),
    ("Tuyển sinh đầu cấp", "giao-duc"),
    ("Nước sạch nông thôn", "dien-nuoc"),
    ("Trật tự đô thị, lấn chiếm vỉa hè", "an-ninh"),
    ("Cấp sổ đỏ", "dat-dai"),
    ("Khu công nghiệp mới", "viec-lam"),
    ("Hạn mặn đồng bằng", "thien-tai"),
    ("Chợ truyền thống và siêu thị", "gia-ca"),
    ("Thanh toán không dùng tiền mặt", "chuyen-doi-so"),
    ("Cây xanh đô thị", "moi-truong"),
    ("Xây dựng nông thôn mới", "nong-nghiep"),
]
DEPARTMENTS = [
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Công an tỉnh",
    "UBND tỉnh",
    "Sở Lao động - Thương binh và Xã hội",
    "Bảo hiểm xã hội tỉnh",
    "Điện lực",
]
BIG_CITIES = ("Hà Nội", "Thành phố Hồ Chí Minh")


def zipf_weights(n: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    return w / w.sum()


def vocabulary(corpus: list[dict[str, str]], fold: Any) -> tuple[list[str], dict[str, list[str]]]:
    """~3,000 keyword phrases (two-syllable words of the corpus, then single syllables), each
    with a folded form of its own; and for each corpus topic its most frequent phrases first."""
    word = re.compile(r"[^\W\d_]+", re.UNICODE)
    counts: Counter[str] = Counter()
    by_topic: dict[str, Counter[str]] = {}
    for row in corpus:
        syllables = [w.lower() for w in word.findall(row["text"])]
        pairs = [f"{a} {b}" for a, b in itertools.pairwise(syllables)]
        counts.update(pairs)
        by_topic.setdefault(row.get("topic", ""), Counter()).update(pairs)
        counts.update(s for s in syllables if len(s) > 3)
    seen: set[str] = set()
    vocab: list[str] = []
    for phrase, _n in counts.most_common():
        key = fold(phrase)
        if key in seen:
            continue
        seen.add(key)
        vocab.append(phrase)
        if len(vocab) == VOCAB:
            break
    allowed = set(vocab)
    topics = {
        topic: [p for p, _n in c.most_common() if p in allowed][:TOPIC_VOCAB]
        for topic, c in by_topic.items()
    }
    return vocab, topics


class Progress:
    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.started, self.last = label, total, time.perf_counter(), 0.0

    def __call__(self, done: int) -> None:
        now = time.perf_counter()
        if now - self.last < 1.0 and done < self.total:
            return
        self.last = now
        elapsed = now - self.started
        rate = done / elapsed if elapsed else 0.0
        left = (self.total - done) / rate if rate else 0.0
        sys.stderr.write(
            f"\r{self.label}: {done:,}/{self.total:,} ({done / self.total:.0%}) "
            f"{rate:,.0f}/s, {elapsed:,.0f} s, ~{left:,.0f} s left   "
        )
        sys.stderr.flush()
        if done >= self.total:
            sys.stderr.write("\n")


def generate(db: Path, n_items: int, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Fill the freshly migrated SQLite file `db` (Django is set up on it); returns figures."""
    from django.utils import timezone

    from bench.opinion.common import texts as corpus_texts
    from vcnet.core.text import fold
    from vcnet.opinion.provinces import PROVINCES

    rng = np.random.default_rng(SEED)
    now = (now or timezone.now()).astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
    end_hour = now.replace(minute=0, second=0)
    start_hour = end_hour - dt.timedelta(days=DAYS)
    corpus = corpus_texts()
    vocab, topic_vocab = vocabulary(corpus, fold)
    provinces = list(PROVINCES)
    figures: dict[str, Any] = {"items": n_items, "days": DAYS, "vocabulary": len(vocab)}

    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    conn.execute("PRAGMA temp_store=MEMORY")
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")

    # Sources, topics.
    conn.execute("BEGIN")
    sources: list[tuple[str, str, str]] = [("platform", "VCNET", "")]
    homes = [provinces[i % len(provinces)] for i in rng.permutation(len(provinces))[:N_FEEDS]]
    homes += [provinces[int(i)] for i in rng.integers(0, len(provinces), N_FEEDS - len(homes))]
    for i, home in enumerate(homes[:N_FEEDS]):
        sources.append(("feed", f"Báo {home} điện tử ({i + 1})", home))
    for i in range(N_IMPORTS):
        sources.append(("import", f"Điểm báo tổng hợp {i + 1}", provinces[i * 7 % len(provinces)]))
    source_ids = []
    for i, (kind, name, province) in enumerate(sources):
        url = f"https://bao-{i}.example.vn/rss" if kind == "feed" else ""
        cur = conn.execute(
            "INSERT INTO opinion_source (kind, name, url, province, active, interval_minutes, "
            "etag, last_modified, status, last_error, error_count, items_total, cursor, "
            "created_at) VALUES (?, ?, ?, ?, 1, 30, '', '', 'ok', '', 0, 0, 0, ?)",
            (kind, name, url, province, stamp),
        )
        source_ids.append(cur.lastrowid)
    topic_ids = []
    topic_keywords: list[list[str]] = []
    for label, corpus_topic in TOPIC_LABELS[:N_TOPICS]:
        own = topic_vocab.get(corpus_topic) or vocab[:TOPIC_VOCAB]
        topic_keywords.append(own)
        cur = conn.execute(
            "INSERT INTO opinion_topic (label, keywords, size, active, created_at, updated_at) "
            "VALUES (?, ?, 0, 1, ?, ?)",
            (label, json.dumps(own[:6], ensure_ascii=False), stamp, stamp),
        )
        topic_ids.append(cur.lastrowid)
    conn.execute("COMMIT")

    # Texts per topic (cut short), and their folded form.
    by_topic: dict[str, list[tuple[str, str, str]]] = {}
    for row in corpus:
        text = row["text"]
        if len(text) > TEXT_CHARS:
            text = text[:TEXT_CHARS].rsplit(" ", 1)[0] + "…"
        by_topic.setdefault(row.get("topic", ""), []).append((text, fold(text), row["label"]))
    all_texts = [t for rows in by_topic.values() for t in rows]
    topic_texts = [by_topic.get(corpus_topic, all_texts) for _l, corpus_topic in TOPIC_LABELS]

    entity_names = [f"{d} {p}" for p in provinces for d in DEPARTMENTS]
    rng.shuffle(entity_names)
    entity_names = entity_names[:300]
    entity_json = [json.dumps({"text": e, "type": "ORG"}, ensure_ascii=False) for e in entity_names]
    vocab_json = [json.dumps(w, ensure_ascii=False) for w in vocab]
    vocab_index = {w: i for i, w in enumerate(vocab)}
    topic_vocab_idx = [np.array([vocab_index[w] for w in own]) for own in topic_keywords]

    # Items per hour: the daily rhythm, growth over the half-year, quieter Sundays, bursts.
    hours = DAYS * 24
    moments = np.array([start_hour + dt.timedelta(hours=h) for h in range(hours)])
    local_hour = np.array([(m + UTC7).hour for m in moments])
    weekday = np.array([(m + UTC7).weekday() for m in moments])
    weight = DIURNAL[local_hour] * (0.7 + 0.6 * np.arange(hours) / hours)
    weight *= np.where(weekday == 6, 0.7, 1.0)
    for h in rng.integers(0, hours, 12):  # bursts of a few hours
        weight[h : h + 4] *= rng.uniform(2.5, 5.0)
    per_hour = rng.multinomial(n_items, weight / weight.sum())

    # Source shares: VCNET 35%, the feeds 55% (Zipf-like), the imports 10%.
    feed_w = zipf_weights(N_FEEDS, 0.8) * 0.55
    source_w = np.concatenate([[0.35], feed_w, np.full(N_IMPORTS, 0.10 / N_IMPORTS)])
    topic_w = zipf_weights(N_TOPICS, 0.9)
    negative_share = rng.uniform(0.15, 0.6, N_TOPICS)
    province_w = zipf_weights(len(provinces), 0.7)[rng.permutation(len(provinces))]
    vocab_w = zipf_weights(len(vocab), 1.0)
    kw_counts = np.array([0.1, 0.2, 0.25, 0.2, 0.15, 0.1])
    source_kind = [k for k, _n, _p in sources]
    source_home = [p for _k, _n, p in sources]

    item_indexes = list(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
            "'opinion_item' AND sql IS NOT NULL"
        )
    )
    for name, _sql in item_indexes:
        conn.execute(f'DROP INDEX "{name}"')

    insert = (
        "INSERT INTO opinion_item (kind, external_id, url, title, text, published_at, province, "
        "state, sentiment, sentiment_score, keywords, entities, folded, embedding, created_at, "
        "processed_at, source_id, topic_id) VALUES "
        "(?, ?, '', '', ?, ?, ?, 'done', ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)"
    )
    progress = Progress("items", n_items)
    started = time.perf_counter()
    hour_of_item = np.repeat(np.arange(hours), per_hour)
    done = 0
    for lo in range(0, n_items, CHUNK):
        hi = min(n_items, lo + CHUNK)
        n = hi - lo
        hrs = hour_of_item[lo:hi]
        seconds = np.sort(rng.integers(0, 3600, n))  # sorted within the chunk's hours
        order = np.lexsort((seconds, hrs))
        offsets = hrs[order] * 3600 + seconds[order]
        src = rng.choice(len(sources), n, p=source_w)
        has_topic = rng.random(n) >= 0.2
        top = rng.choice(N_TOPICS, n, p=topic_w)
        u = rng.random(n)
        neg = negative_share[top]
        sent = np.where(u < neg, 2, np.where(u < neg + (1 - neg) * 0.45, 0, 1))
        prov_u = rng.random(n)
        prov_any = rng.choice(len(provinces), n, p=province_w)
        city = rng.integers(0, len(BIG_CITIES), n)
        kw_n = rng.choice(6, n, p=kw_counts)
        ent_n = rng.choice(3, n, p=[0.45, 0.35, 0.2])
        comment = rng.random(n) < 0.6
        scores = np.round(rng.uniform(0.4, 0.99, n), 4)
        text_pick = rng.integers(0, 1 << 30, n)
        # Keyword candidates: 10 per item, each from the topic's phrases (60%) or all of them.
        own_rank = np.minimum(rng.zipf(1.6, (n, 10)) - 1, TOPIC_VOCAB - 1)
        any_kw = rng.choice(len(vocab), (n, 10), p=vocab_w)
        from_own = rng.random((n, 10)) < 0.6
        ent_pick = np.minimum(rng.zipf(1.5, (n, 2)) - 1, len(entity_names) - 1)
        rows = []
        for j in range(n):
            s = int(src[j])
            kind = source_kind[s]
            if kind == "platform":
                item_kind = "comment" if comment[j] else "post"
                province = "" if prov_u[j] < 0.3 else provinces[prov_any[j]]
            elif kind == "feed":
                item_kind = "article"
                p = prov_u[j]
                province = (
                    source_home[s]
                    if p < 0.65
                    else BIG_CITIES[city[j]]
                    if p < 0.8
                    else provinces[prov_any[j]]
                    if p < 0.9
                    else ""
                )
            else:
                item_kind = "clipping"
                province = source_home[s] if prov_u[j] < 0.7 else ""
            t = int(top[j])
            keywords: set[int] = set()
            want = int(kw_n[j])
            own = topic_vocab_idx[t]
            for c in range(10):
                if len(keywords) >= want:
                    break
                if from_own[j, c]:
                    keywords.add(int(own[min(len(own) - 1, own_rank[j, c])]))
                else:
                    keywords.add(int(any_kw[j, c]))
            ents = {int(e) for e in ent_pick[j, : int(ent_n[j])]}
            text, folded, _label = topic_texts[t][int(text_pick[j]) % len(topic_texts[t])]
            moment = start_hour + dt.timedelta(seconds=int(offsets[j]))
            published = moment.strftime("%Y-%m-%d %H:%M:%S")
            processed = (moment + dt.timedelta(seconds=40)).strftime("%Y-%m-%d %H:%M:%S")
            rows.append(
                (
                    item_kind,
                    f"b{lo + j:09d}",
                    text,
                    published,
                    province,
                    ("positive", "neutral", "negative")[sent[j]],
                    float(scores[j]),
                    "[" + ", ".join(vocab_json[k] for k in sorted(keywords)) + "]",
                    "[" + ", ".join(entity_json[e] for e in sorted(ents)) + "]",
                    folded,
                    published,
                    processed,
                    source_ids[s],
                    topic_ids[t] if has_topic[j] else None,
                )
            )
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
        done = hi
        progress(done)
    figures["items_seconds"] = round(time.perf_counter() - started, 1)
    t0 = time.perf_counter()
    for name, sql in item_indexes:
        conn.execute(sql)
        print(f"  index {name} rebuilt ({time.perf_counter() - t0:.0f} s)", flush=True)
    figures["item_indexes_seconds"] = round(time.perf_counter() - t0, 1)
    conn.execute("UPDATE opinion_source SET items_total = (SELECT count(*) FROM opinion_item "
                 "WHERE source_id = opinion_source.id)")  # fmt: skip
    conn.execute(
        "UPDATE opinion_topic SET size = (SELECT count(*) FROM opinion_item WHERE topic_id = "
        "opinion_topic.id AND published_at >= ?)",
        ((end_hour - dt.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S"),),
    )
    figures["aggregates"] = build_aggregates(conn, vocab, entity_names, fold)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    figures["range"] = [str(start_hour), str(end_hour + dt.timedelta(hours=1))]
    figures["generated_at_utc"] = stamp
    return figures


HOUR_BUCKET = "strftime('%Y-%m-%d %H:00:00', i.published_at)"
# The local day (UTC+7) holding an hour bucket, as its start in UTC (17:00 the day before).
DAY_BUCKET = "strftime('%Y-%m-%d %H:%M:%S', bucket, '+7 hours', 'start of day', '-7 hours')"


# The local week (Monday 00:00, UTC+7) holding a day bucket, as its start in UTC.
WEEK_BUCKET = (
    "strftime('%Y-%m-%d %H:%M:%S', bucket, '+7 hours', 'start of day', '-6 days', "
    "'weekday 1', '-7 hours')"
)
DIMENSION_SQL = {"": "''", "topic": "topic_id", "source": "source_id", "province": "province"}


def _marginal_specs() -> list[tuple[bool, str, str]]:
    """(a kind?, filter_dim, dim) of each family of marginal rows, as aggregates.py builds them."""
    from vcnet.opinion.aggregates import MARGINS

    return [
        (kind, str(by), str(dim))
        for keep_kind, by, dims in MARGINS
        for kind in ((False, True) if keep_kind else (False,))
        for dim in dims
    ]


def _marginal_sql(period: str, spec: tuple[bool, str, str]) -> str:
    kind, by, dim = spec
    by_sql, dim_sql = DIMENSION_SQL[by], DIMENSION_SQL[dim]
    where = f"AND CAST({by_sql} AS TEXT) NOT IN ('', '0')" if by else ""
    return f"""INSERT INTO opinion_marginal (period, bucket, kind, filter_dim, filter_value,
            dim, value, mentions, positive, neutral, negative)
        SELECT period, bucket, {"kind" if kind else "''"}, '{by}', CAST({by_sql} AS TEXT), '{dim}',
            CAST({dim_sql} AS TEXT), sum(mentions), sum(positive), sum(neutral), sum(negative)
        FROM opinion_aggregate WHERE period = '{period}' {where}
        GROUP BY bucket, 3, 5, 7"""  # noqa: S608 (constants only)


def build_aggregates(
    conn: sqlite3.Connection, vocab: list[str], entities: list[str], fold: Any
) -> dict[str, Any]:
    """Aggregate and TermAggregate rows (hours, then days) from the items, in set-based SQL."""
    out: dict[str, Any] = {}
    steps = [
        (
            "aggregate hour rows",
            f"""INSERT INTO opinion_aggregate (period, bucket, topic_id, source_id, province, kind,
                mentions, positive, neutral, negative)
            SELECT 'hour', {HOUR_BUCKET}, COALESCE(i.topic_id, 0), i.source_id, i.province, i.kind,
                count(*), sum(i.sentiment = 'positive'), sum(i.sentiment = 'neutral'),
                sum(i.sentiment = 'negative')
            FROM opinion_item i WHERE i.state = 'done'
            GROUP BY 2, 3, 4, 5, 6""",  # noqa: S608 (constants only)
        ),
        (
            "aggregate day rows",
            f"""INSERT INTO opinion_aggregate (period, bucket, topic_id, source_id, province, kind,
                mentions, positive, neutral, negative)
            SELECT 'day', {DAY_BUCKET}, topic_id, source_id, province, kind,
                sum(mentions), sum(positive), sum(neutral), sum(negative)
            FROM opinion_aggregate WHERE period = 'hour'
            GROUP BY 2, 3, 4, 5, 6""",  # noqa: S608 (constants only)
        ),
        *[
            (
                f"{term_type} hour rows{label}",
                f"""INSERT INTO opinion_termaggregate (period, bucket, term_type, term, folded,
                    topic_id, mentions, negative)
                SELECT 'hour', {HOUR_BUCKET}, '{term_type}', v.term, v.folded, {topic},
                    count(*), sum(i.sentiment = 'negative')
                FROM opinion_item i, json_each(i.{column}) k JOIN bench_terms v ON v.term = {value}
                WHERE i.state = 'done' {where}
                GROUP BY 2, v.folded, 6""",  # noqa: S608 (constants only)
            )
            for term_type, column, value in (
                ("keyword", "keywords", "k.value"),
                ("entity", "entities", "json_extract(k.value, '$.text')"),
            )
            for label, topic, where in (
                (" (all items)", "0", ""),
                (" (per topic)", "i.topic_id", "AND i.topic_id IS NOT NULL"),
            )
        ],
        *[
            (
                f"term {period} rows",
                f"""INSERT INTO opinion_termaggregate (period, bucket, term_type, term, folded,
                    topic_id, mentions, negative)
                SELECT '{period}', {bucket}, term_type, max(term), folded, topic_id,
                    sum(mentions), sum(negative)
                FROM opinion_termaggregate WHERE period = '{summed}'
                GROUP BY 2, term_type, folded, topic_id""",  # noqa: S608 (constants only)
            )
            for period, bucket, summed in (
                ("day", DAY_BUCKET, "hour"),
                ("week", WEEK_BUCKET, "day"),
            )
        ],
        *[
            (f"marginal {period} rows {spec}", _marginal_sql(period, spec))
            for period in ("hour", "day")
            for spec in _marginal_specs()
        ],
    ]
    conn.execute("CREATE TEMP TABLE bench_terms (term TEXT PRIMARY KEY, folded TEXT)")
    conn.executemany(
        "INSERT OR IGNORE INTO bench_terms VALUES (?, ?)",
        [(t, fold(t)[:200]) for t in [*vocab, *entities]],
    )
    started = time.perf_counter()
    for label, sql in steps:
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        cur = conn.execute(sql)
        conn.execute("COMMIT")
        seconds = time.perf_counter() - t0
        out[label.replace(" ", "_")] = {"rows": cur.rowcount, "seconds": round(seconds, 1)}
        print(f"  {label}: {cur.rowcount:,} in {seconds:.1f} s", flush=True)
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out
