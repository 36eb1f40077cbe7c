"""Notebook → slide model: splitting, tags, title, speaker notes, sanitising.

The model is format-neutral: :mod:`.html` turns it into a reveal.js deck with live widgets,
:mod:`.pptx` into PowerPoint. Rules (stakeholder-ready by default):

* code is never shown; outputs are;
* a new slide starts at each markdown heading of level ≤ ``split_level`` (default 2) — unless
  the notebook uses RISE/nbconvert ``slideshow.slide_type`` "slide"/"subslide" metadata, in
  which case those cells (and only those) start slides; "fragment", "notes" and "skip" are
  honoured in both modes;
* the title slide comes from ``metadata.title`` or the notebook's first heading;
* tags: ``so-what`` → the slide's headline (shown first), ``appendix`` → moved after the main
  story, ``notes`` → speaker notes, ``skip``/``remove-cell`` → removed,
  ``remove-output``/``hide-output`` → outputs dropped;
* error outputs and stderr are dropped and listed in :attr:`Deck.dropped`.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import itertools
import json
import mimetypes
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any

import mistune
import nbformat

from explainwidgets.export._sanitize import flatten_html, html_to_text, sanitize_html

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PROGRESS_MODELS = frozenset({"FloatProgressModel", "IntProgressModel"})
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IMAGE_MIMES = ("image/svg+xml", "image/png", "image/jpeg", "image/gif")
RASTER_MIMES = ("image/png", "image/jpeg", "image/gif")
TAG_SO_WHAT = {"so-what", "so_what", "sowhat", "headline"}
TAG_APPENDIX = {"appendix"}
TAG_NOTES = {"notes", "speaker-notes"}
TAG_SKIP = {"skip", "remove-cell", "remove_cell", "hide"}
TAG_NO_OUTPUT = {"remove-output", "remove_output", "hide-output", "hide_output"}
MAX_LOCAL_IMAGE = 10_000_000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_REMOTE_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bfrom\s*|\bimport\s+)["'](?:https?:)?//""", re.I
)


class DeckError(ValueError):
    """The notebook cannot be turned into a deck (invalid file, unsupported format …)."""


# -- the model --------------------------------------------------------------------------


@dataclass
class Block:
    """One piece of slide content.

    kind: "markdown" | "html" | "image" | "text" | "latex" | "widget".
    """

    kind: str
    html: str = ""  # sanitised HTML (markdown, html, latex shown as source)
    text: str = ""  # plain text (jargon check, PowerPoint, fallbacks)
    mime: str = ""  # image mime type
    data: bytes = b""  # image bytes
    model_id: str = ""  # widget
    live: bool = False  # widget renders live from the embedded state
    fallback: Block | None = None  # widget: static picture/text shown when not live
    raster: Block | None = None  # SVG image: a PNG/JPEG of the same figure (for PowerPoint)
    fragment: bool = False
    cell: int = -1


@dataclass
class Slide:
    title: str = ""  # plain text
    title_html: str = ""  # sanitised inline HTML
    headline: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    notes: list[Block] = field(default_factory=list)
    appendix: bool = False
    kind: str = "content"  # "title" | "content" | "divider"
    subslide: bool = False  # reveal: a vertical slide under the previous one

    @property
    def empty(self) -> bool:
        return not (self.title or self.headline or self.body)

    def notes_text(self) -> str:
        return "\n\n".join(b.text for b in self.notes if b.text)


@dataclass
class Dropped:
    cell: int  # 1-based code cell position in the notebook
    what: str  # "error" | "stderr" | "progress"
    summary: str

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.what}: {self.summary}"


@dataclass
class Deck:
    title: str
    subtitle: str
    slides: list[Slide]
    widget_models: dict[
        str, dict[str, Any]
    ]  # model id → {model_name, model_module, state, buffers}
    dropped: list[Dropped] = field(default_factory=list)
    language: str = "en"


# -- loading ----------------------------------------------------------------------------


