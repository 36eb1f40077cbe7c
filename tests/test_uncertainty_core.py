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


@given(steps, steps, steps, steps, steps, steps)
def test_placement_is_the_weakest_measurement(r, s, c, b, p_, loc):
    p = place(r, s, c, bias_s=b, positives_s=p_, local_s=loc)
    assert p.level == max(r, s, c, b, p_, loc)
    assert p.name == LEVELS[max(r, s, c, b, p_, loc)]
    assert p.steps == {
        "range": r,
        "support": s,
        "calibration": c,
        "bias": b,
        "positives": p_,
        "local": loc,
    }


KEYS = ["range", "support", "calibration", "bias", "positives"]


@given(steps, steps, steps, steps, steps, st.sampled_from(KEYS))
def test_placement_never_gets_surer_when_a_measurement_worsens(r, s, c, b, p_, which):
    base = dict(zip(KEYS, [r, s, c, b, p_], strict=True))
    worse = dict(base)
    worse[which] = min(4, worse[which] + 1)
    assert place(**_args(worse)).level >= place(**_args(base)).level


def _args(d):
    return {
        "range_s": d["range"],
        "support_s": d["support"],
        "calibration_s": d["calibration"],
        "bias_s": d["bias"],
        "positives_s": d["positives"],
    }


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
        (0.11, 0.19, 1),  # 8 points, odds ratio 1.9
        (0.40, 0.55, 2),  # 15 points
        (0.30, 0.65, 3),  # 35 points
        (0.10, 0.70, 4),  # 60 points
        (0.01, 0.04, 3),  # narrow in points, but a factor 4.1 in odds
        (0.02, 0.04, 2),  # a factor of 2 is not narrow, even at 2 points wide
        (0.003, 0.012, 3),  # 3 to 12 in 1,000: a factor of 4
        (1e-12, 0.025, 4),  # below 1 in 1,000 counts as 1 in 1,000: a factor 25, not infinity
        (0.00001, 0.0001, 0),  # both "almost never" (below 1 in 1,000)
        (0.99995, 0.99999, 0),  # both "almost always"
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
    assert Support(3.0, 20.0, 2000).step() == 1  # 0.15 of typical: below 1/2
    assert Support(1.0, 20.0, 2000).step() == 2  # 0.05: below 1/10
    assert Support(12.0, 20.0, 2000).step() == 0
    # fewer than 10 look-alikes is never a sure footing, however few a typical case has
    assert Support(6.0, 5.0, 400).step() == 1
    assert Support(30.0, 20.0, 2000, in_training=True).step() == 1


def test_support_wording_reserves_plenty_for_at_least_typical_and_ten():
    cal = CalibrationCheck(300, (0.1, 0.2), 0.15, 0.15, "calibration set")

    def sup_text(la, typ, n):
        m = describe_case("1", 0.15, (0.14, 0.16), 0.9, Support(la, typ, n), cal, noun="cases")
        return next(r for r in m.reasons if "look like this one" in r or "looks like" in r)

    assert "plenty" not in sup_text(2.0, 5.0, 400)  # the reviewer's "2 of 400 ... plenty"
    assert sup_text(2.0, 5.0, 400).startswith("only 2 of 400 past cases look like this one")
    assert "plenty" not in sup_text(6.0, 5.0, 400)  # as many as typical, but only 6
    assert "plenty" not in sup_text(12.0, 20.0, 2000)  # ratio 0.6
    assert "plenty of experience" in sup_text(25.0, 20.0, 2000)
    assert "1 of 400 past cases looks like" in sup_text(1.0, 5.0, 400)


def test_support_treats_dates_as_numbers():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "x": rng.normal(size=300),
            "signup": pd.date_range("2020-01-01", periods=300, freq="D"),
        }
    )
    sm = SupportModel(df)
    case = pd.DataFrame({"x": [0.0], "signup": pd.to_datetime(["2020-06-01"])})
    (s,) = sm.support(case)
    assert s.unusual == ()  # a date inside the range is not "never seen"
    assert s.look_alikes > 0
    late = pd.DataFrame({"x": [0.0], "signup": pd.to_datetime(["2030-01-01"])})
    (s2,) = sm.support(late)
    assert [(u.feature, u.kind, u.far) for u in s2.unusual] == [("signup", "above", True)]
    tz = df.assign(signup=df.signup.dt.tz_localize("UTC"))
    (s3,) = SupportModel(tz).support(case.assign(signup=case.signup.dt.tz_localize("UTC")))
    assert s3.unusual == ()


def test_support_spots_a_case_that_is_a_training_row(train):
    sm = SupportModel(train)
    new = train.iloc[[0, 5]].copy()
    new.iloc[1, 0] += 0.5
    s_old, s_new = sm.support(new)
    assert s_old.in_training
    assert not s_new.in_training
    nan_row = train[train.income.isna()].iloc[[0]]
    assert sm.support(nan_row)[0].in_training  # missing values match missing values


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
    assert off.step() == 3
    assert off.observed > off.predicted


