"""How sure are we about one probability? Measured, then placed on a spectrum.

For each case three things are measured, then a documented rule places the case on the
spectrum ``LEVELS`` (from "Certain" to "Highly speculative"):

1. **Range** (:func:`bootstrap_probabilities`): refit a clone of the model on bootstrap
   resamples of the training data and read the spread of its probability for the case.
   The stated range is the central ``coverage`` share of those refits (percentile bootstrap),
   widened, if needed, to contain the model's own estimate.
2. **Data support** (:class:`SupportModel`): how many past cases look like this one
   (a Gower-style distance: numeric columns compared by their rank among the training values,
   categories by equality, "missing" as its own value), compared with how many look-alikes a
   typical past case has; plus features outside anything seen in training, said by name.
3. **Calibration** (:func:`calibration_check`): on held-out data (a calibration set, or the
   out-of-bag cases of the bootstrap refits), did the cases the model scored near this one
   turn out positive about as often as the scores said?

The placement rule (:func:`place`): each measurement gives a step from 0 ("Certain") to 4
("Highly speculative"); the level is the **largest** step, i.e. the weakest measurement
decides. The steps are, in points out of 100:

=======================  ===========  ============  ============  ==============  ==========
measurement              0            1             2             3               4
=======================  ===========  ============  ============  ==============  ==========
range width (hi - lo)    < 5          < 10          < 20          < 40            >= 40
range odds ratio [1]_    <= 2.5       <= 4          <= 8          <= 20           > 20
look-alikes vs typical   >= 1/4       >= 1/10       >= 1/40       < 1/40          --
outside training data    --           --            --            value beyond    far beyond [2]_,
                                                                  the range, or   or a category
                                                                  unseen missing  never seen
calibration              held up      somewhat off  off           --              --
                                      or too few
                                      cases to tell
=======================  ===========  ============  ============  ==============  ==========

.. [1] odds(hi) / odds(lo), only when hi >= 2 in 100 and lo <= 98 in 100 (so 1 in 10,000
   versus 1 in 1,000 does not count as a wide range: both are "almost never"; the same for
   "almost always"), and with probabilities below 1 in 100 counted as 1 in 100 (above 99 in
   100 as 99 in 100): "0 to 3 in 100" is a factor 3, not infinity.
.. [2] more than a quarter of the training range beyond the largest (or smallest) value seen.

Nothing here imports Jupyter or widgets; numpy and scikit-learn only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The spectrum, ordered from most to least sure.
LEVELS: tuple[str, ...] = ("Certain", "Confident", "Tentative", "Speculative", "Highly speculative")

#: Calibrated likelihood words (IPCC AR6 scale, made exclusive): upper bound in 100 -> word.
LIKELIHOOD_WORDS: tuple[tuple[float, str], ...] = (
    (1.0, "exceptionally unlikely"),
    (10.0, "very unlikely"),
    (33.0, "unlikely"),
    (66.0, "about as likely as not"),
    (90.0, "likely"),
    (99.0, "very likely"),
    (math.inf, "virtually certain"),
)

WIDTH_STEPS = (5.0, 10.0, 20.0, 40.0)  # points out of 100
ODDS_RATIO_STEPS = (2.5, 4.0, 8.0, 20.0)
ODDS_RATIO_MIN_HI = 0.02
ODDS_RATIO_FLOOR = 0.01  # below 1 in 100 counts as 1 in 100 in the odds ratio (above 99: 99)
SUPPORT_STEPS = (1 / 4, 1 / 10, 1 / 40)  # look-alikes / typical look-alikes
FAR_BEYOND = 0.25  # share of the training range beyond the extreme value that counts as "far"
MIN_RESAMPLES = 20


def level_name(level: str | int) -> str:
    """The canonical level name for a name (any case) or index; a clear error otherwise."""
    if isinstance(level, numbers.Integral) and not isinstance(level, bool):
        if 0 <= int(level) < len(LEVELS):
            return LEVELS[int(level)]
        raise ValueError(f"level index must be 0..{len(LEVELS) - 1}; got {level}")
    if isinstance(level, str):
        key = " ".join(level.replace("_", " ").replace("-", " ").split()).lower()
        for name in LEVELS:
            if name.lower() == key:
                return name
    raise ValueError(f"unknown level {level!r}; use one of {list(LEVELS)}")


# --------------------------------------------------------------------------- words and numbers


def round_half_up(x: float) -> int:
    """Round like JavaScript's Math.round (halves up), so Python and the browser agree."""
    return math.floor(x + 0.5)


def likelihood_word(p: float) -> str:
    """The calibrated word for a probability: 0.15 -> "unlikely"."""
    pct = p * 100
    for upper, word in LIKELIHOOD_WORDS:
        if pct < upper:
            return word
    return LIKELIHOOD_WORDS[-1][1]


def in_hundred(p: float) -> str:
    """A probability as a natural frequency (same as format.js inHundred)."""
    if 0 < p < 0.01:
        return f"{max(1, round_half_up(p * 1000)):,} in 1,000"
    return f"{round_half_up(p * 100):,} in 100"


