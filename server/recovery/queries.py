"""SQL for abandoned-checkout recovery: a store's settings, the contacts captured in checkout
and their sequences, the reminders written, the carts a link rebuilt. Writes take the
connection of the caller's write transaction; reads take the Database (or that connection)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one
from server.messages.suppression import is_suppressed
from server.offers.service import new_coupon_code
from server.recovery.model import (
    DEFAULTS,
    EMPTIED,
    FORGOTTEN,
    ORDERED,
    REPLACED,
    SUPPRESSED_BECAUSE,
    SWITCHED_OFF,
    UNSUBSCRIBED,
    OldLine,
    RecoverySettings,
    steps_from_json,
)
from server.security import Signer

# ---- settings -----------------------------------------------------------------------------


async def load_settings(db: Reader, store_id: int) -> RecoverySettings:
    row = await read_one(
        db,
        "SELECT mode, notice_text, consent_text, shop_url, holdout_percent, steps, sms_text"
        " FROM recovery_settings WHERE store_id = ?",
        (store_id,),
    )
    if row is None:
        return DEFAULTS
    try:
        steps = steps_from_json(json.loads(row["steps"]))
    except ValueError:
        steps = DEFAULTS.steps
    return RecoverySettings(
        row["mode"], row["notice_text"], row["consent_text"], row["shop_url"],
        row["holdout_percent"], steps, row["sms_text"] or DEFAULTS.sms_text,
    )  # fmt: skip


async def save_settings(
    conn: aiosqlite.Connection, store_id: int, settings: RecoverySettings, now: int
) -> None:
    await conn.execute(
        "INSERT INTO recovery_settings (store_id, mode, notice_text, consent_text, shop_url,"
        " holdout_percent, steps, sms_text, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (store_id) DO UPDATE SET mode = excluded.mode,"
        " notice_text = excluded.notice_text, consent_text = excluded.consent_text,"
        " shop_url = excluded.shop_url, holdout_percent = excluded.holdout_percent,"
        " steps = excluded.steps, sms_text = excluded.sms_text,"
        " updated_at = excluded.updated_at",
        (store_id, settings.mode, settings.notice_text, settings.consent_text,
         settings.shop_url, settings.holdout_percent, json.dumps(settings.steps_json()),
         settings.sms_text, now),
    )  # fmt: skip


# ---- contacts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    id: int
    store_id: int
    cart_id: int
    cart_public_id: str
    cart_status: str
    email: str | None
    mode: str | None
    phone: str | None  # E.164, kept only with SMS consent
    sms_consent_wording: str | None
    created_at: int
    abandoned_at: int | None
    holdout: bool
    next_step: int
    next_due_at: int | None
    snapshot: list[OldLine]


_CONTACT = (
    "SELECT k.id, k.store_id, k.cart_id, c.public_id AS cart_public_id, c.status AS cart_status,"
    " k.email, k.mode, k.phone, k.sms_consent_wording, k.created_at, k.abandoned_at,"
    " k.holdout, k.next_step, k.next_due_at,"
    " k.cart_snapshot FROM checkout_contacts k JOIN carts c ON c.id = k.cart_id"
)


def _contact(row: Any) -> Contact:
    try:
        lines = [OldLine(**line) for line in json.loads(row["cart_snapshot"])]
    except (TypeError, ValueError):
        lines = []
    return Contact(
        row["id"], row["store_id"], row["cart_id"], row["cart_public_id"], row["cart_status"],
        row["email"], row["mode"], row["phone"], row["sms_consent_wording"], row["created_at"],
        row["abandoned_at"], bool(row["holdout"]),
        row["next_step"], row["next_due_at"], lines,
    )  # fmt: skip


@dataclass(frozen=True)
class Kept:
    """What a checkout's contact keeps: the email with the words shown with it (None: not
    kept), the phone with the SMS box's words (None: no SMS consent)."""

    email: str | None = None
    wording: str | None = None
    mode: str | None = None
    phone: str | None = None
    sms_wording: str | None = None


