"""The measurements and the placement rule of core.uncertainty (no widgets)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explainwidgets.core.uncertainty import (
    LEVELS,
    LIKELIHOOD_WORDS,
    CalibrationCheck,
    Support,
    SupportModel,
    Unusual,
    calibration_check,
    decision,
    decision_text,
    describe_case,
    honest_numbers,
    level_name,
    likelihood_word,
    place,
    range_step,
    threshold_value,
)

steps = st.integers(0, 4)


# ----------------------------------------------------------------------------- placement rule


@given(steps, steps, steps)
def test_placement_is_the_weakest_measurement(r, s, c):
    p = place(r, s, c)
    assert p.level == max(r, s, c)
    assert p.name == LEVELS[max(r, s, c)]
    assert p.steps == {"range": r, "support": s, "calibration": c}


@given(steps, steps, steps, st.sampled_from(["range", "support", "calibration"]))
def test_placement_never_gets_surer_when_a_measurement_worsens(r, s, c, which):
    base = {"range": r, "support": s, "calibration": c}
    worse = dict(base)
    worse[which] = min(4, worse[which] + 1)
    assert place(**_args(worse)).level >= place(**_args(base)).level


def _args(d):
    return {"range_s": d["range"], "support_s": d["support"], "calibration_s": d["calibration"]}


def test_placement_rejects_steps_out_of_range():
    with pytest.raises(ValueError, match=r"support step must be 0\.\.4"):
        place(0, 5, 0)


def test_levels_order_and_names():
    assert LEVELS[0] == "Certain"
    assert LEVELS[-1] == "Highly speculative"
    assert level_name("highly speculative") == "Highly speculative"
    assert level_name("Highly_Speculative") == "Highly speculative"
    assert level_name(1) == "Confident"
    with pytest.raises(ValueError, match="unknown level 'sure'"):
        level_name("sure")
    with pytest.raises(ValueError, match="level index"):
        level_name(7)


@pytest.mark.parametrize(
    ("lo", "hi", "step"),
    [
        (0.13, 0.17, 0),  # 4 points wide, odds ratio 1.37
        (0.11, 0.19, 1),  # 8 points
        (0.40, 0.55, 2),  # 15 points
        (0.30, 0.65, 3),  # 35 points
        (0.10, 0.70, 4),  # 60 points
        (0.01, 0.04, 2),  # narrow in points, but a factor 4.1 in odds
        (1e-12, 0.025, 1),  # below 1 in 100 counts as 1 in 100: a factor 2.5, not infinity
        (0.0001, 0.001, 0),  # both "almost never": odds ratio ignored below 2 in 100
        (0.9995, 0.99999, 0),  # both "almost always"
    ],
)
def test_range_step_table(lo, hi, step):
    assert range_step(lo, hi).step == step


def test_range_step_rejects_a_reversed_range():
    with pytest.raises(ValueError, match="lo <= hi"):
        range_step(0.3, 0.2)


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 0.2))
def test_a_wider_range_is_never_surer(a, b, extra):
    lo, hi = min(a, b), max(a, b)
    wider = range_step(max(0.0, lo - extra), min(1.0, hi + extra))
    assert wider.step >= range_step(lo, hi).step


# ----------------------------------------------------------------------------- words and digits


@pytest.mark.parametrize(
    ("p", "word"),
    [
        (0.005, "exceptionally unlikely"),
        (0.05, "very unlikely"),
        (0.15, "unlikely"),
        (0.5, "about as likely as not"),
        (0.7, "likely"),
        (0.95, "very likely"),
        (0.995, "virtually certain"),
    ],
)
def test_likelihood_words(p, word):
    assert likelihood_word(p) == word


@pytest.mark.parametrize(
    ("est", "lo", "hi", "estimate_text", "range_text"),
    [
        (0.153, 0.11, 0.19, "15 in 100", "11 to 19 in 100"),
        (0.153, 0.05, 0.35, "15 in 100", "5 to 35 in 100"),  # step 5
        (0.153, 0.05, 0.62, "20 in 100", "0 to 70 in 100"),  # step 10, outward
        (0.153, 0.146, 0.159, "153 in 1,000", "146 to 159 in 1,000"),
        (0.04, 0.026, 0.058, "40 in 1,000", "25 to 60 in 1,000"),
        (1e-9, 1e-12, 1e-8, "fewer than 1 in 1,000", "0 to 1 in 1,000"),
    ],
)
def test_honest_numbers(est, lo, hi, estimate_text, range_text):
    n = honest_numbers(est, lo, hi)
    assert n.estimate_text == estimate_text
    assert n.range_text == range_text


@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_honest_rounding_never_narrows_the_range(a, b, c):
    lo, est, hi = sorted([a, b, c])
    n = honest_numbers(est, lo, hi)
    assert n.lo / n.per <= lo + 1e-9
    assert n.hi / n.per >= hi - 1e-9
    # no more digits than the range supports: the step is at most a quarter of its width,
    # or the finest step there is (1 in 1,000)
    width = (hi - lo) * n.per
    assert n.step <= max(width / 4, 1) or n.step == 1


# ----------------------------------------------------------------------------- data support


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    n = 2000
    return pd.DataFrame(
        {
            "balance": rng.gamma(2.0, 1000.0, n),
            "age": rng.integers(18, 80, n).astype(float),
            "region": rng.choice(["north", "south", "east"], n),
            "income": np.where(rng.random(n) < 0.05, np.nan, rng.normal(50_000, 9_000, n)),
        }
    )


def test_support_typical_case_has_about_k_look_alikes(train):
    sm = SupportModel(train)
    assert sm.k == 20
    sup = sm.support(train.iloc[:200])
    counts = np.array([s.look_alikes for s in sup])
    # a case is its own look-alike here (it is in the training data), hence about k + 1
    assert 0.3 * sm.k <= np.median(counts) <= 3 * sm.k
    assert sm.typical == pytest.approx(sm.k, rel=0.5)


def test_support_names_features_outside_the_training_data(train):
    sm = SupportModel(train)
    case = pd.DataFrame(
        {
            "balance": [train.balance.max() * 3],
            "age": [40.0],
            "region": ["west"],
            "income": [np.nan],
        }
    )
    (s,) = sm.support(case)
    kinds = {u.feature: (u.kind, u.far) for u in s.unusual}
    assert kinds["balance"] == ("above", True)
    assert kinds["region"] == ("unseen", True)
    assert "income" not in kinds  # 5 % of past incomes are missing too
    assert s.step() == 4
    texts = [u.text("applicants") for u in s.unusual]
    assert "balance is far above anything the model has seen" in texts
    assert any("'west'" in t for t in texts)


def test_support_slightly_outside_and_missing_never_seen(train):
    no_nan = train.assign(income=train.income.fillna(50_000))
    sm = SupportModel(no_nan)
    case = no_nan.iloc[[0]].copy()
    case["age"] = 81.0  # max is 79: just beyond, not far
    case["income"] = np.nan
    (s,) = sm.support(case)
    kinds = {u.feature: (u.kind, u.far) for u in s.unusual}
    assert kinds["age"] == ("above", False)
    assert kinds["income"] == ("missing", False)
    assert s.step() >= 3


def test_support_of_a_typical_case_and_a_crowded_one(train):
    sm = SupportModel(train)
    typical = Support(look_alikes=sm.typical, typical=sm.typical, n_train=len(train))
    assert typical.step() == 0
    assert Support(0.0, 20.0, 2000).step() == 3
    assert Support(3.0, 20.0, 2000).step() == 1  # 0.15 of typical: below 1/4
    assert Support(1.0, 20.0, 2000).step() == 2  # 0.05: below 1/10
    assert Support(6.0, 20.0, 2000).step() == 0


def test_support_on_numpy_arrays_names_columns():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 2))
    sm = SupportModel(X, feature_names=["a", "b"])
    (s,) = sm.support(np.array([[0.0, 100.0]]))
    assert [(u.feature, u.kind, u.far) for u in s.unusual] == [("b", "above", True)]


# ----------------------------------------------------------------------------- calibration


def test_calibration_held_up_and_off():
    rng = np.random.default_rng(0)
    s = rng.uniform(0, 0.4, 20_000)
    good = rng.random(20_000) < s
    bad = rng.random(20_000) < np.minimum(1, 2 * s)  # outcomes twice as frequent as scores say
    ok = calibration_check(0.15, s, good, source="calibration set")
    off = calibration_check(0.15, s, bad, source="calibration set")
    assert ok.n == 1000
    assert ok.band[0] <= 0.15 <= ok.band[1]
    assert ok.verdict == "held up"
    assert ok.step() == 0
    assert off.verdict == "off"
    assert off.step() == 2
    assert off.observed > off.predicted


def test_calibration_too_few_cases():
    c = calibration_check(0.3, [0.3] * 10, [True, False] * 5, source="out-of-bag")
    assert c.verdict == "too few"
    assert c.step() == 1


def test_calibration_somewhat_off():
    c = CalibrationCheck(n=1000, band=(0.1, 0.2), predicted=0.15, observed=0.19, source="x")
    assert c.verdict == "somewhat off"


# ----------------------------------------------------------------------------- reasons


def test_describe_case_reasons_in_words():
    sup = Support(look_alikes=12, typical=240, n_train=6000)
    cal = CalibrationCheck(n=300, band=(0.12, 0.18), predicted=0.15, observed=0.16, source="x")
    m = describe_case("7", 0.153, (0.11, 0.19), 0.9, sup, cal, noun="applicants", outcome="default")
    assert m.headline == "About 15 in 100 applicants like this one default — unlikely"
    assert m.likelihood == "unlikely"
    assert m.placement.steps == {"range": 1, "support": 2, "calibration": 0}
    assert m.placement.name == "Tentative"
    text = " | ".join(m.reasons)
    assert "the range is 11 to 19 in 100" in text
    assert "only 12 of 6,000 past applicants look like this one" in text
    assert "the scores held up" in text
    # the weakest measurement is said first
    assert m.reasons[0].startswith("only 12 of 6,000")


def test_describe_case_widens_the_range_to_hold_the_estimate():
    sup = Support(100, 100, 1000)
    cal = CalibrationCheck(300, (0.1, 0.2), 0.15, 0.15, "x")
    m = describe_case("1", 0.30, (0.10, 0.25), 0.9, sup, cal)
    assert m.interval == (0.10, 0.30)


def test_unusual_words():
    assert Unusual("balance", "above", True, 1e9).text("x") == (
        "balance is far above anything the model has seen"
    )
    assert Unusual("balance", "below", False, -1).step() == 3


# ----------------------------------------------------------------------------- threshold


class FakeExplorer:
    def __init__(self, t, is_probability=True):
        self.threshold = t
        self.is_probability = is_probability


def test_threshold_values_and_decisions():
    assert threshold_value(None) is None
    assert threshold_value(0.2) == 0.2
    assert threshold_value(FakeExplorer(0.3)) == 0.3
    with pytest.raises(ValueError, match="not probabilities"):
        threshold_value(FakeExplorer(1.5, is_probability=False))
    with pytest.raises(ValueError, match="between 0 and 1"):
        threshold_value(20)
    with pytest.raises(TypeError, match="ThresholdExplorer"):
        threshold_value("0.2")
    assert decision(0.11, 0.19, 0.15) == "either"
    assert decision(0.11, 0.19, 0.11) == "flag"  # flagged when score >= threshold
    assert decision(0.11, 0.19, 0.20) == "no flag"
    assert "could go either way" in decision_text(0.11, 0.19, 0.15)
    assert "(15 in 100)" in decision_text(0.11, 0.19, 0.15)


def test_round_half_up_matches_javascript():
    from explainwidgets.core.uncertainty import in_hundred

    assert in_hundred(0.125) == "13 in 100"  # Python's round() would say 12
    assert in_hundred(0.004) == "4 in 1,000"
    assert math.isclose(0.125 * 100, 12.5)


@settings(max_examples=50)
@given(st.floats(0.0, 1.0))
def test_likelihood_word_is_monotone(p):
    words = [w for _, w in LIKELIHOOD_WORDS]
    assert words.index(likelihood_word(p)) >= words.index(likelihood_word(p / 2))
