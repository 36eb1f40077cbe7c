"""The analogy library: loading, validation (file + line), slots, the widget, notes."""

from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import pytest
import traitlets
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix, precision_score, recall_score, roc_auc_score

from explainwidgets.core import per_100
from explainwidgets.core.analogies import (
    CONCEPTS,
    MIN_CASES,
    NOTES_FILE,
    SLOTS,
    AnalogyError,
    auc_from_curve,
    builtin_files,
    compute_slots,
    fill,
    load_file,
    load_library,
    load_notes,
    per_base,
    read_curve,
    save_note,
    slots_from_curve,
    template_slots,
    user_folder,
)
from explainwidgets.core.curve import ScoreSet, build_curve

GOOD = """\
id = "my_analogy"
title = "My analogy"
concepts = ["errors"]
audiences = ["the board"]
text = "Of every 100 {positive}, we catch {catch_in_100}."
misleads = "It is only a story."
why = "People like stories."
"""


@pytest.fixture(autouse=True)
def _no_user_folder(tmp_path_factory, monkeypatch):
    # never read or write the real per-user folder in tests
    monkeypatch.setenv("EXPLAINWIDGETS_ANALOGIES", str(tmp_path_factory.mktemp("nouser") / "x"))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


# --------------------------------------------------------------------------- library


def test_builtin_library_has_the_required_analogies():
    lib = {a.id: a for a in load_library()}
    assert len(lib) >= 8
    for required in (
        "medical_test",
        "weather_forecast",
        "thermostat",
        "smoke_alarm",
        "fishing_net",
        "airport_screening",
        "spam_filter",
    ):
        assert required in lib
    assert "errors" in lib["medical_test"].concepts
    assert {"probability", "calibration"} <= set(lib["weather_forecast"].concepts)
    assert "interpretability" in lib["thermostat"].concepts
    # the dial is the cut-off, which every model has: no claim that this model is readable
    assert "Every model has one such dial: the cut-off." in lib["thermostat"].text
    for aid in ("thermostat", "recipe"):
        assert "This model is like" not in lib[aid].text
        assert "this model is" not in lib[aid].text.replace("which kind this model is", "")
    for a in lib.values():
        assert a.source == "built-in"
        assert all((a.audiences, a.misleads, a.why, a.title))
        assert set(a.slots) & (set(SLOTS) - {"noun", "positive"})
    # every concept has at least one analogy
    for c in CONCEPTS:
        assert any(c in a.concepts for a in lib.values()), c
    assert next(iter(lib)) == "medical_test"  # the gold standard leads


def test_builtin_files_are_inside_the_package():
    files = builtin_files()
    assert len(files) >= 8
    assert all(
        f.parent.name == "analogies" and f.parent.parent.name == "explainwidgets" for f in files
    )


def test_personal_folder_merges_and_overrides(tmp_path):
    write(tmp_path, "mine.toml", GOOD)
    write(tmp_path, "override.toml", GOOD.replace("my_analogy", "medical_test"))
    lib = {a.id: a for a in load_library(tmp_path)}
    assert lib["my_analogy"].source == str(tmp_path / "mine.toml")
    assert lib["medical_test"].source == str(tmp_path / "override.toml")
    assert len(lib) == len(load_library()) + 1


def test_many_analogies_in_one_file(tmp_path):
    body = "".join("[[analogy]]\n" + GOOD.replace("my_analogy", f"a{i}") + "\n" for i in range(3))
    p = write(tmp_path, "many.toml", body)
    assert [a.id for a in load_file(p)] == ["a0", "a1", "a2"]


