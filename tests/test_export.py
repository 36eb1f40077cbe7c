"""Notebook → deck: slide model, sanitising, the HTML file, writing rules, nbconvert."""

from __future__ import annotations

import base64
import json
import os
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from test_export_notebooks import (
    PNG_B64,
    code_with,
    executed_widget_notebook,
    minimal,
    story_notebook,
    tagged,
)

from explainwidgets.export import (
    DeckError,
    DeckJargonError,
    DeckWarning,
    build_deck,
    export_deck,
)
from explainwidgets.export._sanitize import sanitize_html
from explainwidgets.export.html import inline_script, json_for_html, render_html


def write_nb(tmp_path, nb, name="story.ipynb"):
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


# -- slide model -------------------------------------------------------------------------


def test_story_slides_titles_and_order():
    deck = build_deck(story_notebook())
    titles = [s.title for s in deck.slides]
    assert titles == [
        "Loan rule review",
        "Where to draw the line",
        "Segments",
        "Next steps",
        "Appendix",
        "How the model was tested",
        "Appendix: Next steps",
    ]
    assert deck.slides[0].kind == "title"
    assert [s.appendix for s in deck.slides] == [False] * 4 + [True] * 3


def test_so_what_becomes_headline_and_notes_become_notes():
    deck = build_deck(story_notebook())
    line = deck.slides[1]
    assert [b.text for b in line.headline] == [
        "Flagging 20 in 100 saves about $20,000 per 100 loans."
    ]
    assert line.notes_text() == "Mention the pilot branch."
    assert [b.kind for b in line.body] == ["markdown", "image"]
    html = render_html(deck)
    assert '<aside class="notes"><p>Mention the pilot branch.</p></aside>' in html
    # the headline comes before the body (business implication first)
    sec = html[html.index('data-ewd-slide="2"') :]
    assert sec.index("Flagging 20 in 100") < sec.index("riskiest applicants")


def test_code_hidden_skip_removed_errors_and_stderr_dropped_and_listed():
    deck = build_deck(story_notebook())
    html = render_html(deck)
    assert "secret_stuff" not in html
    assert "import secret" not in html
    assert "division by zero" not in html
    assert "DeprecationWarning" not in html
    assert [str(d) for d in deck.dropped] == [
        "cell 8: stderr: DeprecationWarning: old API",
        "cell 8: error: ZeroDivisionError: division by zero",
    ]
    seg = deck.slides[2]
    assert [b.kind for b in seg.body] == ["html", "text"]
    assert seg.body[1].text == "4 segments"  # ANSI colours stripped
    assert "Applicants" in seg.body[0].html
    assert "<style" not in seg.body[0].html
    assert "\\section" not in html  # raw LaTeX cells are not for HTML


def test_export_warns_with_the_list_of_dropped_outputs(tmp_path):
    path = write_nb(tmp_path, story_notebook())
    with pytest.warns(DeckWarning, match=r"cell 8: error: ZeroDivisionError"):
        report = export_deck(path, tmp_path / "deck.html")
    assert len(report.dropped) == 2
    assert report.slides == 7


def test_title_from_metadata_and_authors():
    nb = story_notebook()
    nb.metadata["title"] = "Q3 credit review"
    nb.metadata["authors"] = [{"name": "Ada"}, {"name": "Bo"}]
    deck = build_deck(nb)
    assert deck.slides[0].title == "Q3 credit review"
    assert deck.subtitle == "Ada, Bo"
    # the first heading is then an ordinary slide
    assert deck.slides[1].title == "Loan rule review"
    assert '<p class="ewd-subtitle">Ada, Bo</p>' in render_html(deck)


def test_title_falls_back_to_file_name(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("just text, no heading")])
    path = write_nb(tmp_path, nb, "churn_review-2026.ipynb")
    assert build_deck(path).title == "Churn review 2026"


