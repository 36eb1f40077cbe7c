"""explainwidgets: Jupyter widgets that turn a fitted classifier into decisions a manager can make.

>>> from explainwidgets import ThresholdExplorer
>>> ex = ThresholdExplorer.from_estimator(model, X_test, y_test, pos_label="Yes")  # doctest: +SKIP

Names are imported lazily, so ``import explainwidgets`` stays fast and the pure
computations in :mod:`explainwidgets.core` never pull in Jupyter.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "ThresholdExplorer": "explainwidgets.threshold_explorer",
    "UncertaintySpectrum": "explainwidgets.uncertainty_spectrum",
    "AnalogyPicker": "explainwidgets.analogy_picker",
    "export_deck": "explainwidgets.export",
    "narrate": "explainwidgets.narrate",
    "datasets": "explainwidgets.datasets",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'explainwidgets' has no attribute {name!r}")
    mod = importlib.import_module(module)
    value = mod if module.endswith("." + name) else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
