"""Notebook → stakeholder deck: one offline HTML file with live widgets, or PowerPoint.

>>> from explainwidgets import export_deck
>>> report = export_deck("analysis.ipynb", "deck.html")  # doctest: +SKIP
>>> report.jargon  # doctest: +SKIP
[JargonUse(slide=3, title='Threshold', term='recall', plain='catch rate (...)')]

Also: ``explainwidgets deck NOTEBOOK -o OUT`` and ``jupyter nbconvert --to deck``.
"""

from __future__ import annotations

import os
import pathlib
import stat
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Any

from explainwidgets.export.slides import _ANSI, Deck, DeckError, Dropped, build_deck, slide_texts

__all__ = [
    "DeckError",
    "DeckJargonError",
    "DeckReport",
    "DeckWarning",
    "JargonUse",
    "build_deck",
    "check_jargon",
    "execute_notebook",
    "export_deck",
    "render_deck",
]

FORMATS = {".html": "html", ".htm": "html", ".pptx": "pptx"}


class DeckWarning(UserWarning):
    """Something was left out of the deck or needs a human look (errors, jargon)."""


class DeckJargonError(DeckError):
    """``strict=True`` and slide text uses ML jargon."""

    def __init__(self, uses: list[JargonUse]):
        self.uses = uses
        lines = "\n".join(f"  - {u}" for u in uses)
        super().__init__(
            f"the slides use {len(uses)} machine-learning term(s) a stakeholder may not know "
            f"(strict mode):\n{lines}\nRewrite them in plain words, or move the technical "
            "detail to a cell tagged 'appendix' or 'notes'."
        )


@dataclass(frozen=True)
class JargonUse:
    slide: int
    title: str
    term: str
    plain: str

    def __str__(self) -> str:
        where = f"slide {self.slide}" + (f" ({self.title})" if self.title else "")
        return f'{where}: "{self.term}" → try "{self.plain}"'


@dataclass
class DeckReport:
    """What :func:`export_deck` wrote and what a human should look at."""

    path: pathlib.Path
    format: str
    slides: int
    size: int
    widgets_live: int
    dropped: list[Dropped] = field(default_factory=list)
    jargon: list[JargonUse] = field(default_factory=list)


def check_jargon(deck: Deck) -> list[JargonUse]:
    """ML jargon in the slide text a stakeholder reads (appendix and notes are exempt)."""
    from explainwidgets.core.jargon import find_jargon

    uses: list[JargonUse] = []
    for number, title, text in slide_texts(deck):
        seen: set[str] = set()
        for term, plain in find_jargon(text):
            if term.lower() in seen:
                continue
            seen.add(term.lower())
            uses.append(JargonUse(number, title, term, plain))
    return uses


def execute_notebook(
    nb: Any,
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: int = 600,
    kernel_name: str | None = None,
    progress: bool = True,
) -> Any:
    """Run a notebook (a copy) with nbclient, storing widget state; a progress bar on stderr."""
    import nbclient
    from tqdm.auto import tqdm

    from explainwidgets.export.slides import load_notebook

    nb = load_notebook(nb)
    n_code = sum(1 for c in nb.cells if c.cell_type == "code")
    bar = tqdm(total=n_code, desc="Running notebook", unit="cell", disable=not progress)

    def done(**_: Any) -> None:
        bar.update(1)

    kwargs: dict[str, Any] = {
        "timeout": timeout,
        "store_widget_state": True,
        # A failing cell does not stop the run: its error output is left out of the deck and
        # listed, like errors saved in the notebook.
        "allow_errors": True,
        "on_cell_executed": done,
        "resources": {"metadata": {"path": str(cwd or os.getcwd())}},
    }
    if kernel_name:
        kwargs["kernel_name"] = kernel_name
    client = nbclient.NotebookClient(nb, **kwargs)
    try:
        client.execute()
    except nbclient.exceptions.CellTimeoutError as exc:
        raise DeckError(
            f"a cell ran longer than {timeout} s while running the notebook (--execute); "
            "raise --timeout or make the cell faster"
        ) from exc
    except nbclient.exceptions.DeadKernelError as exc:
        raise DeckError(
            "the notebook's kernel died while running (--execute): out of memory?"
        ) from exc
    except nbclient.exceptions.CellExecutionError as exc:
        last = _ANSI.sub("", str(exc)).strip().splitlines()
        raise DeckError(
            f"the notebook failed while running (--execute): {last[-1] if last else exc}"
        ) from exc
    except Exception as exc:
        from jupyter_client.kernelspec import NoSuchKernel

        if isinstance(exc, NoSuchKernel):
            raise DeckError(
                f"the notebook asks for the kernel {exc.name!r}, which is not installed here; "
                "install it, or run without --execute"
            ) from exc
        raise
    finally:
        bar.close()
    return nb


