"""KEEPCART_FORWARDED_ALLOW_IPS: only the proxies listed may say who the client is. Rate
limits and helpful votes count by the client address, so a proxy on another machine must be
listed, and an X-Forwarded-For from anyone else must change nothing."""

from __future__ import annotations

import httpx
import pytest

from tests.api.admin_client import csrf_from
from tests.process import ServerProcess

pytestmark = pytest.mark.slow


def sign_in_from(server: ServerProcess, forwarded_for: str) -> int:
    """A failed sign-in said to come from ``forwarded_for``: its status (429 once the
    address's attempts are used up)."""
    with httpx.Client(base_url=server.url, timeout=10) as client:
        csrf = csrf_from(client.get("/admin/login").text)
        answer = client.post(
            "/admin/login",
            data={"csrf_token": csrf, "email": "nobody@shop.test", "password": "wrong"},
            headers={"X-Forwarded-For": forwarded_for},
        )
        return answer.status_code


@pytest.mark.parametrize(
    ("allowed", "second"),
    [("127.0.0.1", 422), ("192.0.2.1", 429)],
    ids=["this proxy listed: each client counted apart", "not listed: the header ignored"],
)
def test_only_a_listed_proxy_says_who_the_client_is(tmp_path, allowed, second):
    env = {"KEEPCART_FORWARDED_ALLOW_IPS": allowed, "KEEPCART_LOGIN_RATE_LIMIT": "1"}
    server = ServerProcess(tmp_path / "k.db", env=env)
    server.start()
    try:
        assert sign_in_from(server, "203.0.113.1") == 422
        assert sign_in_from(server, "203.0.113.2") == second
    finally:
        server.stop()
