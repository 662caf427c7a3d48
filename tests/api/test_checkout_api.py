import asyncio
import json
import logging

import pytest

from server.checkout.queries import load_settings
from server.checkout.service import parse_checkout
from server.clock import now_ms
from server.payments import test_card
from server.payments.registry import PROVIDERS
from server.services import services
from tests.api.shopping import (
    ADDRESS,
    GATEWAY_LOG,
    HEADERS,
    gateway_ledger,
    new_cart,
    order_body,
    place,
    while_authorizing,
)

pytestmark = pytest.mark.anyio


async def rows(app, sql, *params):
    return await services(app).db.fetch_all(sql, params)


async def stock_of(app, sku):
    return (await rows(app, "SELECT stock FROM products WHERE sku = ?", sku))[0]["stock"]


async def test_a_paid_order_is_placed_with_everything_it_needs(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_THR_01=2, FH_MUG_01=1)
    response = await place(client, order_body(token))
    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["number"] == "1001" and order["status"] == "paid"
    assert order["payment"] == {"method": "test_card", "brand": "Visa", "last4": "4242",
                                "instructions": ""}  # fmt: skip
    # 2 x 129.00 + 24.00, over the free-shipping threshold; Irish VAT 23% included.
    assert order["totals"] == {
        "subtotal": 28200, "discount": 0, "shipping": 0, "tax": 5273, "total": 28200,
        "prices_include_tax": True, "tax_label": "VAT",
    }  # fmt: skip
    assert await stock_of(app, "FH-THR-01") == 1
    stored = (await rows(app, "SELECT * FROM orders"))[0]
    assert (stored["total"], stored["card_last4"], stored["email"]) == (
        28200,
        "4242",
        "aoife@example.com",
    )
    assert json.loads(stored["shipping_address"])["postal_code"] == "D02 X285"
    assert len(await rows(app, "SELECT * FROM order_items")) == 2
    # The cart is closed: it cannot be ordered twice.
    again = await client.get(f"/v1/carts/{token}", headers=HEADERS)
    assert again.status_code == 409 and again.json()["error"]["code"] == "cart_closed"


async def test_card_numbers_are_never_stored(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    assert (await place(client, order_body(token))).status_code == 201
    dump = "\n".join(await _all_text(app))
    assert "4242424242424242" not in dump


async def _all_text(app):
    tables = await rows(app, "SELECT name FROM sqlite_master WHERE type = 'table'")
    lines = []
    for table in tables:
        for row in await rows(app, f"SELECT * FROM {table['name']}"):
            lines.append(json.dumps([str(v) for v in row]))
    return lines


@pytest.mark.parametrize(
    "tampering",
    [
        {"total": 1, "subtotal": 1, "discount": 99999},
        {"items": [{"sku": "FH-THR-01", "quantity": 2, "unit_price": 1}]},
        {"totals": {"total": 0}, "price": 0, "shipping": 0, "tax": 0},
        {"discount_code": "WELCOME10", "discount_amount": 28000},
    ],
)
async def test_client_supplied_prices_change_nothing(client, shop, tampering):
    token = await new_cart(client, shop.public_key, FH_THR_01=2, FH_MUG_01=1)
    response = await place(client, order_body(token) | tampering)
    assert response.status_code == 201
    assert response.json()["order"]["totals"]["total"] == 28200


async def test_declined_card_keeps_the_cart_and_charges_nothing(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_THR_01=1)
    declined = await place(client, order_body(token, card="4000000000000002"))
    assert declined.status_code == 402
    assert declined.json()["error"] == {
        "code": "card_declined",
        "message": "Your card was declined. Try another card or payment method.",
        "field": "payment.card.number",
    }
    broke = await place(client, order_body(token, card="4000000000009995"))
    assert broke.json()["error"]["code"] == "insufficient_funds"
    assert await rows(app, "SELECT * FROM orders") == []
    assert await stock_of(app, "FH-THR-01") == 3
    assert (await client.get(f"/v1/carts/{token}", headers=HEADERS)).json()["item_count"] == 1
    assert (await place(client, order_body(token))).status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"address": ADDRESS | {"postal_code": "12345"}}, "address.postal_code"),
        ({"address": ADDRESS | {"country": "US", "postal_code": "9410"}}, "address.region"),
        ({"address": ADDRESS | {"name": " "}}, "address.name"),
        ({"address": ADDRESS | {"country": "XX"}}, "address.country"),
        ({"shipping_method": "1"}, "shipping_method"),
        ({"shipping_method": 5}, "shipping_method"),  # the rest of the world's, not Ireland's
        ({"payment": {"method": "bitcoin"}}, "payment.method"),
        ({"payment": {"method": "test_card", "card": {"number": "4242424242424241",
                      "expiry": "12/34", "cvc": "123"}}}, "payment.card.number"),
        ({"payment": {"method": "test_card", "card": {"number": "4242424242424242",
                      "expiry": "01/20", "cvc": "123"}}}, "payment.card.expiry"),
        ({"payment": {"method": "test_card", "card": {"number": "4242424242424242",
                      "expiry": "12/34", "cvc": "12"}}}, "payment.card.cvc"),
        ({"phone": "call me"}, "phone"),
    ],
)  # fmt: skip
async def test_every_field_is_validated_again_on_the_server(app, client, shop, change, field):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token) | change)
    assert response.status_code in {400, 422}, response.text
    error = response.json()["error"]
    assert error["field"] == field and error["message"]
    assert await rows(app, "SELECT * FROM orders") == []