def load_notebook(source: Any) -> nbformat.NotebookNode:
    """A validated nbformat v4 notebook (a copy) from a path, a JSON string or a NotebookNode."""
    try:
        if isinstance(source, (nbformat.NotebookNode, dict)):
            nb = nbformat.from_dict(copy.deepcopy(dict(source)))
            major = nb.get("nbformat", 4)
            if major != 4:
                nb = nbformat.convert(nb, 4)
        else:
            path = pathlib.Path(source)
            if not path.exists():
                raise DeckError(f"notebook {path} does not exist")
            if path.is_dir():
                raise DeckError(f"{path} is a folder; pass a .ipynb notebook file")
            with path.open(encoding="utf-8") as f:
                nb = nbformat.read(f, as_version=4)
    except DeckError:
        raise
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DeckError(f"not a notebook: the file is not valid JSON ({exc})") from exc
    except Exception as exc:
        raise DeckError(f"not a valid Jupyter notebook: {exc}") from exc
    try:
        nbformat.validate(nb, relax_add_props=True)
    except nbformat.ValidationError as exc:
        msg = str(exc).splitlines()[0]
        raise DeckError(
            f"not a valid Jupyter notebook (nbformat 4 schema): {msg}. "
            "Open and save it in JupyterLab, or fix the file."
        ) from exc
    if "cells" not in nb:
        raise DeckError("not a valid Jupyter notebook: it has no cells")
    return _no_lone_surrogates(nb)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_lone_surrogates(value: Any) -> Any:
    """Replace lone UTF-16 surrogates (JSON allows "\\ud800"; UTF-8 cannot hold it) by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        for key in list(value):
            value[key] = _no_lone_surrogates(value[key])
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = _no_lone_surrogates(item)
    return value


# -- markdown ---------------------------------------------------------------------------


class _Renderer(mistune.HTMLRenderer):
    """LaTeX is shown as its source in a styled span (no MathJax: the deck is offline)."""

    def safe_url(self, url: str) -> str:  # mistune < 3.1
        return url

    def sanitize_url(self, url: str) -> str:  # mistune >= 3.1
        # The sanitiser decides (it also resolves "attachment:" and local images).
        return url

    def block_math(self, text: str) -> str:
        return f'<pre class="math">{mistune.escape(text.strip())}</pre>\n'

    def inline_math(self, text: str) -> str:
        return f'<code class="math">{mistune.escape(text.strip())}</code>'


_MARKDOWN = mistune.create_markdown(
    escape=False,
    renderer=_Renderer(escape=False),
    plugins=["table", "strikethrough", "math", "url"],
)


def markdown_to_html(source: str, resolve: Any = None) -> str:
    return sanitize_html(str(_MARKDOWN(source)), resolve)


def inline_markdown(source: str) -> str:
    """Render a heading's text (inline markdown) to sanitised HTML without a <p>."""
    rendered = markdown_to_html(source).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>"):
        rendered = rendered[3:-4]
    return rendered


_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r"^(?: {4}|\t| {0,3}(?:[-+*>|]|\d+[.)])(?:\s|$)| {0,3}#{1,6}(?:\s|$))")


def _headings(lines: list[str]) -> list[tuple[int, int, int, str]]:
    """``(first line, line after, level, text)`` of each ATX or setext heading outside fences.

    A setext heading is one paragraph line (after a blank line or at the start) underlined
    with ``===`` (level 1) or ``---`` (level 2); ``---`` after a blank line is a rule.
    """
    found: list[tuple[int, int, int, str]] = []
    fence: str | None = None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        h = _HEADING.match(line)
        if h:
            found.append((i, i + 1, len(h.group(1)), h.group(2).strip()))
            continue
        u = _SETEXT.match(line)
        if u and i > 0:
            prev = lines[i - 1]
            before_blank = i == 1 or not lines[i - 2].strip()
            taken = bool(found) and found[-1][1] == i  # the line above is a heading already
            paragraph = not _NOT_PARAGRAPH.match(prev) and not _FENCE.match(prev)
            if prev.strip() and before_blank and not taken and paragraph:
                level = 1 if u.group(1).startswith("=") else 2
                found.append((i - 1, i + 1, level, prev.strip()))
    return found


