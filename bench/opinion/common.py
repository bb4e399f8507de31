"""What the opinion benchmarks share: the bench databases, Django set-up, figures and results."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.documents import pct

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
TEMPLATE_DB = BENCH_DIR / "opinion-template.sqlite3"
RESULTS_DIR = ROOT / "bench" / "results"
DATA = ROOT / "vcnet" / "opinion" / "data"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _newest_migration() -> float:
    return max(p.stat().st_mtime for p in (ROOT / "vcnet").glob("*/migrations/*.py"))


def fresh_db(path: Path) -> float:
    """A freshly migrated SQLite file at `path` (its -wal/-shm removed); returns the seconds.

    `migrate` of the whole project takes ~40 s here, so it runs once into a template (again when
    a migration is newer than the template) and each bench database starts as a copy of it.
    """
    started = time.perf_counter()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if not TEMPLATE_DB.exists() or TEMPLATE_DB.stat().st_mtime < _newest_migration():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{TEMPLATE_DB}{suffix}").unlink(missing_ok=True)
        print(f"migrating a template database {TEMPLATE_DB.relative_to(ROOT)} (~40 s)", flush=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{TEMPLATE_DB}"}
        subprocess.run(
            [sys.executable, "-m", "vcnet", "migrate", "--noinput", "-v", "0"],
            check=True,
            env=env,
            cwd=ROOT,
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(TEMPLATE_DB, path)
    return time.perf_counter() - started


def setup(db: Path) -> None:
    """Point Django at the SQLite file `db` and set it up (before any model import)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def stats_ms(ms: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(pct(ms, 50), 1),
        "p95_ms": round(pct(ms, 95), 1),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }


def save(report: dict[str, Any], name: str) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}", flush=True)
    return path


def texts() -> list[dict[str, str]]:
    """The labelled Vietnamese comments of vcnet/opinion/data/sentiment.jsonl."""
    rows = []
    with (DATA / "sentiment.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
    return rows
