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
    MIN_BAND_CASES,
    MIN_CASES,
    compute_slots,
    curve_point_cases,
)
from explainwidgets.core.curve import ScoreSet
from explainwidgets.core.text import round_half_up

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
    #: (positive weight, other weight, cases, cases to catch) among cases scored within
    #: BAND of the cut-off
    band: tuple[float, ...] | None = None
    #: unweighted number of cases in each cell (None: the counts are case counts)
    cases: Mapping[str, float] | None = None


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
        n_band = int(tpc[0] - tpc[1] + fpc[0] - fpc[1])
        band = (lo["tp"] - hi["tp"], lo["fp"] - hi["fp"], n_band, int(tpc[0] - tpc[1]))
    ctp, cfp = scores.flagged_cases([t])
    cases = {
        "tp": float(ctp[0]),
        "fp": float(cfp[0]),
        "fn": float(scores.n_pos - ctp[0]),
        "tn": float(scores.n_neg - cfp[0]),
    }
    return NarrationNumbers(
        scores.counts_at(t), t, is_probability, auc_from_scores(scores), band, cases
    )


def numbers_from_curve(
    curve: object, threshold: float, *, is_probability: bool
) -> NarrationNumbers:
    """Numbers at the curve point nearest ``threshold`` (what the widgets show)."""
    counts, t, band, auc, cases = curve_point_cases(curve, threshold, is_probability=is_probability)
    return NarrationNumbers(counts, t, is_probability, auc, band, cases)


# --------------------------------------------------------------------------- sentences


def _s(n: float) -> str:
    return f"{round_half_up(n):,}"


def _q(part: float, whole: float, base: int = 100) -> str:
    """'about 85' out of ``base``, honest at the ends: '0', 'fewer than 1', 'more than 99'."""
    if part <= 0:
        return "0"
    if part >= whole:
        return f"all {base:,}"
    n = round_half_up(part / whole * base)
    if n <= 0:
        return "fewer than 1"
    if n >= base:
        return f"more than {base - 1:,}"
    return f"about {n:,}"


def _one(phrase: str) -> bool:
    return phrase in ("about 1", "1")


def _are(phrase: str, positive: str) -> str:
    """'are churners' / 'is among the churners' (a plural noun after a count of one)."""
    return f"is among the {positive}" if _one(phrase) else f"are {positive}"


