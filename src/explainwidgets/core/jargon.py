"""Machine-learning jargon and plain words for it.

Stable API (the deck exporter imports it; keep it backwards compatible):

* :data:`JARGON` - ``{term: plain alternative}``, terms in lower case.
* :func:`find_jargon` - ``find_jargon(text) -> list[tuple[term, plain_alternative]]``:
  the jargon terms used in ``text`` that the *same sentence* does not explain, in order
  of appearance (a term is reported once per sentence).

A term counts as explained in a sentence when that sentence quotes it ("the 'recall'
side", ``"AUC"``), puts it in brackets ("(precision)"), or uses a naming cue next to
it: "called recall", "known as AUC", "we call this precision", "recall means ...",
"recall is the share ...", "precision, that is ..." ("AUC is the best we have" is not an
explanation). Terms that are also ordinary words (:data:`AMBIGUOUS`: "recall the product",
"take the lift", "the threshold of the door", "precision engineering") count only next to a
sign that a metric is meant: a metric word such as "model" or "score", a share such as
"0.8" or "85%", a number right after it ("recall of 85"), or a word of degree ("high
recall", "our recall went up"). The seed's model answer passes:
"it will correctly find about 85 of them (that's the 'recall' side)".

>>> find_jargon("The classifier has high precision.")
[('classifier', 'model'), ('precision', 'share of flags that are right')]
>>> find_jargon("It finds 85 of 100 (that's the 'recall' side).")
[]
"""

from __future__ import annotations

import re

__all__ = ["AMBIGUOUS", "JARGON", "find_jargon", "split_sentences"]

#: term -> plain alternative. Multi-word terms match across any whitespace or a hyphen.
JARGON: dict[str, str] = {
    "precision": "share of flags that are right",
    "recall": "catch rate (share of real cases found)",
    "sensitivity": "catch rate (share of real cases found)",
    "specificity": "share of the others left alone",
    "true positive rate": "catch rate (share of real cases found)",
    "false positive rate": "share of the others wrongly flagged",
    "f1 score": "balance of catch rate and flags that are right",
    "f1-score": "balance of catch rate and flags that are right",
    "f1": "balance of catch rate and flags that are right",
    "auc": "how often a real case scores higher than another case",
    "roc": "catch rate against false alarms",
    "roc curve": "catch rate against false alarms",
    "area under the curve": "how often a real case scores higher than another case",
    "false positive": "false alarm",
    "false positives": "false alarms",
    "false negative": "missed case",
    "false negatives": "missed cases",
    "true positive": "real case caught",
    "true positives": "real cases caught",
    "true negative": "other case rightly left alone",
    "true negatives": "other cases rightly left alone",
    "type i error": "false alarm",
    "type ii error": "missed case",
    "confusion matrix": "table of hits, misses and false alarms",
    "threshold": "cut-off score (the score at which we act)",
    "decision threshold": "cut-off score (the score at which we act)",
    "classifier": "model",
    "calibration": "whether its chances match what really happens",
    "calibrated": "its chances match what really happens",
    "miscalibrated": "its chances do not match what really happens",
    "positive class": "the cases we want to find",
    "negative class": "the other cases",
    "base rate": "how common the cases are",
    "prevalence": "how common the cases are",
    "lift": "how many times more common among flagged cases",
    "log loss": "how far its chances are from what happened",
    "logit": "score",
    "brier score": "how far its chances are from what happened",
    "overfitting": "learning the noise in old data",
    "hyperparameter": "setting",
    "hyperparameters": "settings",
    "cross-validation": "testing on data held back",
    "predict_proba": "the model's chance for each case",
    "posterior": "updated chance",
    "confidence interval": "likely range",
    "roc auc": "how often a real case scores higher than another case",
    "auroc": "how often a real case scores higher than another case",
    "overfit": "learned the noise in old data",
    "overfits": "learns the noise in old data",
    "overfitted": "learned the noise in old data",
    "pr curve": "share of right flags against catch rate",
    "precision-recall curve": "share of right flags against catch rate",
    "brier": "how far its chances are from what happened",
    "random forest": "a model made of many decision trees",
    "logistic regression": "a simple scoring model",
    "gradient boosting": "a model made of many small trees, each fixing the last",
    "gradient boosted": "made of many small trees, each fixing the last",
    "shap": "how much each piece of information moved a score",
    "shap values": "how much each piece of information moved a score",
    "p-value": "how surprising the result would be by pure chance",
    "p-values": "how surprising the results would be by pure chance",
    "feature importance": "how much the model leans on each piece of information",
    "feature importances": "how much the model leans on each piece of information",
    "out-of-bag": "tested on cases left out when it learned",
    "bootstrap": "re-drawing the cases many times to see how much results move",
    "bootstrapped": "re-drawn many times to see how much results move",
    "bootstrapping": "re-drawing the cases many times to see how much results move",
    "held-out": "kept back for testing",
    "holdout": "kept back for testing",
}

#: Terms that are also ordinary words ("recall the product", "take the lift", "the
#: threshold of the door"): reported only next to a sign that a metric is meant.
AMBIGUOUS: frozenset[str] = frozenset(
    {
        "precision",
        "recall",
        "sensitivity",
        "threshold",
        "lift",
        "calibration",
        "calibrated",
        "base rate",
        "prevalence",
        "posterior",
        "bootstrap",
        "bootstrapped",
        "bootstrapping",
        "holdout",
    }
)

