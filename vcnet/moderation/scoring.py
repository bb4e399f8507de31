"""Bridging score of context notes: the Community Notes matrix factorisation.

Each rating r (helpful 1.0, somewhat 0.5, not helpful 0.0) of note n by rater u is modelled as

    r ≈ μ + i_u + i_n + f_u · f_n

with one-dimensional factors f. The fit minimises the squared error plus L2 penalties

    Σ (r - μ - i_u - i_n - f_u·f_n)² + 0.15 (μ² + Σ i_u² + Σ i_n²) + 0.03 (Σ f_u² + Σ f_n²)

The factor term soaks up agreement that follows the raters' "side" (f_u·f_n > 0 when the rater's
side likes the note), so the note intercept i_n is what raters of every side agree on: a note is
shown only when its intercept is high and its factor small (`classify`). Sign convention: the
factors are only defined up to a joint sign flip (f_u, f_n → -f_u, -f_n); `fit` flips them so that
the mean rater factor is ≥ 0 (the side where most raters sit is positive). Nothing depends on the
sign: `classify` uses |f_n|.

`score_notes` reads every rating from the database, filters raters and notes with too few
ratings, fits, and writes each unlocked note's status; each post shows its best helpful note.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from numpy.typing import NDArray
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from vcnet.moderation import kinds
from vcnet.moderation.models import ContextNote, Helpfulness, NoteRating, NoteStatus

log = logging.getLogger(__name__)

__all__ = [
    "HELPFUL_MAX_FACTOR",
    "HELPFUL_MIN_INTERCEPT",
    "LAMBDA_FACTOR",
    "LAMBDA_INTERCEPT",
    "LOCK_AFTER",
    "MIN_NOTE_RATINGS",
    "MIN_RATER_RATINGS",
    "NOT_HELPFUL_FACTOR_SLOPE",
    "NOT_HELPFUL_MAX_INTERCEPT",
    "VALUES",
    "Fit",
    "ScoreRun",
    "classify",
    "filter_ratings",
    "fit",
    "score_notes",
]

LAMBDA_INTERCEPT = 0.15  # on μ, every i_u and every i_n
LAMBDA_FACTOR = 0.03  # on every f_u and f_n
HELPFUL_MIN_INTERCEPT = 0.40
HELPFUL_MAX_FACTOR = 0.5
NOT_HELPFUL_MAX_INTERCEPT = -0.05
NOT_HELPFUL_FACTOR_SLOPE = 0.8
MIN_RATER_RATINGS = 10
MIN_NOTE_RATINGS = 5
LOCK_AFTER = dt.timedelta(days=14)
VALUES: dict[str, float] = {
    Helpfulness.HELPFUL.value: 1.0,
    Helpfulness.SOMEWHAT.value: 0.5,
    Helpfulness.NOT_HELPFUL.value: 0.0,
}
SEED = 20261207
MAXITER = 1000
# Stop when an iteration lowers the loss by less than FTOL of itself, or when the largest
# (preconditioned) gradient component is under GTOL: intercepts are then within ~0.002 of the
# exact optimum on the benchmark population, far below the thresholds' resolution.
FTOL = 1e-10
GTOL = 1e-5

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


@dataclass(frozen=True)
class Fit:
    """The fitted parameters: global intercept, per-rater and per-note intercepts and factors."""

    mu: float
    rater_intercepts: FloatArray
    rater_factors: FloatArray
    note_intercepts: FloatArray
    note_factors: FloatArray
    converged: bool
    iterations: int = 0
    loss: float = 0.0


def _single_blas_thread() -> threadpool_limits:
    """Run BLAS single-threaded during the fit (threadpoolctl restores it afterwards).

    L-BFGS-B makes many level-1 BLAS calls (dot, axpy) on vectors of 10⁵ numbers; OpenBLAS
    splits each over threads, which gains nothing at that size and, on a busy worker whose
    cores are taken, makes every call wait for descheduled threads (measured 10x slower).
    """
    return threadpool_limits(limits=1, user_api="blas")


def _loss_and_grad(
    x: FloatArray,
    rater_idx: IntArray,
    note_idx: IntArray,
    values: FloatArray,
    n_raters: int,
    n_notes: int,
) -> tuple[float, FloatArray]:
    """The penalised squared loss at `x` = [μ, i_u…, i_n…, f_u…, f_n…] and its gradient."""
    mu = x[0]
    iu = x[1 : 1 + n_raters]
    inn = x[1 + n_raters : 1 + n_raters + n_notes]
    fu = x[1 + n_raters + n_notes : 1 + 2 * n_raters + n_notes]
    fn = x[1 + 2 * n_raters + n_notes :]
    fu_r = fu[rater_idx]
    fn_r = fn[note_idx]
    err = iu[rater_idx]
    err += inn[note_idx]
    err += fu_r * fn_r
    err += mu
    err -= values  # prediction - rating
    loss = float(err @ err)
    loss += LAMBDA_INTERCEPT * (mu * mu + float(iu @ iu) + float(inn @ inn))
    loss += LAMBDA_FACTOR * (float(fu @ fu) + float(fn @ fn))
    grad = np.empty_like(x)
    grad[0] = 2.0 * (err.sum() + LAMBDA_INTERCEPT * mu)
    grad[1 : 1 + n_raters] = 2.0 * (
        np.bincount(rater_idx, weights=err, minlength=n_raters) + LAMBDA_INTERCEPT * iu
    )
    grad[1 + n_raters : 1 + n_raters + n_notes] = 2.0 * (
        np.bincount(note_idx, weights=err, minlength=n_notes) + LAMBDA_INTERCEPT * inn
    )
    grad[1 + n_raters + n_notes : 1 + 2 * n_raters + n_notes] = 2.0 * (
        np.bincount(rater_idx, weights=err * fn_r, minlength=n_raters) + LAMBDA_FACTOR * fu
    )
    grad[1 + 2 * n_raters + n_notes :] = 2.0 * (
        np.bincount(note_idx, weights=err * fu_r, minlength=n_notes) + LAMBDA_FACTOR * fn
    )
    return loss, grad


def fit(
    rater_idx: NDArray[np.integer[Any]],
    note_idx: NDArray[np.integer[Any]],
    values: NDArray[np.floating[Any]],
    n_raters: int,
    n_notes: int,
    *,
    seed: int = SEED,
    maxiter: int = MAXITER,
) -> Fit:
    """Fit the model to ratings given as parallel arrays (rater index, note index, value in [0, 1]).

    Indexes run from 0 to n_raters - 1 and n_notes - 1. Deterministic: the factors start from a
    seeded random draw (all-zero factors would be a saddle point), the intercepts at 0 and μ at
    the mean rating.
    """
    raters = np.ascontiguousarray(rater_idx, dtype=np.intp)
    notes = np.ascontiguousarray(note_idx, dtype=np.intp)
    vals = np.ascontiguousarray(values, dtype=np.float64)
    if not (raters.shape == notes.shape == vals.shape) or raters.ndim != 1:
        raise ValueError("rater_idx, note_idx and values must be 1-D arrays of the same length")
    if n_raters < 1 or n_notes < 1 or raters.size == 0:
        raise ValueError("fit needs at least one rating")
    if raters.min() < 0 or raters.max() >= n_raters or notes.min() < 0 or notes.max() >= n_notes:
        raise ValueError("rater or note index out of range")
    rng = np.random.default_rng(seed)
    x0 = np.zeros(1 + 2 * n_raters + 2 * n_notes)
    x0[0] = float(vals.mean())
    x0[1 + n_raters + n_notes :] = rng.normal(0.0, 0.1, size=n_raters + n_notes)
    # Diagonal preconditioning: L-BFGS-B works on y = s·x, with s ≈ √(diagonal of the Hessian).
    # A note with 2,000 ratings and one with 5 then move at the same pace, which takes the
    # iterations on a heavy-tailed population from thousands to about two hundred.
    rater_counts = np.bincount(raters, minlength=n_raters).astype(np.float64)
    note_counts = np.bincount(notes, minlength=n_notes).astype(np.float64)
    scale = np.sqrt(
        np.concatenate(
            [
                [vals.size + LAMBDA_INTERCEPT],
                rater_counts + LAMBDA_INTERCEPT,
                note_counts + LAMBDA_INTERCEPT,
                0.5 * rater_counts + LAMBDA_FACTOR,  # f_n² is about 0.5 on average at the optimum
                0.5 * note_counts + LAMBDA_FACTOR,
            ]
        )
    )

    def scaled(y: FloatArray) -> tuple[float, FloatArray]:
        loss, grad = _loss_and_grad(y / scale, raters, notes, vals, n_raters, n_notes)
        return loss, grad / scale

    with _single_blas_thread():
        result = minimize(
            scaled,
            x0 * scale,
            method="L-BFGS-B",
            jac=True,
            options={"maxiter": maxiter, "ftol": FTOL, "gtol": GTOL, "maxcor": 10},
        )
    x = result.x / scale
    fu = x[1 + n_raters + n_notes : 1 + 2 * n_raters + n_notes].copy()
    fn = x[1 + 2 * n_raters + n_notes :].copy()
    if fu.mean() < 0:  # the sign convention of the module docstring
        fu, fn = -fu, -fn
    return Fit(
        mu=float(x[0]),
        rater_intercepts=x[1 : 1 + n_raters].copy(),
        rater_factors=fu,
        note_intercepts=x[1 + n_raters : 1 + n_raters + n_notes].copy(),
        note_factors=fn,
        converged=bool(result.success),
        iterations=int(result.nit),
        loss=float(result.fun),
    )


def classify(intercept: float, factor: float) -> str:
    """A note's status from its intercept and factor (a NoteStatus value)."""
    if intercept >= HELPFUL_MIN_INTERCEPT and abs(factor) < HELPFUL_MAX_FACTOR:
        return NoteStatus.HELPFUL.value
    if intercept < NOT_HELPFUL_MAX_INTERCEPT - NOT_HELPFUL_FACTOR_SLOPE * abs(factor):
        return NoteStatus.NOT_HELPFUL.value
    return NoteStatus.NEEDS_MORE_RATINGS.value