def test_calibration_too_few_cases():
    c = calibration_check(0.3, [0.3] * 10, [True, False] * 5, source="out-of-bag")
    assert c.verdict == "too few"
    assert c.step() == 2  # no held-out evidence: at most "Tentative"


def test_calibration_somewhat_off():
    c = CalibrationCheck(n=1000, band=(0.1, 0.2), predicted=0.15, observed=0.19, source="x")
    assert c.verdict == "somewhat off"
    assert c.step() == 2


@pytest.mark.parametrize(
    ("n", "said", "happened"),
    [
        (200, 0.9, 0.5),  # the reviewer's first example: was "somewhat off"
        (1000, 0.001, 0.015),  # the reviewer's second example: was "held up"
        (200, 0.1, 0.5),  # the mirror image of the first
        (1000, 0.999, 0.985),  # the mirror image of the second
    ],
)
def test_calibration_is_symmetric_on_the_odds_scale(n, said, happened):
    c = CalibrationCheck(n, (said, said), said, happened, "calibration set")
    assert c.verdict == "off"
    assert c.step() == 3


def test_calibration_mirror_images_get_the_same_verdict():
    for said, happened in [(0.3, 0.2), (0.12, 0.2), (0.5, 0.62), (0.05, 0.09)]:
        a = CalibrationCheck(400, (0, 1), said, happened, "calibration set")
        b = CalibrationCheck(400, (0, 1), 1 - said, 1 - happened, "calibration set")
        assert a.verdict == b.verdict, (said, happened)


def test_calibration_small_samples_say_too_few_not_held_up():
    # 20 of 40 happened where 50 in 100 was said: consistent, but 40 cases cannot confirm it
    assert CalibrationCheck(40, (0.4, 0.6), 0.5, 0.5, "calibration set").verdict == "too few"
    # 8 of 50 where 23 in 100 was said (the reviewer's a6 case): was "held up"
    assert CalibrationCheck(50, (0.2, 0.26), 0.233, 0.16, "out-of-bag").verdict == "too few"
    assert CalibrationCheck(400, (0.4, 0.6), 0.5, 0.5, "calibration set").verdict == "held up"


def test_out_of_bag_evidence_alone_supports_at_most_confident():
    oob = CalibrationCheck(1000, (0.1, 0.2), 0.15, 0.15, "out-of-bag")
    cal = CalibrationCheck(1000, (0.1, 0.2), 0.15, 0.15, "calibration set")
    assert oob.verdict == cal.verdict == "held up"
    assert oob.step() == 1
    assert cal.step() == 0
    sup = Support(300, 240, 6000)
    m_oob = describe_case(
        "1", 0.15, (0.148, 0.152), 0.9, sup, oob, noun="applicants", outcome="default"
    )
    m_cal = describe_case(
        "1", 0.15, (0.148, 0.152), 0.9, sup, cal, noun="applicants", outcome="default"
    )
    assert m_oob.placement.name == "Confident"
    assert m_cal.placement.name == "Certain"
    text = " ".join(m_oob.reasons)
    assert "copies of the model retrained without them" in text
    assert "not the model itself, so at most confident" in text
    assert "the model scored" not in text


# ----------------------------------------------------------------------------- reasons


def test_describe_case_reasons_in_words():
    sup = Support(look_alikes=12, typical=240, n_train=6000)
    cal = CalibrationCheck(
        n=300, band=(0.12, 0.18), predicted=0.15, observed=0.16, source="calibration set"
    )
    m = describe_case("7", 0.153, (0.11, 0.19), 0.9, sup, cal, noun="applicants", outcome="default")
    assert m.headline == "About 15 in 100 applicants like this one default — unlikely"
    assert m.likelihood == "unlikely"
    assert m.placement.steps == {
        "range": 1,
        "support": 2,
        "calibration": 0,
        "bias": 0,
        "positives": 0,
        "local": 0,
    }
    assert m.placement.name == "Tentative"
    text = " | ".join(m.reasons)
    # the spread is said as model variability, not as where the true chance lies
    assert (
        "the model's answer moves between 11 and 19 in 100 when it is retrained on reshuffled "
        "past data" in text
    )
    assert "not where the true chance lies" in text
    assert "only 12 of 6,000 past applicants look like this one" in text
    assert "past applicants the model did not learn from" in text
    assert "about 45 were expected to default and 48 did, so the chances held up" in text
    # the weakest measurement is said first
    assert m.reasons[0].startswith("only 12 of 6,000")
    assert m.detail.startswith("Technical:")


