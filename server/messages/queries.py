"""SQL for the outbox and a store's email settings. Writes take the connection of the caller's
write transaction; reads take the Database (or that connection, with ``read_all``)."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

import aiosqlite

from server.db import Database, Reader, read_all, read_one
from server.messages.model import (
    KINDS,
    NO_SERVER_REASON,
    NO_SERVER_REASONS,
    QUEUED,
    RESENDABLE,
    SENDING,
    SENT,
    SUPPRESSED,
    UNSENT_NO_SERVER,
    EmailSettings,
    Message,
    Outcome,
)
from server.security import new_public_id

_COLUMNS = (
    "id, public_id, store_id, channel, kind, recipient, inputs, state, attempts,"
    " next_attempt_at, last_error, order_id, cart_id, created_at, updated_at, sent_at,"
    " deferred_reason"
)
_DUE = "state IN ('queued', 'sending') AND next_attempt_at <= ?"


def message_from_row(row: Any) -> Message:
    fields = dict(zip(row.keys(), row, strict=True))
    try:
        inputs = json.loads(fields["inputs"])
    except ValueError:
        inputs = {}
    fields["inputs"] = inputs if isinstance(inputs, dict) else {}
    return Message(**fields)


# ---- writing a message --------------------------------------------------------------------


async def insert_message(
    conn: aiosqlite.Connection, *, store_id: int, channel: str, kind: str, recipient: str,
    inputs: dict[str, Any], now: int, order_id: int | None = None, cart_id: int | None = None,
    due: int | None = None, deferred_reason: str | None = None, suppressed: str | None = None,
) -> str | None:  # fmt: skip
    """The new message's public id; None when the order already has this message. It is due
    at ``due`` (default: now), later than it would have been for ``deferred_reason``; or,
    with ``suppressed`` (the reason, for the merchant), it is written suppressed."""
    public_id = new_public_id("msg", 12)
    cursor = await conn.execute(
        "INSERT INTO messages (public_id, store_id, channel, kind, recipient, inputs,"
        " next_attempt_at, order_id, cart_id, created_at, updated_at, deferred_reason,"
        " state, last_error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (order_id, kind, recipient) WHERE order_id IS NOT NULL DO NOTHING",
        (public_id, store_id, channel, kind, recipient, json.dumps(inputs),
         now if due is None else due, order_id, cart_id, now, now,
         None if suppressed else deferred_reason, SUPPRESSED if suppressed else QUEUED,
         suppressed),
    )  # fmt: skip
    return public_id if cursor.rowcount == 1 else None


# ---- the sender's work --------------------------------------------------------------------


async def any_due(db: Database, now: int, channels: Collection[str]) -> bool:
    """Whether a claim of ``channels`` would find anything: a read, so an idle sender writes
    nothing."""
    marks = ", ".join("?" * len(channels))
    sql = f"SELECT 1 FROM messages WHERE {_DUE} AND channel IN ({marks}) LIMIT 1"
    return await db.fetch_value(sql, (now, *channels)) == 1


async def park_without_server(
    conn: aiosqlite.Connection, channels: Collection[str], now: int
) -> int:
    """Due messages of ``channels`` (those no server is configured for) become
    unsent_no_server: they wait there for the merchant, not for a retry."""
    parked = 0
    for channel in channels:
        cursor = await conn.execute(
            f"UPDATE messages SET state = ?, last_error = ?, deferred_reason = NULL,"
            f" updated_at = ? WHERE {_DUE} AND channel = ?",
            (UNSENT_NO_SERVER, NO_SERVER_REASONS.get(channel, NO_SERVER_REASON), now, now,
             channel),
        )  # fmt: skip
        parked += cursor.rowcount
    return parked


async def claim_due(
    conn: aiosqlite.Connection, channels: Collection[str], now: int, lease_ms: int, limit: int,
    *, one_per_recipient: bool = False,
) -> list[Message]:  # fmt: skip
    """Up to ``limit`` due messages of ``channels``, oldest due first, now ``sending`` under a
    lease until ``now + lease_ms``, each with its attempt counted and its wait over (no
    ``deferred_reason``). A message left sending past its lease (its sender died) is due
    again. ``one_per_recipient``: at most one message in flight per (store, recipient), this
    claim's included (each recipient's oldest due first)."""
    if not channels:
        return []
    marks = ", ".join("?" * len(channels))
    due = f"SELECT id FROM messages WHERE {_DUE} AND channel IN ({marks})"
    params: list[Any] = [now, *channels]
    if one_per_recipient:
        due = _ONE_PER_RECIPIENT.format(marks=marks)
        params = [now, *channels, *channels, now]
    rows = await read_all(
        conn,
        f"UPDATE messages SET state = ?, attempts = attempts + 1, next_attempt_at = ?,"
        f" deferred_reason = NULL, updated_at = ?"
        f" WHERE id IN ({due} ORDER BY next_attempt_at, id LIMIT ?)"
        f" RETURNING {_COLUMNS}",
        (SENDING, now + lease_ms, now, *params, limit),
    )
    return sorted((message_from_row(row) for row in rows), key=lambda m: m.id)


# Each recipient's oldest due message, of recipients with none in flight (sending under a
# lease not lapsed yet).
_ONE_PER_RECIPIENT = (
    "SELECT id FROM (SELECT id, next_attempt_at, row_number() OVER (PARTITION BY store_id,"
    f" recipient ORDER BY next_attempt_at, id) AS turn FROM messages due WHERE {_DUE}"
    " AND channel IN ({marks}) AND NOT EXISTS (SELECT 1 FROM messages busy"
    " WHERE busy.store_id = due.store_id AND busy.recipient = due.recipient"
    " AND busy.channel IN ({marks}) AND busy.state = 'sending' AND busy.next_attempt_at > ?))"
    " WHERE turn = 1"
)


async def record_sent(conn: aiosqlite.Connection, message: Message, now: int) -> bool:
    """Mark the claimed attempt delivered; False when the claim was no longer this one (its
    lease lapsed and another attempt took it over)."""
    cursor = await conn.execute(
        "UPDATE messages SET state = ?, sent_at = ?, last_error = NULL, updated_at = ?"
        " WHERE id = ? AND state = ? AND attempts = ?",
        (SENT, now, now, message.id, SENDING, message.attempts),
    )
    return cursor.rowcount == 1


async def record_failure(
    conn: aiosqlite.Connection, message: Message, outcome: Outcome, now: int
) -> bool:
    """Record the claimed attempt's failure as ``outcome`` (again later, or failed)."""
    cursor = await conn.execute(
        "UPDATE messages SET state = ?, next_attempt_at = ?, last_error = ?, updated_at = ?"
        " WHERE id = ? AND state = ? AND attempts = ?",
        (outcome.state, outcome.next_attempt_at, outcome.last_error, now, message.id, SENDING,
         message.attempts),
    )  # fmt: skip
    return cursor.rowcount == 1


