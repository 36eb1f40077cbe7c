"""The analogy library: TOML files loaded and validated, templates filled with real numbers.

Pure Python (no widget imports). The browser fills the *same* template strings with
``js/src/shared/template.js``, which mirrors :func:`compute_slots`, :func:`slots_from_curve`,
:func:`fill` and :func:`condition_holds` operation for operation, so both give identical
text for the same numbers.

Template syntax: ``{slot}`` is replaced by a slot's value (see :data:`SLOTS`);
``{slot|one|many}`` is the word ``one`` when that number slot is exactly 1 and ``many``
otherwise (``{tp} {tp|is a false alarm|are false alarms}``); ``{{`` and ``}}`` stand for
literal braces. Nothing else is interpreted (no format specs, no attribute access), so a
template from a stranger's file can only insert numbers, the nouns and fixed words.

An analogy file holds one analogy as top-level keys, or several as ``[[analogy]]`` tables::

    id = "medical_test"                   # letters, digits, underscores
    title = "A medical test"
    concepts = ["errors", "trade_off"]    # keys of CONCEPTS
    audiences = ["executives", "clinicians"]
    text = "Out of every {base} {noun} ..."  # must use at least one number slot
    misleads = "Where the analogy breaks."
    why = "Why it works."
    when = "right_in_100 < 50"            # optional: only told when the numbers agree
    when_not = "Most flags are right here, so the story does not fit."  # needed with when

``when`` is one or more comparisons joined by ``and``: a number slot, one of
``< <= > >= == !=``, and a number or another number slot. An analogy whose ``when`` does
not hold (or whose slots have no value) is shown as "does not fit these numbers".
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

from explainwidgets.core.curve import minus
from explainwidgets.core.frequencies import per_base
from explainwidgets.core.text import round_half_up

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
    "condition_holds",
    "fill",
    "load_file",
    "load_library",
    "load_notes",
    "parse_condition",
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
    "share_in_100": "of every 100 cases, how many are cases to catch",
    "band_cases": "how many cases scored near the cut-off (a count, not per 100)",
    "band_hits": "how many of those cases near the cut-off are cases to catch (a count)",
    "verdict": "whether the chances near the cut-off come true: about right, too high, too low",
}
TEXT_SLOTS = frozenset({"noun", "positive", "verdict"})
NUMBER_SLOTS = frozenset(SLOTS) - TEXT_SLOTS

#: Half-width of the score band around the cut-off used for observed_in_100.
BAND = 0.05
#: Fewest cases in that band before observed_in_100 (and the verdict) is given.
MIN_BAND_CASES = 30
#: Fewest cases behind a share: "of every 100 flags" needs this many flagged cases, "of every
#: 100 cases to catch" this many cases to catch, and so on. Below it the share is not given.
MIN_CASES = 20
#: Share of cases to catch below which counts are given per 1,000.
RARE_SHARE = 0.10
#: Largest analogy file read (bytes).
MAX_FILE_BYTES = 256 * 1024

_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_REQUIRED = ("id", "title", "concepts", "audiences", "text", "misleads", "why")
_OPTIONAL = ("when", "when_not")
_KEYS = frozenset(_REQUIRED + _OPTIONAL)
_CLAUSE = re.compile(
    r"^\s*([a-z_][a-z_0-9]*)\s*(<=|>=|==|!=|<|>)\s*([a-z_][a-z_0-9]*|-?[0-9]+(?:\.[0-9]+)?)\s*$"
)
_AND = re.compile(r"\s+and\s+")


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
    when: str = ""
    when_not: str = ""

    def fits(self, slots: Mapping[str, str | None]) -> bool:
        """True when every slot it uses has a value and its ``when`` holds."""
        return self.fill(slots) is not None

    def fill(self, slots: Mapping[str, str | None]) -> str | None:
        """The text with numbers in, or None when a slot it needs has no value here or the
        numbers contradict what it says (its ``when`` does not hold)."""
        if self.when and not condition_holds(self.when, slots):
            return None
        return fill(self.text, slots)

    def why_not(self, slots: Mapping[str, str | None]) -> str | None:
        """Why it does not fit these numbers, in plain words (None when it fits)."""
        missing = [n for n in self.slots if slots.get(n) is None]
        if self.when:
            missing += [n for n in condition_slots(self.when) if slots.get(n) is None]
        if missing:
            reasons = dict.fromkeys(
                WHY_MISSING.get(n, "a number it needs is missing") for n in missing
            )
            return "; ".join(reasons)
        if self.when and not condition_holds(self.when, slots):
            return self.when_not or "what it says does not hold for these numbers"
        return None

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
            "when": self.when,
            "when_not": self.when_not,
        }


#: Why a slot has no value, in words (the browser has the same table in analogy_picker.js).
WHY_MISSING: dict[str, str] = {
    "said_in_100": "the model's scores are not chances, so this analogy does not fit",
    "observed_in_100": "too few cases score near the cut-off to check its chances",
    "band_cases": "too few cases score near the cut-off to check its chances",
    "band_hits": "too few cases score near the cut-off to check its chances",
    "verdict": "too few cases score near the cut-off to check its chances",
    "tp": "the model flags too few cases at this setting to judge its flags",
    "fp": "the model flags too few cases at this setting to judge its flags",
    "right_in_100": "the model flags too few cases at this setting to judge its flags",
    "wrong_in_100": "the model flags too few cases at this setting to judge its flags",
    "lift": "the model flags too few cases at this setting to judge its flags",
    "catch_in_100": "there are too few cases to catch in this data",
    "miss_in_100": "there are too few cases to catch in this data",
    "alarm_in_100": "there are too few other cases in this data",
    "rank_in_100": "it needs scores and enough cases of both kinds to judge the ranking",
}


# --------------------------------------------------------------------------- templates


def template_slots(template: str) -> list[str]:
    """Slot names a template uses, in order. Raises ValueError on a malformed template."""
    names: list[str] = []
    for m in _TOKEN.finditer(template):
        tok = m.group(0)
        if tok in ("{{", "}}"):
            continue
        inner = m.group(1)
        if inner is None:
            raise ValueError(
                f"a lone {tok!r} at character {m.start() + 1}; write {{{{ or }}}} for a "
                "literal brace, or close the slot, e.g. {noun}"
            )
        parts = inner.split("|")
        name = parts[0]
        if len(parts) not in (1, 3):
            raise ValueError(
                f"{{{inner}}}: a word that agrees with a number is written "
                "{slot|one|many}, e.g. {tp|is|are}"
            )
        if len(parts) == 3 and name in SLOTS and name not in NUMBER_SLOTS:
            raise ValueError(f"{{{inner}}}: only a number slot can choose between one and many")
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
            inner = m.group(1)
            parts = inner.split("|") if inner is not None else []
            name = parts[0] if parts else ""
            if name not in SLOTS or len(parts) not in (1, 3):
                raise ValueError(f"malformed template near {tok!r}: {template!r}")
            value = slots.get(name)
            if value is None:
                return None
            if len(parts) == 3:
                out.append(parts[1] if str(value) == "1" else parts[2])
            else:
                out.append(str(value))
    out.append(template[pos:])
    return "".join(out)


def parse_condition(when: str) -> list[tuple[str, str, str]]:
    """``"a < 50 and b >= c"`` as ``[("a", "<", "50"), ("b", ">=", "c")]``.

    Raises ValueError naming what to change. Both sides must be number slots or numbers.
    """
    if not isinstance(when, str) or not when.strip():
        raise ValueError("'when' must be a condition such as \"right_in_100 < 50\"")
    out: list[tuple[str, str, str]] = []
    for clause in _AND.split(when.strip()):
        m = _CLAUSE.match(clause)
        if not m:
            raise ValueError(
                f"cannot read the condition {clause.strip()!r}; write a number slot, one of "
                "< <= > >= == !=, and a number or slot, e.g. right_in_100 < 50; join several "
                "with 'and'"
            )
        left, op, right = m.groups()
        for side in (left, right):
            if side[0].isdigit() or side[0] == "-":
                continue
            if side not in NUMBER_SLOTS:
                raise ValueError(
                    f"{side!r} in the condition is not a number slot; use one of "
                    + ", ".join(sorted(NUMBER_SLOTS))
                )
        if left[0].isdigit() or left[0] == "-":
            raise ValueError(f"put the slot first in {clause.strip()!r}, e.g. lift >= 2")
        out.append((left, op, right))
    return out


def condition_slots(when: str) -> list[str]:
    """Slot names a condition reads."""
    return [
        side
        for left, _, right in parse_condition(when)
        for side in (left, right)
        if not (side[0].isdigit() or side[0] == "-")
    ]


def _slot_number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(str(value).replace(",", ""))
    except ValueError:
        return None


def condition_holds(when: str, slots: Mapping[str, str | None]) -> bool:
    """Whether every comparison in ``when`` holds; False when a slot it reads has no value.

    Slot values are compared as the numbers they show (``"1,000"`` is 1000), exactly as the
    browser does, so Python and the browser agree on which analogies fit.
    """
    for left, op, right in parse_condition(when):
        a = _slot_number(slots.get(left))
        b = (
            float(right)
            if right[0].isdigit() or right[0] == "-"
            else _slot_number(slots.get(right))
        )
        if a is None or b is None:
            return False
        ok = {
            "<": a < b,
            "<=": a <= b,
            ">": a > b,
            ">=": a >= b,
            "==": a == b,
            "!=": a != b,
        }[op]
        if not ok:
            return False
    return True


# --------------------------------------------------------------------------- numbers


def _fmt(n: int) -> str:
    return f"{n:,}"


def _lift_text(lift: float) -> str:
    if lift >= 3:
        return _fmt(round_half_up(lift))
    tenths = round_half_up(lift * 10)
    return f"{tenths // 10}.{tenths % 10}"


def _verdict(said: int, observed: int, p: float, cases: int) -> str:
    """'about right' when the observed share is within sampling noise of the said chance."""
    slack = 100 * 2 * math.sqrt(max(p * (1 - p), 0.01) / max(cases, 1)) + 2
    gap = observed - said
    if abs(gap) <= slack:
        return "about right"
    return "too high" if gap < 0 else "too low"


def compute_slots(
    counts: Mapping[str, float],
    *,
    noun: str = "cases",
    positive: str = "real cases",
    threshold: float | None = None,
    is_probability: bool = False,
    band: Sequence[float] | None = None,
    auc: float | None = None,
    cases: Mapping[str, float] | None = None,
) -> dict[str, str | None]:
    """Every slot's text for exact (weighted) counts ``{"tp", "fp", "fn", "tn"}``.

    ``cases`` holds the unweighted number of cases in each cell (default: ``counts``): a
    share is given only when at least :data:`MIN_CASES` cases stand behind it, and counts
    are per 1,000 only when the cases to catch are rare *and* there are 1,000 cases.
    ``band`` is ``(positive weight, other weight, number of cases[, cases to catch])``
    among cases scored within :data:`BAND` of the cut-off; ``auc`` the share of (case to
    catch, other) pairs ranked right. A slot that does not apply (nothing flagged, scores
    not chances, too few cases) is None, and templates using it are not shown.
    """
    tp, fp, fn, tn = (float(counts[k]) for k in ("tp", "fp", "fn", "tn"))
    total = tp + fp + fn + tn
    if not total > 0:
        raise ValueError("the counts are all zero; there are no cases to describe")
    src = counts if cases is None else cases
    c_tp, c_fp, c_fn, c_tn = (float(src[k]) for k in ("tp", "fp", "fn", "tn"))
    n_pos, n_neg, n_flag = c_tp + c_fn, c_fp + c_tn, c_tp + c_fp
    n_all = n_pos + n_neg
    pos, neg, flagged = tp + fn, fp + tn, tp + fp
    base = 1000 if pos / total < RARE_SHARE and n_all >= 1000 else 100
    whole = per_base({"tp": tp, "fp": fp, "fn": fn, "tn": tn}, base)
    slots: dict[str, str | None] = dict.fromkeys(SLOTS)
    slots["noun"] = noun
    slots["positive"] = positive
    slots["base"] = _fmt(base)
    for k in ("fn", "tn"):
        slots[k] = _fmt(whole[k])
    slots["flagged"] = _fmt(whole["tp"] + whole["fp"])
    if n_flag >= MIN_CASES and whole["tp"] + whole["fp"] > 0:
        slots["tp"], slots["fp"] = _fmt(whole["tp"]), _fmt(whole["fp"])
    slots["positives"] = _fmt(whole["tp"] + whole["fn"])
    slots["others"] = _fmt(whole["fp"] + whole["tn"])
    slots["share_in_100"] = _fmt(round_half_up(pos / total * 100))
    if pos > 0 and n_pos >= MIN_CASES:
        c = round_half_up(tp / pos * 100)
        slots["catch_in_100"], slots["miss_in_100"] = _fmt(c), _fmt(100 - c)
    if flagged > 0 and n_flag >= MIN_CASES:
        r = round_half_up(tp / flagged * 100)
        slots["right_in_100"], slots["wrong_in_100"] = _fmt(r), _fmt(100 - r)
        if pos > 0:
            slots["lift"] = _lift_text(tp / flagged / (pos / total))
    if neg > 0 and n_neg >= MIN_CASES:
        slots["alarm_in_100"] = _fmt(round_half_up(fp / neg * 100))
    if is_probability and threshold is not None and 0 <= threshold <= 1:
        said = round_half_up(threshold * 100)
        slots["said_in_100"] = _fmt(said)
        if band is not None:
            bp, bn, n_band = float(band[0]), float(band[1]), int(band[2])
            if n_band >= MIN_BAND_CASES and bp + bn > 0:
                p = bp / (bp + bn)
                observed = round_half_up(p * 100)
                slots["observed_in_100"] = _fmt(observed)
                slots["band_cases"] = _fmt(n_band)
                if len(band) > 3:
                    slots["band_hits"] = _fmt(int(band[3]))
                slots["verdict"] = _verdict(said, observed, p, n_band)
    if auc is not None and math.isfinite(auc) and n_pos >= MIN_CASES and n_neg >= MIN_CASES:
        slots["rank_in_100"] = _fmt(round_half_up(auc * 100))
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
    if not (len(thresholds) == len(tp) == len(fp)) or not thresholds:
        raise ValueError("the curve is empty or its arrays differ in length")
    total_pos = float(get("total_pos", 0) or 0)
    total_neg = float(get("total_neg", 0) or 0)
    # case counts: the weighted curve's own, else the counts themselves (as template.js)
    tpc = _arr(get("tp_cases")) if weighted else []
    fpc = _arr(get("fp_cases")) if weighted else []
    n_pos = float(get("n_pos", 0) or 0) if weighted else 0.0
    n_neg = float(get("n_neg", 0) or 0) if weighted else 0.0
    return {
        "thresholds": thresholds,
        "tp": tp,
        "fp": fp,
        "tp_cases": tpc if len(tpc) == len(tp) else tp,
        "fp_cases": fpc if len(fpc) == len(fp) else fp,
        "total_pos": total_pos,
        "total_neg": total_neg,
        "n_pos": n_pos if n_pos > 0 else total_pos,
        "n_neg": n_neg if n_neg > 0 else total_neg,
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
    counts, t, band, auc, cases = curve_point_cases(curve, threshold, is_probability=is_probability)
    return compute_slots(
        counts,
        noun=noun,
        positive=positive,
        threshold=t,
        is_probability=is_probability,
        band=band,
        auc=auc,
        cases=cases,
    )


def curve_point(
    curve: Any, threshold: float, *, is_probability: bool
) -> tuple[dict[str, float], float, tuple[float, float, int, int] | None, float | None]:
    """Counts, the shown threshold, the band near it and the AUC at the curve point nearest
    ``threshold``: what the browser computes from the same synced curve."""
    counts, t, band, auc, _ = curve_point_cases(curve, threshold, is_probability=is_probability)
    return counts, t, band, auc


def curve_point_cases(
    curve: Any, threshold: float, *, is_probability: bool
) -> tuple[
    dict[str, float],
    float,
    tuple[float, float, int, int] | None,
    float | None,
    dict[str, float],
]:
    """:func:`curve_point` plus the unweighted number of cases in each cell."""
    c = read_curve(curve)
    th = c["thresholds"]
    i = nearest_index(th, float(threshold))
    counts = {
        "tp": c["tp"][i],
        "fp": c["fp"][i],
        "fn": minus(c["total_pos"], c["tp"][i]),
        "tn": minus(c["total_neg"], c["fp"][i]),
    }
    tpc, fpc = c["tp_cases"], c["fp_cases"]
    cases = {
        "tp": tpc[i],
        "fp": fpc[i],
        "fn": minus(c["n_pos"], tpc[i]),
        "tn": minus(c["n_neg"], fpc[i]),
    }
    band = None
    if is_probability:
        lo = nearest_index(th, th[i] - BAND)
        hi = nearest_index(th, th[i] + BAND)
        n_band = (tpc[lo] - tpc[hi]) + (fpc[lo] - fpc[hi])
        band = (
            c["tp"][lo] - c["tp"][hi],
            c["fp"][lo] - c["fp"][hi],
            int(n_band),
            int(tpc[lo] - tpc[hi]),
        )
    return counts, th[i], band, auc_from_curve(c), cases


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
            f"unknown key {unknown[0]!r}; an analogy has the keys {', '.join(_REQUIRED)} "
            f"(and optionally {', '.join(_OPTIONAL)})",
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
            inner = m.group(1)
            if m.group(0) not in ("{{", "}}") and (
                inner is None or inner.split("|")[0] not in SLOTS or inner.count("|") not in (0, 2)
            ):
                needle = m.group(0)
                break
        fail(f"in 'text': {exc}", needle or (bad.group(0) if bad else "text"))
    if not set(used) & NUMBER_SLOTS:
        fail(
            "'text' has no number slot, so it would not show the model's numbers; "
            "use at least one, e.g. {catch_in_100} or {fp}",
            key="text",
        )
    when = t.get("when", "")
    when_not = t.get("when_not", "")
    if "when" in t:
        if not isinstance(when, str) or not when.strip():
            fail("'when' must be a condition in quotes, e.g. \"right_in_100 < 50\"", key="when")
        try:
            parse_condition(when)
        except ValueError as exc:
            fail(f"in 'when': {exc}", key="when")
        if "when_not" not in t:
            fail(
                "'when' needs a 'when_not': the plain reason shown when the numbers do not "
                'fit, e.g. "Most flags are right here, so this story does not fit."',
                key="when",
            )
    if "when_not" in t:
        _check_text(when_not, "when_not", fail)
        if "when" not in t:
            fail("'when_not' is only used with a 'when' condition", key="when_not")
    for key in ("title", "misleads", "why", "when_not"):
        if key in t and re.search(r"\{[a-z_]+\}", t[key]):
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
        when=" ".join(str(when).split()),
        when_not=" ".join(str(when_not).split()),
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
