"""UncertaintySpectrum in a real JupyterLab 4: renders, follows a linked ThresholdExplorer,
keyboard works (JupyterLab does not swallow the arrow keys)."""

from __future__ import annotations

from typing import Any

from . import _lab

ROOT = ".ew-uncertainty-spectrum"
SLIDER = '.ew-threshold-explorer input[type=range][data-testid="threshold-slider"]'

SPECTRUM_CODE = """\
from explainwidgets import UncertaintySpectrum
sp = UncertaintySpectrum.from_estimator(
    model, X_train, y_train, X_test.iloc[:3], pos_label="Yes", n_resamples=20, random_state=0,
    noun="applicants", outcome="default", threshold=ex, progress=False,
)
sp
"""


def decisions_shown(page: Any) -> list[str]:
    return page.evaluate(
        """(root) => [...document.querySelectorAll(root + ' [data-testid="decision"]')]
                     .map((d) => d.textContent)""",
        ROOT,
    )


def test_spectrum_in_jupyterlab(browser, jupyterlab, artifacts_dir):
    _lab.write_notebook(
        jupyterlab.root,
        "spectrum.ipynb",
        [
            ("code", _lab.CREDIT_MODEL_CODE),
            ("code", _lab.EXPLORER_CODE),
            ("code", SPECTRUM_CODE),
        ],
    )
    page = _lab.open_notebook(browser, jupyterlab, "spectrum.ipynb")
    try:
        _lab.run_all(page)
        page.locator(f'{ROOT} [data-testid="marker-0"]').wait_for(state="visible")
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        # 1. What the page says equals Python's decision texts at the explorer's threshold.
        py = _lab.kernel_json(page, "[s.decision_text(ex.threshold) for s in sp.items]")
        assert decisions_shown(page) == py
        page.locator(ROOT).screenshot(path=str(artifacts_dir / "jupyterlab-uncertainty.png"))

        # 2. Move the explorer's slider to its top: every range is now below the cut-off.
        slider = page.locator(SLIDER)
        slider.focus()
        page.keyboard.press("End")
        page.wait_for_function(
            """(root) => [...document.querySelectorAll(root + ' [data-testid="decision"]')]
                   .every((d) => d.textContent.includes("below the cut-off"))""",
            arg=ROOT,
        )
        t = _lab.wait_for_kernel_value(
            page,
            "dict(sp=sp.threshold, ex=ex.threshold)",
            lambda v: v["sp"] == v["ex"],
            what="sp.threshold follows ex.threshold",
        )
        assert decisions_shown(page) == _lab.kernel_json(
            page, f"[s.decision_text({t['ex']!r}) for s in sp.items]"
        )

        # 3. Arrow keys move between statements on the bar.
        page.locator(f'{ROOT} [data-testid="marker-0"]').focus()
        page.keyboard.press("ArrowRight")
        assert (
            page.locator(f'{ROOT} [data-testid="marker-1"]').get_attribute("aria-checked") == "true"
        )
        assert page.evaluate("() => document.activeElement.dataset.testid") == "marker-1"
        page.locator(ROOT).screenshot(path=str(artifacts_dir / "jupyterlab-uncertainty-moved.png"))
        _lab.assert_no_page_errors(page)
    finally:
        _lab.close_page(page)
