"""``explainwidgets deck NOTEBOOK -o OUT [--execute] [--strict]`` and ``python -m explainwidgets``."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook
from test_export_notebooks import story_notebook

from explainwidgets.__main__ import main


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.ipynb"
    nbformat.write(story_notebook(), path)
    return path


def test_deck_html_and_pptx(story, tmp_path, capsys):
    assert main(["deck", str(story), "-o", str(tmp_path / "d.html")]) == 0
    out = capsys.readouterr()
    assert "wrote" in out.out
    assert "7 slides" in out.out
    assert "cell 8: error: ZeroDivisionError" in out.err
    assert main(["deck", str(story), "-o", str(tmp_path / "d.pptx"), "-q"]) == 0
    assert (tmp_path / "d.pptx").read_bytes()[:2] == b"PK"
    assert capsys.readouterr().out == ""


def test_strict_jargon_fails_with_exit_1(tmp_path, capsys):
    path = tmp_path / "j.ipynb"
    nbformat.write(new_notebook(cells=[new_markdown_cell("# T\n\nOur classifier is great.")]), path)
    assert main(["deck", str(path), "-o", str(tmp_path / "j.html"), "--strict"]) == 1
    err = capsys.readouterr().err
    assert "error:" in err
    assert '"classifier" → try "model"' in err
    assert not (tmp_path / "j.html").exists()
    assert main(["deck", str(path), "-o", str(tmp_path / "j.html")]) == 0
    assert "classifier" in capsys.readouterr().err


def test_bad_inputs_exit_1_with_a_message(tmp_path, story, capsys):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("nope")
    assert main(["deck", str(bad), "-o", str(tmp_path / "x.html")]) == 1
    assert "not a valid Jupyter notebook" in capsys.readouterr().err
    assert main(["deck", str(story), "-o", str(tmp_path / "x.docx")]) == 1
    assert ".html or .pptx" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    assert main([]) == 2
    with pytest.raises(SystemExit) as info:
        main(["deck", "x.ipynb"])  # -o is required
    assert info.value.code == 2
    assert "-o/--output" in capsys.readouterr().err


def test_python_m_explainwidgets(story, tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "explainwidgets",
            "deck",
            str(story),
            "-o",
            str(tmp_path / "m.html"),
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "m.html").read_text().startswith("<!DOCTYPE html>")


def test_output_folder_and_unwritable_place_are_one_line_errors(
    story, tmp_path, capsys, monkeypatch
):
    (tmp_path / "out.html").mkdir()
    assert main(["deck", str(story), "-o", str(tmp_path / "out.html"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "is a folder" in err
    assert "Traceback" not in err

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)  # a read-only folder (tests may run as root)
    assert main(["deck", str(story), "-o", str(tmp_path / "d.html"), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("explainwidgets deck: error: cannot write in")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_execute_with_an_unknown_kernel_exits_1_without_traceback(tmp_path):
    nb = new_notebook(cells=[new_markdown_cell("# K")])
    nb.metadata["kernelspec"] = {"name": "nosuchkernel", "display_name": "x", "language": "x"}
    path = tmp_path / "k.ipynb"
    nbformat.write(nb, path)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "explainwidgets",
            "deck",
            str(path),
            "-o",
            str(tmp_path / "k.html"),
            "--execute",
            "-q",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "kernel 'nosuchkernel'" in run.stderr
