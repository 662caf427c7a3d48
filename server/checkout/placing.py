"""Placing an order at most once per Idempotency-Key, even with several server processes.

1. Reserve the key, in its own short transaction: a key already completed replays its
   answer; a key another request holds (in this process or another) is 409 in_progress.
2. Check the cart and price it; authorize the payment.
3. In one transaction: check the reservation is still this request's, check and price the
   cart again, write the order and complete the key with its answer.

Every way out that writes no order voids the authorization and releases the key, so the
shopper is never charged without an order and can retry with the same key.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite

from server.carts import queries as carts_queries
from server.carts.service import Cart
from server.checkout import idempotency, orders, queries
from server.checkout.addresses import COUNTRIES
from server.checkout.idempotency import Replay, Reservation, ReservationLost
from server.checkout.merchant_settings import CheckoutSettings
from server.checkout.quoting import CartQuote, delivery_json, quote_cart
from server.checkout.service import CheckoutRequest, parse_checkout
from server.db import Database, Reader
from server.errors import (
    Conflict,
    DatabaseBusy,
    DatabaseUnavailable,
    Unprocessable,
    ValidationFailed,
)
from server.messages.outbox import enqueue
from server.money import format_amount
from server.payments import Authorization
from server.stores import queries as stores_queries
from server.stores.service import Store
from server.webhooks.payloads import emit_order_event

log = logging.getLogger("keepcart.checkout")

# What else an order changes in its own write, given by a layer above checkout (the route:
# cart recovery's attribution and stopped reminders): (connection, store id, the new order's
# id, the ordered cart's id, the shopper's email, now).
OrderPlaced = Callable[[aiosqlite.Connection, int, int, int, str, int], Awaitable[None]]


async def place_order(
    db: Database, store: Store, cart: Cart, body: dict[str, Any], key: str, now: int,
    status_url: Callable[[str], str], on_placed: OrderPlaced | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Check the checkout ``body`` against the store's settings and place its order once per
    Idempotency-Key ``key``. The order's answer (a new order, or the one this key already
    placed), with the address of its receipt page: ``status_url(public id)``. ``on_placed``
    runs in the order's write (cart recovery: the checkout it recovers, the reminders it stops)."""
    settings = await queries.load_settings(db, store.id)
    checkout = parse_checkout(body, settings, now)
    # Shielded, like Database.write: a caller that goes away (a client disconnect) must not
    # leave a payment authorized without its order or its void, nor the key held.
    placing = _place(db, store, settings, cart, checkout, key, now, on_placed)
    return with_status_url(await asyncio.shield(asyncio.ensure_future(placing)), status_url)


async def _place(
    db: Database, store: Store, settings: CheckoutSettings, cart: Cart,
    checkout: CheckoutRequest, key: str, now: int, on_placed: OrderPlaced | None,
) -> dict[str, Any]:  # fmt: skip
    reserve = functools.partial(
        idempotency.reserve, store_id=store.id, key=key, fingerprint=checkout.fingerprint,
        now_ms=now,
    )  # fmt: skip
    held = await db.write(reserve)
    if isinstance(held, Replay):
        return held.response
    authorization = None
    try:
        check_orderable(cart)
        orders.check_order_stock(cart)
        # Whether this email has used a once-per-customer code is checked only with the order,
        # after a payment went through: checkout must not tell anyone who tries an address.
        try:
            priced = await price(db, store, settings, cart, checkout, now, per_customer=False)
        except Unprocessable:
            # A simultaneous request may have ordered the cart since it was read (its code is
            # then used up, say): that is the answer, not what its old snapshot fails on now.
            check_orderable(await carts_queries.load_cart(db, cart.public_id) or cart)
            raise
        authorization = await checkout.provider.authorize(
            checkout.payment_details, priced.quote.totals.total, store.currency
        )
        write = functools.partial(
            _write_order, held=held, store=store, settings=settings, cart=cart,
            checkout=checkout, total=priced.quote.totals.total, authorization=authorization,
            now=now, on_placed=on_placed,
        )  # fmt: skip
        return await db.write(write)
    except ReservationLost as lost:
        # Another request has the key now: its order, if any, is the shopper's one.
        assert authorization is not None
        await _void(checkout, authorization)
        if lost.replay is None:
            raise
        return lost.replay.response
    except BaseException as failure:
        # Once the file is gone, a read may still see the order in it, which is lost all the
        # same: void, never answer with it.
        lost = isinstance(failure, DatabaseUnavailable)
        written = await _undo(db, held, checkout, authorization, trust_read_back=not lost)
        if written is None:
            raise
        return written.response