async def save_contact(
    conn: aiosqlite.Connection, *, store_id: int, cart_id: int, kept: Kept, due_at: int,
    now: int,
) -> None:  # fmt: skip
    """Keep the cart's email and phone and the words shown with each.

    Until the checkout is abandoned, giving them again starts step 1's delay again (it counts
    from the last time the shopper was in checkout), whatever stopped it before (an emptied
    cart filled again). After, the reminders stay with the address they went to: the same
    email updates the contact and its sequence goes on; a different one stops it (replaced)
    and starts a contact of its own, never redirecting the cart's later reminders. Either
    way the address's sequences for its other carts in the store stop (replaced): one
    address runs one sequence in a store, its latest cart's."""
    latest = await read_one(
        conn,
        "SELECT id, email, abandoned_at FROM checkout_contacts WHERE cart_id = ?"
        " ORDER BY id DESC LIMIT 1",
        (cart_id,),
    )
    if (
        latest is not None
        and latest["abandoned_at"] is not None
        and kept.email not in (None, latest["email"])
    ):
        await _stop_running(conn, "id = ?", (latest["id"],), now)
        latest = None
    if latest is None:
        contact_id = await _insert_contact(conn, store_id, cart_id, kept, due_at, now)
    else:
        contact_id = latest["id"]
        await _update_contact(conn, contact_id, kept, due_at, now)
    if kept.email is not None:
        await _stop_running(
            conn, "store_id = ? AND email = ? AND id != ?", (store_id, kept.email, contact_id),
            now,
        )  # fmt: skip


async def _insert_contact(
    conn: aiosqlite.Connection, store_id: int, cart_id: int, kept: Kept, due_at: int, now: int
) -> int:
    row = await read_one(
        conn,
        "INSERT INTO checkout_contacts (store_id, cart_id, email, wording, mode, phone,"
        " sms_consent_wording, created_at, updated_at, next_due_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (store_id, cart_id, kept.email, kept.wording, kept.mode, kept.phone, kept.sms_wording,
         now, now, due_at),
    )  # fmt: skip
    assert row is not None
    return int(row["id"])


async def _update_contact(
    conn: aiosqlite.Connection, contact_id: int, kept: Kept, due_at: int, now: int
) -> None:
    await conn.execute(
        "UPDATE checkout_contacts SET email = ?, wording = ?, mode = ?, phone = ?,"
        " sms_consent_wording = ?, updated_at = ?,"
        " next_due_at = CASE WHEN abandoned_at IS NULL THEN ? ELSE next_due_at END,"
        " stopped_at = CASE WHEN abandoned_at IS NULL THEN NULL ELSE stopped_at END,"
        " stop_reason = CASE WHEN abandoned_at IS NULL THEN NULL ELSE stop_reason END"
        " WHERE id = ?",
        (kept.email, kept.wording, kept.mode, kept.phone, kept.sms_wording, now, due_at,
         contact_id),
    )  # fmt: skip


async def _stop_running(
    conn: aiosqlite.Connection, where: str, params: tuple[Any, ...], now: int
) -> None:
    """Stop the running sequences ``where`` says (replaced); a stopped one keeps its reason."""
    await conn.execute(
        "UPDATE checkout_contacts SET next_due_at = NULL, stopped_at = ?, stop_reason = ?,"
        f" updated_at = ? WHERE {where} AND next_due_at IS NOT NULL",
        (now, REPLACED, now, *params),
    )


async def forget_contact(conn: aiosqlite.Connection, cart_id: int, now: int) -> None:
    """The shopper took their consent back: the email and phone go. A row an abandonment is
    counted in stays, without them and stopped; any other is deleted."""
    await conn.execute(
        "UPDATE checkout_contacts SET email = NULL, wording = NULL, phone = NULL,"
        " sms_consent_wording = NULL, next_due_at = NULL,"
        " stopped_at = coalesce(stopped_at, ?), stop_reason = coalesce(stop_reason, 'forgotten'),"
        " updated_at = ? WHERE cart_id = ?",
        (now, now, cart_id),
    )
    await conn.execute(
        "DELETE FROM checkout_contacts WHERE cart_id = ? AND abandoned_at IS NULL",
        (cart_id,),
    )


async def any_due(db: Reader, now: int) -> bool:
    row = await read_one(
        db, "SELECT 1 FROM checkout_contacts WHERE next_due_at <= ? LIMIT 1", (now,)
    )
    return row is not None


