"""A recovery link's claim: what the link hands the shop's page, exchanged once, from a page
of the store, for a cart no one else holds. Scanners that open the link change nothing; a
cart of another store is refused on this store's pages; an unsubscribe stops the address the
reminder went to."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.recovery.model import MINUTE_MS
from server.security import Purpose
from server.services import services
from server.stores.service import validate_new_store
from tests.api.mailing import deliver, mail_settings
from tests.api.recovering import (
    SHOPPER,
    at_hours,
    exchange,
    give_contact,
    open_link,
    recovery_link,
    set_recovery,
    unsubscribe_link,
)
from tests.api.shopping import HEADERS, new_cart, order_body, place
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


@pytest.fixture
def settings(tmp_path, mail_server):
    return mail_settings(tmp_path, mail_server.url)


async def reminder_link(app, client, shop, mail_server, **items) -> str:
    await set_recovery(app, shop)
    token = await new_cart(client, shop.public_key, **(items or {"FH_MUG_01": 2}))
    assert (await give_contact(client, token, SHOPPER, store=shop)).json() == {
        "saved": True,
        "sms": False,
    }
    at_hours(app, 1)
    await deliver(app)
    return recovery_link(mail_server.received[-1].part("plain"))


async def claim_of(client, link: str) -> str:
    opened = await client.get(link)
    assert opened.status_code == 303, opened.text
    return urlsplit(opened.headers["location"]).fragment.split("=", 1)[1]


async def clicks(app) -> int:
    return await services(app).db.fetch_value("SELECT sum(clicks) FROM recovery_steps")


async def count(app, table: str) -> int:
    return await services(app).db.fetch_value(f"SELECT count(*) FROM {table}")


async def test_a_claim_gives_its_cart_once(app, client, sending_shop, mail_server):
    link = await reminder_link(app, client, sending_shop, mail_server)
    claim = await claim_of(client, link)
    first = await exchange(client, claim, sending_shop)
    assert first.status_code == 200 and first.headers["access-control-allow-origin"] == SHOP_ORIGIN
    again = await exchange(client, claim, sending_shop)
    assert again.status_code == 404 and again.json()["error"]["code"] == "claim_gone"
    assert await count(app, "recovered_carts") == 1


async def test_opening_the_link_builds_nothing_counts_nothing_and_keeps_the_code(
    app, client, sending_shop, mail_server
):
    await set_recovery(app, sending_shop)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    await give_contact(client, token, SHOPPER, store=sending_shop)
    for hours in (1, 24, 72):  # the third reminder carries a code
        at_hours(app, hours)
        await deliver(app)
    link = recovery_link(mail_server.received[-1].part("plain"))
    code_cart = "SELECT cart_id FROM discounts WHERE cart_id IS NOT NULL"
    before = await services(app).db.fetch_value(code_cart)
    carts = await count(app, "carts")
    for _ in range(3):  # a mail scanner, then another
        await claim_of(client, link)
    assert await count(app, "carts") == carts
    assert await services(app).db.fetch_value(code_cart) == before
    assert await services(app).db.fetch_value("SELECT sum(clicks) FROM recovery_steps") == 0
    new_token = await open_link(client, link, sending_shop)  # the shopper's browser
    cart = (await client.get(f"/v1/carts/{new_token}", headers=HEADERS)).json()
    assert cart["discount_code"]
    assert await services(app).db.fetch_value("SELECT sum(clicks) FROM recovery_steps") == 1


async def test_the_shoppers_own_cart_with_items_is_kept_and_the_click_counted(
    app, client, sending_shop, mail_server
):
    link = await reminder_link(app, client, sending_shop, mail_server)
    own = await new_cart(client, sending_shop.public_key, FH_THR_01=1)
    claim = await claim_of(client, link)
    kept = await exchange(client, claim, sending_shop, cart=own)
    assert kept.status_code == 200 and kept.json() == {"token": None, "kept": True}
    assert await count(app, "recovered_carts") == 0
    assert await clicks(app) == 1
    again = await exchange(client, claim, sending_shop)  # a claim is used once
    assert again.status_code == 404 and await clicks(app) == 1


async def test_an_empty_cart_gives_way_to_the_rebuilt_one(app, client, sending_shop, mail_server):
    link = await reminder_link(app, client, sending_shop, mail_server)
    empty = await new_cart(client, sending_shop.public_key)
    adopted = await exchange(client, await claim_of(client, link), sending_shop, cart=empty)
    assert adopted.json()["token"] not in (None, empty)
    assert await count(app, "recovered_carts") == 1 and await clicks(app) == 1


async def test_a_same_device_return_gets_the_reminders_code_and_counts_the_click(
    app, client, sending_shop, mail_server
):
    """The shopper clicks the reminder in the browser that still holds the abandoned cart:
    that cart stays theirs, with the reminder's code (the third reminder has one)."""
    await set_recovery(app, sending_shop)
    token = await new_cart(client, sending_shop.public_key, FH_MUG_01=1)
    await give_contact(client, token, SHOPPER, store=sending_shop)
    for hours in (1, 24, 72):
        at_hours(app, hours)
        await deliver(app)
    link = recovery_link(mail_server.received[-1].part("plain"))
    answer = await exchange(client, await claim_of(client, link), sending_shop, cart=token)
    assert answer.status_code == 200
    # The same cart, under a token signed again (a token signed in another second differs).
    signer = services(app).signer
    assert signer.unsign(Purpose.CART, answer.json()["token"]) == signer.unsign(Purpose.CART, token)
    cart = (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()
    assert cart["discount_code"] and [i["sku"] for i in cart["items"]] == ["FH-MUG-01"]
    assert await clicks(app) == 1 and await count(app, "recovered_carts") == 0


async def test_a_return_to_the_rebuilt_cart_counts_the_click_and_keeps_that_cart(
    app, client, sending_shop, mail_server
):
    link = await reminder_link(app, client, sending_shop, mail_server)
    rebuilt = await open_link(client, link, sending_shop)
    again = await exchange(client, await claim_of(client, link), sending_shop, cart=rebuilt)
    signer = services(app).signer  # the same cart, its token perhaps signed in another second
    assert signer.unsign(Purpose.CART, again.json()["token"]) == signer.unsign(
        Purpose.CART, rebuilt
    )
    assert await clicks(app) == 2 and await count(app, "recovered_carts") == 1


async def test_a_claim_is_refused_after_its_minutes_or_for_another_store(
    app, client, sending_shop, mail_server
):
    link = await reminder_link(app, client, sending_shop, mail_server)
    other = await create_store(services(app).db, validate_new_store(
        "Other", ["https://other.test"], "EUR"), now=now_ms())  # fmt: skip
    claim = await claim_of(client, link)
    foreign = await exchange(client, claim, other)
    assert foreign.status_code in (403, 404)  # its origin is not this page's, nor its claim
    services(app).clock.set(services(app).clock.now_ms() + 16 * MINUTE_MS)
    late = await exchange(client, claim, sending_shop)
    assert late.status_code == 404 and late.json()["error"]["code"] == "claim_gone"
    assert await count(app, "recovered_carts") == 0


async def test_an_order_from_the_rebuilt_cart_ends_the_link(app, client, sending_shop, mail_server):
    link = await reminder_link(app, client, sending_shop, mail_server)
    unused = await claim_of(client, link)
    rebuilt = await open_link(client, link, sending_shop)
    assert (await place(client, order_body(rebuilt, email=SHOPPER))).status_code == 201
    again = await client.get(link)
    assert again.status_code == 200 and "has been ordered" in again.text
    late = await exchange(client, unused, sending_shop)
    assert late.status_code == 404


async def test_another_stores_cart_is_refused_on_this_stores_pages(app, client, shop):
    other = await create_store(services(app).db, validate_new_store(
        "Other", ["https://other.test"], "EUR"), now=now_ms())  # fmt: skip
    from server.demo_seed import seed_demo_store

    await services(app).db.write(
        lambda conn: seed_demo_store(conn, other.id, "https://other.test", now_ms())
    )
    theirs = await client.post(
        "/v1/carts", json={"store": other.public_key}, headers={"Origin": "https://other.test"}
    )
    token = theirs.json()["token"]
    on_this_page = await client.get(f"/v1/carts/{token}", headers=HEADERS)
    assert on_this_page.status_code == 403
    assert on_this_page.json()["error"]["code"] == "origin_not_allowed"
    placed = await place(client, order_body(token))
    assert placed.status_code == 403
    assert await count(app, "orders") == 0


async def test_a_cart_is_not_made_for_a_store_from_another_sites_page(app, client, shop):
    made = await client.post(
        "/v1/carts", json={"store": shop.public_key}, headers={"Origin": "https://evil.test"}
    )
    assert made.status_code == 403 and made.json()["error"]["code"] == "origin_not_allowed"
    assert await count(app, "carts") == 0
    assert (await client.post("/v1/carts", json={"store": shop.public_key},
                              headers=HEADERS)).status_code == 201  # fmt: skip


async def test_stores_on_one_site_share_its_origin_and_a_claim_opens_only_in_its_store(
    app, client, sending_shop, mail_server
):
    """One shop may run a store per currency on the same pages: the origin is theirs both.
    What keeps one store's link out of the other is the claim's own store."""
    link = await reminder_link(app, client, sending_shop, mail_server)
    pounds = await create_store(services(app).db, validate_new_store(
        "In pounds", [SHOP_ORIGIN], "GBP"), now=now_ms())  # fmt: skip
    services(app).stores.invalidate()  # as the admin page that adds a store does
    claim = await claim_of(client, link)
    foreign = await exchange(client, claim, pounds)  # same page, the other store's widget
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "claim_gone"
    assert await count(app, "recovered_carts") == 0
    assert (await exchange(client, claim, sending_shop)).json()["token"]


async def test_unsubscribe_stops_the_address_the_reminder_went_to(
    app, client, sending_shop, mail_server
):
    await reminder_link(app, client, sending_shop, mail_server)
    # The checkout's email changed since (whoever holds the cart token can change it).
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE checkout_contacts SET email = 'someone-else@example.com'"))  # fmt: skip
    link = unsubscribe_link(mail_server.received[-1].message["List-Unsubscribe"])
    done = await client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    suppressed = await services(app).db.fetch_all("SELECT email FROM email_suppressions")
    assert [row["email"] for row in suppressed] == [SHOPPER]