async def record_deferral(
    conn: aiosqlite.Connection, message: Message, until: int, reason: str, now: int
) -> bool:
    """Put the claimed message back in the queue, due at ``until`` for ``reason`` (model's
    QUIET_HOURS: an SMS due in the shopper's quiet hours), its attempt not counted: it was
    not tried. Its last error, if a failed attempt before left one, stays."""
    cursor = await conn.execute(
        "UPDATE messages SET state = ?, attempts = attempts - 1, next_attempt_at = ?,"
        " deferred_reason = ?, updated_at = ? WHERE id = ? AND state = ? AND attempts = ?",
        (QUEUED, until, reason, now, message.id, SENDING, message.attempts),
    )
    return cursor.rowcount == 1


async def times_for_cart(conn: Reader, cart_id: int, kind: str) -> list[int]:
    """When each ``kind`` message of the cart that may reach the shopper was sent, or is due
    (those failed, suppressed or unsent never reached anyone)."""
    rows = await read_all(
        conn,
        "SELECT coalesce(sent_at, next_attempt_at) AS at FROM messages"
        " WHERE cart_id = ? AND kind = ? AND state IN ('queued', 'sending', 'sent')",
        (cart_id, kind),
    )
    return [row["at"] for row in rows]


async def times_for_recipient(conn: Reader, store_id: int, recipient: str, kind: str) -> list[int]:
    """``times_for_cart`` for the store's ``kind`` messages to ``recipient``, whatever their
    cart (by messages_by_recipient)."""
    rows = await read_all(
        conn,
        "SELECT coalesce(sent_at, next_attempt_at) AS at FROM messages"
        " WHERE store_id = ? AND recipient = ? AND kind = ?"
        " AND state IN ('queued', 'sending', 'sent')",
        (store_id, recipient, kind),
    )
    return [row["at"] for row in rows]


