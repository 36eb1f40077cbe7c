"""Hostile text in the exported deck: the same payloads as in JupyterLab (noun, labels,
title, a marked case, an analogy file of one's own, a markdown cell) must show as text and
never run — no dialog, no global set, no element made — with the deck opened offline."""

from __future__ import annotations

import warnings

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from . import _lab
from .test_hostile_text import (
    ANALOGY_CODE,
    ANALOGY_TOML,
    HOSTILE_EXPLORER_CODE,
    MARKDOWN,
    img,
    script,
)

pytestmark = pytest.mark.browser

ROOT = ".ew-threshold-explorer"


@pytest.fixture(scope="module")
def hostile_deck(tmp_path_factory):
    from explainwidgets.export import export_deck

    folder = tmp_path_factory.mktemp("hostile-deck")
    (folder / "hostile_analogies").mkdir()
    (folder / "hostile_analogies" / "hostile.toml").write_text(ANALOGY_TOML)
    nb = new_notebook(
        cells=[
            new_markdown_cell(MARKDOWN),
            new_code_cell(_lab.CREDIT_MODEL_CODE),
            new_markdown_cell("## The explorer"),
            new_code_cell(HOSTILE_EXPLORER_CODE),
            new_markdown_cell("## The analogy"),
            new_code_cell(ANALOGY_CODE),
        ]
    )
    path = folder / "hostile.ipynb"
    nbformat.write(nb, path)
    out = folder / "hostile.html"
    with warnings.catch_warnings():
        # The jargon check may warn about slide text; that is not what this test is about.
        warnings.simplefilter("ignore")
        export_deck(path, out, execute=True, timeout=300, progress=False)  # the --execute path
    return out


def test_hostile_text_in_the_deck(offline_page, hostile_deck, artifacts_dir):
    page = offline_page
    page.goto(hostile_deck.as_uri())
    page.wait_for_function("document.documentElement.dataset.ewDeck === 'ready'", timeout=15000)
    # Visit every slide so every widget renders, and move the explorer's slider.
    for _ in range(8):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(150)
    slider = page.locator(f'{ROOT} [data-testid="threshold-slider"]').first
    slider.focus()
    for key in ("ArrowRight", "ArrowLeft", "End", "Home"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)

    assert page.evaluate("() => window.__pwned") is None, "a payload ran in the deck"
    assert page.dialogs == [], f"a payload opened a dialog: {page.dialogs}"
    assert page.blocked_requests == [], f"the deck asked for {page.blocked_requests}"

    active = "img[onerror], script:not([type]), iframe, object, embed"
    widget = page.locator(ROOT).first
    assert widget.locator("img, script, iframe, object, embed").count() == 0
    text = widget.text_content() or ""
    for payload in (img("noun"), script("title"), img("label-tp"), img("mark")):
        assert payload in text, f"{payload!r} is not shown as text in the deck"

    picker = page.locator(".ew-analogy-picker").first
    assert picker.locator("img, script, iframe, object, embed").count() == 0
    shown = picker.text_content() or ""
    assert img("analogy-title") in shown
    assert script("analogy-text") in shown

    # The markdown slide: sanitised at export, so nothing active survives in the page body.
    assert page.locator(f".reveal .slides {active}").count() == 0
    assert page.locator(".reveal .slides a[href^='javascript:']").count() == 0
    widget.screenshot(path=str(artifacts_dir / "deck-hostile-text.png"))
