"""The scale bench's outbox: the order emails and webhook deliveries ``bench/scale.py``'s
``grow`` adds, as the app writes them (bulk SQL in grow's one transaction), with the
reminders ``scale_recovery`` writes through the same ``Outbox``.

- The messages: order confirmations, payment instructions and shipping emails for the orders
  of the last EMAIL_DAYS, the reminders, the cart emails offers sent; sent, but failed now
  and then, and a stretch without a mail server (unsent_no_server).
- Two webhook endpoints (new orders; carts and reviews) and their deliveries, each with its
  attempts: retried through one endpoint's outage, a few failed for good. Their hosts
  (``*.bench.example``) never resolve: while the bench runs, its new orders' deliveries fail
  and are retried by the server's sender, as for a store whose receiver is down.

Every message is in a final state: the sender would work through any other while pages are
timed (and a cached database is reused long after its seed).
"""

from __future__ import annotations

import base64
import json
import random
import sqlite3
from dataclasses import dataclass
from typing import Any

from scale_content import Event, public_id

from server.messages.model import NO_SERVER_REASON
from server.webhooks.emitting import event_body, iso_time
from server.webhooks.model import RETRY_DELAYS_MS

DAY_MS, HOUR_MS, MINUTE_MS = 86_400_000, 3_600_000, 60_000
EMAIL_DAYS = 50  # the store has sent order emails this long
NO_SERVER_DAYS = (41, 39)  # days ago: the mail server's settings were missing after a move
ENDPOINTS = (
    ("https://erp.bench.example/keepcart/orders", "ERP: every new order", ("order.created",),
     25),
    ("https://hooks.bench.example/crm", "CRM: carts and reviews",
     ("checkout.abandoned", "checkout.recovered", "review.created"), 45),
)  # fmt: skip
OUTAGE_DAYS_AGO, OUTAGE_HOURS = 12, 9  # the CRM endpoint answered 503 meanwhile
Attempt = tuple[int, int, int, str | None, str]  # started, ms, status, error, snippet


@dataclass(frozen=True)
class Order:
    id: int
    public_id: str
    number: int
    cart_id: int
    cart_public_id: str
    status: str
    email: str
    total: int
    payment_method: str
    created_at: int


def seeded_orders(conn: sqlite3.Connection, store_id: int) -> list[Order]:
    """The store's orders by time, but the one placed through the app (its emails exist)."""
    rows = conn.execute(
        "SELECT o.id, o.public_id, o.number, o.cart_id, c.public_id, o.status, o.email,"
        " o.total, o.payment_method, o.created_at FROM orders o JOIN carts c ON c.id = o.cart_id"
        " WHERE o.store_id = ? AND o.id NOT IN (SELECT order_id FROM messages"
        " WHERE order_id IS NOT NULL) ORDER BY o.created_at",
        (store_id,),
    ).fetchall()
    return [Order(*row) for row in rows]


# --- the outbox -----------------------------------------------------------------------------