def render_deck(deck: Deck, fmt: str) -> bytes:
    """The deck file's bytes in ``fmt`` ("html" or "pptx")."""
    if fmt == "html":
        from explainwidgets.export.html import render_html

        return render_html(deck).encode("utf-8")
    if fmt == "pptx":
        from explainwidgets.export.pptx import render_pptx

        return render_pptx(deck)
    raise DeckError(f"unknown deck format {fmt!r}: use 'html' or 'pptx'")


def _write_atomic(path: pathlib.Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename over ``path``.

    The new file keeps the old file's permissions; a new file gets the usual ones (umask).
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise DeckError(f"cannot write in {path.parent}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise DeckError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def _warn(deck: Deck, jargon: list[JargonUse]) -> None:
    if deck.dropped:
        lines = "\n".join(f"  - {d}" for d in deck.dropped)
        warnings.warn(
            f"left {len(deck.dropped)} output(s) out of the deck (errors, stderr, progress bars):\n{lines}",
            DeckWarning,
            stacklevel=3,
        )
    if jargon:
        lines = "\n".join(f"  - {u}" for u in jargon)
        warnings.warn(
            f"{len(jargon)} machine-learning term(s) on the slides; plain alternatives:\n{lines}",
            DeckWarning,
            stacklevel=3,
        )


def export_deck(
    notebook: str | os.PathLike[str] | Any,
    output: str | os.PathLike[str],
    *,
    execute: bool = False,
    strict: bool = False,
    format: str | None = None,
    split_level: int = 2,
    timeout: int = 600,
    kernel_name: str | None = None,
    progress: bool = True,
) -> DeckReport:
    """Export a notebook as a stakeholder deck: ``.html`` (offline, live widgets) or ``.pptx``.

    Parameters
    ----------
    notebook : path, or a notebook (nbformat NotebookNode / dict). Never written to.
    output : the deck file; the format comes from its suffix unless ``format`` is given.
        Written atomically (a temporary file next to it, then renamed).
    execute : run the notebook first (nbclient, widget state stored), with a progress bar.
    strict : raise :class:`DeckJargonError` if slide text uses ML jargon (nothing is written).
    split_level : markdown headings of this level or higher start a new slide.

    Warnings (:class:`DeckWarning`) list the error/stderr outputs left out and any jargon.
    """
    out = pathlib.Path(output)
    fmt = format or FORMATS.get(out.suffix.lower())
    if fmt not in {"html", "pptx"}:
        raise DeckError(
            f"cannot tell the deck format from {out.name!r}: name the output .html or .pptx"
        )
    source_path: pathlib.Path | None = None
    if isinstance(notebook, (str, os.PathLike)):
        source_path = pathlib.Path(notebook)
        if out.exists() and source_path.exists() and out.resolve() == source_path.resolve():
            raise DeckError("the output would overwrite the input notebook; choose another name")
    if out.is_dir():
        raise DeckError(
            f"the output {out} is a folder; give a file name such as {out / 'deck'}.{fmt}"
        )
    if not out.parent.exists():
        raise DeckError(f"the output folder {out.parent} does not exist")
    base_dir = source_path.resolve().parent if source_path else None

    nb_input: Any = notebook
    if execute:
        nb_input = execute_notebook(
            notebook, cwd=base_dir, timeout=timeout, kernel_name=kernel_name, progress=progress
        )
    name = source_path.stem if source_path is not None else None
    deck = build_deck(nb_input, split_level=split_level, base_dir=base_dir, name=name)
    jargon = check_jargon(deck)
    if strict and jargon:
        raise DeckJargonError(jargon)
    data = render_deck(deck, fmt)
    _write_atomic(out, data)
    _warn(deck, jargon)
    live = sum(1 for s in deck.slides for b in s.headline + s.body if b.kind == "widget" and b.live)
    return DeckReport(
        path=out,
        format=fmt,
        slides=len(deck.slides),
        size=len(data),
        widgets_live=live,
        dropped=list(deck.dropped),
        jargon=jargon,
    )
