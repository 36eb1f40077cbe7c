"""The browser and Python compute the same figures from the same curve (run through node)."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess

import numpy as np
import pytest

from explainwidgets.core import ScoreSet, build_curve

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPT = """
import { readCurve, countsAt, casesAt, per100, valuePer100, bestIndex } from "%s";
const input = JSON.parse(await new Promise((r) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => r(s)); }));
const c = readCurve(input.curve);
const out = { per100: [], value: [], cases: [], best: bestIndex(c, input.payoff) };
for (let i = 0; i < c.thresholds.length; i++) {
  const counts = countsAt(c, i);
  out.cases.push(casesAt(c, i));
  out.per100.push(per100(counts));
  out.value.push(valuePer100(counts, input.payoff));
}
console.log(JSON.stringify(out));
"""


@pytest.mark.parametrize("weighted", [False, True])
def test_browser_and_python_agree_on_every_grid_point(weighted):
    node = shutil.which("node")
    assert node, "node is required (it builds the front end)"
    rng = np.random.default_rng(5)
    n = 20_000
    y = rng.random(n) < 0.07
    s = np.clip(rng.normal(0.2 + 0.25 * y, 0.15), 0, 1)
    w = rng.gamma(2.0, 300.0, n) if weighted else None
    payoff = {"tp": 120.0, "fp": -35.5, "fn": -900.0, "tn": 12.25}
    ss = ScoreSet.from_arrays(y, s, w)
    curve = build_curve(ss, extra=[ss.best_threshold(payoff)])
    state = curve.to_state(lambda a: a.astype(float).tolist())
    assert state["weighted"] is weighted
    module = (ROOT / "js" / "src" / "shared" / "curve.js").as_uri()
    proc = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT % module],
        input=json.dumps({"curve": state, "payoff": payoff}),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    js = json.loads(proc.stdout)
    for i in range(len(curve)):
        assert js["per100"][i] == curve.per_100(i)
        assert js["value"][i] == curve.value_per_100(i, payoff)
        tp_c, fp_c = int(curve.tp_cases[i]), int(curve.fp_cases[i])
        want_cases = {"tp": tp_c, "fp": fp_c, "fn": curve.n_pos - tp_c, "tn": curve.n_neg - fp_c}
        assert js["cases"][i] == want_cases  # the few-case warning counts cases, not weight
    assert curve.thresholds[js["best"]] == ss.best_threshold(payoff)
