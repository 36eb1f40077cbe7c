"""Slider input -> DOM updated, in a real JupyterLab 4 + headless Chromium.

Drags the ThresholdExplorer's slider with the real mouse (200 input events) and measures
in the page, with performance.now(), the time from each input event to the widget's DOM
being updated (script) and laid out (script + style + layout). The reference is a bare
<input type=range> whose handler writes one number, dragged the same way in the same page.

    python bench/bench_browser_latency.py        # writes its section of BENCHMARKS.md

Needs /usr/bin/chromium (apt-get install -y chromium), playwright and jupyterlab.
"""

from __future__ import annotations

import itertools
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _report import machine, write_section  # noqa: I001
from tests.browser import _lab
from tests.browser.conftest import launch_chromium, start_jupyterlab

MOVES = 200
EXPLORER = ".ew-threshold-explorer"
SLIDER = f'{EXPLORER} [data-testid="threshold-slider"]'
REFERENCE = """() => {
    const box = document.createElement("div");
    box.id = "ew-bench-reference";
    box.style = "position:fixed;left:20px;bottom:60px;width:360px;z-index:10000;background:#fff";
    const s = document.createElement("input");
    Object.assign(s, { type: "range", min: "0", max: "1000", step: "1", value: "0" });
    s.style.width = "100%";
    const out = document.createElement("span");
    s.addEventListener("input", () => { out.textContent = s.value; });
    box.append(s, out);
    document.body.append(box);
}"""


def stats(samples: list[dict], key: str) -> tuple[float, float]:
    a = np.array([s[key] for s in samples])
    return float(np.median(a)), float(np.percentile(a, 95))


def main() -> None:
    from playwright.sync_api import sync_playwright

    with start_jupyterlab() as lab, sync_playwright() as pw:
        browser = launch_chromium(pw)
        _lab.write_notebook(
            lab.root,
            "latency.ipynb",
            [("code", _lab.CREDIT_MODEL_CODE), ("code", _lab.EXPLORER_CODE)],
        )
        page = _lab.open_notebook(browser, lab, "latency.ipynb")
        _lab.run_all(page)
        page.locator(SLIDER).wait_for(state="visible")
        n_points = int(page.locator(SLIDER).get_attribute("max")) + 1
        t0 = time.perf_counter()
        explorer = _lab.measure_slider_latency(page, SLIDER, EXPLORER, moves=MOVES)
        wall = time.perf_counter() - t0
        changed = sum(a["shown"] != b["shown"] for a, b in itertools.pairwise(explorer))
        assert all(s["shown"] is not None for s in explorer)
        page.evaluate(REFERENCE)
        reference = _lab.measure_slider_latency(
            page, "#ew-bench-reference input", None, moves=MOVES
        )
        chromium = browser.version
        browser.close()

    e_script, e_layout = stats(explorer, "script"), stats(explorer, "layout")
    r_script, r_layout = stats(reference, "script"), stats(reference, "layout")
    ratio = e_layout[0] / r_layout[0] if r_layout[0] > 0 else float("nan")
    md = f"""\
## Browser latency: slider input → DOM updated (ThresholdExplorer in JupyterLab)

{MOVES} real mouse-drag moves of the slider in JupyterLab 4 + headless Chromium {chromium}
({n_points} grid points; {changed + 1} distinct thresholds shown). Measured in the page
with `performance.now()` from each `input` event to the end of the widget's update (script)
and after a forced style + layout. The update is computed in the browser from the synced curve:
no kernel message is needed (the new threshold is sent to the kernel afterwards).

| | median | 95th percentile |
|---|---|---|
| ThresholdExplorer, DOM updated | {e_script[0]:.2f} ms | {e_script[1]:.2f} ms |
| ThresholdExplorer, DOM updated + laid out | **{e_layout[0]:.2f} ms** | **{e_layout[1]:.2f} ms** |
| reference: bare range input writing one number | {r_script[0]:.2f} ms | {r_script[1]:.2f} ms |
| reference, + laid out | {r_layout[0]:.2f} ms | {r_layout[1]:.2f} ms |

Target: median ≤ 4 ms (laid out). Explorer / reference (median, laid out): {ratio:.1f}×.
Chromium rounds `performance.now()` to 0.1 ms without cross-origin isolation.
Wall time for the {MOVES} moves driven from Playwright: {wall:.1f} s. {machine()}.
"""
    print(md)
    write_section("browser_latency", md)


if __name__ == "__main__":
    main()
