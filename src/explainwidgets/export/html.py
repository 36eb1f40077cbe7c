"""Slide model → one self-contained reveal.js HTML file with live widgets.

Nothing in the file points outside it: reveal.js and the deck host are inlined, every image
is a data: URL, widget code is embedded and imported through Blob URLs, and a
Content-Security-Policy forbids the page from contacting any server.
"""

from __future__ import annotations

import base64
import json
import re
from html import escape
from typing import Any

from explainwidgets._widget import asset
from explainwidgets.export._sanitize import sanitize_html
from explainwidgets.export.slides import (
    Block,
    Deck,
    Slide,
    content_hash,
    esm_problem,
    output_blocks,
)

# Scripts are inline (the deck is one file) and widget modules come from blob: URLs; nothing
# may be fetched from a server. 'unsafe-inline' is needed by reveal's speaker-notes window,
# which inherits this policy; notebook content is sanitised before it reaches the page.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' blob:; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; media-src data: blob:; connect-src data: blob:; "
    "frame-src 'self' file:; child-src 'self' file: blob:; worker-src blob:; "
    "form-action 'none'; base-uri 'none'"
)
VISUAL = {"image", "widget"}


_CLOSERS = re.compile(r"</(?=(?:script|style)\b)|<!--", re.I)


def _escape_closers(source: str) -> str:
    """Escape ``</script``, ``</style`` (any case) and ``<!--`` with a backslash.

    Inside JS strings and CSS, ``<\\/`` and ``<\\!--`` mean the same as before, but the HTML
    parser no longer sees a closing tag or a comment start.
    """
    return _CLOSERS.sub(lambda m: "<\\/" if m.group(0) == "</" else "<\\!--", source)


def inline_script(source: str) -> str:
    """Make JS safe to put between <script> tags (reveal's notes plugin has "</html>", "<!--")."""
    return _escape_closers(source)


def inline_style(source: str) -> str:
    """Make CSS (a widget's _css too) safe to put between <style> tags."""
    return _escape_closers(source)


def json_for_html(value: Any) -> str:
    """JSON that can sit inside <script type="application/json"> whatever its strings hold."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# -- widget data --------------------------------------------------------------------------


def widget_payload(deck: Deck) -> tuple[dict[str, Any], list[str]]:
    """The JSON the host reads (ES modules de-duplicated) and the widgets' CSS."""
    models: dict[str, Any] = {}
    modules: dict[str, str] = {}
    css: dict[str, str] = {}
    for mid, model in deck.widget_models.items():
        state = dict(model.get("state", {}))
        name = model.get("model_name", "")
        entry: dict[str, Any] = {"name": name, "module": model.get("model_module", "")}
        if name == "AnyModel" and esm_problem(state) is None:
            source = state["_esm"]
            key = content_hash(source)
            modules[key] = source
            entry["esm"] = key
        if isinstance(state.get("_css"), str) and state["_css"].strip():
            css.setdefault(content_hash(state["_css"]), state["_css"])
        state.pop("_esm", None)
        state.pop("_css", None)
        if name == "OutputModel":
            # Shown from the sanitised copy in the page (output_templates), not from here.
            state["outputs"] = []
        if name in {"HTMLModel", "HTMLMathModel"}:
            from explainwidgets.export._sanitize import html_to_text

            state["_ew_text"] = html_to_text(sanitize_html(str(state.get("value", ""))))
            # Sanitised, and only ever read as data (the host shows _ew_text as text).
            state["value"] = sanitize_html(str(state.get("value", "")))
        entry["state"] = state
        buffers = []
        for buf in model.get("buffers", []) or []:
            if not isinstance(buf, dict) or "path" not in buf:
                continue
            data = buf.get("data", "")
            if buf.get("encoding") == "hex":
                data = base64.b64encode(bytes.fromhex(data)).decode("ascii")
            buffers.append({"path": list(buf["path"]), "data": data})
        entry["buffers"] = buffers
        models[mid] = entry
    return {"models": models, "modules": modules}, [css[k] for k in sorted(css)]


def output_templates(deck: Deck) -> str:
    """Output widgets' saved outputs, sanitised, hidden; the host clones them into views."""
    parts = []
    for mid, model in deck.widget_models.items():
        if model.get("model_name") != "OutputModel":
            continue
        inner = "".join(block_html(b) for b in output_blocks(model, -1))
        parts.append(f'<div data-ewd-output="{escape(mid)}">{inner}</div>')
    if not parts:
        return ""
    return '<div class="ewd-outputs" hidden>' + "".join(parts) + "</div>\n"


# -- slides -------------------------------------------------------------------------------


