"""The ThresholdExplorer drawn by matplotlib: for PNG fallbacks, PowerPoint and print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from explainwidgets.core.curve import OUTCOMES
from explainwidgets.core.labels import label_for
from explainwidgets.core.text import format_money, in_hundred

if TYPE_CHECKING:
    from explainwidgets.threshold_explorer import ThresholdExplorer

# Same colours and shapes as the widget (js/src/threshold_explorer.js STYLE).
STYLE = {
    "tp": ("#0072B2", "o"),
    "fp": ("#E69F00", "^"),
    "fn": ("#D55E00", "X"),
    "tn": ("#8C96A0", "s"),
}


def explorer_figure(ex: ThresholdExplorer) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    s = ex.summary()
    p100 = s["per_100"]
    labels = ex.labels
    has_money = s["value_per_100"] is not None
    fig = Figure(figsize=(10, 6.4 if has_money else 4.6), layout="constrained")
    grid = fig.add_gridspec(
        2 if has_money else 1,
        2,
        width_ratios=[1, 1.35],
        height_ratios=[2.2, 1] if has_money else [1],
    )
    ax_icons = fig.add_subplot(grid[0, 0])
    ax_text = fig.add_subplot(grid[0, 1])

    # 10×10 icon array, filled row by row in outcome order.
    n = 0
    for k in OUTCOMES:
        color, marker = STYLE[k]
        xs, ys = [], []
        for _ in range(p100[k]):
            xs.append(n % 10)
            ys.append(9 - n // 10)
            n += 1
        ax_icons.scatter(xs, ys, s=150, c=color, marker=marker, linewidths=0)
    ax_icons.set_xlim(-0.7, 9.7)
    ax_icons.set_ylim(-0.7, 9.7)
    ax_icons.set_aspect("equal")
    ax_icons.axis("off")
    ax_icons.set_title(f"100 {ex.noun}", fontsize=11, loc="left")

    ax_text.axis("off")
    ax_text.set_xlim(0, 1)
    ax_text.set_ylim(0, 1)
    y = 0.98
    flag = str(labels.get("flag", "flag"))
    score = str(labels.get("score", "score"))
    cut = in_hundred(ex.threshold) if ex.is_probability else f"{ex.threshold:.3g}"
    if ex.title:
        ax_text.text(0, y, ex.title, fontsize=13, weight="bold", va="top")
        y -= 0.1
    if has_money:
        v = s["value_per_100"]
        verb = "Earns" if v >= 0 else "Costs"
        ax_text.text(
            0,
            y,
            f"{verb} {format_money(abs(v), ex.currency)} per 100 {ex.noun}",
            fontsize=17,
            weight="bold",
            va="top",
        )
        y -= 0.13
        if ex.population:
            total = v * ex.population / 100
            ax_text.text(
                0,
                y,
                f"about {format_money(abs(total), ex.currency)} "
                f"{'earned' if total >= 0 else 'lost'} for {ex.population:,} {ex.noun}",
                fontsize=10,
                color="#57606a",
                va="top",
            )
            y -= 0.08
    ax_text.text(
        0,
        y,
        f"{flag.capitalize()} when {score} is at least {cut}",
        fontsize=11,
        weight="bold",
        va="top",
    )
    y -= 0.11
    rows = [
        (str(labels.get("flagged", "Flagged")), ("tp", "fp")),
        (str(labels.get("not_flagged", "Not flagged")), ("fn", "tn")),
    ]
    for title, keys in rows:
        ax_text.text(0, y, title, fontsize=11, weight="bold", va="top")
        y -= 0.09
        for k in keys:
            color, marker = STYLE[k]
            ax_text.scatter([0.03], [y - 0.035], s=90, c=color, marker=marker, clip_on=False)
            ax_text.text(
                0.08, y, f"{p100[k]:>3}  {label_for(labels, k, p100[k])}", fontsize=12, va="top"
            )
            y -= 0.085
        y -= 0.03
    if has_money:
        ax = fig.add_subplot(grid[1, :])
        t, values = ex.value_curve()
        ax.plot(t, values, color="#0072B2", lw=2)
        ax.axhline(0, color="#57606a", lw=0.8, ls="--")
        ax.axvline(ex.threshold, color="#1b1f24", lw=1.2)
        best = ex.best_threshold()
        ax.scatter([best], [values[np.searchsorted(t, best)]], color="#009E73", zorder=3, s=40)
        ax.set_title(
            f"Money per 100 {ex.noun} at each cut-off (dot: best, line: now)",
            fontsize=10,
            loc="left",
        )
        ax.set_xlabel(score)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=8)
    return fig
