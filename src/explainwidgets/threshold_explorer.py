"""ThresholdExplorer: where to draw the line, in natural frequencies and money.

>>> ex = ThresholdExplorer.from_estimator(model, X_test, y_test, pos_label="Yes",
...         noun="applicants", labels="lending",
...         payoff={"tp": 0, "fp": -300, "fn": -5000, "tn": 300}, currency="USD")  # doctest: +SKIP
>>> ex.threshold = 0.15                                                            # doctest: +SKIP
>>> ex.summary()["per_100"]                                                        # doctest: +SKIP
{'tp': 3, 'fp': 21, 'fn': 2, 'tn': 74}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from numbers import Real
from typing import Any

import anywidget
import numpy as np
import traitlets
from numpy.typing import ArrayLike

from explainwidgets._sklearn import BinaryScores, binary_from_estimator, binary_from_predictions
from explainwidgets._widget import StaticFallbackMixin, asset
from explainwidgets.core.curve import (
    CATCH_MORE_SHARE,
    FEWER_FALSE_ALARMS_SHARE,
    OUTCOMES,
    ScoreSet,
    ThresholdCurve,
    build_curve,
)
from explainwidgets.core.frequencies import per_100, value_per_100
from explainwidgets.core.labels import frequency_sentence, resolve_labels
from explainwidgets.core.payoff import break_even_probability, check_payoff

PRESETS = {
    "catch_more": (
        "Catch more",
        f"The highest cut-off that still catches at least {round(CATCH_MORE_SHARE * 10)} in 10 "
        "of the cases we are looking for",
    ),
    "fewer_false_alarms": (
        "Fewer false alarms",
        f"The lowest cut-off that acts on at most {round(FEWER_FALSE_ALARMS_SHARE * 100)} in 100 "
        "of the other cases",
    ),
    "balanced": ("Balanced", "The cut-off that best balances catching cases against false alarms"),
    "best_value": ("Best value", "The cut-off that earns the most money per 100"),
}


def _f64_bytes(a: ArrayLike) -> bytes:
    return np.ascontiguousarray(a, dtype="<f8").tobytes()


def _curve_state(curve: ThresholdCurve) -> dict[str, Any]:
    """The synced ``curve`` trait: arrays as little-endian float64 buffers (binary sync)."""
    return curve.to_state(_f64_bytes)


class _Number(traitlets.Float):
    """A float trait that also takes numpy numbers (float32 probabilities, int64) and
    refuses booleans, with a message that says what to pass."""

    def validate(self, obj: Any, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, Real):
            raise traitlets.TraitError(
                f"{self.name} must be a number (a score between the lowest and highest score); "
                f"got {value!r}"
            )
        return float(value)


_LOCALE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _check_locale(locale: object) -> str:
    """A BCP-47 tag for the browser's Intl: "de_DE" is accepted as "de-DE"."""
    if not isinstance(locale, str) or not _LOCALE.match(locale.replace("_", "-")):
        raise ValueError(
            f"locale must be a language tag such as 'en-US', 'de-DE' or 'fr'; got {locale!r}"
        )
    return locale.replace("_", "-")


