"""Decks that must keep working when parts of them do not: broken widgets, hostile widget
CSS, content longer than a slide. Notebooks are built with saved widget state (no kernel)."""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

pytestmark = pytest.mark.browser

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"

GOOD = (
    "export default { render({ model, el }) { const b = document.createElement('button');"
    " b.className = 'good'; b.textContent = 'count ' + model.get('value');"
    " b.onclick = () => { model.set('value', model.get('value') + 1); b.textContent = 'count ' +"
    " model.get('value'); }; el.append(b); } }"
)
HANG = "export default { initialize() { return new Promise(() => {}); }, render({ el }) { el.textContent = 'hang'; } }"
THROW_INIT = (
    "export default { initialize() { throw new Error('boom in initialize'); }, render() {} }"
)
THROW_IMPORT = "throw new Error('boom at import'); export default { render() {} }"
THROW_RENDER = (
    "export default { render({ el }) { el.append('partial'); throw new Error('boom in render'); } }"
)


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 114, 178)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def widget_notebook(widgets: dict[str, dict[str, Any]], cells_before: list | None = None):
    """One slide holding every widget in ``widgets`` (id → state incl. _esm), each with a PNG."""
    png = _png()
    cells = [new_markdown_cell("# Robust deck"), *(cells_before or [])]
    cells.append(new_markdown_cell("## All widgets"))
    state = {}
    for mid, st in widgets.items():
        state[mid] = {
            "model_name": "AnyModel",
            "model_module": "anywidget",
            "model_module_version": "~0.9.*",
            "state": st,
        }
        cell = new_code_cell("w")
        cell.outputs = [
            new_output(
                "display_data",
                data={
                    VIEW: {"version_major": 2, "version_minor": 0, "model_id": mid},
                    "text/plain": f"W({mid})",
                    "image/png": png,
                },
            )
        ]
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata["widgets"] = {STATE: {"version_major": 2, "version_minor": 0, "state": state}}
    return nb


def export(nb, path) -> Any:
    import warnings

    from explainwidgets.export import export_deck

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return export_deck(nb, path, progress=False)


def test_broken_widgets_do_not_stop_the_working_one(offline_page, tmp_path, artifacts_dir):
    nb = widget_notebook(
        {
            "hang": {"_esm": HANG},
            "good": {"_esm": GOOD, "value": 1},
            "tinit": {"_esm": THROW_INIT},
            "timport": {"_esm": THROW_IMPORT},
            "trender": {"_esm": THROW_RENDER},
        }
    )
    out = tmp_path / "broken.html"
    export(nb, out)
    page = offline_page
    t0 = time.monotonic()
    page.goto(out.as_uri())
    page.wait_for_function("document.documentElement.dataset.ewDeck === 'ready'", timeout=15000)
    page.evaluate("window.explainwidgetsDeck.reveal.slide(1)")
    good = page.locator(".ewd-widget[data-ewd-model='good'].ewd-live button.good")
    good.wait_for(timeout=4000)
    assert time.monotonic() - t0 < 12
    good.click()
    assert good.text_content() == "count 2"
    for mid in ("hang", "tinit", "timport", "trender"):
        box = page.locator(f".ewd-widget[data-ewd-model='{mid}']")
        page.locator(f".ewd-widget.ewd-failed[data-ewd-model='{mid}']").wait_for(timeout=10000)
        assert "ewd-live" not in (box.get_attribute("class") or "")
        assert box.locator(".ewd-fallback img").is_visible(), f"{mid} lost its picture"
        assert "partial" not in (box.text_content() or "")
    page.screenshot(path=str(artifacts_dir / "deck-broken-widgets.png"))
    assert page.blocked_requests == []


def test_interact_plot_tabs_and_hostile_css(offline_page, tmp_path, artifacts_dir):
    from test_export_notebooks import saved_widgets_notebook

    out = tmp_path / "saved.html"
    export(saved_widgets_notebook(), out)
    page = offline_page
    page.goto(out.as_uri() + "?print-pdf")  # every slide rendered at once
    page.wait_for_function("document.documentElement.dataset.ewDeck === 'ready'", timeout=15000)
    interact = page.locator(".ewd-widget[data-ewd-model='vb']")
    assert "ewd-live" in (interact.get_attribute("class") or "")
    plot = interact.locator(".ewd-view .ew-output img")
    assert plot.count() == 1
    assert plot.evaluate("img => img.naturalWidth") > 0
    assert "done" in (interact.locator(".ewd-view").text_content() or "")
    tab = page.locator(".ewd-widget[data-ewd-model='tab'] .ewd-view")
    assert "Settings" in (tab.text_content() or "")
    assert "W()" not in (tab.text_content() or "")
    # The hostile _css stayed CSS: no dialog, no image made from it.
    assert page.dialogs == []
    assert page.locator("img[onerror]").count() == 0
    interact.screenshot(path=str(artifacts_dir / "deck-saved-widgets.png"))
    assert page.blocked_requests == []


def test_long_content_can_be_scrolled_to_its_end(offline_page, tmp_path, artifacts_dir):
    rows = "\n".join(f"| row {i} | {i * 7} |" for i in range(1, 61))
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Long"),
            new_markdown_cell(f"## A long table\n\n| name | value |\n|---|---|\n{rows}\n\nTHE END"),
        ]
    )
    out = tmp_path / "long.html"
    export(nb, out)
    page = offline_page
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(out.as_uri() + "#/1")
    page.wait_for_function("document.documentElement.dataset.ewDeck === 'ready'", timeout=15000)
    page.wait_for_timeout(400)
    visible_js = """() => {
        const frame = document.querySelector('.present .ewd-frame').getBoundingClientRect();
        const cells = [...document.querySelectorAll('.present td')];
        const last = cells[cells.length - 1].getBoundingClientRect();
        return last.bottom <= frame.bottom + 1 && last.top >= frame.top;
    }"""
    assert not page.evaluate(visible_js), "the table should be taller than the slide"
    body = page.locator(".present .ewd-body").bounding_box()
    page.mouse.move(body["x"] + body["width"] / 2, body["y"] + body["height"] / 2)
    for _ in range(30):
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    assert page.evaluate(visible_js), "the last row cannot be reached"
    assert page.evaluate("window.explainwidgetsDeck.reveal.getIndices().h") == 1
    page.screenshot(path=str(artifacts_dir / "deck-long-table-scrolled.png"))