async def due_contacts(conn: Reader, now: int, limit: int) -> list[Contact]:
    rows = await read_all(
        conn,
        f"{_CONTACT} WHERE k.next_due_at <= ? ORDER BY k.next_due_at, k.id LIMIT ?",
        (now, limit),
    )
    return [_contact(row) for row in rows]


async def find_contact(db: Reader, contact_id: int) -> Contact | None:
    row = await read_one(db, f"{_CONTACT} WHERE k.id = ?", (contact_id,))
    return None if row is None else _contact(row)


async def mark_abandoned(
    conn: aiosqlite.Connection, contact_id: int, *, holdout: bool, snapshot: list[OldLine],
    at: int,
) -> None:  # fmt: skip
    await conn.execute(
        "UPDATE checkout_contacts SET abandoned_at = ?, holdout = ?, cart_snapshot = ?,"
        " updated_at = ? WHERE id = ?",
        (at, int(holdout), json.dumps([line.__dict__ for line in snapshot]), at, contact_id),
    )


async def schedule(conn: aiosqlite.Connection, contact_id: int, step: int, due: int | None) -> None:
    await conn.execute(
        "UPDATE checkout_contacts SET next_step = ?, next_due_at = ? WHERE id = ?",
        (step, due, contact_id),
    )


async def stop(conn: aiosqlite.Connection, contact_id: int, reason: str, now: int) -> None:
    await conn.execute(
        "UPDATE checkout_contacts SET next_due_at = NULL, stopped_at = ?, stop_reason = ?,"
        " updated_at = ? WHERE id = ?",
        (now, reason, now, contact_id),
    )


async def stop_for_email(
    conn: aiosqlite.Connection, store_id: int, email: str, reason: str, now: int
) -> None:
    """Stop every running sequence of the address in the store (an unsubscribe)."""
    await conn.execute(
        "UPDATE checkout_contacts SET next_due_at = NULL, stopped_at = ?, stop_reason = ?,"
        " updated_at = ? WHERE store_id = ? AND email = ? AND next_due_at IS NOT NULL",
        (now, reason, now, store_id, email),
    )


# ---- what stops a sequence ----------------------------------------------------------------


async def recovered_cart_ids(conn: Reader, contact_id: int) -> list[int]:
    rows = await read_all(
        conn, "SELECT cart_id FROM recovered_carts WHERE contact_id = ?", (contact_id,)
    )
    return [row["cart_id"] for row in rows]


async def order_since(
    conn: Reader, store_id: int, cart_ids: Sequence[int], email: str | None, since: int
) -> int | None:
    """The first order of the store since ``since`` for one of the carts or the email (any
    device), by id; None when there is none."""
    marks = ", ".join("?" * len(cart_ids)) or "NULL"
    row = await read_one(
        conn,
        f"SELECT id FROM orders WHERE store_id = ? AND created_at >= ?"
        f" AND (cart_id IN ({marks}) OR email = ?) ORDER BY created_at, id LIMIT 1",
        (store_id, since, *cart_ids, email),  # no email (a phone only): NULL matches none
    )
    return None if row is None else row["id"]


async def item_count(conn: Reader, cart_id: int) -> int:
    row = await read_one(conn, "SELECT count(*) AS n FROM cart_items WHERE cart_id = ?", (cart_id,))
    return int(row["n"]) if row else 0


async def stop_reason(
    conn: Reader, contact: Contact, settings: RecoverySettings, signer: Signer | None
) -> str | None:
    """Why the contact's reminders are to stop now (model.STOP_REASONS), or None: asked when
    a step falls due and again when its email is sent, which can be hours later (a retry).
    ``signer``: the app's, so an erased shopper's opt-out (a keyed hash) is found too."""
    if contact.email is None and contact.phone is None:
        return FORGOTTEN
    carts = [contact.cart_id, *await recovered_cart_ids(conn, contact.id)]
    ordered = contact.cart_status == "ordered" or await order_since(
        conn, contact.store_id, carts, contact.email, contact.created_at
    )
    if ordered:
        return ORDERED
    if settings.mode == "off":
        return SWITCHED_OFF
    if await item_count(conn, contact.cart_id) == 0:
        return EMPTIED
    if contact.email and await is_suppressed(conn, contact.store_id, contact.email, signer):
        return UNSUBSCRIBED
    return None