class Outbox:
    """The messages the seed writes, numbered as they are added (attempts name them), then
    in time order when written, as the app's ids run."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, store_id: int, now: int):
        (self.first_id,) = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM messages").fetchone()
        self.next_id = self.first_id
        self.rng, self.store_id, self.now = rng, store_id, now
        self.rows: list[tuple[Any, ...]] = []

    def add(self, channel: str, kind: str, recipient: str, at: int, state: str, *,
            attempts: int = 1, done: int | None = None, sent_at: int | None = None,
            last_error: str | None = None, inputs: dict[str, Any] | None = None,
            order_id: int | None = None, cart_id: int | None = None
            ) -> tuple[int, str]:  # fmt: skip
        """A message in a final state (``done``: its last change): (its id, its public id)."""
        message_id, code = self.next_id, public_id(self.rng, "msg")
        self.next_id += 1
        done = at if done is None else done
        self.rows.append((message_id, code, self.store_id, channel, kind, recipient,
                          json.dumps(inputs or {}), state, attempts, done, last_error, order_id,
                          cart_id, at, done, sent_at))  # fmt: skip
        return message_id, code

    def email(self, kind: str, recipient: str, at: int, *, suppressed: tuple[str, int] | None
              = None, **links: Any) -> tuple[str, int | None]:  # fmt: skip
        """An email written at ``at``, and what became of it: (public id, when delivered or
        None). ``suppressed``: (why, when) it was stopped while a retry waited."""
        rng, latest = self.rng, self.now - 1
        if suppressed is not None:
            why, when = suppressed
            _, code = self.add("email", kind, recipient, at, "suppressed", attempts=2,
                               done=when, last_error=why, **links)  # fmt: skip
            return code, None
        if self.now - NO_SERVER_DAYS[0] * DAY_MS <= at < self.now - NO_SERVER_DAYS[1] * DAY_MS:
            _, code = self.add("email", kind, recipient, at, "unsent_no_server", attempts=0,
                               last_error=NO_SERVER_REASON, **links)  # fmt: skip
            return code, None
        roll = rng.random()
        if roll < 0.01:
            refused = roll < 0.004
            why = ("The mail server refused the address: 550 5.1.1 mailbox unavailable."
                   if refused else "The mail server did not answer in time."
                   " (gave up after 10 attempts)")  # fmt: skip
            done = min(latest, at + (2_000 if refused else 8 * HOUR_MS))
            _, code = self.add("email", kind, recipient, at, "failed", last_error=why,
                               attempts=1 if refused else 10, done=done, **links)  # fmt: skip
            return code, None
        sent = min(latest, at + rng.randrange(1_000, 15_000))
        _, code = self.add("email", kind, recipient, at, "sent", done=sent, sent_at=sent,
                           **links)  # fmt: skip
        return code, sent

    def write(self, conn: sqlite3.Connection) -> dict[int, int]:
        """Every message, numbered in time order: {the id ``add`` gave: the id written}."""
        rows = sorted(self.rows, key=lambda row: (row[13], row[0]))
        renumbered = {row[0]: self.first_id + n for n, row in enumerate(rows)}
        conn.executemany(
            "INSERT INTO messages (id, public_id, store_id, channel, kind, recipient, inputs,"
            " state, attempts, next_attempt_at, last_error, order_id, cart_id, created_at,"
            " updated_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(renumbered[row[0]], *row[1:]) for row in rows],
        )
        return renumbered


def seed_messages(conn: sqlite3.Connection, rng: random.Random, outbox: Outbox,
                  orders: list[Order], owner: str, events: list[Event], now: int
                  ) -> None:  # fmt: skip
    """The order and offer emails, two test emails, the webhooks (of ``events`` and the
    orders'), then every message the outbox holds and the deliveries' attempts."""
    order_emails(rng, outbox, orders, now)
    for email, cart_id, at in conn.execute(
        "SELECT email, cart_id, created_at FROM email_consents WHERE store_id = ?",
        (outbox.store_id,),
    ).fetchall():
        outbox.email("cart_email", email, at + 2_000, cart_id=cart_id)
    for days in (75, 3):  # the owner checking the mail set-up
        outbox.email("test", owner, now - days * DAY_MS)
    attempts = seed_webhooks(conn, rng, outbox, [*events, *order_events(conn, orders, now)], now)
    message_ids = outbox.write(conn)
    conn.executemany(
        "INSERT INTO webhook_attempts (message_id, endpoint_id, attempt, started_at, duration_ms,"
        " status_code, error, response_snippet) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(message_ids[row[0]], *row[1:]) for row in attempts],
    )


def order_emails(rng: random.Random, outbox: Outbox, orders: list[Order], now: int) -> None:
    """Each order's confirmation (and a bank transfer's instructions) as it was placed, and
    a fulfilled order's shipping email a day or three later, for the last EMAIL_DAYS."""
    for order in orders:
        if order.created_at < now - EMAIL_DAYS * DAY_MS:
            continue
        outbox.email("order_confirmation", order.email, order.created_at, order_id=order.id)
        if order.payment_method == "bank_transfer":
            outbox.email("payment_instructions", order.email, order.created_at, order_id=order.id)
        shipped = order.created_at + rng.randrange(DAY_MS, 3 * DAY_MS)
        if order.status == "fulfilled" and shipped < now:
            outbox.email("order_shipped", order.email, shipped, order_id=order.id)


# --- webhooks -------------------------------------------------------------------------------


def order_events(conn: sqlite3.Connection, orders: list[Order], now: int) -> list[Event]:
    """``order.created`` for the orders since the first endpoint began, its data as
    ``server.webhooks.payloads.order_data`` writes it when the order is placed."""
    since = now - max(days for *_, days in ENDPOINTS) * DAY_MS
    items: dict[int, list[dict[str, Any]]] = {}
    names = ("sku", "name", "variant", "unit_price", "quantity", "subtotal", "discount", "tax")
    for order_id, *values in conn.execute(
        f"SELECT order_id, {', '.join(names)} FROM order_items WHERE order_id IN"
        " (SELECT id FROM orders WHERE created_at >= ?)",
        (since,),
    ):
        items.setdefault(order_id, []).append(dict(zip(names, values, strict=True)))
    events, seeded = [], {order.id for order in orders}
    for row in conn.execute(
        "SELECT id, public_id, number, currency, subtotal, discount_total, shipping_total,"
        " tax_total, total, prices_include_tax, discount_code, payment_method, shipping_method,"
        " delivery_from, delivery_to, created_at FROM orders WHERE created_at >= ?",
        (since,),
    ):
        if row[0] not in seeded:
            continue
        (order_id, code, number, currency, subtotal, discount, shipping, tax, total, included,
         discount_code, method, shipping_method, delivery_from, delivery_to, at) = row  # fmt: skip
        events.append((at, "order.created", {
            "order_id": code, "number": number,
            "status": "paid" if method == "test_card" else "awaiting_payment",
            "currency": currency,
            "totals": {"subtotal": subtotal, "discount": discount, "shipping": shipping,
                       "tax": tax, "total": total, "prices_include_tax": bool(included)},
            "discount_code": discount_code, "payment_method": method,
            "shipping_method": shipping_method,
            "delivery": {"from": delivery_from, "to": delivery_to},
            "items": items.get(order_id, []), "created_at": iso_time(at),
            "updated_at": iso_time(at),
        }))  # fmt: skip
    return events


