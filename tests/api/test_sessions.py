"""Admin sessions live on the server: sign-out, a password change and "sign out everywhere"
end them for every copy of the cookie; they expire after an absolute and an idle lifetime;
and signing in costs the same hashing whether or not the email has a login."""

from __future__ import annotations

import contextlib
import hashlib
import re

import httpx
import pytest

from server.accounts import NO_SUCH_LOGIN_HASH, create_user
from server.admin.auth import COOKIE
from server.admin.sessions import (
    ABSOLUTE_LIFETIME_MS,
    IDLE_LIFETIME_MS,
    LAST_SEEN_RESOLUTION_MS,
    MINUTE_MS,
    describe_device,
)
from server.clock import now_ms
from server.security import hash_password
from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD

pytestmark = pytest.mark.anyio

NEW_PASSWORD = "a brand new passphrase"
START = 1_800_000_000_000
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def clock(app):
    """The app's clock, moved by hand: ``clock.now`` is what the app reads."""

    app_clock = services(app).clock
    app_clock.set(START)

    class Clock:
        @property
        def now(self) -> int:
            return app_clock.now_ms()

        @now.setter
        def now(self, ms: int) -> None:
            app_clock.set(ms)

        def advance(self, ms: int) -> None:
            app_clock.advance(ms)

    return Clock()


@contextlib.asynccontextmanager
async def browser(app, cookie: str | None = None, user_agent: str = "test"):
    """Another browser; with ``cookie``, one holding a copy of someone's session cookie."""
    transport = httpx.ASGITransport(app=app)
    headers = {"User-Agent": user_agent}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://keepcart.test", headers=headers
    ) as client:
        if cookie:
            client.cookies.set(COOKIE, cookie, domain="keepcart.test", path="/admin")
        yield client


async def signed_in(client, store) -> bool:
    response = await client.get(f"/admin/stores/{store.id}")
    assert response.status_code in (200, 303)
    return response.status_code == 200


async def sign_in_and_copy(client) -> str:
    assert (await sign_in(client)).status_code == 303
    return client.cookies[COOKIE]


# ---- ending sessions ----------------------------------------------------------------------


async def test_a_copied_cookie_stops_working_after_sign_out(app, client, store, merchant):
    copied = await sign_in_and_copy(client)
    async with browser(app, copied) as thief:
        assert await signed_in(thief, store)
        page = await client.get(f"/admin/stores/{store.id}")
        await client.post("/admin/logout", data={"csrf_token": csrf_from(page.text)})
        assert not await signed_in(thief, store)


async def test_changing_the_password_ends_every_other_session(app, client, store, merchant):
    async with browser(app) as laptop:
        copied = await sign_in_and_copy(laptop)
        async with browser(app, copied) as thief:
            assert await signed_in(thief, store)
            await sign_in(client)
            page = await client.get("/admin/account")
            response = await client.post("/admin/account/password", data={
                "csrf_token": csrf_from(page.text), "current_password": MERCHANT_PASSWORD,
                "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD,
            })  # fmt: skip
            assert response.headers["location"] == "/admin/account?saved=password"
            notice = (await client.get(response.headers["location"])).text
            assert "Every other session of this login has been signed out" in notice
            assert await signed_in(client, store)  # the browser that changed it stays in
            assert not await signed_in(laptop, store)
            assert not await signed_in(thief, store)
    assert (await sign_in(client, password=NEW_PASSWORD)).status_code == 303
    assert (await sign_in(client, password=MERCHANT_PASSWORD)).status_code == 422


