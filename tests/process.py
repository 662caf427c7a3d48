"""Helpers for tests that run Keepcart as a real process, as an operator would."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keepcart(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``keepcart ARGS`` to its end; raises TimeoutExpired (having killed it) on a hang."""
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


class ServerProcess:
    """``keepcart serve`` in a child process, started and waited for until healthy."""

    def __init__(
        self, db: Path, env: dict[str, str] | None = None, log: Path | None = None,
        umask: int = -1,
    ):  # fmt: skip
        self.db = db
        self.log = log  # where its stderr (the log) goes, appended; nowhere without one
        self.umask = umask  # -1: the test runner's own
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "KEEPCART_SECRET_KEYS": "durability-key-of-at-least-32-bytes",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with contextlib.ExitStack() as files:  # the child keeps its own copy of the log file
            log = files.enter_context(self.log.open("ab")) if self.log else subprocess.DEVNULL
            self.process = subprocess.Popen(
                [sys.executable, "-m", "server", "serve", "--port", str(self.port), "--db",
                 str(self.db)],
                env=self.env,
                umask=self.umask,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("keepcart serve did not become healthy")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no shutdown, no flush
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def kill_under_load(
    server: ServerProcess,
    client: Callable[[int, list[str], threading.Event], None],
    *,
    workers: int,
    enough: int,
    timeout: float,
) -> list[str]:
    """Run ``client(worker, acked, stop)`` in threads until ``enough`` writes are acknowledged
    (or ``timeout``), SIGKILL the server mid-stream, and return what was acknowledged."""
    acked: list[str] = []
    stop = threading.Event()
    threads = [threading.Thread(target=client, args=(w, acked, stop)) for w in range(workers)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    while len(acked) < enough and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    return acked
