"""The UncertaintySpectrum widget: from_estimator on messy data, hand placement, errors."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.exceptions import NotFittedError
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC

from explainwidgets.datasets import CREDIT_CATEGORICAL, CREDIT_NUMERIC, make_credit_applicants
from explainwidgets.uncertainty_spectrum import Statement, UncertaintySpectrum

NUM = list(CREDIT_NUMERIC)
CAT = list(CREDIT_CATEGORICAL)


def credit_model():
    pre = make_column_transformer(
        (make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUM),
        (OneHotEncoder(handle_unknown="ignore"), CAT),
    )
    return make_pipeline(pre, LogisticRegression(solver="newton-cholesky"))


@pytest.fixture(scope="module")
def credit():
    X, y = make_credit_applicants(4000, random_state=3, default_rate=0.1)
    X_train, y_train = X.iloc[:3000], y.iloc[:3000]
    X_test, y_test = X.iloc[3000:], y.iloc[3000:]
    model = credit_model().fit(X_train, y_train)
    return model, X_train, y_train, X_test, y_test


@pytest.fixture(scope="module")
def spectrum(credit):
    model, X_train, y_train, X_test, _ = credit
    cases = X_test.iloc[:4].copy()
    odd = X_test.iloc[[0]].copy()
    odd.index = [99]
    odd["income"] = X_train.income.max() * 10
    odd["employment"] = "retired"
    cases = pd.concat([cases, odd])
    cases.loc[cases.index[1], "income"] = np.nan  # the pipeline imputes it: fine
    return UncertaintySpectrum.from_estimator(
        model,
        X_train,
        y_train,
        cases,
        pos_label="Yes",
        n_resamples=30,
        random_state=0,
        noun="applicants",
        outcome="default",
        threshold=0.2,
        progress=False,
    ), cases


def test_from_estimator_items(credit, spectrum):
    model = credit[0]
    sp, cases = spectrum
    assert len(sp.items) == 5
    p = model.predict_proba(cases)[:, list(model.classes_).index("Yes")]
    for item, p_i in zip(sp.items, p, strict=True):
        assert item.estimate == pytest.approx(p_i)
        lo, hi = item.interval
        assert 0 <= lo <= hi <= 1  # the spread of the refits; not widened to hold the estimate
        said = any("lies outside where its retrained copies land" in r for r in item.reasons)
        assert said == (item.steps["bias"] == 2)
        assert item.level in UncertaintySpectrum.LEVELS
        assert item.reasons
        assert "applicants like this one default" in item.text
    first = sp.items[0]
    assert first.label == f"Applicant {cases.index[0]}"
    assert any(r.startswith("the model's answer") for r in first.reasons)
    assert all(s.detail.startswith("Technical:") for s in sp.items)
    assert UncertaintySpectrum.LEVELS[0] == "Certain"
    assert UncertaintySpectrum.LEVELS[-1] == "Highly speculative"


def test_case_outside_training_is_highly_speculative_and_says_why(spectrum):
    sp, _ = spectrum
    odd = sp.items[-1]
    assert odd.label == "Applicant 99"
    assert odd.level == "Highly speculative"
    text = " ".join(odd.reasons)
    assert "income is far above anything the model has seen" in text
    assert "employment is 'retired', which never occurs among the past applicants" in text


def test_synced_state_is_the_measured_summary(spectrum):
    sp, _ = spectrum
    st = sp.statements[0]
    assert set(st) >= {"label", "text", "level", "level_index", "estimate", "lo", "hi", "reasons"}
    assert st["lo"] == sp.items[0].interval[0]
    assert sp.levels == list(UncertaintySpectrum.LEVELS)
    assert "retrainings on reshuffled past data" in sp.note
    assert "not where the true chance must lie" in sp.note
    assert "refits" not in sp.note
    assert "LogisticRegression" not in sp.note
    assert "LogisticRegression" in sp.detail
    assert "out-of-bag" in sp.detail
    assert st["detail"].startswith("Technical:")
    assert st["per"] in (100, 1000)
    assert st["lo_shown"] <= st["hi_shown"]
    assert sp.threshold == 0.2


def test_decisions_at_a_threshold(spectrum):
    sp, _ = spectrum
    expected = []
    for s in sp.items:
        lo, hi = s.shown  # decided on the numbers shown, the cut-off in the same unit
        t = round(0.2 * s.per)
        expected.append("flag" if lo >= t else "no flag" if hi < t else "either")
    assert sp.decisions() == expected
    first = sp.items[0]
    mid = (first.shown[0] + first.shown[1]) / 2 / first.per
    sp2 = UncertaintySpectrum(items=sp.items, threshold=mid)
    assert sp2.decisions()[0] == "either"
    assert "could go either way" in sp2.summary()


def test_static_picture_in_the_output(spectrum):
    sp, _ = spectrum
    fig = sp.to_figure()
    assert len(fig.axes) >= 1 + len(sp.items)
    data, _ = sp._repr_mimebundle_()
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_n_jobs_gives_the_same_ranges():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = (rng.random(400) < 1 / (1 + np.exp(-X[:, 0]))).astype(int)
    model = LogisticRegression(solver="newton-cholesky").fit(X, y)
    kw = {"n_resamples": 20, "random_state": 5, "progress": False}
    a = UncertaintySpectrum.from_estimator(model, X, y, X[:3], n_jobs=1, **kw)
    b = UncertaintySpectrum.from_estimator(model, X, y, X[:3], n_jobs=2, **kw)
    np.testing.assert_allclose([s.interval for s in a.items], [s.interval for s in b.items])
    assert [s.reasons for s in a.items] == [s.reasons for s in b.items]


def test_calibration_set_route(credit):
    model, X_train, y_train, X_test, y_test = credit
    sp = UncertaintySpectrum.from_estimator(
        model,
        X_train,
        y_train,
        X_test.iloc[:2],
        pos_label="Yes",
        n_resamples=20,
        random_state=0,
        X_calib=X_test.iloc[100:],
        y_calib=y_test.iloc[100:],
        progress=False,
    )
    assert sp.measurements.calibration_source == "calibration set"
    reasons = [r for s in sp.items for r in s.reasons]
    assert any("past cases the model did not learn from" in r for r in reasons)
    assert not any("out-of-bag" in r or "retrained without them" in r for r in reasons)
    assert "separate set of past cases the model did not learn from" in sp.note
    assert "calibration set (X_calib, y_calib)" in sp.detail


def test_progress_bar_runs(credit, capsys):
    model, X_train, y_train, X_test, _ = credit
    UncertaintySpectrum.from_estimator(
        model, X_train, y_train, X_test.iloc[:1], pos_label="Yes", n_resamples=20, random_state=0
    )
    err = capsys.readouterr().err
    assert "refitting" in err
    assert "/20" in err


# ----------------------------------------------------------------------------- by hand


def test_statements_placed_by_hand():
    sp = UncertaintySpectrum(
        items=[
            ("Churn rose in segment B", "certain"),
            ("The price change caused it", "highly speculative"),
            {"text": "Segment C will follow", "level": "Speculative", "reasons": "one quarter"},
        ]
    )
    assert [s.level for s in sp.items] == ["Certain", "Highly speculative", "Speculative"]
    assert sp.items[0].estimate is None
    assert sp.items[2].reasons == ("one quarter",)
    assert sp.statements[1]["level_index"] == 4
    assert sp.decisions() == [None, None, None]
    summary = sp.summary().splitlines()
    assert summary[0] == "[How sure: Certain] Churn rose in segment B"


def test_measured_and_hand_statements_on_one_bar(spectrum):
    sp, _ = spectrum
    both = UncertaintySpectrum(items=[*sp.items[:2], ("Churn rose in segment B", 0)])
    assert len(both.statements) == 3
    assert both.items[0] is sp.items[0]
    assert isinstance(both.items[2], Statement)


def test_text_is_kept_as_text():
    evil = "<img src=x onerror=alert(1)> & </script>"
    sp = UncertaintySpectrum(items=[(evil, "tentative", [evil])], title=evil)
    assert sp.statements[0]["text"] == evil  # the browser puts it in as text (JS test)
    assert sp.title == evil


# ----------------------------------------------------------------------------- threshold explorer


def test_follows_a_threshold_explorer(credit, spectrum):
    from explainwidgets.threshold_explorer import ThresholdExplorer

    model, _, _, X_test, y_test = credit
    ex = ThresholdExplorer.from_estimator(model, X_test, y_test, pos_label="Yes")
    sp0, _ = spectrum
    sp = UncertaintySpectrum(items=sp0.items, threshold=ex)
    assert sp.threshold_source is ex
    assert sp.threshold == pytest.approx(ex.threshold)
    ex.threshold = 0.35
    assert sp.threshold == pytest.approx(0.35)
    assert sp.get_state()["threshold_source"] == f"IPY_MODEL_{ex.model_id}"


def test_threshold_explorer_on_raw_scores_is_refused():
    class Raw:
        threshold = 2.5
        is_probability = False

    with pytest.raises(ValueError, match="not probabilities"):
        UncertaintySpectrum(items=[("x", "certain")], threshold=Raw())


# ----------------------------------------------------------------------------- bad input


def fit_args(credit):
    model, X_train, y_train, X_test, _ = credit
    return model, X_train, y_train, X_test.iloc[:2]


def test_regressor_is_refused(credit):
    _, X_train, y_train, X_test, _ = credit
    X = X_train[["loan_amount", "age"]]
    reg = LinearRegression().fit(X, (y_train == "Yes").astype(float))
    with pytest.raises(TypeError, match="needs a fitted classifier"):
        UncertaintySpectrum.from_estimator(reg, X, y_train, X_test[["loan_amount", "age"]])


def test_unfitted_model_is_refused(credit):
    _, X_train, y_train, X_test, _ = credit
    with pytest.raises(NotFittedError, match="not fitted yet: fit it"):
        UncertaintySpectrum.from_estimator(credit_model(), X_train, y_train, X_test.iloc[:2])


def test_no_probabilities_is_refused(credit):
    _, X_train, y_train, X_test, _ = credit
    X = X_train[["loan_amount", "age"]]
    svc = LinearSVC().fit(X / 1000, y_train)
    with pytest.raises(TypeError, match="CalibratedClassifierCV"):
        UncertaintySpectrum.from_estimator(svc, X, y_train, X_test[["loan_amount", "age"]])


def test_cases_missing_columns(credit):
    model, X_train, y_train, cases = fit_args(credit)
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['segment', 'home'\]|lacks column"):
        UncertaintySpectrum.from_estimator(
            model, X_train, y_train, cases.drop(columns=["home", "segment"]), progress=False
        )
    with pytest.raises(TypeError, match="must be one too"):
        UncertaintySpectrum.from_estimator(model, X_train, y_train, cases.to_numpy())
    with pytest.raises(TypeError, match=r"double brackets, e.g. X_test.loc\[\[1042\]\]"):
        UncertaintySpectrum.from_estimator(model, X_train, y_train, cases.iloc[0])


def test_nan_the_model_cannot_handle(credit):
    _, X_train, y_train, _, _ = credit
    X = X_train[["income", "age"]].to_numpy()
    ok = ~np.isnan(X).any(axis=1)
    lr = LogisticRegression().fit(X[ok] / 1e4, y_train[ok])
    cases = np.array([[np.nan, 40.0]])
    with pytest.raises(
        ValueError,
        match=r"X_cases has missing values \(NaN\) in \['feature 0'\] and LogisticRegression "
        "cannot handle them. Put an imputer",
    ):
        UncertaintySpectrum.from_estimator(lr, X[ok] / 1e4, y_train[ok], cases, progress=False)
    with pytest.raises(ValueError, match=r"X_train has missing values \(NaN\) in \['feature 0'\]"):
        UncertaintySpectrum.from_estimator(lr, X / 1e4, y_train, X[ok][:1] / 1e4, progress=False)


def test_too_few_positives_to_resample():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.zeros(200, dtype=int)
    y[:3] = 1
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="only 3 case"):
        UncertaintySpectrum.from_estimator(model, X, y, X[:1], progress=False)


def test_too_few_resamples(credit):
    with pytest.raises(ValueError, match="at least 20"):
        UncertaintySpectrum.from_estimator(*fit_args(credit), n_resamples=10)


def test_calibration_set_with_one_class(credit):
    model, X_train, y_train, cases = fit_args(credit)
    no_ = y_train[y_train == "No"].index[:50]
    with pytest.raises(ValueError, match="calibration set has only one class"):
        UncertaintySpectrum.from_estimator(
            model, X_train, y_train, cases, X_calib=X_train.loc[no_], y_calib=y_train.loc[no_]
        )
    with pytest.raises(ValueError, match="both X_calib and y_calib"):
        UncertaintySpectrum.from_estimator(model, X_train, y_train, cases, X_calib=X_train)


def test_unknown_keywords_raise_type_error(credit):
    with pytest.raises(TypeError):
        UncertaintySpectrum(items=[("x", "certain")], colour="red")
    with pytest.raises(TypeError):
        UncertaintySpectrum.from_estimator(*fit_args(credit), n_boot=200)
    with pytest.raises(TypeError):
        UncertaintySpectrum([("x", "certain")])


@pytest.mark.parametrize(
    ("items", "err", "match"),
    [
        ([], ValueError, "items is empty"),
        ("Churn rose", TypeError, "list of statements"),
        ([("x", "sure")], ValueError, r"item 1 \('x'\): unknown level 'sure'"),
        ([("", "certain")], ValueError, "non-empty"),
        ([("x",)], TypeError, "must be"),
        ([{"text": "x"}], ValueError, "needs 'text' and 'level'"),
    ],
)
def test_bad_items(items, err, match):
    with pytest.raises(err, match=match):
        UncertaintySpectrum(items=items)


def test_bad_threshold_and_coverage(credit):
    with pytest.raises(ValueError, match="between 0 and 1"):
        UncertaintySpectrum(items=[("x", "certain")], threshold=15)
    with pytest.raises(ValueError, match="coverage"):
        UncertaintySpectrum.from_estimator(*fit_args(credit), coverage=95, progress=False)


# ----------------------------------------------------------------------------- manager wording


BANNED = (
    "held-out (out-of-bag)",
    "out-of-bag",
    "refits",
    "resampled",
    "decision threshold",
    "(LogisticRegression",
    "pipeline",
    "Likelihood:",
    "Confidence:",
    " 1 are ",
    "turn out",
)


def manager_strings(sp):
    out = [sp.note, sp.title]
    for s in sp.items:
        out += [s.text, s.label, *s.reasons, f"How sure: {s.level}", f"Chance: {s.likelihood}"]
        if s.interval is not None:
            for t in (0.05, 0.2, 0.5):
                out.append(s.decision_text(t))
    return [x for x in out if x]


def test_manager_facing_text_has_no_jargon(spectrum):
    from explainwidgets.core.jargon import find_jargon

    sp, _ = spectrum
    texts = manager_strings(sp)
    assert len(texts) > 20
    for t in texts:
        assert find_jargon(t) == [], (t, find_jargon(t))
        for bad in BANNED:
            assert bad not in t, (bad, t)
    # technical terms are kept, but only in the technical detail
    assert "bootstrap" in sp.detail
    assert all("bootstrap" in s.detail for s in sp.items)


def test_one_denominator_per_card(spectrum):
    import re

    sp, _ = spectrum
    for s in sp.items:
        units = set(re.findall(r"in (100|1,000)\b", " ".join([s.text, *s.reasons])))
        assert len(units) == 1, (s.text, s.reasons)
        assert f"in {s.per:,})" in s.decision_text(0.2)


def test_a_case_that_is_a_training_row_is_flagged(credit):
    model, X_train, y_train, _, _ = credit
    sp = UncertaintySpectrum.from_estimator(
        model,
        X_train,
        y_train,
        X_train.iloc[:1],
        pos_label="Yes",
        n_resamples=20,
        random_state=0,
        noun="applicants",
        outcome="default",
        progress=False,
    )
    assert any(
        "this applicant is also one of the past applicants the model learned from" in r
        for r in sp.items[0].reasons
    )


def test_outcome_defaults_to_the_class_name(credit):
    model, X_train, y_train, X_test, _ = credit
    sp = UncertaintySpectrum.from_estimator(
        model,
        X_train,
        y_train,
        X_test.iloc[:1],
        pos_label="Yes",
        n_resamples=20,
        random_state=0,
        progress=False,
    )
    text = " ".join([sp.items[0].text, *sp.items[0].reasons])
    assert "cases like this one are in class 'Yes'" in sp.items[0].text
    assert "turn out" not in text
    assert " 1 are " not in text
    with pytest.raises(ValueError, match="outcome must be a few words"):
        UncertaintySpectrum.from_estimator(*fit_args(credit), outcome="  ", progress=False)


# ----------------------------------------------------------------------------- data support


@pytest.fixture(scope="module")
def id_and_date():
    """The reviewer's a2 case: an ID dropped by remainder="drop" and a date the model ignores."""
    rng = np.random.default_rng(0)
    n = 400
    df = pd.DataFrame(
        {
            "customer_id": np.arange(n),
            "income": rng.normal(50, 10, n),
            "region": pd.Categorical(rng.choice(["N", "S", "E"], n)),
            "signup": pd.date_range("2020-01-01", periods=n, freq="D"),
        }
    )
    y = (rng.random(n) < 1 / (1 + np.exp(-(df.income - 50) / 10))).astype(int)
    ct = make_column_transformer(
        (StandardScaler(), ["income"]),
        (OneHotEncoder(handle_unknown="ignore"), ["region"]),
        remainder="drop",
    )
    pipe = make_pipeline(ct, LogisticRegression()).fit(df, y)
    new = pd.DataFrame(
        {
            "signup": pd.to_datetime(["2021-06-01"]),
            "region": pd.Categorical(["N"]),
            "income": [50.0],
            "customer_id": [n + 5],
            "extra": [1],
        }
    )
    return pipe, df, y, new