async def ordered_from(conn: Reader, source_cart_id: int) -> bool:
    """Whether the cart, or a cart a link rebuilt from it, was ordered."""
    row = await read_one(
        conn,
        "SELECT 1 FROM carts WHERE status = 'ordered' AND (id = ? OR id IN"
        " (SELECT cart_id FROM recovered_carts WHERE source_cart_id = ?)) LIMIT 1",
        (source_cart_id, source_cart_id),
    )
    return row is not None


async def stop_for_order(
    conn: aiosqlite.Connection, store_id: int, cart_id: int, email: str, now: int
) -> None:
    """In an order's own write: the reminders queued for its cart, the cart a link rebuilt it
    from, or its email end suppressed, and those contacts' sequences stop (ordered)."""
    source = "(SELECT source_cart_id FROM recovered_carts WHERE cart_id = ?)"
    await conn.execute(
        "UPDATE messages SET state = 'suppressed', last_error = ?, updated_at = ?"
        " WHERE kind = 'recovery' AND state = 'queued' AND store_id = ?"
        f" AND (recipient = ? OR cart_id = ? OR cart_id = {source})",
        (SUPPRESSED_BECAUSE[ORDERED], now, store_id, email, cart_id, cart_id),
    )
    await conn.execute(
        "UPDATE checkout_contacts SET next_due_at = NULL, stopped_at = ?, stop_reason = ?,"
        " updated_at = ? WHERE store_id = ? AND next_due_at IS NOT NULL"
        f" AND (email = ? OR cart_id = ? OR cart_id = {source})",
        (now, ORDERED, now, store_id, email, cart_id, cart_id),
    )


# ---- reminders ----------------------------------------------------------------------------


async def record_step(
    conn: aiosqlite.Connection, contact_id: int, step: int, message_public_id: str | None,
    discount_id: int | None, now: int,
) -> None:  # fmt: skip
    # The address it goes to, kept: an unsubscribe from it stops that address.
    await conn.execute(
        "INSERT INTO recovery_steps (contact_id, step, message_public_id, discount_id,"
        " written_at, sent_to) VALUES (?, ?, ?, ?, ?,"
        " (SELECT recipient FROM messages WHERE public_id = ?))"
        " ON CONFLICT (contact_id, step) DO NOTHING",
        (contact_id, step, message_public_id, discount_id, now, message_public_id),
    )


async def steps_sent_to(conn: Reader, store_id: int, email: str, since: int) -> list[int]:
    """The steps of the reminders written to ``email`` in the store since ``since``, for any
    of its carts (by the address's contacts: an indexed look-up, then their steps')."""
    rows = await read_all(
        conn,
        "SELECT s.step FROM checkout_contacts k JOIN recovery_steps s ON s.contact_id = k.id"
        " WHERE k.store_id = ? AND k.email = ? AND s.written_at > ? AND s.message_public_id"
        " IS NOT NULL",
        (store_id, email, since),
    )
    return [row["step"] for row in rows]


async def any_step_written(conn: Reader, contact_id: int) -> bool:
    row = await read_one(
        conn, "SELECT 1 FROM recovery_steps WHERE contact_id = ? LIMIT 1", (contact_id,)
    )
    return row is not None


async def sent_to(conn: Reader, contact_id: int, step: int) -> str | None:
    """The address a reminder went to."""
    row = await read_one(
        conn,
        "SELECT sent_to FROM recovery_steps WHERE contact_id = ? AND step = ?",
        (contact_id, step),
    )
    return None if row is None else row["sent_to"]


async def step_discount(conn: Reader, contact_id: int, step: int) -> int | None:
    row = await read_one(
        conn,
        "SELECT discount_id FROM recovery_steps WHERE contact_id = ? AND step = ?",
        (contact_id, step),
    )
    return None if row is None else row["discount_id"]


async def record_click(conn: aiosqlite.Connection, contact_id: int, step: int, now: int) -> None:
    await conn.execute(
        "UPDATE recovery_steps SET clicks = clicks + 1,"
        " first_click_at = coalesce(first_click_at, ?) WHERE contact_id = ? AND step = ?",
        (now, contact_id, step),
    )


# ---- rebuilt carts ------------------------------------------------------------------------