class ThresholdExplorer(StaticFallbackMixin, anywidget.AnyWidget):
    """Explore a classifier's cut-off as natural frequencies ("per 100") and money.

    A case is *flagged* (declined, contacted, referred …) when its score is at or
    above ``threshold``. Build it with :meth:`from_estimator` or
    :meth:`from_predictions`; ``__init__`` takes precomputed scores, like
    scikit-learn's Display classes.

    Parameters
    ----------
    scores : ScoreSet
        Sorted scores of positives and negatives (see :meth:`ScoreSet.from_arrays`).
    threshold : float, optional
        Starting cut-off, within the score range. Default: the best value with a
        payoff, else the "balanced" preset.
    payoff : dict, optional
        Money per case for each outcome, gains positive, costs negative:
        ``{"tp": …, "fp": …, "fn": …, "tn": …}`` (missing outcomes count 0).
    noun : str
        What one case is, plural: "applicants", "customers".
    labels : str or dict
        Words for the outcomes: a preset ("generic", "lending", "churn",
        "screening", "fraud") or a dict (see :func:`core.labels.resolve_labels`).
    currency, locale : str
        ISO currency code and BCP-47 locale for money and numbers.
    population : int, optional
        How many cases a year (or a campaign) the decision applies to; money is
        also shown for that many.
    is_probability : bool
        Whether scores are probabilities (shown as "15 in 100") or raw scores.
    title : str
        Optional heading above the widget.
    min_cases : int
        Below this many cases of a kind (or in a group), the widget warns that the
        figures rest on few cases.
    """

    _esm = asset("threshold_explorer.js")
    _css = asset("threshold_explorer.css")

    curve = traitlets.Dict().tag(sync=True)
    threshold = _Number(0.0).tag(sync=True)
    score_min = traitlets.Float(0.0).tag(sync=True)
    score_max = traitlets.Float(1.0).tag(sync=True)
    payoff = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    currency = traitlets.Unicode("USD").tag(sync=True)
    locale = traitlets.Unicode("en-US").tag(sync=True)
    noun = traitlets.Unicode("cases").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    population = traitlets.Int(None, allow_none=True).tag(sync=True)
    presets: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    marked_cases: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    is_probability = traitlets.Bool(True).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    min_cases = traitlets.Int(30).tag(sync=True)

    def __init__(
        self,
        *,
        scores: ScoreSet,
        threshold: float | None = None,
        payoff: Mapping[str, float] | None = None,
        noun: str = "cases",
        labels: str | Mapping[str, object] | None = None,
        currency: str = "USD",
        locale: str = "en-US",
        population: int | None = None,
        is_probability: bool = True,
        title: str = "",
        min_cases: int = 30,
        pos_label: Any = None,
        estimator_name: str | None = None,
    ) -> None:
        if not isinstance(scores, ScoreSet):
            raise TypeError(
                "ThresholdExplorer(scores=...) takes a ScoreSet; to start from a model or "
                "from labels and scores use ThresholdExplorer.from_estimator(...) or "
                ".from_predictions(...)"
            )
        if scores.n_pos == 0 or scores.n_neg == 0:
            raise ValueError("both positive and negative cases are needed to explore a cut-off")
        population = _check_population(population)
        _check_noun(noun)
        self._scores = scores
        self.pos_label = pos_label
        self.estimator_name = estimator_name
        checked = check_payoff(payoff)
        super().__init__(
            noun=noun,
            labels=resolve_labels(labels),
            currency=_check_currency(currency),
            locale=_check_locale(locale),
            population=population,
            is_probability=bool(is_probability),
            title=title,
            min_cases=int(min_cases),
            score_min=scores.score_min,
            score_max=scores.score_max,
        )
        self._curve: ThresholdCurve | None = None
        self._base_curve: ThresholdCurve | None = None
        self._set_payoff_and_curve(checked)
        self._quiet_payoff = True
        try:
            self.payoff = checked  # type: ignore[assignment]  # Dict(allow_none=True)
        finally:
            self._quiet_payoff = False
        if threshold is None:
            best = self._exact_presets.get("best_value")
            threshold = best if best is not None else self._exact_presets["balanced"]
        self.threshold = threshold
        # Setting the trait to its current value (e.g. 0.0, the default) fires no change:
        # make sure the starting threshold is a point of the synced curve all the same.
        self._ensure_on_grid(self.threshold)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: ArrayLike,
        *,
        response_method: str = "auto",
        pos_label: Any = None,
        sample_weight: ArrayLike | None = None,
        threshold: float | None = None,
        payoff: Mapping[str, float] | None = None,
        noun: str = "cases",
        labels: str | Mapping[str, object] | None = None,
        currency: str = "USD",
        locale: str = "en-US",
        population: int | None = None,
        title: str = "",
        min_cases: int = 30,
    ) -> ThresholdExplorer:
        """Explore a fitted classifier (or Pipeline) on labelled cases ``X``, ``y``.

        ``response_method="auto"`` uses ``predict_proba``, then ``decision_function``.
        ``pos_label`` is the class to catch (default: the estimator's last class);
        with more than two classes it is required and the explorer looks at that
        class versus the rest. ``sample_weight`` makes each case count that much
        (e.g. revenue per customer).
        """
        data = binary_from_estimator(
            estimator,
            X,
            y,
            response_method=response_method,
            pos_label=pos_label,
            sample_weight=sample_weight,
            caller="ThresholdExplorer",
        )
        return cls._from_binary(
            data,
            threshold=threshold,
            payoff=payoff,
            noun=noun,
            labels=labels,
            currency=currency,
            locale=locale,
            population=population,
            title=title,
            min_cases=min_cases,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true: ArrayLike,
        y_score: ArrayLike,
        *,
        pos_label: Any = None,
        sample_weight: ArrayLike | None = None,
        is_probability: bool | None = None,
        threshold: float | None = None,
        payoff: Mapping[str, float] | None = None,
        noun: str = "cases",
        labels: str | Mapping[str, object] | None = None,
        currency: str = "USD",
        locale: str = "en-US",
        population: int | None = None,
        title: str = "",
        min_cases: int = 30,
    ) -> ThresholdExplorer:
        """Explore given true labels and scores (higher score = more likely positive).

        ``is_probability``: whether the scores are probabilities (shown as "15 in 100" and
        used for the break-even). Default: True when every score lies in [0, 1]; pass False
        for a score that is not a probability (a rank, a rescaled margin).
        """
        if is_probability is not None and not isinstance(is_probability, bool):
            raise TypeError(f"is_probability must be True, False or None; got {is_probability!r}")
        data = binary_from_predictions(
            y_true,
            y_score,
            pos_label=pos_label,
            sample_weight=sample_weight,
            is_probability=is_probability,
        )
        return cls._from_binary(
            data,
            threshold=threshold,
            payoff=payoff,
            noun=noun,
            labels=labels,
            currency=currency,
            locale=locale,
            population=population,
            title=title,
            min_cases=min_cases,
        )

    @classmethod
    def _from_binary(cls, data: BinaryScores, **kwargs: Any) -> ThresholdExplorer:
        scores = ScoreSet.from_arrays(data.is_pos, data.scores, data.sample_weight)
        return cls(
            scores=scores,
            is_probability=data.is_probability,
            pos_label=data.pos_label,
            estimator_name=data.estimator_name,
            **kwargs,
        )

    # ------------------------------------------------------------------ traits
    @traitlets.validate("threshold")
    def _valid_threshold(self, proposal: Any) -> float:
        t = float(proposal["value"])  # a number already (see _Number)
        lo, hi = self._scores.score_min, self._scores.score_max
        if not (math.isfinite(t) and lo <= t <= hi):
            raise traitlets.TraitError(
                f"threshold {t!r} is outside the scores' range [{lo:.6g}, {hi:.6g}]; "
                "pick a cut-off between the lowest and the highest score"
            )
        return t

    @traitlets.observe("threshold")
    def _threshold_on_grid(self, change: Any) -> None:
        self._ensure_on_grid(change["new"])

    def _ensure_on_grid(self, t: float) -> None:
        """Every threshold the widget can show is a point of the synced curve, so the browser
        shows exactly summary() — also for one set from Python. Only the latest such point
        is kept on top of the base curve (a loop setting thousands does not grow it)."""
        if self._base_curve is None or self._on_grid(t):
            return
        base = self._base_curve
        try:
            base.index_of(t)
            self._curve = base
        except KeyError:
            self._curve = base.with_thresholds(self._scores, [t])
        self.curve = _curve_state(self._curve)

    @traitlets.validate("locale")
    def _valid_locale(self, proposal: Any) -> str:
        try:
            return _check_locale(proposal["value"])
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("noun")
    def _valid_noun(self, proposal: Any) -> str:
        try:
            return _check_noun(proposal["value"])
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("population")
    def _valid_population(self, proposal: Any) -> int | None:
        try:
            return _check_population(proposal["value"])
        except ValueError as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("labels")
    def _valid_labels(self, proposal: Any) -> dict[str, object]:
        try:
            return resolve_labels(proposal["value"])
        except (TypeError, ValueError) as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.validate("payoff")
    def _valid_payoff(self, proposal: Any) -> dict[str, float] | None:
        try:
            return check_payoff(proposal["value"])
        except (TypeError, ValueError) as exc:
            raise traitlets.TraitError(str(exc)) from None

    @traitlets.observe("payoff")
    def _payoff_changed(self, change: Any) -> None:
        if not getattr(self, "_quiet_payoff", True):
            self._set_payoff_and_curve(change["new"])

    def _on_grid(self, t: float) -> bool:
        assert self._curve is not None
        try:
            self._curve.index_of(t)
        except KeyError:
            return False
        return True

    def _set_payoff_and_curve(self, payoff: dict[str, float] | None) -> None:
        exact = self._scores.presets()
        if payoff is not None:
            exact["best_value"] = self._scores.best_threshold(payoff)
        self._exact_presets = exact
        self._base_curve = build_curve(self._scores, extra=list(exact.values()))
        keep = [self.threshold] if self._curve is not None else []
        self._curve = (
            self._base_curve.with_thresholds(self._scores, keep) if keep else self._base_curve
        )
        with self.hold_sync():
            self.curve = _curve_state(self._curve)
            self.presets = [
                {"id": key, "label": PRESETS[key][0], "help": PRESETS[key][1], "threshold": t}
                for key, t in exact.items()
            ]

    # ------------------------------------------------------------------ public API
    def summary(self) -> dict[str, Any]:
        """The figures at the current threshold: exactly what the widget shows.

        ``counts`` are exact (weighted) counts, equal to
        ``sklearn.metrics.confusion_matrix`` at this threshold (with weights, up to
        floating-point rounding of the sums); ``per_100`` are whole
        numbers summing to 100; ``value_per_100`` is money per 100 cases (None
        without a payoff).
        """
        counts = self._scores.counts_at(self.threshold)
        p100 = per_100(counts)
        value = value_per_100(counts, self.payoff) if self.payoff is not None else None
        out: dict[str, Any] = {
            "threshold": self.threshold,
            "counts": counts,
            "per_100": p100,
            "value_per_100": value,
            "sentence": frequency_sentence(p100, self.labels, self.noun),
        }
        if value is not None and self.population is not None:
            out["value_for_population"] = value * self.population / 100
        return out

    def best_threshold(self) -> float:
        """The threshold with the highest value per 100 (needs a payoff)."""
        if self.payoff is None:
            raise ValueError(
                "best_threshold() needs money per outcome: set ex.payoff = "
                '{"tp": ..., "fp": ..., "fn": ..., "tn": ...} (gains positive, costs negative)'
            )
        return self._exact_presets["best_value"]

    def break_even(self) -> float | None:
        """The probability above which acting on a case pays (needs a payoff); None if never."""
        if self.payoff is None:
            raise ValueError("break_even() needs a payoff (money per outcome)")
        return break_even_probability(self.payoff)

    def preset_thresholds(self) -> dict[str, float]:
        """The presets' thresholds: catch_more, fewer_false_alarms, balanced (, best_value)."""
        return dict(self._exact_presets)

    def mark_case(self, score: float, *, label: str = "This case") -> None:
        """Show one case (by its score) and what the current cut-off decides for it."""
        if isinstance(score, bool) or not isinstance(score, int | float | np.floating | np.integer):
            raise TypeError(f"score must be a number (the case's model score); got {score!r}")
        if not math.isfinite(float(score)):
            raise ValueError("score must be a finite number")
        if not isinstance(label, str):
            raise TypeError("label must be a string, e.g. 'Applicant #1042'")
        self.marked_cases = [*self.marked_cases, {"score": float(score), "label": label}]

    def clear_marks(self) -> None:
        """Remove all marked cases."""
        self.marked_cases = []

    def curve_arrays(self) -> dict[str, np.ndarray]:
        """The synced curve as numpy arrays (thresholds, tp, fp, fn, tn)."""
        c = self._curve
        assert c is not None
        return {
            "thresholds": c.thresholds.copy(),
            "tp": c.tp.copy(),
            "fp": c.fp.copy(),
            "fn": c.total_pos - c.tp,
            "tn": c.total_neg - c.fp,
        }

    def value_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(thresholds, money per 100 at each) on the synced curve (needs a payoff)."""
        if self.payoff is None:
            raise ValueError("value_curve() needs a payoff (money per outcome)")
        assert self._curve is not None
        return self._curve.thresholds.copy(), self._curve.values_per_100(self.payoff)

    def to_figure(self) -> Any:
        """A static matplotlib picture of the widget at the current threshold."""
        from explainwidgets._explorer_figure import explorer_figure

        return explorer_figure(self)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"ThresholdExplorer(threshold={self.threshold:.4g}, per_100={s['per_100']}, "
            f"value_per_100={s['value_per_100']})"
        )


def _check_population(population: object) -> int | None:
    if population is None:
        return None
    if (
        isinstance(population, bool)
        or not isinstance(population, int | np.integer)
        or population <= 0
    ):
        raise ValueError(
            f"population must be a positive whole number (cases a year, say); got {population!r}"
        )
    return int(population)


def _check_noun(noun: object) -> str:
    if not isinstance(noun, str) or not noun.strip():
        raise ValueError(f"noun must be a non-empty word such as 'applicants'; got {noun!r}")
    return noun


def _check_currency(currency: str) -> str:
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise ValueError(
            f"currency must be a 3-letter ISO code such as 'USD' or 'EUR'; got {currency!r}"
        )
    return currency.upper()


__all__ = ["OUTCOMES", "ThresholdExplorer"]