def filter_ratings(
    rater_ids: NDArray[np.integer[Any]], note_ids: NDArray[np.integer[Any]]
) -> NDArray[np.bool_]:
    """Which ratings to keep: raters with ≥ 10 ratings on notes with ≥ 5 ratings from such raters.

    The two filters feed each other (dropping a note can drop a rater below 10), so they are
    applied in turn until nothing changes.
    """
    keep = np.ones(rater_ids.shape, dtype=bool)
    if rater_ids.size == 0:
        return keep
    _r_uniq, r_inv = np.unique(rater_ids, return_inverse=True)
    _n_uniq, n_inv = np.unique(note_ids, return_inverse=True)
    while True:
        rater_counts = np.bincount(r_inv, weights=keep)
        keep_now = keep & (rater_counts[r_inv] >= MIN_RATER_RATINGS)
        note_counts = np.bincount(n_inv, weights=keep_now)
        keep_now &= note_counts[n_inv] >= MIN_NOTE_RATINGS
        if np.array_equal(keep_now, keep):
            return keep
        keep = keep_now


@dataclass(frozen=True)
class ScoreRun:
    """What one scoring run did (returned by `score_notes`, JSON-friendly through `as_dict`)."""

    ratings: int
    ratings_used: int
    raters_used: int
    notes_scored: int
    notes_updated: int
    helpful: int
    not_helpful: int
    locked: int
    posts_changed: int
    newly_shown: int
    converged: bool
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _note_url(post_id: int) -> str:
    try:
        return reverse("moderation:notes_post", args=[post_id])
    except NoReverseMatch:  # the notes pages are not mounted
        return f"/moderation/notes/post/{post_id}/"


