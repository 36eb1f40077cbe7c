"""Notebook → PowerPoint: 16:9, title, headline, widget pictures, tables, notes."""

from __future__ import annotations

import io

import nbformat
from nbformat.v4 import new_notebook, new_output
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches
from test_export_notebooks import PNG_B64, code_with, executed_widget_notebook, story_notebook

from explainwidgets.export import build_deck, render_deck


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
