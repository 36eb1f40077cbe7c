"""Driving JupyterLab 4 from Python Playwright: open a notebook, run it, talk to its kernel.

Relies on ``--LabApp.expose_app_in_browser=True`` (``window.jupyterapp``). The notebook
tab opened last is ``jupyterapp.shell.currentWidget`` (a NotebookPanel).
"""

from __future__ import annotations

import contextlib
import json
import pathlib
import secrets
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import nbformat

if TYPE_CHECKING:
    from .conftest import LabServer


def watch_page(page: Any) -> Any:
    """Record dialogs (and dismiss them), page errors and console errors on ``page``."""
    page.dialogs = []
    page.console_errors = []
    page.page_errors = []

    def on_dialog(dialog: Any) -> None:
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        with contextlib.suppress(Exception):
            dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: page.page_errors.append(f"{exc}\n{exc.stack or ''}"))
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    return page


def assert_no_page_errors(page: Any) -> None:
    """No uncaught error in the page (JupyterLab's own included: a broken server extension or
    nbconvert entry point shows up here as "Unhandled error")."""
    assert not page.page_errors, "uncaught errors in the page:\n" + "\n---\n".join(page.page_errors)


PANEL = "window.jupyterapp && window.jupyterapp.shell.currentWidget"


def write_notebook(
    folder: pathlib.Path, name: str, cells: Sequence[tuple[str, str]]
) -> pathlib.Path:
    """Write ``cells`` (``("code"|"markdown", source)`` pairs) as a python3 notebook."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    make = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    path = folder / name
    nbformat.write(nb, path)
    return path


def open_notebook(
    browser: Any,
    lab: LabServer,
    name: str,
    *,
    viewport: dict[str, int] | None = None,
    timeout: float = 60,
) -> Any:
    """A new page showing notebook ``name`` with an idle kernel.

    Requests that leave the lab server are aborted and listed in ``page.blocked_requests``;
    dialogs are recorded in ``page.dialogs`` (see ``conftest.watch_page``).
    """
    ctx = browser.new_context(viewport=viewport or {"width": 1400, "height": 1000})
    blocked: list[str] = []
    allowed = (lab.base, lab.base.replace("http", "ws", 1), "data:", "blob:")

    def route(r: Any) -> None:
        if r.request.url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = watch_page(ctx.new_page())
    page.blocked_requests = blocked
    page.set_default_timeout(timeout * 1000)
    # A workspace of its own: JupyterLab would otherwise reopen the previous test's tabs
    # (and start their kernels).
    page.goto(lab.url(f"lab/workspaces/ew-{secrets.token_hex(4)}/tree/{name}"))
    page.wait_for_function(
        f"""() => {{
            const w = {PANEL};
            return !!(w && w.sessionContext && w.content && w.context && w.context.isReady
                      && w.context.path.endsWith({json.dumps(name)}));
        }}"""
    )
    wait_kernel_idle(page, timeout=timeout)
    page.set_default_timeout(15_000)  # fail fast on a missing element later on
    return page


def close_page(page: Any) -> None:
    """Shut the notebook's kernel down (2 cores: no idle kernels left behind), close the tab."""
    with contextlib.suppress(Exception):
        page.evaluate(
            f"""async () => {{
                const w = {PANEL};
                if (w && w.sessionContext) await w.sessionContext.shutdown();
            }}""",
        )
    page.context.close()


def _accept_kernel_dialog(page: Any) -> bool:
    """JupyterLab may ask "Select Kernel" while the session starts: accept the default."""
    button = page.locator(".jp-Dialog .jp-mod-accept")
    if button.count():
        try:
            button.first.click(timeout=2000)
            return True
        except Exception:
            return False
    return False


def kernel_status(page: Any) -> str | None:
    return page.evaluate(
        f"""() => {{
            const w = {PANEL};
            const k = w && w.sessionContext && w.sessionContext.session
                      && w.sessionContext.session.kernel;
            return k ? k.status : null;
        }}"""
    )


