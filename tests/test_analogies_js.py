"""The browser fills the same templates with the same numbers: identical text, to the letter.

Runs js/src/shared/template.js in Node on the curves of several models and compares every
slot and every filled built-in analogy with the Python side (core.analogies).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from explainwidgets.core.analogies import fill, load_library, slots_from_curve
from explainwidgets.core.curve import ScoreSet, build_curve

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_JS = ROOT / "js" / "src" / "shared" / "template.js"
CURVE_JS = ROOT / "js" / "src" / "shared" / "curve.js"

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="needs Node to run the browser code")

SCRIPT = """
import { readFileSync } from "node:fs";
const { slotsFromCurve, fill } = await import(process.argv[2]);
const { readCurve } = await import(process.argv[3]);
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map((c) => {
  const curve = readCurve(c.curve);
  const slots = slotsFromCurve(curve, c.threshold, {
    noun: c.noun, positive: c.positive, isProbability: c.is_probability,
  });
  return { slots, texts: c.templates.map((t) => fill(t, slots)) };
});
process.stdout.write(JSON.stringify(out));
"""


def _curve_dict(curve) -> dict:
    return curve.to_state(lambda a: a.astype(float).tolist())


def _cases() -> list[dict]:
    rng = np.random.default_rng(7)
    templates = [a.text for a in load_library()]
    models = []
    for n, prevalence, sep, weighted, prob in [
        (400, 0.3, 1.0, False, True),  # a clear model
        (3000, 0.02, 0.6, False, True),  # rare cases: per 1,000
        (50_000, 0.1, 0.3, False, True),  # many scores: a thinned grid
        (800, 0.5, 0.2, True, True),  # weighted cases
        (600, 0.25, 1.5, False, False),  # decision scores, not chances
    ]:
        y = rng.random(n) < prevalence
        if prob:
            s = np.clip(rng.normal(0.3 + 0.3 * sep * y, 0.15), 0, 1).round(3)
        else:
            s = rng.normal(1.5 * y * sep, 1.0)
        w = rng.uniform(0.2, 3.0, n) if weighted else None
        curve = build_curve(ScoreSet.from_arrays(y, s, w))
        models.append((curve, prob))
    cases = []
    for k, (curve, prob) in enumerate(models):
        th = curve.thresholds
        picks = [
            th[0],
            th[-1],
            th[len(th) // 2],
            th[len(th) // 3] + 1e-9,
            -5.0,
            99.0,
            *rng.choice(th, 15),
        ]
        for t in picks:
            cases.append(
                {
                    "curve": _curve_dict(curve),
                    "threshold": float(t),
                    "noun": ["patients", "loan applicants", "<b>x</b> & co"][k % 3],
                    "positive": "real cases",
                    "is_probability": prob,
                    "templates": templates,
                }
            )
    return cases


def test_browser_and_python_fill_identically(tmp_path):
    cases = _cases()
    script = tmp_path / "fill.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    res = subprocess.run(
        [NODE, str(script), TEMPLATE_JS.as_uri(), CURVE_JS.as_uri()],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    js = json.loads(res.stdout)
    assert len(js) == len(cases)
    filled = 0
    for case, got in zip(cases, js, strict=True):
        py = slots_from_curve(
            case["curve"],
            case["threshold"],
            noun=case["noun"],
            positive=case["positive"],
            is_probability=case["is_probability"],
        )
        assert got["slots"] == py, case["threshold"]
        texts = [fill(t, py) for t in case["templates"]]
        assert got["texts"] == texts
        filled += sum(t is not None for t in texts)
    # the comparison covered real text, including the calibration and ranking slots
    assert filled > len(cases) * 5
    assert any(g["slots"]["observed_in_100"] is not None for g in js)
    assert any(g["slots"]["base"] == "1,000" for g in js)
    assert any(g["slots"]["said_in_100"] is None for g in js)


SCRIPT_COUNTS = """
import { readFileSync } from "node:fs";
const { computeSlots, fillAnalogy, slotsFromCurve } = await import(process.argv[2]);
const { readCurve } = await import(process.argv[3]);
const { cases, library } = JSON.parse(readFileSync(0, "utf8"));
const out = cases.map((c) => {
  const slots = c.curve
    ? slotsFromCurve(readCurve(c.curve), c.threshold, { noun: c.noun, positive: c.positive, isProbability: c.is_probability })
    : computeSlots(c.counts, {
        noun: c.noun, positive: c.positive, threshold: c.threshold, isProbability: c.is_probability,
        band: c.band, auc: c.auc, cases: c.cases,
      });
  return { slots, texts: library.map((a) => fillAnalogy(a, slots)) };
});
process.stdout.write(JSON.stringify(out));
"""


def _count_cases() -> list[dict]:
    import itertools

    out = []
    fams = []
    for cells in itertools.product((0, 1, 2), repeat=4):
        if sum(cells):
            fams.append(dict(zip(("tp", "fp", "fn", "tn"), cells, strict=True)))
    for a, b, c in itertools.product((0, 1, 2), repeat=3):
        fams.append({"tp": 10 * a, "fp": 10 * b, "fn": 10 * c, "tn": 10_000 - 10 * (a + b + c)})
    vals = (0, 30, 60, 2940, 2970, 3000)
    for tp, fp, fn in itertools.product(vals, repeat=3):
        fams.append({"tp": tp, "fp": fp, "fn": fn, "tn": 3000})
    for k, counts in enumerate(fams):
        out.append(
            {
                "counts": counts,
                "cases": None if k % 2 else {x: v * 3 for x, v in counts.items()},
                "threshold": [0.1, 0.5, None, 2.0][k % 4],
                "is_probability": k % 3 != 0,
                "band": [None, [3.0, 30.0, 33, 3], [1.0, 1.0, 2], [2.5, 7.5, 40, 1]][k % 4],
                "auc": [None, 0.0, 0.01, 0.755, 1.0][k % 5],
                "noun": "applicants",
                "positive": "defaulters",
            }
        )
    # a weighted curve synced without tp_cases / fp_cases: both fall back to the counts
    rng = np.random.default_rng(3)
    y = rng.random(600) < 0.3
    s = np.clip(rng.normal(0.3 + 0.3 * y, 0.15), 0, 1).round(3)
    curve = _curve_dict(build_curve(ScoreSet.from_arrays(y, s, rng.uniform(0.2, 3, 600))))
    curve.pop("tp_cases")
    curve.pop("fp_cases")
    for t in (0.2, 0.4, 0.6):
        out.append(
            {"curve": curve, "threshold": t, "is_probability": True, "noun": "x", "positive": "y"}
        )
    # 2 of 5,000 flagged
    y = np.zeros(5000, bool)
    y[:250] = True
    s = np.zeros(5000)
    s[[0, 300]] = 0.9
    curve = _curve_dict(build_curve(ScoreSet.from_arrays(y, s)))
    out.append(
        {"curve": curve, "threshold": 0.5, "is_probability": True, "noun": "x", "positive": "y"}
    )
    return out


def test_browser_and_python_agree_on_counts_plurals_and_conditions(tmp_path):
    from explainwidgets.core.analogies import compute_slots

    lib = load_library()
    cases = _count_cases()
    script = tmp_path / "counts.mjs"
    script.write_text(SCRIPT_COUNTS, encoding="utf-8")
    res = subprocess.run(
        [NODE, str(script), TEMPLATE_JS.as_uri(), CURVE_JS.as_uri()],
        input=json.dumps({"cases": cases, "library": [a.to_dict() for a in lib]}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    js = json.loads(res.stdout)
    seen_when_false = seen_singular = 0
    for case, got in zip(cases, js, strict=True):
        if "curve" in case:
            py = slots_from_curve(
                case["curve"],
                case["threshold"],
                noun=case["noun"],
                positive=case["positive"],
                is_probability=case["is_probability"],
            )
        else:
            py = compute_slots(
                case["counts"],
                noun=case["noun"],
                positive=case["positive"],
                threshold=case["threshold"],
                is_probability=case["is_probability"],
                band=case["band"],
                auc=case["auc"],
                cases=case["cases"],
            )
        assert got["slots"] == py, case
        texts = [a.fill(py) for a in lib]
        assert got["texts"] == texts, case
        seen_when_false += sum(
            a.when != "" and fill(a.text, py) is not None and t is None
            for a, t in zip(lib, texts, strict=True)
        )
        seen_singular += sum(t is not None and " 1 is " in t for t in texts)
        assert all(v is None or "nan" not in str(v).lower() for v in py.values())
    assert seen_when_false > 10
    assert seen_singular > 3