def split_markdown(source: str, split_level: int) -> list[tuple[int, str, str]]:
    """Split markdown at ATX and setext headings of level ≤ split_level (ignoring fenced code).

    Returns ``(level, heading_text, body)`` parts; level 0 for text before the first heading.
    """
    lines = source.splitlines()
    cuts = [h for h in _headings(lines) if h[2] <= split_level]
    parts: list[tuple[int, str, list[str]]] = [(0, "", [])]
    pos = 0
    for first, after, level, text in cuts:
        parts[-1][2].extend(lines[pos:first])
        parts.append((level, text, []))
        pos = after
    parts[-1][2].extend(lines[pos:])
    out = [(lvl, title, "\n".join(body).strip("\n")) for lvl, title, body in parts]
    if out[0][0] == 0 and not out[0][2].strip() and len(out) > 1:
        out = out[1:]
    return out


def first_heading(source: str) -> tuple[int, str] | None:
    found = _headings(source.splitlines())
    return (found[0][2], found[0][3]) if found else None


def leading_heading(source: str) -> tuple[int, str] | None:
    """The heading the markdown starts with (blank lines aside), else None."""
    lines = source.splitlines()
    found = _headings(lines)
    if not found:
        return None
    first, _after, level, text = found[0]
    if any(ln.strip() for ln in lines[:first]):
        return None
    return level, text


def drop_leading_heading(source: str) -> str:
    """The markdown without the heading it starts with (everything else kept)."""
    lines = source.splitlines()
    found = _headings(lines)
    if not found or any(ln.strip() for ln in lines[: found[0][0]]):
        return source
    return "\n".join(lines[found[0][1] :]).strip("\n")


# -- outputs ----------------------------------------------------------------------------


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _b64(value: Any) -> bytes:
    try:
        return base64.b64decode(_join(value).replace("\n", ""), validate=False)
    except (ValueError, TypeError):
        return b""


def _image_block(mime: str, value: Any, cell: int) -> Block | None:
    data = _join(value).encode("utf-8") if mime == "image/svg+xml" else _b64(value)
    if not data:
        return None
    return Block("image", mime=mime, data=data, cell=cell)