def test_duplicate_personal_id_is_an_error(tmp_path):
    write(tmp_path, "a.toml", GOOD)
    write(tmp_path, "b.toml", GOOD)
    with pytest.raises(AnalogyError, match=r"b\.toml, line 1: id 'my_analogy' is already used"):
        load_library(tmp_path)


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_library(tmp_path / "nope")


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (GOOD.replace('"Of every', '"Of every {recal}'), 5, r"unknown slot \{recal\}"),
        (GOOD.replace("{catch_in_100}.", "{catch_in_100."), 5, "lone"),
        (
            GOOD.replace("{catch_in_100}", "many").replace("{positive}", "cases"),
            5,
            "no number slot",
        ),
        (GOOD.replace('["errors"]', '["errors", "mistakes"]'), 3, "unknown concept 'mistakes'"),
        (GOOD.replace('title = "My analogy"', 'title = "My analogy'), 2, "broken TOML"),
        (GOOD.replace('why = "People like stories."\n', ""), 1, "missing key 'why'"),
        (GOOD + 'concept = "errors"\n', 8, "unknown key 'concept'"),
        (GOOD.replace('id = "my_analogy"', 'id = "My Analogy!"'), 1, "id must be"),
        (GOOD.replace('audiences = ["the board"]', "audiences = []"), 4, "non-empty list"),
        (GOOD.replace('misleads = "It is only a story."', 'misleads = "{noun}"'), 6, "slots like"),
        (GOOD.replace('title = "My analogy"', "title = 3"), 2, "'title' must be non-empty"),
    ],
)
def test_broken_files_name_file_and_line(tmp_path, body, line, message):
    p = write(tmp_path, "bad.toml", body)
    with pytest.raises(AnalogyError, match=message) as info:
        load_file(p)
    assert info.value.path == str(p)
    assert info.value.line == line
    assert str(info.value).startswith(f"{p}, line {line}: ")
    # the same error surfaces when loading the folder
    with pytest.raises(AnalogyError, match=message):
        load_library(tmp_path)


def test_not_utf8_and_too_big(tmp_path):
    p = tmp_path / "latin.toml"
    p.write_bytes(GOOD.replace("My", "M\xe9").encode("latin-1"))
    with pytest.raises(AnalogyError, match="not UTF-8"):
        load_file(p)
    big = write(tmp_path, "big.toml", GOOD + "# " + "x" * 300_000 + "\n")
    with pytest.raises(AnalogyError, match="at most"):
        load_file(big)


def test_hostile_personal_file_loads_as_plain_text(tmp_path):
    hostile = write(
        tmp_path,
        "hostile.toml",
        """\
        id = "hostile"
        title = "<img src=x onerror=alert(1)> $\\\\frac{1}{0}$"
        concepts = ["errors"]
        audiences = ["<script>alert(1)</script>"]
        text = "</script><script>alert(1)</script> {{noun.__class__}} {fp} {{{noun}}}"
        misleads = "<!-- ${7*7} %(x)s {{0}}"
        why = "\\u202e reversed"
        """,
    )
    (a,) = load_file(hostile)
    assert a.slots == ("fp", "noun")
    out = a.fill({**dict.fromkeys(SLOTS, "1"), "noun": "<b>x</b>"})
    # format-string tricks do nothing: {{...}} is a literal brace, no attribute access
    assert out == "</script><script>alert(1)</script> {noun.__class__} 1 {<b>x</b>}"
    sub = tmp_path / "sub"
    sub.mkdir()
    with pytest.raises(AnalogyError, match=r"unknown slot \{noun\.__class__\}"):
        load_file(write(sub, "h2.toml", GOOD.replace("{positive}", "{noun.__class__}")))

    from explainwidgets import AnalogyPicker

    ap = AnalogyPicker(
        numbers={"tp": 10, "fp": 20, "fn": 30, "tn": 40}, folder=tmp_path, analogy="hostile"
    )
    assert "<script>" in ap.text  # stored as text; the browser inserts it as text
    fig = ap.to_figure()  # mathtext is off: "$\frac{1}{0}$" does not break the picture
    fig.canvas.draw()
    import matplotlib.pyplot as plt

    plt.close(fig)
    assert ap._repr_mimebundle_()[0]["image/png"]


# --------------------------------------------------------------------------- templates


def test_template_syntax():
    assert template_slots("{noun} {{literal}} {fp}") == ["noun", "fp"]
    assert fill("{{x}} {noun}", {"noun": "cats"}) == "{x} cats"
    assert fill("{rank_in_100}", {"rank_in_100": None}) is None
    for bad in ("{nope}", "{noun", "noun}", "{}", "{ noun }"):
        with pytest.raises(ValueError, match=r"unknown slot|lone"):
            template_slots(bad)


