"""The exported HTML deck in a real Chromium, offline: widgets live with no kernel.

Every request that is not file:/data:/blob: is aborted and recorded (``offline_page``);
the deck must make none. The explorer's slider moves and every number it shows equals
what Python computes at that threshold.
"""

from __future__ import annotations

from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.browser

SETUP = """
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from explainwidgets import ThresholdExplorer
from explainwidgets.datasets import make_credit_applicants
X, y = make_credit_applicants(3000, random_state=3)
X = X.select_dtypes("number").fillna(0)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)
model = LogisticRegression(max_iter=1000).fit(X_tr, y_tr)
def make_explorer():
    return ThresholdExplorer.from_estimator(model, X_te, y_te, pos_label="Yes",
        payoff={"tp": 5000, "fp": -600, "fn": -5000, "tn": 0}, noun="applicants", threshold=0.3)
"""

ROOT = ".ewd-widget.ewd-live .ew-threshold-explorer"


@pytest.fixture(scope="module")
def deck_file(tmp_path_factory):
    from explainwidgets.export import export_deck

    cells = [
        new_markdown_cell("# Loan rule\n\n<script>window.pwned = true</script>"),
        new_code_cell(SETUP),
        new_markdown_cell("## Where to draw the line"),
        new_code_cell("ex = make_explorer()\nex"),
        new_markdown_cell("## A slider"),
        new_code_cell(
            "import ipywidgets as w\ns = w.IntSlider(4, min=0, max=10, description='Level')\n"
            "t = w.IntText(0)\nw.jslink((s, 'value'), (t, 'value'))\nw.VBox([s, t])"
        ),
    ]
    folder = tmp_path_factory.mktemp("deck")
    path = folder / "loan.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    out = folder / "loan.html"
    export_deck(path, out, execute=True, timeout=300, progress=False)  # the --execute path
    return out


def shown(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """(root) => {
            const el = document.querySelector(root);
            const q = (id) => el.querySelector(`[data-testid="${id}"]`);
            return {
                threshold: Number(el.getAttribute("data-threshold")),
                index: Number(q("threshold-slider").value),
                per_100: Object.fromEntries(["tp", "fp", "fn", "tn"].map(
                    (k) => [k, Number(q("per100-" + k).textContent)])),
            };
        }""",
        ROOT,
    )


def python_per_100(threshold: float) -> dict[str, int]:
    ns: dict[str, Any] = {}
    exec(SETUP, ns)  # same seeded data and model as the notebook
    ex = ns["make_explorer"]()
    ex.threshold = threshold
    return {k: int(v) for k, v in ex.summary()["per_100"].items()}


def open_deck(page: Any, path) -> None:
    page.goto(path.as_uri())
    page.wait_for_function("document.documentElement.dataset.ewDeck === 'ready'", timeout=15000)


def test_deck_offline_slider_moves_numbers_right(offline_page, deck_file, artifacts_dir):
    page = offline_page
    open_deck(page, deck_file)
    page.evaluate("window.explainwidgetsDeck.reveal.slide(1)")
    page.wait_for_selector(ROOT, timeout=10000)
    before = shown(page)
    assert before["per_100"] == python_per_100(before["threshold"])
    slider = page.locator(f'{ROOT} [data-testid="threshold-slider"]')
    slider.focus()
    page.keyboard.press("Home")  # the lowest line: flag (nearly) everyone
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    after = shown(page)
    assert after["index"] < before["index"]
    assert after["threshold"] < before["threshold"]
    assert after["per_100"] != before["per_100"]
    assert after["per_100"] == python_per_100(after["threshold"])
    # arrow keys moved the slider, not the slides
    assert page.evaluate("window.explainwidgetsDeck.reveal.getIndices().h") == 1
    page.screenshot(path=str(artifacts_dir / "deck_explorer_slide.png"))
    zoom = float(page.get_attribute(".ewd-widget.ewd-live", "data-ewd-zoom"))
    assert 0.7 <= zoom <= 1.35
    assert page.blocked_requests == []
    assert page.evaluate("window.pwned === undefined")


def test_deck_ipywidgets_render_and_jslink_works(offline_page, deck_file):
    page = offline_page
    open_deck(page, deck_file)
    page.evaluate("window.explainwidgetsDeck.reveal.slide(2)")
    box = ".ewd-slide[data-ewd-slide='3'] .ewd-widget.ewd-live"
    page.wait_for_selector(f"{box} input[type=range]", timeout=10000)
    page.fill(f"{box} input[type=range]", "9")
    assert page.input_value(f"{box} input[type=number]") == "9"
    assert page.text_content(f"{box} .ew-control-readout") == "9"
    assert page.blocked_requests == []


def test_deck_prints_every_widget_live(offline_page, deck_file):
    page = offline_page
    page.goto(deck_file.as_uri() + "?print-pdf")
    page.wait_for_function("document.documentElement.dataset.ewDeck === 'ready'", timeout=15000)
    assert page.locator(".ewd-widget.ewd-live").count() == 2
    assert page.locator(".ewd-widget.ewd-failed").count() == 0
    assert page.blocked_requests == []