def _scores(
    ratings: list[tuple[int, int, str]],
) -> tuple[dict[int, tuple[float, float]], int, int, bool]:
    """Fit the kept ratings: {note id: (intercept, factor)}, ratings used, raters used, converged."""
    if not ratings:
        return {}, 0, 0, True
    rater_ids = np.fromiter((r[0] for r in ratings), dtype=np.int64, count=len(ratings))
    note_ids = np.fromiter((r[1] for r in ratings), dtype=np.int64, count=len(ratings))
    values = np.fromiter((VALUES[r[2]] for r in ratings), dtype=np.float64, count=len(ratings))
    keep = filter_ratings(rater_ids, note_ids)
    if not keep.any():
        return {}, 0, 0, True
    raters, r_idx = np.unique(rater_ids[keep], return_inverse=True)
    notes, n_idx = np.unique(note_ids[keep], return_inverse=True)
    result = fit(r_idx, n_idx, values[keep], len(raters), len(notes))
    if not result.converged:
        log.warning("Context note scoring did not converge in %s iterations", result.iterations)
    scores = {
        int(note_id): (float(i), float(f))
        for note_id, i, f in zip(notes, result.note_intercepts, result.note_factors, strict=True)
    }
    return scores, int(keep.sum()), len(raters), result.converged


