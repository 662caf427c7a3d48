"""Cart recovery's data of one shopper (``server.recovery``'s tables, read and changed here
for a shopper's export and erasure only): the contacts they gave in checkout (email or phone,
the wording shown with it, the cart's lines when abandoned), the reminders each was sent and
the carts their links rebuilt, and their unsubscribe.

A contact is theirs when it holds their email or is for a cart of theirs (one an order of
theirs was placed from, or an "email me my cart" request kept). Erasing one clears what names
or describes them and stops its sequence; one whose checkout was abandoned stays otherwise
as it was, so the recovery results (abandoned, held out, reminded, clicked) stay right,
the way ``forget_contact`` keeps a withdrawn one. Their reminders' messages go with their
other messages (``erasing``: by address and by cart). Their unsubscribe stays, as a keyed
hash only (``server.messages.suppression``).

A reminder's unsubscribe link works for ever: where a contact is cleared (here, or by the
retention), each reminder keeps the keyed hash of the address it went to (``sent_to_hash``,
spelt as an erased suppression holds it), which the link puts on the store's list.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite

from server.db import Reader, Row, read_all, read_one
from server.messages.suppression import hash_suppressed, hashed_forms
from server.privacy.queries import marks
from server.recovery.model import FORGOTTEN
from server.security import Signer

Times = Callable[[int | None], str | None]

# A contact still holding something of the shopper's (the index of migration 0031 has it).
HOLDS_DETAILS = "(email IS NOT NULL OR phone IS NOT NULL OR cart_snapshot <> '[]')"
# What erasing or the retention clears of a contact; a running sequence stops with it.
_CLEARED = (
    "email = NULL, wording = NULL, phone = NULL, sms_consent_wording = NULL,"
    " cart_snapshot = '[]', stopped_at = CASE WHEN next_due_at IS NULL THEN stopped_at"
    " ELSE ? END, stop_reason = CASE WHEN next_due_at IS NULL THEN stop_reason ELSE ? END,"
    " next_due_at = NULL, updated_at = ?"
)
HOW_ASKED = {"notice": "told in checkout", "consent": "ticked to agree in checkout"}


async def shopper_contacts(
    db: Reader, store_id: int, email: str, cart_ids: Sequence[int]
) -> list[Row]:
    """Their contacts still holding details, oldest first: by email
    (checkout_contacts_by_email) and by cart (its unique key)."""
    parts, params = [], []
    if email:
        parts.append("SELECT id FROM checkout_contacts WHERE store_id = ? AND email = ?")
        params += [store_id, email]
    if cart_ids:
        parts.append(f"SELECT id FROM checkout_contacts WHERE cart_id IN ({marks(cart_ids)})")
        params += cart_ids
    if not parts:
        return []
    return await read_all(
        db,
        f"SELECT * FROM checkout_contacts WHERE id IN ({' UNION '.join(parts)})"
        f" AND +store_id = ? AND {HOLDS_DETAILS} ORDER BY created_at, id",
        [*params, store_id],
    )


async def unsubscribes(db: Reader, store_id: int, email: str) -> list[Row]:
    """Their address on the store's suppression list (its key): one row at most."""
    if not email:
        return []
    return await read_all(
        db,
        "SELECT email, reason, step, created_at FROM email_suppressions"
        " WHERE store_id = ? AND email = ?",
        (store_id, email),
    )


async def export_contacts(
    db: Reader, contacts: Sequence[Row], currency: str, when: Times
) -> list[dict[str, Any]]:
    """The contacts as the export writes them, each with its reminders and rebuilt carts."""
    ids = [row["id"] for row in contacts]
    if not ids:
        return []
    steps = await read_all(
        db,
        "SELECT contact_id, step, sent_to, written_at, clicks, first_click_at FROM recovery_steps"
        f" WHERE contact_id IN ({marks(ids)}) ORDER BY contact_id, step",
        ids,
    )
    rebuilt = await read_all(
        db,
        "SELECT contact_id, step, created_at FROM recovered_carts"
        f" WHERE contact_id IN ({marks(ids)}) ORDER BY created_at",
        ids,
    )
    return [
        _contact(
            row, currency, when,
            [s for s in steps if s["contact_id"] == row["id"]],
            [r for r in rebuilt if r["contact_id"] == row["id"]],
        )
        for row in contacts
    ]  # fmt: skip


