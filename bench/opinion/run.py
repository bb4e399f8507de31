"""Opinion monitoring at scale: pipeline throughput, post-to-dashboard latency, dashboard p95.

    .venv/bin/python bench/opinion/run.py pipeline                  # ~5 min: EMBED_THREADS 1, 2
    .venv/bin/python bench/opinion/run.py latency                   # ~3 min: worker + clock
    .venv/bin/python bench/opinion/run.py dashboard                 # 5,000,000 items, ~15 min
    .venv/bin/python bench/opinion/run.py dashboard --keep          # reuse opinion-5m.sqlite3
    .venv/bin/python bench/opinion/run.py dashboard --items 50000   # a smoke run
    .venv/bin/python bench/opinion/run.py all

Every database is a SQLite file under var/bench/ (a copy of a freshly migrated template), never
var/vcnet.sqlite3. Each figure is printed and saved with the load average at its start and end.

1. `pipeline`: 2,000 items (the comments of vcnet/opinion/data/sentiment.jsonl, ~10% longer
   article-like texts of 6-10 of them joined, over the last 48 hours) stored by
   `services.ingest`, then analysed as the worker's `pipeline.process_pending` does it:
   `process_batch(flush=False)` until none is left, the marked hours' aggregates rebuilt
   (`aggregates.flush`) every `FLUSH_SECONDS` and at the end, inside the timed run. Before that,
   256 warm-up items are analysed (the tagger and the model load) and `topics.recluster()`
   forms the first topics, so `topics.assign` has centroids to compare with. Then each stage
   alone on the same batches: `nlp.normalize`, `nlp.analyse`, `embeddings.queries`,
   `sentiment.classify_vectors`, `topics.assign` (and the run's flushes). Run once per
   `--threads` value (EMBED_THREADS, read when the model loads), each in its own process.
   -> bench/results/opinion_pipeline.json
2. `latency`: the background worker and the clock started as `vcnet serve` starts them
   (`worker_argv("opinion")`, `vcnet clock`) against the bench database; once the clock's first
   `opinion.collect` has run, N public posts/comments are written one at a time through
   `social.services.posts.post_create`, and each is timed until `selectors.overview` (last 24 h)
   counts it. -> bench/results/opinion_latency.json
3. `dashboard`: `generate.py` writes the items and the aggregates (see there), then 200 GET
   /opinion/ through the real view (django.test.Client, an analyst) with a mix of filters, then
   `selectors.overview` + `selectors.sample_items` alone; p50/p95/max, per filter too; the query
   plans of the slowest queries. -> bench/results/opinion_dashboard.json
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.opinion.common import (  # noqa: E402
    BENCH_DIR,
    fresh_db,
    load,
    save,
    setup,
    stats_ms,
    texts,
)

SEED = 20261129
PIPELINE_TARGET = 50.0  # items/s
LATENCY_TARGET_S = 60.0
DASHBOARD_TARGET_MS = 300.0


# --- 1. Pipeline -------------------------------------------------------------------------------
def corpus_items(n: int, seed: int, *, hours: int = 48) -> list[dict[str, Any]]:
    """`n` realistic items: ~90% comments/posts from the labelled corpus, ~10% articles of 6-10
    of them joined, published over the last `hours` hours."""
    rng = random.Random(seed)
    rows = texts()
    now = dt.datetime.now(dt.UTC)
    out = []
    for i in range(n):
        published = now - dt.timedelta(seconds=rng.uniform(0, hours * 3600))
        if rng.random() < 0.1:
            parts = [r["text"] for r in rng.sample(rows, rng.randint(6, 10))]
            title = " ".join(parts[0].split()[:10])
            out.append(
                {"kind": "article", "title": title, "text": "\n\n".join(parts), "at": published}
            )
        else:
            kind = "comment" if rng.random() < 0.6 else "post"
            out.append(
                {"kind": kind, "title": "", "text": rng.choice(rows)["text"], "at": published}
            )
        out[-1]["id"] = f"bench-{seed}-{i}"
    return out


def store(items: list[dict[str, Any]]) -> None:
    from vcnet.opinion import services
    from vcnet.opinion.models import Source, SourceKind
    from vcnet.opinion.types import ItemDraft

    platform = services.platform_source()
    feed, _ = Source.objects.get_or_create(
        kind=SourceKind.FEED,
        url="https://bao-nghe-an.example.vn/rss",
        defaults={"name": "Báo Nghệ An điện tử", "province": "Nghệ An"},
    )
    for source, kinds in ((platform, {"post", "comment"}), (feed, {"article"})):
        drafts = [
            ItemDraft(
                external_id=it["id"],
                kind=it["kind"],
                text=it["text"],
                title=it["title"],
                published_at=it["at"],
            )
            for it in items
            if it["kind"] in kinds
        ]
        for start in range(0, len(drafts), 500):
            services.ingest(source, drafts[start : start + 500])


def pipeline_child(args: argparse.Namespace) -> None:
    threads = int(os.environ.get("EMBED_THREADS", "1"))
    db = BENCH_DIR / f"opinion-pipeline-t{threads}.sqlite3"
    fresh_db(db)
    setup(db)
    import numpy as np

    from vcnet.core import embeddings
    from vcnet.opinion import aggregates, nlp, pipeline, sentiment, topics
    from vcnet.opinion.models import Item, ItemState

    report: dict[str, Any] = {"embed_threads": threads, "load_average_at_start": load()}
    print(f"[EMBED_THREADS={threads}] load {report['load_average_at_start']}", flush=True)
    _warm(report)
    print(f"  warm-up {report['warmup_256_items_s']} s; topics {report['recluster']}", flush=True)

    # The whole pipeline, as the worker runs it.
    store(corpus_items(args.items, SEED))
    measured = list(
        Item.objects.filter(state=ItemState.NEW).order_by("id").values_list("id", flat=True)
    )
    # As the worker's `pipeline.process_pending` runs: batches, the marked hours rebuilt every
    # FLUSH_SECONDS and once at the end (timed apart; the total includes them).
    batches: list[dict[str, Any]] = []
    flushes: list[dict[str, Any]] = []

    def flush() -> None:
        f0 = time.perf_counter()
        hours = aggregates.flush()
        flushes.append({"hours": hours, "s": round(time.perf_counter() - f0, 3)})

    wall0, cpu0 = time.perf_counter(), time.process_time()
    flushed = wall0
    while True:
        b0, c0 = time.perf_counter(), time.process_time()
        result = pipeline.process_batch(flush=False)
        if result.items + result.failed == 0:
            break
        batches.append(
            {
                "items": result.items,
                "failed": result.failed,
                "s": round(time.perf_counter() - b0, 3),
                "cpu_s": round(time.process_time() - c0, 3),
            }
        )
        if time.perf_counter() - flushed >= pipeline.FLUSH_SECONDS:
            flush()
            flushed = time.perf_counter()
        done = sum(b["items"] for b in batches)
        print(f"  batch {len(batches)}: {done:,}/{len(measured):,} items, "
              f"{result.items / (time.perf_counter() - b0):.1f} items/s", flush=True)  # fmt: skip
    flush()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    items = sum(b["items"] for b in batches)
    report["pipeline"] = {
        "items": items,
        "failed": sum(b["failed"] for b in batches),
        "batch_size": pipeline.BATCH,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "items_per_s": round(items / wall, 1),
        "items_per_cpu_s": round(items / cpu, 1),
        "batches": batches,
        "flushes": flushes,
        "with_topic": Item.objects.filter(id__in=measured, topic__isnull=False).count(),
        "articles": Item.objects.filter(id__in=measured, kind="article").count(),
    }

    # Each stage alone on the same batches.
    stage_s: dict[str, float] = defaultdict(float)
    rows = list(Item.objects.filter(id__in=measured).select_related("source").order_by("id"))
    for start in range(0, len(rows), pipeline.BATCH):
        batch = rows[start : start + pipeline.BATCH]
        t = time.perf_counter()
        normalised = [nlp.normalize(pipeline._content(item)) for item in batch]
        stage_s["normalize"] += time.perf_counter() - t
        t = time.perf_counter()
        nlp.analyse(normalised)
        stage_s["nlp.analyse"] += time.perf_counter() - t
        t = time.perf_counter()
        vectors = embeddings.queries([x[: pipeline.EMBED_CHARS] for x in normalised])
        stage_s["embeddings.queries"] += time.perf_counter() - t
        t = time.perf_counter()
        sentiment.classify_vectors(vectors)
        stage_s["sentiment.classify_vectors"] += time.perf_counter() - t
        t = time.perf_counter()
        topics.assign(vectors)
        stage_s["topics.assign"] += time.perf_counter() - t
        assert vectors.shape == (len(batch), embeddings.DIM) and np.isfinite(vectors).all()
    stage_s["aggregates.flush (the run's)"] = sum(f["s"] for f in flushes)
    # The model pads a batch of 32 to its longest text: the same texts, embedded sorted by length.
    sample = [nlp.normalize(pipeline._content(item))[: pipeline.EMBED_CHARS] for item in rows[:512]]
    t = time.perf_counter()
    embeddings.queries(sample)
    as_stored = time.perf_counter() - t
    t = time.perf_counter()
    embeddings.queries(sorted(sample, key=len))
    by_length = time.perf_counter() - t
    report["embedding_order_experiment"] = {
        "texts": len(sample),
        "as_stored_s": round(as_stored, 2),
        "sorted_by_length_s": round(by_length, 2),
        "mean_chars": round(sum(map(len, sample)) / len(sample)),
    }
    print(
        f"  embedding 512 texts: {as_stored:.1f} s as stored, {by_length:.1f} s sorted by length",
        flush=True,
    )
    total = sum(stage_s.values())
    report["stages"] = {
        k: {"seconds": round(v, 2), "share": round(v / total, 3), "ms_per_item": round(1000 * v / items, 2)}
        for k, v in stage_s.items()
    }  # fmt: skip
    report["stages_total_s"] = round(total, 2)
    report["not_in_stages_s"] = round(wall - total, 2)  # loading, bulk_update, the rest
    report["load_average_at_end"] = load()
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


def pipeline_bench(args: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "items": args.items,
        "target_items_per_s": PIPELINE_TARGET,
        "load_average_at_start": load(),
        "runs": [],
    }
    for threads in args.threads:
        out = BENCH_DIR / f"opinion-pipeline-t{threads}.json"
        env = {k: v for k, v in os.environ.items() if k not in {"OMP_NUM_THREADS", "DATABASE_URL"}}
        env["EMBED_THREADS"] = str(threads)
        subprocess.run(
            [sys.executable, __file__, "pipeline-child", "--items", str(args.items), "--out", str(out)],
            check=True,
            env=env,
        )  # fmt: skip
        report["runs"].append(json.loads(out.read_text(encoding="utf-8")))
    report["load_average_at_end"] = load()
    save(report, "opinion_pipeline.json")
    print("\nPipeline throughput (target >= 50 items/s batched)")
    for run in report["runs"]:
        p = run["pipeline"]
        ok = "met" if p["items_per_s"] >= PIPELINE_TARGET else "MISSED"
        print(
            f"  EMBED_THREADS={run['embed_threads']}: {p['items']:,} items in {p['seconds']} s = "
            f"{p['items_per_s']} items/s ({ok}); CPU {p['cpu_seconds']} s = "
            f"{p['items_per_cpu_s']} items per CPU-s; load {run['load_average_at_start']} -> "
            f"{run['load_average_at_end']}"
        )
        for name, s in sorted(run["stages"].items(), key=lambda kv: -kv[1]["seconds"]):
            print(
                f"    {name:28} {s['seconds']:7.2f} s {s['share']:6.1%} {s['ms_per_item']:7.2f} ms/item"
            )
    return report


def _warm(report: dict[str, Any]) -> None:
    """Load the tagger and the model, analyse 256 warm-up items and form the first topics."""
    from vcnet.opinion import pipeline, topics
    from vcnet.opinion.models import Topic

    store(corpus_items(256, SEED + 1))
    t0 = time.perf_counter()
    while pipeline.process_batch().items:
        pass
    report["warmup_256_items_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    report["recluster"] = topics.recluster()
    report["recluster_s"] = round(time.perf_counter() - t0, 2)
    report["topics"] = Topic.objects.filter(active=True).count()


def workers_prepare(args: argparse.Namespace) -> None:
    """A bench database with the warm-up done and `--items` items waiting."""
    db = Path(args.db)
    fresh_db(db)
    setup(db)
    report: dict[str, Any] = {}
    _warm(report)
    store(corpus_items(args.items, SEED))
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def workers_child(args: argparse.Namespace) -> None:
    """One worker: load the tagger and the model, wait for the common start, then analyse as
    `pipeline.process_pending` does until no item is left; writes its figures to `--out`."""
    setup(Path(args.db))
    from vcnet.core import embeddings
    from vcnet.opinion import aggregates, nlp, pipeline

    embeddings.queries(["Khởi động mô hình."])
    nlp.analyse(["Khởi động bộ gán nhãn cho phường Hưng Bình."])
    time.sleep(max(0.0, args.start - time.time()))
    started, cpu0 = time.time(), time.process_time()
    items = batches = flushed_hours = 0
    flushed = time.perf_counter()
    while True:
        result = pipeline.process_batch(flush=False)
        if result.items + result.failed == 0:
            break
        items += result.items
        batches += 1
        if time.perf_counter() - flushed >= pipeline.FLUSH_SECONDS:
            flushed_hours += aggregates.flush()
            flushed = time.perf_counter()
    flushed_hours += aggregates.flush(wait=True)
    figures = {
        "items": items,
        "batches": batches,
        "hours_rebuilt": flushed_hours,
        "started": started,
        "ended": time.time(),
        "cpu_s": round(time.process_time() - cpu0, 2),
    }
    Path(args.out).write_text(json.dumps(figures), encoding="utf-8")


def workers_bench(args: argparse.Namespace) -> dict[str, Any]:
    """`--workers` processes (EMBED_THREADS=1 each, as `vcnet serve` starts OPINION_WORKERS)
    analysing the same waiting items at once: items per second of the machine."""
    db = BENCH_DIR / "opinion-pipeline-workers.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"OMP_NUM_THREADS", "DATABASE_URL"}}
    env["EMBED_THREADS"] = "1"
    prepared = BENCH_DIR / "opinion-workers-prepare.json"
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "items": args.items,
        "workers": args.workers,
        "embed_threads": 1,
        "target_items_per_s": PIPELINE_TARGET,
    }
    command = [sys.executable, __file__]
    subprocess.run(
        [*command, "workers-prepare", "--db", str(db), "--items", str(args.items), "--out", str(prepared)],
        check=True,
        env=env,
    )  # fmt: skip
    report["warmup"] = json.loads(prepared.read_text(encoding="utf-8"))
    report["load_average_at_start"] = load()
    start = time.time() + 25  # each worker loads the tagger and the model first
    outs = [BENCH_DIR / f"opinion-worker-{n}.json" for n in range(args.workers)]
    children = [
        subprocess.Popen(
            [*command, "workers-child", "--db", str(db), "--start", str(start), "--out", str(out)],
            env=env,
        )
        for out in outs
    ]
    for child in children:
        if child.wait() != 0:
            raise SystemExit(f"a worker failed (exit {child.returncode})")
    runs = [json.loads(out.read_text(encoding="utf-8")) for out in outs]
    wall = max(r["ended"] for r in runs) - start
    items = sum(r["items"] for r in runs)
    report.update(
        {
            "per_worker": runs,
            "analysed": items,
            "seconds": round(wall, 2),
            "items_per_s": round(items / wall, 1),
            "met": items / wall >= PIPELINE_TARGET,
            "load_average_at_end": load(),
        }
    )
    save(report, f"opinion_pipeline_workers{args.workers}.json")
    print(
        f"\nPipeline with {args.workers} workers (EMBED_THREADS=1 each): {items:,} of "
        f"{args.items:,} items in {wall:.1f} s = {items / wall:.1f} items/s "
        f"({'met' if report['met'] else 'MISSED'}; target >= {PIPELINE_TARGET:.0f}); per worker "
        f"{[r['items'] for r in runs]} items; load {report['load_average_at_start']} -> "
        f"{report['load_average_at_end']}"
    )
    return report


# --- 2. Post to dashboard ----------------------------------------------------------------------
POSTS = [
    "Đường Lê Lợi ở Vinh lại ngập sâu sau trận mưa chiều nay, xe máy chết máy hàng loạt.",
    "Cảm ơn bộ phận một cửa phường Hưng Bình đã hướng dẫn tận tình, làm căn cước chưa đầy 15 phút.",
    "Giá điện tháng này tăng quá, hóa đơn nhà tôi gần gấp đôi tháng trước.",
    "Trường tiểu học ở xã tôi vừa được xây thêm phòng học mới, các cháu rất vui.",
    "Rác thải ở khu dân cư ven sông ùn ứ cả tuần nay chưa ai thu gom, mùi hôi không chịu nổi.",
    "Bệnh viện tỉnh triển khai đặt lịch khám qua ứng dụng, đỡ phải xếp hàng từ sáng sớm.",
]


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM the children's process groups, wait, then SIGKILL what is left (ours only)."""
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
    for child in children:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=15)