def _clean_stream(text: str) -> str:
    """Stream text as a terminal shows it: a carriage return rewrites its line (progress)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(ln.rstrip("\r").rsplit("\r", 1)[-1] for ln in lines)


def _text_block(text: str, cell: int) -> Block | None:
    text = _ANSI.sub("", text).rstrip()
    if not text.strip():
        return None
    from html import escape

    return Block("text", html=f'<pre class="ew-text">{escape(text)}</pre>', text=text, cell=cell)


def _bundle_block(data: dict[str, Any], cell: int, resolve: Any) -> Block | None:
    """The best static block for a MIME bundle (no widgets here)."""
    for mime in IMAGE_MIMES:
        if mime in data:
            block = _image_block(mime, data[mime], cell)
            if block:
                if mime == "image/svg+xml":
                    # PowerPoint cannot show SVG: keep the raster twin the output also has.
                    for twin in RASTER_MIMES:
                        if twin in data:
                            block.raster = _image_block(twin, data[twin], cell)
                            if block.raster:
                                break
                return block
    if "text/html" in data:
        raw = _join(data["text/html"])
        if "sk-top-container" not in raw:
            clean = sanitize_html(raw, resolve).strip()
            text = html_to_text(clean)
            if text.strip() or "<img" in clean:
                return Block(
                    "html", html=f'<div class="ew-output">{clean}</div>', text=text, cell=cell
                )
    if "text/markdown" in data:
        clean = markdown_to_html(_join(data["text/markdown"]), resolve)
        return Block("markdown", html=clean, text=html_to_text(clean), cell=cell)
    if "text/latex" in data:
        from html import escape

        src = _join(data["text/latex"]).strip().strip("$").strip()
        return Block("latex", html=f'<pre class="math">{escape(src)}</pre>', text=src, cell=cell)
    if "text/plain" in data:
        return _text_block(_join(data["text/plain"]), cell)
    return None


# -- widgets ----------------------------------------------------------------------------

#: ipywidgets models the deck host renders itself (everything else shows its static output).
HOST_MODELS = frozenset(
    [
        "IntSliderModel",
        "FloatSliderModel",
        "FloatLogSliderModel",
        "CheckboxModel",
        "DropdownModel",
        "TextModel",
        "IntTextModel",
        "FloatTextModel",
        "BoundedIntTextModel",
        "BoundedFloatTextModel",
        "LabelModel",
        "HTMLModel",
        "HTMLMathModel",
        "ButtonModel",
        "BoxModel",
        "HBoxModel",
        "VBoxModel",
        "GridBoxModel",
        "ToggleButtonModel",
        "IntProgressModel",
        "FloatProgressModel",
        "LinkModel",
        "DirectionalLinkModel",
        "RadioButtonsModel",
        "ToggleButtonsModel",
        "OutputModel",
        "TabModel",
        "AccordionModel",
        "StackModel",
    ]
)
CONTAINER_NAMES = {"Tab": "tabs", "Accordion": "sections", "Stack": "panels"}
_SKIP_MODELS = frozenset({"LayoutModel"})


def _refs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value[len("IPY_MODEL_") :]] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, list):
        return [r for v in value for r in _refs(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(v)]
    return []


def widget_state(nb: nbformat.NotebookNode) -> dict[str, Any]:
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get(WIDGET_STATE, {}) if isinstance(widgets, dict) else {}
    models = state.get("state", {}) if isinstance(state, dict) else {}
    return models if isinstance(models, dict) else {}


def esm_problem(state: dict[str, Any]) -> str | None:
    """Why an anywidget cannot run offline from its saved state (None if it can)."""
    esm = state.get("_esm")
    if not isinstance(esm, str) or not esm.strip():
        return "its JavaScript was not saved with the notebook"
    if re.match(r"^\s*(https?:)?//\S+\s*$", esm):
        return "its JavaScript is loaded from the internet"
    if _REMOTE_IMPORT.search(esm):
        return "its JavaScript imports code from the internet"
    return None


def is_live(model: dict[str, Any]) -> bool:
    name = model.get("model_name", "")
    if name == "AnyModel":
        return esm_problem(model.get("state", {})) is None
    return name in HOST_MODELS


def collect_models(all_models: dict[str, Any], roots: list[str]) -> dict[str, dict[str, Any]]:
    """The models the displayed widgets need (references followed), plus links between them."""
    keep: dict[str, dict[str, Any]] = {}
    todo = [r for r in roots if r in all_models]
    while todo:
        mid = todo.pop()
        if mid in keep or mid not in all_models:
            continue
        model = all_models[mid]
        if model.get("model_name") in _SKIP_MODELS or "Style" in model.get("model_name", ""):
            continue
        keep[mid] = model
        todo.extend(_refs(model.get("state", {})))
    for mid, model in all_models.items():
        if model.get("model_name") in {"LinkModel", "DirectionalLinkModel"}:
            ends = _refs(model.get("state", {}))
            if ends and all(e in keep for e in ends):
                keep[mid] = model
    return {mid: keep[mid] for mid in sorted(keep)}


def output_blocks(model: dict[str, Any], cell: int, resolve: Any = None) -> list[Block]:
    """Static blocks for the outputs an Output widget saved (sanitised like cell outputs)."""
    blocks: list[Block] = []
    outputs = model.get("state", {}).get("outputs") or []
    stream: list[str] = []
    for out in outputs if isinstance(outputs, list) else []:
        if not isinstance(out, dict):
            continue
        otype = out.get("output_type")
        if otype == "stream":
            if out.get("name") != "stderr":
                stream.append(_join(out.get("text", "")))
            continue
        if stream:
            text = _text_block(_clean_stream("".join(stream)), cell)
            blocks.extend([text] if text else [])
            stream.clear()
        if otype in {"display_data", "execute_result"}:
            data = {k: v for k, v in (out.get("data") or {}).items() if k != WIDGET_VIEW}
            block = _bundle_block(data, cell, resolve)
            if block is not None:
                blocks.append(block)
    if stream:
        text = _text_block(_clean_stream("".join(stream)), cell)
        blocks.extend([text] if text else [])
    return blocks


def _looks_like_repr(plain: str) -> bool:
    """An empty widget repr ("W()", "<...>") means nothing on a slide."""
    return bool(re.match(r"^\s*[A-Za-z_][\w.]*\(\)\s*$", plain)) or plain.startswith("<")


def _widget_text(model: dict[str, Any] | None, plain: str) -> str:
    """A readable static stand-in for a widget without a picture."""
    if model is None:
        return plain if plain and not _looks_like_repr(plain) else "Interactive view (not saved)"
    st = model.get("state", {})
    name = model.get("model_name", "").removesuffix("Model")
    if name in CONTAINER_NAMES:
        titles = [str(t) for t in (st.get("titles") or []) if t]
        listed = f": {', '.join(titles)}" if titles else ""
        return f"Interactive {CONTAINER_NAMES[name]}{listed} (open the notebook to use them)"
    desc = st.get("description") or ""
    if "value" in st and not isinstance(st["value"], (dict, list)):
        value = st["value"]
        if name in {"HTML", "HTMLMath"}:
            return html_to_text(sanitize_html(str(value)))
        return f"{desc} {value}".strip() if desc else f"{name}: {value}"
    if plain and not _looks_like_repr(plain):
        return plain
    label = name if name and name != "Any" else "view"
    return f"Interactive {label} (open the notebook to use it)"


# -- splitting --------------------------------------------------------------------------


def _tags(cell: Any) -> set[str]:
    tags = cell.get("metadata", {}).get("tags", []) or []
    return {str(t).strip().lower() for t in tags if isinstance(t, str)}


def _slide_type(cell: Any) -> str:
    st = cell.get("metadata", {}).get("slideshow", {}) or {}
    value = st.get("slide_type", "-") if isinstance(st, dict) else "-"
    return value if isinstance(value, str) else "-"


class _Builder:
    def __init__(self, nb: nbformat.NotebookNode, split_level: int, base_dir: pathlib.Path | None):
        self.nb = nb
        self.split_level = split_level
        self.base_dir = base_dir
        self.all_models = widget_state(nb)
        self.used_models: list[str] = []
        self.dropped: list[Dropped] = []
        self.main: list[Slide] = []
        self.appendix: list[Slide] = []
        self.current: Slide | None = None
        self.title_slide = Slide(kind="title")
        self.appendix_section = False  # after a heading titled "Appendix"

    # -- resolving images inside markdown -----------------------------------------------
    def resolver(self, cell: Any):
        attachments = cell.get("attachments", {}) or {}

        def resolve(url: str) -> str | None:
            if url.startswith("attachment:"):
                bundle = attachments.get(url[len("attachment:") :], {})
                for mime, value in bundle.items():
                    if mime.startswith("image/"):
                        data = _join(value) if mime != "image/svg+xml" else None
                        if data is None:
                            b64 = base64.b64encode(_join(value).encode()).decode()
                            return f"data:{mime};base64,{b64}"
                        return f"data:{mime};base64,{data.strip()}"
                return None
            if self.base_dir is None or re.match(r"^[A-Za-z][\w+.-]*:|^/|^\\", url):
                return None
            base = self.base_dir.resolve()
            path = (base / url.split("?")[0].split("#")[0]).resolve()
            if not path.is_relative_to(base):
                return None  # only pictures in the notebook's folder (or below) are embedded
            mime = mimetypes.guess_type(path.name)[0] or ""
            if mime in IMAGE_MIMES and path.is_file() and path.stat().st_size <= MAX_LOCAL_IMAGE:
                return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"
            return None

        return resolve

    # -- slides -------------------------------------------------------------------------
    def new_slide(self, title: str, appendix: bool, subslide: bool = False) -> Slide:
        slide = Slide(
            title=html_to_text(inline_markdown(title)) if title else "",
            title_html=inline_markdown(title) if title else "",
            appendix=appendix,
            subslide=subslide,
        )
        (self.appendix if appendix else self.main).append(slide)
        self.current = slide
        return slide

    def slide(self) -> Slide:
        return self.current if self.current is not None else self.title_slide

    def appendix_slide_for(self, slide: Slide) -> Slide:
        title = f"Appendix: {slide.title}" if slide.title else "Appendix"
        for s in self.appendix:
            if s.title == title and s.kind == "content":
                return s
        s = Slide(title=title, title_html=html.escape(title), appendix=True)
        self.appendix.append(s)
        return s

    def place(self, blocks: list[Block], tags: set[str], role: str) -> None:
        if not blocks:
            return
        if (
            self.current is None
            and role in {"body", "appendix"}
            and any(b.kind != "markdown" for b in blocks)
        ):
            self.new_slide("", appendix=False)  # outputs never crowd the title slide
        slide = self.slide()
        if role == "notes":
            slide.notes.extend(blocks)
        elif role == "headline":
            slide.headline.extend(blocks)
        elif "appendix" in role and not slide.appendix:
            self.appendix_slide_for(slide).body.extend(blocks)
        else:
            slide.body.extend(blocks)

    # -- cells ----------------------------------------------------------------------------
    def run(self) -> tuple[str, str]:
        cells = self.nb.cells
        explicit = any(_slide_type(c) in {"slide", "subslide"} for c in cells)
        title = self.nb.metadata.get("title")
        title = title.strip() if isinstance(title, str) else ""
        title_from_heading = not title
        subtitle = ""
        authors = self.nb.metadata.get("authors")
        if isinstance(authors, list):
            names = [a.get("name", "") for a in authors if isinstance(a, dict)]
            subtitle = ", ".join(n for n in names if n)

        for index, cell in enumerate(cells):
            tags = _tags(cell)
            stype = _slide_type(cell)
            if tags & TAG_SKIP or stype == "skip":
                continue
            ctype = cell.get("cell_type")
            role = "body"
            if tags & TAG_NOTES or stype == "notes":
                role = "notes"
            elif tags & TAG_SO_WHAT:
                role = "headline"
            if tags & TAG_APPENDIX and role == "body":
                role = "appendix"
            fragment = stype == "fragment"
            starts = explicit and stype in {"slide", "subslide"}
            if starts and role in {"body", "appendix"}:
                src = _join(cell.get("source", "")) if ctype == "markdown" else ""
                head = leading_heading(src)
                if head and title_from_heading and not title and not self.main:
                    # The first slide's heading is the deck's title.
                    title = html_to_text(inline_markdown(head[1]))
                    self.current = None
                else:
                    self.new_slide(
                        head[1] if head else "",
                        appendix=role == "appendix" or self._appendix_heading(head),
                        subslide=stype == "subslide",
                    )
                if head and ctype == "markdown":
                    # The heading became the slide's (or deck's) title; keep everything else.
                    cell = {**cell, "source": drop_leading_heading(src)}
                role = "body"

            if ctype == "markdown":
                source = _join(cell.get("source", ""))
                if role in {"body", "appendix"} and not explicit:
                    for level, heading, body in split_markdown(source, self.split_level):
                        if level:
                            if title_from_heading and not title and not self.main:
                                title = html_to_text(inline_markdown(heading))
                                self.current = None
                                self._markdown(body, cell, index, "body", fragment)
                                continue
                            is_app = self._appendix_heading((level, heading))
                            self.new_slide(heading, appendix=is_app or role == "appendix")
                            self._markdown(body, cell, index, "body", fragment)
                        else:
                            self._markdown(body, cell, index, role, fragment)
                else:
                    if role == "headline":
                        source = "\n".join(
                            _HEADING.sub(lambda m: m.group(2), ln) for ln in source.splitlines()
                        )
                    if explicit and title_from_heading and not title and self.current is None:
                        head = leading_heading(source)
                        if head:
                            title = html_to_text(inline_markdown(head[1]))
                            source = drop_leading_heading(source)
                    self._markdown(source, cell, index, role, fragment)
            elif ctype == "code":
                if tags & TAG_NO_OUTPUT:
                    continue
                blocks = self._outputs(cell, index, fragment)
                self.place(blocks, tags, role)
            elif ctype == "raw":
                fmt = cell.get("metadata", {}).get("format") or cell.get("metadata", {}).get(
                    "raw_mimetype", ""
                )
                src = _join(cell.get("source", ""))
                if fmt in {"text/html", "html"}:
                    clean = sanitize_html(src)
                    block = Block("html", html=clean, text=html_to_text(clean), cell=index)
                elif fmt in {"text/markdown", "markdown"}:
                    clean = markdown_to_html(src)
                    block = Block("markdown", html=clean, text=html_to_text(clean), cell=index)
                else:
                    continue
                block.fragment = fragment
                if block.text.strip() or "<img" in block.html:
                    self.place([block], tags, role)
        return title, subtitle

    def _appendix_heading(self, head: tuple[int, str] | None) -> bool:
        """A heading titled "Appendix" sends it and every later slide to the appendix."""
        if head and re.match(r"^[*_ ]*appendix\b", head[1].strip().lower()):
            self.appendix_section = True
        return self.appendix_section

    def _markdown(self, source: str, cell: Any, index: int, role: str, fragment: bool) -> None:
        if not source.strip():
            return
        clean = markdown_to_html(source, self.resolver(cell))
        text = html_to_text(clean)
        if not text.strip() and "<img" not in clean:
            return
        block = Block("markdown", html=clean, text=text, fragment=fragment, cell=index)
        self.place([block], set(), role)

    def _outputs(self, cell: Any, index: int, fragment: bool) -> list[Block]:
        blocks: list[Block] = []
        stream: list[str] = []

        def flush() -> None:
            if stream:
                block = _text_block(_clean_stream("".join(stream)), index)
                if block:
                    blocks.append(block)
                stream.clear()

        for out in cell.get("outputs", []) or []:
            otype = out.get("output_type")
            if otype == "stream":
                if out.get("name") == "stderr":
                    first = _ANSI.sub("", _join(out.get("text", ""))).strip().splitlines()
                    self.dropped.append(
                        Dropped(index + 1, "stderr", first[0][:120] if first else "")
                    )
                    continue
                stream.append(_join(out.get("text", "")))
                continue
            flush()
            if otype == "error":
                summary = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}".strip()
                summary = _ANSI.sub("", summary)
                self.dropped.append(Dropped(index + 1, "error", summary[:160]))
                continue
            if otype not in {"display_data", "execute_result"}:
                continue
            data = out.get("data", {}) or {}
            if WIDGET_VIEW in data and self._is_progress_bar(data):
                # tqdm and friends: a bar frozen mid-run means nothing to a manager.
                self.dropped.append(Dropped(index + 1, "progress", "a progress bar"))
                continue
            block = self._widget_block(data, index) if WIDGET_VIEW in data else None
            if block is None:
                block = _bundle_block(data, index, self.resolver(cell))
            if block is not None:
                blocks.append(block)
        flush()
        for b in blocks:
            b.fragment = fragment
        return blocks

    def _output_models(self, root: str) -> list[str]:
        """Output widgets in the tree under model ``root`` (itself included), in order."""
        found: list[str] = []
        seen: set[str] = set()
        todo = [root]
        while todo:
            mid = todo.pop(0)
            if mid in seen or mid not in self.all_models:
                continue
            seen.add(mid)
            model = self.all_models[mid]
            if model.get("model_name") == "OutputModel":
                found.append(mid)
            st = model.get("state", {})
            todo.extend(_refs(st.get("children", [])) if isinstance(st, dict) else [])
        return found

    def _outputs_of(self, mid: str, index: int) -> list[Block]:
        return output_blocks(self.all_models.get(mid, {}), index)

    def _is_progress_bar(self, data: dict[str, Any]) -> bool:
        """A progress widget, or a box (tqdm's) made of labels and one progress widget."""
        view = data.get(WIDGET_VIEW) or {}
        model = self.all_models.get(view.get("model_id", "")) if isinstance(view, dict) else None
        if not model:
            return False
        name = model.get("model_name", "")
        if name in PROGRESS_MODELS:
            return True
        if name not in {"HBoxModel", "VBoxModel", "BoxModel"}:
            return False
        kinds = []
        for ref in model.get("state", {}).get("children", []) or []:
            child = self.all_models.get(str(ref).replace("IPY_MODEL_", ""), {})
            kinds.append(child.get("model_name", ""))
        return any(k in PROGRESS_MODELS for k in kinds) and all(
            k in PROGRESS_MODELS or k in {"HTMLModel", "LabelModel"} for k in kinds
        )

    def _widget_block(self, data: dict[str, Any], index: int) -> Block | None:
        view = data.get(WIDGET_VIEW) or {}
        mid = view.get("model_id") if isinstance(view, dict) else None
        if not isinstance(mid, str):
            return None
        model = self.all_models.get(mid)
        static = {k: v for k, v in data.items() if k != WIDGET_VIEW}
        fallback = None
        if any(m in static for m in IMAGE_MIMES):
            fallback = _bundle_block(static, index, None)
        if fallback is None and model is not None:
            # interact() and friends: the Output widget inside kept the plot.
            saved = [b for mid_ in self._output_models(mid) for b in self._outputs_of(mid_, index)]
            pictures = [b for b in saved if b.kind == "image"]
            fallback = pictures[0] if pictures else (saved[0] if saved else None)
        if fallback is None:
            text = _widget_text(model, _join(static.get("text/plain", "")))
            fallback = _text_block(text, index)
        if model is None:
            return fallback
        live = is_live(model)
        if live:
            self.used_models.append(mid)
        return Block(
            "widget",
            model_id=mid,
            live=live,
            fallback=fallback,
            cell=index,
            text=fallback.text if fallback else "",
        )


# -- public -----------------------------------------------------------------------------


def build_deck(
    notebook: Any,
    *,
    split_level: int = 2,
    base_dir: str | pathlib.Path | None = None,
    name: str | None = None,
) -> Deck:
    """Turn a notebook (path, dict or NotebookNode) into the format-neutral slide model."""
    if not 1 <= int(split_level) <= 6:
        raise ValueError(f"split_level must be between 1 and 6, got {split_level!r}")
    if base_dir is None and isinstance(notebook, (str, pathlib.Path)):
        base_dir = pathlib.Path(notebook).resolve().parent
    nb = load_notebook(notebook)
    builder = _Builder(nb, int(split_level), pathlib.Path(base_dir) if base_dir else None)
    title, subtitle = builder.run()
    if not title and name is None and isinstance(notebook, (str, pathlib.Path)):
        name = pathlib.Path(notebook).stem
    if not title and name:
        title = re.sub(r"[_-]+", " ", name).strip().capitalize()
    if not title:
        title = "Untitled deck"
    ts = builder.title_slide
    # The plain title is text: escape it, never parse it as markdown again (keeps "&lt;b&gt;").
    ts.title, ts.title_html = title, html.escape(title)
    slides = [ts] + [s for s in builder.main if not s.empty or s.notes]
    appendix = [s for s in builder.appendix if not s.empty or s.notes]
    if appendix and appendix[0].title.strip().lower() != "appendix":
        slides.append(Slide(title="Appendix", title_html="Appendix", kind="divider", appendix=True))
        slides.extend(appendix)
    # A subslide cannot open the deck or follow a divider.
    for prev, s in itertools.pairwise(slides):
        if s.subslide and prev.kind != "content":
            s.subslide = False
    models = collect_models(builder.all_models, builder.used_models)
    return Deck(
        title=title,
        subtitle=subtitle,
        slides=slides,
        widget_models=models,
        dropped=builder.dropped,
    )


def slide_texts(deck: Deck) -> list[tuple[int, str, str]]:
    """(slide number, slide title, text) for the words a stakeholder reads on each slide.

    Appendix slides and speaker notes are left out: the appendix is where technical
    detail belongs.
    """
    out: list[tuple[int, str, str]] = []
    for number, slide in enumerate(deck.slides, start=1):
        if slide.appendix:
            continue
        parts = [slide.title]
        for block in slide.headline + slide.body:
            if block.kind in {"markdown", "html"}:
                parts.append(block.text)
        text = "\n".join(p for p in parts if p)
        if text.strip():
            out.append((number, slide.title, text))
    return out


def content_hash(data: bytes | str) -> str:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:16]


__all__ = [
    "Block",
    "Deck",
    "DeckError",
    "Dropped",
    "Slide",
    "build_deck",
    "flatten_html",
    "load_notebook",
    "markdown_to_html",
    "slide_texts",
]
