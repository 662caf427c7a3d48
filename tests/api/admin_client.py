"""Driving the admin as a browser would, over httpx: signing in, the CSRF token a form carries,
the error tied to a field, and a second signed-in browser of its own."""

from __future__ import annotations

import contextlib
import re

import httpx

from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD

# The password the tests give the other logins they create (staff, intruders, invitees).
MEMBER_PASSWORD = "another long password"


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


async def sign_in(client, email=MERCHANT_EMAIL, password=MERCHANT_PASSWORD):
    page = await client.get("/admin/login")
    return await client.post(
        "/admin/login",
        data={"csrf_token": csrf_from(page.text), "email": email, "password": password},
    )


def field_error(html: str, field: str) -> str:
    """The text of a field's error, as tied to it for screen readers."""
    start = html.index(f'id="f-{field}-error">') + len(f'id="f-{field}-error">')
    return html[start : html.index("</p>", start)]


@contextlib.asynccontextmanager
async def client_for(app, email: str, password: str = MEMBER_PASSWORD):
    """A browser of its own, signed in as ``email``."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://k") as client:
        response = await sign_in(client, email, password)
        assert response.status_code == 303, response.text
        yield client