async def test_a_password_change_is_checked(app, client, merchant):
    await sign_in(client)
    token = csrf_from((await client.get("/admin/account")).text)

    async def change(current: str, new: str, confirm: str) -> httpx.Response:
        return await client.post("/admin/account/password", data={
            "csrf_token": token, "current_password": current, "new_password": new,
            "confirm_password": confirm,
        })  # fmt: skip

    wrong = await change("not my password", NEW_PASSWORD, NEW_PASSWORD)
    assert wrong.status_code == 422 and "not your current password" in wrong.text
    assert 'id="f-current_password" name="current_password"' in wrong.text
    assert 'aria-describedby="f-current_password-error"' in wrong.text
    mismatch = await change(MERCHANT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert mismatch.status_code == 422 and "do not match" in mismatch.text
    short = await change(MERCHANT_PASSWORD, "short", "short")
    assert short.status_code == 422 and "at least 8 characters" in short.text
    no_token = await client.post("/admin/account/password", data={
        "current_password": MERCHANT_PASSWORD, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    })  # fmt: skip
    assert no_token.status_code == 403
    assert (await sign_in(client)).status_code == 303  # the password never changed


async def test_a_password_reset_from_the_cli_ends_every_session(app, client, store, merchant):
    await sign_in(client)
    assert await signed_in(client, store)
    await create_user(
        services(app).db, MERCHANT_EMAIL, NEW_PASSWORD, now=now_ms()
    )  # keepcart users create
    assert not await signed_in(client, store)


async def test_sign_out_everywhere_else_keeps_only_this_browser(app, client, store, merchant):
    async with browser(app) as phone, browser(app) as laptop:
        for other in (phone, laptop):
            await sign_in(other)
        await sign_in(client)
        page = await client.get("/admin/account")
        assert page.text.count("Sign out<span") == 2  # the other two, not this one
        response = await client.post(
            "/admin/account/sessions/sign-out-others", data={"csrf_token": csrf_from(page.text)}
        )
        assert response.headers["location"] == "/admin/account?saved=others"
        assert await signed_in(client, store)
        assert not await signed_in(phone, store) and not await signed_in(laptop, store)
        after = await client.get(response.headers["location"])
        assert "Signed out everywhere else" in after.text
        assert "Sign out<span" not in after.text and "(this browser)" in after.text


async def test_one_session_is_signed_out_from_the_account_page(app, client, store, merchant):
    async with browser(app, user_agent=FIREFOX_MAC) as laptop:
        await sign_in(laptop)
        await sign_in(client)
        page = await client.get("/admin/account")
        assert "Firefox on macOS" in page.text
        action = re.search(r'action="(/admin/account/sessions/\d+/sign-out)"', page.text)[1]
        response = await client.post(action, data={"csrf_token": csrf_from(page.text)})
        assert response.headers["location"] == "/admin/account?saved=one"
        assert not await signed_in(laptop, store)
        assert await signed_in(client, store)


async def test_nobody_signs_out_another_logins_session(app, client, store, merchant):
    await create_user(services(app).db, "other@shop.test", "other long password", now=now_ms())
    async with browser(app) as other:
        await sign_in(other, "other@shop.test", "other long password")
        await sign_in(client)
        theirs = await services(app).db.fetch_value(
            "SELECT s.id FROM admin_sessions s JOIN users u ON u.id = s.user_id"
            " WHERE u.email = 'other@shop.test'"
        )
        page = await client.get("/admin/account")
        await client.post(
            f"/admin/account/sessions/{theirs}/sign-out", data={"csrf_token": csrf_from(page.text)}
        )
        assert (await other.get("/admin/account")).status_code == 200


async def test_signing_in_again_replaces_this_browsers_session(app, client, merchant):
    await sign_in(client)
    await sign_in(client)
    assert await services(app).db.fetch_value("SELECT count(*) FROM admin_sessions") == 1


# ---- lifetimes ----------------------------------------------------------------------------


async def test_a_session_ends_after_its_absolute_lifetime(app, client, store, merchant, clock):
    await sign_in(client)
    # Busy all along: never idle, still ended.
    while clock.now + 6 * 60 * MINUTE_MS < START + ABSOLUTE_LIFETIME_MS:
        clock.advance(6 * 60 * MINUTE_MS)
        assert await signed_in(client, store)
    clock.now = START + ABSOLUTE_LIFETIME_MS
    assert not await signed_in(client, store)


async def test_a_session_ends_when_idle(app, client, store, merchant, clock):
    await sign_in(client)
    clock.advance(IDLE_LIFETIME_MS - 1)
    assert await signed_in(client, store)  # used just in time: the idle clock restarts
    clock.advance(IDLE_LIFETIME_MS - 1)
    assert await signed_in(client, store)
    clock.advance(IDLE_LIFETIME_MS)
    assert not await signed_in(client, store)


async def test_last_seen_is_written_at_most_every_few_minutes(app, client, store, merchant, clock):
    await sign_in(client)

    async def last_seen() -> int:
        return await services(app).db.fetch_value("SELECT last_seen_at FROM admin_sessions")

    for _ in range(5):
        clock.advance(MINUTE_MS // 2)
        await client.get(f"/admin/stores/{store.id}")
    assert await last_seen() == START  # no write per page view
    clock.advance(LAST_SEEN_RESOLUTION_MS)
    await client.get(f"/admin/stores/{store.id}")
    assert await last_seen() == clock.now


async def test_pages_do_not_re_sign_the_cookie(client, store, merchant):
    await sign_in(client)
    page = await client.get(f"/admin/stores/{store.id}")
    assert page.status_code == 200 and "set-cookie" not in page.headers


async def test_the_database_keeps_only_a_hash_of_the_session_id(app, client, merchant):
    cookie = await sign_in_and_copy(client)
    sid = services(app).signer.unsign("keepcart.admin-session", cookie)["sid"]
    stored = await services(app).db.fetch_value("SELECT sid_hash FROM admin_sessions")
    assert stored == hashlib.sha256(sid.encode()).hexdigest() and sid not in stored


# ---- login timing -------------------------------------------------------------------------


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[int]:
    """Counts calls to hashlib.scrypt (and still runs it): the cost of a sign-in attempt."""
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(kwargs.get("n", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


async def test_an_unknown_email_costs_the_same_hashing_as_a_wrong_password(
    client, merchant, scrypt_calls
):
    assert (await sign_in(client, password="wrong password")).status_code == 422
    known = list(scrypt_calls)
    scrypt_calls.clear()
    assert (await sign_in(client, email="nobody@shop.test")).status_code == 422
    assert scrypt_calls == known and len(known) == 1


def test_the_stand_in_hash_costs_what_a_real_one_does():
    def parameters(stored: str) -> str:
        return stored.split("$")[1]

    assert parameters(NO_SUCH_LOGIN_HASH) == parameters(hash_password("anything at all"))


def test_devices_are_named_briefly():
    chrome_linux = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
        " Chrome/126.0.0.0 Safari/537.36"
    )
    edge_windows = chrome_linux.replace("X11; Linux x86_64", "Windows NT 10.0") + " Edg/126.0"
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    assert describe_device(chrome_linux) == "Chrome on Linux"
    assert describe_device(edge_windows) == "Edge on Windows"
    assert describe_device(iphone) == "Safari on iOS"
    assert describe_device(FIREFOX_MAC) == "Firefox on macOS"
    assert describe_device("") == "Unknown browser"
