"""Getting scores out of a fitted scikit-learn classifier, the way sklearn's Display API does.

Shared by every widget's ``from_estimator`` / ``from_predictions`` (one place for the checks,
like ``sklearn.utils._plotting``). The estimator itself raises ``NotFittedError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import is_classifier, is_regressor

RESPONSE_METHODS = ("auto", "predict_proba", "decision_function")


@dataclass(frozen=True)
class BinaryScores:
    """Validated inputs for a yes/no question: "is this case a positive?"."""

    is_pos: NDArray[np.bool_]
    scores: NDArray[np.float64]
    sample_weight: NDArray[np.float64] | None
    pos_label: Any
    is_probability: bool
    estimator_name: str | None = None


def estimator_name(estimator: Any) -> str:
    """A readable name: the last step's class name for a Pipeline."""
    steps = getattr(estimator, "steps", None)
    if steps:
        return f"{type(steps[-1][1]).__name__} (pipeline)"
    return type(estimator).__name__


def check_classifier(estimator: Any, caller: str) -> None:
    if is_regressor(estimator) or not (is_classifier(estimator) or hasattr(estimator, "classes_")):
        raise TypeError(
            f"{caller} needs a fitted classifier (something with predict_proba or "
            f"decision_function and classes_); got {estimator_name(estimator)}, which "
            "predicts numbers, not classes. For a regressor, turn the question into a "
            "yes/no one first (e.g. 'loss above $1,000?') and fit a classifier, or pass "
            "your own scores to from_predictions()."
        )


def _column_values(y: ArrayLike, what: str) -> NDArray[Any]:
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr.ravel()
    if arr.ndim != 1:
        raise ValueError(
            f"{what} must be one-dimensional (one value per case); got shape {arr.shape}"
        )
    return arr


