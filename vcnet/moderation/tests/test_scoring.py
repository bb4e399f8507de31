"""The bridging fit on synthetic two-camp populations, the status thresholds and the filters.

No database: `fit`, `classify` and `filter_ratings` work on NumPy arrays. Every population is
drawn from a seeded generator, so each run sees the same ratings.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from vcnet.moderation.scoring import classify, filter_ratings, fit

BRIDGING, PARTISAN_A, PARTISAN_B, POOR = "bridging", "partisan_a", "partisan_b", "poor"


def two_camps(
    camp_a: int = 30,
    camp_b: int = 30,
    notes_per_kind: int = 6,
    rate_share: float = 0.8,
    seed: int = 7,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Raters in two camps rate notes of four kinds; returns (raters, notes, values, camp, kinds).

    Bridging notes are helpful to both camps, partisan ones to one camp only (the other camp
    finds them unhelpful), poor ones to nobody. One rating in ten is "somewhat helpful" instead.
    """
    rng = np.random.default_rng(seed)
    camp = np.array([1] * camp_a + [-1] * camp_b)
    kinds = [BRIDGING, PARTISAN_A, PARTISAN_B, POOR] * notes_per_kind
    raters, notes, values = [], [], []
    for u, side in enumerate(camp):
        for n, kind in enumerate(kinds):
            if rng.random() > rate_share:
                continue
            liked = {
                BRIDGING: True,
                PARTISAN_A: side == 1,
                PARTISAN_B: side == -1,
                POOR: False,
            }[kind]
            value = 1.0 if liked else 0.0
            if rng.random() < 0.1:
                value = 0.5
            raters.append(u)
            notes.append(n)
            values.append(value)
    return np.array(raters), np.array(notes), np.array(values), camp, kinds


def statuses(camp_a: int = 30, camp_b: int = 30, seed: int = 7) -> dict[str, set[str]]:
    raters, notes, values, camp, kinds = two_camps(camp_a, camp_b, seed=seed)
    result = fit(raters, notes, values, len(camp), len(kinds))
    assert result.converged
    found: dict[str, set[str]] = {}
    for kind, i, f in zip(kinds, result.note_intercepts, result.note_factors, strict=True):
        found.setdefault(kind, set()).add(classify(float(i), float(f)))
    return found


def test_only_notes_both_camps_find_helpful_are_shown() -> None:
    started = time.perf_counter()
    found = statuses()
    assert found[BRIDGING] == {"helpful"}
    assert found[PARTISAN_A] == {"needs_more_ratings"}
    assert found[PARTISAN_B] == {"needs_more_ratings"}
    assert found[POOR] == {"not_helpful"}
    assert time.perf_counter() - started < 2


def test_a_large_camp_alone_cannot_get_its_note_shown() -> None:
    """45 raters against 15: a plain average would show camp A's notes (≈ 0.75), bridging does not."""
    found = statuses(camp_a=45, camp_b=15, seed=11)
    assert found[PARTISAN_A] == {"needs_more_ratings"}
    assert found[PARTISAN_B] == {"needs_more_ratings"}
    assert found[BRIDGING] == {"helpful"}
    assert found[POOR] == {"not_helpful"}


def test_factors_separate_the_camps_and_follow_the_sign_convention() -> None:
    raters, notes, values, camp, kinds = two_camps()
    result = fit(raters, notes, values, len(camp), len(kinds))
    assert result.rater_factors.mean() >= 0  # documented convention
    # the camps sit on opposite sides, and partisan notes lean towards their own camp
    side_a = np.sign(result.rater_factors[camp == 1])
    side_b = np.sign(result.rater_factors[camp == -1])
    assert len(set(side_a)) == 1 and len(set(side_b)) == 1 and side_a[0] == -side_b[0]
    lean_a = [f for k, f in zip(kinds, result.note_factors, strict=True) if k == PARTISAN_A]
    assert all(np.sign(f) == side_a[0] and abs(f) >= 0.5 for f in lean_a)
    bridging = [f for k, f in zip(kinds, result.note_factors, strict=True) if k == BRIDGING]
    assert all(abs(f) < 0.2 for f in bridging)


def test_the_fit_is_deterministic() -> None:
    raters, notes, values, camp, kinds = two_camps()
    first = fit(raters, notes, values, len(camp), len(kinds))
    second = fit(raters, notes, values, len(camp), len(kinds))
    assert first.mu == second.mu
    assert np.array_equal(first.note_intercepts, second.note_intercepts)
    assert np.array_equal(first.note_factors, second.note_factors)