def test_estimate_outside_the_refit_spread_is_reported_not_hidden():
    sup = Support(100, 100, 1000)
    cal = CalibrationCheck(300, (0.1, 0.2), 0.15, 0.15, "calibration set")
    m = describe_case("1", 0.30, (0.10, 0.25), 0.9, sup, cal, noun="applicants", outcome="default")
    assert m.interval == (0.10, 0.25)  # no longer widened to (0.10, 0.30)
    assert m.biased
    assert m.placement.steps["bias"] == 2
    assert m.placement.level >= 2
    assert any(
        "the model's own answer (30 in 100) lies outside where its retrained copies land" in r
        for r in m.reasons
    )
    inside = describe_case("1", 0.2, (0.10, 0.25), 0.9, sup, cal)
    assert not inside.biased
    assert inside.placement.steps["bias"] == 0


def test_look_alikes_the_scores_miss_count_against_a_case():
    sup = Support(300, 240, 6000)
    cal = CalibrationCheck(1000, (0.2, 0.26), 0.23, 0.23, "calibration set")
    kw = {"noun": "cases", "outcome": "default"}
    fine = CalibrationCheck(100, (0.1, 0.4), 0.23, 0.22, "calibration set")
    hint = CalibrationCheck(100, (0.1, 0.4), 0.23, 0.15, "calibration set")  # a factor 1.7
    off = CalibrationCheck(100, (0.1, 0.4), 0.23, 0.05, "calibration set")  # a factor 5.7
    m = [
        describe_case("1", 0.23, (0.228, 0.232), 0.9, sup, cal, local=x, **kw)
        for x in (fine, hint, off)
    ]
    assert [x.placement.steps["local"] for x in m] == [0, 2, 3]
    assert m[0].placement.name == "Certain"
    assert any("chances may run too high for cases like this one" in r for r in m[1].reasons)
    assert any("about 23 were expected to default but 5 did" in r for r in m[2].reasons)


def test_few_positive_training_cases_cap_at_tentative():
    sup = Support(300, 240, 6000)
    cal = CalibrationCheck(1000, (0.1, 0.2), 0.15, 0.15, "calibration set")
    kw = {"noun": "applicants", "outcome": "default"}
    few = describe_case("1", 0.15, (0.148, 0.152), 0.9, sup, cal, n_positives=30, **kw)
    many = describe_case("1", 0.15, (0.148, 0.152), 0.9, sup, cal, n_positives=300, **kw)
    assert few.placement.name == "Tentative"
    assert many.placement.name == "Certain"
    assert any(
        r.startswith("the model learned from only 30 past applicants who went on to default")
        for r in few.reasons
    )


def test_outcome_wording_and_plurals():
    sup = Support(300, 240, 6000)
    one = CalibrationCheck(40, (0.0, 0.05), 0.025, 0.025, "calibration set")  # 1 of 40
    m = describe_case("1", 0.025, (0.02, 0.03), 0.9, sup, one, outcome="are in class 'Yes'")
    text = " ".join(m.reasons)
    assert "cases like this one are in class 'Yes'" in m.headline
    assert "about 1 was expected to be in class 'Yes' and 1 was" in text
    two = CalibrationCheck(40, (0.0, 0.1), 0.05, 0.05, "calibration set")  # 2 of 40
    m2 = describe_case("1", 0.05, (0.04, 0.06), 0.9, sup, two, outcome="default")
    assert "about 2 were expected to default and 2 did" in " ".join(m2.reasons)
    for t in (text, " ".join(m2.reasons)):
        assert " 1 are " not in t
        assert " 1 were " not in t
        assert "turn out" not in t


def test_a_factor_of_two_at_low_probabilities_is_not_a_narrow_spread():
    sup = Support(300, 240, 6000)
    cal = CalibrationCheck(1000, (0.0, 0.1), 0.03, 0.03, "calibration set")
    m = describe_case("1", 0.03, (0.02, 0.04), 0.9, sup, cal)
    text = m.reasons[0] if "wobbles" in m.reasons[0] else " ".join(m.reasons)
    assert "a narrow spread" not in text
    assert "times the bottom" in text


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
    assert "threshold" not in decision_text(0.11, 0.19, 0.15)
    assert "cut-off" in decision_text(0.11, 0.19, 0.15)


def test_decisions_use_the_numbers_shown():
    # shown "20 to 45 in 100"; the raw low end 0.2095 is above the cut-off 0.2055, which shows
    # as "21 in 100": raw numbers would say "the whole range is at or above ... (21 in 100)"
    assert decision(0.2095, 0.448, 0.2055) == "flag"
    assert decision(20, 45, 0.2055, per=100, shown=True) == "either"
    assert decision_text(20, 45, 0.2055, per=100, shown=True) == (
        "the range crosses the cut-off (21 in 100): the decision could go either way"
    )
    assert decision(12, 20, 0.0123, per=1000, shown=True) == "flag"
    assert "(12 in 1,000)" in decision_text(12, 20, 0.0123, per=1000, shown=True)
    with pytest.raises(ValueError, match="needs per"):
        decision(1, 2, 0.5, shown=True)


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
