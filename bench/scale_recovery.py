"""The scale bench's cart recovery: the checkouts that left an email, their carts, reminders
and codes, the unsubscribes and the rebuilt carts ``bench/scale.py``'s ``grow`` adds, as the
app writes them (bulk SQL in grow's one transaction; the recovery model's own rules for the
holdout and the steps; the reminders through ``scale_outbox.Outbox``).

CONTACTS checkouts over the 90 days (consent mode, the default three steps, a 10 % holdout by
the app's hash of the address): most abandoned, a share ordering before that (kept only for
CONTACT_DAYS, as the retention does) or emptying their cart; the reminded ones get 1–3
reminders (the third with its single-use code), some clicked, some unsubscribing (the
suppression list), some emptying their cart; about 12 % recovered by one of the seeded
orders (``recovered_order_id``), some through a reminder's link (the rebuilt cart is the
order's); contacts ended more than CONTACT_DAYS ago cleared, as the retention leaves them.
None is still running: the sender would work through them while pages are timed (and a
cached database is reused long after its seed).
"""

from __future__ import annotations

import json
import random
import sqlite3
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from scale_content import Event, public_id
from scale_outbox import Order, Outbox

from server.messages.suppression import UNSUBSCRIBED
from server.recovery.model import (
    DEFAULT_CONSENT,
    DEFAULTS,
    EMPTIED,
    FINISHED,
    ORDERED,
    SUPPRESSED_BECAUSE,
    due_after,
    holdout_key,
    is_held_out,
)
from server.webhooks.emitting import iso_time

DAY_MS, HOUR_MS, MINUTE_MS = 86_400_000, 3_600_000, 60_000
CONTACTS = 30_000
CONTACT_DAYS = 30  # server.privacy.retention.CONTACT_DAYS
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
Product = tuple[int, str, str, str, int]  # id, sku, name, variant, price (bench/scale.py's)


@dataclass
class Contact:
    """One checkout's contact as the sequence left it (``checkout_contacts``' columns)."""

    id: int
    cart_id: int
    cart_public_id: str
    email: str
    created_at: int
    abandoned_at: int | None = None
    holdout: bool = False
    next_step: int = 1
    stopped_at: int | None = None
    stop_reason: str | None = None
    recovered_at: int | None = None
    recovered_order_id: int | None = None
    snapshot: list[dict[str, Any]] = field(default_factory=list)
    reminders: int = 0  # steps written


