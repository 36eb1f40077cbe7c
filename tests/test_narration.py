"""explainwidgets.narrate and the plain-language bar for every sentence and analogy."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import textstat
from sklearn.metrics import (
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from explainwidgets import narrate
from explainwidgets.core.analogies import MIN_CASES, compute_slots, fill, load_library
from explainwidgets.core.curve import ScoreSet
from explainwidgets.core.jargon import JARGON, find_jargon, split_sentences
from explainwidgets.core.narration import METRICS, auc_from_scores, numbers_from_scores

MAX_GRADE = 8.0


def _about(x: float) -> str:
    return f"about {math.floor(x * 100 + 0.5)}"


def _models():
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y
    Xtr, Xte, ytr, yte = X[::2], X[1::2], y[::2], y[1::2]
    rng = np.random.default_rng(11)
    yr = (rng.random(6000) < 0.03).astype(int)
    yn = (rng.random(3000) < 0.3).astype(int)
    svc = LinearSVC(C=0.01, dual="auto", max_iter=20000).fit(Xtr / X.std(0), ytr)
    return {
        "logistic": (yte, LogisticRegression(max_iter=5000).fit(Xtr, ytr).predict_proba(Xte)[:, 1]),
        "naive_bayes": (yte, GaussianNB().fit(Xtr, ytr).predict_proba(Xte)[:, 1]),
        "tree": (
            yte,
            DecisionTreeClassifier(max_depth=2, random_state=0)
            .fit(Xtr, ytr)
            .predict_proba(Xte)[:, 1],
        ),
        "svm_scores": (yte, svc.decision_function(Xte / X.std(0))),
        "rare": (yr, np.clip(rng.normal(0.1 + 0.25 * yr, 0.1), 0, 1)),
        "noisy": (yn, np.clip(rng.normal(0.35 + 0.1 * yn, 0.12), 0, 1)),
    }


MODELS = _models()
WORDS = [
    ("cases", "real cases"),
    ("customers", "customers who leave"),
    ("loan applicants", "applicants who default"),
]


def _thresholds(s):
    return [float(t) for t in np.quantile(s, [0.1, 0.5, 0.9, 0.99])]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("name", sorted(MODELS))
def test_sentences_carry_sklearn_numbers(name):
    y, s = MODELS[name]
    for t in _thresholds(s):
        pred = s >= t
        d = narrate.metrics(y, s, threshold=t, noun="patients", positive="sick patients")
        if 0 < recall_score(y, pred) < 1 and _about(recall_score(y, pred)) not in (
            "about 0",
            "about 100",
        ):
            assert f"finds {_about(recall_score(y, pred))} and" in d["catch_rate"]
        p = precision_score(y, pred, zero_division=0)
        if pred.sum() < MIN_CASES:
            assert "too few to judge how often a flag is right" in d["flags_right"]
        elif 0.01 < p < 0.99:
            assert d["flags_right"].startswith(
                f"Of every 100 patients it flags, {_about(p)} are sick patients"
            ) or d["flags_right"].startswith(f"Of every 100 patients it flags, {_about(p)} is")
        acc = accuracy_score(y, pred)
        assert f"gets {_about(acc)} of every 100 patients right" in d["accuracy"]
        f1 = f1_score(y, pred, zero_division=0)
        if 0.01 < f1 < 0.99 and pred.sum() >= MIN_CASES and y.sum() >= MIN_CASES:
            assert f"balance scores {_about(f1)}." in d["f1"]
        auc = roc_auc_score(y, s)
        if auc < 0.99:
            assert f"{_about(auc).capitalize()} times in 100" in d["auc"]
        else:
            assert "More than 99 times in 100" in d["auc"]


def test_overview_is_the_seed_answer_shape():
    text = narrate.overview(
        {"tp": 170, "fp": 30, "fn": 30, "tn": 770},
        noun="customers",
        positive="high-value customers",
    )
    assert text == (
        "Out of every 100 customers, the model flags about 20. About 17 of them are "
        "high-value customers, and about 3 are false alarms. It misses about 3 of the "
        "high-value customers."
    )
    rare = narrate.overview({"tp": 17, "fp": 3, "fn": 3, "tn": 977})
    assert rare.startswith("Out of every 1,000 cases, the model flags about 20. About 17")
    assert narrate.catch_rate(
        {"tp": 85, "fp": 15, "fn": 15, "tn": 885}, positive="high-value customers"
    ) == ("Of every 100 high-value customers, the model finds about 85 and misses about 15.")


def test_auc_from_scores_matches_sklearn_with_ties_and_weights():
    rng = np.random.default_rng(0)
    y = rng.random(500) < 0.3
    s = rng.integers(0, 7, 500).astype(float)  # many ties
    w = rng.uniform(0.1, 2, 500)
    assert auc_from_scores(ScoreSet.from_arrays(y, s)) == pytest.approx(roc_auc_score(y, s))
    assert auc_from_scores(ScoreSet.from_arrays(y, s, w)) == pytest.approx(
        roc_auc_score(y, s, sample_weight=w)
    )


def test_calibration_sentence():
    rng = np.random.default_rng(5)
    p = rng.uniform(0, 1, 20000)
    y = rng.random(20000) < p  # perfectly calibrated chances
    text = narrate.calibration(y, p, threshold=0.3, noun="days", positive="rainy days")
    near = (p >= 0.25) & (p < 0.35)
    assert text == (
        f"Of {near.sum():,} days the model gave about 30 in 100, {y[near].sum():,} were rainy "
        f"days: about {math.floor(y[near].mean() * 100 + 0.5)} in 100. So here its chances "
        "look about right."
    )
    over = narrate.calibration(y, np.clip(p + 0.2, 0, 1), threshold=0.5)
    assert over.endswith("So here its chances run too high.")
    scores = narrate.calibration(y, p * 10 - 5, threshold=0.0)
    assert "not chances" in scores


def test_explorer_and_arrays_agree():
    from explainwidgets import ThresholdExplorer

    y, s = MODELS["logistic"]
    ex = ThresholdExplorer.from_predictions(y, s, noun="patients")
    ex.threshold = float(np.sort(s)[len(s) // 2])
    a = narrate.metrics(ex, positive="sick patients")
    b = narrate.metrics(y, s, threshold=ex.threshold, noun="patients", positive="sick patients")
    for k in ("overview", "catch_rate", "flags_right", "f1", "accuracy", "lift"):
        assert a[k] == b[k]
    assert list(a) == list(METRICS)
    assert narrate.summary(ex) == list(narrate.metrics(ex).values())


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((), {}, TypeError, "pass a ThresholdExplorer"),
        (([0, 1],), {}, TypeError, "y_score is missing"),
        (([0, 1], [0.2, 0.8]), {}, TypeError, "threshold= is missing"),
        (({"tp": 1, "fp": 1},), {}, ValueError, "missing"),
        (({"tp": 1, "fp": 1, "fn": 1, "tn": -1},), {}, ValueError, ">= 0"),
        (({"tp": 0, "fp": 0, "fn": 0, "tn": 0},), {}, ValueError, "all zero"),
        (({"tp": 1, "fp": 1, "fn": 1, "tn": 1}, [1]), {}, TypeError, "do not pass y_score"),
        (([0, 1], [0.2, float("nan")]), {"threshold": 0.5}, ValueError, "NaN"),
    ],
)
def test_bad_inputs(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        narrate.catch_rate(*args, **kwargs)


def test_edge_settings_read_right():
    none = narrate.metrics({"tp": 0, "fp": 0, "fn": 10, "tn": 90})
    assert "flags none of the cases" in none["overview"]
    assert "no flag is wrong" in none["flags_right"]
    one = narrate.flags_right({"tp": 99, "fp": 1, "fn": 0, "tn": 0})
    assert (
        one == "Of every 100 cases it flags, about 99 are real cases, and about 1 is a false alarm."
    )
    all_right = narrate.flags_right({"tp": 30, "fp": 0, "fn": 0, "tn": 90})
    assert "all 100 are real cases, and 0 are false alarms" in all_right
    lazy = narrate.accuracy({"tp": 0, "fp": 1, "fn": 5, "tn": 94})
    assert "But flagging none of them would get about 95 of every 100 right" in lazy


# --------------------------------------------------------------------------- plain language


def _all_texts():
    lib = load_library()
    for name, (y, s) in MODELS.items():
        for t in _thresholds(s):
            for noun, positive in WORDS:
                for technical in (False, True):
                    d = narrate.metrics(
                        y, s, threshold=t, noun=noun, positive=positive, technical=technical
                    )
                    for k, v in d.items():
                        yield f"{name}@{t:.3g}/{noun}/{k}", v
                nums = numbers_from_scores(
                    ScoreSet.from_arrays(y.astype(bool), s), t, is_probability=name != "svm_scores"
                )
                slots = compute_slots(
                    nums.counts,
                    noun=noun,
                    positive=positive,
                    threshold=t,
                    is_probability=name != "svm_scores",
                    band=nums.band,
                    auc=nums.auc,
                )
                for a in lib:
                    text = a.fill(slots)
                    if text is not None:
                        yield f"{name}@{t:.3g}/{noun}/{a.id}", text
    for a in lib:
        yield f"{a.id}/misleads", a.misleads
        yield f"{a.id}/why", a.why


TEXTS = list(_all_texts())


def test_enough_texts_checked():
    assert len(TEXTS) > 1000
    assert {k.rsplit("/", 1)[1] for k, _ in TEXTS} >= set(METRICS) | {a.id for a in load_library()}


def test_every_sentence_reads_at_grade_8_or_below():
    worst = []
    for key, text in TEXTS:
        for sentence in split_sentences(text):
            grade = textstat.flesch_kincaid_grade(sentence)
            if grade > MAX_GRADE:
                worst.append((grade, key, sentence))
        whole = textstat.flesch_kincaid_grade(text)
        if whole > MAX_GRADE:
            worst.append((whole, key, text))
    assert not worst, sorted(worst, reverse=True)[:5]


def test_no_unexplained_jargon():
    bad = [(key, find_jargon(text)) for key, text in TEXTS if find_jargon(text)]
    assert not bad, bad[:5]


def test_no_false_precision():
    for key, text in TEXTS:
        assert "%" not in text, key
        for m in re.finditer(r"\d+\.\d+", text):
            # the only decimal: "about 2.4 times as common" (lift below 3)
            assert re.match(r"\d\.\d times", text[m.start() :]), (key, text)


def test_technical_mode_names_the_term_and_explains_it():
    y, s = MODELS["logistic"]
    d = narrate.metrics(y, s, threshold=0.5, technical=True)
    assert "'recall'" in d["catch_rate"]
    assert "'precision'" in d["flags_right"]
    assert "'F1 score'" in d["f1"]
    assert "'AUC'" in d["auc"]
    for text in d.values():
        assert find_jargon(text) == []


# --------------------------------------------------------------------------- jargon API


def test_find_jargon_finds_and_suggests():
    assert find_jargon("The classifier has a recall of 85 and a precision of 90.") == [
        ("classifier", JARGON["classifier"]),
        ("recall", JARGON["recall"]),
        ("precision", JARGON["precision"]),
    ]
    assert find_jargon("We lower the decision threshold.") == [
        ("decision threshold", JARGON["decision threshold"])
    ]
    assert find_jargon("Too many False-Positives here.") == [("false positives", "false alarms")]
    assert find_jargon("Its AUC is high. Its AUC is high.") == [
        ("auc", JARGON["auc"]),
        ("auc", JARGON["auc"]),
    ]
    assert find_jargon("The F1 score went up.")[0][0] == "f1 score"
    assert find_jargon("A type I error.")[0][0] == "type i error"


@pytest.mark.parametrize(
    "sentence",
    [
        "It will correctly find about 85 of them (that's the 'recall' side).",
        "Data teams call this share the 'precision'.",
        "This share is called recall.",
        "The AUC is how often a real case scores higher than another case.",
        "We set a cut-off (the threshold) at 30 in 100.",
        'This is known as the "false positive rate".',
        "Precision means the share of flags that are right.",
    ],
)
def test_explained_in_the_same_sentence_is_fine(sentence):
    assert find_jargon(sentence) == []


def test_explanation_must_be_in_the_same_sentence():
    text = "This share is called recall. Our recall went up."
    assert find_jargon(text) == [("recall", JARGON["recall"])]


def test_seed_answer_passes_and_split_sentences():
    seed = (
        "For every 100 potential high-value customers it identifies, it will correctly find "
        "about 85 of them (that's the 'recall' side), but it will also mistakenly include about "
        "15 non-high-value customers in that group (that's the 'precision' side)."
    )
    assert find_jargon(seed) == []
    assert split_sentences('One. Two! 3 more? "Yes." Fine') == [
        "One.",
        "Two!",
        "3 more?",
        '"Yes."',
        "Fine",
    ]
    with pytest.raises(TypeError):
        find_jargon(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- agreement


def bad_grammar(text: str, positive: str) -> list[str]:
    """Counts that disagree with their verb or noun ("1 are", "2 is", "1 times", "is
    defaulters")."""
    patterns = [
        r"(?<![\d,.])(?<!than )1 (?:of (?:them|those) )?(?:are|were|slip)\b",
        r"(?<![\d,.])(?<!than )1 (?:times|fish are|mails|old boots|are)\b",
        r"(?<![\d.])(?:0|[2-9]|\d{2,}|\d{1,3}(?:,\d{3})+) (?:of (?:them|those) )?(?:is|was|slips)\b",
        r"\bother (?:[02-9]|\d{2,}) is\b",
        rf"\b(?:is|was) {re.escape(positive)}\b",
        r"\ball 100 (?:of every|times)\b|\bscores all 100\b",
        r"\b(?:Of those, 0|0 of those)\b.*\bOf those\b",
    ]
    return [m.group(0) for p in patterns for m in re.finditer(p, text)]


def _count_families():
    import itertools

    # raw handfuls: the "too few" sentences
    for cells in itertools.product((0, 1, 2), repeat=4):
        if sum(cells):
            yield dict(zip(("tp", "fp", "fn", "tn"), cells, strict=True))
    # 0, 1 or 2 in each cell per 1,000 (10,000 cases)
    for a, b, c in itertools.product((0, 1, 2), repeat=3):
        tp, fp, fn = 10 * a, 10 * b, 10 * c
        yield {"tp": tp, "fp": fp, "fn": fn, "tn": 10_000 - tp - fp - fn}
    # shares of 0, 1, 2, 98, 99 and 100 in 100
    vals = (0, 30, 60, 2940, 2970, 3000)
    for tp, fp, fn in itertools.product(vals, repeat=3):
        for tn in (0, 30, 3000, 100_000):
            if tp + fp + fn + tn:
                yield {"tp": tp, "fp": fp, "fn": fn, "tn": tn}


FAMILIES = list(_count_families())


def test_narration_agrees_with_counts_of_0_1_and_2():
    bad = []
    for counts in FAMILIES:
        for auc in (None, 0.0, 0.01, 0.5, 1.0):
            d = (
                narrate.metrics(
                    {**counts}, noun="applicants", positive="defaulters", technical=False
                )
                if auc is None
                else _with_auc(counts, auc)
            )
            for key, text in d.items():
                found = bad_grammar(text, "defaulters")
                if found:
                    bad.append((counts, key, found, text))
    assert not bad, bad[:5]


def _with_auc(counts, auc):
    from explainwidgets.core.narration import narrate_all, numbers_from_counts

    return narrate_all(
        numbers_from_counts(counts, auc=auc), noun="applicants", positive="defaulters"
    )


def test_analogies_agree_with_counts_of_0_1_and_2():
    import itertools

    from explainwidgets.core.analogies import NUMBER_SLOTS, SLOTS

    lib = load_library()
    rng = np.random.default_rng(0)
    slot_sets = []
    for v in ("0", "1", "2"):
        slot_sets.append(dict.fromkeys(NUMBER_SLOTS, v) | {"lift": "1.0"})
    for _ in range(300):
        slot_sets.append({n: str(rng.integers(0, 3)) for n in NUMBER_SLOTS} | {"lift": "2.4"})
    bad = []
    for base in slot_sets:
        slots = {
            **dict.fromkeys(SLOTS),
            **base,
            "noun": "applicants",
            "positive": "defaulters",
            "verdict": "about right",
        }
        for a in lib:
            text = fill(a.text, slots)  # every template, whatever its `when`
            found = bad_grammar(text, "defaulters")
            if found:
                bad.append((a.id, found, text))
    # and through real counts
    for counts, a in itertools.product(FAMILIES, lib):
        text = a.fill(compute_slots(counts, noun="applicants", positive="defaulters"))
        if text is not None and bad_grammar(text, "defaulters"):
            bad.append((a.id, counts, text))
    assert not bad, bad[:5]


def test_bad_grammar_catches_the_reported_sentences():
    assert bad_grammar("Of those, 1 are defaulters", "defaulters")
    assert bad_grammar("Only 1 of those are defaulters", "defaulters")
    assert bad_grammar("About 1 of them is defaulters", "defaulters")
    assert bad_grammar("About 1 times in 100", "defaulters")
    assert not bad_grammar("Of those, 1 is among the defaulters and 2 are false alarms", "x")


# --------------------------------------------------------------------------- few cases


def test_few_flags_are_told_as_plain_counts():
    y = np.zeros(5000, dtype=int)
    y[:250] = 1
    s = np.zeros(5000)
    s[[0, 300]] = 0.9  # flags 2 of 5,000: one right, one wrong
    d = narrate.metrics(y, s, threshold=0.5, noun="applicants", positive="defaulters")
    assert d["overview"] == (
        "At this setting the model flags 2 of the 5,000 applicants. That is too few to "
        "judge how often a flag is right."
    )
    assert d["flags_right"] == d["overview"]
    assert "too few" in d["lift"]
    assert "times as common" not in d["lift"]
    assert "too few" in d["f1"]
    for text in d.values():
        assert "about 50" not in text
        assert "10 times" not in text
    # nothing flagged: no share of zero flags
    d = narrate.metrics(y, s, threshold=0.95, noun="applicants", positive="defaulters")
    assert "flags none of the applicants" in d["overview"]
    assert "Of those" not in " ".join(d.values())
    sl = compute_slots({"tp": 1, "fp": 1, "fn": 249, "tn": 4749})
    assert sl["right_in_100"] is sl["tp"] is sl["fp"] is sl["lift"] is None
    assert {a.id for a in load_library() if a.fill(sl) is not None}.isdisjoint(
        {"medical_test", "airport_screening", "smoke_alarm", "gold_panning"}
    )


def test_per_1000_only_with_1000_cases():
    small = compute_slots({"tp": 2, "fp": 5, "fn": 1, "tn": 92})  # 100 patients, 3 sick
    assert small["base"] == "100"
    assert narrate.overview({"tp": 25, "fp": 5, "fn": 5, "tn": 465}).startswith(
        "Out of every 100 cases"
    )  # 30 of 500 is rare, but 500 cases do not make a "per 1,000"
    big = compute_slots({"tp": 20, "fp": 50, "fn": 10, "tn": 920})
    assert big["base"] == "1,000"


def test_few_cases_to_catch_and_few_overall():
    d = narrate.metrics({"tp": 2, "fp": 30, "fn": 1, "tn": 67}, positive="sick patients")
    assert d["catch_rate"] == (
        "Only 3 of the 100 cases here are sick patients. That is too few to say how many in "
        "100 it finds. It finds 2 of them."
    )
    one = narrate.catch_rate({"tp": 1, "fp": 30, "fn": 0, "tn": 69}, positive="sick patients")
    assert one.startswith("Only 1 of the 100 cases here is among the sick patients.")
    tiny = narrate.accuracy({"tp": 2, "fp": 1, "fn": 1, "tn": 3})
    assert tiny == "It gets 5 of the 7 cases right. That is too few to say how many in 100."


def test_calibration_needs_30_cases_and_gives_count_and_verdict():
    rng = np.random.default_rng(1)
    p = np.r_[rng.uniform(0.3, 1, 3000), np.full(29, 0.1)]
    y = rng.random(p.size) < p
    text = narrate.calibration(y, p, threshold=0.1, noun="applicants", positive="defaulters")
    assert text.startswith("Only 29 applicants score near 10 in 100. That is too few")
    p = np.r_[p, np.full(8, 0.1)]
    y = np.r_[y, np.zeros(8, dtype=bool)]
    y[3000:3003] = True
    y[3003:3029] = False
    text = narrate.calibration(y, p, threshold=0.1, noun="applicants", positive="defaulters")
    assert text == (
        "Of 37 applicants the model gave about 10 in 100, 3 were defaulters: about 8 in 100. "
        "So here its chances look about right."
    )
    y[3000:3020] = True  # 20 of 37 default: far above 10 in 100
    text = narrate.calibration(y, p, threshold=0.1, noun="applicants", positive="defaulters")
    assert text.endswith("So here its chances run too low.")
    one = narrate.calibration(
        np.r_[np.zeros(3000, bool), [True]], np.r_[rng.uniform(0.5, 1, 3000), 0.1], threshold=0.1
    )
    assert one.startswith("Only 1 of the cases scores near 10 in 100.")


# --------------------------------------------------------------------------- auc wording


def test_auc_from_counts_says_no_scores_were_given():
    text = narrate.auc({"tp": 40, "fp": 12, "fn": 8, "tn": 140}, noun="applicants")
    assert text == "Only counts were given, no scores, so there is no ranking to judge."
    one_kind = narrate.auc({"tp": 0, "fp": 12, "fn": 0, "tn": 140})
    assert one_kind == "With only one kind of cases here, there is nothing to rank."


def test_perfect_separation_reads_naturally():
    y = np.r_[np.zeros(100, int), np.ones(100, int)]
    s = np.r_[np.linspace(0, 0.4, 100), np.linspace(0.6, 1, 100)]
    d = narrate.metrics(y, s, threshold=0.5, noun="customers", positive="churners")
    assert "Every time, the model gives the first one the higher score." in d["auc"]
    assert "It finds all the churners." in d["f1"]
    assert d["f1"].endswith("this balance scores a perfect 100.")
    assert d["catch_rate"] == "The model finds all the churners and misses none."
    assert d["accuracy"] == "It gets all the customers right."
    for text in d.values():
        assert not bad_grammar(text, "churners")
        assert "All 100" not in text


# --------------------------------------------------------------------------- jargon


@pytest.mark.parametrize(
    "text",
    [
        "Please recall the product.",
        "Take the lift to floor 3.",
        "Stand at the threshold of the door.",
        "He works in precision engineering.",
        "The base rate of the loan is fixed.",
        "The calibration of the scales is off.",
        "We recall the meeting last week.",
    ],
)
def test_ordinary_words_are_not_jargon(text):
    assert find_jargon(text) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("The ROC-AUC is 0.8.", "roc auc"),
        ("AUROC went up.", "auroc"),
        ("The model may overfit.", "overfit"),
        ("Look at the PR curve.", "pr curve"),
        ("Brier was 0.1.", "brier"),
        ("We used a random forest.", "random forest"),
        ("A logistic regression works.", "logistic regression"),
        ("Gradient boosting won.", "gradient boosting"),
        ("SHAP shows it.", "shap"),
        ("The p-value is small.", "p-value"),
        ("Feature importance says income.", "feature importance"),
        ("Scores were checked on out-of-bag cases.", "out-of-bag"),
        ("We bootstrap the model scores.", "bootstrap"),
        ("The held-out set is small.", "held-out"),
        ("AUC is the best we have.", "auc"),
        ("Our recall went up.", "recall"),
        ("Precision was 85%.", "precision"),
        ("We set the threshold at 0.3.", "threshold"),
        ("The model's precision is fine.", "precision"),
        ("High precision and recall.", "precision"),
        ("The lift of the model is 3.", "lift"),
        ("Its calibration is poor.", "calibration"),
    ],
)
def test_jargon_in_metric_context_and_new_terms_are_found(text, term):
    assert term in [t for t, _ in find_jargon(text)]