@dataclass(frozen=True)
class HonestNumbers:
    """An estimate and range rounded to what the range supports.

    ``per`` is 100 or 1,000; ``estimate``, ``lo``, ``hi`` are whole numbers per ``per``
    (lo rounded down, hi rounded up, so rounding never narrows the range).
    """

    per: int
    step: int
    estimate: int
    lo: int
    hi: int

    @property
    def per_text(self) -> str:
        return f"{self.per:,}"

    @property
    def range_text(self) -> str:
        if self.lo == self.hi:
            return f"{self.lo:,} in {self.per_text}"
        return f"{self.lo:,} to {self.hi:,} in {self.per_text}"

    @property
    def estimate_text(self) -> str:
        if self.estimate == 0:
            return f"fewer than {self.step:,} in {self.per_text}"
        if self.estimate == self.per:
            return f"more than {self.per - self.step:,} in {self.per_text}"
        return f"{self.estimate:,} in {self.per_text}"

    def text(self, p: float) -> str:
        """Another probability in the same unit and step (e.g. a band's average)."""
        v = round_half_up(p * self.per / self.step) * self.step
        if v == 0 and p > 0:
            return f"fewer than {self.step:,} in {self.per_text}"
        return f"{v:,} in {self.per_text}"


def honest_numbers(estimate: float, lo: float, hi: float) -> HonestNumbers:
    """Round to a step no finer than a quarter of the range's width.

    Steps (points out of 100): 10, 5, 1; below that, per 1,000: 5, 1 in 1,000.
    A range 11-19 in 100 gives whole numbers per 100; 5-35 rounds to fives; 14.6-15.9
    becomes "146 to 159 in 1,000". Very low probabilities switch to per 1,000 as well.
    """
    width = (hi - lo) * 100
    per, step = 100, 1
    for s in (10, 5, 1):
        if s <= width / 4:
            step = s
            break
    else:
        if width / 4 < 1:
            per, step = 1000, 5 if width * 10 / 4 >= 5 else 1
    if per == 100 and step == 1 and hi < 0.1 and width < 4:
        per = 1000
        step = 5 if width * 10 / 4 >= 5 else 1
    scale = per / step
    lo_r = int(math.floor(lo * scale + 1e-9) * step)
    hi_r = int(math.ceil(hi * scale - 1e-9) * step)
    if hi > 0 and hi_r == 0:
        hi_r = step  # "0 to 1 in 1,000", never a range of exactly zero
    if lo < 1 and lo_r == per:
        lo_r = per - step
    return HonestNumbers(
        per=per,
        step=step,
        estimate=int(round_half_up(estimate * scale) * step),
        lo=lo_r,
        hi=hi_r,
    )


# --------------------------------------------------------------------------- the range


@dataclass(frozen=True)
class RangeStep:
    step: int
    width: float  # points out of 100
    odds_ratio: float | None


def range_step(lo: float, hi: float) -> RangeStep:
    """Step 0..4 for a range of probabilities (see the module table)."""
    if not (0.0 <= lo <= hi <= 1.0):
        raise ValueError(f"a range of probabilities needs 0 <= lo <= hi <= 1; got {lo}, {hi}")
    width = (hi - lo) * 100
    step = sum(width >= t for t in WIDTH_STEPS)
    ratio = None
    if hi >= ODDS_RATIO_MIN_HI and lo <= 1 - ODDS_RATIO_MIN_HI:
        floor = ODDS_RATIO_FLOOR
        lo_c, hi_c = min(max(lo, floor), 1 - floor), min(max(hi, floor), 1 - floor)
        ratio = (hi_c / (1 - hi_c)) / (lo_c / (1 - lo_c))
        step = max(step, sum(ratio > t for t in ODDS_RATIO_STEPS))
    return RangeStep(int(step), float(width), None if ratio is None else float(ratio))


def _fit_predict(
    estimator: Any,
    X: Any,
    y: NDArray[Any],
    codes: NDArray[np.intp],
    seed: int,
    X_cases: Any,
    pos_index: int,
    oob: bool,
) -> tuple[NDArray[np.float64], NDArray[np.intp] | None, NDArray[np.float64] | None]:
    from sklearn.base import clone

    idx = bootstrap_sample(codes, seed)  # drawn here: nothing of size n_resamples x n is kept
    model = clone(estimator)
    model.fit(take_rows(X, idx), y[idx])
    pos_col = _pos_column(model, pos_index, estimator)
    p_cases = np.asarray(model.predict_proba(X_cases), dtype=np.float64)[:, pos_col]
    if not oob:
        return p_cases, None, None
    mask = np.ones(len(y), dtype=bool)
    mask[idx] = False
    out = np.flatnonzero(mask)
    if len(out) == 0:
        return p_cases, out, np.zeros(0)
    p_out = np.asarray(model.predict_proba(take_rows(X, out)), dtype=np.float64)[:, pos_col]
    return p_cases, out, p_out


def _pos_column(model: Any, pos_index: int, original: Any) -> int:
    # a refit on a resample holding both classes has the same classes_ as the original
    classes = np.asarray(model.classes_)
    want = np.asarray(original.classes_)[pos_index]
    hits = np.flatnonzero(classes == want)
    return int(hits[0]) if len(hits) else pos_index


def take_rows(X: Any, idx: NDArray[np.intp]) -> Any:
    """Rows of a DataFrame, array or list of rows."""
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    return np.asarray(X)[idx]


def bootstrap_sample(codes: NDArray[np.intp], seed: int) -> NDArray[np.intp]:
    """One plain bootstrap resample (with replacement), redrawn until both classes appear twice.

    Plain rather than stratified: the share of positives varies from sample to sample,
    and that variation is part of the uncertainty of a probability. ``codes`` are the class
    of each training row as 0 or 1.
    """
    rng = np.random.default_rng(seed)
    n = len(codes)
    for _attempt in range(100):
        idx = rng.integers(0, n, n)
        counts = np.bincount(codes[idx], minlength=2)
        if counts.min() >= 2:
            return idx
    raise ValueError(
        "bootstrap resamples keep missing one of the two classes: there are too few "
        "positive (or negative) cases in the training data to measure a range"
    )


