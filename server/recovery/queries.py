"""SQL for abandoned-checkout recovery: a store's settings and the contacts captured in
checkout with their sequences. What stops a sequence is in ``stop_queries``, the reminders
written in ``step_queries``, the carts a link rebuilt in ``claim_queries``, the results
and the orders' attribution in ``results_queries``. Writes take the connection of the
caller's write transaction; reads take the Database (or that connection)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one
from server.recovery.model import (
    DEFAULTS,
    REPLACED,
    OldLine,
    RecoverySettings,
    steps_from_json,
)

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
