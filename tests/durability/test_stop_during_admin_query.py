"""SIGINT or SIGTERM stops a real ``keepcart serve`` at once while an admin page's query runs:
the query is stopped, the page answered 503, and the process exits (before, it waited for the
query, and the query ran for as long as it took)."""

from __future__ import annotations

import asyncio
import re
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from server.accounts import create_store, create_user
from server.clock import now_ms
from server.db import Database
from server.stores.service import validate_new_store
from tests.api.slow_reads import make_endless
from tests.process import ServerProcess

pytestmark = pytest.mark.slow

EMAIL, PASSWORD = "owner@stop.test", "owner password of the stop test"
GUARD_S = 30  # a guard against a hang, never a measure of speed


def seed(db_path: Path) -> int:
    async def run() -> int:
        db = Database(db_path)
        await db.open()
        try:
            new = validate_new_store("Stop Shop", ["http://shop.test"], "EUR", "en-IE",
                                     "Europe/Dublin")  # fmt: skip
            await create_user(db, EMAIL, PASSWORD, now=now_ms())
            return (await create_store(db, new, owner_email=EMAIL, now=now_ms())).id
        finally:
            await db.close()

    return asyncio.run(run())


def signed_in(url: str) -> httpx.Client:
    http = httpx.Client(base_url=url, timeout=GUARD_S * 2)
    page = http.get("/admin/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    answer = http.post("/admin/login", data={"csrf_token": token.group(1), "email": EMAIL,
                                             "password": PASSWORD})  # fmt: skip
    assert answer.status_code == 303
    return http


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_stops_the_server_while_an_admin_query_runs(tmp_path, stop_signal):
    db_path = tmp_path / "keepcart.db"
    store_id = seed(db_path)
    make_endless(db_path, "invitations")  # the members page's query runs until stopped
    # A time limit far away: only the signal can stop the query in time.
    server = ServerProcess(db_path, env={"KEEPCART_ADMIN_QUERY_TIMEOUT": "600000"})
    server.start()
    assert server.process is not None
    try:
        http = signed_in(server.url)
        answers: list[httpx.Response] = []
        page = threading.Thread(
            target=lambda: answers.append(http.get(f"/admin/stores/{store_id}/members"))
        )
        page.start()
        # The query is running once the server burns CPU on it (an idle server burns none).
        busy_from = cpu_seconds(server.process.pid)
        deadline = time.monotonic() + GUARD_S
        while cpu_seconds(server.process.pid) - busy_from < 0.3 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.process.send_signal(stop_signal)
        # A clean stop; after it uvicorn raises a SIGTERM again for its default action.
        assert server.process.wait(timeout=GUARD_S) in (0, -signal.SIGTERM)
        page.join(timeout=GUARD_S)
        [answer] = answers
        assert answer.status_code == 503 and "stopping" in answer.text
        http.close()
    finally:
        if server.process.poll() is None:
            server.kill()