def test_rise_slide_type_metadata_is_honoured():
    cells = [
        tagged(new_markdown_cell("# Deck title"), slide_type="slide"),
        tagged(new_markdown_cell("## One\n\nfirst"), slide_type="slide"),
        tagged(new_markdown_cell("### not a split\n\nsame slide"), slide_type="-"),
        tagged(new_markdown_cell("appears later"), slide_type="fragment"),
        tagged(new_markdown_cell("## Two"), slide_type="subslide"),
        tagged(new_markdown_cell("say this"), slide_type="notes"),
        tagged(new_markdown_cell("## gone"), slide_type="skip"),
    ]
    deck = build_deck(new_notebook(cells=cells))
    assert [s.title for s in deck.slides] == ["Deck title", "One", "Two"]
    one, two = deck.slides[1], deck.slides[2]
    assert [b.fragment for b in one.body] == [False, False, True]
    assert two.subslide
    assert two.notes_text() == "say this"
    html = render_html(deck)
    assert html.count("<section><section") == 1  # vertical stack for the subslide
    assert 'class="ewd-block ewd-text fragment"' in html


def test_split_level_and_fenced_code_headings():
    md = "## A\n\ntext\n\n```\n## not a heading\n```\n\n### B\n\nmore"
    nb = new_notebook(cells=[new_markdown_cell("# T"), new_markdown_cell(md)])
    assert [s.title for s in build_deck(nb).slides] == ["T", "A"]
    assert [s.title for s in build_deck(nb, split_level=3).slides] == ["T", "A", "B"]
    with pytest.raises(ValueError, match="split_level"):
        build_deck(nb, split_level=0)


def test_images_svg_latex_and_attachments():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(1)</script></svg>'
    md = new_markdown_cell(
        "## Pics\n\n![chart](attachment:c.png) and $x^2 < y$\n\n$$\\frac{a}{b}$$"
    )
    md.attachments = {"c.png": {"image/png": PNG_B64}}
    cells = [
        new_markdown_cell("# T"),
        md,
        code_with(new_output("display_data", data={"image/svg+xml": svg, "text/plain": "s"})),
        code_with(new_output("display_data", data={"image/jpeg": PNG_B64})),
        code_with(new_output("display_data", data={"text/latex": "$$E = mc^2$$"})),
    ]
    deck = build_deck(new_notebook(cells=cells))
    body = deck.slides[1].body
    assert [b.kind for b in body] == ["markdown", "image", "image", "latex"]
    assert f'src="data:image/png;base64,{PNG_B64}"' in body[0].html
    assert '<code class="math">x^2 &lt; y</code>' in body[0].html
    assert '<pre class="math">\\frac{a}{b}</pre>' in body[0].html
    assert body[1].mime == "image/svg+xml"
    assert body[3].text == "E = mc^2"
    html = render_html(deck)
    # SVG is only ever an <img> (scripts inside an image never run)
    assert "<svg" not in html.split('<script type="application/json"')[0]


def test_local_image_embedded_remote_image_dropped(tmp_path):
    (tmp_path / "fig.png").write_bytes(base64.b64decode(PNG_B64))
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# T\n\n![a](fig.png) ![b](https://example.com/x.png) ![c](missing.png)"
            )
        ]
    )
    deck = build_deck(write_nb(tmp_path, nb))
    html = deck.slides[0].body[0].html
    assert html.count("<img") == 1
    assert "data:image/png;base64," in html
    assert "example.com" not in html


@pytest.mark.parametrize("minor", range(6))
def test_every_nbformat_4_minor_version(tmp_path, minor):
    path = write_nb(tmp_path, minimal(minor))
    deck = build_deck(path)
    assert [s.title for s in deck.slides] == ["T", "S"]