async def test_forged_or_missing_cart_and_key(client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    forged = await place(client, order_body(token[:-3] + "abc"))
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "invalid_cart"
    no_key = await client.post("/v1/checkout", json=order_body(token), headers=HEADERS)
    assert no_key.status_code == 400
    assert no_key.json()["error"]["code"] == "idempotency_key_required"
    empty = await new_cart(client, shop.public_key)
    assert (await place(client, order_body(empty))).json()["error"]["code"] == "empty_cart"


async def test_same_key_and_payload_replays_the_first_result(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    first = await place(client, order_body(token), key="retry-after-network-loss")
    again = await place(client, order_body(token), key="retry-after-network-loss")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert len(await rows(app, "SELECT * FROM orders")) == 1
    different = await place(client, order_body(token, email="x@example.com"),
                            key="retry-after-network-loss")  # fmt: skip
    assert different.status_code == 422
    assert different.json()["error"]["code"] == "idempotency_mismatch"


async def test_a_retry_while_the_first_is_running_is_409(app, client, shop, monkeypatch):
    started, release = asyncio.Event(), asyncio.Event()

    class SlowGateway(test_card.TestCardProvider):
        async def authorize(self, card, amount, currency):
            started.set()
            await release.wait()
            return await super().authorize(card, amount, currency)

    monkeypatch.setitem(PROVIDERS, "test_card", SlowGateway())
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    first = asyncio.create_task(place(client, order_body(token), key="slow-network-key"))
    await started.wait()
    retry = await place(client, order_body(token), key="slow-network-key")
    assert retry.status_code == 409 and retry.json()["error"]["code"] == "in_progress"
    release.set()
    assert (await first).status_code == 201
    assert len(await rows(app, "SELECT * FROM orders")) == 1


async def test_fifty_concurrent_orders_for_the_last_five(app, client, shop):
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE products SET track_stock = 1, stock = 5 WHERE sku = 'FH-MUG-01'"
        )
    )
    tokens = [await new_cart(client, shop.public_key, FH_MUG_01=1) for _ in range(50)]
    responses = await asyncio.gather(*(place(client, order_body(t)) for t in tokens))
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 5
    assert statuses.count(409) == 45
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "out_of_stock"
    }
    assert await stock_of(app, "FH-MUG-01") == 0
    assert len(await rows(app, "SELECT * FROM orders")) == 5


async def test_stock_that_runs_out_mid_checkout_is_reported_on_the_line(app, client, shop):
    mine = await new_cart(client, shop.public_key, FH_THR_01=2)
    theirs = await new_cart(client, shop.public_key, FH_THR_01=2)
    assert (await place(client, order_body(theirs))).status_code == 201
    response = await place(client, order_body(mine))
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "out_of_stock",
        "message": "Sorry, Lambswool Throw has only 1 left."
        " Update your cart and try again; you have not been charged.",
        "field": "items.FH-THR-01",
    }
    assert await stock_of(app, "FH-THR-01") == 1


