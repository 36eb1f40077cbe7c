"""The threshold curve and natural frequencies, checked against scikit-learn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import confusion_matrix

from explainwidgets.core import ScoreSet, build_curve, per_100, value_per_100
from explainwidgets.core.curve import MAX_POINTS, nice_grid
from explainwidgets.core.payoff import break_even_probability, check_payoff


def sk_counts(y, s, t, w=None):
    tn, fp, fn, tp = confusion_matrix(y, s >= t, labels=[False, True], sample_weight=w).ravel()
    return {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


labelled = (
    st.integers(2, 300)
    .flatmap(
        lambda n: st.tuples(
            arrays(np.bool_, n),
            arrays(
                np.float64, n, elements=st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2))
            ),
            arrays(np.float64, n, elements=st.floats(0, 1000, allow_nan=False)),
        )
    )
    .filter(lambda t: t[0].any() and (~t[0]).any())
)


@settings(max_examples=150, deadline=None)
@given(labelled, st.floats(-6, 6, allow_nan=False))
def test_counts_equal_confusion_matrix(data, t):
    y, s, _ = data
    ss = ScoreSet.from_arrays(y, s)
    got = ss.counts_at(t)
    want = sk_counts(y, s, t)
    assert got == {k: float(v) for k, v in want.items()}


@settings(max_examples=150, deadline=None)
@given(labelled, st.floats(-6, 6, allow_nan=False))
def test_weighted_counts_equal_confusion_matrix(data, t):
    y, s, w = data
    if w[y].sum() == 0 or w[~y].sum() == 0:
        w = w + 1.0
    ss = ScoreSet.from_arrays(y, s, w)
    got = ss.counts_at(t)
    want = sk_counts(y, s, t, w)
    for k in got:
        assert got[k] == pytest.approx(float(want[k]), rel=1e-9, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(labelled)
def test_curve_is_exact_at_every_point(data):
    y, s, w = data
    ss = ScoreSet.from_arrays(y, s, w + 1.0)
    curve = build_curve(ss, max_points=40, extra=[0.123])
    assert len(curve) <= 40 + 3
    assert 0.123 in curve.thresholds
    assert curve.thresholds[0] == s.min() or s.min() > 0.123
    for i in range(0, len(curve), 7):
        want = sk_counts(y, s, curve.thresholds[i], w + 1.0)
        for k, v in curve.counts(i).items():
            assert v == pytest.approx(float(want[k]), rel=1e-9, abs=1e-6)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=4, max_size=4).filter(
        lambda c: sum(c) > 0
    )
)
def test_per_100_sums_to_100_and_stays_within_one(c):
    counts = dict(zip(("tp", "fp", "fn", "tn"), c, strict=True))
    got = per_100(counts)
    assert sum(got.values()) == 100
    total = sum(c)
    for k, v in got.items():
        assert abs(v - counts[k] / total * 100) < 1
        assert isinstance(v, int)


def test_per_100_known_values():
    assert per_100({"tp": 1, "fp": 1, "fn": 1, "tn": 0}) == {"tp": 34, "fp": 33, "fn": 33, "tn": 0}
    assert per_100({"tp": 12, "fp": 20, "fn": 3, "tn": 65}) == {
        "tp": 12,
        "fp": 20,
        "fn": 3,
        "tn": 65,
    }
    with pytest.raises(ValueError, match="positive total"):
        per_100({"tp": 0, "fp": 0, "fn": 0, "tn": 0})


def test_value_per_100_uses_exact_shares():
    counts = {"tp": 1, "fp": 2, "fn": 3, "tn": 994}
    pay = {"tp": 10, "fp": -1, "fn": -100, "tn": 1}
    assert value_per_100(counts, pay) == pytest.approx((10 - 2 - 300 + 994) / 1000 * 100)


def test_best_threshold_is_the_exact_maximum():
    rng = np.random.default_rng(3)
    y = rng.random(3000) < 0.2
    s = np.clip(rng.normal(0.3 + 0.3 * y, 0.2), 0, 1).round(3)
    pay = {"tp": 50, "fp": -10, "fn": -200, "tn": 5}
    ss = ScoreSet.from_arrays(y, s)
    best = ss.best_threshold(pay)
    values = {t: value_per_100(sk_counts(y, s, t), pay) for t in np.unique(s)}
    top = max(values.values())
    assert values[best] == pytest.approx(top)
    assert best == max(t for t, v in values.items() if v == pytest.approx(top, rel=1e-12))


def test_large_input_gives_at_most_about_a_thousand_points():
    rng = np.random.default_rng(0)
    y = rng.random(200_000) < 0.05
    s = rng.random(200_000)
    curve = build_curve(ScoreSet.from_arrays(y, s))
    assert 500 < len(curve) <= MAX_POINTS + 2
    i = len(curve) // 3
    want = sk_counts(y, s, curve.thresholds[i])
    assert curve.counts(i) == {k: float(v) for k, v in want.items()}


def test_nice_grid_has_round_numbers():
    g = nice_grid(0.0123, 0.9, 400)
    assert g[0] >= 0.0123
    assert g[-1] <= 0.9
    steps = np.diff(g)
    assert np.allclose(steps, steps[0])
    assert all(math.isclose(x * 1000, round(x * 1000), abs_tol=1e-6) for x in g)


def test_break_even_probability():
    assert break_even_probability({"tp": 0, "fp": -300, "fn": -5000, "tn": 300}) == pytest.approx(
        600 / 5600
    )
    assert break_even_probability({"tp": -1, "fp": -1, "fn": 0, "tn": 0}) is None


@pytest.mark.parametrize(
    ("payoff", "error", "match"),
    [
        ({"tp": "a lot"}, TypeError, "must be a number"),
        ({"tp": float("nan")}, ValueError, "finite"),
        ({"gain": 1}, ValueError, "unknown outcome"),
        ([1, 2, 3, 4], TypeError, "dict of money"),
        ({"tp": True}, TypeError, "must be a number"),
    ],
)
def test_bad_payoff(payoff, error, match):
    with pytest.raises(error, match=match):
        check_payoff(payoff)


def _brute_force(y, s, w, payoff):
    """Best value and presets by trying every distinct score (the oracle).

    Counts come from a plain comparison matrix (checked against sklearn above); ties are
    exact float ties, as in the implementation and the browser, which compute the same
    floats from the same counts.
    """
    u = np.unique(s)
    w = np.ones(len(s)) if w is None else w
    flagged = s[None, :] >= u[:, None]
    tp = (flagged & y) @ w
    fp = (flagged & ~y) @ w
    P, N = w[y].sum(), w[~y].sum()
    rows = [{"tp": a, "fp": b, "fn": P - a, "tn": N - b} for a, b in zip(tp, fp, strict=True)]
    values = np.array([value_per_100(r, payoff) for r in rows])
    j = tp / P - fp / N
    catch = u[tp / P >= 0.9]
    quiet = u[fp / N <= 0.05]
    return {
        "best": u[values == values.max()].max(),
        "balanced": u[j == j.max()].max(),
        "catch_more": catch.max() if len(catch) else u[0],
        "fewer_false_alarms": quiet.min() if len(quiet) else u[-1],
        "values": dict(zip(u, values, strict=True)),
    }


payoffs = st.fixed_dictionaries(
    {k: st.integers(-50, 50).map(float) for k in ("tp", "fp", "fn", "tn")}
)


@settings(max_examples=200, deadline=None)
@given(labelled, payoffs, st.booleans())
def test_exact_optimum_without_a_full_merge(data, payoff, weighted):
    """best_threshold and the presets equal a brute-force search over every distinct score."""
    y, s, w = data
    w = (w + 1.0).round() if weighted else None
    ss = ScoreSet.from_arrays(y, s, w)
    oracle = _brute_force(y, s, w, payoff)
    best = ss.best_threshold(payoff)
    # the same value as the true maximum (a tie with equal value is also correct)...
    assert oracle["values"][best] == pytest.approx(max(oracle["values"].values()), abs=1e-9)
    # ...and ties go to the highest threshold
    assert best == oracle["best"]
    presets = ss.presets()
    assert presets["balanced"] == oracle["balanced"]
    assert presets["catch_more"] == oracle["catch_more"]
    assert presets["fewer_false_alarms"] == oracle["fewer_false_alarms"]


def test_money_and_frequencies_round_halves_up_like_the_browser():
    from explainwidgets.core.text import format_money, in_hundred

    assert format_money(1845) == "$1,850"
    assert format_money(-1845) == "\u2212$1,850"
    assert in_hundred(0.125) == "13 in 100"
    assert in_hundred(0.996) == "more than 99 in 100"
    assert in_hundred(0.004) == "4 in 1,000"
