"""Words for the four outcomes of a yes/no decision, in the language of the decision.

Each label is a (singular, plural) pair, so "1 default we approve" and "3 defaults we approve"
both read right. ``flag`` is the verb for acting on a case (score >= threshold); ``score`` names the score;
``flagged`` / ``not_flagged`` title the two groups.
"""

from __future__ import annotations

from collections.abc import Mapping

from explainwidgets.core.frequencies import OUTCOME_ORDER

LabelSet = dict[str, object]

#: Plain-string keys: the verb for acting, what the score is called, and the two row titles.
TEXT_KEYS = ("flag", "score", "flagged", "not_flagged")

LABEL_PRESETS: dict[str, LabelSet] = {
    "generic": {
        "flag": "flag",
        "score": "score",
        "flagged": "Flagged",
        "not_flagged": "Not flagged",
        "tp": ("correctly flagged", "correctly flagged"),
        "fp": ("flagged needlessly", "flagged needlessly"),
        "fn": ("missed", "missed"),
        "tn": ("correctly left alone", "correctly left alone"),
    },
    "lending": {
        "flag": "decline",
        "score": "risk of default",
        "flagged": "Declined",
        "not_flagged": "Approved",
        "tp": ("default we avoid", "defaults we avoid"),
        "fp": ("good customer turned away", "good customers turned away"),
        "fn": ("default we approve", "defaults we approve"),
        "tn": ("good customer approved", "good customers approved"),
    },
    "churn": {
        "flag": "contact",
        "score": "chance of leaving",
        "flagged": "Contacted",
        "not_flagged": "Not contacted",
        "tp": ("leaver we reach in time", "leavers we reach in time"),
        "fp": ("loyal customer contacted", "loyal customers contacted"),
        "fn": ("leaver we miss", "leavers we miss"),
        "tn": ("loyal customer left in peace", "loyal customers left in peace"),
    },
    "screening": {
        "flag": "refer",
        "score": "chance of disease",
        "flagged": "Referred",
        "not_flagged": "Not referred",
        "tp": ("sick patient referred", "sick patients referred"),
        "fp": ("healthy patient referred", "healthy patients referred"),
        "fn": ("sick patient missed", "sick patients missed"),
        "tn": ("healthy patient reassured", "healthy patients reassured"),
    },
    "fraud": {
        "flag": "block",
        "score": "chance of fraud",
        "flagged": "Blocked",
        "not_flagged": "Let through",
        "tp": ("fraud we stop", "frauds we stop"),
        "fp": ("honest payment blocked", "honest payments blocked"),
        "fn": ("fraud we let through", "frauds we let through"),
        "tn": ("honest payment let through", "honest payments let through"),
    },
}


def resolve_labels(labels: str | Mapping[str, object] | None) -> dict[str, object]:
    """A complete label set from a preset name, a partial dict (merged over 'generic'), or None.

    Outcome labels may be a string (used for any count) or a (singular, plural) pair.
    Returned pairs are lists, ready to sync as JSON.
    """
    if labels is None:
        base: Mapping[str, object] = {}
    elif isinstance(labels, str):
        if labels not in LABEL_PRESETS:
            raise ValueError(
                f"unknown label preset {labels!r}; use one of {sorted(LABEL_PRESETS)} "
                'or a dict like {"tp": "defaults we avoid", "fp": ..., "fn": ..., "tn": ...}'
            )
        base = LABEL_PRESETS[labels]
    elif isinstance(labels, Mapping):
        base = labels
    else:
        raise TypeError(f"labels must be a preset name or a dict; got {type(labels).__name__}")
    allowed = {*TEXT_KEYS, *OUTCOME_ORDER}
    unknown = set(base) - allowed
    if unknown:
        raise ValueError(f"labels has unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    out: dict[str, object] = {}
    generic = LABEL_PRESETS["generic"]
    for key in (*TEXT_KEYS, *OUTCOME_ORDER):
        value = base.get(key, generic[key])
        if key in OUTCOME_ORDER:
            if isinstance(value, str):
                value = (value, value)
            if (
                not isinstance(value, tuple | list)
                or len(value) != 2
                or not all(isinstance(v, str) and v.strip() for v in value)
            ):
                raise ValueError(
                    f"labels[{key!r}] must be a non-empty string or a (singular, plural) pair "
                    f"of strings; got {value!r}"
                )
            out[key] = [str(value[0]), str(value[1])]
        else:
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"labels[{key!r}] must be a non-empty string; got {value!r}")
            out[key] = value
    return out


def label_for(labels: Mapping[str, object], key: str, n: int) -> str:
    pair = labels[key]
    assert isinstance(pair, list | tuple)
    return str(pair[0] if n == 1 else pair[1])


def frequency_sentence(per_100: Mapping[str, int], labels: Mapping[str, object], noun: str) -> str:
    """'Of every 100 applicants: 4 defaults we avoid, 28 good customers turned away, ...'.

    The browser builds the same sentence (js/src/threshold_explorer.js, ``sentence``).
    """
    parts = [f"{per_100[k]} {label_for(labels, k, per_100[k])}" for k in OUTCOME_ORDER]
    return f"Of every 100 {noun}: {parts[0]}, {parts[1]}, {parts[2]} and {parts[3]}."
