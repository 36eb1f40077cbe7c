"""Pure computations behind the widgets: numpy only, no widget or Jupyter imports.

Everything a widget shows is computed here first, so it can be tested against
scikit-learn and reused by the static figures and the deck exporter.
"""

from explainwidgets.core.curve import OUTCOMES, ScoreSet, ThresholdCurve, build_curve
from explainwidgets.core.frequencies import per_100, value_per_100
from explainwidgets.core.payoff import break_even_probability, check_payoff

__all__ = [
    "OUTCOMES",
    "ScoreSet",
    "ThresholdCurve",
    "break_even_probability",
    "build_curve",
    "check_payoff",
    "per_100",
    "value_per_100",
]