async def _write_order(
    conn: aiosqlite.Connection, *, held: Reservation, store: Store, settings: CheckoutSettings,
    cart: Cart, checkout: CheckoutRequest, total: int, authorization: Authorization, now: int,
    on_placed: OrderPlaced | None = None,
) -> dict[str, Any]:  # fmt: skip
    await idempotency.check_held(conn, held)
    if await stores_queries.currency_now(conn, store.id) != store.currency:
        # Changed since this request read the store (the lock on a currency only sees written
        # orders): an order must never be written in a currency the shop no longer has.
        raise Conflict(
            "The shop changed its currency while you were paying; review your order.",
            code="currency_changed",
        )
    fresh = await orders.reload(conn, cart)
    check_orderable(fresh)
    orders.check_order_stock(fresh)
    priced = await price(conn, store, settings, fresh, checkout, now)
    if priced.quote.totals.total != total:
        raise Conflict(
            "Prices changed while you were paying; review the new total.", code="price_changed"
        )
    order_id, public_id, number = await queries.insert_order(
        conn, store_id=store.id, currency=store.currency, cart=fresh, request=checkout,
        priced=priced, authorization=authorization, now_ms=now,
    )  # fmt: skip
    response = order_json(public_id, number, fresh, checkout, priced, authorization, settings, now)
    await queue_order_emails(conn, store.id, order_id, checkout.email, authorization.method, now)
    await emit_order_webhooks(conn, store.id, order_id, authorization.status, now)
    if on_placed is not None:
        await on_placed(conn, store.id, order_id, fresh.id, checkout.email, now)
    await idempotency.complete(conn, held, order_id, response)
    return response


async def queue_order_emails(
    conn: aiosqlite.Connection, store_id: int, order_id: int, email: str, method: str, now: int
) -> None:
    """The order's emails, in its own transaction: its confirmation, and for a bank transfer
    the instructions to pay (each unless the store switched it off)."""
    await enqueue(conn, store_id, "order_confirmation", email, now, order_id=order_id)
    if method == "bank_transfer":
        await enqueue(conn, store_id, "payment_instructions", email, now, order_id=order_id)


async def emit_order_webhooks(
    conn: aiosqlite.Connection, store_id: int, order_id: int, status: str, now: int
) -> None:
    """The merchant's webhooks of a new order, in its own transaction: order.created, and
    order.paid when it was paid as it was placed (by card)."""
    await emit_order_event(conn, store_id, order_id, "order.created", now)
    if status == "paid":
        await emit_order_event(conn, store_id, order_id, "order.paid", now)


async def _undo(
    db: Database, held: Reservation, checkout: CheckoutRequest,
    authorization: Authorization | None, *, trust_read_back: bool = True,
) -> Replay | None:  # fmt: skip
    """After a failure, void the payment and release the key. Unless the order was written
    after all (rarely, a write fails after its COMMIT, on a checkpoint's I/O error): then its
    payment stands, and this returns its answer."""
    if authorization is not None:
        written = await _completed_by(db, held) if trust_read_back else None
        if written is not None:
            return written
        await _void(checkout, authorization)
    await _release(db, held)
    return None


async def _void(checkout: CheckoutRequest, authorization: Authorization) -> None:
    try:
        await checkout.provider.void(authorization)
    except Exception:
        # Say so and go on: the shopper's request fails either way, and the key is released.
        reference = authorization.reference
        log.exception("could not void payment %s; void it with the provider", reference)


async def _release(db: Database, held: Reservation) -> None:
    try:
        await db.write(functools.partial(idempotency.release, reservation=held))
    except DatabaseBusy:
        # The request's own error matters more. Until the release goes through, a retry with
        # this key is told the order is still being placed: keep trying in the background.
        log.warning("could not release a checkout's Idempotency-Key (database busy); retrying")
        task = asyncio.ensure_future(_release_later(db, held))
        _releasing.add(task)
        task.add_done_callback(_releasing.discard)
    except Exception as failure:  # the database is gone or broken: nothing to retry
        log.warning(
            "could not release a checkout's Idempotency-Key (%s); it lapses in %d s",
            type(failure).__name__,
            idempotency.ABANDONED_AFTER_MS // 1000,
        )


# Releases being retried: held here so that the event loop's weak reference keeps them going.
_releasing: set[asyncio.Future[None]] = set()
RELEASE_RETRY_SECONDS = 0.25


