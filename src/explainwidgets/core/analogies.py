"""The analogy library: TOML files loaded and validated, templates filled with real numbers.

Pure Python (no widget imports). The browser fills the *same* template strings with
``js/src/shared/template.js``, which mirrors :func:`compute_slots`, :func:`slots_from_curve`
and :func:`fill` operation for operation, so both give identical text for the same numbers.

Template syntax: ``{slot}`` is replaced by a slot's value (see :data:`SLOTS`); ``{{`` and
``}}`` stand for literal braces. Nothing else is interpreted (no format specs, no attribute
access), so a template from a stranger's file can only insert numbers and the noun.

An analogy file holds one analogy as top-level keys, or several as ``[[analogy]]`` tables::

    id = "medical_test"                   # letters, digits, underscores
    title = "A medical test"
    concepts = ["errors", "trade_off"]    # keys of CONCEPTS
    audiences = ["executives", "clinicians"]
    text = "Out of every {base} {noun} ..."  # must use at least one number slot
    misleads = "Where the analogy breaks."
    why = "Why it works."
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from explainwidgets.core.frequencies import per_100

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "CONCEPTS",
    "SLOTS",
    "Analogy",
    "AnalogyError",
    "auc_from_curve",
    "compute_slots",
    "fill",
    "load_file",
    "load_library",
    "load_notes",
    "per_base",
    "save_note",
    "slots_from_curve",
    "template_slots",
    "user_folder",
]

#: Concepts an analogy can explain: id -> what a manager would call it.
CONCEPTS: dict[str, str] = {
    "errors": "Missed cases and false alarms",
    "trade_off": "Catching more means more false alarms",
    "probability": "What a score like 30 in 100 means",
    "calibration": "Can its numbers be taken at face value?",
    "interpretability": "A model you can understand and adjust",
    "base_rate": "Rare cases: many flags are wrong",
    "ranking": "How well it sorts cases",
}

#: Slots a template may use: name -> what it holds. Numbers are whole (lift: one decimal).
SLOTS: dict[str, str] = {
    "noun": "what a case is, plural (e.g. 'patients')",
    "positive": "what a case to catch is, plural (e.g. 'real cases')",
    "base": "100, or 1,000 when the cases to catch are rare",
    "flagged": "cases flagged, out of every {base}",
    "tp": "cases to catch that are flagged, out of every {base}",
    "fp": "false alarms, out of every {base}",
    "fn": "missed cases, out of every {base}",
    "tn": "other cases rightly left alone, out of every {base}",
    "positives": "cases to catch, out of every {base}",
    "others": "other cases, out of every {base}",
    "catch_in_100": "of every 100 cases to catch, how many are flagged",
    "miss_in_100": "of every 100 cases to catch, how many are missed",
    "right_in_100": "of every 100 flags, how many are right",
    "wrong_in_100": "of every 100 flags, how many are false alarms",
    "alarm_in_100": "of every 100 other cases, how many are flagged",
    "said_in_100": "the cut-off as a chance in 100 (only for probabilities)",
    "observed_in_100": "how many in 100 cases scored near the cut-off are cases to catch",
    "rank_in_100": "pick one case to catch and one other: how often in 100 it scores higher",
    "lift": "how many times more common cases to catch are among the flagged",
}
TEXT_SLOTS = frozenset({"noun", "positive"})
NUMBER_SLOTS = frozenset(SLOTS) - TEXT_SLOTS

#: Half-width of the score band around the cut-off used for observed_in_100.
BAND = 0.05
#: Fewest cases in that band before observed_in_100 is given.
MIN_BAND_CASES = 10
#: Share of cases to catch below which counts are given per 1,000.
RARE_SHARE = 0.10
#: Largest analogy file read (bytes).
MAX_FILE_BYTES = 256 * 1024

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_REQUIRED = ("id", "title", "concepts", "audiences", "text", "misleads", "why")
_KEYS = frozenset(_REQUIRED)


class AnalogyError(ValueError):
    """A broken analogy file: names the file and line, and says what to change."""

    def __init__(self, path: str | os.PathLike[str], line: int | None, message: str):
        self.path = str(path)
        self.line = line
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Analogy:
    """One analogy: a template and what it is good for."""

    id: str
    title: str
    concepts: tuple[str, ...]
    audiences: tuple[str, ...]
    text: str
    misleads: str
    why: str
    source: str = "built-in"
    slots: tuple[str, ...] = field(default=())

    def fill(self, slots: Mapping[str, str | None]) -> str | None:
        """The text with numbers in, or None when a slot it needs has no value here."""
        return fill(self.text, slots)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "concepts": list(self.concepts),
            "audiences": list(self.audiences),
            "text": self.text,
            "misleads": self.misleads,
            "why": self.why,
            "source": self.source,
            "slots": list(self.slots),
        }


# --------------------------------------------------------------------------- templates


def template_slots(template: str) -> list[str]:
    """Slot names a template uses, in order. Raises ValueError on a malformed template."""
    names: list[str] = []
    for m in _TOKEN.finditer(template):
        tok = m.group(0)
        if tok in ("{{", "}}"):
            continue
        name = m.group(1)
        if name is None:
            raise ValueError(
                f"a lone {tok!r} at character {m.start() + 1}; write {{{{ or }}}} for a "
                "literal brace, or close the slot, e.g. {noun}"
            )
        if name not in SLOTS:
            close = [s for s in SLOTS if s.startswith(name[:3])] if name else []
            hint = f" (did you mean {{{close[0]}}}?)" if close else ""
            raise ValueError(
                f"unknown slot {{{name}}}{hint}; the slots are " + ", ".join(sorted(SLOTS))
            )
        names.append(name)
    return names


def fill(template: str, slots: Mapping[str, str | None]) -> str | None:
    """Replace every ``{slot}``; ``{{``/``}}`` become braces. None if a used slot is None."""
    out: list[str] = []
    pos = 0
    for m in _TOKEN.finditer(template):
        out.append(template[pos : m.start()])
        pos = m.end()
        tok = m.group(0)
        if tok == "{{":
            out.append("{")
        elif tok == "}}":
            out.append("}")
        else:
            name = m.group(1)
            if name is None or name not in SLOTS:
                raise ValueError(f"malformed template near {tok!r}: {template!r}")
            value = slots.get(name)
            if value is None:
                return None
            out.append(str(value))
    out.append(template[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- numbers


def _round(x: float) -> int:
    """Round half up (the browser uses Math.floor(x + 0.5), the same IEEE operations)."""
    return math.floor(x + 0.5)


def _fmt(n: int) -> str:
    return f"{n:,}"


def per_base(counts: Mapping[str, float], base: int) -> dict[str, int]:
    """Whole numbers out of ``base`` (100 or 1,000) with largest-remainder rounding.

    Same arithmetic as :func:`explainwidgets.core.per_100` (which it is for base 100).
    """
    if base == 100:
        return per_100(counts)
    keys = ("tp", "fp", "fn", "tn")
    total = 0.0
    for k in keys:
        total += float(counts[k])
    if not total > 0:
        raise ValueError("per_base needs a positive total; all counts are zero")
    exact = [float(counts[k]) / total * base for k in keys]
    whole = [math.floor(e) for e in exact]
    missing = base - sum(whole)
    order = sorted(range(4), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[:missing]:
        whole[i] += 1
    return {k: int(w) for k, w in zip(keys, whole, strict=True)}


def _lift_text(lift: float) -> str:
    if lift >= 3:
        return _fmt(_round(lift))
    tenths = _round(lift * 10)
    return f"{tenths // 10}.{tenths % 10}"


def compute_slots(
    counts: Mapping[str, float],
    *,
    noun: str = "cases",
    positive: str = "real cases",
    threshold: float | None = None,
    is_probability: bool = False,
    band: tuple[float, float, int] | None = None,
    auc: float | None = None,
) -> dict[str, str | None]:
    """Every slot's text for exact (weighted) counts ``{"tp", "fp", "fn", "tn"}``.

    ``band`` is ``(positive weight, other weight, number of cases)`` among cases scored
    within :data:`BAND` of the cut-off; ``auc`` the share of (case to catch, other) pairs
    ranked right. A slot that does not apply (nothing flagged, scores not chances, too
    few cases near the cut-off) is None, and templates using it are not shown.
    """
    tp, fp, fn, tn = (float(counts[k]) for k in ("tp", "fp", "fn", "tn"))
    total = tp + fp + fn + tn
    if not total > 0:
        raise ValueError("the counts are all zero; there are no cases to describe")
    pos, neg, flagged = tp + fn, fp + tn, tp + fp
    base = 1000 if pos / total < RARE_SHARE else 100
    whole = per_base({"tp": tp, "fp": fp, "fn": fn, "tn": tn}, base)
    slots: dict[str, str | None] = dict.fromkeys(SLOTS)
    slots["noun"] = noun
    slots["positive"] = positive
    slots["base"] = _fmt(base)
    for k in ("tp", "fp", "fn", "tn"):
        slots[k] = _fmt(whole[k])
    slots["flagged"] = _fmt(whole["tp"] + whole["fp"])
    slots["positives"] = _fmt(whole["tp"] + whole["fn"])
    slots["others"] = _fmt(whole["fp"] + whole["tn"])
    if pos > 0:
        c = _round(tp / pos * 100)
        slots["catch_in_100"], slots["miss_in_100"] = _fmt(c), _fmt(100 - c)
    if flagged > 0:
        r = _round(tp / flagged * 100)
        slots["right_in_100"], slots["wrong_in_100"] = _fmt(r), _fmt(100 - r)
        if pos > 0:
            slots["lift"] = _lift_text(tp / flagged / (pos / total))
    if neg > 0:
        slots["alarm_in_100"] = _fmt(_round(fp / neg * 100))
    if is_probability and threshold is not None and 0 <= threshold <= 1:
        slots["said_in_100"] = _fmt(_round(threshold * 100))
        if band is not None:
            bp, bn, cases = band
            if cases >= MIN_BAND_CASES and bp + bn > 0:
                slots["observed_in_100"] = _fmt(_round(bp / (bp + bn) * 100))
    if auc is not None and math.isfinite(auc):
        slots["rank_in_100"] = _fmt(_round(auc * 100))
    return slots


# --------------------------------------------------------------------------- curves


def _arr(x: Any) -> list[float]:
    """A synced float64 array (bytes, memoryview, numpy array or list) as a list of floats."""
    if x is None:
        return []
    if isinstance(x, (bytes, bytearray, memoryview)):
        import numpy as np

        return np.frombuffer(bytes(x), dtype=np.float64).tolist()
    if hasattr(x, "tolist"):
        return [float(v) for v in x.tolist()]
    return [float(v) for v in x]


def read_curve(curve: Any) -> dict[str, Any]:
    """The synced ``curve`` trait (dict) or a :class:`ThresholdCurve` as plain lists."""
    if isinstance(curve, Mapping):
        get = curve.get
    else:

        def get(k: str, default: Any = None) -> Any:
            return getattr(curve, k, default)

    thresholds = _arr(get("thresholds"))
    tp, fp = _arr(get("tp")), _arr(get("fp"))
    weighted = bool(get("weighted", False))
    tpc = _arr(get("tp_cases")) if weighted else tp
    fpc = _arr(get("fp_cases")) if weighted else fp
    if not (len(thresholds) == len(tp) == len(fp)) or not thresholds:
        raise ValueError("the curve is empty or its arrays differ in length")
    return {
        "thresholds": thresholds,
        "tp": tp,
        "fp": fp,
        "tp_cases": tpc or tp,
        "fp_cases": fpc or fp,
        "total_pos": float(get("total_pos", 0) or 0),
        "total_neg": float(get("total_neg", 0) or 0),
    }


def nearest_index(thresholds: Sequence[float], t: float) -> int:
    """Index of the threshold nearest to t; ties go to the lower (as curve.js)."""
    n = len(thresholds)
    if n == 0:
        return -1
    lo, hi = 0, n - 1
    if t <= thresholds[0]:
        return 0
    if t >= thresholds[hi]:
        return hi
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if thresholds[mid] <= t:
            lo = mid
        else:
            hi = mid
    return lo if t - thresholds[lo] <= thresholds[hi] - t else hi


def _minus(total: float, part: float) -> float:
    d = total - part
    return 0.0 if abs(d) <= 1e-12 * max(abs(total), 1.0) else d


def auc_from_curve(c: Mapping[str, Any]) -> float | None:
    """Area under the catch-rate/false-alarm curve by trapezoids over the curve's points.

    Exact (equal to ``roc_auc_score``) when the curve holds every distinct score.
    """
    P, N = c["total_pos"], c["total_neg"]
    if not (P > 0 and N > 0):
        return None
    prev_x, prev_y, area = 1.0, 1.0, 0.0
    for i in range(len(c["thresholds"])):
        x, y = c["fp"][i] / N, c["tp"][i] / P
        area += (prev_x - x) * (prev_y + y) / 2
        prev_x, prev_y = x, y
    area += prev_x * prev_y / 2
    return area


def slots_from_curve(
    curve: Any,
    threshold: float,
    *,
    noun: str = "cases",
    positive: str = "real cases",
    is_probability: bool = False,
) -> dict[str, str | None]:
    """Slots at the curve point nearest ``threshold`` (what the browser computes)."""
    counts, t, band, auc = curve_point(curve, threshold, is_probability=is_probability)
    return compute_slots(
        counts,
        noun=noun,
        positive=positive,
        threshold=t,
        is_probability=is_probability,
        band=band,
        auc=auc,
    )


def curve_point(
    curve: Any, threshold: float, *, is_probability: bool
) -> tuple[dict[str, float], float, tuple[float, float, int] | None, float | None]:
    """Counts, the shown threshold, the band near it and the AUC at the curve point nearest
    ``threshold``: what the browser computes from the same synced curve."""
    c = read_curve(curve)
    th = c["thresholds"]
    i = nearest_index(th, float(threshold))
    counts = {
        "tp": c["tp"][i],
        "fp": c["fp"][i],
        "fn": _minus(c["total_pos"], c["tp"][i]),
        "tn": _minus(c["total_neg"], c["fp"][i]),
    }
    band = None
    if is_probability:
        lo = nearest_index(th, th[i] - BAND)
        hi = nearest_index(th, th[i] + BAND)
        cases = (c["tp_cases"][lo] - c["tp_cases"][hi]) + (c["fp_cases"][lo] - c["fp_cases"][hi])
        band = (c["tp"][lo] - c["tp"][hi], c["fp"][lo] - c["fp"][hi], int(cases))
    return counts, th[i], band, auc_from_curve(c)


# --------------------------------------------------------------------------- loading


def _line_of(raw: str, needle: str, start_line: int = 1) -> int | None:
    lines = raw.splitlines()
    for n in range(max(start_line, 1), len(lines) + 1):
        if needle in lines[n - 1]:
            return n
    return None


def _key_line(raw: str, key: str, start_line: int = 1) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for n, line in enumerate(raw.splitlines(), 1):
        if n >= start_line and pattern.match(line):
            return n
    return None


def _tables(doc: dict[str, Any], raw: str) -> list[tuple[dict[str, Any], int]]:
    """(table, first line) for each analogy in a parsed file."""
    if "analogy" in doc:
        items = doc["analogy"]
        extra = set(doc) - {"analogy"}
        if not isinstance(items, list) or extra:
            raise ValueError("use either top-level keys for one analogy or [[analogy]] tables")
        heads = [n for n, line in enumerate(raw.splitlines(), 1) if line.strip() == "[[analogy]]"]
        return [(t, heads[k] if k < len(heads) else 1) for k, t in enumerate(items)]
    return [(doc, 1)]


def _check_text(value: Any, key: str, where: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        where(f"{key!r} must be non-empty text (in quotes); got {value!r}", key=key)
    return str(value)


def load_file(path: str | os.PathLike[str], *, source: str | None = None) -> list[Analogy]:
    """Read and validate one analogy file. Raises :class:`AnalogyError` naming file and line."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise AnalogyError(p, None, f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise AnalogyError(
            p,
            None,
            f"the file is {size:,} bytes; analogy files are at most "
            f"{MAX_FILE_BYTES:,} bytes. Split it into several files",
        )
    try:
        raw = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnalogyError(p, None, f"not UTF-8 text ({exc.reason}); save it as UTF-8") from None
    try:
        doc = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            m = re.search(r"line (\d+)", str(exc))
            line = int(m.group(1)) if m else None
        msg = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise AnalogyError(
            p,
            line,
            f"broken TOML: {msg}. Check quotes, brackets and that every key is written key = value",
        ) from None
    try:
        tables = _tables(doc, raw)
    except ValueError as exc:
        raise AnalogyError(p, 1, str(exc)) from None
    src = source if source is not None else str(p)
    return [_analogy(t, raw, start, p, src) for t, start in tables]