def seed_webhooks(conn: sqlite3.Connection, rng: random.Random, outbox: Outbox,
                  events: list[Event], now: int) -> list[tuple[Any, ...]]:  # fmt: skip
    """The endpoints, their secrets, and a delivery of each event an endpoint subscribed to
    since it was added: its attempts (naming the outbox's ids)."""
    attempts: list[tuple[Any, ...]] = []
    events = sorted(events, key=lambda event: event[0])
    for url, description, wanted, days in ENDPOINTS:
        created = now - days * DAY_MS
        code = public_id(rng, "ep")
        endpoint_id = conn.execute(
            "INSERT INTO webhook_endpoints (public_id, store_id, url, description, event_types,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, outbox.store_id, url, description, " ".join(wanted), created, created),
        ).lastrowid
        conn.execute(
            "INSERT INTO webhook_secrets (endpoint_id, secret, created_at) VALUES (?, ?, ?)",
            (endpoint_id, "whsec_" + base64.b64encode(rng.randbytes(32)).decode(), created),
        )
        last_success = created
        for at, event_type, data in events:
            if event_type in wanted and created <= at < now - MINUTE_MS:
                tries = deliveries(rng, at, now, outage=len(wanted) > 1)
                message_id, delivered = _delivery(outbox, code, at, event_type, data, tries)
                attempts += [(message_id, endpoint_id, n, *attempt)
                             for n, attempt in enumerate(tries, start=1)]  # fmt: skip
                last_success = delivered or last_success
        conn.execute(
            "UPDATE webhook_endpoints SET last_success_at = ? WHERE id = ?",
            (last_success, endpoint_id),
        )
    return attempts


def _delivery(outbox: Outbox, endpoint: str, at: int, event_type: str, data: dict[str, Any],
              tries: list[Attempt]) -> tuple[int, int | None]:  # fmt: skip
    """The delivery's message, sent or failed as its last attempt says: (its id, when it was
    delivered or None)."""
    started, ms, status, error, _ = tries[-1]
    end = started + ms
    delivered = end if status == 200 else None
    message_id, _ = outbox.add(
        "webhook", "webhook", endpoint, at, "sent" if delivered else "failed",
        attempts=len(tries), done=end, sent_at=delivered,
        last_error=None if delivered else f"{error} (gave up after {len(tries)} attempts)",
        inputs=event_body(event_type, data, at),
    )  # fmt: skip
    return message_id, delivered


def deliveries(rng: random.Random, at: int, now: int, outage: bool) -> list[Attempt]:
    """A delivery's attempts on the retry schedule: (started, ms, status, error, snippet).
    Mostly one 200; now and then a 500 first; 503s through the CRM's outage; one in 500
    refused (400) until the schedule is spent (not for the last day's: still retrying)."""
    down_from = now - OUTAGE_DAYS_AGO * DAY_MS
    down_until = down_from + OUTAGE_HOURS * HOUR_MS
    refused = outage and at < now - 2 * DAY_MS and rng.random() < 0.002
    flaky = rng.random() < 0.01
    tries, started = [], at
    for attempt in range(len(RETRY_DELAYS_MS) + 1):
        ms = rng.randrange(40, 400)
        if refused:
            tries.append((started, ms, 400, "The endpoint answered 400.", '{"error":"bad"}'))
        elif outage and down_from <= started < down_until:
            tries.append((started, 15, 503, "The endpoint answered 503.", "Service Unavailable"))
        elif flaky and attempt == 0:
            tries.append((started, ms, 500, "The endpoint answered 500.", "Internal Server Error"))
        else:
            tries.append((started, ms, 200, None, '{"received":true}'))
            break
        if attempt < len(RETRY_DELAYS_MS):
            started += RETRY_DELAYS_MS[attempt]
    return tries
