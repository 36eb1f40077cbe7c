"""nbconvert exporters: ``jupyter nbconvert --to deck|deck.pptx`` and JupyterLab's /
Notebook 7's "Save and Export Notebook As" menu (via ``export_from_notebook``).

Registered under the ``nbconvert.exporters`` entry point in pyproject.toml. nbconvert's own
``--execute`` runs the notebook first (nbclient stores the widget state).
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import Exporter
from traitlets import Bool, Int, default

from explainwidgets.export import DeckJargonError, check_jargon, render_deck
from explainwidgets.export.slides import build_deck


class _DeckExporter(Exporter):
    deck_format = "html"

    strict = Bool(False, help="Fail when slide text uses machine-learning jargon.").tag(config=True)
    split_level = Int(2, help="Markdown headings of this level or higher start a slide.").tag(
        config=True
    )

    def from_notebook_node(
        self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[Any, dict[str, Any]]:
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        meta = resources.get("metadata", {}) or {}
        deck = build_deck(
            nb_copy,
            split_level=self.split_level,
            base_dir=meta.get("path") or None,
            name=meta.get("name") or None,
        )
        jargon = check_jargon(deck)
        if self.strict and jargon:
            raise DeckJargonError(jargon)
        for dropped in deck.dropped:
            self.log.warning("left out of the deck: %s", dropped)
        for use in jargon:
            self.log.warning("jargon: %s", use)
        data = render_deck(deck, self.deck_format)
        resources["deck"] = {"slides": len(deck.slides), "jargon": [str(u) for u in jargon]}
        resources["output_extension"] = self.file_extension
        output: Any = data.decode("utf-8") if self.deck_format == "html" else data
        return output, resources


class DeckHTMLExporter(_DeckExporter):
    """One offline HTML file: reveal.js slides, widgets live without a kernel."""

    export_from_notebook = "Stakeholder deck (HTML)"
    output_mimetype = "text/html"
    deck_format = "html"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"


class DeckPPTXExporter(_DeckExporter):
    """PowerPoint (16:9): widgets as pictures of their saved state, speaker notes."""

    export_from_notebook = "Stakeholder deck (PowerPoint)"
    output_mimetype = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    deck_format = "pptx"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pptx"
