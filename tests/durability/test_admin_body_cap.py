"""An anonymous 200 MB login form costs the server no memory: it is refused before it is read."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.process import ServerProcess

pytestmark = pytest.mark.slow

BODY_BYTES = 200 * 1024 * 1024


def peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def post_huge_login_form(port: int) -> bytes:
    """POST a 200 MB form in 1 MB pieces until the server answers or stops reading."""
    head = (
        f"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {BODY_BYTES}\r\nConnection: close\r\n\r\n"
    ).encode()
    # Fields just under the form parser's 1 MiB part limit: each is allowed on its own.
    piece = b"f=" + b"x" * (1024 * 1024 - 3) + b"&"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        try:
            for _ in range(BODY_BYTES // len(piece)):
                conn.sendall(piece)
        except OSError:
            pass  # the server answered and closed: the rest is never read
        conn.settimeout(10)
        return conn.recv(200)


def test_a_200_mb_login_form_is_a_413_without_growing_the_server(tmp_path):
    server = ServerProcess(tmp_path / "k.db")
    server.start()
    try:
        assert server.process is not None
        before = peak_rss_kib(server.process.pid)
        answer = post_huge_login_form(server.port)
        grown_mib = (peak_rss_kib(server.process.pid) - before) / 1024
        assert grown_mib < 32, f"peak RSS grew by {grown_mib:.0f} MiB"
        assert answer.startswith(b"HTTP/1.1 413"), answer
    finally:
        server.stop()
