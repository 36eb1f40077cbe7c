"""Deck export time and size vs ``jupyter nbconvert --to slides`` on the same notebook.

notebooks/deck_demo.ipynb (30 cells, three widgets) is executed once (widget state stored);
both exporters then convert that same executed notebook, timed in the same run (median of
several rounds, warm imports). Writes the ``export`` section of BENCHMARKS.md.

    python bench/bench_export.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import tempfile
import time

import nbclient
import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from _report import machine, write_section

NOTEBOOK = ROOT / "notebooks" / "deck_demo.ipynb"


def timed(fn, rounds: int) -> float:
    fn()  # warm
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    from nbconvert import SlidesExporter

    from explainwidgets.export import export_deck

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(
        nb,
        store_widget_state=True,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    n_widgets = sum(
        1
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    )
    with tempfile.TemporaryDirectory() as tmp:
        src = pathlib.Path(tmp) / "deck_demo.ipynb"
        nbformat.write(nb, src)
        html, pptx = pathlib.Path(tmp) / "deck.html", pathlib.Path(tmp) / "deck.pptx"

        def slides() -> None:
            body, _ = SlidesExporter().from_filename(str(src))
            (pathlib.Path(tmp) / "ref.slides.html").write_text(body)

        t_ref = timed(slides, args.rounds)
        t_html = timed(lambda: export_deck(src, html, progress=False), args.rounds)
        t_pptx = timed(lambda: export_deck(src, pptx, progress=False), args.rounds)
        size_html, size_pptx = html.stat().st_size, pptx.stat().st_size
        size_ref = (pathlib.Path(tmp) / "ref.slides.html").stat().st_size

    ratio = t_html / t_ref
    md = f"""## Deck export (`bench/bench_export.py`)

{machine()}. Notebook: `notebooks/deck_demo.ipynb`, {len(nb.cells)} cells, {n_widgets} widgets,
executed once; median of {args.rounds} rounds each, same run.

| exporter | time | × nbconvert slides | file size | offline |
|---|---:|---:|---:|---|
| `jupyter nbconvert --to slides` (reference) | {t_ref * 1000:.0f} ms | 1.00 | {size_ref / 1024:,.0f} KB | no (CDN scripts) |
| `export_deck(..., "deck.html")` | {t_html * 1000:.0f} ms | {ratio:.2f} | {size_html / 1024:,.0f} KB | yes, widgets live |
| `export_deck(..., "deck.pptx")` | {t_pptx * 1000:.0f} ms | {t_pptx / t_ref:.2f} | {size_pptx / 1024:,.0f} KB | yes |

Targets: HTML time ≤ 1.5 × nbconvert slides ({"met" if ratio <= 1.5 else "NOT met"});
HTML size ≤ 1.5 MB with three widgets ({"met" if size_html <= 1.5e6 else "NOT met"}).
"""
    print(md)
    write_section("export", md)


if __name__ == "__main__":
    main()