def test_invalid_notebooks_are_clear_errors(tmp_path):
    bad_json = tmp_path / "bad.ipynb"
    bad_json.write_text("{not json")
    with pytest.raises(DeckError, match=r"not a notebook|not a valid Jupyter notebook"):
        build_deck(bad_json)
    bad_schema = tmp_path / "schema.ipynb"
    bad_schema.write_text(
        json.dumps(
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}
        )
    )
    with pytest.raises(DeckError, match="not a valid Jupyter notebook"):
        build_deck(bad_schema)
    with pytest.raises(DeckError, match="does not exist"):
        build_deck(tmp_path / "nope.ipynb")
    with pytest.raises(DeckError, match="folder"):
        build_deck(tmp_path)


# -- sanitising --------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  jav&#x09;ascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x">',
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    '<div style="background:url(https://evil.example/t.png)">t</div>',
    '<style>@import "https://evil.example/x.css";</style>',
    '<img src="https://evil.example/pixel.png">',
    '<form action="https://evil.example"><input name=a></form>',
    '<p onclick="alert(1)" onmouseover=alert(1)>p</p>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<base href="https://evil.example/"><link rel=stylesheet href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<div id="ew-deck-data" class="ewd-widget" data-ewd-model="x">clobber</div>',
    "<!--<script>alert(1)</script>-->",
    "<template><img src=x onerror=alert(1)></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_sanitiser_neutralises_hostile_html(payload):
    clean = sanitize_html(payload)
    lowered = clean.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert "<svg" not in lowered
    assert "javascript:" not in lowered
    assert "data:text" not in lowered
    assert not re.search(r"<[^>]+\son\w+\s*=", lowered)
    assert "evil.example" not in lowered.replace("&", "") or "<a " not in lowered
    assert "style" not in re.sub(r">[^<]*<", "><", lowered)
    assert "<img" not in lowered  # none of these is a data: image
    assert 'id="' not in lowered
    assert "ewd-" not in lowered
    assert "data-ewd" not in lowered


def test_sanitiser_keeps_ordinary_content():
    html = (
        '<h3>T</h3><p>a <b>b</b> <a href="https://example.org/x?a=1&amp;b=2">link</a></p>'
        '<table class="dataframe"><tr><td colspan="2">1</td></tr></table>'
        f'<img alt="chart" src="data:image/png;base64,{PNG_B64}">'
    )
    clean = sanitize_html(html)
    assert (
        '<a href="https://example.org/x?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">'
        in clean
    )
    assert '<table class="dataframe"><tr><td colspan="2">1</td></tr></table>' in clean
    assert f'<img alt="chart" src="data:image/png;base64,{PNG_B64}">' in clean
    assert sanitize_html("<p>1 < 2 & 3 > 2</p>") == "<p>1 &lt; 2 &amp; 3 &gt; 2</p>"
    assert sanitize_html("<ul><li>a<li>b</ul><p>open") == "<ul><li>a<li>b</li></li></ul><p>open</p>"


def test_markdown_script_never_reaches_the_deck():
    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# T\n\n<script>window.pwned=1</script>\n\n<img src=x onerror=alert(1)>"
            ),
            new_markdown_cell("## S\n\n[click](javascript:alert(1))"),
            code_with(
                new_output(
                    "display_data",
                    data={"text/html": "<b onmouseover=alert(1)>bold</b><script>x()</script>"},
                )
            ),
        ]
    )
    html = render_html(build_deck(nb))
    page = html.split('<script type="application/json"')[0]
    assert "pwned" not in page
    assert "onerror" not in page
    assert "onmouseover" not in page
    assert "javascript:" not in page
    assert "<b>bold</b>" in page


def test_inline_script_and_json_cannot_close_their_tags():
    js = 'x = "</script><!-- </SCRIPT>";'
    out = inline_script(js)
    assert "</script" not in out.lower()
    assert "<!--" not in out
    data = json_for_html({"a": "</script><!--<b>&\u2028"})
    assert "<" not in data
    assert ">" not in data
    assert "&" not in data
    assert json.loads(data) == {"a": "</script><!--<b>&\u2028"}


# -- the HTML file -----------------------------------------------------------------------