async def insert_recovered_cart(
    conn: aiosqlite.Connection, *, cart_id: int, store_id: int, source_cart_id: int,
    contact_id: int | None, step: int | None, notices: list[str], claim: str, now: int,
) -> None:  # fmt: skip
    """``created_at`` is when the claim was exchanged; ``claim`` (unique) makes it once."""
    await conn.execute(
        "INSERT INTO recovered_carts (cart_id, store_id, source_cart_id, contact_id, step,"
        " notices, claim, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (cart_id, store_id, source_cart_id, contact_id, step, json.dumps(notices), claim, now),
    )


async def use_claim(conn: aiosqlite.Connection, claim: str, now: int, max_age_ms: int) -> bool:
    """True the first time the claim is exchanged; the claims too old to be read go."""
    await conn.execute("DELETE FROM recovery_claims_used WHERE used_at < ?", (now - max_age_ms,))
    cursor = await conn.execute(
        "INSERT INTO recovery_claims_used (claim, used_at) VALUES (?, ?)"
        " ON CONFLICT (claim) DO NOTHING",
        (claim, now),
    )
    return cursor.rowcount == 1


async def rebuilt_from(conn: Reader, cart_id: int) -> int | None:
    """The cart a link rebuilt this one from, if any."""
    row = await read_one(
        conn, "SELECT source_cart_id FROM recovered_carts WHERE cart_id = ?", (cart_id,)
    )
    return None if row is None else row["source_cart_id"]


async def claim_used(conn: Reader, claim: str) -> bool:
    row = await read_one(conn, "SELECT 1 FROM recovered_carts WHERE claim = ?", (claim,))
    return row is not None


async def pending_notices(conn: Reader, cart_id: int) -> list[str]:
    """What a rebuilt cart has not yet told its shopper (one read by the cart's key)."""
    row = await read_one(
        conn,
        "SELECT notices FROM recovered_carts WHERE cart_id = ? AND notices_shown = 0"
        " AND notices != '[]'",
        (cart_id,),
    )
    if row is None:
        return []
    notices = json.loads(row["notices"])
    return [str(notice) for notice in notices] if isinstance(notices, list) else []


async def mark_notices_shown(conn: aiosqlite.Connection, cart_id: int) -> bool:
    """True for the one request that shows them."""
    cursor = await conn.execute(
        "UPDATE recovered_carts SET notices_shown = 1 WHERE cart_id = ? AND notices_shown = 0",
        (cart_id,),
    )
    return cursor.rowcount == 1


# ---- incentives ---------------------------------------------------------------------------

_CODE_ATTEMPTS = 8


async def insert_incentive(
    conn: aiosqlite.Connection, *, store_id: int, cart_id: int, kind: str, value: int,
    expires_at: int, now: int,
) -> tuple[int, str]:  # fmt: skip
    """A single-use code bound to the abandoned cart (the link moves it to the cart it
    builds), so no one else can use it: (its id, its code)."""
    for _ in range(_CODE_ATTEMPTS):
        code = new_coupon_code()
        cursor = await conn.execute(
            "INSERT INTO discounts (store_id, code, kind, value, expires_at, usage_limit,"
            " created_at, cart_id) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"
            " ON CONFLICT (store_id, code) DO NOTHING",
            (store_id, code, kind, value, expires_at, now, cart_id),
        )
        if cursor.rowcount == 1:
            assert cursor.lastrowid is not None
            return cursor.lastrowid, code
    raise RuntimeError("could not find an unused code")  # 31^8 codes: a bug if reached


async def move_incentive(conn: aiosqlite.Connection, discount_id: int, cart_id: int) -> str | None:
    """Bind a reminder's code to the cart its link built; its code, or None when it is
    used up or gone."""
    row = await read_one(
        conn,
        "UPDATE discounts SET cart_id = ? WHERE id = ? AND times_used < coalesce(usage_limit, 1)"
        " RETURNING code",
        (cart_id, discount_id),
    )
    return None if row is None else row["code"]


async def incentive(conn: Reader, discount_id: int) -> Any:
    """The code's row (code, kind, value, expires_at), or None."""
    return await read_one(
        conn, "SELECT code, kind, value, expires_at FROM discounts WHERE id = ?", (discount_id,)
    )


async def cart_public_id(conn: Reader, cart_id: int) -> str | None:
    row = await read_one(conn, "SELECT public_id FROM carts WHERE id = ?", (cart_id,))
    return None if row is None else row["public_id"]


# ---- results ------------------------------------------------------------------------------