SHUTDOWN_GRACE_SECONDS = 2.0


async def finish_pending_releases() -> None:
    """On shutdown: give releases being retried a moment, then say how many were dropped
    (their keys lapse by themselves after ABANDONED_AFTER_MS)."""
    if not _releasing:
        return
    _, pending = await asyncio.wait(set(_releasing), timeout=SHUTDOWN_GRACE_SECONDS)
    for task in pending:
        task.cancel()
    if pending:
        log.warning(
            "stopping with %d Idempotency-Key(s) not released; they lapse in %d s",
            len(pending),
            idempotency.ABANDONED_AFTER_MS // 1000,
        )


async def _release_later(db: Database, held: Reservation) -> None:
    """Retry a release until it goes through, for as long as the key could stay reserved."""
    # Real time, not the app's clock: this bounds how long a background task keeps sleeping
    # and retrying, which a test's clock cannot shorten (the key's lapse itself is judged by
    # the stored times against the app's clock).
    loop = asyncio.get_running_loop()
    give_up_at = loop.time() + idempotency.ABANDONED_AFTER_MS / 1000
    while loop.time() < give_up_at:
        await asyncio.sleep(RELEASE_RETRY_SECONDS)
        try:
            await db.write(functools.partial(idempotency.release, reservation=held))
        except DatabaseBusy:
            continue
        except Exception:
            break  # gone or broken: the reservation lapses by itself
        return
    log.warning("gave up releasing a checkout's Idempotency-Key; it lapses by itself")


async def _completed_by(db: Database, held: Reservation) -> Replay | None:
    try:
        return await idempotency.completed_by(db, held)
    except Exception:
        log.warning("could not read back a checkout's Idempotency-Key", exc_info=True)
        return None


async def price(
    conn: Reader, store: Store, settings: CheckoutSettings, cart: Cart, checkout: CheckoutRequest,
    now: int, *, per_customer: bool = True,
) -> CartQuote:  # fmt: skip
    """The cart priced as it will be charged; ``per_customer`` off leaves out the rules that
    depend on the shopper's email (a once-per-customer code)."""
    priced = await quote_cart(
        conn, store, settings, cart, country=checkout.address.country,
        region=checkout.address.region, method_id=checkout.shipping_method,
        email=checkout.email if per_customer else None, now_ms=now,
        money=functools.partial(format_amount, currency=store.currency),
    )  # fmt: skip
    if not priced.methods:
        country = COUNTRIES[checkout.address.country].name
        raise ValidationFailed(f"Sorry, we don't ship to {country}.", field="address.country")
    if priced.discount_error is not None:
        raise priced.discount_error
    return priced


def check_orderable(cart: Cart) -> None:
    if cart.status != "open":
        raise Conflict("That cart has already been ordered.", code="cart_closed")
    if not cart.lines:
        raise Unprocessable("Your cart is empty.", field="cart", code="empty_cart")


def with_status_url(answer: dict[str, Any], status_url: Callable[[str], str]) -> dict[str, Any]:
    """``order_json``'s answer with the receipt page's address. Added on the way out rather
    than stored with the Idempotency-Key's answer, so a replay links with the current key and
    public URL, and an answer stored before receipt pages existed gets a link too."""
    order = answer["order"]
    return {**answer, "order": {**order, "status_url": status_url(order["id"])}}


def order_json(
    public_id: str, number: int, cart: Cart, checkout: CheckoutRequest, priced: CartQuote,
    authorization: Authorization, settings: CheckoutSettings, now: int,
) -> dict[str, Any]:  # fmt: skip
    assert priced.method is not None
    return {
        "order": {
            "id": public_id,
            "number": str(number),
            "status": authorization.status,
            "email": checkout.email,
            "items": [
                {
                    "sku": line.product.sku,
                    "name": line.product.name,
                    "variant": line.product.variant,
                    "image_url": line.product.image_url,
                    "quantity": line.quantity,
                    "unit_price": line.product.price,
                    "subtotal": line.subtotal,
                }
                for line in cart.lines
            ],
            "totals": priced.quote.totals.as_json(),
            "discount_code": priced.discount.code if priced.discount else None,
            "shipping_method": priced.method.name,
            "shipping_address": checkout.address.as_json(),
            "delivery": delivery_json(now, priced.delivery, priced.method),
            "payment": {
                "method": authorization.method,
                "brand": authorization.card_brand,
                "last4": authorization.card_last4,
                "instructions": settings.instructions_for(authorization.method),
            },
        }
    }