def _analogy(t: Any, raw: str, start: int, p: Path, src: str) -> Analogy:
    def fail(message: str, needle: str | None = None, key: str | None = None) -> None:
        line = None
        if key is not None:
            line = _key_line(raw, key, start)
        if needle is not None and line is None:
            line = _line_of(raw, needle, start)
        raise AnalogyError(p, line or start, message)

    if not isinstance(t, dict):
        fail("each [[analogy]] must be a table of keys")
    unknown = sorted(set(t) - _KEYS)
    if unknown:
        fail(
            f"unknown key {unknown[0]!r}; an analogy has the keys {', '.join(_REQUIRED)}",
            key=unknown[0],
        )
    for key in _REQUIRED:
        if key not in t:
            fail(f"missing key {key!r}; an analogy needs {', '.join(_REQUIRED)}")
    aid = t["id"]
    if not isinstance(aid, str) or not _ID.match(aid):
        fail(
            f"id must be lower-case letters, digits and underscores, starting with a "
            f"letter (e.g. 'smoke_alarm'); got {aid!r}",
            key="id",
        )
    for key in ("title", "text", "misleads", "why"):
        _check_text(t[key], key, fail)
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("concepts", "audiences"):
        v = t[key]
        if not isinstance(v, list) or not v or not all(isinstance(x, str) and x.strip() for x in v):
            fail(f'{key!r} must be a non-empty list of texts, e.g. ["executives"]', key=key)
        lists[key] = tuple(x.strip() for x in v)
    for c in lists["concepts"]:
        if c not in CONCEPTS:
            fail(f"unknown concept {c!r}; use one of {', '.join(CONCEPTS)}", f'"{c}"')
    text = t["text"]
    try:
        used = template_slots(text)
    except ValueError as exc:
        bad = re.search(r"\{[^{}]*\}|[{}]", text)
        needle = None
        for m in _TOKEN.finditer(text):
            if m.group(0) not in ("{{", "}}") and (m.group(1) is None or m.group(1) not in SLOTS):
                needle = m.group(0)
                break
        fail(f"in 'text': {exc}", needle or (bad.group(0) if bad else "text"))
    if not set(used) & NUMBER_SLOTS:
        fail(
            "'text' has no number slot, so it would not show the model's numbers; "
            "use at least one, e.g. {catch_in_100} or {fp}",
            key="text",
        )
    for key in ("title", "misleads", "why"):
        if re.search(r"\{[a-z_]+\}", t[key]):
            fail(f"{key!r} is shown as written; slots like {{noun}} work only in 'text'", key=key)
    return Analogy(
        id=aid,
        title=t["title"].strip(),
        concepts=lists["concepts"],
        audiences=lists["audiences"],
        text=" ".join(text.split()),
        misleads=" ".join(t["misleads"].split()),
        why=" ".join(t["why"].split()),
        source=src,
        slots=tuple(dict.fromkeys(used)),
    )