def wait_kernel_idle(page: Any, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        _accept_kernel_dialog(page)
        status = kernel_status(page)
        if status == "idle":
            return
        if status in {"dead", "autorestarting"}:
            raise RuntimeError(f"the kernel is {status}")
        page.wait_for_timeout(100)
    raise TimeoutError(f"kernel not idle after {timeout} s (status {status!r})")


def cell_states(page: Any) -> list[dict[str, Any]]:
    """Type, execution count and outputs (nbformat JSON) of every cell of the open notebook."""
    return page.evaluate(
        f"""() => {{
            const w = {PANEL};
            return w.content.widgets.map((c) => ({{
                type: c.model.type,
                count: c.model.type === "code" ? c.model.executionCount : null,
                outputs: c.model.type === "code" ? c.model.outputs.toJSON() : [],
            }}));
        }}"""
    )


def run_all(page: Any, *, timeout: float = 90) -> list[dict[str, Any]]:
    """Run every cell (Run > Run All Cells) and wait until all code cells ran and the kernel
    is idle. Raises with the traceback if a cell failed. Returns :func:`cell_states`."""
    # Not awaited: the command resolves only when the run ends (and it can wait on a dialog).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _accept_kernel_dialog(page)
        states = cell_states(page)
        for i, cell in enumerate(states):
            for out in cell["outputs"]:
                if out.get("output_type") == "error":
                    tb = "\n".join(out.get("traceback", []))
                    raise AssertionError(f"cell {i} failed in JupyterLab:\n{tb}")
        code = [c for c in states if c["type"] == "code"]
        if all(c["count"] is not None for c in code) and kernel_status(page) == "idle":
            return states
        page.wait_for_timeout(100)
    raise TimeoutError(f"run-all did not finish within {timeout} s: {cell_states(page)}")


def execute(page: Any, code: str, *, timeout: float = 30) -> str:
    """Run ``code`` in the notebook's kernel (no new cell) and return what it printed.

    Raises AssertionError with the traceback if the code raised.
    """
    result = page.evaluate(
        f"""async ([code, timeoutMs]) => {{
            const kernel = ({PANEL}).sessionContext.session.kernel;
            const future = kernel.requestExecute({{ code, silent: false, store_history: false }});
            let out = "", err = null;
            future.onIOPub = (msg) => {{
                const t = msg.header.msg_type;
                if (t === "stream") out += msg.content.text;
                else if (t === "error") err = msg.content.traceback.join("\\n");
            }};
            const timer = new Promise((_, reject) =>
                setTimeout(() => reject(new Error("kernel did not answer in time")), timeoutMs));
            await Promise.race([future.done, timer]);
            return {{ out, err }};
        }}""",
        [code, timeout * 1000],
    )
    if result["err"]:
        raise AssertionError(f"kernel code failed:\n{code}\n{result['err']}")
    return str(result["out"])


def kernel_json(page: Any, expression: str) -> Any:
    """Evaluate a Python expression in the kernel; its value comes back through JSON."""
    marker = "__EW_JSON__"
    out = execute(page, f"import json as _j; print({marker!r} + _j.dumps({expression}))")
    for line in reversed(out.splitlines()):
        if line.startswith(marker):
            return json.loads(line[len(marker) :])
    raise AssertionError(f"no JSON came back from {expression!r}; printed: {out!r}")


def wait_for_kernel_value(
    page: Any,
    expression: str,
    expected: Any,
    *,
    what: str | None = None,
    timeout: float = 10,
) -> Any:
    """Poll ``expression`` in the kernel until it equals ``expected`` (or, if ``expected`` is
    callable, until ``expected(value)`` is true): widget syncs reach the kernel asynchronously.
    Returns the last value."""
    ok = expected if callable(expected) else (lambda v: v == expected)
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = kernel_json(page, expression)
        if ok(value):
            return value
        page.wait_for_timeout(100)
    raise AssertionError(
        f"the kernel never reached {what or repr(expected)} within {timeout} s; "
        f"{expression} is {value!r}"
    )


# --------------------------------------------------------------------------------------------
# Notebook cells shared by the tests and bench/bench_browser_latency.py
# --------------------------------------------------------------------------------------------

#: Fits a credit-default model on the seeded demo data (a couple of seconds).
CREDIT_MODEL_CODE = """\
import json
import numpy as np
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from explainwidgets import ThresholdExplorer
from explainwidgets.core import per_100, value_per_100
from explainwidgets.datasets import make_credit_applicants

X, y = make_credit_applicants(6000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
model = make_pipeline(
    make_column_transformer(
        (make_pipeline(SimpleImputer(), StandardScaler()), make_column_selector(dtype_include="number")),
        (OneHotEncoder(handle_unknown="ignore"), make_column_selector(dtype_exclude="number")),
    ),
    LogisticRegression(max_iter=1000),
).fit(X_train, y_train)
PAYOFF = {"tp": 0, "fp": -300, "fn": -5000, "tn": 300}
_scores = model.predict_proba(X_test)[:, list(model.classes_).index("Yes")]
_is_pos = (y_test == "Yes").to_numpy()


def python_figures(t):
    # Independent of the widget: scikit-learn's confusion matrix at "score >= t".
    tn, fp, fn, tp = confusion_matrix(_is_pos, _scores >= t, labels=[False, True]).ravel()
    counts = {"tp": float(tp), "fp": float(fp), "fn": float(fn), "tn": float(tn)}
    return {"counts": counts, "per_100": per_100(counts),
            "value_per_100": value_per_100(counts, PAYOFF)}
"""

#: Shows the explorer bound to the fitted model (needs CREDIT_MODEL_CODE first).
EXPLORER_CODE = """\
ex = ThresholdExplorer.from_estimator(
    model, X_test, y_test, pos_label="Yes", noun="applicants", labels="lending",
    payoff=PAYOFF, currency="USD",
)
ex
"""


# --------------------------------------------------------------------------------------------
# Latency: slider input -> DOM updated, measured in the page
# --------------------------------------------------------------------------------------------

_LATENCY_PROBE = """([slider, root]) => {
    window.__ewLatency = [];
    document.addEventListener("input", (e) => {
        if (!(e.target instanceof Element) || !e.target.matches(slider)) return;
        // Bubble phase on document: the widget's own listener on the slider already ran.
        const after = performance.now();
        const el = root ? e.target.closest(root) : e.target.parentElement;
        void el.getBoundingClientRect();  // style + layout of the new DOM
        const laidOut = performance.now();
        window.__ewLatency.push({
            script: after - e.timeStamp,
            layout: laidOut - e.timeStamp,
            value: e.target.value,
            shown: root ? el.getAttribute("data-threshold") : el.textContent,
        });
    });
}"""


def measure_slider_latency(
    page: Any, slider: str, root: str | None, *, moves: int = 200
) -> list[dict[str, Any]]:
    """Drag ``slider`` with the real mouse until ``moves`` input events fired; for each, the
    time from the input event to the DOM updated (``script``) and laid out (``layout``), in ms,
    measured in the page with performance.now(). ``root`` is the widget root whose
    ``data-threshold`` must change with every move (None: the slider's parent's text)."""
    page.evaluate(_LATENCY_PROBE, [slider, root])
    page.locator(slider).scroll_into_view_if_needed()
    box = page.locator(slider).bounding_box()
    assert box is not None, f"{slider} is not visible"
    y = box["y"] + box["height"] / 2
    left, right = box["x"] + 0.04 * box["width"], box["x"] + 0.96 * box["width"]
    x = left
    page.mouse.move(x, y)
    page.mouse.down()
    step, direction = 3.0, 1
    for _ in range(moves * 4):
        if page.evaluate("() => window.__ewLatency.length") >= moves:
            break
        x += step * direction
        if not left <= x <= right:
            direction = -direction
            x += 2 * step * direction
        page.mouse.move(x, y)
    page.mouse.up()
    samples = page.evaluate("() => window.__ewLatency")[:moves]
    assert len(samples) == moves, f"only {len(samples)} input events from the drag"
    return samples