async def queued_since(conn: Reader, store_id: int, kind: str, since: int, count: int) -> bool:
    """Whether at least ``count`` of the store's ``kind`` messages that may reach someone were
    queued after ``since``: the ``count``th found ends the read (messages_by_store_state, a
    range per state)."""
    row = await read_one(
        conn,
        "SELECT 1 FROM messages WHERE store_id = ? AND state IN ('queued', 'sending', 'sent')"
        " AND created_at > ? AND kind = ? LIMIT 1 OFFSET ?",
        (store_id, since, kind, count - 1),
    )
    return row is not None


async def count_kind_since(conn: Reader, store_id: int, kind: str, since: int) -> int:
    """How many ``kind`` messages the store queued after ``since`` (messages_by_store)."""
    row = await read_one(
        conn,
        "SELECT count(*) AS n FROM messages WHERE store_id = ? AND created_at > ? AND kind = ?",
        (store_id, since, kind),
    )
    return 0 if row is None else int(row["n"])


async def state_of(conn: Reader, order_id: int, kind: str) -> str | None:
    """The state of the order's ``kind`` message; None when it has none."""
    row = await read_one(
        conn, "SELECT state FROM messages WHERE order_id = ? AND kind = ?", (order_id, kind)
    )
    return None if row is None else str(row["state"])


async def resend(
    conn: aiosqlite.Connection, store_id: int, public_id: str, now: int
) -> tuple[Message, bool] | None:
    """A failed (or unsent) message queued again, due now, with a fresh count of attempts
    and the same id (a receiver that got it after all still sees one): (the message, True).
    (The message as it is, False) when its state is not one to resend; None when the store
    has no such message."""
    found = await find_message(conn, store_id, public_id)
    if found is None or found.state not in RESENDABLE:
        return None if found is None else (found, False)
    await conn.execute(
        "UPDATE messages SET state = ?, attempts = 0, next_attempt_at = ?, updated_at = ?"
        " WHERE id = ?",
        (QUEUED, now, now, found.id),
    )
    again = await find_message(conn, store_id, public_id)
    assert again is not None
    return again, True


async def prune_final(conn: aiosqlite.Connection, before: int, limit: int) -> int:
    """Delete up to ``limit`` messages in a final state created before ``before``."""
    cursor = await conn.execute(
        "DELETE FROM messages WHERE id IN (SELECT id FROM messages"
        " WHERE created_at < ? AND state NOT IN ('queued', 'sending') LIMIT ?)",
        (before, limit),
    )
    return cursor.rowcount


# ---- the admin's reads --------------------------------------------------------------------


def _where(store_id: int, state: str | None) -> tuple[str, list[Any]]:
    if state:
        return "store_id = ? AND state = ?", [store_id, state]
    return "store_id = ?", [store_id]


