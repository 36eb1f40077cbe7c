"""How sure are we about one probability? Measured, then placed on a spectrum.

For each case several things are measured, then a documented rule places the case on the
spectrum ``LEVELS`` (from "Certain" to "Highly speculative"):

1. **Spread under retraining** (:func:`bootstrap_probabilities`): refit a clone of the model
   on bootstrap resamples of the training data and read the spread of its probability for
   the case (the central ``coverage`` share of those refits, percentile bootstrap).
   This measures *model variability* only: how much the answer moves when the same kind of
   model is trained on slightly different past data. It says nothing about whether the
   model's form is right; a model of the wrong form can give a narrow spread far from the
   true chance. The spread is therefore never the only evidence for a sure placement (see
   the held-out check below), and it is **not** widened to contain the model's own
   estimate: an estimate outside the spread of its refits is reported as a sign of bias
   and counts against confidence.
2. **Data support** (:class:`SupportModel`): how many past cases look like this one
   (a Gower-style distance: numeric and date columns compared by their rank among the
   training values, categories by equality, "missing" as its own value), compared with how
   many look-alikes a typical past case has; plus features outside anything seen in
   training, said by name. Only the columns the model uses count (:func:`used_columns`).
   Also: how many positive cases the model learned from, and whether a case is itself a
   training row.
3. **Held-out check** (:func:`calibration_check`): among held-out cases scored near this
   one, did the outcome happen about as often as the scores said? The held-out cases are a
   calibration set ``X_calib, y_calib`` (recommended: it checks *the model shown*), or else
   the out-of-bag cases of the refits (each scored by the average of the refits that did not
   see it: an approximation of the shown model, so it can support at most "Confident").
   The verdict (:attr:`CalibrationCheck.verdict`) compares said and observed on the odds
   scale, symmetric in both directions, with a Wilson interval on the observed rate: "held
   up" only when the whole interval lies within a factor ``HELD_UP_ODDS`` of the said odds;
   "too few" when the interval is consistent with the scores but too wide to confirm them.

The placement rule (:func:`place`): each measurement gives a step from 0 ("Certain") to 4
("Highly speculative"); the level is the **largest** step, i.e. the weakest measurement
decides. In particular no case reaches "Certain" or "Confident" without a held-out check
that held up, and none reaches "Certain" without a calibration set. The steps:

=======================  ===========  ============  ============  ==============  ==========
measurement              0            1             2             3               4
=======================  ===========  ============  ============  ==============  ==========
spread width (hi - lo)   < 5          < 10          < 20          < 40            >= 40
  in points of 100
spread odds ratio [1]_   <= 1.5       <= 2          <= 4          <= 10           > 10
look-alikes [2]_         >= 1/2 of    >= 1/10 of    >= 1/40 of    < 1/40 of       --
                         typical and  typical       typical       typical
                         >= 10
outside training data    --           --            --            value beyond    far beyond [3]_,
                                                                  the range, or   or a category
                                                                  unseen missing  never seen
case is a training row   --           yes           --            --              --
held-out check [4]_      held up      held up       too few to    off             --
                         (calibration (out-of-bag   tell, or
                         set)         only)         somewhat off
model's estimate         --           --            outside the   --              --
                                                    spread
positives in training    --           --            fewer than    --              --
                                                    50
=======================  ===========  ============  ============  ==============  ==========

.. [1] odds(hi) / odds(lo), with probabilities below 1 in 1,000 counted as 1 in 1,000 (above
   999 in 1,000 as 999 in 1,000): 1 in 10,000 versus 1 in 1,000 is no spread ("almost
   never" both), but 3 versus 12 in 1,000 is a factor of 4.
.. [2] fewer than 10 look-alikes is at least step 1 however few a typical case has.
.. [3] more than a quarter of the training range beyond the largest (or smallest) value seen.
.. [4] "held up": at least 100 held-out cases near the score and a Wilson 95 % interval on
   their observed rate within a factor 2 of the said odds. "off": the interval excludes the
   said rate and even its nearest end is a factor 2 or more away in odds.

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

from explainwidgets.core.text import round_half_up

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
ODDS_RATIO_STEPS = (1.5, 2.0, 4.0, 10.0)
ODDS_RATIO_FLOOR = 0.001  # below 1 in 1,000 counts as 1 in 1,000 in odds ratios
SUPPORT_STEPS = (1 / 2, 1 / 10, 1 / 40)  # look-alikes / typical look-alikes
MIN_LOOK_ALIKES = 10  # fewer look-alikes than this is never "plenty" (step >= 1)
MIN_POSITIVES = 50  # fewer positive training cases than this: at most "Tentative"
HELD_UP_ODDS = 2.0  # "held up": the observed rate's interval within this factor in odds
MIN_CHECK = 100  # fewer held-out cases near the score than this: "too few"
WILSON_Z = 1.959963984540054
MIN_EVENTS = 15  # the score band grows until about this many outcomes are expected
LOCAL_K = 100  # held-out look-alikes (in the data) checked around each case
MIN_LOCAL = 30  # fewer held-out look-alikes than this: no local hint
LOCAL_HINT_ODDS = 1.5  # look-alikes this far off at face value: at most "Tentative"
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
    """Step 0..4 for a spread of probabilities (see the module table)."""
    if not (0.0 <= lo <= hi <= 1.0):
        raise ValueError(f"a range of probabilities needs 0 <= lo <= hi <= 1; got {lo}, {hi}")
    width = (hi - lo) * 100
    step = sum(width >= t for t in WIDTH_STEPS)
    ratio = odds(hi) / odds(lo)
    step = max(step, sum(ratio > t for t in ODDS_RATIO_STEPS))
    return RangeStep(int(step), float(width), float(ratio))


def odds(p: float, floor: float = ODDS_RATIO_FLOOR) -> float:
    """Odds p / (1 - p), with p clipped to [floor, 1 - floor] so they stay finite."""
    q = min(max(float(p), floor), 1 - floor)
    return q / (1 - q)


def wilson_interval(k: float, n: int, z: float = WILSON_Z) -> tuple[float, float]:
    """Wilson score interval for a binomial rate k / n (95 % by default)."""
    if n <= 0:
        return 0.0, 1.0
    phat = k / n
    den = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / den
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / den
    return max(0.0, centre - half), min(1.0, centre + half)


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
    if kind in "mM":  # dates and durations: numbers (nanoseconds), NaT as missing
        return _datetime_values(values)
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


def _datetime_values(values: Any) -> NDArray[np.float64]:
    if getattr(getattr(values, "dt", None), "tz", None) is not None:
        values = values.dt.tz_convert(None)  # time-zone aware: compare as UTC
    a = np.asarray(values)
    unit = "datetime64[ns]" if a.dtype.kind == "M" else "timedelta64[ns]"
    a = a.astype(unit)
    out = a.astype(np.int64).astype(np.float64)
    out[np.isnat(a)] = np.nan
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
    in_training: bool = False  # the case is itself a row of the training data

    @property
    def ratio(self) -> float:
        return self.look_alikes / self.typical if self.typical > 0 else 0.0

    def look_alike_step(self) -> int:
        s = int(sum(self.ratio < t for t in SUPPORT_STEPS))
        if self.look_alikes < MIN_LOOK_ALIKES - 0.5:
            s = max(s, 1)
        return s

    def step(self) -> int:
        s = self.look_alike_step()
        for u in self.unusual:
            s = max(s, u.step())
        if self.in_training:
            s = max(s, 1)
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
        self._keep = keep
        self.columns: list[_NumericColumn | _CategoryColumn] = []
        self._train: list[NDArray[Any]] = []
        raw_cols: list[list[Any]] = []
        for name, values in cols:
            num = _numeric_values(values)
            raw_cols.append(_key_values(num, values))
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
        self._row_keys = set(zip(*raw_cols, strict=True))
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

    def _ranks(self, X: Any) -> list[NDArray[Any]]:
        raw = self._encode(X)
        return [
            col.rank(r) if isinstance(col, _NumericColumn) else r
            for col, r in zip(self.columns, raw, strict=True)
        ]

    def nearest(self, X_cases: Any, k: int, X_pool: Any = None) -> list[NDArray[np.intp]]:
        """For each case, the ``k`` nearest rows of ``X_pool`` (default: the training rows).

        Indices are rows of ``X_pool``, or of the training data (of the rows kept, when
        the training data was subsampled).
        """
        enc = self._ranks(X_cases)
        if X_pool is None:
            pool, index = self._train, self._keep
        else:
            pool = self._ranks(X_pool)
            index = np.arange(len(pool[0]))
        n_pool = len(pool[0])
        k = int(min(k, n_pool))
        saved, self._train = self._train, pool
        try:
            d = self._distances(enc)
        finally:
            self._train = saved
        near = (
            np.argpartition(d, k - 1, axis=1)[:, :k]
            if k < n_pool
            else np.tile(np.arange(n_pool), (len(d), 1))
        )
        return [np.asarray(index)[row] for row in near]

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
        keys = list(
            zip(
                *[
                    _key_values(r if isinstance(col, _NumericColumn) else None, r)
                    for col, r in zip(self.columns, raw, strict=True)
                ],
                strict=True,
            )
        )
        out = []
        for i in range(n_cases):
            unusual = []
            for col, r in zip(self.columns, raw, strict=True):
                u = _unusual(col, r[i])
                if u is not None:
                    unusual.append(u)
            out.append(
                Support(
                    float(counts[i]),
                    self.typical,
                    self.n_train,
                    tuple(unusual),
                    in_training=keys[i] in self._row_keys,
                )
            )
        return out


def _key_values(num: NDArray[np.float64] | None, values: Any) -> list[Any]:
    """Hashable values of one column, to spot a case that is also a training row."""
    if num is not None:
        return [None if math.isnan(v) else v for v in num.tolist()]
    return _category_values(values).tolist()


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
    def interval(self) -> tuple[float, float]:
        """Wilson 95 % interval on the observed rate."""
        if self.n == 0:
            return 0.0, 1.0
        return wilson_interval(round(self.observed * self.n), self.n)

    @property
    def odds_ratios(self) -> tuple[float, float, float]:
        """Observed odds / said odds: (low end, point, high end) of the Wilson interval."""
        said = odds(self.predicted)
        lo, hi = self.interval
        point = odds(self.observed) if self.n else 1.0
        return odds(lo) / said, point / said, odds(hi) / said

    @property
    def verdict(self) -> str:
        """ "held up", "somewhat off", "off" or "too few" (symmetric on the odds scale).

        Said 90 in 100 with 50 in 100 happening is as far off as said 10 with 50 happening;
        said 1 in 1,000 with 15 in 1,000 happening is a factor 15 off, not "held up".
        """
        if self.n == 0 or not math.isfinite(self.observed):
            return "too few"
        f_lo, _, f_hi = self.odds_ratios
        if f_lo <= 1.0 <= f_hi:  # what happened is consistent with what was said
            if self.n >= MIN_CHECK and f_lo >= 1 / HELD_UP_ODDS and f_hi <= HELD_UP_ODDS:
                return "held up"
            return "too few"
        nearest = f_lo if f_lo > 1 else 1 / f_hi  # the factor we are sure of, at least
        return "off" if nearest >= HELD_UP_ODDS else "somewhat off"

    def step(self) -> int:
        v = self.verdict
        if v == "held up":
            return 0 if self.source == "calibration set" else 1
        return {"too few": 2, "somewhat off": 2, "off": 3}[v]


def calibration_check(
    estimate: float,
    held_out_scores: ArrayLike,
    held_out_is_pos: ArrayLike,
    *,
    source: str,
    window: tuple[float, float] | None = None,
    min_band: int = 100,
    band_share: float = 0.05,
) -> CalibrationCheck:
    """Held-out cases scored near ``estimate``: what the scores said versus what happened.

    The band is the held-out cases whose scores are nearest to the estimate (5 % of them, at
    least 100, and enough that about 15 outcomes are expected), but only those inside ``window`` (by default the estimate plus or minus
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
    # enough cases that about MIN_EVENTS outcomes are expected (rare events need more cases)
    rare = max(min(estimate, 1 - estimate), 1e-3)
    k = int(min(len(s), max(min_band, round(band_share * len(s)), math.ceil(MIN_EVENTS / rare))))
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


def place(
    range_s: int,
    support_s: int,
    calibration_s: int,
    *,
    bias_s: int = 0,
    positives_s: int = 0,
    local_s: int = 0,
) -> Placement:
    """The placement rule: the weakest measurement decides (the largest step, capped at 4).

    ``bias_s``: the model's own estimate lies outside the spread of its refits (2).
    ``positives_s``: the model learned from fewer than ``MIN_POSITIVES`` positive cases (2).
    ``local_s``: among the held-out cases most like this one (in the data, not the score)
    the outcome happened clearly more or less often than the scores said (2 or 3).
    """
    steps = {
        "range": int(range_s),
        "support": int(support_s),
        "calibration": int(calibration_s),
        "bias": int(bias_s),
        "positives": int(positives_s),
        "local": int(local_s),
    }
    for k, v in steps.items():
        if not 0 <= v <= len(LEVELS) - 1:
            raise ValueError(f"{k} step must be 0..{len(LEVELS) - 1}; got {v}")
    return Placement(max(steps.values()), steps)


# --------------------------------------------------------------------------- one case, in words


@dataclass(frozen=True)
class CaseMeasurement:
    """Everything measured for one case, and the words that explain it.

    ``interval`` is the spread of the refits (model variability), not a range that must hold
    the true chance; it may even exclude ``estimate`` (then ``biased`` is True).
    ``reasons`` are for managers; ``detail`` is the technical account.
    """

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
    detail: str = ""
    biased: bool = False
    local: CalibrationCheck | None = None


def _count_text(x: float) -> str:
    if x >= 100:
        return f"{int(round(x, -1) if x < 1000 else round(x, -2)):,}"
    return f"{round_half_up(x):,}"


def _singular(noun: str) -> str:
    n = noun.strip()
    if n.endswith("ies"):
        return n[:-3] + "y"
    if n.endswith("s") and not n.endswith("ss"):
        return n[:-1]
    return n


_INFINITIVE = {"are": "be", "is": "be", "were": "be", "has": "have", "does": "do"}


def _infinitive(outcome: str) -> str:
    """ "default" -> "default"; "are late" -> "be late"; "has a claim" -> "have a claim"."""
    words = outcome.split()
    if not words:
        return outcome
    first = _INFINITIVE.get(words[0].lower(), words[0])
    return " ".join([first, *words[1:]])


def _did(inf: str, k: int) -> str:
    """ "did", or "was" / "were" for an outcome with "be" ("are late": "3 were")."""
    return _were(k) if inf.split()[:1] == ["be"] else "did"


def _were(n: int) -> str:
    return "was" if n == 1 else "were"


def _units(p: float, nums: HonestNumbers) -> str:
    """A probability in the card's unit, whole numbers (one denominator per card)."""
    return f"{round_half_up(p * nums.per):,} in {nums.per_text}"


def _band_text(lo: float, hi: float, nums: HonestNumbers) -> str:
    a, b = math.floor(lo * nums.per + 1e-9), math.ceil(hi * nums.per - 1e-9)
    return f"{a:,} in {nums.per_text}" if a >= b else f"{a:,} to {b:,} in {nums.per_text}"


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
    n_positives: int | None = None,
    n_resamples: int | None = None,
    local: CalibrationCheck | None = None,
) -> CaseMeasurement:
    """Place one measured case and say why, in words a manager reads.

    ``interval`` is the spread of the refits; it is not widened to hold ``estimate``.
    ``n_positives`` is the number of positive cases the model learned from.
    ``local`` is the held-out check on the cases most like this one in the data (it can
    only count against a case: too few look-alikes never confirm a score).
    """
    lo, hi = float(min(interval)), float(max(interval))
    rs = range_step(lo, hi)
    nums = honest_numbers(estimate, lo, hi)
    biased = not (nums.lo <= nums.estimate <= nums.hi)
    few_pos = n_positives is not None and n_positives < MIN_POSITIVES
    local_v = local.verdict if local is not None else "too few"
    local_s = {"off": 3, "somewhat off": 2}.get(local_v, 0)
    local_hint = False  # not proven off, but a factor LOCAL_HINT_ODDS off at face value
    if local is not None and local_s == 0 and local.n >= MIN_LOCAL:
        f = local.odds_ratios[1]
        local_hint = max(f, 1 / f) >= LOCAL_HINT_ODDS
        local_s = 2 if local_hint else 0
    placement = place(
        rs.step,
        support.step(),
        calibration.step(),
        bias_s=2 if biased else 0,
        positives_s=2 if few_pos else 0,
        local_s=local_s,
    )
    word = likelihood_word(estimate)
    est_text = nums.estimate_text
    about = est_text[0].upper() + est_text[1:] if est_text[0].isalpha() else f"About {est_text}"
    headline = f"{about} {noun} like this one {outcome} — {word}"
    inf = _infinitive(outcome)
    one = _singular(noun)

    reasons: list[tuple[int, str]] = []
    # 1. spread under retraining: model variability, said as such
    cov = round_half_up(coverage * 100)
    what = {
        0: "a narrow spread",
        1: "a fairly narrow spread",
        2: "a wide spread",
        3: "a very wide spread",
        4: "a spread so wide it says little",
    }[rs.step]
    width_step = sum(rs.width >= t for t in WIDTH_STEPS)
    if rs.step > width_step and nums.lo > 0:
        f = nums.hi / nums.lo
        what += (
            f": the top is about {f:.1f} times the bottom"
            if f < 10
            else (f": the top is about {_count_text(f)} times the bottom")
        )
    if nums.lo == nums.hi:
        moves = f"the model's answer stays at {nums.range_text}"
    else:
        moves = f"the model's answer moves between {nums.lo:,} and {nums.hi:,} in {nums.per_text}"
    reasons.append(
        (
            rs.step,
            f"{moves} when it is retrained on reshuffled past data ({what}; {cov} of 100 "
            "retrainings land there). This shows how much the model wobbles, not where the "
            "true chance lies",
        )
    )
    if biased:
        reasons.append(
            (
                2,
                f"the model's own answer ({nums.estimate_text}) lies outside where its retrained "
                f"copies land ({nums.range_text}): a sign that it is off for {noun} like this "
                "one, so at most tentative",
            )
        )
    # 2. data support
    for u in support.unusual:
        reasons.append((u.step(), u.text(noun)))
    la, typ = support.look_alikes, support.typical
    n_text = f"{support.n_train:,}"
    la_step = support.look_alike_step()
    if la < 0.5:
        sup = f"none of the {n_text} past {noun} looks like this one"
    else:
        verb = "looks" if _count_text(la) == "1" else "look"
        if support.ratio >= 1 and la >= MIN_LOOK_ALIKES - 0.5:
            sup = (
                f"about {_count_text(la)} of {n_text} past {noun} look like this one (a typical "
                f"one has about {_count_text(typ)}): plenty of experience with {noun} like it"
            )
        elif la_step == 0:
            sup = (
                f"about {_count_text(la)} of {n_text} past {noun} look like this one, a little "
                f"fewer than for a typical one (about {_count_text(typ)}): some experience with "
                f"{noun} like it"
            )
        elif support.ratio >= SUPPORT_STEPS[0]:  # as many as usual, but few in number
            sup = (
                f"about {_count_text(la)} of {n_text} past {noun} {verb} like this one (a typical "
                f"one has about {_count_text(typ)}), but that is still few: little experience with "
                f"{noun} like it"
            )
        else:
            sup = (
                f"only {_count_text(la)} of {n_text} past {noun} {verb} like this one (a typical "
                f"one has about {_count_text(typ)}): little experience with {noun} like it"
            )
    reasons.append((la_step, sup))
    if support.in_training:
        reasons.append(
            (
                1,
                f"this {one} is also one of the past {noun} the model learned from: its answer "
                f"can look surer than it would for a new {one}",
            )
        )
    if few_pos:
        reasons.append(
            (
                2,
                f"the model learned from only {n_positives:,} past {noun} who went on to {inf}: "
                "too few to learn the pattern well, so at most tentative",
            )
        )
    # 3. held-out check
    c = calibration
    oob = c.source != "calibration set"
    src = (
        f"past {noun}, each scored by copies of the model retrained without them,"
        if oob
        else f"past {noun} the model did not learn from"
    )
    if c.n == 0:
        cal = (
            f"no {src} had chances close to this one's: whether chances like this hold up "
            "cannot be checked, so at most tentative"
        )
    else:
        k = round_half_up(c.observed * c.n)
        exp = round_half_up(c.predicted * c.n)
        band = _band_text(c.band[0], c.band[1], nums)
        did = _did(inf, k)
        expected = f"about {exp:,} {_were(exp)}" if exp > 0 else "almost none were"
        counts = f"{expected} expected to {inf} and {k:,} {did}"
        v = c.verdict
        if v == "too few":
            cal = (
                f"only {c.n:,} {src} had chances close to this one's ({band}); {counts}: too "
                "few to confirm the chance, so at most tentative"
            )
        else:
            lead = f"checked on {c.n:,} {src} with chances close to this one's ({band}): "
            if v == "held up":
                cal = lead + f"{counts}, so the chances held up"
                if oob:
                    cal += (
                        ". Only retrained copies were checked, not the model itself, so at "
                        "most confident"
                    )
            else:
                way = "too low" if c.observed > c.predicted else "too high"
                much = "somewhat" if v == "somewhat off" else "clearly"
                cap = "tentative" if v == "somewhat off" else "speculative"
                cal = (
                    lead + f"about {exp:,} {_were(exp)} expected to {inf} but {k:,} {did}, so "
                    f"the chances were {much} {way}: at most {cap}"
                )
    reasons.append((c.step(), cal))
    if local is not None and local_s:
        kl = round_half_up(local.observed * local.n)
        el = round_half_up(local.predicted * local.n)
        way = "too low" if local.observed > local.predicted else "too high"
        reasons.append(
            (
                local_s,
                f"among the {local.n:,} past {noun} most like this one"
                + (
                    " (each scored by copies of the model retrained without them)"
                    if oob
                    else " that the model did not learn from"
                )
                + f", about "
                f"{el:,} {_were(el)} expected to {inf} but {kl:,} {_did(inf, kl)}: the model's "
                f"chances {'may run' if local_hint else 'run'} {way} for {noun} like this one, "
                "so at most "
                f"{'tentative' if local_s == 2 else 'speculative'}",
            )
        )
    reasons.sort(key=lambda r: -r[0])

    f_lo, f_pt, f_hi = c.odds_ratios
    wl, wh = c.interval
    detail = (
        f"Technical: estimate {estimate:.4g}; central {cov} % of "
        f"{n_resamples if n_resamples is not None else 'the'} bootstrap refits "
        f"[{lo:.4g}, {hi:.4g}] (model variability only; odds ratio {rs.odds_ratio:.3g}, "
        f"width {rs.width:.3g} points)"
        + ("; estimate outside the refit interval (bias)" if biased else "")
        + f". Look-alikes {la:.1f} vs typical {typ:.1f} of {support.n_train:,} training rows"
        + ("; the case is a training row" if support.in_training else "")
        + (f"; {n_positives:,} positive training cases" if n_positives is not None else "")
        + f". Held-out check ({'out-of-bag, averaged refits' if oob else 'calibration set'}): "
        f"n={c.n}, mean score {c.predicted:.4g}, observed {c.observed:.4g}, Wilson 95 % "
        f"[{wl:.4g}, {wh:.4g}], observed/said odds {f_pt:.3g} [{f_lo:.3g}, {f_hi:.3g}], "
        f"verdict '{c.verdict}'"
        + (
            f". Nearest {local.n} held-out look-alikes: mean score {local.predicted:.4g}, "
            f"observed {local.observed:.4g}, verdict '{local.verdict}'"
            if local is not None
            else ""
        )
        + f". Steps {placement.steps} -> {placement.name}."
    )
    return CaseMeasurement(
        label=label,
        estimate=float(estimate),
        interval=(lo, hi),
        coverage=float(coverage),
        range_=rs,
        support=support,
        calibration=calibration,
        placement=placement,
        numbers=nums,
        likelihood=word,
        headline=headline,
        reasons=tuple(r for _, r in reasons),
        detail=detail,
        biased=biased,
        local=local,
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


def decision(
    lo: float, hi: float, threshold: float, *, per: int | None = None, shown: bool = False
) -> str:
    """ "flag" (whole range at or above), "no flag" (whole range below) or "either".

    With ``shown=True``, ``lo`` and ``hi`` are the whole numbers shown per ``per`` (e.g. 20
    and 45 per 100) and the cut-off is rounded to the same unit first, so the decision
    agrees with the numbers on the card.
    """
    if shown:
        if per is None:
            raise ValueError("shown=True needs per (100 or 1,000)")
        t: float = round_half_up(threshold * per)
    else:
        t = threshold
    if lo >= t:
        return "flag"
    if hi < t:
        return "no flag"
    return "either"


def cutoff_text(threshold: float, per: int | None = None) -> str:
    """The cut-off in a card's unit (whole numbers per ``per``), or in 100 / 1,000."""
    if per is None:
        return in_hundred(threshold)
    return f"{round_half_up(threshold * per):,} in {per:,}"


def decision_text(
    lo: float, hi: float, threshold: float, *, per: int | None = None, shown: bool = False
) -> str:
    """Same words as the browser (uncertainty_spectrum.js decisionText)."""
    t = cutoff_text(threshold, per if shown else None)
    d = decision(lo, hi, threshold, per=per, shown=shown)
    if d == "either":
        return f"the range crosses the cut-off ({t}): the decision could go either way"
    if d == "flag":
        return f"the whole range is at or above the cut-off ({t}): flagged either way"
    return f"the whole range is below the cut-off ({t}): not flagged either way"


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


def used_columns(estimator: Any, X_train: Any) -> list[int] | None:
    """Positions of the columns of ``X_train`` the estimator actually uses; None for all.

    For a Pipeline whose first step is a ColumnTransformer (or a ColumnTransformer-like first
    step): the columns its transformers select, without those it drops (``remainder="drop"``,
    or a transformer set to "drop"). Otherwise the columns named in ``feature_names_in_``
    when the model has it. Otherwise all columns.
    """
    names = [str(c) for c in getattr(X_train, "columns", [])]
    first = estimator
    steps = getattr(estimator, "steps", None)
    if steps:
        first = steps[0][1]
    fitted = getattr(first, "transformers_", None)
    index = getattr(first, "_transformer_to_input_indices", None)
    if fitted is not None and isinstance(index, dict):
        keep: set[int] = set()
        for name, trans, _cols in fitted:
            if isinstance(trans, str) and trans == "drop":
                continue
            keep.update(int(i) for i in index.get(name, ()))
        n_cols = len(names) if names else _num_cols(X_train)
        if keep and all(0 <= i < n_cols for i in keep):
            return sorted(keep)
        return None
    fin = getattr(estimator, "feature_names_in_", None)
    if fin is not None and names:
        wanted = {str(c) for c in fin}
        pos = [j for j, c in enumerate(names) if c in wanted]
        if pos and len(pos) < len(names):
            return pos
    return None


def _num_cols(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) == 2:
        return int(shape[1])
    return int(np.asarray(X, dtype=object).shape[1])


def _support_positions(X_train: Any, support_columns: Any) -> list[int]:
    """Positions for ``support_columns=`` (names for a DataFrame, else names or indices)."""
    names = [str(c) for c in getattr(X_train, "columns", [])]
    n_cols = len(names) if names else _num_cols(X_train)
    if isinstance(support_columns, str | bytes) or not isinstance(support_columns, Sequence):
        raise TypeError(
            "support_columns must be a list of column names (or positions), e.g. "
            f"['income', 'region']; got {support_columns!r}"
        )
    if len(support_columns) == 0:
        raise ValueError("support_columns is empty: name at least one column")
    pos = []
    for c in support_columns:
        if isinstance(c, numbers.Integral) and not isinstance(c, bool) and not names:
            if not 0 <= int(c) < n_cols:
                raise ValueError(f"support_columns: position {c} is not a column of X_train")
            pos.append(int(c))
        elif str(c) in names:
            pos.append(names.index(str(c)))
        else:
            raise ValueError(
                f"support_columns: {c!r} is not a column of X_train"
                + (f" (columns: {names})" if names else "")
            )
    return sorted(set(pos))


def _subset_columns(X: Any, pos: list[int] | None) -> tuple[Any, list[str] | None]:
    """The columns at ``pos`` of a DataFrame or array, and names for an array."""
    if hasattr(X, "columns") and hasattr(X, "iloc"):
        return (X if pos is None else X.iloc[:, pos]), None
    arr = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
    idx = list(range(arr.shape[1])) if pos is None else pos
    return arr[:, idx], [f"feature {j}" for j in idx]


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


def _local_check(scores: NDArray[Any], is_pos: NDArray[Any], source: str) -> CalibrationCheck:
    ok = np.isfinite(scores)
    s, pos = scores[ok], is_pos[ok]
    if len(s) == 0:
        return CalibrationCheck(0, (0.0, 1.0), math.nan, math.nan, source)
    return CalibrationCheck(
        n=len(s),
        band=(float(s.min()), float(s.max())),
        predicted=float(s.mean()),
        observed=float(pos.mean()),
        source=source,
    )


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
    support_columns: Sequence[Any] | None = None,
    caller: str = "measure",
) -> Measurements:
    """Measure spread, data support and a held-out check for each case, and place it.

    ``estimator`` must be a fitted classifier with ``predict_proba`` (Pipelines welcome).
    Held-out scores for the check come from ``X_calib, y_calib`` when given (recommended:
    that checks the model itself, and only then can a case be "Certain"), otherwise from the
    out-of-bag cases of the bootstrap refits (at most "Confident").
    ``support_columns`` names the columns that count for data support; by default the
    columns the model uses (:func:`used_columns`).
    ``outcome`` completes "N in 100 <noun> like this one <outcome>"; by default
    "are in class '<pos_label>'".
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
    if outcome is not None and (not isinstance(outcome, str) or not outcome.strip()):
        raise ValueError("outcome must be a few words such as 'default' or 'leave within a year'")
    y = _column_values(y_train, "y_train")
    n = _num_rows(X_train)
    if n != len(y):
        raise ValueError(
            f"X_train has {n} rows but y_train has {len(y)} labels; pass the same cases"
        )
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y_train contains NaN; every training case needs a known outcome")
    X_cases = _check_columns(X_train, X_cases, "X_cases")
    pos_cols = (
        used_columns(estimator, X_train)
        if support_columns is None
        else _support_positions(X_train, support_columns)
    )
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
    X_sup, sup_names = _subset_columns(X_train, pos_cols)
    X_case_sup, _ = _subset_columns(X_cases, pos_cols)
    sm = SupportModel(X_sup, feature_names=sup_names)
    supports = sm.support(X_case_sup)
    if calib[2] == "calibration set":
        X_pool, _ = _subset_columns(X_calib, pos_cols)
        near = sm.nearest(X_case_sup, LOCAL_K, X_pool)
    else:
        near = sm.nearest(X_case_sup, LOCAL_K)
    locals_ = [_local_check(calib[0][idx], calib[1][idx], calib[2]) for idx in near]
    n_positives = int(np.sum(y == label))
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
        outcome = f"are in class '{label!s}'"

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
            n_positives=n_positives,
            n_resamples=n_resamples,
            local=locals_[i],
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
