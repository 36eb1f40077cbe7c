"""ThresholdExplorer in a real JupyterLab 4, driven the way a person uses it.

Run all cells, drag the slider, press arrow keys, click a preset: after each, the per-100
numbers on screen equal what Python computes at the new threshold (with scikit-learn's
confusion_matrix, independently of the widget's own code), and the kernel's
``ex.threshold`` is the threshold the page shows.
"""

from __future__ import annotations

import math
from typing import Any

from . import _lab

OUTCOMES = ("tp", "fp", "fn", "tn")
ROOT = ".ew-threshold-explorer"
SLIDER = f'{ROOT} input[type=range][data-testid="threshold-slider"]'


def dom_state(page: Any) -> dict[str, Any]:
    """What the explorer shows: threshold, slider index, per-100 numbers, money text."""
    return page.evaluate(
        """(root) => {
            const el = document.querySelector(root);
            const q = (id) => el.querySelector(`[data-testid="${id}"]`);
            const slider = q("threshold-slider");
            const money = q("value-per-100");
            return {
                threshold: el.getAttribute("data-threshold"),
                index: Number(slider.value),
                max: Number(slider.max),
                per_100: Object.fromEntries(
                    ["tp", "fp", "fn", "tn"].map((k) => [k, Number(q("per100-" + k).textContent)])),
                money: money ? money.textContent : null,
                sentence: q("sentence").textContent,
                aria_label: slider.getAttribute("aria-label"),
                aria_valuetext: slider.getAttribute("aria-valuetext"),
            };
        }""",
        ROOT,
    )


def money_text(value: float) -> str:
    """The headline the explorer shows: "Earns $1,230" (3 significant figures, whole units)."""
    x = abs(value)
    if x:
        step = 10 ** (math.floor(math.log10(x)) - 2)
        x = math.floor(x / step + 0.5) * step
    return f"{'Earns' if value >= 0 else 'Costs'} ${x:,.0f}"


def check_against_python(page: Any, shown: dict[str, Any]) -> dict[str, Any]:
    """The kernel got the shown threshold, and Python's numbers there equal the page's."""
    t = float(shown["threshold"])
    got = _lab.wait_for_kernel_value(
        page,
        f"dict(threshold=ex.threshold, summary=ex.summary(), python=python_figures({t!r}))",
        lambda v: v["threshold"] == t,
        what=f"ex.threshold == {t!r} (the threshold the page shows)",
    )
    summary, py = got["summary"], got["python"]
    assert summary["threshold"] == t
    assert summary["counts"] == py["counts"], "the widget's counts differ from confusion_matrix"
    assert shown["per_100"] == py["per_100"], (t, shown, py)
    assert summary["per_100"] == py["per_100"]
    assert sum(shown["per_100"].values()) == 100
    assert shown["money"] == money_text(py["value_per_100"])
    assert math.isclose(summary["value_per_100"], py["value_per_100"], rel_tol=1e-9, abs_tol=1e-9)
    for k in OUTCOMES:
        assert str(shown["per_100"][k]) in shown["sentence"]
    assert shown["aria_label"]
    assert shown["aria_valuetext"]
    return py


def test_explorer_in_jupyterlab(browser, jupyterlab, artifacts_dir):
    _lab.write_notebook(
        jupyterlab.root,
        "explorer.ipynb",
        [
            ("markdown", "# Which applicants should we decline?"),
            ("code", _lab.CREDIT_MODEL_CODE),
            ("code", _lab.EXPLORER_CODE),
        ],
    )
    page = _lab.open_notebook(browser, jupyterlab, "explorer.ipynb")
    try:
        _lab.run_all(page)
        slider = page.locator(SLIDER)
        slider.wait_for(state="visible")
        page.evaluate("() => window.jupyterapp.shell.collapseLeft()")

        # 1. As rendered: the kernel's starting threshold, Python's numbers.
        start = dom_state(page)
        assert start["max"] > 50, "the synced curve should have many grid points"
        check_against_python(page, start)
        page.locator(ROOT).screenshot(path=str(artifacts_dir / "jupyterlab-threshold-explorer.png"))

        # 2. Drag the slider with the mouse to about 30 % of its track.
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        assert box is not None
        y = box["y"] + box["height"] / 2
        handle_x = box["x"] + box["width"] * start["index"] / start["max"]
        target = 0.3
        page.mouse.move(handle_x, y)
        page.mouse.down()
        for frac in (0.5, 0.4, target):
            page.mouse.move(box["x"] + box["width"] * frac, y, steps=4)
        page.mouse.up()
        dragged = dom_state(page)
        assert dragged["threshold"] != start["threshold"]
        assert abs(dragged["index"] - target * dragged["max"]) <= 0.05 * dragged["max"] + 2
        py_dragged = check_against_python(page, dragged)
        assert py_dragged["per_100"] != _lab.kernel_json(
            page, f"python_figures({float(start['threshold'])!r})['per_100']"
        ), "dragging this far must change the numbers"

        # 3. Arrow keys on the focused slider move exactly one grid point each
        # (JupyterLab would swallow them if the widget did not stop propagation).
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        right = dom_state(page)
        assert right["index"] == dragged["index"] + 3
        check_against_python(page, right)
        page.keyboard.press("ArrowLeft")
        left = dom_state(page)
        assert left["index"] == dragged["index"] + 2
        check_against_python(page, left)
        page.keyboard.press("End")
        end = dom_state(page)
        assert end["index"] == end["max"]
        check_against_python(page, end)

        # 4. A preset button: best value is Python's best threshold.
        page.locator(f'{ROOT} [data-testid="preset-best_value"]').click()
        best = dom_state(page)
        assert float(best["threshold"]) == _lab.kernel_json(page, "ex.best_threshold()")
        check_against_python(page, best)

        # 5. The page updates in the same task as the input event: no kernel round trip.
        sync = page.evaluate(
            """([root, index]) => {
                const el = document.querySelector(root);
                const s = el.querySelector('[data-testid="threshold-slider"]');
                s.value = String(index);
                s.dispatchEvent(new Event("input", { bubbles: true }));
                const q = (id) => el.querySelector(`[data-testid="${id}"]`).textContent;
                return {
                    threshold: el.getAttribute("data-threshold"),
                    per_100: Object.fromEntries(
                        ["tp", "fp", "fn", "tn"].map((k) => [k, Number(q("per100-" + k))])),
                };
            }""",
            [ROOT, start["max"] // 2],
        )
        after = dom_state(page)
        assert after["index"] == start["max"] // 2
        assert sync["threshold"] == after["threshold"]
        assert sync["per_100"] == after["per_100"]
        check_against_python(page, after)

        page.screenshot(path=str(artifacts_dir / "jupyterlab-explorer-page.png"))
        assert page.dialogs == []
        _lab.assert_no_page_errors(page)
        assert page.blocked_requests == [], "JupyterLab asked for something off the server"
    finally:
        _lab.close_page(page)