def _outside_refs(html: str) -> list[str]:
    """URLs that a browser would fetch on its own (src, href on link, url(), @import)."""
    refs = re.findall(
        r"""\b(?:src|srcset|poster|data)\s*=\s*["']?(?!data:|blob:)(https?:|//)[^"'\s>]*""",
        html,
        re.I,
    )
    refs += re.findall(r"""<link\b[^>]*href\s*=\s*["']?(https?:|//)""", html, re.I)
    refs += re.findall(r"""url\(\s*["']?(https?:|//)""", html, re.I)
    refs += re.findall(r"""@import\s+["']?(?:url\()?["']?(https?:|//)""", html, re.I)
    return refs


def test_widget_deck_is_self_contained_and_embeds_models(tmp_path):
    path = write_nb(tmp_path, executed_widget_notebook(), "counter.ipynb")
    report = export_deck(path, tmp_path / "counter.html")
    assert report.widgets_live == 2  # the anywidget counter and the IntSlider
    html = (tmp_path / "counter.html").read_text()
    assert _outside_refs(html) == []
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in html
    data = json.loads(re.search(r'id="ew-deck-data">(.*?)</script>', html, re.S).group(1))
    names = sorted(m["name"] for m in data["models"].values())
    assert names == ["AnyModel", "IntSliderModel"]  # no layout/style models
    (counter,) = [m for m in data["models"].values() if m["name"] == "AnyModel"]
    assert "export default" in data["modules"][counter["esm"]]
    assert "_esm" not in counter["state"]
    assert counter["state"]["value"] == 3
    assert counter["buffers"][0]["path"] == ["arr"]
    assert ".counter { font-weight: 700; }" in html  # the widget's _css is in the page
    # every live widget keeps a static fallback inside its box: never an empty box
    boxes = re.findall(
        r'<div class="ewd-block ewd-widget" data-ewd-model="\w+"><div class="ewd-fallback">(.*?)</div></div>',
        html,
    )
    assert len(boxes) == 2
    assert all(b.strip() for b in boxes)


def test_same_input_gives_byte_identical_deck_and_input_untouched(tmp_path):
    path = write_nb(tmp_path, executed_widget_notebook(), "counter.ipynb")
    before = path.read_bytes()
    for fmt in ("html", "pptx"):
        export_deck(path, tmp_path / f"a.{fmt}")
        export_deck(path, tmp_path / f"b.{fmt}")
        assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()
    assert path.read_bytes() == before


def test_widget_without_saved_state_shows_its_picture(tmp_path):
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    nb = new_notebook(
        cells=[
            new_markdown_cell("# T\n\n## W"),
            code_with(
                new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": view,
                        "image/png": PNG_B64,
                        "text/plain": "Explorer",
                    },
                )
            ),
            code_with(
                new_output(
                    "display_data",
                    data={
                        "application/vnd.jupyter.widget-view+json": {**view, "model_id": "def"},
                        "text/plain": "IntSlider(value=4)",
                    },
                )
            ),
        ]
    )
    deck = build_deck(nb)
    kinds = [(b.kind, b.text) for b in deck.slides[1].body]
    assert kinds == [("image", ""), ("text", "IntSlider(value=4)")]
    assert deck.widget_models == {}


def test_widget_loading_code_from_internet_is_static(tmp_path):
    nb = executed_widget_notebook()
    state = nb.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    for model in state.values():
        if model["model_name"] == "AnyModel":
            model["state"]["_esm"] = (
                'import * as d3 from "https://esm.sh/d3";\nexport default {render(){}}'
            )
    deck = build_deck(nb)
    widgets = [b for s in deck.slides for b in s.body if b.kind == "widget"]
    assert [w.live for w in widgets] == [False, True]
    assert "esm.sh" not in render_html(deck)


# -- writing rules -----------------------------------------------------------------------


