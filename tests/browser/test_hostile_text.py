"""Hostile text in JupyterLab: HTML in a noun, labels, a title, a marked case's label, an
analogy's texts and a markdown cell must show as text and never run (no dialog, no global
set, no element made).

The exported deck's part lives in test_deck.py (it renders the same widgets from stored state).
"""

from __future__ import annotations

import json

from . import _lab

ROOT = ".ew-threshold-explorer"


def img(tag: str) -> str:
    return f"<img src=x onerror=\"window.__pwned='{tag}';alert('{tag}')\">"


def script(tag: str) -> str:
    return f"<script>window.__pwned='{tag}';alert('{tag}')</script>"


NOUN = f"applicants {img('noun')}"
TITLE = f"Decline? {script('title')}"
LABELS = {
    "tp": img("label-tp"),
    "fp": (script("label-fp-one"), script("label-fp-many")),
    "fn": f"missed {img('label-fn')}",
    "flagged": img("label-flagged"),
    "not_flagged": script("label-not-flagged"),
    "score": img("label-score"),
    "flag": script("label-flag"),
}
MARK = img("mark")
MARKDOWN = f"""# Hostile markdown

{img("markdown")}

{script("markdown")}

<a href="javascript:window.__pwned='markdown-link'">a link</a>
"""

HOSTILE_EXPLORER_CODE = f"""\
ex = ThresholdExplorer.from_estimator(
    model, X_test, y_test, pos_label="Yes", noun={NOUN!r}, labels={LABELS!r},
    title={TITLE!r}, payoff=PAYOFF,
)
ex.mark_case(0.2, label={MARK!r})
ex
"""

#: An analogy file of one's own (AnalogyPicker(folder=...)) whose every text is hostile.
ANALOGY_TOML = "\n".join(
    [
        'id = "hostile_payloads"',
        f"title = {json.dumps('Hostile ' + img('analogy-title'))}",
        'concepts = ["errors", "trade_off"]',
        'audiences = ["everyone"]',
        "text = "
        + json.dumps(f"{script('analogy-text')} we catch {{catch_in_100}} {img('analogy-text')}"),
        f"misleads = {json.dumps(img('analogy-misleads'))}",
        f"why = {json.dumps(script('analogy-why'))}",
    ]
)
ANALOGY_CODE = """\
from explainwidgets import AnalogyPicker
picker = AnalogyPicker.from_explorer(
    ex, folder="hostile_analogies", analogy="hostile_payloads", personal=False
)
picker
"""


def test_hostile_text_in_jupyterlab(browser, jupyterlab, artifacts_dir):
    _lab.write_notebook(
        jupyterlab.root,
        "hostile.ipynb",
        [
            ("markdown", MARKDOWN),
            ("code", _lab.CREDIT_MODEL_CODE),
            ("code", HOSTILE_EXPLORER_CODE),
            ("code", ANALOGY_CODE),
        ],
    )
    (jupyterlab.root / "hostile_analogies").mkdir(exist_ok=True)
    (jupyterlab.root / "hostile_analogies" / "hostile.toml").write_text(ANALOGY_TOML)
    page = _lab.open_notebook(browser, jupyterlab, "hostile.ipynb")
    try:
        _lab.run_all(page)
        slider = page.locator(f'{ROOT} [data-testid="threshold-slider"]')
        slider.wait_for(state="visible")
        # Re-render paths too: move the threshold, then let any image error fire.
        slider.focus()
        for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "Home", "End"):
            page.keyboard.press(key)
        page.locator(f'{ROOT} [data-testid="preset-balanced"]').click()
        page.wait_for_timeout(500)

        assert page.evaluate("() => window.__pwned") is None, "a payload ran"
        assert page.dialogs == [], f"a payload opened a dialog: {page.dialogs}"

        widget = page.locator(ROOT)
        active = "img, script, iframe, object, embed"
        assert widget.locator(active).count() == 0
        text = widget.inner_text()
        for payload in (
            img("noun"),
            script("title"),
            img("label-tp"),
            img("label-fn"),
            img("label-flagged"),
            script("label-not-flagged"),
            img("mark"),
        ):
            assert payload in text, f"{payload!r} is not shown as text"
        sentence = widget.locator('[data-testid="sentence"]').inner_text()
        assert f"Of every 100 {NOUN}" in sentence
        assert any(s in sentence for s in (script("label-fp-one"), script("label-fp-many")))

        # The analogy picker (bound to the explorer): title, filled text, misleads, why.
        picker = page.locator(".ew-analogy-picker")
        picker.wait_for(state="visible")
        assert picker.locator(active).count() == 0
        shown = picker.text_content() or ""
        for payload in (
            img("analogy-title"),
            script("analogy-text"),
            img("analogy-text"),
            img("analogy-misleads"),
            script("analogy-why"),
        ):
            assert payload in shown, f"{payload!r} is not shown as text in the analogy picker"

        # The markdown cell: JupyterLab's sanitizer keeps text, drops handlers and scripts.
        md = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown").first
        assert "Hostile markdown" in md.inner_text()
        assert md.locator("script").count() == 0
        assert md.locator("img[onerror]").count() == 0
        url = page.url
        md.get_by_text("a link").click()
        page.wait_for_timeout(200)
        assert page.url == url
        assert page.evaluate("() => window.__pwned") is None, "the javascript: link ran"

        widget.screenshot(path=str(artifacts_dir / "jupyterlab-hostile-text.png"))
        picker.screenshot(path=str(artifacts_dir / "jupyterlab-hostile-analogy.png"))
        _lab.assert_no_page_errors(page)
        assert page.blocked_requests == [], "something asked for a resource off the server"
    finally:
        _lab.close_page(page)
