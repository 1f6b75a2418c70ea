"""The example notebook runs (nbclient, a real Jupyter kernel) and shows the CLI's numbers."""
import json
import math
import os

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import KINETO_BERT, SCENARIO, SOURCE

NOTEBOOK = os.path.join(SOURCE, "examples/notebooks/rafter-tour.ipynb")


def test_notebook_runs_and_matches_cli(cli):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 3  # time and hierarchical rooflines, scaling curves
    tables = [o for o in outputs if "text/html" in o.get("data", {}) and "<table" in o["data"]["text/html"]]
    assert len(tables) >= 4  # kernels, roofline groups, breakdown, scaling points

    printed = json.loads(nb.cells[-1].outputs[0]["text"])
    roof = cli("roofline", KINETO_BERT, "--format", "json", "--quiet")
    assert printed["groups"] == [g["name"] for g in roof["groups"]]
    assert printed["time_s"] == [g["time_s"] for g in roof["groups"]]
    for got, want in zip(printed["efficiency"], [g["efficiency"] for g in roof["groups"]]):
        assert (want is None and math.isnan(got)) or got == want
    brk = cli("breakdown", KINETO_BERT, "--format", "json")
    assert printed["busy_s"] == brk["ranks"][0]["busy_s"] and printed["idle_s"] == brk["ranks"][0]["idle_s"]
    scl = cli("scale", SCENARIO, "--format", "json", "--quiet")
    assert printed["gpus"] == [p["gpus"] for p in scl["points"]]
    assert printed["step_time_s"] == [p["step_time_s"] for p in scl["points"]]
