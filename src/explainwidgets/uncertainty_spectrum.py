"""UncertaintySpectrum: place model outputs between "Certain" and "Highly speculative".

>>> sp = UncertaintySpectrum.from_estimator(model, X_train, y_train, X_cases,
...                                         n_resamples=200, random_state=0,
...                                         noun="applicants", outcome="default")  # doctest: +SKIP
>>> sp.items[0].estimate, sp.items[0].interval, sp.items[0].level, sp.items[0].reasons  # doctest: +SKIP

Likelihood and confidence are kept apart, as intelligence and climate reports do: the
*chance* is the probability, said as a natural frequency and a calibrated word
("about 15 in 100 applicants like this one default — unlikely"); *how sure* is the place
on the spectrum, set by measurements (see :mod:`explainwidgets.core.uncertainty`).

What the range is, and is not: it is where the model's answer lands when the model is
retrained on reshuffled past data (model variability). A model of the wrong form can give a
narrow range far from the true chance, so no case is placed "Certain" or "Confident" unless
a check on past cases the model did not learn from backs it up. Pass a separate check set
(``X_calib, y_calib``: past cases not used for fitting) — the recommended route; without it
the check uses the cases each retrained copy left out, which checks the copies rather than
the model itself, and nothing is placed "Certain".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anywidget
import ipywidgets
import traitlets
from numpy.typing import ArrayLike

from explainwidgets._widget import StaticFallbackMixin, asset
from explainwidgets.core.uncertainty import (
    LEVELS,
    CaseMeasurement,
    Measurements,
    _singular,
    decision,
    decision_text,
    level_name,
    measure,
    threshold_value,
)

#: Colours of the levels, from sure (blue-green) to speculative (orange-red); the JS CSS
#: uses the same ones.
LEVEL_COLORS = ("#1b7837", "#7fbf7b", "#d9c45c", "#ef8a62", "#b2182b")


@dataclass(frozen=True)
class Statement:
    """One statement on the spectrum: measured from a case, or placed by hand.

    ``estimate`` and ``interval`` are probabilities (None for statements placed by hand);
    ``interval`` is the spread of the model's answer under retraining and may exclude
    ``estimate``. ``per`` and ``shown`` are the range as shown (whole numbers per 100 or
    1,000); decisions are taken on them so the words agree with the numbers on the card.
    ``detail`` is the technical account (not for managers).
    """

    text: str
    level: str
    estimate: float | None = None
    interval: tuple[float, float] | None = None
    reasons: tuple[str, ...] = ()
    label: str = ""
    likelihood: str | None = None
    range_text: str | None = None
    steps: Mapping[str, int] = field(default_factory=dict)
    measured: bool = False
    per: int | None = None
    shown: tuple[int, int] | None = None
    detail: str = ""

    @property
    def level_index(self) -> int:
        return LEVELS.index(self.level)

    def decision(self, threshold: float) -> str | None:
        """ "flag", "no flag" or "either" (the range crosses the threshold); None if unmeasured."""
        if self.interval is None:
            return None
        if self.shown is not None and self.per is not None:
            return decision(*self.shown, threshold, per=self.per, shown=True)
        return decision(self.interval[0], self.interval[1], threshold)

    def decision_text(self, threshold: float) -> str | None:
        if self.interval is None:
            return None
        if self.shown is not None and self.per is not None:
            return decision_text(*self.shown, threshold, per=self.per, shown=True)
        return decision_text(self.interval[0], self.interval[1], threshold)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "level": self.level,
            "level_index": self.level_index,
            "estimate": self.estimate,
            "lo": None if self.interval is None else self.interval[0],
            "hi": None if self.interval is None else self.interval[1],
            "likelihood": self.likelihood,
            "range_text": self.range_text,
            "reasons": list(self.reasons),
            "steps": dict(self.steps),
            "measured": self.measured,
            "per": self.per,
            "lo_shown": None if self.shown is None else self.shown[0],
            "hi_shown": None if self.shown is None else self.shown[1],
            "detail": self.detail,
        }

    @classmethod
    def from_measurement(cls, m: CaseMeasurement, label: str) -> Statement:
        return cls(
            text=m.headline,
            level=m.placement.name,
            estimate=m.estimate,
            interval=m.interval,
            reasons=m.reasons,
            label=label,
            likelihood=m.likelihood,
            range_text=m.numbers.range_text,
            steps=dict(m.placement.steps),
            measured=True,
            per=m.numbers.per,
            shown=(m.numbers.lo, m.numbers.hi),
            detail=m.detail,
        )


def _as_statement(item: Any, i: int) -> Statement:
    if isinstance(item, Statement):
        return item
    if isinstance(item, Mapping):
        unknown = set(item) - {"text", "level", "reasons", "label"}
        if unknown or "text" not in item or "level" not in item:
            raise ValueError(
                f"item {i + 1}: a dict needs 'text' and 'level' (optional 'reasons', 'label'); "
                f"got keys {sorted(map(str, item))}"
            )
        text, level, reasons, label = (
            item["text"],
            item["level"],
            item.get("reasons", ()),
            item.get("label", ""),
        )
    elif isinstance(item, tuple | list) and len(item) in (2, 3):
        text, level = item[0], item[1]
        reasons = item[2] if len(item) == 3 else ()
        label = ""
    else:
        raise TypeError(
            f"item {i + 1} must be (text, level), (text, level, reasons), a dict or a Statement; "
            f"got {item!r}"
        )
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"item {i + 1}: the statement text must be a non-empty string")
    try:
        level = level_name(level)
    except ValueError as exc:
        raise ValueError(f"item {i + 1} ({text!r}): {exc}") from None
    if isinstance(reasons, str):
        reasons = (reasons,)
    reasons = tuple(str(r) for r in reasons)
    return Statement(text=text.strip(), level=level, reasons=reasons, label=str(label))


class UncertaintySpectrum(StaticFallbackMixin, anywidget.AnyWidget):
    """Statements placed on one bar from "Certain" to "Highly speculative".

    Build it from a model with :meth:`from_estimator` (each case measured: a bootstrap
    range, data support, a calibration check) or place statements by hand::

        UncertaintySpectrum(items=[("Churn rose in segment B", "certain"),
                                   ("The price change caused it", "highly speculative")])

    Parameters
    ----------
    items : sequence
        Statements: ``(text, level)``, ``(text, level, reasons)``, dicts with those keys,
        or :class:`Statement` objects (e.g. ``other.items``). Levels are names from
        :attr:`LEVELS` (any case) or their index.
    threshold : float or ThresholdExplorer, optional
        A cut-off (a probability; cases at or above it are flagged). Each measured statement then says whether its
        range crosses it ("the decision could go either way"). A ThresholdExplorer is
        followed live, in the notebook and in an exported deck.
    title : str
        Heading above the bar.
    note : str
        A line under the bar saying how the placement was measured (for managers).
    detail : str
        Technical detail (method, model), shown folded away under "Technical detail".
    """

    LEVELS = LEVELS

    _esm = asset("uncertainty_spectrum.js")
    _css = asset("uncertainty_spectrum.css")

    statements: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    levels = traitlets.List(list(LEVELS)).tag(sync=True)
    threshold = traitlets.Float(None, allow_none=True).tag(sync=True)
    threshold_source = traitlets.Instance(ipywidgets.Widget, allow_none=True).tag(
        sync=True, **ipywidgets.widget_serialization
    )
    title = traitlets.Unicode("").tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)
    #: Show every card's reasons unfolded (default: folded under "Why here?", so the place,
    #: the chance and the decision read first, e.g. on a briefing slide).
    reasons_open = traitlets.Bool(False).tag(sync=True)
    detail = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        *,
        items: Sequence[Any],
        threshold: Any = None,
        title: str = "",
        note: str = "",
        detail: str = "",
    ) -> None:
        if isinstance(items, str | bytes) or not isinstance(items, Sequence):
            raise TypeError(
                "items must be a list of statements, e.g. [('Churn rose in segment B', 'certain')]"
            )
        if len(items) == 0:
            raise ValueError("items is empty: give at least one statement to place")
        stmts = tuple(_as_statement(it, i) for i, it in enumerate(items))
        t = threshold_value(threshold)
        source = threshold if isinstance(threshold, ipywidgets.Widget) else None
        self._items = stmts
        self.measurements: Measurements | None = None
        super().__init__(
            statements=[s.to_json() for s in stmts],
            threshold=t,
            title=str(title),
            note=str(note),
            detail=str(detail),
        )
        if source is not None:
            self.threshold_source = source

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X_train: Any,
        y_train: ArrayLike,
        X_cases: Any,
        *,
        pos_label: Any = None,
        n_resamples: int = 200,
        coverage: float = 0.9,
        random_state: Any = None,
        n_jobs: int | None = None,
        X_calib: Any = None,
        y_calib: ArrayLike | None = None,
        threshold: Any = None,
        labels: Sequence[str] | None = None,
        noun: str = "cases",
        outcome: str | None = None,
        title: str = "",
        progress: bool = True,
        support_columns: Sequence[Any] | None = None,
    ) -> UncertaintySpectrum:
        """Measure each case of ``X_cases`` and place it on the spectrum.

        ``estimator`` is a fitted classifier with ``predict_proba`` and ``X_train, y_train``
        the data it was fitted on: clones are refitted on ``n_resamples`` bootstrap resamples
        of it (in ``n_jobs`` processes, with a progress bar) for the range — how much the
        model's answer moves under retraining, not where the true chance must lie; the same
        data measures how many past cases look like each case (on the columns the model uses,
        or ``support_columns``). The held-out check uses ``X_calib, y_calib`` when given
        (recommended: it checks the model itself and is needed for "Certain"), otherwise the
        out-of-bag cases of the refits (at most "Confident").
        ``outcome`` completes "N in 100 <noun> like this one <outcome>", e.g. "default"
        (by default "are in class '<pos_label>'").
        """
        if not isinstance(noun, str) or not noun.strip():
            raise ValueError("noun must be a non-empty word such as 'applicants'")
        threshold_value(threshold)  # fail before the slow part
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=n_resamples, desc="refitting", unit="refit", leave=False)
        try:
            m = measure(
                estimator,
                X_train,
                y_train,
                X_cases,
                pos_label=pos_label,
                n_resamples=n_resamples,
                coverage=coverage,
                random_state=random_state,
                n_jobs=n_jobs,
                X_calib=X_calib,
                y_calib=y_calib,
                labels=labels,
                noun=noun,
                outcome=outcome,
                progress=None if bar is None else bar.update,
                support_columns=support_columns,
                caller="UncertaintySpectrum",
            )
        finally:
            if bar is not None:
                bar.close()
        one = _singular(noun).capitalize()
        items = [Statement.from_measurement(c, f"{one} {c.label}") for c in m.cases]
        cov = round(m.coverage * 100)
        if X_calib is not None:
            source = f"a separate set of past {noun} the model did not learn from"
        else:
            source = (
                f"past {noun} left out of each retraining (this checks the retrained copies, "
                "not the model itself, so nothing is placed 'Certain')"
            )
        note = (
            f"Each range shows where the model's answer lands in {cov} of 100 retrainings on "
            f"reshuffled past data: how much the model wobbles, not where the true chance must "
            f"lie. Chances were checked against {source}. Chance: how probable the outcome is. "
            "How sure: how well the checks back that chance up."
        )
        detail = (
            f"Technical: {m.estimator_name}; percentile bootstrap, central {cov} % of "
            f"{m.n_resamples} refits on resamples of the training data (model variability "
            "only; not a confidence interval for the true probability). Held-out check: "
            + (
                "calibration set (X_calib, y_calib), scored by the fitted model"
                if X_calib is not None
                else "out-of-bag predictions, each the average of the refits that left the row "
                "out (not the fitted model); pass X_calib, y_calib to check the fitted model"
            )
            + "; 'held up' needs at least 100 cases near the score and a Wilson 95 % interval "
            "on the observed rate within a factor 2 of the said odds."
        )
        sp = cls(items=items, threshold=threshold, title=title, note=note, detail=detail)
        sp.measurements = m
        return sp

    # ------------------------------------------------------------------ state
    @property
    def items(self) -> tuple[Statement, ...]:
        """The statements, in order (measured ones carry estimate, interval, reasons)."""
        return self._items

    @traitlets.observe("threshold_source")
    def _follow_source(self, change: dict[str, Any]) -> None:
        old, new = change["old"], change["new"]
        if old is not None:
            old.unobserve(self._on_source_threshold, names="threshold")
        if new is not None:
            self.threshold = threshold_value(new)
            new.observe(self._on_source_threshold, names="threshold")

    def _on_source_threshold(self, change: dict[str, Any]) -> None:
        self.threshold = float(change["new"])

    def decisions(self) -> list[str | None]:
        """For each statement at the current threshold: "flag", "no flag", "either" or None."""
        if self.threshold is None:
            return [None] * len(self._items)
        return [s.decision(self.threshold) for s in self._items]

    def summary(self) -> str:
        """The bar in words, most certain first: for notes, a deck or an e-mail."""
        lines = []
        if self.title:
            lines.append(self.title)
        for s in sorted(self._items, key=lambda s: s.level_index):
            head = f"{s.label}: {s.text}" if s.label else s.text
            lines.append(f"[How sure: {s.level}] {head}")
            lines.extend(f"    - {r}" for r in s.reasons)
            if self.threshold is not None and s.interval is not None:
                lines.append(f"    - {s.decision_text(self.threshold)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"UncertaintySpectrum({len(self._items)} statements)"

    # ------------------------------------------------------------------ static picture
    def to_figure(self) -> Any:
        """A matplotlib figure: the bar with numbered statements, then each range and reasons."""
        import textwrap

        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle

        items = self._items
        measured = [s for s in items if s.interval is not None]
        n = len(items)
        fig_h = 1.9 + 0.62 * n
        fig = plt.figure(figsize=(10, fig_h))
        top = fig.add_axes((0.02, 1 - 1.35 / fig_h, 0.96, 1.05 / fig_h))
        top.set_xlim(0, len(LEVELS))
        top.set_ylim(0, 1)
        top.axis("off")
        for i, (name, color) in enumerate(zip(LEVELS, LEVEL_COLORS, strict=True)):
            top.add_patch(Rectangle((i + 0.02, 0.0), 0.96, 0.42, color=color, lw=0))
            top.text(
                i + 0.5,
                0.21,
                name,
                ha="center",
                va="center",
                fontsize=9,
                color="white" if i in (0, 4) else "#222",
            )
        by_level: dict[int, list[int]] = {}
        for k, s in enumerate(items):
            by_level.setdefault(s.level_index, []).append(k)
        for lvl, ks in by_level.items():
            for j, k in enumerate(ks):
                x = lvl + (j + 1) / (len(ks) + 1)
                top.plot([x], [0.72], "o", ms=14, mfc="white", mec=LEVEL_COLORS[lvl], mew=2)
                top.text(x, 0.72, str(k + 1), ha="center", va="center", fontsize=8, weight="bold")
        if self.title:
            top.set_title(self.title, loc="left", fontsize=12)

        axis_max = 1.0
        if measured:
            hi = max(s.interval[1] for s in measured if s.interval is not None)
            if self.threshold is not None:
                hi = max(hi, self.threshold)
            axis_max = next(m for m in (0.05, 0.1, 0.2, 0.5, 1.0) if hi <= m)
        row_h = 0.62 / fig_h
        for k, s in enumerate(items):
            y0 = 1 - (1.55 + 0.62 * (k + 1)) / fig_h
            ax_t = fig.add_axes((0.02, y0, 0.62, row_h * 0.95))
            ax_t.axis("off")
            head = f"{k + 1}. {s.label + ': ' if s.label else ''}{s.text}"
            reason = s.reasons[0].split(": ")[0] if s.reasons else ""
            ax_t.text(0, 0.78, textwrap.shorten(head, 90), fontsize=8.5, weight="bold", va="center")
            ax_t.text(
                0,
                0.45,
                f"How sure: {s.level}" + (f" — {textwrap.shorten(reason, 80)}" if reason else ""),
                fontsize=7.5,
                va="center",
                color="#333",
            )
            if s.interval is not None and self.threshold is not None:
                ax_t.text(
                    0,
                    0.14,
                    textwrap.shorten(s.decision_text(self.threshold) or "", 95),
                    fontsize=7.5,
                    va="center",
                    color="#8a1c1c" if s.decision(self.threshold) == "either" else "#555",
                )
            if s.interval is None or s.estimate is None:
                continue
            ax_r = fig.add_axes((0.67, y0 + row_h * 0.25, 0.31, row_h * 0.5))
            ax_r.set_xlim(0, axis_max * 100)
            ax_r.set_ylim(0, 1)
            ax_r.set_yticks([])
            for side in ("left", "right", "top"):
                ax_r.spines[side].set_visible(False)
            ax_r.tick_params(labelsize=7, length=2)
            lo, hi = s.interval
            ax_r.add_patch(
                Rectangle(
                    (lo * 100, 0.3),
                    (hi - lo) * 100,
                    0.4,
                    color=LEVEL_COLORS[s.level_index],
                    alpha=0.8,
                    lw=0,
                )
            )
            ax_r.plot([s.estimate * 100], [0.5], "|", ms=12, color="black", mew=2)
            if self.threshold is not None:
                ax_r.axvline(self.threshold * 100, color="#8a1c1c", ls="--", lw=1)
            if k == n - 1:
                ax_r.set_xlabel("in 100", fontsize=7, labelpad=1)
        return fig
