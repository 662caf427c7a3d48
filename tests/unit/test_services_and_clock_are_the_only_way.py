"""Routes and admin pages reach shared state through ``services(request)`` and the time
through its ``Clock``: no module of the server reads ``app.state`` or the system's clocks
except the few that must (each says why)."""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "server"

# Where app.state may be read: the app builds the services, services.py hands them out.
STATE_ALLOWED = {"app.py", "services.py"}

# Reads of the system's clocks, and the only modules allowed each one.
CLOCK_READS = {
    "time.time": {"clock.py"},
    "time.time_ns": {"clock.py"},
    # db: the admin reads' time limit is on work actually done (a test moving the Clock must
    # not stop a query), checked on the reading connection's own thread.
    "time.monotonic": {"clock.py", "db/__init__.py", "db/export_reader.py"},
    "time.monotonic_ns": {"clock.py"},
    "time.perf_counter": {"logs.py"},  # how long a request really took, for the access log
    "datetime.now": {"clock.py"},
    "datetime.utcnow": set(),
    "date.today": set(),
    # The system clock's reading: clock.py, and the commands that run outside any request.
    "now_ms": {"clock.py", "cli.py", "demo.py"},
}


def server_modules() -> list[tuple[str, ast.Module]]:
    return [
        (path.relative_to(SERVER).as_posix(), ast.parse(path.read_text(), str(path)))
        for path in sorted(SERVER.rglob("*.py"))
    ]


def reads_app_state(node: ast.AST) -> bool:
    """``app.state``, ``request.app.state``, ``scope["app"].state``."""
    if not (isinstance(node, ast.Attribute) and node.attr == "state"):
        return False
    owner = node.value
    if isinstance(owner, ast.Name):
        return owner.id == "app"
    if isinstance(owner, ast.Attribute):
        return owner.attr == "app"
    if isinstance(owner, ast.Subscript):
        return isinstance(owner.slice, ast.Constant) and owner.slice.value == "app"
    return False


def called_name(node: ast.AST) -> str | None:
    """``time.monotonic`` for ``time.monotonic()``, ``now_ms`` for ``now_ms()``."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


def test_no_route_or_admin_page_reads_app_state():
    found = [
        f"{name}:{node.lineno}"
        for name, tree in server_modules()
        if name not in STATE_ALLOWED
        for node in ast.walk(tree)
        if reads_app_state(node)
    ]
    assert found == [], "read services(request) instead of app.state"


def test_the_time_is_read_through_the_apps_clock():
    found = []
    for name, tree in server_modules():
        for node in ast.walk(tree):
            call = called_name(node)
            if call in CLOCK_READS and name not in CLOCK_READS[call]:
                found.append(f"{name}:{node.lineno} {call}()")
            if isinstance(node, ast.ImportFrom) and node.module == "time" and name != "clock.py":
                found.append(f"{name}:{node.lineno} from time import ...")
    assert found == [], "read services(request).clock (or take `now` as an argument)"


def test_the_checks_see_what_they_look_for():
    # The checks above would pass on nothing at all; make sure they recognise each form.
    sample = ast.parse(
        "request.app.state.db\nscope['app'].state.stores\napp.state.signer\n"
        "time.monotonic()\nnow_ms()\nfrom time import time\n"
    )
    assert sum(reads_app_state(node) for node in ast.walk(sample)) == 3
    calls = {called_name(node) for node in ast.walk(sample)} - {None}
    assert calls == {"time.monotonic", "now_ms"}