def test_output_format_from_suffix_and_refusals(tmp_path):
    path = write_nb(tmp_path, minimal(5), "m.ipynb")
    with pytest.raises(DeckError, match=r"\.html or \.pptx"):
        export_deck(path, tmp_path / "deck.pdf")
    with pytest.raises(DeckError, match="overwrite the input"):
        export_deck(path, path, format="html")
    with pytest.raises(DeckError, match="does not exist"):
        export_deck(path, tmp_path / "no" / "deck.html")
    assert path.read_text().startswith("{")


def test_write_is_atomic_no_temp_files_left(tmp_path, monkeypatch):
    path = write_nb(tmp_path, minimal(5), "m.ipynb")
    out = tmp_path / "deck.html"
    out.write_text("old deck")
    import explainwidgets.export as ex

    def boom(deck, fmt):
        raise RuntimeError("render failed")

    monkeypatch.setattr(ex, "render_deck", boom)
    with pytest.raises(RuntimeError):
        export_deck(path, out)
    assert out.read_text() == "old deck"
    monkeypatch.undo()

    real_replace = os.replace
    seen = []

    def spy(src, dst):
        seen.append((os.path.dirname(src), os.path.basename(str(src))))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    export_deck(path, out)
    assert seen
    assert seen[0][0] == str(tmp_path)
    assert seen[0][1].startswith(".deck.html.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.html", "m.ipynb"]
    assert out.read_text().startswith("<!DOCTYPE html>")


# -- jargon ------------------------------------------------------------------------------


def jargon_nb():
    return new_notebook(
        cells=[
            new_markdown_cell("# Review"),
            new_markdown_cell("## Results\n\nThe classifier has high precision."),
            tagged(new_markdown_cell("## Method\n\nWe tuned recall and AUC."), "appendix"),
            tagged(new_markdown_cell("F1 went up."), "notes"),
        ]
    )


def test_jargon_listed_with_plain_alternative(tmp_path):
    path = write_nb(tmp_path, jargon_nb(), "j.ipynb")
    with pytest.warns(DeckWarning, match="precision") as rec:
        report = export_deck(path, tmp_path / "j.html")
    terms = [(u.slide, u.term) for u in report.jargon]
    assert terms == [(2, "classifier"), (2, "precision")]  # appendix and notes exempt
    assert all(u.plain for u in report.jargon)
    assert 'slide 2 (Results): "precision" → try' in str(rec[0].message)


def test_strict_jargon_is_an_error_and_writes_nothing(tmp_path):
    path = write_nb(tmp_path, jargon_nb(), "j.ipynb")
    with pytest.raises(DeckJargonError, match="precision") as info:
        export_deck(path, tmp_path / "j.html", strict=True)
    assert len(info.value.uses) == 2
    assert not (tmp_path / "j.html").exists()


# -- execute -----------------------------------------------------------------------------


@pytest.mark.slow
def test_execute_runs_a_copy_and_stores_widget_state(tmp_path, capsys):
    from test_export_notebooks import widget_notebook_cells

    path = write_nb(tmp_path, new_notebook(cells=widget_notebook_cells()), "run.ipynb")
    before = path.read_bytes()
    report = export_deck(path, tmp_path / "run.html", execute=True)
    assert report.widgets_live == 2
    assert path.read_bytes() == before
    assert "Running notebook" in capsys.readouterr().err


def test_execute_with_a_failing_cell_still_exports_and_lists_the_error(tmp_path):
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Run\n\n## Result"),
            new_code_cell("raise ValueError('\\x1b[31mred\\x1b[0m bad')"),
            new_code_cell("print('after the error')"),
        ]
    )
    path = write_nb(tmp_path, nb, "fail.ipynb")
    with pytest.warns(DeckWarning, match="ValueError: red bad") as caught:
        report = export_deck(path, tmp_path / "f.html", execute=True, progress=False)
    assert "\x1b" not in str(caught[0].message)
    assert [d.what for d in report.dropped] == ["error"]
    assert "after the error" in (tmp_path / "f.html").read_text(encoding="utf-8")