class Recovery:
    """The contacts, their carts, reminders and codes, the unsubscribes and rebuilt carts."""

    def __init__(self, conn: sqlite3.Connection, rng: random.Random, store_id: int,
                 products: list[Product], orders: list[Order], outbox: Outbox, now: int,
                 span_ms: int):  # fmt: skip
        self.conn, self.rng, self.store_id, self.now = conn, rng, store_id, now
        self.products, self.outbox, self.span_ms = products, outbox, span_ms
        self.orders, self.times = orders, [order.created_at for order in orders]
        self.used: set[int] = set()
        self.customers = sorted({order.email for order in orders})
        self.holdout = DEFAULTS.holdout_percent
        (self.currency,) = conn.execute(
            "SELECT currency FROM stores WHERE id = ?", (store_id,)
        ).fetchone()
        self.contact_id, self.cart_id, self.discount_id = (
            conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            for table in ("checkout_contacts", "carts", "discounts")
        )
        self.contacts: list[Contact] = []
        self.carts: list[tuple[Any, ...]] = []
        self.items: list[tuple[Any, ...]] = []
        self.emptied: set[int] = set()  # carts found empty: their items are gone
        self.steps: list[list[Any]] = []  # recovery_steps' columns
        self.codes: list[tuple[Any, ...]] = []
        self.unsubscribed: dict[str, tuple[Any, ...]] = {}
        self.rebuilt: list[tuple[Any, ...]] = []
        self.events: list[Event] = []

    def seed(self) -> None:
        self.conn.execute(
            "UPDATE recovery_settings SET mode = 'consent', consent_text = ?, holdout_percent = ?,"
            " steps = ? WHERE store_id = ?",
            (DEFAULT_CONSENT, self.holdout, json.dumps(DEFAULTS.steps_json()), self.store_id),
        )  # the defaults a real store runs, not the demo's minutes
        for n in range(CONTACTS):
            captured = self.now - self.rng.randrange(4 * DAY_MS, self.span_ms)
            roll = self.rng.random()
            if roll < 0.10:
                self.ordered_first(captured)
            elif roll < 0.13:
                self.emptied_first(captured, n)
            elif roll < 0.25:
                self.recovered()
            else:
                self.abandoned(captured, self._address(n))
        self.write()

    def _address(self, n: int) -> str:
        """A returning customer's address, or a new one."""
        if self.rng.random() < 0.4:
            return self.rng.choice(self.customers)
        return f"shopper.{n}@example.net"

    # ---- checkouts that were never abandoned (kept CONTACT_DAYS, then deleted) ----

    def ordered_first(self, captured: int) -> None:
        """Ordered within step 1's delay: stopped, never abandoned (an order of the last
        CONTACT_DAYS: the retention deleted older ones)."""
        if captured < self.now - CONTACT_DAYS * DAY_MS:
            return
        order = self._take_order(self.now - CONTACT_DAYS * DAY_MS, self.now)
        captured = order.created_at - self.rng.randrange(2 * MINUTE_MS, 55 * MINUTE_MS)
        self._contact(order.cart_id, order.cart_public_id, order.email, captured,
                      stopped_at=order.created_at, stop_reason=ORDERED)  # fmt: skip

    def emptied_first(self, captured: int, n: int) -> None:
        if captured < self.now - CONTACT_DAYS * DAY_MS:
            return  # the retention deleted it
        cart_id, cart_public_id, _ = self._cart(captured, with_items=False)
        first_due = captured + DEFAULTS.steps[0].delay_minutes * MINUTE_MS
        self._contact(cart_id, cart_public_id, f"shopper.{n}@example.net", captured,
                      stopped_at=first_due, stop_reason=EMPTIED)  # fmt: skip

    # ---- abandoned checkouts ----

    def recovered(self) -> None:
        """An abandoned checkout an order followed (the holdout's less often: what the
        reminders add), by a reminder's link, on the same cart, or by the email."""
        span_start = self.now - self.span_ms + 8 * DAY_MS
        while True:
            order = self._take_order(span_start, self.now - HOUR_MS)
            held = is_held_out(holdout_key(self.store_id, order.email), self.holdout)
            if not held or self.rng.random() < 0.6:
                break
            self.used.discard(order.id)
        abandoned_at = order.created_at - self._wait()
        captured = abandoned_at - DEFAULTS.steps[0].delay_minutes * MINUTE_MS
        self.abandoned(captured, order.email, order)

    def _wait(self) -> int:
        """From the abandonment to the order: after the first reminder (half), the second,
        or the third."""
        roll, rng = self.rng.random(), self.rng
        if roll < 0.5:
            return rng.randrange(10 * MINUTE_MS, 23 * HOUR_MS)
        if roll < 0.8:
            return rng.randrange(23 * HOUR_MS, 71 * HOUR_MS)
        return rng.randrange(71 * HOUR_MS, 7 * DAY_MS)

    def abandoned(self, captured: int, email: str, order: Order | None = None) -> None:
        rng = self.rng
        holdout = is_held_out(holdout_key(self.store_id, email), self.holdout)
        by_link = order is not None and not holdout and rng.random() < 0.65
        if order is not None and not by_link and rng.random() < 0.5:
            cart = (order.cart_id, order.cart_public_id, self._order_lines(order.id))
        else:
            cart = self._cart(captured, with_items=True)
        abandoned_at = captured + DEFAULTS.steps[0].delay_minutes * MINUTE_MS
        contact = self._contact(cart[0], cart[1], email, captured, abandoned_at=abandoned_at,
                                holdout=holdout, snapshot=cart[2])  # fmt: skip
        self._event(abandoned_at, "checkout.abandoned", {
            "cart_id": cart[1], "abandoned_at": iso_time(abandoned_at), "holdout": holdout,
            "currency": self.currency,
            "subtotal": sum(line["unit_price"] * line["quantity"] for line in cart[2]),
            "items": cart[2],
        })  # fmt: skip
        if holdout:
            contact.next_step = 0  # counted, never reminded
        else:
            self._remind(contact, order, by_link)
        if order is not None:
            self._recover(contact, order)

    def _remind(self, contact: Contact, order: Order | None, by_link: bool) -> None:
        """Its reminders until the order, an unsubscribe, an emptied cart, or the last."""
        assert contact.abandoned_at is not None
        times, done = [], 0
        while (planned := due_after(DEFAULTS.steps, done, contact.abandoned_at)) is not None:
            done = planned[0]
            times.append(planned[1])
        end, reason, unsubscribe = self._stop(contact, times, order)
        written = [at for at in times if at < end]
        for step, at in enumerate(written, start=1):
            clicked = by_link and step == len(written)
            self._reminder(contact, step, at, order, clicked)
        if unsubscribe is not None:
            self.unsubscribed[contact.email] = (self.store_id, contact.email, UNSUBSCRIBED,
                                                len(written), unsubscribe)  # fmt: skip
        contact.reminders = len(written)
        contact.next_step = min(len(written) + 1, len(times))
        contact.stopped_at, contact.stop_reason = min(end, times[-1]), reason
        if len(written) == len(times):
            contact.stop_reason = FINISHED

    def _stop(self, contact: Contact, times: list[int], order: Order | None
              ) -> tuple[int, str, int | None]:  # fmt: skip
        """(when the sequence stopped, why, when the address unsubscribed or None)."""
        if order is not None:
            return order.created_at, ORDERED, None
        roll, after = self.rng.random(), self.rng.randrange(1, len(times))
        if roll < 0.06 and contact.email not in self.unsubscribed:
            at = times[after - 1] + self.rng.randrange(10 * MINUTE_MS, 20 * HOUR_MS)
            return at, UNSUBSCRIBED, at
        if roll < 0.09:  # found empty when the next step fell due: its items are gone
            self.emptied.add(contact.cart_id)
            return times[after], EMPTIED, None
        return times[-1] + 1, FINISHED, None

    def _reminder(self, contact: Contact, step: int, at: int, order: Order | None,
                  clicked: bool) -> None:  # fmt: skip
        """The step's email (and its code), as ``sequence.write_reminder`` writes them."""
        rng, discount = self.rng, None
        incentive = DEFAULTS.steps[step - 1].incentive
        if incentive is not None:
            self.discount_id += 1
            discount = self.discount_id
            code = "KC-" + "".join(rng.choices(CODE_ALPHABET, k=4)) + "-" + "".join(
                rng.choices(CODE_ALPHABET, k=4))  # fmt: skip
            self.codes.append((discount, self.store_id, code, incentive.kind, incentive.value,
                               at + incentive.days * DAY_MS, at, contact.cart_id))  # fmt: skip
        suppressed = None
        if order is not None and order.created_at - at < 2 * HOUR_MS and rng.random() < 0.5:
            suppressed = (SUPPRESSED_BECAUSE[ORDERED], order.created_at)  # a retry was waiting
        message, sent = self.outbox.email(
            "recovery", contact.email, at, suppressed=suppressed, cart_id=contact.cart_id,
            inputs={"contact": contact.id, "step": step, "discount": discount},
        )  # fmt: skip
        clicks, first_click = 0, None
        if clicked and order is not None:
            clicks, first_click = rng.randint(1, 3), (at + order.created_at) // 2
            self._rebuilt(contact, step, order, first_click)
        elif sent is not None and rng.random() < 0.09:
            clicks = rng.randint(1, 2)
            first_click = min(self.now - 1, sent + rng.randrange(2 * MINUTE_MS, 12 * HOUR_MS))
        self.steps.append([contact.id, step, message, discount, at, clicks, first_click,
                           contact.email, sent])  # fmt: skip

    def _rebuilt(self, contact: Contact, step: int, order: Order, at: int) -> None:
        """The cart the reminder's link rebuilt, which the order was placed from."""
        claim = public_id(self.rng, "clm")[4:]
        self.rebuilt.append((order.cart_id, self.store_id, contact.cart_id, contact.id, step,
                             claim, at))  # fmt: skip

    def _recover(self, contact: Contact, order: Order) -> None:
        """The order's write marks the checkout recovered and says so to the webhooks."""
        assert contact.abandoned_at is not None
        contact.recovered_at, contact.recovered_order_id = order.created_at, order.id
        self._event(order.created_at, "checkout.recovered", {
            "cart_id": contact.cart_public_id, "order_id": order.public_id,
            "number": order.number, "currency": self.currency, "total": order.total,
            "abandoned_at": iso_time(contact.abandoned_at), "holdout": contact.holdout,
            "last_reminder_step": contact.reminders or None,
        })  # fmt: skip

    # ---- rows ----

    def _take_order(self, since: int, until: int) -> Order:
        """A random order placed in [since, until) not used by another checkout."""
        low, high = bisect_left(self.times, since), bisect_left(self.times, until)
        while True:
            order = self.orders[self.rng.randrange(low, high)]
            if order.id not in self.used:
                self.used.add(order.id)
                return order

    def _order_lines(self, order_id: int) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT sku, name, quantity, unit_price FROM order_items WHERE order_id = ?",
            (order_id,),
        ).fetchall()
        return [dict(zip(("sku", "name", "quantity", "unit_price"), row, strict=True))
                for row in rows]  # fmt: skip

    def _cart(self, captured: int, with_items: bool) -> tuple[int, str, list[dict[str, Any]]]:
        """A new open cart of 1–3 products: (id, public id, its lines)."""
        self.cart_id += 1
        code = f"cart_{self.rng.getrandbits(80):020x}"
        created = captured - self.rng.randrange(MINUTE_MS, 30 * MINUTE_MS)
        self.carts.append((self.cart_id, code, self.store_id, created, captured))
        lines = []
        for product_id, sku, name, _, price in self.rng.sample(self.products,
                                                               self.rng.randint(1, 3)):  # fmt: skip
            quantity = self.rng.choice((1, 1, 2))
            if with_items:
                self.items.append((self.cart_id, product_id, quantity, created))
            lines.append({"sku": sku, "name": name, "quantity": quantity, "unit_price": price})
        return self.cart_id, code, lines

    def _contact(self, cart_id: int, cart_public_id: str, email: str, captured: int,
                 **state: Any) -> Contact:  # fmt: skip
        self.contact_id += 1
        contact = Contact(self.contact_id, cart_id, cart_public_id, email, captured, **state)
        self.contacts.append(contact)
        return contact

    def _event(self, at: int, event_type: str, data: dict[str, Any]) -> None:
        self.events.append((at, event_type, data))

    def write(self) -> None:
        conn, cleared = self.conn, self._retention()
        conn.executemany(
            "INSERT INTO carts (id, public_id, store_id, status, created_at, updated_at)"
            " VALUES (?, ?, ?, 'open', ?, ?)",
            self.carts,
        )
        conn.executemany(
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)",
            [item for item in self.items if item[0] not in self.emptied],
        )
        conn.executemany(
            "INSERT INTO discounts (id, store_id, code, kind, value, expires_at, usage_limit,"
            " created_at, cart_id) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)",
            self.codes,
        )
        conn.executemany(
            "INSERT INTO checkout_contacts (id, store_id, cart_id, email, wording, mode,"
            " cart_snapshot, created_at, updated_at, abandoned_at, holdout, next_step,"
            " stopped_at, stop_reason, recovered_at, recovered_order_id)"
            " VALUES (?, ?, ?, ?, ?, 'consent', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self._contact_row(contact, cleared.get(contact.id)) for contact in self.contacts],
        )
        for row in self.steps:
            row[7] = None if row[0] in cleared else row[7]  # the address it went to, cleared
        conn.executemany(
            "INSERT INTO recovery_steps (contact_id, step, message_public_id, discount_id,"
            " written_at, clicks, first_click_at, sent_to, delivered_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.steps,
        )
        conn.executemany(
            "INSERT INTO email_suppressions (store_id, email, reason, step, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            list(self.unsubscribed.values()),
        )
        conn.executemany(
            "INSERT INTO recovered_carts (cart_id, store_id, source_cart_id, contact_id, step,"
            " notices_shown, claim, created_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
            self.rebuilt,
        )

    def _retention(self) -> dict[int, int]:
        """Contacts ended CONTACT_DAYS before now or more, cleared at the next hourly run
        after: {contact id: when}. Never-abandoned ones were deleted then (none is seeded)."""
        cleared = {}
        for contact in self.contacts:
            ended = contact.stopped_at or contact.abandoned_at or contact.created_at
            due = ended + CONTACT_DAYS * DAY_MS + self.rng.randrange(HOUR_MS)
            if due < self.now and contact.abandoned_at is not None:
                cleared[contact.id] = due
        return cleared

    def _contact_row(self, contact: Contact, cleared: int | None) -> tuple[Any, ...]:
        """The row (``cleared``: when the retention cleared it, or None)."""
        times = (contact.created_at, contact.abandoned_at, contact.stopped_at,
                 contact.recovered_at)  # fmt: skip
        changed = cleared or max(at for at in times if at is not None)
        return (contact.id, self.store_id, contact.cart_id, None if cleared else contact.email,
                None if cleared else DEFAULT_CONSENT,
                "[]" if cleared or contact.abandoned_at is None else json.dumps(contact.snapshot),
                contact.created_at, changed, contact.abandoned_at, int(contact.holdout),
                contact.next_step, contact.stopped_at, contact.stop_reason, contact.recovered_at,
                contact.recovered_order_id)  # fmt: skip