async def test_discount_is_charged_and_counted_once_per_email(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await client.put(f"/v1/carts/{token}/discount", json={"code": "WELCOME10"}, headers=HEADERS)
    order = (await place(client, order_body(token))).json()["order"]
    assert order["discount_code"] == "WELCOME10"
    assert order["totals"]["discount"] == 240 and order["totals"]["total"] == 2400 - 240 + 495
    second = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await client.put(f"/v1/carts/{second}/discount", json={"code": "WELCOME10"}, headers=HEADERS)
    again = await place(client, order_body(second))
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "discount_used_up"
    other_email = await place(client, order_body(second, email="someone@else.test"))
    assert other_email.status_code == 201


async def test_a_used_up_code_is_refused_even_under_concurrency(app, client, shop):
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE discounts SET usage_limit = 1 WHERE code = 'TAKE5'")
    )
    tokens = []
    for _ in range(10):
        token = await new_cart(client, shop.public_key, FH_MUG_01=2)  # over the 40.00 minimum
        await client.put(f"/v1/carts/{token}/discount", json={"code": "TAKE5"}, headers=HEADERS)
        tokens.append(token)
    responses = await asyncio.gather(
        *(place(client, order_body(t, email=f"p{i}@x.test")) for i, t in enumerate(tokens))
    )
    assert sorted(r.status_code for r in responses).count(201) == 1
    used = await rows(app, "SELECT times_used FROM discounts WHERE code = 'TAKE5'")
    assert used[0]["times_used"] == 1


async def test_bank_transfer_orders_await_payment_with_instructions(app, client, shop):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    response = await place(client, order_body(token, payment={"method": "bank_transfer"}))
    order = response.json()["order"]
    assert order["status"] == "awaiting_payment"
    assert "IBAN" in order["payment"]["instructions"]
    assert order["delivery"]["from"] <= order["delivery"]["to"]


async def test_order_numbers_are_short_and_per_store(client, shop):
    numbers = []
    for _ in range(3):
        token = await new_cart(client, shop.public_key, FH_MUG_01=1)
        numbers.append((await place(client, order_body(token))).json()["order"]["number"])
    assert numbers == ["1001", "1002", "1003"]


# --- Idempotency-Key reservations: one payment per key, voided when no order is written --------

MINUTE = 60_000


async def reserve_as_another_process(app, store, key, token, reserved_at):
    """The in_flight row another server process writes when it starts placing ``token``'s
    order with ``key`` (same payload), before it authorizes the payment."""
    settings = await load_settings(services(app).db, store.id)
    fingerprint = parse_checkout(order_body(token), settings, reserved_at).fingerprint
    await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO idempotency_keys (store_id, key, request_hash, state, attempt,"
            " reserved_at, created_at) VALUES (?, ?, ?, 'in_flight', 'elsewhere', ?, ?)",
            (store.id, key, fingerprint, reserved_at, reserved_at),
        )
    )


async def test_a_key_another_process_is_placing_is_409_and_charges_nothing(
    app, client, shop, caplog
):
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await reserve_as_another_process(app, shop, "other-process-key", token, now_ms())
    response = await place(client, order_body(token), key="other-process-key")
    assert response.status_code == 409 and response.json()["error"]["code"] == "in_progress"
    assert gateway_ledger(caplog) == ([], [])
    assert await rows(app, "SELECT * FROM orders") == []


async def test_a_reservation_abandoned_by_a_killed_process_is_taken_over(app, client, shop, caplog):
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await reserve_as_another_process(app, shop, "orphaned-key-01", token, now_ms() - 3 * MINUTE)
    response = await place(client, order_body(token), key="orphaned-key-01")
    assert response.status_code == 201, response.text
    [order] = await rows(app, "SELECT public_id, payment_reference FROM orders")
    assert order["public_id"] == response.json()["order"]["id"]
    assert gateway_ledger(caplog) == ([order["payment_reference"]], [])
    [key] = await rows(app, "SELECT state FROM idempotency_keys")
    assert key["state"] == "completed"


