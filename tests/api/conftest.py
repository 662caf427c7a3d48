"""Fixtures shared by the API tier's admin tests."""

from __future__ import annotations

import pytest

from tests.api.admin_client import csrf_from, sign_in
from tests.mail import MailServer


@pytest.fixture
def admin_section() -> str:
    """The store's admin section the `admin` fixture posts to; a test module about another
    section overrides this fixture."""
    return "checkout"


@pytest.fixture
async def admin(client, merchant, store, admin_section):
    """A signed-in client, and a ``post(path, data)`` that adds a valid CSRF token."""
    await sign_in(client)
    base = f"/admin/stores/{store.id}/{admin_section}"
    token = csrf_from((await client.get(base)).text)

    async def post(path: str, data: dict, **kwargs):
        return await client.post(base + path, data={"csrf_token": token, **data}, **kwargs)

    return base, post


@pytest.fixture
def mail_server():
    """A real SMTP server on a free port (tests/mail.py); the ``settings`` of a test module
    that sends mail point KEEPCART_SMTP_URL at it."""
    server = MailServer().start()
    yield server
    server.stop()