def test_execute_cell_timeout_and_missing_kernel_are_clear_errors(tmp_path):
    slow = write_nb(tmp_path, new_notebook(cells=[new_code_cell("import time; time.sleep(30)")]))
    with pytest.raises(DeckError, match="longer than 2 s"):
        export_deck(slow, tmp_path / "s.html", execute=True, progress=False, timeout=2)
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["kernelspec"] = {"name": "nosuchkernel", "display_name": "x", "language": "x"}
    path = write_nb(tmp_path, nb, "k.ipynb")
    with pytest.raises(DeckError, match="kernel 'nosuchkernel', which is not installed"):
        export_deck(path, tmp_path / "k.html", execute=True, progress=False)
    assert not (tmp_path / "s.html").exists()
    assert not (tmp_path / "k.html").exists()


# -- nbconvert ---------------------------------------------------------------------------


def test_exporters_registered_for_nbconvert_and_jupyterlab_menu():
    from nbconvert.exporters import get_export_names, get_exporter

    names = get_export_names()
    assert "deck" in names
    assert "deck.pptx" in names
    html_cls, pptx_cls = get_exporter("deck"), get_exporter("deck.pptx")
    assert html_cls.export_from_notebook == "Stakeholder deck (HTML)"
    assert pptx_cls.export_from_notebook == "Stakeholder deck (PowerPoint)"
    assert html_cls().file_extension == ".html"
    assert pptx_cls().file_extension == ".pptx"


def test_nbconvert_exporters_produce_decks():
    from explainwidgets.export.nbconvert import DeckHTMLExporter, DeckPPTXExporter

    nb = executed_widget_notebook()
    body, resources = DeckHTMLExporter().from_notebook_node(nb, {"metadata": {"name": "c"}})
    assert body.startswith("<!DOCTYPE html>")
    assert 'data-ewd-model="' in body
    assert resources["deck"]["slides"] == 3
    data, _ = DeckPPTXExporter().from_notebook_node(nb)
    assert isinstance(data, bytes)
    assert data[:2] == b"PK"
    with pytest.raises(DeckJargonError):
        DeckHTMLExporter(strict=True).from_notebook_node(jargon_nb())


@pytest.mark.slow
def test_jupyter_nbconvert_to_deck_html(tmp_path):
    import subprocess
    import sys

    path = write_nb(tmp_path, story_notebook(), "story.ipynb")
    proc = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "deck", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "story.html").read_text().startswith("<!DOCTYPE html>")
    assert "left out of the deck: cell 8: error" in proc.stderr


def _model(name, **state):
    return {
        "model_name": name,
        "model_module": "@jupyter-widgets/controls",
        "model_module_version": "2.0.0",
        "state": state,
    }


def test_progress_bars_are_left_out_and_listed():
    """tqdm's notebook bar (a box of labels and a progress widget) is noise on a slide."""
    view = "application/vnd.jupyter.widget-view+json"
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Refits"),
            new_code_cell(
                "for _ in tqdm(range(200)): ...",
                outputs=[
                    new_output(
                        "display_data",
                        data={view: {"model_id": "box", "version_major": 2, "version_minor": 0}},
                    ),
                    new_output("stream", name="stdout", text="done\n"),
                ],
            ),
            new_code_cell(
                "w.IntSlider()",
                outputs=[new_output("display_data", data={view: {"model_id": "slider"}})],
            ),
        ]
    )
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                "box": _model("HBoxModel", children=["IPY_MODEL_l", "IPY_MODEL_p", "IPY_MODEL_r"]),
                "l": _model("HTMLModel", value="refitting: 97%"),
                "p": _model("FloatProgressModel", value=194, max=200),
                "r": _model("HTMLModel", value="194/200"),
                "slider": _model("IntSliderModel", value=3, max=10),
            },
        }
    }
    deck = build_deck(nb)
    assert [str(d) for d in deck.dropped] == ["cell 2: progress: a progress bar"]
    html = render_html(deck)
    assert "refitting: 97%" not in html
    assert "done" in html  # the cell's other output stays
    kinds = [b.kind for s in deck.slides for b in s.body]
    assert kinds.count("widget") == 1  # the slider is not a progress bar