@pytest.mark.parametrize(
    ("sku", "meanwhile", "refused", "retried"),
    [
        # The retry (same key: the reservation was released) pays the new price...
        ("FH-MUG-01", "UPDATE products SET price = 2600 WHERE sku = ?", "price_changed", 201),
        # ...or is told again that the stock is gone, not that the order is in progress.
        ("FH-THR-01", "UPDATE products SET stock = 0 WHERE sku = ?", "out_of_stock", 409),
        # ...or, when the shop changed its currency (another process: this one's cache still
        # has the old one), refused until this process reads the store again: never an order
        # in a currency the shop no longer has.
        (
            "FH-MUG-01",
            "UPDATE stores SET currency = 'USD' WHERE ? IS NOT NULL",
            "currency_changed",
            409,
        ),
    ],
)
async def test_a_change_while_paying_voids_the_payment_and_frees_the_key(
    app, client, shop, caplog, monkeypatch, sku, meanwhile, refused, retried
):
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    token = await new_cart(client, shop.public_key, **{sku.replace("-", "_"): 1})
    while_authorizing(monkeypatch, lambda: services(app).db.write(
        lambda conn: conn.execute(meanwhile, (sku,))
    ))  # fmt: skip
    response = await place(client, order_body(token), key="changed-while-paying")
    assert response.status_code == 409 and response.json()["error"]["code"] == refused
    [first], voided = gateway_ledger(caplog)
    assert voided == [first]
    assert await rows(app, "SELECT * FROM orders") == []
    assert await rows(app, "SELECT * FROM idempotency_keys") == []

    again = await place(client, order_body(token), key="changed-while-paying")
    assert again.status_code == retried, again.text
    if retried == 201:
        assert again.json()["order"]["totals"]["total"] == 2600 + 495
        [order] = await rows(app, "SELECT payment_reference FROM orders")
        assert gateway_ledger(caplog) == ([first, order["payment_reference"]], [first])
    else:
        assert again.json()["error"]["code"] == refused


async def test_a_request_that_lost_its_reservation_voids_and_answers_with_the_order(
    app, client, shop, caplog, monkeypatch
):
    """The first request's authorization outlasts the abandonment bound; a retry takes the
    key over and places the order. The first then finds the key no longer its own: it voids
    its payment and answers with the retry's order."""
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    authorizing, taken_over = asyncio.Event(), asyncio.Event()

    async def stall_until_taken_over():
        authorizing.set()
        await taken_over.wait()

    while_authorizing(monkeypatch, stall_until_taken_over)
    start = now_ms()
    services(app).clock.set(start)
    first = asyncio.create_task(place(client, order_body(token), key="lost-reservation"))
    await authorizing.wait()
    services(app).clock.set(start + 3 * MINUTE)
    retry = await place(client, order_body(token), key="lost-reservation")
    assert retry.status_code == 201, retry.text
    taken_over.set()
    stalled = await first
    assert stalled.status_code == 201 and stalled.json() == retry.json()

    [order] = await rows(app, "SELECT payment_reference FROM orders")
    # The stalled request's gateway answers last, after the retry's authorization.
    [retry_payment, stalled_payment], voided = gateway_ledger(caplog)
    assert retry_payment == order["payment_reference"] and voided == [stalled_payment]


async def test_an_order_written_before_its_transaction_failed_keeps_its_payment(
    app, client, shop, caplog, monkeypatch
):
    """A disk error in the checkpoint that follows a COMMIT fails the write after the order
    exists: the shopper gets the order, and its payment is not voided."""
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    db = services(app).db
    count_commit = db._count_commit
    commits = []

    async def checkpoint_fails_after_the_order():
        commits.append(1)
        if len(commits) == 2:  # the reservation's, then the order's
            raise OSError("disk I/O error")
        await count_commit()

    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    monkeypatch.setattr(db, "_count_commit", checkpoint_fails_after_the_order)
    response = await place(client, order_body(token))
    assert response.status_code == 201, response.text
    [order] = await rows(app, "SELECT public_id, payment_reference FROM orders")
    assert order["public_id"] == response.json()["order"]["id"]
    assert gateway_ledger(caplog) == ([order["payment_reference"]], [])


async def test_checkout_does_not_tell_a_stranger_who_used_a_code(app, client, shop, caplog):
    """Without a payment that goes through, checkout answers the same whether or not the
    email has used a once-per-customer code; with one, it refuses the code and voids."""
    caplog.set_level(logging.INFO, logger=GATEWAY_LOG)
    first = await new_cart(client, shop.public_key, FH_MUG_01=1)
    await client.put(f"/v1/carts/{first}/discount", json={"code": "WELCOME10"}, headers=HEADERS)
    assert (await place(client, order_body(first, email="past@customer.test"))).status_code == 201

    async def attempt(email, card):
        cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
        await client.put(f"/v1/carts/{cart}/discount", json={"code": "WELCOME10"}, headers=HEADERS)
        response = await place(client, order_body(cart, card, email=email))
        return response.status_code, response.json()["error"]["code"]

    declined = "4000000000000002"
    assert await attempt("past@customer.test", declined) == (402, "card_declined")
    assert await attempt("someone@new.test", declined) == (402, "card_declined")
    caplog.clear()
    assert await attempt("past@customer.test", "4242424242424242") == (422, "discount_used_up")
    authorized, voided = gateway_ledger(caplog)
    assert len(authorized) == 1 and voided == authorized
