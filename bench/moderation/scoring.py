"""Time one bridging-score fit (`vcnet.moderation.scoring.fit`) on synthetic ratings.

    .venv/bin/python bench/moderation/scoring.py                  # 1,000,000 ratings
    .venv/bin/python bench/moderation/scoring.py --ratings 200000 --raters 10000 --notes 8000

Synthetic population: raters in two camps (55 % / 45 %, true factor ±1 plus noise) and notes of
four kinds: bridging (helpful to both camps), partisan for either camp, and poor (unhelpful to
both). Each rating is drawn from the true model (intercepts + camp x note lean) with noise and
rounded to 0 / 0.5 / 1 as the form does; each rater rates a heavy-tailed number of notes, as on
real platforms. The fit is timed alone (no database), twice: on all the
ratings, then on those `score_notes` keeps (raters with >= 10 ratings, notes with >= 5); the
statuses of the kept notes are then compared with their true kind. Writes bench/results/moderation_scoring.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "moderation_scoring.json"
SEED = 20261207
KINDS = ("bridging", "partisan_a", "partisan_b", "poor")
KIND_SHARES = (0.15, 0.3, 0.3, 0.25)


def population(
    n_ratings: int, n_raters: int, n_notes: int, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rater index, note index, value) of unique synthetic ratings, and each note's true kind."""
    rng = np.random.default_rng(seed)
    camp = np.where(rng.random(n_raters) < 0.55, 1.0, -1.0)
    rater_factor = camp * rng.normal(1.0, 0.2, n_raters)
    rater_bias = rng.normal(0.0, 0.1, n_raters)
    kind = rng.choice(len(KINDS), size=n_notes, p=KIND_SHARES)
    note_intercept = np.choose(kind, [0.45, 0.0, 0.0, -0.4]) + rng.normal(0, 0.05, n_notes)
    note_factor = np.choose(kind, [0.0, 0.45, -0.45, 0.0]) + rng.normal(0, 0.05, n_notes)
    # heavy-tailed activity: some raters rate many notes, popular notes get many ratings
    rater_weight = rng.pareto(1.5, n_raters) + 1.0
    note_weight = rng.pareto(1.2, n_notes) + 1.0
    want = int(n_ratings * 1.3)  # duplicates (same rater, same note) are dropped below
    raters = rng.choice(n_raters, size=want, p=rater_weight / rater_weight.sum())
    notes = rng.choice(n_notes, size=want, p=note_weight / note_weight.sum())
    pairs = np.unique(raters.astype(np.int64) * n_notes + notes)
    pairs = rng.permutation(pairs)[:n_ratings]
    raters, notes = pairs // n_notes, pairs % n_notes
    signal = (
        0.5
        + rater_bias[raters]
        + note_intercept[notes]
        + rater_factor[raters] * note_factor[notes]
        + rng.normal(0.0, 0.15, raters.size)
    )
    values = np.clip(np.round(signal * 2.0) / 2.0, 0.0, 1.0)
    return raters, notes, values, kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ratings", type=int, default=1_000_000)
    parser.add_argument("--raters", type=int, default=50_000)
    parser.add_argument("--notes", type=int, default=40_000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vcnet.settings")
    import django

    django.setup()
    from vcnet.moderation import scoring

    started = time.perf_counter()
    raters, notes, values, kind = population(args.ratings, args.raters, args.notes)
    generated_s = time.perf_counter() - started

    def timed_fit(keep: np.ndarray) -> tuple[Any, np.ndarray, dict[str, Any]]:
        kept_raters, r_idx = np.unique(raters[keep], return_inverse=True)
        kept_notes, n_idx = np.unique(notes[keep], return_inverse=True)
        wall, cpu = time.perf_counter(), time.process_time()
        result = scoring.fit(r_idx, n_idx, values[keep], len(kept_raters), len(kept_notes))
        timing = {
            "ratings": int(keep.sum()),
            "raters": len(kept_raters),
            "notes": len(kept_notes),
            "fit_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2),
            "iterations": result.iterations,
            "converged": result.converged,
            "mu": round(result.mu, 4),
        }
        print(json.dumps(timing), flush=True)
        return result, kept_notes, timing

    # 1. every rating (what the target is about); 2. what score_notes fits after its filters
    _all, _n, every = timed_fit(np.ones(values.size, dtype=bool))
    started = time.perf_counter()
    keep = scoring.filter_ratings(raters, notes)
    filter_s = time.perf_counter() - started
    result, kept_notes, filtered = timed_fit(keep)
    filtered["filter_s"] = round(filter_s, 2)

    status = np.array(
        [
            scoring.classify(i, f)
            for i, f in zip(result.note_intercepts, result.note_factors, strict=True)
        ]
    )
    kinds_kept = kind[kept_notes]
    by_kind: dict[str, dict[str, int]] = {}
    for k, name in enumerate(KINDS):
        mine = status[kinds_kept == k]
        by_kind[name] = {
            s: int((mine == s).sum()) for s in ("helpful", "needs_more_ratings", "not_helpful")
        }
    report: dict[str, Any] = {
        "bench": "moderation_scoring",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} CPU, Python {platform.python_version()}",
        "load_average": list(os.getloadavg()),
        "numpy": np.__version__,
        "scipy": __import__("scipy").__version__,
        "population": {
            "ratings": int(values.size),
            "raters": args.raters,
            "notes": args.notes,
            "camps": "55 % / 45 %",
            "note_kinds": dict(zip(KINDS, KIND_SHARES, strict=True)),
            "generate_s": round(generated_s, 2),
        },
        "target_s": 60,
        "fit_all_ratings": every,
        "fit_after_filters": filtered,
        "status_by_true_kind": by_kind,
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