def test_per_base_is_per_100_at_100_and_adds_up_at_1000():
    counts = {"tp": 3.0, "fp": 41.0, "fn": 2.0, "tn": 954.0}
    assert per_base(counts, 100) == per_100(counts)
    k = per_base(counts, 1000)
    assert sum(k.values()) == 1000
    assert k == {"tp": 3, "fp": 41, "fn": 2, "tn": 954}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.just(0.0), st.integers(1, 10**6).map(float), st.floats(1e-3, 1e6)),
        min_size=4,
        max_size=4,
    ).filter(lambda v: sum(v) > 0)
)
def test_slots_are_consistent(v):
    counts = dict(zip(("tp", "fp", "fn", "tn"), v, strict=True))
    s = compute_slots(counts)
    base = int(s["base"].replace(",", ""))
    flagged = int(s["flagged"].replace(",", ""))
    parts = [flagged] + [int(s[k].replace(",", "")) for k in ("fn", "tn")]
    assert sum(parts) == base
    if s["tp"] is not None:
        assert int(s["tp"].replace(",", "")) + int(s["fp"].replace(",", "")) == flagged
        assert counts["tp"] + counts["fp"] >= MIN_CASES  # never split a handful of flags
    else:
        assert counts["tp"] + counts["fp"] < MIN_CASES or flagged == 0
    for k in ("tp", "fp", "fn", "tn"):
        if s[k] is not None:
            assert abs(int(s[k].replace(",", "")) - counts[k] / sum(v) * base) < 1 + 1e-9
    if sum(v) < 1000:
        assert base == 100  # never "per 1,000" from fewer than 1,000 cases
    if s["catch_in_100"] is not None:
        assert int(s["catch_in_100"]) + int(s["miss_in_100"]) == 100
    if s["right_in_100"] is not None:
        assert int(s["right_in_100"]) + int(s["wrong_in_100"]) == 100
    for value in s.values():
        assert value is None or "%" not in value