def test_support_uses_only_the_columns_the_model_uses(id_and_date):
    from explainwidgets.core.uncertainty import used_columns

    pipe, df, y, new = id_and_date
    assert used_columns(pipe, df) == [1, 2]  # income, region; not customer_id or signup
    sp = UncertaintySpectrum.from_estimator(
        pipe, df, y, new, n_resamples=20, random_state=0, progress=False
    )
    text = " ".join(sp.items[0].reasons)
    assert "customer_id" not in text
    assert "signup" not in text
    assert sp.items[0].level != "Highly speculative"  # was: the date "never occurs"


def test_support_columns_override(id_and_date):
    pipe, df, y, new = id_and_date
    kw = {"n_resamples": 20, "random_state": 0, "progress": False}
    inside = new.assign(signup=pd.to_datetime(["2020-06-01"]))  # training: 2020-01 .. 2021-02
    sp = UncertaintySpectrum.from_estimator(
        pipe, df, y, inside, support_columns=["income", "region", "signup"], **kw
    )
    assert "signup" not in " ".join(sp.items[0].reasons)  # a date in range: a number
    far = new.assign(signup=pd.to_datetime(["2035-01-01"]))
    sp2 = UncertaintySpectrum.from_estimator(
        pipe, df, y, far, support_columns=["income", "signup"], **kw
    )
    assert any("signup is far above anything" in r for r in sp2.items[0].reasons)
    with pytest.raises(ValueError, match="'nope' is not a column of X_train"):
        UncertaintySpectrum.from_estimator(pipe, df, y, new, support_columns=["nope"], **kw)
    with pytest.raises(TypeError, match="support_columns must be a list"):
        UncertaintySpectrum.from_estimator(pipe, df, y, new, support_columns="income", **kw)
