"""Fixtures shared by the API tier's admin tests."""

from __future__ import annotations

import pytest

from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.api.mailing import T0, set_email_settings
from tests.mail import MailServer
from tests.sms import SmsApi


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
def sms_api():
    """A Twilio-compatible SMS API on a free port (tests/sms.py)."""
    api = SmsApi().start()
    yield api
    api.stop()


@pytest.fixture
def mail_server():
    """A real SMTP server on a free port (tests/mail.py); the ``settings`` of a test module
    that sends mail point KEEPCART_SMTP_URL at it."""
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
async def sending_shop(app, shop):
    """The demo store with a sender address for its emails, and the clock held at ``T0``."""
    await set_email_settings(app, shop)
    services(app).clock.set(T0)
    return shop
