"""Notebook → PowerPoint: 16:9, title, headline, widget pictures, tables, notes."""

from __future__ import annotations

import base64
import io

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook, new_output
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches
from test_export_notebooks import PNG_B64, code_with, executed_widget_notebook, story_notebook

from explainwidgets.export import DeckWarning, build_deck, render_deck


def texts(slide):
    return [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]


def test_story_pptx_structure():
    nb = story_notebook()
    prs = Presentation(io.BytesIO(render_deck(build_deck(nb), "pptx")))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))
    slides = list(prs.slides)
    assert len(slides) == 7
    assert "Loan rule review" in texts(slides[0])
    line = slides[1]
    assert texts(line)[:2] == [
        "WHERE TO DRAW THE LINE",
        "Flagging 20 in 100 saves about $20,000 per 100 loans.",
    ]
    assert any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in line.shapes)
    assert line.notes_slide.notes_text_frame.text == "Mention the pilot branch."
    tables = [sh for sh in slides[2].shapes if sh.has_table]
    assert len(tables) == 1
    cells = [[c.text for c in row.cells] for row in tables[0].table.rows]
    assert cells == [["", "Applicants"], ["employed", "2933"], ["student", "271"]]
    joined = " ".join(t for s in slides for t in texts(s))
    assert "division by zero" not in joined
    assert "secret_stuff" not in joined
    assert texts(slides[4]) == ["Appendix"]


def test_widgets_become_pictures_of_their_saved_state():
    nb = executed_widget_notebook()
    # give the counter the PNG its display data would carry (StaticFallbackMixin does this)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "application/vnd.jupyter.widget-view+json" in out.get("data", {}):
                out["data"]["image/png"] = PNG_B64
    prs = Presentation(io.BytesIO(render_deck(build_deck(nb), "pptx")))
    pictures = [
        sh for s in prs.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE
    ]
    assert len(pictures) == 2


def test_widget_without_picture_shows_its_value_as_text():
    nb = executed_widget_notebook()
    prs = Presentation(io.BytesIO(render_deck(build_deck(nb), "pptx")))
    joined = " ".join(t for s in prs.slides for t in texts(s))
    assert "Level 4" in joined  # the IntSlider's description and value


def test_long_tables_are_cut_with_a_note():
    rows = "".join(f"<tr><td>{i}</td></tr>" for i in range(40))
    nb = new_notebook(
        cells=[code_with(new_output("display_data", data={"text/html": f"<table>{rows}</table>"}))]
    )
    nbformat.validate(nb)
    prs = Presentation(io.BytesIO(render_deck(build_deck(nb), "pptx")))
    (table,) = [sh.table for s in prs.slides for sh in s.shapes if sh.has_table]
    assert table.rows[len(table.rows) - 1].cells[0].text.startswith("… ")


# -- pictures PowerPoint can and cannot show ------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def pictures(prs):
    return [sh for s in prs.slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_svg_with_a_png_twin_goes_to_powerpoint_as_the_png():
    out = new_output("display_data", data={"image/svg+xml": SVG, "image/png": PNG_B64})
    deck = build_deck(new_notebook(cells=[code_with(out)]))
    image = deck.slides[1].body[0]
    assert image.mime == "image/svg+xml"  # the HTML deck keeps the sharp SVG
    prs = Presentation(io.BytesIO(render_deck(deck, "pptx")))
    assert len(pictures(prs)) == 1


def test_svg_only_and_corrupt_png_become_a_note_and_a_warning():
    cells = [
        code_with(new_output("display_data", data={"image/svg+xml": SVG})),
        code_with(new_output("display_data", data={"image/png": "bm90IGEgcG5n"})),
    ]
    deck = build_deck(new_notebook(cells=cells))
    with pytest.warns(DeckWarning, match=r"2 picture\(s\)") as caught:
        prs = Presentation(io.BytesIO(render_deck(deck, "pptx")))
    message = str(caught[0].message)
    assert "cell 1: an SVG picture" in message
    assert "cell 2: a picture that cannot be read" in message
    assert pictures(prs) == []
    joined = " ".join(t for s in prs.slides for t in texts(s))
    assert "not available in PowerPoint" in joined
    assert "could not be read" in joined


def test_markdown_images_attachments_and_local_files_reach_powerpoint(tmp_path):
    (tmp_path / "chart.png").write_bytes(base64.b64decode(PNG_B64))
    cell = new_markdown_cell("## Pictures\n\n![a](attachment:a.png)\n\n![b](chart.png)\n\nwords")
    cell.attachments = {"a.png": {"image/png": PNG_B64}}
    deck = build_deck(new_notebook(cells=[new_markdown_cell("# T"), cell]), base_dir=tmp_path)
    prs = Presentation(io.BytesIO(render_deck(deck, "pptx")))
    assert len(pictures(prs)) == 2
    assert "words" in " ".join(texts(list(prs.slides)[1]))
