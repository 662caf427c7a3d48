import re

import pytest

from server.admin.auth import COOKIE
from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD, SHOP_ORIGIN

pytestmark = pytest.mark.anyio


async def test_pages_need_a_login(client, merchant):
    response = await client.get("/admin/stores")
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/stores"


async def test_login_sets_a_hardened_session_cookie(client, merchant, store):
    response = await sign_in(client)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    home = await client.get("/admin/", follow_redirects=True)
    assert home.url.path == f"/admin/stores/{store.id}"


async def test_wrong_password_re_renders_the_form(client, merchant):
    response = await sign_in(client, password="wrong password")
    assert response.status_code == 422
    assert "do not match" in response.text
    assert f'value="{MERCHANT_EMAIL}"' in response.text
    assert (await client.get("/admin/stores")).status_code == 303


async def test_login_without_csrf_token_is_refused(client, merchant):
    await client.get("/admin/login")
    response = await client.post(
        "/admin/login", data={"email": MERCHANT_EMAIL, "password": MERCHANT_PASSWORD}
    )
    assert response.status_code == 403
    assert "expired" in response.text


async def test_csrf_token_from_another_session_is_refused(app, merchant):
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://k") as attacker,
        httpx.AsyncClient(transport=transport, base_url="http://k") as victim,
    ):
        token = csrf_from((await attacker.get("/admin/login")).text)
        await victim.get("/admin/login")
        response = await victim.post(
            "/admin/login",
            data={"csrf_token": token, "email": MERCHANT_EMAIL, "password": MERCHANT_PASSWORD},
        )
    assert response.status_code == 403


async def test_login_attempts_are_rate_limited(app, client, merchant):
    for _ in range(services(app).settings.login_rate_limit):
        assert (await sign_in(client, password="nope nope")).status_code == 422
    response = await sign_in(client)  # even the right password waits now
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.text
    assert int(response.headers["retry-after"]) > 0


async def test_next_never_leaves_the_admin(client, merchant):
    page = await client.get("/admin/login?next=https://evil.test/")
    assert 'name="next" value="/admin/"' in page.text


async def test_store_page_shows_snippet_and_install_steps(client, merchant, store):
    await sign_in(client)
    page = await client.get(f"/admin/stores/{store.id}")
    assert page.status_code == 200
    snippet = (
        f"&lt;script async src=&#34;http://127.0.0.1:8000/v1/keepcart.js&#34; "
        f"data-store=&#34;{store.public_key}&#34;&gt;&lt;/script&gt;"
    )
    assert snippet in page.text
    assert "Copy snippet" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_activity_counts_page_views_today(client, merchant, store):
    await sign_in(client)
    url = f"/admin/stores/{store.id}/activity"
    assert (await client.get(url)).json()["last_event"] == "No events yet"
    events = [
        {"type": t, "name": t, "occurred_at": 1_795_000_000_000, "url": "http://shop.test/",
         "session_id": "s_1"}
        for t in ("pageview", "pageview", "custom")
    ]  # fmt: skip
    import json

    await client.post(
        "/v1/events",
        content=json.dumps({"store": store.public_key, "events": events}),
        headers={"Content-Type": "text/plain", "Origin": SHOP_ORIGIN},
    )
    counts = (await client.get(url)).json()
    assert (counts["page_views"], counts["events"], counts["last_event"]) == (2, 3, "just now")


async def test_creating_a_store_validates_fields(client, merchant):
    await sign_in(client)
    page = await client.get("/admin/stores")
    form = {
        "csrf_token": csrf_from(page.text),
        "name": "<b>Bold</b> Shop",
        "origins": "not an origin",
        "currency": "EUR",
        "locale": "en-US",
        "timezone": "UTC",
    }
    response = await client.post("/admin/stores", data=form)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert "is not an origin" in response.text
    assert "&lt;b&gt;Bold&lt;/b&gt; Shop" in response.text  # submitted values come back, escaped

    form["origins"] = "https://bold.test"
    created = await client.post("/admin/stores", data=form)
    assert created.status_code == 303
    store_page = await client.get(created.headers["location"])
    assert "<h1>&lt;b&gt;Bold&lt;/b&gt; Shop</h1>" in store_page.text
    config = await client.get(
        f"/v1/stores/{re.search(r'pk_[A-Za-z0-9]+', store_page.text)[0]}/config"
    )
    assert config.status_code == 200


async def test_unknown_admin_page_is_an_html_404(client, merchant):
    await sign_in(client)
    response = await client.get("/admin/stores/999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


async def test_logout_ends_the_session(client, merchant, store):
    await sign_in(client)
    page = await client.get(f"/admin/stores/{store.id}")
    response = await client.post("/admin/logout", data={"csrf_token": csrf_from(page.text)})
    assert response.status_code == 303
    assert (await client.get(f"/admin/stores/{store.id}")).status_code == 303
