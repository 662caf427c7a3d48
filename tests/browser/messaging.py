"""An outbox row the browser tests read on the Messages pages: a cart reminder by SMS waiting
for the end of the shopper's quiet hours, as the outbox leaves one queued at night."""

from __future__ import annotations

import json
import sqlite3
import time

from tests.browser.conftest import Stack

PHONE = "+353871234567"
HOUR_MS = 3_600_000


def waiting_sms(stack: Stack, public_id: str = "msg_sms_waiting") -> str:
    """A shopper's abandoned cart (a mug) with their phone and SMS consent, and its reminder
    by SMS queued for ten hours from now, held for the quiet hours; the message's id. The
    sender leaves it alone until then (no SMS provider needs to answer)."""
    now = int(time.time() * 1000)
    store = stack.store.id
    with sqlite3.connect(stack.db_path, timeout=10) as conn:
        cart = conn.execute(
            "INSERT INTO carts (public_id, store_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (f"cart_{public_id}", store, now, now),
        ).lastrowid
        conn.execute(
            "INSERT INTO cart_items (cart_id, product_id, quantity, added_at) SELECT ?, id, 1, ?"
            " FROM products WHERE store_id = ? AND sku = 'FH-MUG-01'",
            (cart, now, store),
        )
        contact = conn.execute(
            "INSERT INTO checkout_contacts (store_id, cart_id, phone, sms_consent_wording,"
            " created_at, updated_at, abandoned_at, next_step) VALUES (?, ?, ?,"
            " 'Text me a reminder about my cart', ?, ?, ?, 2)",
            (store, cart, PHONE, now, now, now),
        ).lastrowid
        conn.execute(
            "INSERT INTO messages (public_id, store_id, channel, kind, recipient, inputs,"
            " next_attempt_at, deferred_reason, cart_id, created_at, updated_at)"
            " VALUES (?, ?, 'sms', 'recovery_sms', ?, ?, ?, 'quiet_hours', ?, ?, ?)",
            (public_id, store, PHONE, json.dumps({"contact": contact, "step": 1}),
             now + 10 * HOUR_MS, cart, now, now),
        )  # fmt: skip
    return public_id
