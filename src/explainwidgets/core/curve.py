"""The threshold curve: exact (weighted) confusion counts at any threshold.

A case is *flagged* when ``score >= threshold``. Positives and negatives are sorted
separately once; the counts at any threshold are then one ``searchsorted`` each
(see BENCHMARKS.md). Best value and presets are exact over every distinct score without
merging all of them (see :meth:`ScoreSet.candidates`).

:class:`ThresholdCurve` is the compact summary the browser receives: cumulative
counts at no more than about a thousand thresholds, exact at each.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from explainwidgets.core.frequencies import OUTCOME_ORDER, per_100, value_per_100

OUTCOMES = OUTCOME_ORDER

#: Largest number of thresholds sent to the browser (plus a few named points).
MAX_POINTS = 1000
#: "Catch more" preset: the highest threshold that still catches this share of positives.
CATCH_MORE_SHARE = 0.9
#: "Fewer false alarms" preset: the lowest threshold that flags at most this share of negatives.
FEWER_FALSE_ALARMS_SHARE = 0.05


@dataclass(frozen=True)
class ScoreSet:
    """Scores of positives and negatives, each sorted, with weights summed from the top.

    ``pos_above[i]`` is the total weight of ``pos[i:]`` (so ``pos_above[len(pos)] == 0``).
    """

    pos: NDArray[np.float64]
    neg: NDArray[np.float64]
    pos_above: NDArray[np.float64]
    neg_above: NDArray[np.float64]
    weighted: bool
    n_pos: int
    n_neg: int

    @classmethod
    def from_arrays(
        cls,
        is_pos: ArrayLike,
        scores: ArrayLike,
        sample_weight: ArrayLike | None = None,
    ) -> ScoreSet:
        """Build from a boolean "is positive" array and scores (already validated)."""
        is_pos_a = np.asarray(is_pos, dtype=bool)
        s = np.asarray(scores, dtype=np.float64)
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        pos, pos_w = _sorted_with_weights(s[is_pos_a], None if w is None else w[is_pos_a])
        neg, neg_w = _sorted_with_weights(s[~is_pos_a], None if w is None else w[~is_pos_a])
        return cls(
            pos=pos,
            neg=neg,
            pos_above=_sum_from_top(pos_w, len(pos)),
            neg_above=_sum_from_top(neg_w, len(neg)),
            weighted=w is not None,
            n_pos=len(pos),
            n_neg=len(neg),
        )

    @property
    def total_pos(self) -> float:
        return float(self.pos_above[0])

    @property
    def total_neg(self) -> float:
        return float(self.neg_above[0])

    @property
    def score_min(self) -> float:
        return float(
            min(self.pos[0] if self.n_pos else np.inf, self.neg[0] if self.n_neg else np.inf)
        )

    @property
    def score_max(self) -> float:
        return float(
            max(self.pos[-1] if self.n_pos else -np.inf, self.neg[-1] if self.n_neg else -np.inf)
        )

    def flagged(self, thresholds: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Weight of positives and of negatives with ``score >= t``, for each t."""
        t = np.asarray(thresholds, dtype=np.float64)
        tp = self.pos_above[np.searchsorted(self.pos, t, side="left")]
        fp = self.neg_above[np.searchsorted(self.neg, t, side="left")]
        return tp, fp

    def flagged_cases(self, thresholds: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Number of positive and negative *cases* (unweighted) with ``score >= t``."""
        t = np.asarray(thresholds, dtype=np.float64)
        tp = self.n_pos - np.searchsorted(self.pos, t, side="left")
        fp = self.n_neg - np.searchsorted(self.neg, t, side="left")
        return tp.astype(np.int64), fp.astype(np.int64)

    def counts_at(self, threshold: float) -> dict[str, float]:
        """Exact (weighted) confusion counts at one threshold: tp, fp, fn, tn."""
        tp, fp = self.flagged([threshold])
        tpf, fpf = float(tp[0]), float(fp[0])
        return {
            "tp": tpf,
            "fp": fpf,
            "fn": minus(self.total_pos, tpf),
            "tn": minus(self.total_neg, fpf),
        }

    def distinct_if_few(self, limit: int) -> NDArray[np.float64] | None:
        """All distinct scores when there are at most ``limit`` of them, else None (O(n))."""
        dp, dn = _distinct_sorted(self.pos), _distinct_sorted(self.neg)
        if len(dp) + len(dn) > 2 * limit:
            return None
        u = np.union1d(dp, dn)
        return u if len(u) <= limit else None

    def rank_points(self, k: int) -> NDArray[np.float64]:
        """About ``k`` scores at evenly spaced ranks, drawn from each class in proportion to
        its size (at least a quarter from the smaller one, so its region is resolved)."""
        n = self.n_pos + self.n_neg
        k_pos = min(self.n_pos, max(k // 4, round(k * self.n_pos / n)))
        k_neg = min(self.n_neg, max(k // 4, k - k_pos))
        return np.concatenate([_at_ranks(self.pos, k_pos), _at_ranks(self.neg, k_neg)])

    def candidates(self) -> NDArray[np.float64]:
        """Every threshold at which best value, the balance point or a preset can lie.

        Between two consecutive scores of the smaller class, only cases of the larger class
        change sides as the threshold rises, each moving the value (and the balance) the
        same way: the run is monotone, so its optimum is at one of its ends — a score of the
        smaller class, or the first score of the larger class above one. With the lowest and
        highest score added, the exact maximum over all distinct scores (ties to the highest)
        is always among these, and there are at most about twice as many as cases in the
        smaller class. No merge of all n scores is needed.
        """
        small, large = (self.pos, self.neg) if self.n_pos <= self.n_neg else (self.neg, self.pos)
        ds = _distinct_sorted(small)
        j = np.searchsorted(large, ds, side="right")
        above = large[j[j < len(large)]]
        return np.unique(np.concatenate([ds, above, [self.score_min, self.score_max]]))

    def best_threshold(self, payoff: dict[str, float]) -> float:
        """The threshold (among all distinct scores) with the highest value per 100.

        Ties go to the highest such threshold (flag fewer); the browser breaks ties the
        same way, so its best point on the grid is this one.
        """
        c = self.candidates()
        tp, fp = self.flagged(c)
        values = _values(tp, fp, self.total_pos, self.total_neg, payoff)
        return float(c[len(c) - 1 - int(np.argmax(values[::-1]))])

    def presets(self) -> dict[str, float]:
        """Named thresholds, exact over all distinct scores (see ThresholdExplorer docs).

        ``catch_more``: the highest score that still flags at least
        :data:`CATCH_MORE_SHARE` of the positives' weight; ``fewer_false_alarms``: the lowest
        score that flags at most :data:`FEWER_FALSE_ALARMS_SHARE` of the negatives' weight;
        ``balanced``: the highest score with the largest (share of positives flagged minus
        share of negatives flagged).
        """
        c = self.candidates()
        tp, fp = self.flagged(c)
        j = tp / self.total_pos - fp / self.total_neg
        return {
            "catch_more": self._catch_more(),
            "fewer_false_alarms": self._fewer_false_alarms(),
            "balanced": float(c[len(c) - 1 - int(np.argmax(j[::-1]))]),
        }

    def _catch_more(self) -> float:
        # tp(t) = pos_above[searchsorted(pos, t)] falls as t rises; the highest distinct
        # score keeping tp/P >= share is pos[i*], i* the last index that still qualifies.
        ok = np.flatnonzero(self.pos_above[: self.n_pos] / self.total_pos >= CATCH_MORE_SHARE)
        return float(self.pos[ok[-1]]) if len(ok) else self.score_min

    def _fewer_false_alarms(self) -> float:
        # fp(t) = neg_above[searchsorted(neg, t)]; the first index j* that qualifies means
        # t must be above neg[j*-1]: the lowest distinct score there, from either class.
        ok = np.flatnonzero(self.neg_above / self.total_neg <= FEWER_FALSE_ALARMS_SHARE)
        j = int(ok[0])
        if j == 0:
            return self.score_min
        floor = self.neg[j - 1]
        options = [
            arr[i]
            for arr in (self.pos, self.neg)
            if (i := int(np.searchsorted(arr, floor, side="right"))) < len(arr)
        ]
        return float(min(options)) if options else self.score_max


def _distinct_sorted(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """Distinct values of an already sorted array, in O(n)."""
    if len(a) == 0:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _at_ranks(a: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    if k <= 0 or len(a) == 0:
        return a[:0]
    return a[np.linspace(0, len(a) - 1, k).round().astype(np.int64)]


def minus(total: float, part: float) -> float:
    """total − part, but exactly 0 when the part is the whole (guards float dust); the
    browser's ``minus`` in curve.js does the same."""
    d = total - part
    return 0.0 if abs(d) <= 1e-12 * max(abs(total), 1.0) else d


def _values(
    tp: NDArray[np.float64],
    fp: NDArray[np.float64],
    total_pos: float,
    total_neg: float,
    payoff: dict[str, float],
) -> NDArray[np.float64]:
    # Same operations in the same order as frequencies.value_per_100 and the browser's
    # valuePer100, so all three agree to the last bit (and break ties alike).
    fn = _minus_many(total_pos, tp)
    tn = _minus_many(total_neg, fp)
    total = tp + fp + fn + tn
    money = payoff["tp"] * tp + payoff["fp"] * fp + payoff["fn"] * fn + payoff["tn"] * tn
    return np.asarray(money / total * 100, dtype=np.float64)


def _minus_many(total: float, part: NDArray[np.float64]) -> NDArray[np.float64]:
    d = total - part
    return np.where(np.abs(d) <= 1e-12 * max(abs(total), 1.0), 0.0, d)


def _sorted_with_weights(
    s: NDArray[np.float64], w: NDArray[np.float64] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    if w is None:
        return np.sort(s), None
    order = np.argsort(s, kind="stable")
    return s[order], w[order]


def _sum_from_top(w: NDArray[np.float64] | None, n: int) -> NDArray[np.float64]:
    """``out[i] = sum(w[i:])``; ``out[n] = 0``. Unweighted: ``n - i`` exactly."""
    if w is None:
        return np.arange(n, -1, -1, dtype=np.float64)
    out = np.zeros(n + 1, dtype=np.float64)
    out[:n] = np.cumsum(w[::-1])[::-1]
    return out


def nice_grid(lo: float, hi: float, max_points: int) -> NDArray[np.float64]:
    """Round-numbered thresholds between lo and hi (step 1, 2 or 5 times a power of ten)."""
    span = hi - lo
    if not (hi > lo and math.isfinite(span) and span / max_points > 1e-300):
        # Empty, overflowing (±1e308) or subnormal ranges: rank points alone serve.
        return np.asarray([lo], dtype=np.float64)
    raw = span / max_points
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    decimals = max(0, -math.floor(math.log10(step)) + 1)
    start = math.ceil(lo / step)
    stop = math.floor(hi / step)
    grid = np.round(np.arange(start, stop + 1, dtype=np.float64) * step, decimals)
    return grid[(grid >= lo) & (grid <= hi)]


@dataclass(frozen=True)
class ThresholdCurve:
    """Exact counts at a set of thresholds (ascending): what the browser receives."""

    thresholds: NDArray[np.float64]
    tp: NDArray[np.float64]
    fp: NDArray[np.float64]
    total_pos: float
    total_neg: float
    tp_cases: NDArray[np.int64]
    fp_cases: NDArray[np.int64]
    n_pos: int
    n_neg: int
    weighted: bool

    def __len__(self) -> int:
        return len(self.thresholds)

    def index_of(self, threshold: float) -> int:
        i = int(np.searchsorted(self.thresholds, threshold))
        if i >= len(self.thresholds) or self.thresholds[i] != threshold:
            raise KeyError(threshold)
        return i

    def counts(self, i: int) -> dict[str, float]:
        tp, fp = float(self.tp[i]), float(self.fp[i])
        return {
            "tp": tp,
            "fp": fp,
            "fn": minus(self.total_pos, tp),
            "tn": minus(self.total_neg, fp),
        }

    def per_100(self, i: int) -> dict[str, int]:
        return per_100(self.counts(i))

    def value_per_100(self, i: int, payoff: dict[str, float]) -> float:
        return value_per_100(self.counts(i), payoff)

    def to_state(self, encode: Callable[[NDArray[Any]], Any]) -> dict[str, Any]:
        """The dict the browser reads (``readCurve`` in js/src/shared/curve.js), each array
        passed through ``encode``: float64 bytes for the widget, lists for JSON."""
        state: dict[str, Any] = {
            "thresholds": encode(self.thresholds),
            "tp": encode(self.tp),
            "fp": encode(self.fp),
            "total_pos": self.total_pos,
            "total_neg": self.total_neg,
            "n_pos": self.n_pos,
            "n_neg": self.n_neg,
            "weighted": self.weighted,
        }
        if self.weighted:
            state["tp_cases"] = encode(self.tp_cases)
            state["fp_cases"] = encode(self.fp_cases)
        return state

    def values_per_100(self, payoff: dict[str, float]) -> NDArray[np.float64]:
        """Money per 100 cases at every threshold (same arithmetic as value_per_100)."""
        return _values(self.tp, self.fp, self.total_pos, self.total_neg, payoff)

    def with_thresholds(self, scores: ScoreSet, extra: ArrayLike) -> ThresholdCurve:
        """A copy that also holds the given thresholds (exact counts at each)."""
        return _curve_at(scores, np.union1d(self.thresholds, np.asarray(extra, dtype=np.float64)))


def _curve_at(scores: ScoreSet, thresholds: NDArray[np.float64]) -> ThresholdCurve:
    t = np.unique(np.asarray(thresholds, dtype=np.float64))
    tp, fp = scores.flagged(t)
    tpc, fpc = scores.flagged_cases(t)
    return ThresholdCurve(
        thresholds=t,
        tp=tp,
        fp=fp,
        total_pos=scores.total_pos,
        total_neg=scores.total_neg,
        tp_cases=tpc,
        fp_cases=fpc,
        n_pos=scores.n_pos,
        n_neg=scores.n_neg,
        weighted=scores.weighted,
    )


def build_curve(
    scores: ScoreSet,
    *,
    max_points: int = MAX_POINTS,
    extra: ArrayLike = (),
) -> ThresholdCurve:
    """The thresholds a person can pick, with exact counts at each.

    With at most ``max_points`` distinct scores, every distinct score is a threshold.
    Otherwise: round-numbered thresholds across the score range (about 60 %) plus
    thresholds at evenly spaced ranks of the scores (the rest), so both dense and
    sparse regions are reachable. ``extra`` thresholds (presets, the best, one set
    from Python) are always included. The minimum and maximum score always are.
    """
    lo, hi = scores.score_min, scores.score_max
    few = scores.distinct_if_few(max_points)
    if few is not None:
        grid = few
    else:
        nice = nice_grid(lo, hi, int(max_points * 0.6))
        grid = np.concatenate([nice, scores.rank_points(max_points - len(nice))])
    extra_a = np.asarray(extra, dtype=np.float64).ravel()
    grid = np.concatenate([grid, extra_a, [lo, hi]])
    return _curve_at(scores, grid)