@dataclass(frozen=True)
class BootstrapResult:
    """Probabilities of each case under each refit, plus out-of-bag held-out scores."""

    probabilities: NDArray[np.float64]  # (n_resamples, n_cases)
    oob_score: NDArray[np.float64]  # (n_train,), NaN where a row was never out of bag
    oob_count: NDArray[np.int64]

    def interval(self, coverage: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        a = (1 - coverage) / 2
        lo, hi = np.quantile(self.probabilities, [a, 1 - a], axis=0)
        return lo, hi


def bootstrap_probabilities(
    estimator: Any,
    X: Any,
    y: ArrayLike,
    X_cases: Any,
    *,
    pos_index: int,
    n_resamples: int = 200,
    random_state: Any = None,
    n_jobs: int | None = None,
    oob: bool = True,
    progress: Callable[[int], Any] | None = None,
) -> BootstrapResult:
    """Refit clones of ``estimator`` on bootstrap resamples; probabilities for the cases.

    ``pos_index`` is the column of ``predict_proba`` for the positive class.
    ``progress(k)`` is called with the number of refits just finished (for a progress bar).
    Results do not depend on ``n_jobs``: each resample has its own seed, drawn up front
    from ``random_state``.
    """
    n_resamples = check_n_resamples(n_resamples)
    y_arr = np.asarray(y)
    seeds = [int(x) for x in np.random.default_rng(random_state).integers(0, 2**63, n_resamples)]
    codes = np.unique(y_arr, return_inverse=True)[1].ravel()
    n_cases = _num_rows(X_cases)
    probs = np.empty((n_resamples, n_cases), dtype=np.float64)
    oob_sum = np.zeros(len(y_arr))
    oob_cnt = np.zeros(len(y_arr), dtype=np.int64)

    def collect(i: int, res: tuple[Any, Any, Any]) -> None:
        p_cases, out, p_out = res
        probs[i] = p_cases
        if out is not None:
            np.add.at(oob_sum, out, p_out)
            oob_cnt[out] += 1
        if progress is not None:
            progress(1)

    # The first refit runs here, so a model that cannot fit fails fast with its own error.
    collect(0, _fit_predict(estimator, X, y_arr, codes, seeds[0], X_cases, pos_index, oob))
    rest = seeds[1:]
    if n_jobs in (None, 1):
        for i, seed in enumerate(rest, start=1):
            collect(i, _fit_predict(estimator, X, y_arr, codes, seed, X_cases, pos_index, oob))
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=n_jobs, return_as="generator")(
            delayed(_fit_predict)(estimator, X, y_arr, codes, seed, X_cases, pos_index, oob)
            for seed in rest
        )
        for i, res in enumerate(results, start=1):
            collect(i, res)
    with np.errstate(invalid="ignore", divide="ignore"):
        oob_score = np.where(oob_cnt > 0, oob_sum / np.maximum(oob_cnt, 1), np.nan)
    if not np.all(np.isfinite(probs)):
        raise ValueError(
            "a refit model gave NaN or infinite probabilities; check the inputs for values "
            "the model cannot handle"
        )
    return BootstrapResult(probs, oob_score, oob_cnt)


def check_n_resamples(n_resamples: Any) -> int:
    if (
        isinstance(n_resamples, bool)
        or not isinstance(n_resamples, numbers.Integral)
        or n_resamples < MIN_RESAMPLES
    ):
        raise ValueError(
            f"n_resamples must be a whole number of at least {MIN_RESAMPLES} (200 or more gives "
            f"a stable range; fewer refits make the range itself unreliable); got {n_resamples!r}"
        )
    return int(n_resamples)