def test_the_gradient_matches_the_loss() -> None:
    """Central differences agree with the vectorised gradient (the penalties included)."""
    from vcnet.moderation.scoring import _loss_and_grad

    raters, notes, values, camp, kinds = two_camps(camp_a=4, camp_b=3, notes_per_kind=2)
    n_raters, n_notes = len(camp), len(kinds)
    x = np.random.default_rng(3).normal(0, 0.5, 1 + 2 * n_raters + 2 * n_notes)
    _loss, grad = _loss_and_grad(x, raters, notes, values, n_raters, n_notes)
    numeric = np.empty_like(x)
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = 1e-6
        plus, _g = _loss_and_grad(x + step, raters, notes, values, n_raters, n_notes)
        minus, _g = _loss_and_grad(x - step, raters, notes, values, n_raters, n_notes)
        numeric[k] = (plus - minus) / 2e-6
    assert np.allclose(grad, numeric, rtol=1e-5, atol=1e-5)


def test_penalties_set_the_optimum_of_a_single_rating() -> None:
    """One rating of 1.0. At the optimum each intercept a solves 2·e = 0.3·a and each factor
    2·e·f = 0.06·f (e the residual): e = 0.03, μ = i_u = i_n = 0.2 and f_u·f_n = 0.37."""
    result = fit(np.array([0]), np.array([0]), np.array([1.0]), 1, 1)
    assert result.converged
    for intercept in (result.mu, result.rater_intercepts[0], result.note_intercepts[0]):
        assert intercept == pytest.approx(0.2, abs=1e-4)
    assert result.rater_factors[0] * result.note_factors[0] == pytest.approx(0.37, abs=1e-4)
    assert result.loss == pytest.approx(0.03**2 + 0.15 * 3 * 0.04 + 0.03 * 2 * 0.37, abs=1e-6)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ((np.array([0, 1]), np.array([0]), np.array([1.0]), 2, 1), "same length"),
        ((np.array([2]), np.array([0]), np.array([1.0]), 2, 1), "out of range"),
        ((np.array([], dtype=int), np.array([], dtype=int), np.array([]), 1, 1), "at least one"),
    ],
)
def test_bad_input_is_refused_clearly(bad: tuple, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        fit(*bad)


@pytest.mark.parametrize(
    ("intercept", "factor", "status"),
    [
        (0.40, 0.0, "helpful"),
        (0.3999, 0.0, "needs_more_ratings"),
        (0.9, 0.4999, "helpful"),
        (0.9, -0.4999, "helpful"),
        (0.9, 0.5, "needs_more_ratings"),
        (0.9, -0.5, "needs_more_ratings"),
        (-0.05, 0.0, "needs_more_ratings"),
        (-0.0501, 0.0, "not_helpful"),
        (-0.4499, 0.5, "needs_more_ratings"),  # the line -0.05 - 0.8·0.5 = -0.45
        (-0.4501, 0.5, "not_helpful"),
        (-0.4501, -0.5, "not_helpful"),
        (-0.8499, 1.0, "needs_more_ratings"),
        (-0.8501, -1.0, "not_helpful"),
    ],
)
def test_classify_thresholds_at_their_edges(intercept: float, factor: float, status: str) -> None:
    assert classify(intercept, factor) == status


def test_a_rater_with_nine_ratings_is_left_out() -> None:
    # rater 0 rates 9 notes, raters 1..5 rate 10 notes each; notes 0..9
    raters = np.array([0] * 9 + [u for u in range(1, 6) for _n in range(10)])
    notes = np.array(list(range(9)) + [n for _u in range(1, 6) for n in range(10)])
    keep = filter_ratings(raters, notes)
    assert not keep[raters == 0].any()
    assert keep[raters != 0].all()


def test_a_note_with_four_ratings_is_left_out_and_the_filters_cascade() -> None:
    # raters 0..4 rate notes 0..9 (5 ratings each note); rater 5 rates notes 0..8 and note 10,
    # which only rater 5 and three others (6, 7, 8 with 10 ratings each) rate: note 10 has 4 → out
    raters: list[int] = []
    notes: list[int] = []
    for u in range(5):
        raters += [u] * 10
        notes += list(range(10))
    raters += [5] * 10
    notes += [*range(9), 10]
    for u in (6, 7, 8):
        raters += [u] * 10
        notes += [*range(9), 10]
    r, n = np.array(raters), np.array(notes)
    keep = filter_ratings(r, n)
    assert not keep[n == 10].any()  # 4 ratings
    # dropping note 10 leaves raters 5..8 with 9 ratings: they go too, all of their ratings
    assert not keep[np.isin(r, [5, 6, 7, 8])].any()
    # and then notes 0..8 still have raters 0..4 (5 ratings each): kept
    assert keep[np.isin(r, [0, 1, 2, 3, 4])].all()