#: Built-in analogies listed first, in this order (the gold standards lead); others follow.
BUILTIN_ORDER = (
    "medical_test",
    "weather_forecast",
    "thermostat",
    "smoke_alarm",
    "fishing_net",
    "airport_screening",
    "spam_filter",
)


def builtin_files() -> list[Path]:
    folder = resources.files("explainwidgets") / "analogies"
    files = [Path(str(f)) for f in folder.iterdir() if f.name.endswith(".toml")]
    rank = {name: i for i, name in enumerate(BUILTIN_ORDER)}
    return sorted(files, key=lambda f: (rank.get(f.stem, len(rank)), f.name))


def user_folder() -> Path:
    """The per-user analogy folder.

    ``$EXPLAINWIDGETS_ANALOGIES`` if set; otherwise ``%APPDATA%\\explainwidgets\\analogies``
    on Windows and ``$XDG_CONFIG_HOME/explainwidgets/analogies`` (default
    ``~/.config/explainwidgets/analogies``) elsewhere. It need not exist.
    """
    env = os.environ.get("EXPLAINWIDGETS_ANALOGIES")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "explainwidgets" / "analogies"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "explainwidgets" / "analogies"


def load_library(
    folder: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    *,
    builtin: bool = True,
) -> list[Analogy]:
    """Built-in analogies plus every ``*.toml`` in ``folder`` (a personal library).

    A personal analogy with a built-in's id replaces it (its source says so); the same id
    in two personal files is an error. Files are read in name order.
    """
    out: dict[str, Analogy] = {}
    if builtin:
        for f in builtin_files():
            for a in load_file(f, source="built-in"):
                if a.id in out:
                    raise AnalogyError(f, 1, f"duplicate built-in id {a.id!r}")
                out[a.id] = a
    if folder is None:
        return list(out.values())
    folders = [folder] if isinstance(folder, (str, os.PathLike)) else list(folder)
    personal: dict[str, str] = {}
    for d in folders:
        dp = Path(d).expanduser()
        if not dp.is_dir():
            raise FileNotFoundError(
                f"analogy folder {dp} does not exist or is not a folder; create it and put "
                "your .toml analogy files in it, or pass folder=None"
            )
        for f in sorted(dp.glob("*.toml")):
            for a in load_file(f):
                if a.id in personal:
                    raise AnalogyError(
                        f,
                        _line_of(f.read_text("utf-8"), a.id),
                        f"id {a.id!r} is already used in {personal[a.id]}; ids must be unique",
                    )
                personal[a.id] = str(f)
                out[a.id] = a
    return list(out.values())


