"""ThresholdExplorer: the public API, its agreement with scikit-learn, and its errors."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd  # a test dependency: these tests must run, not skip
import pytest
import traitlets
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.svm import LinearSVC

from explainwidgets import ThresholdExplorer

PAYOFF = {"tp": 0, "fp": -300, "fn": -5000, "tn": 300}


def sk_counts(y_is_pos, scores, t, w=None):
    tn, fp, fn, tp = confusion_matrix(
        y_is_pos, scores >= t, labels=[False, True], sample_weight=w
    ).ravel()
    return {"tp": float(tp), "fp": float(fp), "fn": float(fn), "tn": float(tn)}


@pytest.fixture
def explorer(credit):
    model, X, y = credit
    return ThresholdExplorer.from_estimator(
        model,
        X,
        y,
        pos_label="Yes",
        noun="applicants",
        labels="lending",
        payoff=PAYOFF,
        population=12_000,
    )


def test_from_estimator_matches_sklearn(credit, explorer):
    model, X, y = credit
    proba = model.predict_proba(X)[:, list(model.classes_).index("Yes")]
    for t in (0.02, 0.05, 0.15, 0.3, explorer.threshold):
        explorer.threshold = t
        s = explorer.summary()
        assert s["threshold"] == t
        assert s["counts"] == sk_counts(np.asarray(y) == "Yes", proba, t)
        assert sum(s["per_100"].values()) == 100


def test_sample_weight_counts(credit):
    model, X, y = credit
    w = np.asarray(X["loan_amount"], dtype=float)
    ex = ThresholdExplorer.from_estimator(model, X, y, pos_label="Yes", sample_weight=w)
    proba = model.predict_proba(X)[:, 1]
    ex.threshold = 0.1
    got = ex.summary()["counts"]
    want = sk_counts(np.asarray(y) == "Yes", proba, 0.1, w)
    for k in want:
        assert got[k] == pytest.approx(want[k], rel=1e-9)
    assert ex.curve["weighted"] is True
    assert "tp_cases" in ex.curve


def test_from_predictions_equals_from_estimator(credit, explorer):
    model, X, y = credit
    proba = model.predict_proba(X)[:, 1]
    ex2 = ThresholdExplorer.from_predictions(y, proba, pos_label="Yes", payoff=PAYOFF)
    assert ex2.best_threshold() == explorer.best_threshold()
    ex2.threshold = explorer.threshold
    assert ex2.summary()["counts"] == explorer.summary()["counts"]


def test_value_and_best_threshold(credit, explorer):
    model, X, y = credit
    proba = model.predict_proba(X)[:, 1]
    is_pos = np.asarray(y) == "Yes"
    best = explorer.best_threshold()
    explorer.threshold = best
    best_value = explorer.summary()["value_per_100"]
    for t in np.unique(proba)[::25]:
        c = sk_counts(is_pos, proba, t)
        v = sum(PAYOFF[k] * c[k] for k in c) / len(proba) * 100
        assert v <= best_value + 1e-9
    s = explorer.summary()
    assert s["value_for_population"] == pytest.approx(best_value * 120)
    t, values = explorer.value_curve()  # what the static picture draws
    assert values[np.searchsorted(t, best)] == best_value
    assert explorer.break_even() == pytest.approx(600 / 5600)


def test_threshold_set_from_python_joins_the_synced_curve(explorer):
    explorer.threshold = 0.123456789
    thresholds = np.frombuffer(explorer.curve["thresholds"], dtype="<f8")
    assert 0.123456789 in thresholds
    i = int(np.flatnonzero(thresholds == 0.123456789)[0])
    tp = np.frombuffer(explorer.curve["tp"], dtype="<f8")[i]
    assert tp == explorer.summary()["counts"]["tp"]


def test_synced_state_is_compact(explorer):
    state = explorer.get_state()
    size = sum(len(v) for v in state["curve"].values() if isinstance(v, bytes | memoryview))
    assert size <= 64_000
    assert len(np.frombuffer(explorer.curve["thresholds"], dtype="<f8")) <= 1010


def test_payoff_change_recomputes_best_and_presets(explorer):
    before = explorer.best_threshold()
    explorer.payoff = {"tp": 0, "fp": -2000, "fn": -5000, "tn": 300}
    after = explorer.best_threshold()
    assert after > before  # false alarms cost more: act on fewer
    ids = [p["id"] for p in explorer.presets]
    assert ids == ["catch_more", "fewer_false_alarms", "balanced", "best_value"]
    assert next(p for p in explorer.presets if p["id"] == "best_value")["threshold"] == after


def test_presets_mean_what_they_say(credit, explorer):
    model, X, y = credit
    proba = model.predict_proba(X)[:, 1]
    is_pos = np.asarray(y) == "Yes"
    p = explorer.preset_thresholds()
    c = sk_counts(is_pos, proba, p["catch_more"])
    assert c["tp"] / (c["tp"] + c["fn"]) >= 0.9
    c = sk_counts(is_pos, proba, p["fewer_false_alarms"])
    assert c["fp"] / (c["fp"] + c["tn"]) <= 0.05
    assert p["catch_more"] < p["balanced"] < p["fewer_false_alarms"]


def test_labels_and_sentence(explorer):
    explorer.threshold = explorer.best_threshold()
    s = explorer.summary()
    assert s["sentence"].startswith("Of every 100 applicants: ")
    assert (
        "good customers turned away" in s["sentence"]
        or "good customer turned away" in s["sentence"]
    )
    ex = ThresholdExplorer.from_predictions(
        [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.2], labels={"tp": ("hit", "hits")}
    )
    assert ex.labels["tp"] == ["hit", "hits"]
    assert ex.labels["fn"] == ["missed", "missed"]


def test_mark_case(explorer):
    explorer.mark_case(0.15, label="Applicant #1042")
    assert explorer.marked_cases == [{"score": 0.15, "label": "Applicant #1042"}]
    explorer.clear_marks()
    assert explorer.marked_cases == []
    with pytest.raises(TypeError, match="score must be a number"):
        explorer.mark_case("high")


def test_static_picture_in_display_data(explorer):
    data, _ = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG")


def test_decision_function_and_negative_class_as_positive():
    X, y = make_classification(600, random_state=0)
    svc = LinearSVC().fit(X, y)
    ex = ThresholdExplorer.from_estimator(svc, X, y)
    assert ex.is_probability is False
    d = svc.decision_function(X)
    ex.threshold = 0.0
    assert ex.summary()["counts"] == sk_counts(y == 1, d, 0.0)
    ex0 = ThresholdExplorer.from_estimator(svc, X, y, pos_label=0)
    ex0.threshold = 0.0
    assert ex0.summary()["counts"] == sk_counts(y == 0, -d, 0.0)


def test_multiclass_with_pos_label_is_one_vs_rest():
    X, y = make_classification(900, n_classes=3, n_informative=4, random_state=0)
    model = LogisticRegression(max_iter=500).fit(X, y)
    ex = ThresholdExplorer.from_estimator(model, X, y, pos_label=2)
    proba = model.predict_proba(X)[:, 2]
    ex.threshold = 0.4
    assert ex.summary()["counts"] == sk_counts(y == 2, proba, 0.4)


# ---------------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def small():
    X, y = make_classification(200, random_state=0)
    return X, y, LogisticRegression().fit(X, y)


def test_unfitted_estimator_raises_not_fitted(small):
    X, y, model = small
    with pytest.raises(NotFittedError):
        ThresholdExplorer.from_estimator(clone(model), X, y)


def test_regressor_is_refused(small):
    X, y, _ = small
    with pytest.raises(TypeError, match="needs a fitted classifier"):
        ThresholdExplorer.from_estimator(LinearRegression().fit(X, y), X, y)


def test_multiclass_without_pos_label():
    X, y = make_classification(300, n_classes=3, n_informative=4, random_state=0)
    model = LogisticRegression(max_iter=500).fit(X, y)
    with pytest.raises(ValueError, match="pass pos_label= one of them"):
        ThresholdExplorer.from_estimator(model, X, y)


@pytest.mark.parametrize(
    ("y_true", "y_score", "kwargs", "error", "match"),
    [
        ([1, 1, 1], [0.1, 0.2, 0.3], {}, ValueError, "only one class"),
        ([0, 1, 1], [0.1, np.nan, 0.3], {}, ValueError, "NaN or infinite"),
        ([0, 1, 1], [0.1, np.inf, 0.3], {}, ValueError, "NaN or infinite"),
        ([0, 1, 1], [0.1, 0.3], {}, ValueError, "one score per case"),
        ([], [], {}, ValueError, "empty"),
        (["a", "b"], [0.1, 0.9], {}, ValueError, "pos_label="),
        (["a", "b"], [0.1, 0.9], {"pos_label": "c"}, ValueError, "not one of the classes"),
        ([0, 1], [0.1, 0.9], {"payoff": {"tp": "x"}}, TypeError, "must be a number"),
        ([0, 1], [0.1, 0.9], {"threshold": 2.0}, traitlets.TraitError, "outside the scores' range"),
        ([0, 1], [0.1, 0.9], {"sample_weight": [1, -1]}, ValueError, "must not be negative"),
        ([0, 1], [0.1, 0.9], {"population": -5}, ValueError, "population"),
        ([0, 1], [0.1, 0.9], {"currency": "dollars"}, ValueError, "3-letter"),
        ([0, 1], [0.1, 0.9], {"labels": "banking"}, ValueError, "unknown label preset"),
    ],
)
def test_bad_predictions(y_true, y_score, kwargs, error, match):
    with pytest.raises(error, match=match):
        ThresholdExplorer.from_predictions(y_true, y_score, **kwargs)


def test_xy_length_mismatch(small):
    X, y, model = small
    with pytest.raises(ValueError, match="X has 200 rows but y has 199"):
        ThresholdExplorer.from_estimator(model, X, y[:-1])


def test_pos_label_not_in_y(small):
    X, y, model = small
    with pytest.raises(ValueError, match="not one of the classes"):
        ThresholdExplorer.from_estimator(model, X, y, pos_label="Yes")


def test_threshold_outside_range_from_python(small):
    X, y, model = small
    ex = ThresholdExplorer.from_estimator(model, X, y)
    with pytest.raises(traitlets.TraitError, match="outside the scores' range"):
        ex.threshold = 1.5
    with pytest.raises(traitlets.TraitError, match="threshold must be a number"):
        ex.threshold = "0.5"


def test_unknown_keyword_is_a_type_error(small):
    X, y, model = small
    with pytest.raises(TypeError, match="unexpected keyword"):
        ThresholdExplorer.from_estimator(model, X, y, treshold=0.5)
    with pytest.raises(TypeError, match="ScoreSet"):
        ThresholdExplorer(scores=[0.1, 0.2])


def test_best_threshold_needs_payoff(small):
    X, y, model = small
    ex = ThresholdExplorer.from_estimator(model, X, y)
    with pytest.raises(ValueError, match="needs money per outcome"):
        ex.best_threshold()


def test_pandas_inputs_accepted(credit):
    model, X, y = credit
    assert isinstance(X, pd.DataFrame)
    ex = ThresholdExplorer.from_estimator(model, X, y.to_frame(), pos_label="Yes")
    assert ex.pos_label == "Yes"


def test_is_probability_can_be_stated():
    y, s = [0, 1, 1, 0, 1], [0.1, 0.9, 0.8, 0.2, 0.4]
    assert ThresholdExplorer.from_predictions(y, s).is_probability is True
    assert ThresholdExplorer.from_predictions(y, s, is_probability=False).is_probability is False
    assert ThresholdExplorer.from_predictions(y, [-1, 2, 3, 0, 1]).is_probability is False
    with pytest.raises(TypeError, match="is_probability"):
        ThresholdExplorer.from_predictions(y, s, is_probability="yes")


def test_manager_text_has_no_unexplained_jargon(explorer):
    """Everything the explorer says in words passes the same check the deck export runs."""
    from explainwidgets.core.jargon import find_jargon
    from explainwidgets.core.labels import LABEL_PRESETS
    from explainwidgets.threshold_explorer import PRESETS

    texts = [t for pair in PRESETS.values() for t in pair]
    for labels in LABEL_PRESETS.values():
        for value in labels.values():
            texts.extend(value if isinstance(value, tuple) else [value])
    for t in (explorer.best_threshold(), *explorer.preset_thresholds().values()):
        explorer.threshold = t
        texts.append(explorer.summary()["sentence"])
    assert [(t, find_jargon(t)) for t in texts if find_jargon(t)] == []


# ---------------------------------------------------------------------- review fixes
def test_starting_threshold_equal_to_the_trait_default_joins_the_curve():
    ex = ThresholdExplorer.from_predictions([0, 0, 1, 1], [-1, -0.5, 0.5, 1.0], threshold=0.0)
    thresholds = np.frombuffer(ex.curve["thresholds"], dtype="<f8")
    assert 0.0 in thresholds  # the browser shows exactly summary() at 0.0, not at -0.5
    assert ex.summary()["per_100"] == {"tp": 50, "fp": 0, "fn": 0, "tn": 50}


def test_thresholds_set_from_python_do_not_grow_the_curve(explorer):
    base = len(np.frombuffer(explorer.curve["thresholds"], dtype="<f8"))
    for t in np.linspace(0.0201, 0.2999, 300):
        explorer.threshold = float(t)
    after = np.frombuffer(explorer.curve["thresholds"], dtype="<f8")
    assert len(after) <= base + 1
    assert explorer.threshold in after


def test_numpy_numbers_are_thresholds_and_bools_are_not(explorer):
    explorer.threshold = np.float32(0.1)
    assert explorer.threshold == float(np.float32(0.1))
    with pytest.raises(traitlets.TraitError, match="must be a number"):
        explorer.threshold = True


@pytest.mark.parametrize(
    ("given", "stored"), [("de_DE", "de-DE"), ("fr", "fr"), ("en-GB", "en-GB")]
)
def test_locale_is_a_language_tag(given, stored):
    ex = ThresholdExplorer.from_predictions([0, 1], [0.1, 0.9], locale=given)
    assert ex.locale == stored


def test_bad_locale_noun_population_labels_are_refused_also_later(explorer):
    with pytest.raises(ValueError, match="language tag"):
        ThresholdExplorer.from_predictions([0, 1], [0.1, 0.9], locale="German (Germany)")
    with pytest.raises(traitlets.TraitError, match="language tag"):
        explorer.locale = "de DE"
    with pytest.raises(traitlets.TraitError, match="population"):
        explorer.population = -5
    with pytest.raises(traitlets.TraitError, match="noun"):
        explorer.noun = ""
    explorer.labels = {"tp": "hits"}  # a partial set is completed from the generic words
    assert explorer.labels["fn"] == ["missed", "missed"]
    assert "hits" in explorer.summary()["sentence"]
    explorer.population = np.int64(1000)
    assert explorer.population == 1000


def test_a_class_with_zero_total_weight_is_a_clear_error():
    with pytest.raises(ValueError, match="every negative case has sample_weight 0"):
        ThresholdExplorer.from_predictions(
            [0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], sample_weight=[0, 0, 1, 1]
        )
    with pytest.raises(ValueError, match="every positive case has sample_weight 0"):
        ThresholdExplorer.from_predictions(
            [0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], sample_weight=[1, 1, 0, 0]
        )


def test_float_labels_zero_one_need_no_pos_label():
    ex = ThresholdExplorer.from_predictions([0.0, 1.0, 1.0, 0.0], [0.1, 0.9, 0.8, 0.2])
    assert ex.pos_label == 1.0


def test_scores_spanning_the_whole_float_range():
    rng = np.random.default_rng(0)
    s = np.concatenate([[-1.5e308, 1.5e308], rng.normal(size=3000)])
    y = rng.random(len(s)) < 0.3
    y[:2] = [False, True]
    ex = ThresholdExplorer.from_predictions(y, s, is_probability=False)
    assert sum(ex.summary()["per_100"].values()) == 100


@pytest.mark.parametrize(
    ("y_true", "y_score", "match"),
    [
        ([0, 1, 1], ["0.1", "0.9", "0.8"], "must be numbers"),
        ([0, None, 1], [0.1, 0.9, 0.8], "None"),
    ],
)
def test_text_scores_and_missing_labels_are_refused(y_true, y_score, match):
    with pytest.raises(ValueError, match=match):
        ThresholdExplorer.from_predictions(y_true, y_score)


def test_pandas_nullable_labels():
    y = pd.array([True, False, True, False], dtype="boolean")
    ex = ThresholdExplorer.from_predictions(y, [0.9, 0.1, 0.8, 0.3])
    assert ex.pos_label is True
    with pytest.raises(ValueError, match="missing"):
        ThresholdExplorer.from_predictions(
            pd.array([True, None, True, False], dtype="boolean"), [0.9, 0.1, 0.8, 0.3]
        )
