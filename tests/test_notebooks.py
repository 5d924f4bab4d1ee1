"""Every notebook in notebooks/ runs clean (issue 17, item 4): executed top to bottom by
nbclient in a kernel of the interpreter running the tests (the project's environment, on a
clean CI machine as here), and committed without outputs."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "corridors-tests"


@pytest.fixture(scope="module")
def kernel_path(tmp_path_factory):
    """A kernel spec whose interpreter is this one (``sys.executable``), in a folder of its
    own put first on ``JUPYTER_PATH``: whatever kernels the machine has, the notebooks run in
    the environment under test."""
    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "corridors tests", "language": "python"})
    )
    return str(folder)


def test_there_are_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert len(names) >= 5, names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    nbformat.validate(book)
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_clean(path, kernel_path, monkeypatch, tmp_path):
    monkeypatch.setenv(
        "JUPYTER_PATH", kernel_path + os.pathsep + os.environ.get("JUPYTER_PATH", "")
    )
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # what a notebook writes goes with the test
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book,
        kernel_name=KERNEL,
        timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # a cell's error raises CellExecutionError with the cell and traceback
    errors = [
        out
        for cell in book.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.get("output_type") == "error"
    ]
    assert errors == []
