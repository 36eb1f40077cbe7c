"""The deck exporters appear in JupyterLab's File → Save and Export Notebook As menu, and
choosing the HTML one produces an offline deck (no kernel needed)."""

from __future__ import annotations

import json

from . import _lab


def test_deck_exporters_in_the_export_menu(browser, jupyterlab, artifacts_dir):
    exporters = json.loads(jupyterlab.api("api/nbconvert"))
    assert exporters["deck"]["output_mimetype"] == "text/html"
    assert exporters["deck.pptx"]["output_mimetype"]
    _lab.write_notebook(
        jupyterlab.root, "menu.ipynb", [("markdown", "# A deck\n\n## Slide\n\nText.")]
    )
    page = _lab.open_notebook(browser, jupyterlab, "menu.ipynb")
    try:
        page.get_by_role("menuitem", name="File", exact=True).click()
        page.get_by_text("Save and Export Notebook As", exact=False).first.hover()
        html_item = page.get_by_text("Deck", exact=True)
        pptx_item = page.get_by_text("Deck.pptx", exact=True)
        html_item.wait_for(state="visible")
        assert pptx_item.is_visible()
        page.screenshot(path=str(artifacts_dir / "jupyterlab-export-menu.png"))
        # What the menu item downloads: the server's nbconvert endpoint for "deck".
        body = page.evaluate(
            """async (url) => {
                const r = await fetch(url);
                return {status: r.status, type: r.headers.get('content-type'),
                        text: await r.text()};
            }""",
            jupyterlab.url("nbconvert/deck/menu.ipynb?download=false"),
        )
        assert body["status"] == 200, body["text"][:500]
        assert body["type"].startswith("text/html")
        assert "A deck" in body["text"]
        assert "reveal" in body["text"].lower()
        _lab.assert_no_page_errors(page)
    finally:
        _lab.close_page(page)