def check_sample_weight(sample_weight: ArrayLike | None, n: int) -> NDArray[np.float64] | None:
    if sample_weight is None:
        return None
    try:
        w = np.asarray(_column_values(sample_weight, "sample_weight"), dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"sample_weight must be numbers, one per case: {exc}") from None
    if len(w) != n:
        raise ValueError(
            f"sample_weight has {len(w)} values but there are {n} cases; give one per case"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError("sample_weight contains NaN or infinity; replace or drop those cases")
    if np.any(w < 0):
        raise ValueError("sample_weight must not be negative (a weight is how much a case counts)")
    if not w.sum() > 0:
        raise ValueError("sample_weight sums to zero: no case would count")
    return w


def resolve_pos_label(classes: NDArray[Any], pos_label: Any, *, from_estimator: bool) -> Any:
    """Pick the positive class the way scikit-learn does, with errors that say what to do."""
    labels = [c.item() if hasattr(c, "item") else c for c in classes]
    if pos_label is not None:
        if not any(_same_label(pos_label, c) for c in labels):
            raise ValueError(
                f"pos_label={pos_label!r} is not one of the classes {labels}; "
                "pass the label that marks the cases you want to catch (e.g. the defaults)"
            )
        return next(c for c in labels if _same_label(pos_label, c))
    if len(labels) > 2:
        raise ValueError(
            f"there are {len(labels)} classes {labels}; pass pos_label= one of them to look at "
            "'that class versus all the others'"
        )
    if from_estimator:
        return labels[-1]
    if all(isinstance(c, bool | int | float | np.number) for c in labels):
        as_numbers = {float(c) for c in labels}
        if as_numbers <= {0.0, 1.0} or as_numbers <= {-1.0, 1.0}:
            return labels[-1]  # as scikit-learn: 1 (or 1.0, True) is the positive class
    raise ValueError(
        f"the classes are {labels}; say which one is the 'positive' (the cases to catch) "
        f"with pos_label=, e.g. pos_label={labels[-1]!r}"
    )


def _same_label(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return False


def _plain_labels(y: ArrayLike) -> Any:
    """Labels as a plain numpy array, refusing missing ones with a clear message
    (pandas nullable dtypes and object arrays holding None or NA)."""
    isna = getattr(y, "isna", None)
    if callable(isna):
        missing = np.asarray(isna())
        if missing.any():
            raise ValueError(
                f"{int(missing.sum())} label(s) are missing (NA); every case needs a known "
                "outcome: drop those cases or fill them in"
            )
        to_numpy = getattr(y, "to_numpy", None)
        if callable(to_numpy):
            values = np.asarray(to_numpy())
            # nullable booleans/integers come out as object arrays of Python scalars
            if (
                values.dtype == object
                and len(values)
                and all(isinstance(v, bool | np.bool_) for v in values.ravel())
            ):
                values = values.astype(bool)
            return values
    arr = np.asarray(y)
    if arr.dtype == object and any(v is None for v in arr.ravel()):
        raise ValueError("some labels are None; every case needs a known outcome")
    return arr


def check_scores(y_score: ArrayLike, n: int) -> NDArray[np.float64]:
    raw = _column_values(y_score, "y_score")
    if raw.dtype.kind not in "biuf":
        raise ValueError(
            f"y_score must be numbers (the model's scores), not {raw.dtype.kind!r}-type values "
            "such as text; convert them first, e.g. pd.to_numeric(...)"
        )
    try:
        s = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"y_score must be numbers, one per case: {exc}") from None
    if len(s) != n:
        raise ValueError(f"y_score has {len(s)} values but y_true has {n}; give one score per case")
    bad = ~np.isfinite(s)
    if bad.any():
        raise ValueError(
            f"{int(bad.sum())} score(s) are NaN or infinite (first at position "
            f"{int(np.flatnonzero(bad)[0])}); the model cannot rank those cases. Fix the inputs "
            "that produce them (often missing values the model does not handle) or drop them"
        )
    return s


def binary_from_predictions(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: Any = None,
    sample_weight: ArrayLike | None = None,
    is_probability: bool | None = None,
    classes: NDArray[Any] | None = None,
    name: str | None = None,
) -> BinaryScores:
    y = _column_values(_plain_labels(y_true), "y_true")
    n = len(y)
    if n == 0:
        raise ValueError(
            "no cases: y_true is empty. Pass the labelled cases to explore (e.g. a test set)"
        )
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y_true contains NaN; every case needs a known outcome")
    s = check_scores(y_score, n)
    w = check_sample_weight(sample_weight, n)
    if y.dtype == bool:
        present = np.asarray([v for v in (False, True) if (y == v).any()])
    else:
        present = np.unique(y)
    if len(present) < 2:
        raise ValueError(
            f"y_true has only one class ({present[0].item() if len(present) else '?'!r}): "
            "with no cases of the other kind there is nothing to trade off. Use a larger or "
            "stratified sample"
        )
    label = resolve_pos_label(
        classes if classes is not None else present, pos_label, from_estimator=classes is not None
    )
    if not any(_same_label(label, c) for c in present):
        raise ValueError(
            f"pos_label={label!r} never occurs in y_true (classes present: "
            f"{[c.item() if hasattr(c, 'item') else c for c in present]}); check the label's "
            "spelling and type (e.g. 1 versus '1')"
        )
    is_pos = np.asarray(y == label, dtype=bool)
    if w is not None:
        for name, mask in (("positive", is_pos), ("negative", ~is_pos)):
            if not w[mask].sum() > 0:
                raise ValueError(
                    f"every {name} case has sample_weight 0, so that kind of case counts for "
                    "nothing and there is nothing to trade off; check the weights"
                )
    if is_probability is None:
        is_probability = bool(s.min() >= 0.0 and s.max() <= 1.0)
    return BinaryScores(is_pos, s, w, label, is_probability, name)


def binary_from_estimator(
    estimator: Any,
    X: Any,
    y: ArrayLike,
    *,
    response_method: str = "auto",
    pos_label: Any = None,
    sample_weight: ArrayLike | None = None,
    caller: str,
) -> BinaryScores:
    """Scores for the positive class from a fitted classifier (Pipelines welcome)."""
    if response_method not in RESPONSE_METHODS:
        raise ValueError(
            f"response_method must be one of {RESPONSE_METHODS}; got {response_method!r}"
        )
    check_classifier(estimator, caller)
    y_arr = _column_values(y, "y")
    n_x = _num_rows(X)
    if n_x != len(y_arr):
        raise ValueError(
            f"X has {n_x} rows but y has {len(y_arr)} labels; pass the same cases to both"
        )
    if n_x == 0:
        raise ValueError(
            "no cases: X and y are empty. Pass the labelled cases to explore (e.g. a test set)"
        )
    methods = (
        ["predict_proba", "decision_function"] if response_method == "auto" else [response_method]
    )
    method = next((m for m in methods if hasattr(estimator, m)), None)
    if method is None:
        raise TypeError(
            f"{estimator_name(estimator)} has no {' or '.join(methods)}; "
            "use response_method='auto' or a classifier that gives scores"
        )
    raw = np.asarray(getattr(estimator, method)(X))  # NotFittedError comes from here
    classes = np.asarray(estimator.classes_)
    label = resolve_pos_label(classes, pos_label, from_estimator=True)
    idx = next(i for i, c in enumerate(classes) if _same_label(label, c))
    if raw.ndim == 2 and raw.shape[1] > 1:
        scores = raw[:, idx]
    else:
        scores = raw.ravel()
        if method == "decision_function" and idx == 0:
            scores = -scores  # binary decision_function scores the second class
    return binary_from_predictions(
        y_arr,
        scores,
        pos_label=label,
        sample_weight=sample_weight,
        is_probability=method == "predict_proba",
        classes=classes,
        name=estimator_name(estimator),
    )


def _num_rows(X: Any) -> int:
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    try:
        return len(X)
    except TypeError:
        raise TypeError(
            f"X must be a table of cases (array, DataFrame or list of rows); got {type(X).__name__}"
        ) from None