async def list_messages(
    db: Database, store_id: int, state: str | None, *, limit: int, offset: int
) -> list[Message]:
    """Newest first."""
    where, params = _where(store_id, state)
    rows = await db.fetch_all(
        f"SELECT {_COLUMNS} FROM messages WHERE {where}"
        " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [message_from_row(row) for row in rows]


async def count_messages(db: Database, store_id: int, state: str | None) -> int:
    where, params = _where(store_id, state)
    return int(await db.fetch_value(f"SELECT count(*) FROM messages WHERE {where}", params))


async def messages_of_order(db: Reader, order_id: int) -> list[Message]:
    """The order's messages, oldest first (``messages_once_per_order`` finds them)."""
    rows = await read_all(
        db, f"SELECT {_COLUMNS} FROM messages WHERE order_id = ? ORDER BY created_at, id",
        (order_id,),
    )  # fmt: skip
    return [message_from_row(row) for row in rows]


async def find_message(db: Reader, store_id: int, public_id: str) -> Message | None:
    row = await read_one(
        db,
        f"SELECT {_COLUMNS} FROM messages WHERE store_id = ? AND public_id = ?",
        (store_id, public_id),
    )
    return None if row is None else message_from_row(row)


# ---- a store's email settings -------------------------------------------------------------


async def email_settings(db: Reader, store_id: int) -> EmailSettings:
    row = await read_one(
        db,
        "SELECT sender_name, sender_email, accent_colour, review_request_days,"
        " review_reminder_days, sms_quiet_end, sms_quiet_start FROM email_settings"
        " WHERE store_id = ?",
        (store_id,),
    )
    switches = await read_all(
        db, "SELECT kind, enabled FROM message_switches WHERE store_id = ?", (store_id,)
    )
    enabled = set(EmailSettings().enabled)
    for switch in switches:
        (enabled.add if switch["enabled"] else enabled.discard)(switch["kind"])
    if row is None:
        return EmailSettings(enabled=frozenset(enabled))
    return EmailSettings(
        row["sender_name"], row["sender_email"], row["accent_colour"], frozenset(enabled),
        row["review_request_days"], row["review_reminder_days"], row["sms_quiet_end"],
        row["sms_quiet_start"],
    )  # fmt: skip


async def save_email_settings(
    conn: aiosqlite.Connection, store_id: int, settings: EmailSettings, now: int
) -> None:
    await conn.execute(
        "INSERT INTO email_settings (store_id, sender_name, sender_email, accent_colour,"
        " review_request_days, review_reminder_days, sms_quiet_end, sms_quiet_start,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (store_id) DO UPDATE SET"
        " sender_name = excluded.sender_name, sender_email = excluded.sender_email,"
        " accent_colour = excluded.accent_colour,"
        " review_request_days = excluded.review_request_days,"
        " review_reminder_days = excluded.review_reminder_days,"
        " sms_quiet_end = excluded.sms_quiet_end, sms_quiet_start = excluded.sms_quiet_start,"
        " updated_at = excluded.updated_at",
        (store_id, settings.sender_name, settings.sender_email, settings.accent_colour,
         settings.review_request_days, settings.review_reminder_days, settings.sms_quiet_end,
         settings.sms_quiet_start, now),
    )  # fmt: skip
    await conn.executemany(
        "INSERT INTO message_switches (store_id, kind, enabled) VALUES (?, ?, ?)"
        " ON CONFLICT (store_id, kind) DO UPDATE SET enabled = excluded.enabled",
        [
            (store_id, kind.key, int(kind.key in settings.enabled))
            for kind in KINDS.values()
            if kind.switchable
        ],
    )


async def kind_enabled(conn: Reader, store_id: int, kind: str) -> bool:
    """Whether the store sends ``kind`` (its switch, or the kind's default)."""
    row = await read_one(
        conn,
        "SELECT enabled FROM message_switches WHERE store_id = ? AND kind = ?",
        (store_id, kind),
    )
    if row is None:
        return EmailSettings().sends(kind)
    return bool(row["enabled"]) or not KINDS[kind].switchable