# Words that, within a few words of an ambiguous term, show a metric is meant.
_METRIC_WORDS = frozenset(
    [
        "model",
        "models",
        "model's",
        "classifier",
        "classifiers",
        "metric",
        "metrics",
        "score",
        "scores",
        "scoring",
        "scored",
        "auc",
        "roc",
        "f1",
        "accuracy",
        "recall",
        "precision",
        "sensitivity",
        "specificity",
        "prediction",
        "predictions",
        "predicted",
        "predictor",
        "probability",
        "probabilities",
        "chances",
        "curve",
        "positives",
        "negatives",
        "cut-off",
        "cutoff",
        "validation",
        "test",
        "training",
        "dataset",
        "data",
        "label",
        "labels",
        "threshold",
        "lift",
        "calibration",
        "calibrated",
        "flags",
        "flagged",
        "percent",
        "percentage",
        "ml",
        "algorithm",
    ]
)
_DEGREE_WORDS = frozenset(
    [
        "high",
        "low",
        "higher",
        "lower",
        "highest",
        "lowest",
        "better",
        "worse",
        "best",
        "worst",
        "good",
        "poor",
        "improved",
        "improve",
        "improves",
        "increased",
        "decreased",
        "dropped",
        "rose",
        "fell",
        "drop",
        "rise",
        "our",
        "its",
        "their",
        "your",
    ]
)
_WORD = re.compile(r"[\w'%.-]+")
_METRIC_NUMBER = re.compile(r"^(?:0?\.\d+|\d+(?:\.\d+)?%|\d+\.\d+x?|\d+x)$")
_NUMBER_AFTER = re.compile(
    r"^\s*(?:(?:of|at|=|:|is|was|to|by|above|below|around|about|of about)\s*)+[\d.]"
)

_EXPLAIN_BEFORE = (
    r"(?:called|known as|named|call (?:this|it|that)(?: the)?|calls? (?:this|it|that)(?: the)?|"
    r"(?:that's|that is|this is) (?:the|what we call|called)|i\.e\.|aka|dubbed)\s*$"
)
_EXPLAIN_AFTER = (
    r"^\s*(?:\)|,? (?:means|meaning|is how|is what|measures|that is|"
    r"(?:tells|shows) (?:you |us )?(?:how|what|which|whether)|says (?:how|what|which|whether)|"
    r"is (?:the|a|an) (?:share|number|fraction|proportion|count|measure|chance|odds|way|name|"
    r"table|picture|plot|setting|cut-off|score|word|term|point|line|rate of)\b))"
)
_QUOTES = "'\"\u2018\u2019\u201c\u201d"

_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)]))\s+(?=[A-Z0-9\"'\u201c\u2018(])"
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (., ! or ? followed by a capital, digit or quote)."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        block = " ".join(block.split())
        out.extend(s.strip() for s in _SENTENCE_END.split(block) if s.strip())
    return out


def _term_pattern(term: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"[\s-]+", term)]
    body = r"[\s-]+".join(parts)
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


# Longest terms first so "false positive rate" wins over "false positive".
_PATTERNS = [(term, _term_pattern(term)) for term in sorted(JARGON, key=lambda t: (-len(t), t))]


def _metric_context(sentence: str, start: int, end: int) -> bool:
    """Whether an ambiguous term at sentence[start:end] is used as a metric."""
    before = _WORD.findall(sentence[:start].lower())[-3:]
    after = _WORD.findall(sentence[end:].lower())[:3]
    for w in before + after:
        w = w.strip(".'")
        if w.endswith("'s"):
            w = w[:-2]
        if w in _METRIC_WORDS or _METRIC_NUMBER.match(w):
            return True
    if before and before[-1].strip(".") in _DEGREE_WORDS:
        return True
    if after and after[0].strip(".") in _DEGREE_WORDS - {"our", "its", "their", "your"}:
        return True
    if after[:2] in (["went", "up"], ["went", "down"], ["goes", "up"], ["goes", "down"]):
        return True
    return bool(_NUMBER_AFTER.match(sentence[end:].lower()))


def _explained(sentence: str, start: int, end: int) -> bool:
    before = sentence[:start]
    after = sentence[end:]
    if before[-1:] in _QUOTES and after[:1] in _QUOTES:
        return True
    if before.rstrip().endswith("(") or (
        "(" in before and ")" in after and before.rfind("(") > before.rfind(")")
    ):
        return True
    if re.search(_EXPLAIN_BEFORE, before.lower().rstrip(_QUOTES + " ")):
        return True
    return bool(re.match(_EXPLAIN_AFTER, after.lstrip(_QUOTES).lower()))


def find_jargon(text: str) -> list[tuple[str, str]]:
    """Jargon terms in ``text`` that their own sentence does not explain.

    Returns ``(term, plain_alternative)`` pairs in order of appearance; a term is listed
    once per sentence in which it is used unexplained. Matching ignores case; the term is
    reported in its canonical lower-case spelling (a key of :data:`JARGON`).
    """
    if not isinstance(text, str):
        raise TypeError(f"find_jargon needs a string; got {type(text).__name__}")
    found: list[tuple[str, str]] = []
    for sentence in split_sentences(text):
        taken: list[tuple[int, int]] = []
        hits: list[tuple[int, str]] = []
        for term, pattern in _PATTERNS:
            for m in pattern.finditer(sentence):
                if any(m.start() < e and s < m.end() for s, e in taken):
                    continue  # part of a longer term already matched
                taken.append((m.start(), m.end()))
                if term in AMBIGUOUS and not _metric_context(sentence, m.start(), m.end()):
                    continue
                if not _explained(sentence, m.start(), m.end()):
                    hits.append((m.start(), term))
        seen: set[str] = set()
        for _, term in sorted(hits):
            if term not in seen:
                seen.add(term)
                found.append((term, JARGON[term]))
    return found
