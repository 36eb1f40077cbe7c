"""Every demo notebook runs top to bottom, and its widgets store their state (for decks)."""

from __future__ import annotations

import pathlib

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
        store_widget_state=True,
    )
    client.execute(cwd=str(path.parent))
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    if path.name == "credit_risk.ipynb":
        state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
        explorers = [m for m in state.values() if m["state"].get("_esm") and "curve" in m["state"]]
        assert explorers, "the explorer's state (with its ES module) must be stored"
        text = "".join(
            o.get("text", "")
            for c in nb.cells
            if c.cell_type == "code"
            for o in c.get("outputs", [])
        )
        assert "Applicant #1042 has a risk of 15 in 100, so we" in text