def score_notes(now: dt.datetime | None = None) -> ScoreRun:
    """Score every context note from all ratings and show each post's best helpful note.

    Unlocked notes get their intercept, factor, status, ratings count and scoring time (notes
    left out by the filters: no intercept/factor, "needs more ratings"); notes older than 14
    days are then locked and keep their status for good. Each post with notes shows its helpful
    note of highest intercept (or none); the author of a note that becomes shown is told.
    """
    started = time.monotonic()
    now = now or timezone.now()
    ratings = list(NoteRating.objects.values_list("rater_id", "note_id", "helpfulness"))
    scores, used, raters_used, converged = _scores(ratings)  # outside the transaction: no locks
    counts: dict[int, int] = {}
    for _rater, note_id, _value in ratings:
        counts[note_id] = counts.get(note_id, 0) + 1

    with transaction.atomic():
        notes = list(
            ContextNote.objects.select_for_update()
            .filter(locked_at__isnull=True)
            .only(*_SCORED_FIELDS, "id", "post_id", "created_at")
        )
        locked = 0
        for note in notes:
            note.intercept, note.factor = scores.get(note.pk, (None, None))
            note.status = (
                classify(note.intercept, note.factor)
                if note.intercept is not None and note.factor is not None
                else NoteStatus.NEEDS_MORE_RATINGS.value
            )
            note.ratings_count = counts.get(note.pk, 0)
            note.scored_at = now
            if note.created_at <= now - LOCK_AFTER:
                note.locked_at = now
                locked += 1
        ContextNote.objects.bulk_update(notes, _SCORED_FIELDS, batch_size=500)
        changed, newly = _show_best_notes()

    statuses = [note.status for note in notes]
    return ScoreRun(
        ratings=len(ratings),
        ratings_used=used,
        raters_used=raters_used,
        notes_scored=len(scores),
        notes_updated=len(notes),
        helpful=statuses.count(NoteStatus.HELPFUL.value),
        not_helpful=statuses.count(NoteStatus.NOT_HELPFUL.value),
        locked=locked,
        posts_changed=changed,
        newly_shown=newly,
        converged=converged,
        seconds=round(time.monotonic() - started, 3),
    )


_SCORED_FIELDS = ["intercept", "factor", "status", "ratings_count", "scored_at", "locked_at"]


def _show_best_notes() -> tuple[int, int]:
    """Point each post at its helpful note of highest intercept (ties: the older note) or none.

    Only posts whose shown note changes are written; returns (posts changed, notes newly shown)
    and tells the authors of the newly shown notes once the transaction commits.
    """
    from vcnet.notifications.services import notify_on_commit
    from vcnet.social.models import Post
    from vcnet.social.services.moderation import post_context_note_set

    best: dict[int, tuple[float, int]] = {}  # post id → (intercept, -note id)
    helpful = ContextNote.objects.filter(status=NoteStatus.HELPFUL).values_list(
        "post_id", "id", "intercept"
    )
    for post_id, note_id, intercept in helpful:
        key = (intercept if intercept is not None else float("-inf"), -note_id)
        if post_id not in best or key > best[post_id]:
            best[post_id] = key
    current: dict[int, dict[str, Any] | None] = dict(
        Post.objects.filter(Q(context_note__isnull=False) | Q(pk__in=list(best))).values_list(
            "id", "context_note"
        )
    )
    wanted = ContextNote.objects.filter(pk__in=[-key[1] for key in best.values()]).only(
        "id", "post_id", "author_id", "text", "html", "sources"
    )
    by_post = {note.post_id: note for note in wanted}
    changed = newly = 0
    for post_id in sorted(set(current) | set(by_post)):
        shown = by_post.get(post_id)
        previous = current.get(post_id)
        if shown is None:
            if previous is not None:
                post_context_note_set(post_id=post_id, note=None)
                changed += 1
            continue
        payload = {
            "id": shown.pk,
            "html": shown.html,
            "sources": shown.sources,
            "url": _note_url(post_id),
        }
        if previous == payload:
            continue
        post_context_note_set(post_id=post_id, note=payload)
        changed += 1
        if previous is None or previous.get("id") != shown.pk:
            newly += 1
            notify_on_commit(
                recipients=[shown.author_id],
                kind=kinds.NOTE,
                title=str(_("Your context note is now shown under the post.")),
                body=str(
                    _("Raters who usually disagree found your note helpful: %(text)s")
                    % {"text": shown.text[:200]}
                ),
                url=payload["url"],
                obj=shown,
            )
    return changed, newly
