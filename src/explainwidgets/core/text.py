"""Honest-precision formatting for people (Python twin of js/src/shared/format.js)."""

from __future__ import annotations

import math

_SYMBOLS = {
    "USD": "$",
    "EUR": "€",
    "GBP": "£",
    "JPY": "¥",
    "CHF": "CHF ",
    "CAD": "CA$",
    "AUD": "A$",
}


def round_half_up(x: float) -> int:
    """Round halves up, as the browser does (``Math.floor(x + 0.5)``, the same IEEE
    operations), so Python text and the widget's text agree to the unit."""
    return math.floor(x + 0.5)


def round_sig(x: float, digits: int = 3) -> float:
    """Round to ``digits`` significant figures, halves away from zero: 1845 -> 1850."""
    if x == 0 or not math.isfinite(x):
        return x
    p = math.floor(math.log10(abs(x))) - digits + 1
    f = 10.0**p
    return math.copysign(round_half_up(abs(x) / f) * f, x)


def format_money(x: float, currency: str = "USD") -> str:
    """Money with three significant figures and no cents: ``$1,840``."""
    r = round_sig(x, 3)
    sign = "\u2212" if r < 0 else ""  # a true minus sign, as in the widget
    symbol = _SYMBOLS.get(currency.upper())
    body = f"{abs(r):,.0f}"
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency.upper()}"


def in_hundred(p: float) -> str:
    """A probability as a natural frequency: 0.153 -> "15 in 100"; rare: "2 in 1,000"."""
    if not math.isfinite(p):
        raise ValueError("in_hundred needs a finite probability")
    if 0 < p < 0.01:
        return f"{max(1, round_half_up(p * 1000)):,} in 1,000"
    if 0.995 <= p < 1:
        return "more than 99 in 100"
    return f"{round_half_up(p * 100):,} in 100"
