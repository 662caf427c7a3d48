"""A store's settings page: owners change its name, origins, locale, time zone, contact and,
while it has no orders, its currency; the widget's config and CORS follow at once."""

from __future__ import annotations

import html

import pytest

from server.accounts import add_member, create_user
from server.clock import now_ms
from server.services import services
from tests.api.admin_client import client_for, csrf_from, sign_in
from tests.api.ordering import insert_order
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio

NEW_ORIGIN = "https://www.shop.example"


def settings_url(store) -> str:
    return f"/admin/stores/{store.id}/settings"


def form(csrf: str, **changes: str) -> dict[str, str]:
    values = {
        "csrf_token": csrf,
        "name": "Test Shop",
        "origins": SHOP_ORIGIN,
        "currency": "EUR",
        "locale": "en-IE",
        "timezone": "Europe/Dublin",
        "contact_email": "",
        "contact_phone": "",
    }
    return values | changes


async def stored(app, store) -> dict:
    row = await services(app).db.fetch_one(
        "SELECT name, currency, locale, timezone, contact_email, contact_phone FROM stores"
        " WHERE id = ?",
        (store.id,),
    )
    origins = await services(app).db.fetch_all(
        "SELECT origin FROM store_origins WHERE store_id = ? ORDER BY origin", (store.id,)
    )
    return dict(row) | {"origins": [o["origin"] for o in origins]}


async def test_the_page_shows_the_store_as_it_is(client, merchant, store):
    await sign_in(client)
    page = await client.get(settings_url(store))
    assert page.status_code == 200
    assert 'value="Test Shop"' in page.text and SHOP_ORIGIN in page.text
    assert 'value="Europe/Dublin"' in page.text and 'value="en-IE"' in page.text
    # Time zones are a list the browser filters as the merchant types.
    assert '<option value="America/New_York">' in page.text
    assert '<option value="EUR" selected>' in page.text
    assert f'href="{settings_url(store)}" aria-current="page">Store settings</a>' in page.text


async def test_saving_changes_the_widget_config_and_cors_at_once(app, client, merchant, store):
    await sign_in(client)
    config_url = f"/v1/stores/{store.public_key}/config"
    before = await client.get(config_url, headers={"Origin": SHOP_ORIGIN})
    assert before.json()["store"]["name"] == "Test Shop"  # the directory has cached the store

    csrf = csrf_from((await client.get(settings_url(store))).text)
    saved = await client.post(
        settings_url(store),
        data=form(csrf, name="Fernhill & Co", origins=f"{NEW_ORIGIN}/\nHTTP://Shop.Test",
                  currency="usd", locale="de-DE", timezone="America/New_York",
                  contact_email="Hello@Shop.Example", contact_phone="+1 212 555 0100"),
    )  # fmt: skip
    assert saved.status_code == 303
    assert saved.headers["location"] == settings_url(store) + "?saved=settings"
    assert await stored(app, store) == {
        "name": "Fernhill & Co", "currency": "USD", "locale": "de-DE",
        "timezone": "America/New_York", "contact_email": "hello@shop.example",
        "contact_phone": "+1 212 555 0100", "origins": [SHOP_ORIGIN, NEW_ORIGIN],
    }  # fmt: skip

    config = await client.get(config_url, headers={"Origin": NEW_ORIGIN})
    assert config.json()["store"] | {} == {
        "key": store.public_key, "name": "Fernhill & Co", "currency": "USD",
        "locale": "de-DE", "timezone": "America/New_York",
    }  # fmt: skip
    assert config.headers["access-control-allow-origin"] == NEW_ORIGIN

    page = await client.get(saved.headers["location"])
    assert "Store settings saved." in page.text
    assert "Fernhill &amp; Co" in page.text


async def test_a_removed_origin_loses_cors_at_once(client, merchant, store):
    await sign_in(client)
    config_url = f"/v1/stores/{store.public_key}/config"
    allowed = await client.get(config_url, headers={"Origin": SHOP_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == SHOP_ORIGIN
    csrf = csrf_from((await client.get(settings_url(store))).text)
    saved = await client.post(settings_url(store), data=form(csrf, origins=NEW_ORIGIN))
    assert saved.status_code == 303
    refused = await client.get(config_url, headers={"Origin": SHOP_ORIGIN})
    assert "access-control-allow-origin" not in refused.headers


async def test_bad_values_come_back_with_every_error_and_change_nothing(
    app, client, merchant, store
):
    await sign_in(client)
    before = await stored(app, store)
    csrf = csrf_from((await client.get(settings_url(store))).text)
    refused = await client.post(
        settings_url(store),
        data=form(csrf, name=" ", origins="shop.example/path", currency="XYZ",
                  locale="english", timezone="Mars/Olympus", contact_email="a@b",
                  contact_phone="call me"),
    )  # fmt: skip
    assert refused.status_code == 422
    for field in ("name", "origins", "currency", "locale", "timezone", "contact_email",
                  "contact_phone"):  # fmt: skip
        assert f'id="f-{field}-error"' in refused.text, field
        assert f'href="#f-{field}"' in refused.text, field
    assert 'value="Mars/Olympus"' in refused.text  # what was typed comes back
    assert await stored(app, store) == before


async def test_contact_details_are_optional_and_can_be_cleared(app, client, merchant, store):
    await sign_in(client)
    csrf = csrf_from((await client.get(settings_url(store))).text)
    data = form(csrf, contact_email="team@shop.example", contact_phone="+353 1 234 5678")
    assert (await client.post(settings_url(store), data=data)).status_code == 303
    cleared = form(csrf, contact_email=" ", contact_phone="")
    assert (await client.post(settings_url(store), data=cleared)).status_code == 303
    assert (await stored(app, store))["contact_email"] == ""


async def test_the_currency_is_read_only_once_the_store_has_orders(app, client, merchant, store):
    await insert_order(app, store, 1001)
    await sign_in(client)
    page = await client.get(settings_url(store))
    assert '<select id="f-currency"' not in page.text
    assert "The currency stays EUR: the store has orders" in html.unescape(page.text)

    # The page's own form, without a currency, saves everything else.
    csrf = csrf_from(page.text)
    data = form(csrf, name="Renamed")
    del data["currency"]
    assert (await client.post(settings_url(store), data=data)).status_code == 303
    assert (await stored(app, store))["name"] == "Renamed"

    # A currency sent anyway (an old tab, a crafted form) is refused, and nothing is saved.
    refused = await client.post(settings_url(store), data=form(csrf, name="Again", currency="USD"))
    assert refused.status_code == 422
    assert 'id="f-currency-error"' in refused.text
    assert await stored(app, store) | {"origins": None} == {
        "name": "Renamed", "currency": "EUR", "locale": "en-IE", "timezone": "Europe/Dublin",
        "contact_email": "", "contact_phone": "", "origins": None,
    }  # fmt: skip


async def test_staff_cannot_open_or_post_the_settings(app, merchant, store):
    await create_user(services(app).db, "staff@shop.test", "another long password", now=now_ms())
    await add_member(services(app).db, store.id, "staff@shop.test", "staff", now=now_ms())
    async with client_for(app, "staff@shop.test") as staff:
        orders = await staff.get(f"/admin/stores/{store.id}/orders")
        assert "Store settings" not in orders.text  # not in their navigation either
        assert (await staff.get(settings_url(store))).status_code == 403
        refused = await staff.post(
            settings_url(store), data=form(csrf_from(orders.text), name="Taken over")
        )
        assert refused.status_code == 403
    assert (await stored(app, store))["name"] == "Test Shop"
