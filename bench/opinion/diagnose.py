"""Why the dashboard is slow at millions of items: per-query times and plans, and what two
candidate indexes would change, measured inside a transaction that is rolled back (the kept
database and the app are left as they are).

    .venv/bin/python bench/opinion/diagnose.py [--db var/bench/opinion-5m.sqlite3]

-> bench/results/opinion_dashboard_diagnosis.json
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.opinion.common import BENCH_DIR, load, save, setup  # noqa: E402

CANDIDATES = {
    # sample_items: state = done, a published_at range, newest first, LIMIT 5: with this index
    # the query walks the index from the end and stops after 5 rows.
    "item_state_published": (
        'CREATE INDEX bench_item_state_pub ON opinion_item ("state", "published_at" DESC, "id" DESC)'
    ),
    # overview: every query filters (period, bucket range) and sums a few columns; a covering
    # index answers them without reading the table's rows.
    "aggregate_covering": (
        'CREATE INDEX bench_agg_cover ON opinion_aggregate ("period", "bucket", "topic_id", '
        '"source_id", "province", "kind", "mentions", "positive", "neutral", "negative")'
    ),
}
FILTERS = [
    {"range": "7d"},
    {"range": "30d"},
    {"range": "90d"},
    {"range": "30d", "province": "Nghệ An"},
]


class Rollback(Exception):
    pass


def timed(params: dict[str, str], *, samples: bool = True) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from vcnet.opinion import selectors

    f = selectors.filters_from(params)
    out: dict[str, Any] = {"params": params}
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        selectors.overview(f)
        out["overview_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    out["overview_queries"] = [
        {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:300]}
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:8]
    ]
    if samples:
        t0 = time.perf_counter()
        selectors.sample_items(f)
        out["sample_items_ms"] = round((time.perf_counter() - t0) * 1000, 1)
    return out


def plans() -> dict[str, list[str]]:
    from django.db import connection

    from vcnet.opinion import selectors
    from vcnet.opinion.models import Aggregate, Item

    f = selectors.filters_from({"range": "90d"})
    queries = {
        "sample_items": Item.objects.filter(
            state="done", published_at__gte=f.start, published_at__lt=f.end
        ).order_by("-published_at", "-id")[:5],
        "overview_provinces": Aggregate.objects.filter(
            period=f.period, bucket__gte=f.start, bucket__lt=f.end
        )
        .values("province")
        .annotate(m=__import__("django.db.models", fromlist=["Sum"]).Sum("mentions")),
    }
    out = {}
    with connection.cursor() as cursor:
        for name, qs in queries.items():
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            out[name] = [row[-1] for row in cursor.fetchall()]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=BENCH_DIR / "opinion-5m.sqlite3")
    args = parser.parse_args()
    setup(args.db)
    from django.db import connection, transaction

    report: dict[str, Any] = {"database": str(args.db), "load_average_at_start": load()}
    report["as_is"] = [timed(p) for p in FILTERS]
    report["plans_as_is"] = plans()
    for p in report["as_is"]:
        print(f"as is {p['params']}: overview {p['overview_ms']} ms, sample_items {p.get('sample_items_ms')} ms", flush=True)  # fmt: skip
    report["with_index"] = {}
    for name, ddl in CANDIDATES.items():
        try:
            with transaction.atomic():
                t0 = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(ddl)
                built = round(time.perf_counter() - t0, 1)
                runs = [timed(p) for p in FILTERS]
                report["with_index"][name] = {
                    "ddl": ddl,
                    "build_s": built,
                    "runs": runs,
                    "plans": plans(),
                }
                for p in runs:
                    print(f"{name} {p['params']}: overview {p['overview_ms']} ms, sample_items {p.get('sample_items_ms')} ms", flush=True)  # fmt: skip
                raise Rollback
        except Rollback:
            pass
    report["load_average_at_end"] = load()
    save(report, "opinion_dashboard_diagnosis.json")


if __name__ == "__main__":
    main()
