"""The tests' own structure: shared helpers live in conftest.py or helper modules, so no test
module imports from another. A test module imported elsewhere runs its module-level code and
fixtures twice and ties unrelated files together; moving or renaming one test breaks others."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def is_test_module(dotted: str) -> bool:
    """A module of the test suite (absolute under `tests`, or relative) named test_*.
    Production modules named test_* (server.payments.test_card) are not tests."""
    parts = dotted.split(".")
    inside_tests = dotted.startswith(".") or parts[0] == "tests"
    return inside_tests and any(part.startswith("test_") for part in parts)


def imported_modules(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, dotted module) for every module an import names, relative ones spelled with
    their leading dots, and `from package import name` counted as `package.name` too (the
    name may itself be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if is_test_module(module):
                yield node.lineno, module
                continue
            prefix = f"{module}." if node.module else module  # `from . import x` is `.x`
            for alias in node.names:
                yield node.lineno, prefix + alias.name


def imports_of_test_modules(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree):
            if is_test_module(module):
                found.append(f"{path.relative_to(root.parent)}:{line} imports {module}")
    return sorted(set(found))


def test_no_module_under_tests_imports_from_a_test_module():
    assert imports_of_test_modules(TESTS) == []


def test_the_guard_sees_every_spelling_of_an_import_from_a_test_module(tmp_path):
    """The check above cannot pass by not looking: each spelling here must be reported."""
    tests = tmp_path / "tests"
    (tests / "api").mkdir(parents=True)
    (tests / "api" / "helpers.py").write_text(
        "from tests.api.test_admin import sign_in\n"
        "from tests.api import test_admin\n"
        "import tests.api.test_admin\n"
        "from .test_admin import csrf_from\n"
        "from . import test_admin as other\n"
        "def later():\n"
        "    from tests.api.test_admin import sign_in\n"
        "from tests.api.shopping import new_cart\n"  # a helper module: allowed
        "from tests.conftest import SHOP_ORIGIN\n"  # allowed
        "from server.payments import test_card\n"  # a production module: allowed
    )
    found = imports_of_test_modules(tests)
    lines = sorted({int(entry.split(":")[1].split()[0]) for entry in found})
    assert lines == [1, 2, 3, 4, 5, 7]
