"""A strict allow-list HTML sanitiser (html.parser based) and HTML → plain structure helpers.

Notebook markdown and ``text/html`` outputs are untrusted: whatever they contain, the deck
must not run script, load anything from outside the file, or clobber the deck's own DOM.
Everything not on the allow-list is dropped; text is always re-escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    ]
)
VOID_TAGS = frozenset({"br", "hr", "img", "col", "wbr"})
# Dropped together with everything inside them.
DROP_CONTENT_TAGS = frozenset(
    [
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "template",
        "noscript",
        "svg",
        "math",
        "textarea",
        "select",
        "title",
        "head",
        "frame",
        "frameset",
        "applet",
        "audio",
        "video",
        "canvas",
        "button",
        "option",
        "link",
        "meta",
        "base",
    ]
)
GLOBAL_ATTRS = frozenset({"class", "title", "lang", "dir", "aria-label"})
TAG_ATTRS = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "align"}),
    "th": frozenset({"colspan", "rowspan", "align", "scope"}),
    "ol": frozenset({"start", "type"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
}
LINK_SCHEMES = ("http", "https", "mailto")
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_NUMERIC = re.compile(r"^\d{1,4}%?$")
_CLASS = re.compile(r"^[A-Za-z_][\w-]{0,40}$")

#: Maps an ``img src`` / ``a href`` that is not a data: URL to a data: URL (or None to drop).
UrlResolver = Callable[[str], "str | None"]


def safe_href(value: str) -> str | None:
    """A link target that cannot run script: http(s), mailto, in-page anchors, relative."""
    v = _CONTROL.sub("", html.unescape(value))
    if not v:
        return None
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", v)
    if scheme is None:
        # "//host", "\\\\server\\share", "/\\host": browsers read backslashes as slashes.
        return value.strip() if not v.strip().replace("\\", "/").startswith("//") else None
    return value.strip() if scheme.group(1).lower() in LINK_SCHEMES else None


def safe_img_src(value: str, resolve: UrlResolver | None) -> str | None:
    """Images must live inside the file: only base64 data: URLs survive."""
    v = value.strip()
    if DATA_IMAGE.match(v):
        return v
    if resolve is not None:
        resolved = resolve(v)
        if resolved is not None and DATA_IMAGE.match(resolved):
            return resolved
    return None


class _Sanitizer(HTMLParser):
    def __init__(self, resolve: UrlResolver | None) -> None:
        super().__init__(convert_charrefs=True)
        self.resolve = resolve
        self.out: list[str] = []
        self.stack: list[str] = []
        self.skip: list[str] = []  # tags whose content is being dropped

    # -- tags ------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        if self.skip:
            if tag == self.skip[-1] and not self_closing and tag not in VOID_TAGS:
                self.skip.append(tag)
            return
        if tag in DROP_CONTENT_TAGS:
            if not self_closing and tag not in {"link", "meta", "base"}:
                self.skip.append(tag)
            return
        if tag not in ALLOWED_TAGS:
            return  # unknown tag: unwrap (keep its text)
        kept = self._attrs(tag, attrs)
        if tag == "img" and "src" not in dict(kept):
            return
        parts = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in kept)
        if tag == "a" and any(k == "href" for k, _ in kept):
            parts += ' rel="noopener noreferrer" target="_blank"'
        self.out.append(f"<{tag}{parts}>")
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
        allowed = GLOBAL_ATTRS | TAG_ATTRS.get(tag, frozenset())
        kept: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name, raw in attrs:
            name = name.lower()
            if name not in allowed or name in seen:
                continue
            value = raw or ""
            if name == "href":
                checked = safe_href(value)
                if checked is None:
                    continue
                value = checked
            elif name == "src":
                checked = safe_img_src(value, self.resolve)
                if checked is None:
                    continue
                value = checked
            elif name == "class":
                value = " ".join(
                    c
                    for c in value.split()
                    if _CLASS.match(c) and not c.startswith(("ew-", "ewd-"))
                )
                if not value:
                    continue
            elif name in {"width", "height", "colspan", "rowspan", "start", "span"}:
                if not _NUMERIC.match(value.strip()):
                    continue
                value = value.strip()
            elif name in {"align", "type", "scope", "dir"}:
                value = value.strip()[:12]
            else:
                value = value[:300]
            seen.add(name)
            kept.append((name, value))
        return kept

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            self.out.append(f"</{open_tag}>")
            if open_tag == tag:
                break

    # -- text ------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def close_all(self) -> str:
        self.close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")
        return "".join(self.out)


def sanitize_html(source: str, resolve: UrlResolver | None = None) -> str:
    """Keep allow-listed tags/attributes only; drop script, styles, handlers, outside URLs.

    ``resolve`` maps an image source that is not already a data: URL (a notebook
    attachment, a local file) to a data: URL, or returns None to drop the image.
    """
    parser = _Sanitizer(resolve)
    parser.feed(source)
    return parser.close_all()


# -- HTML → plain structure (speaker notes, PowerPoint, jargon) ---------------------------


@dataclass
class Para:
    """One paragraph of plain text for PowerPoint: bullet level (0 = none), emphasis."""

    text: str
    level: int = 0
    bold: bool = False
    mono: bool = False


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)
    header_rows: int = 0


_BLOCK = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "pre",
        "blockquote",
        "dt",
        "dd",
        "tr",
        "table",
        "figure",
        "figcaption",
        "caption",
        "summary",
        "details",
        "hr",
        "br",
        "ul",
        "ol",
    ]
)


class _Flatten(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paras: list[Para] = []
        self.tables: list[Table] = []
        self.buf: list[str] = []
        self.list_depth = 0
        self.bold = 0
        self.pre = 0
        self.heading = False
        self.table_depth = 0
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.in_thead = False

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        text = text.strip("\n") if self.pre else " ".join(text.split())
        if text.strip():
            self.paras.append(
                Para(text, level=self.list_depth, bold=self.heading, mono=bool(self.pre))
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.flush()
            self.table_depth += 1
            if self.table_depth == 1:
                self.tables.append(Table())
            return
        if self.table_depth:
            if tag == "thead":
                self.in_thead = True
            elif tag == "tr":
                self.row = []
            elif tag in {"td", "th"}:
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append(" ")
            return
        if tag in _BLOCK:
            self.flush()
        if tag in {"ul", "ol"}:
            self.list_depth += 1
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading = True
        elif tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if self.table_depth:
            if tag == "table":
                self.table_depth -= 1
            elif tag == "thead":
                self.in_thead = False
            elif tag in {"td", "th"} and self.cell is not None and self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                table = self.tables[-1]
                table.rows.append(self.row)
                if self.in_thead:
                    table.header_rows += 1
                self.row = None
            return
        if tag in _BLOCK:
            self.flush()
        if tag in {"ul", "ol"}:
            self.list_depth = max(0, self.list_depth - 1)
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading = False
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.table_depth:
            if self.cell is not None:
                self.cell.append(data)
            return
        self.buf.append(data)


def flatten_html(source: str) -> tuple[list[Para], list[Table]]:
    """Paragraphs (with list levels) and tables of an already sanitised HTML fragment."""
    parser = _Flatten()
    parser.feed(source)
    parser.close()
    parser.flush()
    return parser.paras, parser.tables


def html_to_text(source: str) -> str:
    paras, tables = flatten_html(source)
    lines = [p.text for p in paras]
    for t in tables:
        lines.extend(" | ".join(r) for r in t.rows)
    return "\n".join(lines)
