"""The BUILT AnalogyPicker bundle in real Chromium, bound to a fake explorer model, offline.

Checks what jsdom cannot: the esbuild output loads, text follows the explorer's threshold
with no kernel, equals Python's text, and hostile text stays text. A screenshot goes to
test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
STATIC = ROOT / "src" / "explainwidgets" / "static"
pytestmark = pytest.mark.browser


@pytest.fixture
def chromium(browser):
    """The suite's shared Chromium (tests/browser/conftest.py: fails in CI if missing)."""
    assert (STATIC / "analogy_picker.js").exists(), "front end not built: cd js && npm run build"
    return browser


PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>%(css)s</style></head>
<body style="margin:16px;background:#fff"><div id="w"></div>
<script type="module">
const w = (await import(URL.createObjectURL(new Blob([%(js)s], {type: "text/javascript"})))).default;
class M { constructor(s, wm) { this.s = s; this.h = {}; this.widget_manager = wm; this.saved = 0; }
  get(k) { return this.s[k]; }
  set(k, v) { this.s[k] = v; (this.h["change:" + k] || []).forEach((f) => f()); }
  on(e, f) { (this.h[e] = this.h[e] || []).push(f); }
  off(e, f) { this.h[e] = (this.h[e] || []).filter((g) => g !== f); }
  save_changes() { this.saved += 1; } }
const ex = new M(%(explorer)s);
const m = new M(%(state)s, { get_model: async () => ex });
window.ex = ex; window.m = m;
w.render({ model: m, el: document.getElementById("w") });
</script></body></html>"""


def _arr(b):
    return np.frombuffer(bytes(b), dtype="<f8").tolist()


def test_built_widget_follows_explorer_offline(chromium, tmp_path):
    from explainwidgets import AnalogyPicker, ThresholdExplorer

    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.2
    s = np.clip(rng.normal(0.3 + 0.3 * y, 0.15), 0, 1)
    ex = ThresholdExplorer.from_predictions(y, s, noun="customers")
    hostile = tmp_path / "lib"
    hostile.mkdir()
    (hostile / "evil.toml").write_text(
        'id = "evil"\ntitle = "<img src=x onerror=\\"window.pwned=1\\">"\n'
        'concepts = ["errors"]\naudiences = ["<script>window.pwned=1</script>"]\n'
        'text = "<b>{noun}</b> {fp} </script><script>window.pwned=1</script>"\n'
        'misleads = "<iframe src=javascript:window.pwned=1>"\nwhy = "x"\n',
        encoding="utf-8",
    )
    ap = AnalogyPicker.from_explorer(ex, positive="customers who leave", folder=hostile)
    state = {
        k: v
        for k, v in ap.get_state().items()
        if k
        in (
            "library",
            "concepts",
            "concept",
            "analogy",
            "slots",
            "noun",
            "positive",
            "worked_with",
            "explorer",
        )
    }
    exs = ex.get_state()
    curve = {
        k: (_arr(v) if isinstance(v, (bytes, memoryview)) else v) for k, v in exs["curve"].items()
    }
    explorer = {
        "curve": curve,
        "threshold": ex.threshold,
        "noun": "customers",
        "is_probability": True,
    }
    html = PAGE % {
        "css": (STATIC / "analogy_picker.css").read_text(),
        "js": json.dumps((STATIC / "analogy_picker.js").read_text()).replace("</", "<\\/"),
        "explorer": json.dumps(explorer),
        "state": json.dumps(state).replace("</", "<\\/"),
    }
    page_file = tmp_path / "page.html"
    page_file.write_text(html, encoding="utf-8")

    ctx = chromium.new_context(viewport={"width": 940, "height": 760})
    blocked = []
    ctx.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(("file:", "data:", "blob:"))
            else (blocked.append(r.request.url), r.abort())
        ),
    )
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_selector('[data-testid="text"]')
    page.wait_for_function(
        "document.querySelector('[data-testid=source]').textContent.includes('follow')"
    )
    assert page.inner_text('[data-testid="text"]') == ap.text

    th = np.asarray(_arr(exs["curve"]["thresholds"]))
    for target in (0.35, 0.6, 0.8):
        t = float(th[np.argmin(np.abs(th - target))])
        page.evaluate(f"window.ex.set('threshold', {t!r})")
        ex.threshold = t
        assert page.inner_text('[data-testid="text"]') == ap.text

    page.click('[data-testid="concept-ranking"]')
    page.click('[data-testid="card-sports_scout"]')
    assert "times in 100" in page.inner_text('[data-testid="text"]')
    assert page.evaluate("window.m.get('analogy')") == "sports_scout"

    page.click('[data-testid="concept-errors"]')
    page.click('[data-testid="card-evil"]')
    assert (
        page.evaluate("document.querySelectorAll('#w img, #w iframe, #w b, #w script').length") == 0
    )
    assert page.evaluate("window.pwned === undefined")
    assert "<b>customers</b>" in page.inner_text('[data-testid="text"]')

    page.click('[data-testid="card-medical_test"]')
    page.fill('[data-testid="audience"]', "the VP of Sales")
    page.press('[data-testid="audience"]', "Enter")
    assert page.evaluate("window.m.get('worked_with')") == {"medical_test": ["the VP of Sales"]}

    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / "analogy_picker.png"), full_page=True)
    assert errors == []
    assert blocked == []
    ctx.close()
