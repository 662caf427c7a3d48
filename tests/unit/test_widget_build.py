"""The committed widget build matches its sources and stays within its size budgets."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
STATIC = ROOT / "server" / "static"
# Gzip budgets (issue 11), by the name a built file starts with ("keepcart" is the first stage
# every page runs while it loads, "main" the loader it imports after); any other chunk (the
# shared code chunks import: "shared") gets the default, as in build.mjs.
BUDGETS = {"keepcart": 2560, "main": 4096, "checkout": 20480, "offers": 8192, "surveys": 8192,
           "badges": 5120, "reviews": 6144}  # fmt: skip
DEFAULT_CHUNK_BUDGET = 8192


def built_files() -> list[Path]:
    """Every script server/static holds: the loader and every chunk, listed or not."""
    return [STATIC / "keepcart.js", *sorted((STATIC / "chunks").glob("*.js"))]


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 9))


def over_budget(paths: list[Path]) -> list[str]:
    """A message for each file whose gzip -9 size is over its budget."""
    problems = []
    for path in paths:
        budget = BUDGETS.get(path.name.split(".")[0], DEFAULT_CHUNK_BUDGET)
        size = gzip_size(path)
        if size > budget:
            problems.append(f"{path.name}: {size} bytes gzipped, budget {budget}")
    return problems


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
    assert over_budget(built_files()) == []


def test_the_budget_check_fails_a_file_over_its_budget(tmp_path: Path):
    # Random bytes do not compress: each file's gzip size is a little over its length.
    files = {"keepcart.js": 2560, "main.AAAA.js": 4096, "checkout.AAAA.js": 20480,
             "offers.AAAA.js": 8192, "surveys.AAAA.js": 8192, "badges.AAAA.js": 5120,
             "reviews.AAAA.js": 6144, "shared.AAAA.js": 8192}  # fmt: skip
    over, within = tmp_path / "over", tmp_path / "within"
    over.mkdir()
    within.mkdir()
    for name, budget in files.items():
        (over / name).write_bytes(os.urandom(budget))
        (within / name).write_bytes(os.urandom(budget - 100))
    problems = over_budget(sorted(over.iterdir()))
    assert sorted(message.split(":")[0] for message in problems) == sorted(files)
    assert over_budget(sorted(within.iterdir())) == []


def test_the_budgets_are_the_builds():
    source = (ROOT / "widget" / "build.mjs").read_text()
    budgets = re.search(r"const BUDGETS = \{([^}]*)\}", source)
    default = re.search(r"const DEFAULT_CHUNK_BUDGET = (\d+)", source)
    assert budgets and default
    pairs = dict(re.findall(r"(\w+): (\d+)", budgets.group(1)))
    assert {("keepcart" if k == "boot" else k): int(v) for k, v in pairs.items()} == BUDGETS
    assert int(default.group(1)) == DEFAULT_CHUNK_BUDGET


def test_the_manifest_names_every_built_chunk():
    """The server tells the loader which files to fetch from the manifest: none is missing."""
    manifest = json.loads((STATIC / "manifest.json").read_text())
    named = set(manifest["chunks"].values()) | {manifest["main"]}
    named |= {dep for deps in manifest["imports"].values() for dep in deps}
    assert named == {f"chunks/{path.name}" for path in (STATIC / "chunks").glob("*.js")}


def test_the_server_refuses_a_build_whose_loader_is_missing(tmp_path: Path):
    """keepcart.js imports the loader manifest.json names: a build without it (or without a
    readable manifest) stops the server at start, instead of a widget that never starts."""
    from server.assets import WidgetAssets

    (tmp_path / "chunks").mkdir()
    (tmp_path / "keepcart.js").write_text("void 0;")
    for manifest in (None, "{not json", '{"main": ["x"]}', '{"main": "chunks/main.GONE.js"}'):
        if manifest is not None:
            (tmp_path / "manifest.json").write_text(manifest)
        with pytest.raises(RuntimeError, match="rebuild the widget"):
            WidgetAssets(tmp_path)
    (tmp_path / "chunks" / "main.HERE.js").write_text("export function start() {}")
    (tmp_path / "manifest.json").write_text('{"main": "chunks/main.HERE.js"}')
    assert WidgetAssets(tmp_path).main == "chunks/main.HERE.js"
    assert WidgetAssets(STATIC).main == json.loads((STATIC / "manifest.json").read_text())["main"]


def test_what_a_page_fetches_for_each_chunk_is_within_its_budget():
    """A chunk counts with every file its import fetches (manifest.json's "imports"), as a
    page that shows only that feature fetches them (closing20 §4.2: the badges file was 4,924
    of its 5,120 bytes, a page with badges fetched 7,453). No chunk is let off its budget."""
    manifest = json.loads((STATIC / "manifest.json").read_text())
    counted = {
        name: gzip_size(STATIC / path)
        + sum(gzip_size(STATIC / dep) for dep in manifest["imports"][name])
        for name, path in manifest["chunks"].items()
    }
    over = {
        name: size
        for name, size in counted.items()
        if size > BUDGETS.get(name, DEFAULT_CHUNK_BUDGET)
    }
    assert over == {}
    # Each chunk is one file (build.mjs builds each on its own): what a page fetches for it.
    assert all(deps == [] for deps in manifest["imports"].values())
