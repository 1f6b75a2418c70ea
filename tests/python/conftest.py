"""Shared fixtures: the repository, the CLI built next to the module, and running it."""
import json
import os
import subprocess

import pytest

SOURCE = os.environ.get("RAFTER_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
CLI = os.environ.get("RAFTER_CLI", os.path.join(SOURCE, "build", "rafter"))

KINETO_2RANK = os.path.join(SOURCE, "examples/kineto/a100-nccl-2rank-rank0.json.gz")
KINETO_BERT = os.path.join(SOURCE, "examples/kineto/h100-bert-small-infer.json.gz")
NCU_DEEPCAM = os.path.join(SOURCE, "examples/ncu/deepcam-v100-fw")
SCENARIO = os.path.join(SOURCE, "examples/scenarios/gpt-13b-h100.json")
QWEN_SCENARIO = os.path.join(SOURCE, "examples/scenarios/qwen-0.5b-h100.json")
KINETO_QWEN = os.path.join(SOURCE, "tests/data/real/kineto/h100-qwen1.5-0.5b-infer.json.gz")


def run_cli(*args):
    """The CLI's stdout, parsed as JSON."""
    out = subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


@pytest.fixture(scope="session")
def cli():
    return run_cli
