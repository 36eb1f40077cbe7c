"""AnalogyPicker: a tested analogy for a concept, filled with the model's real numbers.

>>> ap = AnalogyPicker.from_explorer(ex)             # doctest: +SKIP  (text follows its slider)
>>> ap = AnalogyPicker(numbers={"tp": 40, "fp": 12, "fn": 8, "tn": 140}, noun="patients")
>>> ap.concept = "errors"; ap.analogy = "medical_test"
>>> ap.text.split(".")[1].strip()
'Out of every 100 patients, it flags 26'

The library is data: the built-in ``explainwidgets/analogies/*.toml`` plus your own files
(``folder=`` or the per-user folder, see :func:`explainwidgets.core.analogies.user_folder`),
validated on load. Bound to a :class:`~explainwidgets.ThresholdExplorer`, the browser fills
the same templates from the explorer's synced curve, so an exported deck stays live.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import anywidget
import traitlets
from ipywidgets import Widget, widget_serialization
from numpy.typing import ArrayLike

from explainwidgets._sklearn import binary_from_estimator, binary_from_predictions
from explainwidgets._widget import StaticFallbackMixin, asset
from explainwidgets.core.analogies import (
    CONCEPTS,
    SLOTS,
    Analogy,
    compute_slots,
    load_library,
    load_notes,
    save_note,
    slots_from_curve,
    user_folder,
)
from explainwidgets.core.curve import ScoreSet
from explainwidgets.core.narration import numbers_from_scores

__all__ = ["AnalogyPicker"]

_NUMBER_KEYS = ("tp", "fp", "fn", "tn")
_OPTIONAL_KEYS = ("threshold", "is_probability", "auc")


def _check_numbers(numbers: Any) -> dict[str, Any]:
    if not isinstance(numbers, Mapping):
        raise TypeError(
            'numbers must be a dict of counts, e.g. {"tp": 40, "fp": 12, "fn": 8, "tn": 140} '
            f"(flagged and real, flagged but not, missed, rightly left alone); got "
            f"{type(numbers).__name__}"
        )
    unknown = sorted(set(numbers) - set(_NUMBER_KEYS) - set(_OPTIONAL_KEYS))
    if unknown:
        raise ValueError(
            f"numbers has unknown key(s) {unknown}; use tp, fp, fn, tn and optionally "
            "threshold, is_probability, auc"
        )
    missing = [k for k in _NUMBER_KEYS if k not in numbers]
    if missing:
        raise ValueError(f"numbers is missing {missing}; give all of tp, fp, fn, tn")
    out: dict[str, Any] = {}
    for k in (*_NUMBER_KEYS, "threshold", "auc"):
        v = numbers.get(k)
        if v is None and k not in _NUMBER_KEYS:
            continue
        if v is None or isinstance(v, bool) or not hasattr(v, "__float__"):
            raise TypeError(f"numbers[{k!r}] must be a number; got {v!r}")
        fv = float(v)
        if not math.isfinite(fv) or (k in _NUMBER_KEYS and fv < 0):
            raise ValueError(f"numbers[{k!r}] must be a finite number >= 0; got {v!r}")
        if k == "auc" and not 0 <= fv <= 1:
            raise ValueError(f"numbers['auc'] must be between 0 and 1; got {v!r}")
        out[k] = fv
    if not sum(out[k] for k in _NUMBER_KEYS) > 0:
        raise ValueError("numbers are all zero; there are no cases to describe")
    t = out.get("threshold")
    out["is_probability"] = bool(numbers.get("is_probability", t is not None and 0 <= t <= 1))
    return out


def _check_word(value: Any, name: str, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty word or phrase such as {example!r}")
    if len(value) > 80:
        raise ValueError(f"{name} is {len(value)} characters; keep it under 80")
    return " ".join(value.split())


class AnalogyPicker(StaticFallbackMixin, anywidget.AnyWidget):
    """Pick a concept, get a fitting analogy with the model's numbers in it.

    Parameters
    ----------
    numbers : dict, optional
        Counts ``{"tp", "fp", "fn", "tn"}`` (exact or per 100), optionally ``threshold``,
        ``is_probability`` and ``auc``. Use :meth:`from_explorer`, :meth:`from_predictions`
        or :meth:`from_estimator` to get them from a model.
    noun : str
        What a case is, plural ("patients"). Bound to an explorer, None means its noun.
    positive : str
        What a case to catch is, plural ("patients who are ill"). Default "real cases".
    concept, analogy : str
        The concept to explain (a key of ``CONCEPTS``) and the analogy id to show.
    folder : path, optional
        A folder of your own ``*.toml`` analogies. Default: the per-user folder if it exists.
    personal : bool
        Load the per-user folder when ``folder`` is None (default True).
    remember : bool
        Also save "worked with" marks to ``explainwidgets-notes.json`` in your folder
        (written atomically; analogy files are never touched).
    explorer : ThresholdExplorer, optional
        Bind to an explorer (see :meth:`from_explorer`).
    """

    _esm = asset("analogy_picker.js")
    _css = asset("analogy_picker.css")

    library = traitlets.List(traitlets.Dict()).tag(sync=True)
    concepts = traitlets.List(traitlets.Dict()).tag(sync=True)
    concept = traitlets.Unicode("errors").tag(sync=True)
    analogy = traitlets.Unicode("").tag(sync=True)
    slots = traitlets.Dict().tag(sync=True)
    explorer = traitlets.Instance(Widget, allow_none=True).tag(sync=True, **widget_serialization)
    noun = traitlets.Unicode("").tag(sync=True)
    positive = traitlets.Unicode("real cases").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    worked_with = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        *,
        numbers: Mapping[str, Any] | None = None,
        noun: str | None = "cases",
        positive: str = "real cases",
        concept: str = "errors",
        analogy: str | None = None,
        folder: str | os.PathLike[str] | None = None,
        personal: bool = True,
        remember: bool = False,
        explorer: Any = None,
    ) -> None:
        if numbers is None and explorer is None:
            raise TypeError(
                "AnalogyPicker needs numbers: pass numbers={'tp': ..., 'fp': ..., 'fn': ..., "
                "'tn': ...}, or use AnalogyPicker.from_explorer(ex) / .from_predictions(...)"
            )
        if numbers is not None and explorer is not None:
            raise TypeError("pass either numbers= or explorer=, not both")
        if explorer is not None:
            _check_explorer(explorer)
        self._numbers = _check_numbers(numbers) if numbers is not None else None
        self._slots_override: dict[str, str | None] | None = None
        noun_v = (
            ""
            if noun is None and explorer is not None
            else _check_word(noun if noun is not None else "cases", "noun", "patients")
        )
        positive_v = _check_word(positive, "positive", "real cases")
        if folder is None and personal:
            uf = user_folder()
            folder_p: Path | None = uf if uf.is_dir() else None
        else:
            folder_p = Path(folder).expanduser() if folder is not None else None
        self._folder = folder_p
        self._remember = bool(remember)
        items = load_library(folder_p)
        self._by_id: dict[str, Analogy] = {a.id: a for a in items}
        marks: dict[str, list[str]] = {}
        if remember:
            target = folder_p or user_folder()
            marks = load_notes(target) if target.is_dir() else {}
            self._folder = target
        if concept not in CONCEPTS:
            raise ValueError(f"unknown concept {concept!r}; use one of {', '.join(CONCEPTS)}")
        if analogy is not None and analogy not in self._by_id:
            raise ValueError(
                f"unknown analogy {analogy!r}; the library has {', '.join(sorted(self._by_id))}"
            )
        if analogy is not None and concept not in self._by_id[analogy].concepts:
            concept = self._by_id[analogy].concepts[0]
        super().__init__(
            library=[a.to_dict() for a in items],
            concepts=[{"id": k, "label": v} for k, v in CONCEPTS.items()],
            concept=concept,
            analogy=analogy or self._first_for(concept),
            noun=noun_v,
            positive=positive_v,
            worked_with=marks,
        )
        self._bound: Any = None
        if explorer is not None:
            self.explorer = explorer
        self._refresh()

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_explorer(
        cls,
        explorer: Any,
        *,
        noun: str | None = None,
        positive: str = "real cases",
        concept: str = "errors",
        analogy: str | None = None,
        folder: str | os.PathLike[str] | None = None,
        personal: bool = True,
        remember: bool = False,
    ) -> AnalogyPicker:
        """Bind to a ThresholdExplorer: the text follows its slider, also with no kernel."""
        return cls(
            explorer=explorer,
            noun=noun,
            positive=positive,
            concept=concept,
            analogy=analogy,
            folder=folder,
            personal=personal,
            remember=remember,
        )

    @classmethod
    def from_predictions(
        cls,
        y_true: ArrayLike,
        y_score: ArrayLike,
        *,
        threshold: float,
        pos_label: Any = None,
        sample_weight: ArrayLike | None = None,
        noun: str = "cases",
        positive: str = "real cases",
        concept: str = "errors",
        analogy: str | None = None,
        folder: str | os.PathLike[str] | None = None,
        personal: bool = True,
        remember: bool = False,
    ) -> AnalogyPicker:
        """From labels and scores; a case is flagged when its score >= ``threshold``."""
        b = binary_from_predictions(
            y_true, y_score, pos_label=pos_label, sample_weight=sample_weight
        )
        return cls._from_binary(
            b,
            threshold,
            noun=noun,
            positive=positive,
            concept=concept,
            analogy=analogy,
            folder=folder,
            personal=personal,
            remember=remember,
        )

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: ArrayLike,
        *,
        threshold: float,
        response_method: str = "auto",
        pos_label: Any = None,
        sample_weight: ArrayLike | None = None,
        noun: str = "cases",
        positive: str = "real cases",
        concept: str = "errors",
        analogy: str | None = None,
        folder: str | os.PathLike[str] | None = None,
        personal: bool = True,
        remember: bool = False,
    ) -> AnalogyPicker:
        """From a fitted classifier and labelled cases (e.g. a test set)."""
        b = binary_from_estimator(
            estimator,
            X,
            y,
            response_method=response_method,
            pos_label=pos_label,
            sample_weight=sample_weight,
            caller="AnalogyPicker.from_estimator",
        )
        return cls._from_binary(
            b,
            threshold,
            noun=noun,
            positive=positive,
            concept=concept,
            analogy=analogy,
            folder=folder,
            personal=personal,
            remember=remember,
        )

    @classmethod
    def _from_binary(cls, b: Any, threshold: float, **kwargs: Any) -> AnalogyPicker:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise TypeError(f"threshold must be a number (the cut-off score); got {threshold!r}")
        scores = ScoreSet.from_arrays(b.is_pos, b.scores, b.sample_weight)
        nums = numbers_from_scores(scores, float(threshold), is_probability=b.is_probability)
        ap = cls(
            numbers={
                **nums.counts,
                "threshold": float(threshold),
                "is_probability": b.is_probability,
                "auc": nums.auc,
            },
            **kwargs,
        )
        ap._slots_override = compute_slots(
            nums.counts,
            noun=ap.noun,
            positive=ap.positive,
            threshold=float(threshold),
            is_probability=b.is_probability,
            band=nums.band,
            auc=nums.auc,
            cases=nums.cases,
        )
        ap._refresh()
        return ap

    # ------------------------------------------------------------------ behaviour
    def _first_for(self, concept: str) -> str:
        for a in self._by_id.values():
            if concept in a.concepts:
                return a.id
        return ""

    @traitlets.validate("concept")
    def _valid_concept(self, proposal: Any) -> str:
        c = proposal["value"]
        if c not in CONCEPTS:
            raise traitlets.TraitError(f"unknown concept {c!r}; use one of {', '.join(CONCEPTS)}")
        return str(c)

    @traitlets.validate("analogy")
    def _valid_analogy(self, proposal: Any) -> str:
        a = proposal["value"]
        if a and a not in self._by_id:
            raise traitlets.TraitError(
                f"unknown analogy {a!r}; the library has {', '.join(sorted(self._by_id))}"
            )
        return str(a)

    @traitlets.observe("concept")
    def _concept_changed(self, change: Any) -> None:
        current = self._by_id.get(self.analogy)
        if current is None or change["new"] not in current.concepts:
            self.analogy = self._first_for(change["new"])
        self._refresh()

    @traitlets.observe("analogy")
    def _analogy_changed(self, change: Any) -> None:
        a = self._by_id.get(change["new"])
        if a is not None and self.concept not in a.concepts:
            self.concept = a.concepts[0]
        self._refresh()

    @traitlets.observe("noun", "positive")
    def _words_changed(self, change: Any) -> None:
        if self._slots_override is not None:
            fallback = "real cases" if change["name"] == "positive" else "cases"
            self._slots_override = {
                **self._slots_override,
                change["name"]: change["new"] or fallback,
            }
        self._refresh()

    @traitlets.observe("explorer")
    def _explorer_changed(self, change: Any) -> None:
        old, new = change["old"], change["new"]
        if old is not None:
            old.unobserve(self._refresh_event, names=_explorer_names(old))
        if new is not None:
            _check_explorer(new)
            new.observe(self._refresh_event, names=_explorer_names(new))
            self._numbers = None
            self._slots_override = None
        self._refresh()

    @traitlets.observe("worked_with")
    def _marks_changed(self, change: Any) -> None:
        if self._remember and self._folder is not None and change["new"]:
            save_note(self._folder, change["new"])

    def _refresh_event(self, change: Any = None) -> None:
        self._refresh()

    def current_slots(self) -> dict[str, str | None]:
        """Every slot's value at the current numbers (what the templates are filled with)."""
        ex = self.explorer
        if ex is not None:
            return slots_from_curve(
                ex.curve,
                ex.threshold,
                noun=self.noun or str(getattr(ex, "noun", "") or "cases"),
                positive=self.positive or "real cases",  # as analogy_picker.js
                is_probability=bool(getattr(ex, "is_probability", False)),
            )
        if self._slots_override is not None:
            return dict(self._slots_override)
        n = self._numbers
        if n is None:
            return dict.fromkeys(SLOTS)
        return compute_slots(
            {k: n[k] for k in _NUMBER_KEYS},
            noun=self.noun or "cases",
            positive=self.positive or "real cases",
            threshold=n.get("threshold"),
            is_probability=n["is_probability"],
            auc=n.get("auc"),
        )

    def _refresh(self) -> None:
        if not hasattr(self, "_bound"):
            return  # still in __init__
        slots = self.current_slots()
        a = self._by_id.get(self.analogy)
        filled = a.fill(slots) if a is not None else None
        with self.hold_sync():
            self.slots = slots
            self.text = filled or ""

    # ------------------------------------------------------------------ public API
    def analogies_for(self, concept: str | None = None) -> list[dict[str, Any]]:
        """The library's analogies that explain ``concept`` (default: the current one)."""
        c = self.concept if concept is None else concept
        if c not in CONCEPTS:
            raise ValueError(f"unknown concept {c!r}; use one of {', '.join(CONCEPTS)}")
        return [a.to_dict() for a in self._by_id.values() if c in a.concepts]

    def filled(self, analogy: str | None = None) -> str | None:
        """The filled text of an analogy (default: the current one); None if it does not fit."""
        aid = self.analogy if analogy is None else analogy
        if aid not in self._by_id:
            raise ValueError(f"unknown analogy {aid!r}")
        return self._by_id[aid].fill(self.current_slots())

    def why_not(self, analogy: str | None = None) -> str | None:
        """Why an analogy (default: the current one) does not fit these numbers; None if it
        fits."""
        aid = self.analogy if analogy is None else analogy
        if aid not in self._by_id:
            raise ValueError(f"unknown analogy {aid!r}")
        return self._by_id[aid].why_not(self.current_slots())

    def mark_worked(self, audience: str, analogy: str | None = None) -> None:
        """Record that an analogy (default: the current one) worked with ``audience``."""
        who = _check_word(audience, "audience", "the CFO")
        aid = self.analogy if analogy is None else analogy
        if aid not in self._by_id:
            raise ValueError(f"unknown analogy {aid!r}")
        marks = {k: list(v) for k, v in self.worked_with.items()}
        if who not in marks.setdefault(aid, []):
            marks[aid].append(who)
        self.worked_with = marks

    def to_figure(self) -> Any:
        """The chosen analogy as a static picture (title, filled text, where it misleads)."""
        import matplotlib.pyplot as plt

        a = self._by_id.get(self.analogy)
        fig = plt.figure(figsize=(8, 3.6))
        if a is None:
            fig.text(0.02, 0.9, "No analogy chosen", parse_math=False)
            return fig
        reason = a.why_not(self.current_slots()) or "a number it needs is missing"
        body = self.text or f"Not available here: {reason.rstrip('.')}."
        y = 0.94
        fig.text(0.02, y, a.title, fontsize=14, weight="bold", va="top", parse_math=False)
        y -= 0.12
        for line in textwrap.wrap(body, 95):
            fig.text(0.02, y, line, fontsize=10.5, va="top", parse_math=False)
            y -= 0.075
        y -= 0.04
        for line in textwrap.wrap("Where it misleads: " + a.misleads, 105):
            fig.text(0.02, y, line, fontsize=9, color="#5b6573", va="top", parse_math=False)
            y -= 0.065
        return fig

    def __repr__(self) -> str:
        return (
            f"AnalogyPicker(concept={self.concept!r}, analogy={self.analogy!r}, text={self.text!r})"
        )


def _explorer_names(ex: Any) -> list[str]:
    return [n for n in ("threshold", "curve", "noun", "is_probability") if ex.has_trait(n)]


def _check_explorer(ex: Any) -> None:
    if not isinstance(ex, Widget) or not (ex.has_trait("curve") and ex.has_trait("threshold")):
        raise TypeError(
            "explorer must be a ThresholdExplorer (a widget with synced `curve` and "
            f"`threshold`); got {type(ex).__name__}"
        )