def latency_bench(args: argparse.Namespace) -> dict[str, Any]:
    db = BENCH_DIR / "opinion-latency.sqlite3"
    fresh_db(db)
    setup(db)
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from vcnet.accounts.tests.factories import UserFactory
    from vcnet.core.management.commands.serve import worker_argv
    from vcnet.core.ratelimit import rate_limits_suspended
    from vcnet.opinion import selectors
    from vcnet.social.services.posts import post_create

    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "target_s": LATENCY_TARGET_S,
        "load_average_at_start": load(),
    }
    user = UserFactory(full_name="Nguyễn Thị Hoa", email="nguoidan@bench.vcnet.test")
    description, worker = worker_argv("opinion")  # as `vcnet serve` starts it
    clock = [sys.executable, "-m", "vcnet", "clock"]
    report["worker"] = {"description": description, "argv": worker[1:], "clock": clock[1:]}
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    children: list[subprocess.Popen[bytes]] = []
    logs = [open(BENCH_DIR / f"opinion-latency-{n}.log", "wb") for n in ("worker", "clock")]  # noqa: SIM115
    try:
        t0 = time.perf_counter()
        for argv, log in zip((worker, clock), logs, strict=True):
            children.append(
                subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, process_group=0)
            )  # fmt: skip
        print(
            f"started {description} and the clock; waiting for the first opinion.collect",
            flush=True,
        )
        while not DBTaskResult.objects.filter(
            task_path="vcnet.opinion.tasks.collect", status="SUCCESSFUL"
        ).exists():
            if any(c.poll() is not None for c in children):
                raise RuntimeError(
                    "the worker or the clock exited; see var/bench/opinion-latency-*.log"
                )
            if time.perf_counter() - t0 > 300:
                raise RuntimeError("no opinion.collect ran within 300 s")
            time.sleep(0.5)
        report["up_after_s"] = round(time.perf_counter() - t0, 1)
        print(f"up after {report['up_after_s']} s", flush=True)
        samples = []
        parent = None
        rng = random.Random(SEED)
        for i in range(args.posts):
            before = selectors.overview(selectors.filters_from({"range": "24h"})).total
            text = POSTS[i % len(POSTS)]
            with rate_limits_suspended():
                post = post_create(user=user, text=text, in_reply_to=parent if i % 2 else None)
            if parent is None:
                parent = post
            posted = time.perf_counter()
            seen = None
            while time.perf_counter() - posted < args.timeout:
                connection.close()  # a fresh read of the WAL
                total = selectors.overview(selectors.filters_from({"range": "24h"})).total
                if total > before:
                    seen = time.perf_counter() - posted
                    break
                time.sleep(0.2)
            kind = "comment" if post.in_reply_to_id else "post"
            samples.append({"post_id": post.pk, "kind": kind, "state": post.state, "visible_after_s": round(seen, 2) if seen is not None else None})  # fmt: skip
            print(
                f"  {kind} {post.pk}: visible after {seen if seen is None else round(seen, 1)} s",
                flush=True,
            )
            time.sleep(rng.uniform(0, args.gap))  # posts fall anywhere in the clock's 20 s
    finally:
        _stop(children)
        for log in logs:
            log.close()
    seen_s = [s["visible_after_s"] for s in samples if s["visible_after_s"] is not None]
    report["samples"] = samples
    report["visible"] = len(seen_s)
    if seen_s:
        report["seconds"] = {
            "min": min(seen_s),
            "median": sorted(seen_s)[len(seen_s) // 2],
            "max": max(seen_s),
            "mean": round(sum(seen_s) / len(seen_s), 2),
        }
    report["met"] = len(seen_s) == len(samples) and max(seen_s, default=1e9) < LATENCY_TARGET_S
    report["tasks"] = list(
        DBTaskResult.objects.values("task_path", "status")
        .order_by("task_path", "status")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
    )
    report["load_average_at_end"] = load()
    save(report, "opinion_latency.json")
    print(
        f"\nPost to dashboard (target < 60 s): {report.get('seconds')}; "
        f"{'met' if report['met'] else 'MISSED'}; load {report['load_average_at_start']} -> "
        f"{report['load_average_at_end']}"
    )
    return report


# --- 3. Dashboard ------------------------------------------------------------------------------
def _db_for(items: int) -> Path:
    name = "5m" if items == 5_000_000 else f"{items // 1000}k" if items % 1000 == 0 else str(items)
    return BENCH_DIR / f"opinion-{name}.sqlite3"


def _analyst() -> Any:
    from vcnet.accounts.models import Role, UnitLevel, User
    from vcnet.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory

    email = "phantich@bench.vcnet.test"
    user = User.objects.filter(email=email).first()
    if user is None:
        level, _ = UnitLevel.objects.get_or_create(
            code="tinh", defaults={"name": "Tỉnh", "rank": 1}
        )
        unit = UnitFactory(code="btg-bench", short_name="BTG", name="Ban Tuyên giáo Tỉnh ủy Nghệ An", level=level)  # fmt: skip
        user = UserFactory(full_name="Hoàng Thị Lan", email=email)
        MembershipFactory(user=user, unit=unit, role=Role.ANALYST, title="Chuyên viên phân tích")
    return user


def _filter_mix(n: int) -> list[tuple[str, dict[str, str]]]:
    from vcnet.opinion.models import Source, Topic
    from vcnet.opinion.provinces import PROVINCES

    rng = random.Random(SEED)
    topics = list(Topic.objects.order_by("id").values_list("id", flat=True))
    sources = list(Source.objects.order_by("id").values_list("id", flat=True))
    kinds: list[tuple[str, Any]] = [
        ("7d", lambda: {"range": "7d"}),
        ("30d", lambda: {"range": "30d"}),
        ("90d", lambda: {"range": "90d"}),
        ("24h", lambda: {"range": "24h"}),
        ("7d+topic", lambda: {"range": "7d", "topic": str(rng.choice(topics))}),
        ("30d+topic", lambda: {"range": "30d", "topic": str(rng.choice(topics))}),
        ("30d+province", lambda: {"range": "30d", "province": rng.choice(PROVINCES)}),
        ("7d+source", lambda: {"range": "7d", "source": str(rng.choice(sources))}),
    ]
    return [(kinds[i % len(kinds)][0], kinds[i % len(kinds)][1]()) for i in range(n)]


def _plans(params: dict[str, str]) -> list[dict[str, Any]]:
    """The queries of one overview() for `params`, slowest first, with their query plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vcnet.opinion import selectors

    f = selectors.filters_from(params)
    with CaptureQueriesContext(connection) as ctx:
        selectors.overview(f)
        selectors.sample_items(f)
    queries = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))
    out = []
    with connection.cursor() as cursor:
        for q in queries[:6]:
            cursor.execute("EXPLAIN QUERY PLAN " + q["sql"])
            out.append(
                {
                    "ms": round(float(q["time"]) * 1000, 1),
                    "sql": q["sql"][:1500],
                    "plan": [row[-1] for row in cursor.fetchall()],
                }
            )
    return out


def _time_calls(
    call: Any, mix: list[tuple[str, dict[str, str]]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """`call(filters)` timed for each (kind, params) of `mix`: all calls, and per kind."""
    from vcnet.opinion import selectors

    every: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    for i, (kind, params) in enumerate(mix):
        f = selectors.filters_from(params)
        t0 = time.perf_counter()
        call(f)
        ms = (time.perf_counter() - t0) * 1000
        every.append(ms)
        by_kind[kind].append(ms)
        if (i + 1) % 50 == 0 or len(mix) <= 20:
            print(f"  {call.__name__} {i + 1}/{len(mix)} ({kind}: {ms:,.0f} ms)", flush=True)
    return stats_ms(every), {k: stats_ms(v) for k, v in by_kind.items()}


def dashboard_bench(args: argparse.Namespace) -> dict[str, Any]:
    db = _db_for(args.items)
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "database": str(db.relative_to(ROOT)),
        "target_p95_ms": DASHBOARD_TARGET_MS,
    }
    kept = args.keep and db.exists()
    if not kept:
        report["generation_load_average_at_start"] = load()
        t0 = time.perf_counter()
        fresh_db(db)
        setup(db)
        from bench.opinion.generate import generate

        print(f"generating {args.items:,} items into {db.relative_to(ROOT)}", flush=True)
        report["generation"] = generate(db, args.items)
        report["generation"]["total_seconds"] = round(time.perf_counter() - t0, 1)
        report["generation"]["load_average_at_start"] = report["generation_load_average_at_start"]
        report["generation"]["load_average_at_end"] = report["generation_load_average_at_end"] = (
            load()
        )
        print(f"generated in {report['generation']['total_seconds']} s", flush=True)
        (db.parent / f"{db.name}.generation.json").write_text(
            json.dumps(report["generation"], indent=2), encoding="utf-8"
        )
    else:
        setup(db)
        earlier = db.parent / f"{db.name}.generation.json"
        if earlier.exists():
            report["generation"] = json.loads(earlier.read_text(encoding="utf-8"))
            report["generation"]["kept"] = True
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from vcnet.opinion import selectors
    from vcnet.opinion.models import Aggregate, Item, Marginal, TermAggregate

    report["rows"] = {
        "items": Item.objects.count(),
        "aggregate_hour": Aggregate.objects.filter(period="hour").count(),
        "aggregate_day": Aggregate.objects.filter(period="day").count(),
        "marginal_hour": Marginal.objects.filter(period="hour").count(),
        "marginal_day": Marginal.objects.filter(period="day").count(),
        "term_hour": TermAggregate.objects.filter(period="hour").count(),
        "term_day": TermAggregate.objects.filter(period="day").count(),
        "term_week": TermAggregate.objects.filter(period="week").count(),
    }
    report["database_mb"] = round(db.stat().st_size / 2**20)
    print(f"rows: {report['rows']}; {report['database_mb']:,} MB", flush=True)
    # The manifest storage needs `collectstatic`; the page's static URLs are not measured.
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
    ).enable()
    result_name = (
        "opinion_dashboard.json"
        if args.items == 5_000_000
        else f"opinion_dashboard_{db.stem.split('-')[-1]}.json"
    )
    client = Client()
    client.force_login(_analyst())
    mix = _filter_mix(args.requests)
    report["load_average_at_start"] = load()
    response = client.get("/opinion/", {"range": "7d"})  # warm-up (templates, connection)
    assert response.status_code == 200, response.status_code
    views: list[float] = []
    by_kind: dict[str, list[float]] = defaultdict(list)
    for i, (kind, params) in enumerate(mix):
        t0 = time.perf_counter()
        response = client.get("/opinion/", params)
        ms = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, (response.status_code, params)
        views.append(ms)
        by_kind[kind].append(ms)
        if (i + 1) % 20 == 0:
            print(
                f"  view {i + 1}/{len(mix)}: p50 so far {stats_ms(views)['p50_ms']} ms", flush=True
            )
    report["view"] = stats_ms(views)
    report["view_by_filter"] = {k: stats_ms(v) for k, v in by_kind.items()}
    save(report, result_name)  # the view's figures, should the rest be interrupted
    report["overview"], report["overview_by_filter"] = _time_calls(selectors.overview, mix)
    # sample_items (the drill-down's query) on fewer calls: it can take seconds at millions.
    report["sample_items"], report["sample_items_by_filter"] = _time_calls(
        selectors.sample_items,
        mix[: args.samples],  # the mix cycles through every filter kind
    )
    report["load_average_at_end"] = load()
    report["met"] = report["view"]["p95_ms"] < DASHBOARD_TARGET_MS
    slowest = max(report["view_by_filter"], key=lambda k: report["view_by_filter"][k]["p95_ms"])
    params = dict(next(p for k, p in mix if k == slowest))
    report["slowest_filter"] = {"kind": slowest, "params": params, "queries": _plans(params)}
    connection.close()
    save(report, result_name)
    print(f"\nDashboard at {report['rows']['items']:,} items (target p95 < 300 ms)")
    for name in ("view", "overview", "sample_items"):
        s = report[name]
        print(
            f"  {name:14} p50 {s['p50_ms']:8.1f}  p95 {s['p95_ms']:8.1f}  max {s['max_ms']:8.1f} ms"
        )
    for kind, s in report["view_by_filter"].items():
        print(f"    view {kind:14} p50 {s['p50_ms']:8.1f}  p95 {s['p95_ms']:8.1f} ms")
    print(
        f"  {'met' if report['met'] else 'MISSED'}; load {report['load_average_at_start']} -> {report['load_average_at_end']}"
    )
    print(f"  slowest filter {slowest}: its slowest queries")
    for q in report["slowest_filter"]["queries"][:4]:
        print(f"    {q['ms']:8.1f} ms  {q['sql'][:160]}")
        for line in q["plan"]:
            print(f"              {line}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pipeline")
    p.add_argument("--items", type=int, default=2000)
    p.add_argument("--threads", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2])
    w = sub.add_parser("workers")
    w.add_argument("--items", type=int, default=2000)
    w.add_argument("--workers", type=int, default=2)
    wp = sub.add_parser("workers-prepare")
    wp.add_argument("--db", required=True)
    wp.add_argument("--items", type=int, default=2000)
    wp.add_argument("--out", required=True)
    wc = sub.add_parser("workers-child")
    wc.add_argument("--db", required=True)
    wc.add_argument("--start", type=float, required=True)
    wc.add_argument("--out", required=True)
    c = sub.add_parser("pipeline-child")
    c.add_argument("--items", type=int, default=2000)
    c.add_argument("--out", required=True)
    lat = sub.add_parser("latency")
    lat.add_argument("--posts", type=int, default=5)
    lat.add_argument("--timeout", type=float, default=180.0)
    lat.add_argument("--gap", type=float, default=20.0, help="at most this many s between posts")
    d = sub.add_parser("dashboard")
    d.add_argument("--items", type=int, default=5_000_000)
    d.add_argument("--keep", action="store_true", help="reuse the database of an earlier run")
    d.add_argument("--requests", type=int, default=200)
    d.add_argument("--samples", type=int, default=16, help="sample_items calls timed")
    a = sub.add_parser("all")
    a.add_argument("--items", type=int, default=5_000_000)
    a.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.command == "pipeline":
        pipeline_bench(args)
    elif args.command == "pipeline-child":
        pipeline_child(args)
    elif args.command == "workers":
        workers_bench(args)
    elif args.command == "workers-prepare":
        workers_prepare(args)
    elif args.command == "workers-child":
        workers_child(args)
    elif args.command == "latency":
        latency_bench(args)
    elif args.command == "dashboard":
        dashboard_bench(args)
    else:  # each in its own process: each sets Django up on its own database
        dashboard = ["dashboard", "--items", str(args.items)] + (["--keep"] if args.keep else [])
        for command in (["pipeline"], ["latency"], dashboard):
            subprocess.run([sys.executable, __file__, *command], check=True)


if __name__ == "__main__":
    main()
