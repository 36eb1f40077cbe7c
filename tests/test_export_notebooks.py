"""Notebooks built with nbformat for the deck exporter tests (helpers + checks on them)."""

from __future__ import annotations

import base64
import io

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output, new_raw_cell

# A 1×1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PNG_B64 = base64.b64encode(PNG).decode()

COUNTER_SRC = '''
import anywidget, traitlets, numpy as np
class Counter(anywidget.AnyWidget):
    _esm = """
    export default {
      initialize({ model }) { model.set("started", true); },
      render({ model, el }) {
        const v = new Float64Array(model.get("arr").buffer.slice(0));
        const b = document.createElement("button");
        b.className = "counter";
        const f = () => { b.textContent = "count " + model.get("value") + " sum " + v.reduce((a, c) => a + c, 0); };
        f();
        b.addEventListener("click", () => { model.set("value", model.get("value") + 1); model.save_changes(); });
        model.on("change:value", f);
        el.appendChild(b);
        return () => model.off("change:value", f);
      }
    };"""
    _css = ".counter { font-weight: 700; }"
    value = traitlets.Int(3).tag(sync=True)
    started = traitlets.Bool(False).tag(sync=True)
    arr = traitlets.Bytes(np.arange(4, dtype=float).tobytes()).tag(sync=True)
c = Counter()
c
'''


def tagged(cell, *tags, slide_type=None):
    if tags:
        cell.metadata["tags"] = list(tags)
    if slide_type:
        cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def png_output(png_b64: str = PNG_B64, text: str = "<Figure>"):
    return new_output("display_data", data={"image/png": png_b64, "text/plain": text})


def code_with(*outputs, source="x = 1"):
    cell = new_code_cell(source)
    cell.outputs = list(outputs)
    return cell


def story_notebook():
    """Headings, tags, outputs of every kind — no widget state, not executed."""
    df_html = (
        '<style scoped>.dataframe td {color: red}</style><table border="1" class="dataframe">'
        "<thead><tr><th></th><th>Applicants</th></tr></thead>"
        "<tbody><tr><th>employed</th><td>2933</td></tr><tr><th>student</th><td>271</td></tr>"
        "</tbody></table>"
    )
    cells = [
        new_markdown_cell("# Loan rule review\n\nPrepared for branch managers."),
        tagged(new_code_cell("import secret_stuff"), "skip"),
        new_markdown_cell("## Where to draw the line\n\nWe flag the riskiest applicants."),
        tagged(
            new_markdown_cell("Flagging 20 in 100 saves about $20,000 per 100 loans."), "so-what"
        ),
        code_with(png_output(), source="plot()"),
        tagged(new_markdown_cell("Mention the pilot branch."), "notes"),
        new_markdown_cell("## Segments"),
        code_with(
            new_output(
                "execute_result", data={"text/html": df_html, "text/plain": "df"}, execution_count=1
            ),
            new_output("stream", name="stderr", text="DeprecationWarning: old API\n"),
            new_output(
                "error", ename="ZeroDivisionError", evalue="division by zero", traceback=["..."]
            ),
            new_output("stream", name="stdout", text="\x1b[1m4 segments\x1b[0m\n"),
        ),
        tagged(new_markdown_cell("## How the model was tested\n\nHeld-out data."), "appendix"),
        new_markdown_cell("The model is a gradient boosted classifier."),
        new_markdown_cell("## Next steps\n\n- Pilot in March\n- Review in June"),
        tagged(new_markdown_cell("ROC curves are in the appendix."), "appendix"),
        new_raw_cell("\\section{raw latex}"),
    ]
    return new_notebook(cells=cells)


def widget_notebook_cells():
    return [
        new_markdown_cell("# Counter deck"),
        new_markdown_cell("## The counter"),
        tagged(new_markdown_cell("Clicking adds one."), "so-what"),
        new_code_cell(COUNTER_SRC),
        new_markdown_cell("## A slider"),
        new_code_cell(
            "import ipywidgets as w\ns = w.IntSlider(4, min=0, max=10, description='Level')\ns"
        ),
    ]


def minimal(nbformat_minor: int):
    nb = new_notebook(cells=[new_markdown_cell("# T\n\n## S\n\ntext")])
    nb.nbformat_minor = nbformat_minor
    if nbformat_minor < 5:
        for c in nb.cells:
            c.pop("id", None)
    return nb


def to_bytes(nb) -> bytes:
    buf = io.StringIO()
    nbformat.write(nb, buf)
    return buf.getvalue().encode()


def test_story_notebook_is_valid():
    nbformat.validate(story_notebook())


def test_minimal_notebooks_validate_for_every_minor_version():
    for minor in range(6):
        nbformat.validate(minimal(minor))


_EXECUTED: dict[str, object] = {}


def executed_widget_notebook():
    """The counter + IntSlider notebook, executed once per session with widget state saved."""
    if "nb" not in _EXECUTED:
        import nbclient

        nb = new_notebook(cells=widget_notebook_cells())
        nbclient.NotebookClient(nb, store_widget_state=True, timeout=120).execute()
        _EXECUTED["nb"] = nb
    return nbformat.from_dict(nbformat.reads(nbformat.writes(_EXECUTED["nb"]), as_version=4))


VIEW_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"
HOSTILE_CSS = ".x { color: red }</Style><img src=x onerror=alert('css-breakout')><style>"


def saved_widgets_notebook():
    """interact()-style VBox(slider, Output with a saved plot), a Tab, a widget with hostile
    _css — widget state saved as JupyterLab does, no kernel needed."""

    def model(name, module="@jupyter-widgets/controls", **state):
        return {
            "model_name": name,
            "model_module": module,
            "model_module_version": "2.0.0",
            "state": state,
        }

    def shows(mid, plain="W()"):
        return code_with(
            new_output(
                "display_data",
                data={
                    VIEW_MIME: {"version_major": 2, "version_minor": 0, "model_id": mid},
                    "text/plain": plain,
                },
            )
        )

    state = {
        "sl": model("IntSliderModel", value=3, min=0, max=10, description="n"),
        "out": model(
            "OutputModel",
            "@jupyter-widgets/output",
            outputs=[
                {"output_type": "stream", "name": "stdout", "text": "step 1\rstep 2\rdone\n"},
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {"image/png": PNG_B64, "text/plain": "<Figure>"},
                },
            ],
        ),
        "vb": model("VBoxModel", children=["IPY_MODEL_sl", "IPY_MODEL_out"]),
        "tab": model("TabModel", children=["IPY_MODEL_sl"], titles=["Settings"]),
        "css": model(
            "AnyModel",
            "anywidget",
            _css=HOSTILE_CSS,
            _esm="export default { render({ el }) { el.textContent = 'css widget'; } }",
        ),
    }
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Saved widgets"),
            new_markdown_cell("## Interact"),
            shows("vb", "interactive(children=(IntSlider(),))"),
            new_markdown_cell("## Tabs"),
            shows("tab"),
            new_markdown_cell("## Styled"),
            shows("css"),
        ]
    )
    nb.metadata["widgets"] = {STATE_MIME: {"version_major": 2, "version_minor": 0, "state": state}}
    return nb
