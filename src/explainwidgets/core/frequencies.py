"""Natural frequencies: exact shares turned into whole numbers "per 100"."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

OUTCOME_ORDER: tuple[str, ...] = ("tp", "fp", "fn", "tn")


def per_100(counts: Mapping[str, float], keys: Sequence[str] = OUTCOME_ORDER) -> dict[str, int]:
    """Whole numbers per 100 that sum to exactly 100 and stay within 1 of each exact share.

    >>> per_100({"tp": 1, "fp": 1, "fn": 1, "tn": 0})
    {'tp': 34, 'fp': 33, 'fn': 33, 'tn': 0}
    """
    return per_base(counts, 100, keys)


def per_base(
    counts: Mapping[str, float], base: int, keys: Sequence[str] = OUTCOME_ORDER
) -> dict[str, int]:
    """Whole numbers out of ``base`` (100, 1,000 …) that sum to ``base`` exactly.

    Largest-remainder rounding: every share is floored, then the units still missing are
    given to the largest remainders (ties go to the earlier key). The browser runs the same
    arithmetic in the same order (``perBase`` in ``js/src/shared/curve.js``), so both agree
    to the unit.
    """
    total = 0.0
    for k in keys:
        total += float(counts[k])
    if not total > 0:
        raise ValueError(f"per_{base} needs a positive total; all counts are zero")
    exact = [float(counts[k]) / total * base for k in keys]
    whole = [math.floor(e) for e in exact]
    missing = base - sum(whole)
    order = sorted(range(len(keys)), key=lambda i: (-(exact[i] - whole[i]), i))
    for i in order[:missing]:
        whole[i] += 1
    return {k: int(w) for k, w in zip(keys, whole, strict=True)}


def value_per_100(counts: Mapping[str, float], payoff: Mapping[str, float]) -> float:
    """Money per 100 cases: the payoff-weighted sum of the exact shares (not the rounded ones)."""
    total = 0.0
    for k in OUTCOME_ORDER:
        total += float(counts[k])
    if not total > 0:
        raise ValueError("value_per_100 needs a positive total; all counts are zero")
    money = 0.0
    for k in OUTCOME_ORDER:
        money += float(payoff[k]) * float(counts[k])
    return money / total * 100
