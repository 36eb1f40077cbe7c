"""Money per outcome: validation and the break-even probability."""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real

from explainwidgets.core.frequencies import OUTCOME_ORDER


def check_payoff(payoff: Mapping[str, object] | None) -> dict[str, float] | None:
    """Validate a payoff mapping ``{"tp", "fp", "fn", "tn"} -> money per case``.

    Gains are positive, costs negative. Missing outcomes count as 0.
    """
    if payoff is None:
        return None
    if not isinstance(payoff, Mapping):
        raise TypeError(
            "payoff must be a dict of money per case, e.g. "
            '{"tp": 0, "fp": -300, "fn": -5000, "tn": 300}; '
            f"got {type(payoff).__name__}"
        )
    unknown = set(payoff) - set(OUTCOME_ORDER)
    if unknown:
        raise ValueError(
            f"payoff has unknown outcome(s) {sorted(unknown)}; use the keys "
            '"tp" (flagged, and it was a positive), "fp" (flagged, was not), '
            '"fn" (not flagged, was a positive), "tn" (not flagged, was not)'
        )
    out: dict[str, float] = {}
    for k in OUTCOME_ORDER:
        v = payoff.get(k, 0)
        if isinstance(v, bool) or not isinstance(v, Real):
            raise TypeError(
                f"payoff[{k!r}] must be a number (money per case, costs negative); got {v!r}"
            )
        fv = float(v)
        if not math.isfinite(fv):
            raise ValueError(f"payoff[{k!r}] must be a finite number; got {v!r}")
        out[k] = fv
    return out


def break_even_probability(payoff: Mapping[str, float]) -> float | None:
    """The probability above which flagging a case is worth more than leaving it.

    Flagging a case with probability ``p`` of being positive is worth
    ``p*tp + (1-p)*fp``; leaving it, ``p*fn + (1-p)*tn``. They are equal at
    ``p* = (tn - fp) / ((tp - fn) + (tn - fp))``. Returns None when no such
    probability exists in [0, 1] (one action always wins).
    """
    gain_pos = payoff["tp"] - payoff["fn"]  # what flagging a positive is worth
    gain_neg = payoff["tn"] - payoff["fp"]  # what leaving a negative is worth
    denom = gain_pos + gain_neg
    if denom <= 0 or gain_pos < 0 or gain_neg < 0:
        return None
    return gain_neg / denom
