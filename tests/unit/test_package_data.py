"""An installed Keepcart (``pip install .``, not an editable checkout) carries every file its
server reads: the admin's, orders', reviews' and surveys' templates and static files, the
widget's committed build, the migrations. Setuptools takes a package's data files by the globs
of ``[tool.setuptools.package-data]``, relative to the package's own directory; this test
applies them the same way to every file git tracks under the packages."""

from __future__ import annotations

import glob
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_DATA = {"demo_store/screenshot.png"}  # the README's picture, not read by the demo


def package_of(path: Path) -> Path:
    """The nearest directory above ``path`` that is a package (has ``__init__.py``)."""
    for folder in path.parents:
        if (ROOT / folder / "__init__.py").exists():
            return folder
    raise AssertionError(f"{path} is in no package")


def packaged(package: Path, patterns: dict[str, list[str]]) -> set[Path]:
    name = ".".join(package.parts)
    found = set()
    for pattern in patterns.get("*", []) + patterns.get(name, []):
        for match in glob.glob(pattern, root_dir=ROOT / package, recursive=True):
            found.add(package / match)
    return found


def test_every_file_the_server_reads_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]
    tracked = subprocess.run(
        ["git", "ls-files", "server", "demo_store"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    data = [Path(f) for f in tracked if not f.endswith(".py") and f not in NOT_DATA]
    assert len(data) > 100  # the templates, static files and migrations are there to check
    missing = [str(f) for f in data if f not in packaged(package_of(f), patterns)]
    assert missing == []