def block_html(block: Block) -> str:
    frag = " fragment" if block.fragment else ""
    if block.kind == "image":
        return (
            f'<div class="ewd-block ewd-image{frag}"><img alt="" '
            f'src="{data_url(block.mime, block.data)}"></div>'
        )
    if block.kind == "widget":
        fallback = block_html(block.fallback) if block.fallback else ""
        if block.live:
            return (
                f'<div class="ewd-block ewd-widget{frag}" data-ewd-model="{escape(block.model_id)}">'
                f'<div class="ewd-fallback">{fallback}</div></div>'
            )
        return f'<div class="ewd-block ewd-widget ewd-static{frag}">{fallback}</div>'
    kind = "ewd-text" if block.kind in {"markdown", "html", "text", "latex"} else ""
    return f'<div class="ewd-block {kind}{frag}">{block.html}</div>'


def _side_layout(slide: Slide) -> bool:
    """One picture or widget plus a little text: text left, the visual right (16:9 friendly)."""
    visuals = [b for b in slide.body if b.kind in VISUAL]
    texts = [b for b in slide.body if b.kind not in VISUAL]
    if len(visuals) != 1 or not (texts or slide.headline):
        return False
    if any("<table" in b.html or b.kind == "text" for b in texts):
        return False
    return sum(len(b.text) for b in texts + slide.headline) < 600


def slide_html(slide: Slide, number: int) -> str:
    classes = ["ewd-slide"]
    if slide.kind == "title":
        classes.append("ewd-title-slide")
    elif slide.kind == "divider":
        classes.append("ewd-divider")
    if slide.appendix:
        classes.append("ewd-appendix")
    side = slide.kind == "content" and _side_layout(slide)
    head: list[str] = []
    if slide.kind == "title":
        head.append(f'<h1 class="ewd-title">{slide.title_html}</h1>')
    elif slide.headline:
        if slide.title_html:
            head.append(f'<p class="ewd-kicker">{slide.title_html}</p>')
        inner = "".join(block_html(b) for b in slide.headline)
        head.append(f'<div class="ewd-headline" role="heading" aria-level="2">{inner}</div>')
    elif slide.title_html:
        head.append(f'<h2 class="ewd-title">{slide.title_html}</h2>')
    texts = [b for b in slide.body if b.kind not in VISUAL] if side else []
    visuals = [b for b in slide.body if b.kind in VISUAL] if side else slide.body
    head.extend(block_html(b) for b in texts)
    frame = "ewd-frame ewd-side" if side else "ewd-frame"
    parts = [
        f'<section class="{" ".join(classes)}" data-ewd-slide="{number}">',
        f'<div class="{frame}"><header class="ewd-head">{"".join(head)}</header>',
    ]
    if visuals:
        parts.append('<div class="ewd-body">' + "".join(block_html(b) for b in visuals) + "</div>")
    parts.append("</div>")
    if slide.notes:
        notes = "".join(b.html.strip() for b in slide.notes if b.kind != "widget")
        parts.append(f'<aside class="notes">{notes}</aside>')
    parts.append("</section>")
    return "".join(parts)


def slides_html(deck: Deck) -> str:
    out: list[str] = []
    i = 0
    slides = deck.slides
    while i < len(slides):
        group = [slides[i]]
        while i + len(group) < len(slides) and slides[i + len(group)].subslide:
            group.append(slides[i + len(group)])
        rendered = [slide_html(s, i + k + 1) for k, s in enumerate(group)]
        out.append(
            rendered[0] if len(group) == 1 else "<section>" + "".join(rendered) + "</section>"
        )
        i += len(group)
    return "\n".join(out)


def render_html(deck: Deck) -> str:
    """The whole deck as one HTML document (deterministic for a given slide model)."""
    payload, widget_css = widget_payload(deck)
    payload["config"] = {"width": 1280, "height": 720}
    deck_js = asset("deck.js").read_text(encoding="utf-8")
    deck_css = asset("deck.css").read_text(encoding="utf-8")
    subtitle = escape(deck.subtitle)
    title_slide_extra = f'<p class="ewd-subtitle">{subtitle}</p>' if subtitle else ""
    body = slides_html(deck)
    if title_slide_extra:
        body = body.replace("</h1>", "</h1>" + title_slide_extra, 1)
    styles = "\n".join(f"<style>{inline_style(c)}</style>" for c in [deck_css, *widget_css])
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(deck.language)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="explainwidgets">\n'
        f"<title>{escape(deck.title)}</title>\n{styles}\n</head>\n<body>\n"
        '<div class="reveal"><div class="slides">\n'
        f"{body}\n</div></div>\n{output_templates(deck)}"
        f'<script type="application/json" id="ew-deck-data">{json_for_html(payload)}</script>\n'
        f'<script type="module">{inline_script(deck_js)}</script>\n'
        "</body>\n</html>\n"
    )