def _contact(
    row: Row, currency: str, when: Times, steps: list[Row], rebuilt: list[Row]
) -> dict[str, Any]:
    return {
        "given_at": when(row["created_at"]),
        "email": row["email"],
        "how_asked": HOW_ASKED.get(row["mode"] or "", row["mode"]),
        "wording_shown": row["wording"],
        "phone": row["phone"],
        "sms_consent_wording": row["sms_consent_wording"],
        "abandoned_at": when(row["abandoned_at"]),
        "held_out_of_reminders": bool(row["holdout"]),
        "cart_when_abandoned": _snapshot(row["cart_snapshot"], currency),
        "reminders": [
            {"step": s["step"], "sent_to": s["sent_to"], "written_at": when(s["written_at"]),
             "clicks": s["clicks"], "first_click_at": when(s["first_click_at"])}
            for s in steps
        ],
        "carts_rebuilt_by_reminders": [
            {"step": r["step"], "at": when(r["created_at"])} for r in rebuilt
        ],
        "stopped": None if row["stopped_at"] is None else
        {"at": when(row["stopped_at"]), "why": row["stop_reason"]},
    }  # fmt: skip


def _snapshot(text: str, currency: str) -> list[dict[str, Any]]:
    try:
        lines = json.loads(text)
    except ValueError:
        return []
    return [
        {"sku": line.get("sku"), "product": line.get("name"), "quantity": line.get("quantity"),
         "unit_price": {"minor_units": line.get("unit_price"), "currency": currency}}
        for line in lines if isinstance(line, dict)
    ] if isinstance(lines, list) else []  # fmt: skip


def export_unsubscribes(rows: Sequence[Row], when: Times) -> list[dict[str, Any]]:
    return [
        {"email": row["email"], "unsubscribed_at": when(row["created_at"]),
         "reason": row["reason"], "from_reminder": row["step"]}
        for row in rows
    ]  # fmt: skip


async def clear_contacts(
    conn: aiosqlite.Connection, signer: Signer, contact_ids: Sequence[int], now: int
) -> int:
    """Inside a write: the contacts without their details, and stopped. One an abandonment is
    counted in stays for the results (with its reminders and rebuilt carts, which name
    nobody without it); any other is deleted. Rows done."""
    ids = list(contact_ids)
    if not ids:
        return 0
    await _hash_reminder_addresses(conn, signer, ids)
    await conn.execute(
        f"UPDATE checkout_contacts SET {_CLEARED}"
        f" WHERE id IN ({marks(ids)}) AND abandoned_at IS NOT NULL",
        [now, FORGOTTEN, now, *ids],
    )
    await conn.execute(
        f"DELETE FROM checkout_contacts WHERE id IN ({marks(ids)}) AND abandoned_at IS NULL", ids
    )
    return len(ids)


async def _hash_reminder_addresses(
    conn: aiosqlite.Connection, signer: Signer, contact_ids: list[int]
) -> None:
    """The address each reminder went to names them too: it goes, and its keyed hash stays
    for the reminder's unsubscribe link (the contact's email stands in where a reminder
    holds none, as it does for the link)."""
    rows = await read_all(
        conn,
        "SELECT s.contact_id, s.step, coalesce(s.sent_to, k.email) AS address"
        " FROM recovery_steps s JOIN checkout_contacts k ON k.id = s.contact_id"
        f" WHERE s.contact_id IN ({marks(contact_ids)})"
        " AND (s.sent_to IS NOT NULL OR (k.email IS NOT NULL AND s.sent_to_hash IS NULL))",
        contact_ids,
    )
    await conn.executemany(
        "UPDATE recovery_steps SET sent_to = NULL, sent_to_hash = ?"
        " WHERE contact_id = ? AND step = ?",
        [(_address_hash(signer, r["address"]), r["contact_id"], r["step"]) for r in rows],
    )


async def reminder_address_hash(db: Reader, contact_id: int, step: int) -> str | None:
    """The keyed hash of the address a reminder went to, kept when the address was cleared
    (as ``server.messages.suppression`` spells an erased row: ``HASHED`` and the hash)."""
    row = await read_one(
        db,
        "SELECT sent_to_hash FROM recovery_steps WHERE contact_id = ? AND step = ?",
        (contact_id, step),
    )
    return None if row is None else row["sent_to_hash"]


def _address_hash(signer: Signer, email: str) -> str:
    return hashed_forms(signer, email)[0]


async def erase_recovery(
    conn: aiosqlite.Connection, signer: Signer, store_id: int, email: str,
    contacts: Sequence[Row], now: int,
) -> dict[str, int]:  # fmt: skip
    """Inside the erasure's write: their contacts cleared, their unsubscribe hashed."""
    if email:  # a reminder to them from a checkout whose email was changed since
        await conn.execute(
            "UPDATE recovery_steps INDEXED BY recovery_steps_by_address SET sent_to = NULL,"
            " sent_to_hash = ? WHERE sent_to = ?"
            " AND (SELECT store_id FROM checkout_contacts WHERE id = contact_id) = ?",
            (_address_hash(signer, email), email, store_id),
        )
    ids = [row["id"] for row in contacts]
    return {
        "checkout_contacts": await clear_contacts(conn, signer, ids, now),
        "unsubscribes": await hash_suppressed(conn, signer, store_id, email) if email else 0,
    }
