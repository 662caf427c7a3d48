"""The committed widget build matches its sources and stays within its size budgets."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
STATIC = ROOT / "server" / "static"
BUDGETS = {"keepcart": 4096, "checkout": 20480, "offers": 8192, "surveys": 8192, "badges": 5120}


def built_files() -> list[Path]:
    manifest = json.loads((STATIC / "manifest.json").read_text())
    return [STATIC / manifest["loader"], *(STATIC / p for p in manifest["chunks"].values())]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_committed_build_is_fresh():
    if not (ROOT / "widget" / "node_modules").exists():
        pytest.fail("widget/node_modules is missing: run `make test` (it runs npm ci)")
    result = subprocess.run(
        ["node", "build.mjs", "--check"],
        cwd=ROOT / "widget",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, "stale widget build; run `make widget`:\n" + result.stdout


def test_every_built_file_is_within_budget():
    for path in built_files():
        budget = BUDGETS[path.name.split(".")[0]]
        size = len(gzip.compress(path.read_bytes(), 9))
        assert size <= budget, f"{path.name}: {size} bytes gzipped, budget {budget}"