def _alarms(phrase: str) -> str:
    """'about 15 are false alarms' / 'about 1 is a false alarm'."""
    if _one(phrase):
        return f"{phrase} is a false alarm"
    return f"{phrase} are false alarms"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def narrate_all(
    numbers: NarrationNumbers,
    *,
    noun: str = "cases",
    positive: str = "real cases",
    technical: bool = False,
) -> dict[str, str]:
    """One short plain-language paragraph per metric (keys: :data:`METRICS`).

    A share ("of every 100 ...") is given only when at least :data:`MIN_CASES` cases stand
    behind it; below that the sentence gives the plain counts and says they are too few.
    """
    sl = compute_slots(
        numbers.counts,
        noun=noun,
        positive=positive,
        threshold=numbers.threshold,
        is_probability=numbers.is_probability,
        band=numbers.band,
        auc=numbers.auc,
        cases=numbers.cases,
    )
    c = numbers.counts
    tp, fp, fn, tn = (float(c[k]) for k in ("tp", "fp", "fn", "tn"))
    total = tp + fp + fn + tn
    pos, neg, flagged = tp + fn, fp + tn, tp + fp
    k = numbers.cases if numbers.cases is not None else c
    k_tp, k_fp, k_fn, k_tn = (float(k[x]) for x in ("tp", "fp", "fn", "tn"))
    k_pos, k_neg, k_flag = k_tp + k_fn, k_fp + k_tn, k_tp + k_fp
    k_all = k_pos + k_neg
    few_flags = f"{_s(k_flag)} of the {_s(k_all)} {noun}"

    def tech(term: str, what: str) -> str:
        return f" Data teams call {what} the '{term}'." if technical else ""

    out: dict[str, str] = {}
    base = int(str(sl["base"]).replace(",", ""))
    if flagged <= 0:
        share = "" if pos >= total else f": {_q(pos, total, base)} in every {sl['base']} {noun}"
        out["overview"] = (
            f"At this setting the model flags none of the {noun}. It misses all {positive}{share}."
        )
    elif sl["tp"] is None:
        out["overview"] = (
            f"At this setting the model flags {few_flags}. That is too few to judge how "
            "often a flag is right."
        )
    else:
        # whole numbers that add up (largest remainder), honest where they round to 0
        def w(slot: str, exact: float) -> str:
            n = str(sl[slot])
            if n == "0":
                return "fewer than 1" if exact > 0 else "0"
            return f"about {n}"

        q_flag, q_tp = w("flagged", flagged), w("tp", tp)
        q_fp, q_fn = w("fp", fp), w("fn", fn)
        first = (
            f"None of them {_are('0', positive)}"
            if q_tp == "0"
            else (f"{_cap(q_tp)} of them {_are(q_tp, positive)}")
        )
        out["overview"] = (
            f"Out of every {sl['base']} {noun}, the model flags {q_flag}. "
            f"{first}, and {_alarms(q_fp)}. "
            f"It misses {q_fn} of the {positive}."
        )

    if pos <= 0:
        out["catch_rate"] = f"There are no {positive} here, so there is nothing to find."
    elif sl["catch_in_100"] is None:
        out["catch_rate"] = (
            f"Only {_s(k_pos)} of the {_s(k_all)} {noun} here {_are(_s(k_pos), positive)}. "
            f"That is too few to say how many in 100 it finds. It finds {_s(k_tp)} of them."
        )
    elif tp >= pos:
        out["catch_rate"] = f"The model finds all the {positive} and misses none." + tech(
            "recall", "this share found"
        )
    else:
        out["catch_rate"] = (
            f"Of every 100 {positive}, the model finds {_q(tp, pos)} "
            f"and misses {_q(fn, pos)}." + tech("recall", "this share found")
        )

    if flagged <= 0:
        out["flags_right"] = f"At this setting the model flags no {noun}, so no flag is wrong."
    elif sl["right_in_100"] is None:
        out["flags_right"] = (
            f"At this setting the model flags {few_flags}. That is too few to judge how "
            "often a flag is right."
        )
    else:
        q_r = _q(tp, flagged)
        out["flags_right"] = (
            f"Of every 100 {noun} it flags, {q_r} {_are(q_r, positive)}, "
            f"and {_alarms(_q(fp, flagged))}." + tech("precision", "this share of right flags")
        )

    if pos <= 0 or flagged <= 0 or tp <= 0:
        out["f1"] = (
            f"The model finds none of the {positive} at this setting, so there is no balance "
            "to score."
        )
    elif sl["catch_in_100"] is None or sl["right_in_100"] is None:
        out["f1"] = (
            f"There are too few flags or {positive} here to score the balance between "
            "finding them and avoiding false alarms."
        )
    else:
        finds = (
            f"It finds all the {positive}."
            if tp >= pos
            else f"It finds {_q(tp, pos)} of every 100 {positive}."
        )
        score = _q(2 * tp, 2 * tp + fp + fn)
        score = "a perfect 100" if score.startswith("all") else score
        out["f1"] = (
            f"It strikes a balance between two goals. {finds} "
            f"Of every 100 flags, {_alarms(_q(fp, flagged))}. "
            "On a scale where 100 means no misses and no false alarms, this balance "
            f"scores {score}." + tech("F1 score", "this balance score")
        )

    acc = round_half_up((tp + tn) / total * 100)
    if k_all < MIN_CASES:
        out["accuracy"] = (
            f"It gets {_s(k_tp + k_tn)} of the {_s(k_all)} {noun} right. That is too few "
            "to say how many in 100."
        )
    elif tp + tn >= total:
        out["accuracy"] = f"It gets all the {noun} right."
    else:
        out["accuracy"] = f"It gets {_q(tp + tn, total)} of every 100 {noun} right."
        majority = max(pos, neg)
        lazy = round_half_up(majority / total * 100)
        if acc - lazy < 5:
            action = "flagging none of them" if neg >= pos else "flagging all of them"
            lazy_q = _q(majority, total)
            lazy_right = "all of them" if lazy_q.startswith("all") else f"{lazy_q} of every 100"
            out["accuracy"] += (
                f" But {action} would get {lazy_right} right, so this number says little here."
            )

    if sl["rank_in_100"] is not None:
        q_auc = _q(numbers.auc or 0.0, 1.0)
        if q_auc.startswith("all"):
            how = "Every time, the model gives the first one the higher score."
        elif q_auc == "0":
            how = "The model never gives the first one the higher score."
        else:
            times = "time" if _one(q_auc) else "times"
            how = f"{_cap(q_auc)} {times} in 100, the model gives the first one the higher score."
        out["auc"] = (
            f"Pick one of the {positive} and one of the other {noun} at random. {how} "
            "A coin toss would do it 50 times in 100."
            + tech("AUC", "this share of pairs put in the right order")
        )
    elif pos <= 0 or neg <= 0:
        out["auc"] = f"With only one kind of {noun} here, there is nothing to rank."
    elif numbers.auc is None:
        out["auc"] = "Only counts were given, no scores, so there is no ranking to judge."
    else:
        out["auc"] = (
            f"There are too few {positive} or other {noun} here to judge how well it ranks them."
        )

    out["calibration"] = _calibration(numbers, sl, noun, positive, technical)

    if flagged <= 0:
        out["lift"] = f"At this setting the model flags no {noun}, so it adds nothing yet."
    elif pos <= 0:
        out["lift"] = f"There are no {positive} here, so there is nothing to find more often."
    elif sl["lift"] is None:
        out["lift"] = (
            f"At this setting the model flags {few_flags}. That is too few to say how much "
            f"more common {positive} are among them."
        )
    else:
        out["lift"] = (
            f"Among the {noun} it flags, {positive} are about {sl['lift']} times as common "
            "as usual." + tech("lift", "this number")
        )
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
        n_band = int(numbers.band[2]) if numbers.band is not None else 0
        if n_band == 0:
            near = f"No {noun} score near {said} in 100"
        elif n_band == 1:
            near = f"Only 1 of the {noun} scores near {said} in 100"
        else:
            near = f"Only {n_band:,} {noun} score near {said} in 100"
        return (
            f"{near}. That is too few to check if that chance comes true (it takes about "
            f"{MIN_BAND_CASES})."
        )
    bp, bn = float(numbers.band[0]), float(numbers.band[1])  # type: ignore[index]
    q = _q(bp, bp + bn)
    share = "all of them" if q.startswith("all") else "none" if q == "0" else f"{q} in 100"
    if sl["band_hits"] is not None:
        hits = str(sl["band_hits"])
        were = "was among the" if hits == "1" else "were"
        text = (
            f"Of {sl['band_cases']} {noun} the model gave about {said} in 100, {hits} "
            f"{were} {positive}: {share}."
        )
    else:
        text = (
            f"Of {sl['band_cases']} {noun} the model gave about {said} in 100, {share} "
            f"turned out to be {positive}."
        )
    verdict = sl["verdict"]
    if verdict == "about right":
        text += " So here its chances look about right."
    elif verdict == "too high":
        text += " So here its chances run too high."
    else:
        text += " So here its chances run too low."
    if technical:
        text += " Data teams call this match the 'calibration'."
    return text