# Orders counted as sales, as the overview counts them.
_COUNTED = "('paid', 'fulfilled')"


async def abandoned_checkouts(db: Reader, store_id: int, attribution_ms: int) -> list[Any]:
    """Every abandoned checkout of the store: (id, holdout, abandoned_at, and the order that
    recovered it, written in that order's write (``mark_recovered``), if it is paid or
    fulfilled and within ``attribution_ms``: order id, total and time, else NULL). Read by
    id, never by email, which the retention clears. An order can recover several checkouts
    here; ``results`` credits it to one."""
    return await read_all(
        db,
        "SELECT k.id, k.holdout, k.abandoned_at, o.id AS order_id, o.total AS recovered_total,"
        " o.created_at AS recovered_at FROM checkout_contacts k LEFT JOIN orders o"
        f" ON o.id = k.recovered_order_id AND o.status IN {_COUNTED}"
        " AND o.created_at < k.abandoned_at + ?"
        " WHERE k.store_id = ? AND k.abandoned_at IS NOT NULL",
        (attribution_ms, store_id),
    )


async def steps_written(db: Reader, store_id: int) -> list[Any]:
    """Every reminder written in the store: its contact, step, when, clicks, and whether it
    was delivered (kept on the step: the outbox prunes its messages)."""
    return await read_all(
        db,
        "SELECT s.contact_id, s.step, s.written_at, s.clicks,"
        " (s.delivered_at IS NOT NULL OR m.state = 'sent') AS delivered FROM recovery_steps s"
        " JOIN checkout_contacts k ON k.id = s.contact_id"
        " LEFT JOIN messages m ON m.public_id = s.message_public_id WHERE k.store_id = ?",
        (store_id,),
    )


async def unsubscribes_by_step(db: Reader, store_id: int) -> dict[int, int]:
    rows = await read_all(
        db,
        "SELECT step, count(*) AS n FROM email_suppressions WHERE store_id = ?"
        " AND step IS NOT NULL GROUP BY step",
        (store_id,),
    )
    return {row["step"]: row["n"] for row in rows}


# ---- webhooks -----------------------------------------------------------------------------


async def store_currency(conn: Reader, store_id: int) -> str:
    row = await read_one(conn, "SELECT currency FROM stores WHERE id = ?", (store_id,))
    assert row is not None  # the caller's write has its store
    return row["currency"]


async def order_for_attribution(conn: Reader, order_id: int) -> Any:
    row = await read_one(
        conn,
        "SELECT public_id, number, cart_id, email, currency, total FROM orders WHERE id = ?",
        (order_id,),
    )
    assert row is not None  # the caller's write has just written it
    return row


async def recoverable_by(
    conn: Reader, store_id: int, cart_id: int | None, email: str, after: int, until: int
) -> list[Any]:
    """The abandoned checkouts of the store, not yet recovered, abandoned in (after, until],
    of the cart, of a cart whose link built it, or of the email (three indexed look-ups):
    (id, cart_public_id, abandoned_at, holdout, last_step: the latest reminder written by
    ``until``, or NULL)."""
    return await read_all(
        conn,
        "SELECT k.id, c.public_id AS cart_public_id, k.abandoned_at, k.holdout,"
        " (SELECT max(s.step) FROM recovery_steps s WHERE s.contact_id = k.id"
        "  AND s.written_at <= ?) AS last_step"
        " FROM checkout_contacts k JOIN carts c ON c.id = k.cart_id"
        " WHERE k.id IN (SELECT id FROM checkout_contacts WHERE cart_id = ?"
        "  UNION SELECT contact_id FROM recovered_carts WHERE cart_id = ?"
        "  UNION SELECT id FROM checkout_contacts WHERE store_id = ? AND email = ?)"
        " AND k.store_id = ? AND k.recovered_at IS NULL AND k.abandoned_at > ?"
        " AND k.abandoned_at <= ? ORDER BY k.id",
        (until, cart_id, cart_id, store_id, email, store_id, after, until),
    )


async def mark_recovered(
    conn: aiosqlite.Connection, contact_id: int, order_id: int, now: int
) -> None:
    await conn.execute(
        "UPDATE checkout_contacts SET recovered_at = ?, recovered_order_id = ? WHERE id = ?",
        (now, order_id, contact_id),
    )
