"""Plain-language sentences about a model at a cut-off, from its real numbers.

Every function takes either a :class:`~explainwidgets.ThresholdExplorer` (the sentences
follow its current setting), or ``y_true, y_score`` with ``threshold=``, or a dict of counts
``{"tp", "fp", "fn", "tn"}``; and returns short sentences in natural frequencies with your
noun::

    >>> from explainwidgets import narrate
    >>> narrate.catch_rate({"tp": 85, "fp": 15, "fn": 15, "tn": 885}, noun="customers",
    ...                    positive="high-value customers")
    'Of every 100 high-value customers, the model finds about 85 and misses about 15.'

``technical=True`` adds the name data teams use, explained in the same sentence ("Data teams
call this share found the 'recall'."), for an audience that will meet the term later.
The computations live in :mod:`explainwidgets.core.narration`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from numpy.typing import ArrayLike

from explainwidgets._sklearn import binary_from_predictions
from explainwidgets.core.curve import ScoreSet
from explainwidgets.core.narration import (
    METRICS,
    NarrationNumbers,
    narrate_all,
    numbers_from_counts,
    numbers_from_curve,
    numbers_from_scores,
)

__all__ = [
    "METRICS",
    "accuracy",
    "auc",
    "calibration",
    "catch_rate",
    "f1",
    "flags_right",
    "lift",
    "metrics",
    "overview",
    "summary",
]


def _is_explorer(obj: Any) -> bool:
    return hasattr(obj, "curve") and hasattr(obj, "threshold") and not isinstance(obj, Mapping)


def _resolve(
    source: Any,
    y_score: ArrayLike | None,
    *,
    threshold: float | None,
    pos_label: Any,
    sample_weight: ArrayLike | None,
    is_probability: bool | None,
    noun: str | None,
    positive: str | None,
) -> tuple[NarrationNumbers, str, str]:
    if source is None:
        raise TypeError(
            "pass a ThresholdExplorer, or y_true and y_score with threshold=, or a dict of "
            'counts {"tp", "fp", "fn", "tn"}'
        )
    if _is_explorer(source):
        if y_score is not None or pos_label is not None or sample_weight is not None:
            raise TypeError(
                "with a ThresholdExplorer, do not pass y_score, pos_label or sample_weight"
            )
        t = float(source.threshold if threshold is None else threshold)
        prob = (
            bool(getattr(source, "is_probability", False))
            if is_probability is None
            else is_probability
        )
        nums = numbers_from_curve(source.curve, t, is_probability=prob)
        return nums, noun or str(getattr(source, "noun", "") or "cases"), positive or "real cases"
    if isinstance(source, Mapping):
        if y_score is not None or pos_label is not None or sample_weight is not None:
            raise TypeError(
                "with a dict of counts, do not pass y_score, pos_label or sample_weight"
            )
        nums = numbers_from_counts(source, threshold=threshold, is_probability=bool(is_probability))
        return nums, noun or "cases", positive or "real cases"
    if y_score is None:
        raise TypeError("y_score is missing: pass y_true, y_score and threshold=")
    if threshold is None:
        raise TypeError(
            "threshold= is missing: the cut-off score at or above which a case is flagged "
            "(e.g. threshold=0.5)"
        )
    b = binary_from_predictions(
        source,
        y_score,
        pos_label=pos_label,
        sample_weight=sample_weight,
        is_probability=is_probability,
    )
    scores = ScoreSet.from_arrays(b.is_pos, b.scores, b.sample_weight)
    nums = numbers_from_scores(scores, float(threshold), is_probability=b.is_probability)
    return nums, noun or "cases", positive or "real cases"


def metrics(
    source: Any = None,
    y_score: ArrayLike | None = None,
    *,
    threshold: float | None = None,
    noun: str | None = None,
    positive: str | None = None,
    pos_label: Any = None,
    sample_weight: ArrayLike | None = None,
    is_probability: bool | None = None,
    technical: bool = False,
) -> dict[str, str]:
    """Every metric's sentences as ``{metric: text}`` (keys in :data:`METRICS` order).

    ``noun`` is what a case is, plural ("patients"; from the explorer if bound, else
    "cases"); ``positive`` what a case to catch is, plural ("patients who get sick";
    default "real cases").
    """
    nums, n, p = _resolve(
        source,
        y_score,
        threshold=threshold,
        pos_label=pos_label,
        sample_weight=sample_weight,
        is_probability=is_probability,
        noun=noun,
        positive=positive,
    )
    return narrate_all(nums, noun=n, positive=p, technical=technical)


def summary(source: Any = None, y_score: ArrayLike | None = None, **kwargs: Any) -> list[str]:
    """All sentences, business first: overview, catch rate, right flags, balance, … lift."""
    return list(metrics(source, y_score, **kwargs).values())


def _one(name: str) -> Any:
    def fn(
        source: Any = None,
        y_score: ArrayLike | None = None,
        *,
        threshold: float | None = None,
        noun: str | None = None,
        positive: str | None = None,
        pos_label: Any = None,
        sample_weight: ArrayLike | None = None,
        is_probability: bool | None = None,
        technical: bool = False,
    ) -> str:
        return metrics(
            source,
            y_score,
            threshold=threshold,
            noun=noun,
            positive=positive,
            pos_label=pos_label,
            sample_weight=sample_weight,
            is_probability=is_probability,
            technical=technical,
        )[name]

    fn.__name__ = fn.__qualname__ = name
    return fn


overview = _one("overview")
overview.__doc__ = "Out of every 100 (or 1,000): how many flagged, right, false alarms, missed."
catch_rate = _one("catch_rate")
catch_rate.__doc__ = "Of every 100 cases to catch, how many the model finds (recall)."
flags_right = _one("flags_right")
flags_right.__doc__ = "Of every 100 flags, how many are right (precision)."
f1 = _one("f1")
f1.__doc__ = "The balance of finding cases and avoiding false alarms (F1), in words."
accuracy = _one("accuracy")
accuracy.__doc__ = "How many of every 100 cases it gets right, with a warning when that misleads."
auc = _one("auc")
auc.__doc__ = "How often a case to catch scores higher than another case (AUC)."
calibration = _one("calibration")
calibration.__doc__ = "Whether a chance of about N in 100 comes true about N times in 100."
lift = _one("lift")
lift.__doc__ = "How many times more common cases to catch are among the flagged ones."