def _num_rows(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return len(X)


# --------------------------------------------------------------------------- data support

_MISSING = "\x00missing"


def _is_missing_scalar(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float | np.floating):
        return bool(np.isnan(v))
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is optional
        return False
    return v is pd.NA or v is pd.NaT


def table_columns(X: Any, feature_names: Sequence[str] | None = None) -> list[tuple[str, Any]]:
    """(name, values) for each column of a DataFrame, 2-D array or list of rows."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        return [(str(c), X[c]) for c in X.columns]
    arr = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
    if arr.ndim != 2:
        raise ValueError(
            f"X must be a table (rows of cases, columns of features); got shape {arr.shape}"
        )
    names = (
        list(feature_names)
        if feature_names is not None
        else [f"feature {j}" for j in range(arr.shape[1])]
    )
    if len(names) != arr.shape[1]:
        raise ValueError(f"{len(names)} feature names for {arr.shape[1]} columns")
    return [(names[j], arr[:, j]) for j in range(arr.shape[1])]


def _numeric_values(values: Any) -> NDArray[np.float64] | None:
    """Float values of a numeric column (NaN for missing), or None for a categorical one."""
    dtype = getattr(values, "dtype", None)
    if str(dtype) == "category":
        return None
    kind = getattr(dtype, "kind", "O")
    if kind in "iuf":
        if hasattr(values, "to_numpy"):  # pandas, incl. nullable Int64 / Float64
            return np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan))
        return np.asarray(values, dtype=np.float64)
    if kind != "O":  # bool, strings, pandas categories, dates: compared as categories
        return None
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(np.asarray(values, dtype=object)):
        if _is_missing_scalar(v):
            out[i] = np.nan
        elif isinstance(v, numbers.Real) and not isinstance(v, bool):
            out[i] = float(v)
        else:
            return None
    return out


def _category_values(values: Any) -> NDArray[np.object_]:
    return np.asarray(
        [_MISSING if _is_missing_scalar(v) else str(v) for v in np.asarray(values, dtype=object)],
        dtype=object,
    )


@dataclass(frozen=True)
class _NumericColumn:
    name: str
    sorted_values: NDArray[np.float64]  # non-missing training values, sorted
    missing_share: float
    lo: float
    hi: float

    def rank(self, x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Mid-rank share of training values below x (0..1); NaN stays NaN."""
        n = len(self.sorted_values)
        if n == 0:
            return np.full(len(x), np.nan)
        left = np.searchsorted(self.sorted_values, x, side="left")
        right = np.searchsorted(self.sorted_values, x, side="right")
        r = (left + right) / (2.0 * n)
        return np.where(np.isnan(x), np.nan, r)


@dataclass(frozen=True)
class _CategoryColumn:
    name: str
    seen: frozenset[str]
    missing_share: float


@dataclass(frozen=True)
class Unusual:
    """A feature of a case that lies outside the training data."""

    feature: str
    kind: str  # "above", "below", "unseen", "missing"
    far: bool
    value: Any

    def step(self) -> int:
        return 4 if (self.far or self.kind == "unseen") else 3

    def text(self, noun_plural: str) -> str:
        if self.kind in ("above", "below"):
            far = "far " if self.far else ""
            return f"{self.feature} is {far}{self.kind} anything the model has seen"
        if self.kind == "unseen":
            return (
                f"{self.feature} is {self.value!r}, which never occurs among the past "
                f"{noun_plural}: the model has no experience with it"
            )
        return f"{self.feature} is missing, which never happened among the past {noun_plural}"


@dataclass(frozen=True)
class Support:
    """How much past data resembles one case."""

    look_alikes: float
    typical: float
    n_train: int
    unusual: tuple[Unusual, ...] = ()

    @property
    def ratio(self) -> float:
        return self.look_alikes / self.typical if self.typical > 0 else 0.0

    def step(self) -> int:
        s = sum(self.ratio < t for t in SUPPORT_STEPS)
        for u in self.unusual:
            s = max(s, u.step())
        return int(s)


class SupportModel:
    """Counts past cases that look like a new one (Gower-style distance).

    Per feature the distance between two cases is in [0, 1]: numeric features by the
    difference of their ranks among the training values, categories 0 if equal else 1,
    missing versus present 1, missing versus missing 0. Two cases *look alike* when the mean
    distance is at most ``radius``: the median, over a sample of training cases, of the
    distance to their ``k``-th nearest neighbour (``k`` about 1 % of the training set, at
    least 5). So a typical past case has about ``k`` look-alikes; ``typical`` is the
    measured median.
    """

    def __init__(
        self,
        X_train: Any,
        *,
        feature_names: Sequence[str] | None = None,
        max_rows: int = 20_000,
        n_reference: int = 300,
        random_state: Any = 0,
    ) -> None:
        cols = table_columns(X_train, feature_names)
        if not cols:
            raise ValueError("X_train has no columns")
        self.names = [name for name, _ in cols]
        self.n_train = len(cols[0][1])
        if self.n_train < 2:
            raise ValueError("X_train needs at least 2 rows to measure data support")
        rng = np.random.default_rng(random_state)
        keep = (
            np.sort(rng.choice(self.n_train, max_rows, replace=False))
            if self.n_train > max_rows
            else np.arange(self.n_train)
        )
        self._scale = self.n_train / len(keep)
        self.columns: list[_NumericColumn | _CategoryColumn] = []
        self._train: list[NDArray[Any]] = []
        for name, values in cols:
            num = _numeric_values(values)
            if num is not None:
                ok = num[~np.isnan(num)]
                s = np.sort(ok)
                ncol = _NumericColumn(
                    name,
                    s,
                    float(np.isnan(num).mean()),
                    float(s[0]) if len(s) else np.nan,
                    float(s[-1]) if len(s) else np.nan,
                )
                self._train.append(ncol.rank(num[keep]))
                col: _NumericColumn | _CategoryColumn = ncol
            else:
                cat = _category_values(values)
                col = _CategoryColumn(
                    name,
                    frozenset(str(c) for c in cat if c != _MISSING),
                    float(np.mean(cat == _MISSING)),
                )
                self._train.append(cat[keep])
            self.columns.append(col)
        n_keep = len(keep)
        self.k = max(5, math.ceil(0.01 * n_keep))
        ref = rng.choice(n_keep, min(n_reference, n_keep), replace=False)
        d = self._distances([t[ref] for t in self._train])
        d[np.arange(len(ref)), ref] = np.inf  # a case is not its own look-alike
        kth = np.partition(d, min(self.k, n_keep - 1) - 1, axis=1)[:, min(self.k, n_keep - 1) - 1]
        self.radius = float(np.median(kth))
        self.typical = float(np.median((d <= self.radius + 1e-12).sum(axis=1))) * self._scale

    def _encode(self, X: Any) -> list[NDArray[Any]]:
        cols = dict(table_columns(X, self.names if not hasattr(X, "columns") else None))
        out: list[NDArray[Any]] = []
        for col in self.columns:
            values = cols[col.name]
            if isinstance(col, _NumericColumn):
                num = _numeric_values(values)
                if num is None:
                    raise ValueError(
                        f"column {col.name!r} held numbers in training but not in the cases; "
                        "give the cases the same kind of values"
                    )
                out.append(num)
            else:
                out.append(_category_values(values))
        return out

    def _distances(self, enc: list[NDArray[Any]]) -> NDArray[np.float64]:
        """Mean per-feature distance between encoded cases (rows) and training rows."""
        n_cases = len(enc[0])
        total = np.zeros((n_cases, len(self._train[0])), dtype=np.float64)
        for col, train, case in zip(self.columns, self._train, enc, strict=True):
            if isinstance(col, _NumericColumn):
                a = case[:, None]
                b = train[None, :]
                d = np.abs(a - b)
                miss_a, miss_b = np.isnan(a), np.isnan(b)
                d = np.where(miss_a | miss_b, np.where(miss_a & miss_b, 0.0, 1.0), d)
            else:
                d = (case[:, None] != train[None, :]).astype(np.float64)
            total += d
        return total / len(self.columns)

    def support(self, X_cases: Any) -> list[Support]:
        """Look-alike counts and out-of-range features for each case."""
        raw = self._encode(X_cases)
        enc = [
            col.rank(r) if isinstance(col, _NumericColumn) else r
            for col, r in zip(self.columns, raw, strict=True)
        ]
        n_cases = len(enc[0])
        counts = np.zeros(n_cases)
        for start in range(0, n_cases, 256):
            block = [e[start : start + 256] for e in enc]
            d = self._distances(block)
            counts[start : start + 256] = (d <= self.radius + 1e-12).sum(axis=1) * self._scale
        out = []
        for i in range(n_cases):
            unusual = []
            for col, r in zip(self.columns, raw, strict=True):
                u = _unusual(col, r[i])
                if u is not None:
                    unusual.append(u)
            out.append(Support(float(counts[i]), self.typical, self.n_train, tuple(unusual)))
        return out


def _unusual(col: _NumericColumn | _CategoryColumn, v: Any) -> Unusual | None:
    if isinstance(col, _NumericColumn):
        if np.isnan(v):
            return Unusual(col.name, "missing", False, None) if col.missing_share == 0 else None
        if not len(col.sorted_values):
            return None
        span = max(col.hi - col.lo, 1e-12)
        if v > col.hi:
            return Unusual(col.name, "above", (v - col.hi) > FAR_BEYOND * span, float(v))
        if v < col.lo:
            return Unusual(col.name, "below", (col.lo - v) > FAR_BEYOND * span, float(v))
        return None
    if v == _MISSING:
        return Unusual(col.name, "missing", False, None) if col.missing_share == 0 else None
    if v not in col.seen:
        return Unusual(col.name, "unseen", True, v)
    return None


# --------------------------------------------------------------------------- calibration


@dataclass(frozen=True)
class CalibrationCheck:
    """Held-out cases scored near one estimate: what the scores said versus what happened."""

    n: int
    band: tuple[float, float]
    predicted: float  # mean held-out score in the band
    observed: float  # share of positives in the band
    source: str  # "calibration set" or "out-of-bag"

    @property
    def verdict(self) -> str:
        """ "held up", "somewhat off", "off" or "too few"."""
        if self.n < 30 or not self.n * max(self.predicted, self.observed) >= 3:
            return "too few"
        gap = abs(self.observed - self.predicted)
        p = min(max(self.predicted, 1e-6), 1 - 1e-6)
        se = math.sqrt(p * (1 - p) / self.n)
        if gap <= 2 * se or gap < 0.02:
            return "held up"
        if gap <= max(0.05, 0.5 * self.predicted):
            return "somewhat off"
        return "off"

    def step(self) -> int:
        return {"held up": 0, "somewhat off": 1, "too few": 1, "off": 2}[self.verdict]


def calibration_check(
    estimate: float,
    held_out_scores: ArrayLike,
    held_out_is_pos: ArrayLike,
    *,
    source: str,
    window: tuple[float, float] | None = None,
    min_band: int = 50,
    band_share: float = 0.05,
) -> CalibrationCheck:
    """Held-out cases scored near ``estimate``: what the scores said versus what happened.

    The band is the held-out cases whose scores are nearest to the estimate (5 % of them, at
    least 50), but only those inside ``window`` (by default the estimate plus or minus
    ``max(2 in 100, a fifth of it)``; the case's range is a good window). Where scores this
    high or low are rare, the band holds few cases and the check says "too few" rather than
    borrowing cases the model scored very differently.
    """
    s = np.asarray(held_out_scores, dtype=np.float64)
    pos = np.asarray(held_out_is_pos, dtype=bool)
    ok = np.isfinite(s)
    s, pos = s[ok], pos[ok]
    if window is None:
        d = max(0.02, 0.2 * min(estimate, 1 - estimate))
        window = (estimate - d, estimate + d)
    lo, hi = min(window[0], estimate), max(window[1], estimate)
    k = int(min(len(s), max(min_band, round(band_share * len(s)))))
    inside = np.flatnonzero((s >= lo) & (s <= hi))
    if len(inside) == 0:
        return CalibrationCheck(0, (lo, hi), estimate, math.nan, source)
    if len(inside) > k:
        nearest = np.argpartition(np.abs(s[inside] - estimate), k - 1)[:k]
        inside = inside[nearest]
    return CalibrationCheck(
        n=len(inside),
        band=(float(s[inside].min()), float(s[inside].max())),
        predicted=float(s[inside].mean()),
        observed=float(pos[inside].mean()),
        source=source,
    )


# --------------------------------------------------------------------------- placement


@dataclass(frozen=True)
class Placement:
    level: int
    steps: dict[str, int]  # "range", "support", "calibration"

    @property
    def name(self) -> str:
        return LEVELS[self.level]


def place(range_s: int, support_s: int, calibration_s: int) -> Placement:
    """The placement rule: the weakest measurement decides (the largest step, capped at 4)."""
    steps = {"range": int(range_s), "support": int(support_s), "calibration": int(calibration_s)}
    for k, v in steps.items():
        if not 0 <= v <= len(LEVELS) - 1:
            raise ValueError(f"{k} step must be 0..{len(LEVELS) - 1}; got {v}")
    return Placement(max(steps.values()), steps)


# --------------------------------------------------------------------------- one case, in words


@dataclass(frozen=True)
class CaseMeasurement:
    """Everything measured for one case, and the words that explain it."""

    label: str
    estimate: float
    interval: tuple[float, float]
    coverage: float
    range_: RangeStep
    support: Support
    calibration: CalibrationCheck
    placement: Placement
    numbers: HonestNumbers
    likelihood: str
    headline: str
    reasons: tuple[str, ...] = field(default=())


def _count_text(x: float) -> str:
    if x >= 100:
        return f"{int(round(x, -1) if x < 1000 else round(x, -2)):,}"
    return f"{round_half_up(x):,}"


def describe_case(
    label: str,
    estimate: float,
    interval: tuple[float, float],
    coverage: float,
    support: Support,
    calibration: CalibrationCheck,
    *,
    noun: str = "cases",
    outcome: str = "are positive",
) -> CaseMeasurement:
    """Place one measured case and say why, in words a manager reads."""
    lo, hi = min(interval[0], estimate), max(interval[1], estimate)
    rs = range_step(lo, hi)
    placement = place(rs.step, support.step(), calibration.step())
    nums = honest_numbers(estimate, lo, hi)
    word = likelihood_word(estimate)
    est_text = nums.estimate_text
    about = est_text[0].upper() + est_text[1:] if est_text[0].isalpha() else f"About {est_text}"
    headline = f"{about} {noun} like this one {outcome} — {word}"

    reasons: list[tuple[int, str]] = []
    cov = f"{round_half_up(coverage * 100)} in 100"
    what = {
        0: "a narrow range",
        1: "a fairly narrow range",
        2: "a wide range",
        3: "a very wide range",
        4: "so wide it says little",
    }[rs.step]
    reasons.append(
        (
            rs.step,
            f"the range is {nums.range_text} ({what}): {cov} refits of the model on "
            "resampled past data fall inside it",
        )
    )
    for u in support.unusual:
        reasons.append((u.step(), u.text(noun)))
    la, typ = support.look_alikes, support.typical
    n_text = f"{support.n_train:,}"
    if la < 0.5:
        sup = f"none of the {n_text} past {noun} looks like this one"
    elif support.ratio < SUPPORT_STEPS[0]:
        verb = "looks" if _count_text(la) == "1" else "look"
        sup = (
            f"only {_count_text(la)} of {n_text} past {noun} {verb} like this one "
            f"(a typical one has about {_count_text(typ)} look-alikes)"
        )
    else:
        sup = (
            f"about {_count_text(la)} of {n_text} past {noun} look like this one "
            f"(a typical one has about {_count_text(typ)}): plenty of experience with cases like it"
        )
    reasons.append((sum(support.ratio < t for t in SUPPORT_STEPS), sup))
    c = calibration
    src = "held-out" if c.source == "calibration set" else "held-out (out-of-bag)"
    if c.verdict == "too few":
        pos = round_half_up(c.observed * c.n) if c.n else 0
        cal = (
            f"no {src} {noun} were scored this close to this one: whether such scores hold up "
            "cannot be checked"
            if c.n == 0
            else f"too few {src} {noun} were scored near this one ({c.n:,}, of whom {pos:,} "
            f"{outcome}) to check whether such scores hold up"
        )
    else:
        band = honest_numbers(c.predicted, c.band[0], c.band[1])
        said = band.text(c.predicted)
        did = band.text(c.observed)
        tail = {
            "held up": "the scores held up",
            "somewhat off": "the scores were somewhat off",
            "off": "the scores were clearly off",
        }[c.verdict]
        direction = ""
        if c.verdict != "held up":
            direction = " (too low)" if c.observed > c.predicted else " (too high)"
        cal = (
            f"of {c.n:,} {src} {noun} the model scored near this one ({band.range_text}), "
            f"it said about {said} on average and {did} did: {tail}{direction}"
        )
    reasons.append((c.step(), cal))
    reasons.sort(key=lambda r: -r[0])
    return CaseMeasurement(
        label=label,
        estimate=float(estimate),
        interval=(float(lo), float(hi)),
        coverage=float(coverage),
        range_=rs,
        support=support,
        calibration=calibration,
        placement=placement,
        numbers=nums,
        likelihood=word,
        headline=headline,
        reasons=tuple(r for _, r in reasons),
    )


# --------------------------------------------------------------------------- a decision threshold


def threshold_value(threshold: Any) -> float | None:
    """A number, or anything with ``.threshold`` and ``.is_probability`` (a ThresholdExplorer)."""
    if threshold is None:
        return None
    if hasattr(threshold, "threshold") and hasattr(threshold, "is_probability"):
        if not threshold.is_probability:
            raise ValueError(
                "the threshold explorer works on scores that are not probabilities; a range of "
                "probabilities cannot be compared with it. Build it from predict_proba scores"
            )
        threshold = threshold.threshold
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(
            "threshold must be a probability between 0 and 1 (e.g. 0.2) or a ThresholdExplorer; "
            f"got {type(threshold).__name__}"
        )
    t = float(threshold)
    if not 0.0 <= t <= 1.0:
        raise ValueError(f"threshold must be a probability between 0 and 1; got {t}")
    return t


def decision(lo: float, hi: float, threshold: float) -> str:
    """ "flag" (whole range at or above), "no flag" (whole range below) or "either"."""
    if lo >= threshold:
        return "flag"
    if hi < threshold:
        return "no flag"
    return "either"


def decision_text(lo: float, hi: float, threshold: float) -> str:
    """Same words as the browser (uncertainty_spectrum.js decisionText)."""
    t = in_hundred(threshold)
    d = decision(lo, hi, threshold)
    if d == "either":
        return f"the range crosses the decision threshold ({t}): the decision could go either way"
    if d == "flag":
        return f"the whole range is at or above the decision threshold ({t}): flagged either way"
    return f"the whole range is below the decision threshold ({t}): not flagged either way"


# --------------------------------------------------------------------------- everything at once


@dataclass(frozen=True)
class Measurements:
    """The measured summary for a set of cases (what the widget shows)."""

    cases: tuple[CaseMeasurement, ...]
    n_resamples: int
    coverage: float
    calibration_source: str
    pos_label: Any
    estimator_name: str


def _window(lo: float, hi: float, estimate: float) -> tuple[float, float]:
    """The case's range, but at least the estimate plus or minus max(1 in 100, a tenth)."""
    d = max(0.01, 0.1 * min(estimate, 1 - estimate))
    return min(lo, estimate - d), max(hi, estimate + d)


def _check_columns(X_train: Any, X_cases: Any, what: str) -> Any:
    """Cases with the training columns, in the training order; a clear error otherwise."""
    train_cols = getattr(X_train, "columns", None)
    if train_cols is None:
        n_train_cols = np.asarray(X_train, dtype=object).shape[1]
        shape = getattr(X_cases, "shape", None) or np.asarray(X_cases, dtype=object).shape
        if len(shape) != 2 or shape[1] != n_train_cols:
            raise ValueError(
                f"{what} must have the {n_train_cols} columns of X_train; got shape {tuple(shape)}"
            )
        return X_cases
    case_cols = getattr(X_cases, "columns", None)
    if case_cols is None:
        hint = (
            " For one case, select it with double brackets, e.g. X_test.loc[[1042]]"
            if hasattr(X_cases, "index") and getattr(X_cases, "ndim", 2) == 1
            else ""
        )
        raise TypeError(
            f"X_train is a table with named columns, so {what} must be one too (a DataFrame "
            f"with the columns {[str(c) for c in train_cols]}).{hint}"
        )
    missing = [str(c) for c in train_cols if c not in set(case_cols)]
    if missing:
        raise ValueError(
            f"{what} lacks column(s) {missing} that the model was trained with; add them "
            "(missing values as NaN if the model's pipeline imputes them)"
        )
    return X_cases[list(train_cols)]


def _predict_proba(estimator: Any, X: Any, what: str) -> NDArray[np.float64]:
    try:
        return np.asarray(estimator.predict_proba(X), dtype=np.float64)
    except ValueError as exc:
        if "NaN" in str(exc) or "missing" in str(exc).lower():
            from explainwidgets._sklearn import estimator_name

            raise ValueError(
                f"{what} has missing values (NaN) in {_nan_columns(X)} and "
                f"{estimator_name(estimator)} cannot handle them. Put an imputer in front of "
                "the model (a Pipeline with SimpleImputer), or fill the gaps before asking"
            ) from None
        raise


def _nan_columns(X: Any) -> list[str]:
    out = []
    for name, values in table_columns(X):
        num = _numeric_values(values)
        if (num is not None and np.isnan(num).any()) or (
            num is None and any(_is_missing_scalar(v) for v in np.asarray(values, dtype=object))
        ):
            out.append(name)
    return out


def measure(
    estimator: Any,
    X_train: Any,
    y_train: ArrayLike,
    X_cases: Any,
    *,
    pos_label: Any = None,
    n_resamples: int = 200,
    coverage: float = 0.9,
    random_state: Any = None,
    n_jobs: int | None = None,
    X_calib: Any = None,
    y_calib: ArrayLike | None = None,
    labels: Sequence[str] | None = None,
    noun: str = "cases",
    outcome: str | None = None,
    progress: Callable[[int], Any] | None = None,
    caller: str = "measure",
) -> Measurements:
    """Measure range, data support and calibration for each case, and place it.

    ``estimator`` must be a fitted classifier with ``predict_proba`` (Pipelines welcome).
    Held-out scores for the calibration check come from ``X_calib, y_calib`` when given,
    otherwise from the out-of-bag cases of the bootstrap refits.
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    from explainwidgets._sklearn import (
        _column_values,
        _same_label,
        check_classifier,
        estimator_name,
        resolve_pos_label,
    )

    check_classifier(estimator, caller)
    if not hasattr(estimator, "predict_proba"):
        raise TypeError(
            f"{estimator_name(estimator)} gives no probabilities (no predict_proba); wrap it "
            "in sklearn.calibration.CalibratedClassifierCV to get some"
        )
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise NotFittedError(
            f"{estimator_name(estimator)} is not fitted yet: fit it on the training data first "
            "(the spectrum measures a fitted model's probabilities)"
        ) from None
    n_resamples = check_n_resamples(n_resamples)
    if (
        isinstance(coverage, bool)
        or not isinstance(coverage, numbers.Real)
        or not (0.5 <= coverage < 1)
    ):
        raise ValueError(f"coverage must be a share between 0.5 and 1 (e.g. 0.9); got {coverage!r}")
    y = _column_values(y_train, "y_train")
    n = _num_rows(X_train)
    if n != len(y):
        raise ValueError(
            f"X_train has {n} rows but y_train has {len(y)} labels; pass the same cases"
        )
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y_train contains NaN; every training case needs a known outcome")
    X_cases = _check_columns(X_train, X_cases, "X_cases")
    n_cases = _num_rows(X_cases)
    if n_cases == 0:
        raise ValueError("X_cases is empty: pass the case(s) to place on the spectrum")
    classes = np.asarray(estimator.classes_)
    if len(classes) != 2:
        raise ValueError(
            f"the model knows {len(classes)} classes; the spectrum places yes/no probabilities. "
            "Fit a 'this class versus the rest' model"
        )
    label = resolve_pos_label(classes, pos_label, from_estimator=True)
    pos_index = next(i for i, c in enumerate(classes) if _same_label(label, c))
    present, counts = np.unique(y, return_counts=True)
    if len(present) < 2:
        raise ValueError(
            "y_train has only one class: a model cannot be refitted on it. Pass the training data"
        )
    if counts.min() < 5:
        rare = present[int(np.argmin(counts))]
        raise ValueError(
            f"y_train has only {int(counts.min())} case(s) of {rare!r}: too few to refit the model "
            "on resamples and measure a range. Pass more training data"
        )
    p_cases = _predict_proba(estimator, X_cases, "X_cases")[:, pos_index]
    if not np.all(np.isfinite(p_cases)):
        raise ValueError("the model gave NaN probabilities for some cases; check their inputs")
    nan_cols = _nan_columns(X_train)
    calib = None
    if (X_calib is None) != (y_calib is None):
        raise ValueError("pass both X_calib and y_calib (a held-out calibration set), or neither")
    if X_calib is not None:
        y_c = _column_values(y_calib, "y_calib")
        if _num_rows(X_calib) != len(y_c):
            raise ValueError(
                f"X_calib has {_num_rows(X_calib)} rows but y_calib has {len(y_c)} labels"
            )
        uc = np.unique(y_c)
        if len(uc) < 2:
            raise ValueError(
                f"the calibration set has only one class ({uc[0] if len(uc) else '?'!r}): it "
                "cannot show whether scores match outcomes. Use a larger or stratified held-out set"
            )
        X_calib = _check_columns(X_train, X_calib, "X_calib")
        s_c = _predict_proba(estimator, X_calib, "X_calib")[:, pos_index]
        calib = (s_c, np.asarray(y_c == label, dtype=bool), "calibration set")
    try:
        boot = bootstrap_probabilities(
            estimator,
            X_train,
            y,
            X_cases,
            pos_index=pos_index,
            n_resamples=n_resamples,
            random_state=random_state,
            n_jobs=n_jobs,
            oob=calib is None,
            progress=progress,
        )
    except ValueError as exc:
        if nan_cols and ("NaN" in str(exc) or "missing" in str(exc).lower()):
            raise ValueError(
                f"X_train has missing values (NaN) in {nan_cols} and the model cannot be "
                "refitted on them. Put an imputer in front of the model (a Pipeline with "
                "SimpleImputer)"
            ) from None
        raise
    if calib is None:
        calib = (boot.oob_score, np.asarray(y == label, dtype=bool), "out-of-bag")
    lo, hi = boot.interval(float(coverage))
    supports = SupportModel(X_train).support(X_cases)
    if labels is None:
        index = getattr(X_cases, "index", None)
        if (
            index is not None
            and not isinstance(index, range)
            and not (
                getattr(index, "dtype", None) is not None
                and index.dtype.kind in "iu"
                and list(index) == list(range(n_cases))
            )
        ):
            labels = [str(v) for v in index]
        else:
            labels = [str(i + 1) for i in range(n_cases)]
    labels = [str(v) for v in labels]
    if len(labels) != n_cases:
        raise ValueError(f"{len(labels)} labels for {n_cases} cases; give one label per case")
    if outcome is None:
        outcome = f"turn out {label!s}"
    cases = tuple(
        describe_case(
            labels[i],
            float(p_cases[i]),
            (float(lo[i]), float(hi[i])),
            float(coverage),
            supports[i],
            calibration_check(
                float(p_cases[i]),
                calib[0],
                calib[1],
                source=calib[2],
                window=_window(lo[i], hi[i], p_cases[i]),
            ),
            noun=noun,
            outcome=outcome,
        )
        for i in range(n_cases)
    )
    return Measurements(
        cases=cases,
        n_resamples=n_resamples,
        coverage=float(coverage),
        calibration_source=calib[2],
        pos_label=label,
        estimator_name=estimator_name(estimator),
    )
