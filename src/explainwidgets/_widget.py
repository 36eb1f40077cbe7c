"""What every explainwidgets widget shares: built assets, a static picture, strict arguments."""

from __future__ import annotations

import base64
import io
import pathlib
from typing import Any

STATIC = pathlib.Path(__file__).parent / "static"


def asset(name: str) -> pathlib.Path:
    """Path of a built front-end file; a clear error if the JS build never ran."""
    path = STATIC / name
    if not path.exists():
        raise FileNotFoundError(
            f"the front-end file {path} is missing: the JavaScript was not built. "
            "Install the package with pip (it runs the build), or run `npm install && "
            "npm run build` in js/"
        )
    return path


def figure_png(fig: Any, dpi: int = 110) -> bytes:
    """A matplotlib figure as PNG bytes; the figure is closed afterwards."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


class StaticFallbackMixin:
    """Adds a static PNG (drawn by ``to_figure()``) to the widget's display data.

    JupyterLab shows the live widget; GitHub, nbviewer and exports without widget
    state fall back to the picture, so a saved notebook never shows an empty box.
    """

    #: Set to False on an instance to skip drawing the picture (e.g. in a loop).
    static_fallback: bool = True

    def to_figure(self) -> Any:  # pragma: no cover - every widget overrides it
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        if not self.static_fallback or bundle is None:
            return bundle
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        try:
            png = figure_png(self.to_figure())
        except Exception as exc:
            data = {**data, "text/plain": f"{data.get('text/plain', '')} (no picture: {exc})"}
            return data, metadata
        data = {**data, "image/png": base64.b64encode(png).decode("ascii")}
        return data, metadata