# -- review fixes: RISE content, setext headings --------------------------------------------


def _rise(cell, slide_type):
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def test_rise_slide_keeps_everything_after_its_title_heading():
    nb = new_notebook(
        cells=[
            _rise(new_markdown_cell("# Deck"), "slide"),
            _rise(
                new_markdown_cell("## Findings\nChurn is down.\n\n### Why\nPrices held."), "slide"
            ),
            _rise(new_markdown_cell("## Two\n### sub heading\nstuff\n\n## More\nlast"), "slide"),
        ]
    )
    deck = build_deck(nb)
    assert [s.title for s in deck.slides] == ["Deck", "Findings", "Two"]
    findings = " ".join(b.text for b in deck.slides[1].body)
    assert "Churn is down." in findings
    assert "Why" in findings
    assert "Prices held." in findings
    assert "Findings" not in findings  # the title heading is not repeated
    two = "\n".join(b.text for b in deck.slides[2].body)
    for words in ("sub heading", "stuff", "More", "last"):
        assert words in two


def test_setext_headings_split_slides_and_give_the_title():
    nb = new_notebook(
        cells=[
            new_markdown_cell("Deck title\n=========="),
            new_markdown_cell("Results\n-------\nbody one"),
            new_markdown_cell("Method\n------\nbody two\n\nnot a heading\n\n---\n\nafter the rule"),
        ]
    )
    deck = build_deck(nb)
    assert [s.title for s in deck.slides] == ["Deck title", "Results", "Method"]
    assert deck.slides[1].body[0].text == "body one"
    method = deck.slides[2].body[0]
    assert "after the rule" in method.text
    assert "<hr" in method.html


# -- review fixes: Output widgets, tabs, widget CSS -------------------------------------------


def test_output_widget_plot_is_kept_for_html_and_powerpoint():
    from test_export_notebooks import saved_widgets_notebook

    deck = build_deck(saved_widgets_notebook())
    interact = deck.slides[1].body[0]
    assert interact.kind == "widget"
    assert interact.live
    assert interact.fallback is not None
    assert interact.fallback.kind == "image"
    html = render_html(deck)
    saved = re.search(r'<div data-ewd-output="out">(.*?)</div></div>', html, re.S)
    assert saved
    assert "data:image/png;base64," in saved.group(1)
    assert "done" in saved.group(1)
    assert "step 1" not in saved.group(1)
    payload = json.loads(re.search(r'id="ew-deck-data">(.*?)</script>', html, re.S).group(1))
    assert payload["models"]["out"]["state"]["outputs"] == []


def test_tabs_never_show_a_python_repr():
    from test_export_notebooks import saved_widgets_notebook

    deck = build_deck(saved_widgets_notebook())
    tab = deck.slides[2].body[0]
    assert "W()" not in tab.text
    assert "Settings" in tab.text


@pytest.mark.parametrize(
    "closer", ["</style>", "</Style>", "</STYLE >", "</sTyLe\n>", "</script>", "</ScRiPt>", "<!--"]
)
def test_widget_css_cannot_close_its_style_tag(closer):
    from explainwidgets.export.html import inline_style

    css = f".x {{ color: red }}{closer}<img src=x onerror=alert(1)>"
    escaped = inline_style(css)
    assert not re.search(r"</(style|script)|<!--", escaped, re.I)


def test_hostile_widget_css_stays_inside_style():
    from test_export_notebooks import saved_widgets_notebook

    html = render_html(build_deck(saved_widgets_notebook()))
    assert "onerror=alert('css-breakout')" in html  # kept as CSS text …
    head = html.split("</head>")[0]
    # … and never closes its <style> early: two style elements (deck, widget), two closers.
    assert head.count("\n<style>") == 2
    assert len(re.findall(r"</style", head, re.I)) == 2


