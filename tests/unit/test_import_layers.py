"""The import contracts in pyproject.toml (`lint-imports`, run by `make lint`): the server keeps
its layers, and an import that runs upward breaks them."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(where: Path) -> subprocess.CompletedProcess[str]:
    # lint-imports reads pyproject.toml and finds the `server` package in its working folder.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=60
    )


def copy_of_server(where: Path) -> None:
    """The server's Python modules and the contracts, to add an import to."""
    shutil.copy(ROOT / "pyproject.toml", where)
    shutil.copytree(
        ROOT / "server",
        where / "server",
        ignore=shutil.ignore_patterns("static", "templates", "__pycache__", "*.sql"),
    )


def test_the_server_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_domain_package_importing_a_route_breaks_the_contract(tmp_path: Path):
    copy_of_server(tmp_path)
    service = tmp_path / "server" / "carts" / "service.py"
    service.write_text(service.read_text() + "\nfrom server.routes import carts  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "server.carts is not allowed to import server.routes" in result.stdout
    assert "server.carts.service -> server.routes.carts" in result.stdout


def test_a_route_importing_an_admin_page_breaks_the_contract(tmp_path: Path):
    copy_of_server(tmp_path)
    route = tmp_path / "server" / "routes" / "carts.py"
    route.write_text(route.read_text() + "\nfrom server.admin import pages  # noqa\n")

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    assert "server.routes.carts -> server.admin.pages" in result.stdout
