"""Numbers to plain sentences: the common metrics at a cut-off, in natural frequencies.

Pure computation (numpy only). The model for every sentence is the seed's answer: "for
every 100 ... it will correctly find about 85 ... but it will also mistakenly include about
15". Whole numbers per 100 (per 1,000 when the cases to catch are rare), the user's noun,
no ML jargon unless the same sentence explains it (``technical=True`` adds such a sentence).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from explainwidgets.core.analogies import (
    BAND,
    compute_slots,
    curve_point,
)
from explainwidgets.core.curve import ScoreSet

__all__ = [
    "METRICS",
    "NarrationNumbers",
    "auc_from_scores",
    "narrate_all",
    "numbers_from_counts",
    "numbers_from_curve",
    "numbers_from_scores",
]

#: The metrics narrated, in the order a manager hears them.
METRICS: tuple[str, ...] = (
    "overview",
    "catch_rate",
    "flags_right",
    "f1",
    "accuracy",
    "auc",
    "calibration",
    "lift",
)


@dataclass(frozen=True)
class NarrationNumbers:
    """Exact numbers behind the sentences (weighted counts, not rounded)."""

    counts: Mapping[str, float]
    threshold: float | None = None
    is_probability: bool = False
    auc: float | None = None
    #: (positive weight, other weight, cases) among cases scored within BAND of the cut-off
    band: tuple[float, float, int] | None = None


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def auc_from_scores(scores: ScoreSet) -> float | None:
    """Share of (positive, other) pairs the scores rank right, ties counting half.

    Equal to ``sklearn.metrics.roc_auc_score`` (weighted like it with sample weights).
    """
    P, N = scores.total_pos, scores.total_neg
    if not (P > 0 and N > 0):
        return None
    w_pos = scores.pos_above[:-1] - scores.pos_above[1:]
    left = np.searchsorted(scores.neg, scores.pos, side="left")
    right = np.searchsorted(scores.neg, scores.pos, side="right")
    below = N - scores.neg_above[left]
    equal = scores.neg_above[left] - scores.neg_above[right]
    return float(np.sum(w_pos * (below + 0.5 * equal)) / (P * N))


def numbers_from_counts(
    counts: Mapping[str, float],
    *,
    threshold: float | None = None,
    is_probability: bool = False,
    auc: float | None = None,
) -> NarrationNumbers:
    """From confusion counts alone (no ranking or calibration sentence possible)."""
    missing = [k for k in ("tp", "fp", "fn", "tn") if k not in counts]
    if missing:
        raise ValueError(
            f"counts need the keys tp, fp, fn, tn (flagged and real, flagged but not, missed, "
            f"rightly left alone); missing {missing}"
        )
    clean: dict[str, float] = {}
    for k in ("tp", "fp", "fn", "tn"):
        v = counts[k]
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise TypeError(f"counts[{k!r}] must be a number; got {v!r}")
        fv = float(v)
        if not (math.isfinite(fv) and fv >= 0):
            raise ValueError(f"counts[{k!r}] must be a finite number >= 0; got {v!r}")
        clean[k] = fv
    if not sum(clean.values()) > 0:
        raise ValueError("the counts are all zero; there are no cases to describe")
    return NarrationNumbers(clean, threshold, is_probability, auc, None)


def numbers_from_scores(
    scores: ScoreSet, threshold: float, *, is_probability: bool
) -> NarrationNumbers:
    """Exact numbers at ``threshold`` from all the scores (flagged when score >= threshold)."""
    t = float(threshold)
    band = None
    if is_probability:
        lo, hi = scores.counts_at(t - BAND), scores.counts_at(t + BAND)
        tpc, fpc = scores.flagged_cases([t - BAND, t + BAND])
        cases = int(tpc[0] - tpc[1] + fpc[0] - fpc[1])
        band = (lo["tp"] - hi["tp"], lo["fp"] - hi["fp"], cases)
    return NarrationNumbers(scores.counts_at(t), t, is_probability, auc_from_scores(scores), band)


def numbers_from_curve(
    curve: object, threshold: float, *, is_probability: bool
) -> NarrationNumbers:
    """Numbers at the curve point nearest ``threshold`` (what the widgets show)."""
    counts, t, band, auc = curve_point(curve, threshold, is_probability=is_probability)
    return NarrationNumbers(counts, t, is_probability, auc, band)


# --------------------------------------------------------------------------- sentences


def _s(n: int) -> str:
    return f"{n:,}"


def _q(part: float, whole: float, base: int = 100) -> str:
    """'about 85' out of ``base``, honest at the ends: '0', 'fewer than 1', 'more than 99'."""
    if part <= 0:
        return "0"
    if part >= whole:
        return f"all {_s(base)}"
    n = _round(part / whole * base)
    if n <= 0:
        return "fewer than 1"
    if n >= base:
        return f"more than {_s(base - 1)}"
    return f"about {_s(n)}"


def _are(phrase: str) -> str:
    return "is" if phrase in ("about 1", "1") else "are"


def _alarms(phrase: str) -> str:
    """'about 15 are false alarms' / 'about 1 is a false alarm'."""
    if _are(phrase) == "is":
        return f"{phrase} is a false alarm"
    return f"{phrase} are false alarms"


def narrate_all(
    numbers: NarrationNumbers,
    *,
    noun: str = "cases",
    positive: str = "real cases",
    technical: bool = False,
) -> dict[str, str]:
    """One short plain-language paragraph per metric (keys: :data:`METRICS`)."""
    sl = compute_slots(
        numbers.counts,
        noun=noun,
        positive=positive,
        threshold=numbers.threshold,
        is_probability=numbers.is_probability,
        band=numbers.band,
        auc=numbers.auc,
    )
    c = numbers.counts
    tp, fp, fn, tn = (float(c[k]) for k in ("tp", "fp", "fn", "tn"))
    total = tp + fp + fn + tn
    pos, neg, flagged = tp + fn, fp + tn, tp + fp

    def tech(term: str, what: str) -> str:
        return f" Data teams call {what} the '{term}'." if technical else ""

    out: dict[str, str] = {}
    if flagged > 0:
        # whole numbers that add up (largest remainder), honest where they round to 0
        def w(slot: str, exact: float) -> str:
            n = str(sl[slot])
            if n == "0":
                return "fewer than 1" if exact > 0 else "0"
            return f"about {n}"

        q_flag, q_tp = w("flagged", flagged), w("tp", tp)
        q_fp, q_fn = w("fp", fp), w("fn", fn)
        out["overview"] = (
            f"Out of every {sl['base']} {noun}, the model flags {q_flag}. "
            f"{q_tp.capitalize()} of them {_are(q_tp)} {positive}, and {_alarms(q_fp)}. "
            f"It misses {q_fn} of the {positive}."
        )
    else:
        out["overview"] = (
            f"At this setting the model flags none of the {noun}. "
            f"It misses all {positive}: {_q(pos, total, int(str(sl['base']).replace(',', '')))} "
            f"in every {sl['base']} {noun}."
        )

    if pos > 0:
        out["catch_rate"] = (
            f"Of every 100 {positive}, the model finds {_q(tp, pos)} "
            f"and misses {_q(fn, pos)}." + tech("recall", "this share found")
        )
    else:
        out["catch_rate"] = f"There are no {positive} here, so there is nothing to find."

    if flagged > 0:
        out["flags_right"] = (
            f"Of every 100 {noun} it flags, {_q(tp, flagged)} {_are(_q(tp, flagged))} "
            f"{positive}, and {_alarms(_q(fp, flagged))}."
            + tech("precision", "this share of right flags")
        )
    else:
        out["flags_right"] = f"At this setting the model flags no {noun}, so no flag is wrong."

    if pos > 0 and flagged > 0:
        out["f1"] = (
            f"It strikes a balance between two goals. It finds {_q(tp, pos)} of every 100 "
            f"{positive}. Of every 100 flags, {_alarms(_q(fp, flagged))}. "
            "On a scale where 100 means no misses and no false alarms, this balance "
            f"scores {_q(2 * tp, 2 * tp + fp + fn)}." + tech("F1 score", "this balance score")
        )
    else:
        out["f1"] = (
            f"The model finds none of the {positive} at this setting, so there is no balance "
            "to score."
        )

    acc = _round((tp + tn) / total * 100)
    out["accuracy"] = f"It gets {_q(tp + tn, total)} of every 100 {noun} right."
    majority = max(pos, neg)
    lazy = _round(majority / total * 100)
    if acc - lazy < 5:
        action = "flagging none of them" if neg >= pos else "flagging all of them"
        out["accuracy"] += (
            f" But {action} would get {_q(majority, total)} of every 100 right, "
            "so this number says little here."
        )

    if sl["rank_in_100"] is not None:
        out["auc"] = (
            f"Pick one of the {positive} and one of the other {noun} at random. "
            f"{_q(numbers.auc or 0.0, 1.0).capitalize()} times in 100, the model gives the first "
            "one the higher "
            "score. A coin toss would do it 50 times in 100."
            + tech("AUC", "this share of pairs put in the right order")
        )
    else:
        out["auc"] = f"With only one kind of {noun} here, there is nothing to rank."

    out["calibration"] = _calibration(numbers, sl, noun, positive, technical)

    if sl["lift"] is not None:
        out["lift"] = (
            f"Among the {noun} it flags, {positive} are about {sl['lift']} times as common "
            "as usual." + tech("lift", "this number")
        )
    else:
        out["lift"] = f"At this setting the model flags no {noun}, so it adds nothing yet."
    return out


def _calibration(
    numbers: NarrationNumbers,
    sl: Mapping[str, str | None],
    noun: str,
    positive: str,
    technical: bool,
) -> str:
    if not numbers.is_probability:
        return (
            f"This model's scores put {noun} in order, but they are not chances. "
            "Do not read a score as so many in 100."
        )
    said, observed = sl["said_in_100"], sl["observed_in_100"]
    if said is None:
        return "This model's scores are chances, but no cut-off is set to check them at."
    if observed is None:
        return f"Too few {noun} score near {said} in 100 to check if that chance comes true."
    bp, bn, cases = numbers.band or (0.0, 0.0, 0)
    p = bp / (bp + bn)
    slack = 100 * 2 * math.sqrt(max(p * (1 - p), 0.01) / max(cases, 1)) + 2
    gap = int(observed.replace(",", "")) - int(said.replace(",", ""))
    q = _q(bp, bp + bn)
    share = "all" if q.startswith("all") else "none" if q == "0" else f"{q} in 100"
    text = (
        f"Take the {noun} the model gives about {said} in 100. "
        f"{share[0].upper()}{share[1:]} of them turn out to be {positive}."
    )
    if abs(gap) <= slack:
        text += " So here its chances can be taken at face value."
    elif gap < 0:
        text += " So here its chances run too high."
    else:
        text += " So here its chances run too low."
    if technical:
        text += " Data teams call this match the 'calibration'."
    return text