# -- review fixes: where the deck is written, odd text ---------------------------------------


def test_output_that_is_a_folder_or_unwritable_is_a_clear_error(tmp_path, monkeypatch):
    path = write_nb(tmp_path, minimal(5))
    (tmp_path / "deck.html").mkdir()
    with pytest.raises(DeckError, match="is a folder"):
        export_deck(path, tmp_path / "deck.html", progress=False)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    with pytest.raises(DeckError, match=r"cannot write in .*Permission denied"):
        export_deck(path, tmp_path / "ok.html", progress=False)
    monkeypatch.undo()
    monkeypatch.setattr("os.replace", refuse)
    with pytest.raises(DeckError, match=r"cannot write .*ok\.html: Permission denied"):
        export_deck(path, tmp_path / "ok.html", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deck.html", "story.ipynb"]


def test_new_deck_respects_umask_and_rewrite_keeps_the_old_mode(tmp_path):
    path = write_nb(tmp_path, minimal(5))
    old = os.umask(0o077)
    try:
        export_deck(path, tmp_path / "private.html", progress=False)
    finally:
        os.umask(old)
    assert (tmp_path / "private.html").stat().st_mode & 0o777 == 0o600
    (tmp_path / "private.html").chmod(0o640)
    export_deck(path, tmp_path / "private.html", progress=False)
    assert (tmp_path / "private.html").stat().st_mode & 0o777 == 0o640


def test_lone_surrogates_are_replaced_not_a_crash(tmp_path):
    raw = nbformat.writes(new_notebook(cells=[new_markdown_cell("# S\n\n## x\n\nbad SURR char")]))
    path = tmp_path / "sur.ipynb"
    path.write_text(raw.replace("SURR", "\\ud800"), encoding="utf-8")
    for suffix in ("html", "pptx"):
        export_deck(path, tmp_path / f"sur.{suffix}", progress=False)
    assert "bad \ufffd char" in (tmp_path / "sur.html").read_text(encoding="utf-8")


# -- review fixes: lesser ------------------------------------------------------------------


def test_local_images_only_from_the_notebook_folder(tmp_path):
    import base64 as b64

    inside = tmp_path / "nb"
    inside.mkdir()
    (inside / "in.png").write_bytes(b64.b64decode(PNG_B64))
    (tmp_path / "secret.png").write_bytes(b64.b64decode(PNG_B64))
    nb = new_notebook(
        cells=[new_markdown_cell("# T\n\n## P\n\n![a](in.png)\n\n![b](../secret.png)")]
    )
    deck = build_deck(nb, base_dir=inside)
    assert deck.slides[1].body[0].html.count("data:image/png") == 1


def test_escaped_title_text_stays_text():
    deck = build_deck(new_notebook(cells=[new_markdown_cell("# Use &lt;b&gt; tags\n\n## Next")]))
    assert deck.title == "Use <b> tags"
    assert deck.slides[0].title_html == "Use &lt;b&gt; tags"
    assert "<b>" not in render_html(deck).split("<body>")[1].split("</h1>")[0]


@pytest.mark.parametrize("href", ["\\\\evil.example\\share", "/\\evil.example", "\\/evil.example"])
def test_backslash_and_unc_links_are_dropped(href):
    assert "href" not in sanitize_html(f'<a href="{href}">x</a>')


def test_html_widget_value_is_kept_sanitised_in_the_payload():
    from explainwidgets.export.html import widget_payload
    from explainwidgets.export.slides import Deck

    model = {
        "model_name": "HTMLModel",
        "state": {"value": "<b>Bold</b><script>alert(1)</script>"},
    }
    payload, _ = widget_payload(Deck("t", "", [], {"h": model}))
    state = payload["models"]["h"]["state"]
    assert state["value"] == "<b>Bold</b>"
    assert state["_ew_text"] == "Bold"
