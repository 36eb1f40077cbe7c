"""Slide model → PowerPoint (16:9) with python-pptx.

Each widget becomes a picture of its saved state: the PNG the widget's matplotlib path
(``to_figure()``) put in its display data. Images and tables from other outputs are kept;
speaker notes go to the notes pages. The file is byte-identical for the same input (fixed
document dates, fixed zip timestamps).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import warnings
import zipfile

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from explainwidgets.export._sanitize import Para, Table, flatten_html
from explainwidgets.export.slides import Block, Deck, Slide

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
FG = RGBColor(0x1B, 0x1F, 0x24)
MUTED = RGBColor(0x57, 0x60, 0x6A)
ACCENT = RGBColor(0x00, 0x72, 0xB2)
FONT = "Calibri"
MAX_TABLE_ROWS = 14
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


RASTER = frozenset({"image/png", "image/jpeg", "image/gif"})
_DATA_IMG = re.compile(r'<img\b[^>]*?\bsrc="data:(image/[\w.+-]+);base64,([^"]+)"')

#: What stands in for a picture PowerPoint cannot show (an SVG without a PNG, a broken file).
Visual = Block | str


def _checked(block: Block, problems: list[str]) -> Visual:
    """The raster picture itself, or placeholder text (and a problem noted) if unreadable."""
    where = f"cell {block.cell + 1}" if block.cell >= 0 else "a cell"
    if block.mime == "image/svg+xml" and block.raster is not None:
        block = block.raster
    if block.mime not in RASTER:
        problems.append(f"{where}: an SVG picture with no PNG copy")
        return "Picture not available in PowerPoint (SVG only): see the HTML deck."
    try:
        w, h = _image_size(block.data)
        if w <= 0 or h <= 0:
            raise ValueError("empty image")
    except Exception as exc:  # PIL raises many kinds for broken files
        problems.append(f"{where}: a picture that cannot be read ({type(exc).__name__})")
        return "Picture could not be read: see the notebook."
    return block


def _visuals_of(block: Block, problems: list[str]) -> list[Visual]:
    """Pictures a block contributes to a PowerPoint slide (validated, or placeholder text)."""
    if block.kind == "image":
        return [_checked(block, problems)]
    if block.kind == "widget" and block.fallback is not None:
        return _visuals_of(block.fallback, problems) if block.fallback.kind == "image" else []
    if block.kind in {"markdown", "html"} and "<img" in block.html:
        out: list[Visual] = []
        for mime, b64 in _DATA_IMG.findall(block.html):
            try:
                data = base64.b64decode(b64, validate=False)
            except (ValueError, TypeError):
                data = b""
            out.append(_checked(Block("image", mime=mime, data=data, cell=block.cell), problems))
        return out
    return []


def _picture_of(block: Block) -> Block | None:
    """The picture PowerPoint shows for an image or widget block (None: text instead)."""
    found = _visuals_of(block, []) if block.kind in {"image", "widget"} else []
    return found[0] if found and isinstance(found[0], Block) else None


def _is_visual(block: Block) -> bool:
    return block.kind == "image" or (
        block.kind == "widget" and block.fallback is not None and block.fallback.kind == "image"
    )


def _text_box(slide, left, top, width, height, paras: list[Para], size: int, color=FG):
    box = slide.shapes.add_textbox(left, top, width, height)
    tf = box.text_frame
    tf.word_wrap = True
    first = True
    for para in paras:
        p = tf.paragraphs[0] if first else tf.add_paragraph()
        first = False
        prefix = "•  " if para.level else ""
        run = p.add_run()
        run.text = prefix + para.text
        run.font.size = Pt(size - 2 if para.mono else size)
        run.font.bold = para.bold
        run.font.color.rgb = color
        run.font.name = "Consolas" if para.mono else FONT
        if para.level > 1:
            p.level = min(para.level - 1, 4)
        p.space_after = Pt(6)
    return box


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        return im.size


def _add_placeholder(slide, text: str, left, top, width, height) -> None:
    box = _text_box(slide, left, top, width, min(height, Inches(1.2)), [Para(text)], 16, MUTED)
    box.line.color.rgb = MUTED
    box.line.dash_style = 4  # dash


def _add_picture(slide, block: Visual, left, top, width, height) -> None:
    if isinstance(block, str):
        _add_placeholder(slide, block, left, top, width, height)
        return
    w, h = _image_size(block.data)
    scale = min(width / w, height / h)
    pw, ph = int(w * scale), int(h * scale)
    x = left + (width - pw) // 2
    slide.shapes.add_picture(io.BytesIO(block.data), Emu(x), Emu(top), Emu(pw), Emu(ph))


def _add_table(slide, table: Table, left, top, width, height) -> None:
    rows = table.rows[: MAX_TABLE_ROWS + max(1, table.header_rows)]
    if not rows:
        return
    n_cols = max(len(r) for r in rows)
    more = len(table.rows) - len(rows)
    shape = slide.shapes.add_table(
        len(rows) + (1 if more else 0),
        n_cols,
        left,
        top,
        width,
        Emu(min(height, Pt(26) * (len(rows) + 1))),
    )
    tbl = shape.table
    for i, row in enumerate(rows):
        for j in range(n_cols):
            cell = tbl.cell(i, j)
            cell.text = row[j] if j < len(row) else ""
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(12)
                    r.font.name = FONT
    if more:
        last = len(rows)
        tbl.cell(last, 0).text = f"… {more} more rows"
        for p in tbl.cell(last, 0).text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(11)
                r.font.italic = True


def _block_paras(blocks: list[Block]) -> tuple[list[Para], list[Table]]:
    paras: list[Para] = []
    tables: list[Table] = []
    for b in blocks:
        if b.kind in {"markdown", "html", "latex"}:
            p, t = flatten_html(b.html)
            paras.extend(p)
            tables.extend(t)
        elif b.kind == "text":
            paras.append(Para(b.text[:1500], mono=True))
        elif b.kind == "widget" and not _is_visual(b) and b.text:
            paras.append(Para(b.text))
    return paras, tables


def _content_slide(prs, s: Slide, problems: list[str]) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    top: int = MARGIN
    full_w = WIDTH - 2 * MARGIN
    if s.kind == "divider":
        _text_box(
            slide, MARGIN, Inches(3), full_w, Inches(1.2), [Para(s.title, bold=True)], 40, MUTED
        )
        return
    if s.headline:
        if s.title:
            _text_box(
                slide,
                MARGIN,
                top,
                full_w,
                Inches(0.45),
                [Para(s.title.upper(), bold=True)],
                14,
                ACCENT,
            )
            top += Inches(0.45)
        paras, _ = _block_paras(s.headline)
        text = " ".join(p.text for p in paras)
        _text_box(slide, MARGIN, top, full_w, Inches(1.1), [Para(text, bold=True)], 28)
        top += Inches(1.2)
    elif s.title:
        _text_box(slide, MARGIN, top, full_w, Inches(0.8), [Para(s.title, bold=True)], 32)
        top += Inches(0.95)
    pictures = [p for b in s.body for p in _visuals_of(b, problems)]
    paras, tables = _block_paras([b for b in s.body if not _is_visual(b)])
    area_h = HEIGHT - top - MARGIN
    if pictures and (paras or tables):
        text_w = int(full_w * 0.32)
        _text_box(slide, MARGIN, top, text_w, area_h, paras, 16)
        if tables and not paras:
            _add_table(slide, tables[0], MARGIN, top, text_w, area_h)
        pic_left = MARGIN + text_w + Inches(0.3)
        pic_w = full_w - text_w - Inches(0.3)
        _pictures(slide, pictures, pic_left, top, pic_w, area_h)
    elif pictures:
        _pictures(slide, pictures, MARGIN, top, full_w, area_h)
    else:
        text_h = area_h if not tables else int(area_h * 0.3) if paras else 0
        if paras:
            _text_box(slide, MARGIN, top, full_w, text_h, paras, 20 if len(paras) < 8 else 16)
        if tables:
            _add_table(slide, tables[0], MARGIN, top + text_h, full_w, area_h - text_h)
    notes = s.notes_text()
    if notes:
        slide.notes_slide.notes_text_frame.text = notes


def _pictures(slide, pictures: list[Visual], left, top, width, height) -> None:
    n = len(pictures)
    gap = Inches(0.2)
    each = (width - gap * (n - 1)) // n
    for i, pic in enumerate(pictures):
        _add_picture(slide, pic, left + i * (each + gap), top, each, height)


def _title_slide(prs, deck: Deck, s: Slide) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    bar = slide.shapes.add_shape(1, MARGIN, Inches(2.3), Inches(1.3), Inches(0.1))
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()
    _text_box(
        slide, MARGIN, Inches(2.6), WIDTH - 2 * MARGIN, Inches(1.8), [Para(s.title, bold=True)], 44
    )
    sub, _ = _block_paras(s.body)
    if deck.subtitle:
        sub.insert(0, Para(deck.subtitle))
    if sub:
        _text_box(slide, MARGIN, Inches(4.5), WIDTH - 2 * MARGIN, Inches(1.5), sub, 20, MUTED)
    notes = s.notes_text()
    if notes:
        slide.notes_slide.notes_text_frame.text = notes


def _deterministic_zip(data: bytes) -> bytes:
    """Same members, same order, fixed timestamps: byte-identical output for the same deck."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render_pptx(deck: Deck) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    props = prs.core_properties
    props.title = deck.title
    props.author = ""
    props.last_modified_by = "explainwidgets"
    props.revision = 1
    props.created = props.modified = props.last_printed = FIXED_DATE.replace(tzinfo=None)
    problems: list[str] = []
    for s in deck.slides:
        if s.kind == "title":
            _title_slide(prs, deck, s)
        else:
            _content_slide(prs, s, problems)
    if problems:
        from explainwidgets.export import DeckWarning

        lines = "\n".join(f"  - {p}" for p in problems)
        warnings.warn(
            f"{len(problems)} picture(s) could not go into PowerPoint and show a note "
            f"instead:\n{lines}\nSave PNG copies of those figures, or use the .html deck.",
            DeckWarning,
            stacklevel=2,
        )
    buf = io.BytesIO()
    prs.save(buf)
    return _deterministic_zip(buf.getvalue())