def _models():
    """Scores of several different models on real data (sklearn's breast cancer)."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import GaussianNB
    from sklearn.svm import LinearSVC
    from sklearn.tree import DecisionTreeClassifier

    X, y = load_breast_cancer(return_X_y=True)
    y = 1 - y  # the cases to catch: malignant
    Xtr, Xte, ytr, yte = X[::2], X[1::2], y[::2], y[1::2]
    out = {}
    out["logistic"] = (
        yte,
        LogisticRegression(max_iter=5000).fit(Xtr, ytr).predict_proba(Xte)[:, 1],
        True,
    )
    out["naive_bayes"] = (yte, GaussianNB().fit(Xtr, ytr).predict_proba(Xte)[:, 1], True)
    out["tree"] = (
        yte,
        DecisionTreeClassifier(max_depth=2, random_state=0).fit(Xtr, ytr).predict_proba(Xte)[:, 1],
        True,
    )
    svc = LinearSVC(C=0.01, dual="auto", max_iter=20000).fit(Xtr / X.std(0), ytr)
    out["svm_scores"] = (yte, svc.decision_function(Xte / X.std(0)), False)
    rng = np.random.default_rng(3)
    yr = rng.random(5000) < 0.02  # rare cases: per 1,000
    out["rare"] = (yr, np.clip(rng.normal(0.1 + 0.3 * yr, 0.1), 0, 1), True)
    return out


MODELS = _models()


@pytest.mark.parametrize("name", sorted(MODELS))
def test_slots_match_sklearn(name):
    y, s, _ = MODELS[name]
    scores = ScoreSet.from_arrays(y.astype(bool), s)
    for t in np.quantile(s, [0.2, 0.5, 0.8, 0.95]):
        counts = scores.counts_at(float(t))
        pred = s >= t
        tn, fp, fn, tp = confusion_matrix(
            y, pred, labels=[0, 1] if y.dtype != bool else [False, True]
        ).ravel()
        assert (counts["tp"], counts["fp"], counts["fn"], counts["tn"]) == (tp, fp, fn, tn)
        sl = compute_slots(counts, auc=roc_auc_score(y, s))
        assert int(sl["catch_in_100"]) == math.floor(recall_score(y, pred) * 100 + 0.5)
        if pred.sum() >= MIN_CASES:
            assert int(sl["right_in_100"]) == math.floor(precision_score(y, pred) * 100 + 0.5)
        else:  # a share of a handful of flags is not given
            assert sl["right_in_100"] is None
            assert sl["lift"] is None
            assert sl["tp"] is None
        assert int(sl["rank_in_100"]) == math.floor(roc_auc_score(y, s) * 100 + 0.5)
        assert sl["base"] == ("1,000" if name == "rare" else "100")


@pytest.mark.parametrize("name", sorted(MODELS))
def test_auc_from_full_curve_equals_sklearn(name):
    y, s, _ = MODELS[name]
    curve = build_curve(ScoreSet.from_arrays(y.astype(bool), s), max_points=10**6)
    assert auc_from_curve(read_curve(curve)) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


# --------------------------------------------------------------------------- notes


def test_notes_written_atomically_and_merged(tmp_path):
    analogy = write(tmp_path, "mine.toml", GOOD)
    before = analogy.read_bytes()
    save_note(tmp_path, {"medical_test": ["the CFO"]})
    save_note(tmp_path, {"medical_test": ["the CFO", "nurses"], "thermostat": ["ops"]})
    assert load_notes(tmp_path) == {"medical_test": ["the CFO", "nurses"], "thermostat": ["ops"]}
    assert analogy.read_bytes() == before  # the user's analogy file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([NOTES_FILE, "mine.toml"])


def test_notes_never_overwrite_a_foreign_file(tmp_path):
    (tmp_path / NOTES_FILE).write_text('{"my": "own data"}', encoding="utf-8")
    with pytest.raises(ValueError, match="not written by explainwidgets"):
        save_note(tmp_path, {"medical_test": ["x"]})
    assert json.loads((tmp_path / NOTES_FILE).read_text()) == {"my": "own data"}
    (tmp_path / NOTES_FILE).write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a readable notes file"):
        save_note(tmp_path, {"medical_test": ["x"]})


def test_user_folder_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("EXPLAINWIDGETS_ANALOGIES", str(tmp_path / "lib"))
    assert user_folder() == tmp_path / "lib"
    monkeypatch.delenv("EXPLAINWIDGETS_ANALOGIES")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    if not __import__("sys").platform.startswith("win"):
        assert user_folder() == tmp_path / "cfg" / "explainwidgets" / "analogies"


# --------------------------------------------------------------------------- widget


def test_widget_standalone_numbers():
    from explainwidgets import AnalogyPicker

    ap = AnalogyPicker(numbers={"tp": 40, "fp": 12, "fn": 8, "tn": 140}, noun="patients")
    assert ap.analogy == "medical_test"
    assert "Out of every 100 patients, it flags 26." in ap.text
    ids = [a["id"] for a in ap.library]
    assert len(ids) == len(set(ids)) >= 8
    ap.concept = "errors"
    ap.analogy = "fishing_net"
    assert "about 83; the other 17 slip through" in ap.text
    ap.concept = "ranking"  # fishing_net does not explain ranking: switches to one that does
    assert "ranking" in next(a for a in ap.library if a["id"] == ap.analogy)["concepts"]
    ap.analogy = "sports_scout"
    assert ap.text == ""  # no scores, so no ranking numbers
    assert ap.filled() is None
    ap.analogy = "weather_forecast"  # switches the concept to one it explains
    assert ap.concept == "probability"
    ap.noun = "clients"
    ap.analogy = "airport_screening"
    # 40 of 52 flags are right: "most bags pulled aside are fine" would be false here
    assert ap.text == ""
    assert ap.filled() is None
    assert ap.why_not() == (
        "Here most of the flags are right, so the story of harmless bags pulled aside does not fit."
    )
    ap.analogy = "medical_test"
    assert "every 100 clients" in ap.text
    assert ap.why_not() is None
    with pytest.raises(traitlets.TraitError, match="unknown concept"):
        ap.concept = "nope"
    with pytest.raises(traitlets.TraitError, match="unknown analogy"):
        ap.analogy = "nope"


def test_widget_from_predictions_matches_sklearn():
    from explainwidgets import AnalogyPicker

    y, s, _ = MODELS["logistic"]
    ap = AnalogyPicker.from_predictions(
        y, s, threshold=0.5, noun="patients", positive="patients with cancer", concept="ranking"
    )
    assert ap.slots["rank_in_100"] == str(math.floor(roc_auc_score(y, s) * 100 + 0.5))
    assert ap.slots["catch_in_100"] == str(math.floor(recall_score(y, s >= 0.5) * 100 + 0.5))
    # about 37 in 100 patients have cancer: "gold is rare" does not fit these numbers
    assert ap.analogy == "gold_panning"
    assert ap.text == ""
    assert "Gold is not rare here" in ap.why_not()
    ap.analogy = "sports_scout"
    assert "patients with cancer" in ap.text
    ap.analogy = "weather_forecast"
    assert ap.slots["said_in_100"] == "50"
    # few cases score near 50 in 100 here, so the calibration analogy does not pretend
    assert ap.slots["observed_in_100"] is None
    assert ap.text == ""
    yr, sr, _ = MODELS["rare"]
    ap = AnalogyPicker.from_predictions(yr, sr, threshold=0.2, analogy="weather_forecast")
    near = (sr >= 0.15) & (sr < 0.25)
    observed = math.floor(yr[near].mean() * 100 + 0.5)
    n_near, hits = int(near.sum()), int(yr[near].sum())
    assert n_near >= 30
    assert (
        f"the model gave {n_near:,} cases about 20 in 100. Of those, {hits} were real cases: "
        f"about {observed} in 100. So its chances look "
    ) in ap.text


def test_widget_from_estimator(credit):
    from explainwidgets import AnalogyPicker

    model, X, y = credit
    ap = AnalogyPicker.from_estimator(
        model,
        X,
        y,
        threshold=0.1,
        pos_label="Yes",
        noun="applicants",
        positive="applicants who default",
    )
    assert ap.slots["base"] == "1,000"  # about 5 in 100 default: per 1,000
    assert "Out of every 1,000 applicants" in ap.text


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, TypeError, "needs numbers"),
        ({"numbers": [1, 2]}, TypeError, "must be a dict"),
        ({"numbers": {"tp": 1, "fp": 1, "fn": 1}}, ValueError, "missing"),
        ({"numbers": {"tp": 1, "fp": 1, "fn": 1, "tn": 1, "tpp": 2}}, ValueError, "unknown key"),
        ({"numbers": {"tp": -1, "fp": 1, "fn": 1, "tn": 1}}, ValueError, ">= 0"),
        ({"numbers": {"tp": "1", "fp": 1, "fn": 1, "tn": 1}}, TypeError, "must be a number"),
        ({"numbers": {"tp": 0, "fp": 0, "fn": 0, "tn": 0}}, ValueError, "all zero"),
        ({"numbers": {"tp": 1, "fp": 1, "fn": 1, "tn": 1, "auc": 2}}, ValueError, "between"),
        ({"numbers": {"tp": 1, "fp": 1, "fn": 1, "tn": 1}, "noun": ""}, ValueError, "noun"),
        (
            {"numbers": {"tp": 1, "fp": 1, "fn": 1, "tn": 1}, "concept": "x"},
            ValueError,
            "unknown concept",
        ),
        (
            {"numbers": {"tp": 1, "fp": 1, "fn": 1, "tn": 1}, "analogy": "x"},
            ValueError,
            "unknown analogy",
        ),
        ({"numbers": {"tp": 1, "fp": 1, "fn": 1, "tn": 1}, "colour": "red"}, TypeError, "colour"),
        ({"explorer": object()}, TypeError, "ThresholdExplorer"),
    ],
)
def test_widget_bad_inputs(kwargs, error, match):
    from explainwidgets import AnalogyPicker

    with pytest.raises(error, match=match):
        AnalogyPicker(**kwargs)


def test_widget_bound_to_explorer_follows_threshold():
    from explainwidgets import AnalogyPicker, ThresholdExplorer

    y, s, _ = MODELS["logistic"]
    ex = ThresholdExplorer.from_predictions(y, s, noun="patients")
    ap = AnalogyPicker.from_explorer(ex, positive="patients with cancer")
    state = ap.get_state()
    assert state["explorer"] == f"IPY_MODEL_{ex.model_id}"
    for t in (0.2, 0.5, 0.9):
        ex.threshold = float(s[np.argmin(np.abs(s - t))])
        counts = ex.summary()["counts"]
        p = per_100(counts)
        assert f"it flags {p['tp'] + p['fp']}." in ap.text
        assert (
            f"Of those, {p['tp']} are patients with cancer and {p['fp']} are false alarms"
            in ap.text
        )
        assert ap.slots == slots_from_curve(
            ex.curve,
            ex.threshold,
            noun="patients",
            positive="patients with cancer",
            is_probability=True,
        )
    ap.explorer = None  # unbinding stops following
    assert not ex._trait_notifiers.get("threshold", {}).get("change", []) or all(
        getattr(h, "__self__", None) is not ap for h in ex._trait_notifiers["threshold"]["change"]
    )


def test_worked_with_mark_and_remember(tmp_path):
    from explainwidgets import AnalogyPicker

    nums = {"tp": 4, "fp": 2, "fn": 1, "tn": 9}
    ap = AnalogyPicker(numbers=nums)
    ap.mark_worked("the CFO")
    ap.mark_worked("the CFO")
    assert ap.worked_with == {"medical_test": ["the CFO"]}
    assert not any(tmp_path.iterdir())  # nothing written without remember=True
    ap2 = AnalogyPicker(numbers=nums, folder=tmp_path, remember=True)
    ap2.mark_worked("nurses", analogy="smoke_alarm")
    assert load_notes(tmp_path) == {"smoke_alarm": ["nurses"]}
    ap3 = AnalogyPicker(numbers=nums, folder=tmp_path, remember=True)
    assert ap3.worked_with == {"smoke_alarm": ["nurses"]}
    with pytest.raises(ValueError, match="audience"):
        ap.mark_worked("  ")


def test_static_picture():
    from explainwidgets import AnalogyPicker

    ap = AnalogyPicker(numbers={"tp": 40, "fp": 12, "fn": 8, "tn": 140})
    data, _ = ap._repr_mimebundle_()
    assert data["image/png"]
    assert "application/vnd.jupyter.widget-view+json" in data


# --------------------------------------------------------------------------- agreement, when


def test_plural_syntax():
    t = "Of those, {tp} {tp|is a false alarm|are false alarms}."
    assert template_slots(t) == ["tp", "tp"]
    assert fill(t, {"tp": "1"}) == "Of those, 1 is a false alarm."
    for v in ("0", "2", "1,000"):
        assert fill(t, {"tp": v}) == f"Of those, {v} are false alarms."
    assert fill(t, {"tp": None}) is None
    for bad in ("{tp|is}", "{tp|a|b|c}", "{noun|is|are}", "{nope|is|are}"):
        with pytest.raises(ValueError, match=r"one\|many|number slot|unknown slot"):
            template_slots(bad)


def test_when_condition_loads_and_checks(tmp_path):
    from explainwidgets.core.analogies import condition_holds, parse_condition

    assert parse_condition("right_in_100 < 50 and lift >= 2") == [
        ("right_in_100", "<", "50"),
        ("lift", ">=", "2"),
    ]
    assert condition_holds("right_in_100 < 50", {"right_in_100": "14"})
    assert not condition_holds("right_in_100 < 50", {"right_in_100": "93"})
    assert not condition_holds("right_in_100 < 50", {"right_in_100": None})
    assert condition_holds("flagged >= tp", {"flagged": "1,001", "tp": "999"})
    for bad, msg in [
        ('when = "noun < 3"\nwhen_not = "x"', "not a number slot"),
        ('when = "right_in_100 <<< 3"\nwhen_not = "x"', "cannot read the condition"),
        ('when = "right_in_100 < 3"', "needs a 'when_not'"),
        ('when_not = "x"', "only used with a 'when'"),
    ]:
        p = write(tmp_path, "w.toml", GOOD + bad + "\n")
        with pytest.raises(AnalogyError, match=msg) as e:
            load_file(p)
        assert e.value.line is not None
        assert e.value.line >= 8


def _fit(y, s, t):
    from explainwidgets import AnalogyPicker

    ap = AnalogyPicker.from_predictions(y, s, threshold=t, personal=False)
    return {a["id"]: ap.filled(a["id"]) for a in ap.library}, ap


def test_claims_that_numbers_contradict_are_hidden():
    rng = np.random.default_rng(0)
    # balanced data, a good model: most flags are right, the cases are not rare
    y = rng.random(4000) < 0.5
    s = np.clip(rng.normal(0.3 + 0.4 * y, 0.12), 0, 1)
    texts, ap = _fit(y, s, 0.5)
    assert texts["airport_screening"] is None
    assert texts["gold_panning"] is None
    assert "most of the flags are right" in ap.why_not("airport_screening")
    assert texts["medical_test"] is not None
    # rare cases, many false alarms: both stories hold
    y = rng.random(20000) < 0.05
    s = np.clip(rng.normal(0.2 + 0.3 * y, 0.12), 0, 1)
    texts, _ = _fit(y, s, 0.35)
    assert "most bags pulled aside are fine too" in texts["airport_screening"]
    assert "only 50 are real cases" in texts["gold_panning"]


def test_picker_positive_falls_back_like_the_browser():
    from explainwidgets import AnalogyPicker

    ap = AnalogyPicker(numbers={"tp": 40, "fp": 12, "fn": 8, "tn": 140})
    ap.positive = ""
    assert ap.slots["positive"] == "real cases"
    assert "real cases" in ap.text