# --------------------------------------------------------------------------- notes

NOTES_FILE = "explainwidgets-notes.json"
_MARK = "explainwidgets analogy notes"


def load_notes(folder: str | os.PathLike[str]) -> dict[str, list[str]]:
    """The "worked with <audience>" marks saved in ``folder`` (empty if none)."""
    p = Path(folder) / NOTES_FILE
    if not p.exists():
        return {}
    try:
        doc = json.loads(p.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{p} is not a readable notes file ({exc}); move it away") from None
    if not isinstance(doc, dict) or doc.get("kind") != _MARK:
        raise ValueError(f"{p} was not written by explainwidgets; move it away or rename it")
    marks = doc.get("worked_with", {})
    return {str(k): [str(x) for x in v] for k, v in marks.items() if isinstance(v, list)}


def save_note(folder: str | os.PathLike[str], worked_with: Mapping[str, Sequence[str]]) -> Path:
    """Merge marks into ``folder``'s notes file, written atomically (temp file + rename).

    Only the notes file is ever written; analogy files are never touched. A file of that
    name not written by explainwidgets is left alone (ValueError).
    """
    d = Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    merged = load_notes(d)
    for k, audiences in worked_with.items():
        have = merged.setdefault(str(k), [])
        for a in audiences:
            if str(a) not in have:
                have.append(str(a))
    doc = {"kind": _MARK, "version": 1, "worked_with": merged}
    fd, tmp = tempfile.mkstemp(prefix=".notes-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, d / NOTES_FILE)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return d / NOTES_FILE
