"""A store's suppression list: addresses that asked for no more marketing from it (a
reminder's unsubscribe link). Every marketing kind (``Kind.marketing``) is checked against
it when it is written and again when it is sent, so an unsubscribe between the two still
stops it; an order's emails are transactional and still go.

An unsubscribe outlives the shopper's erasure (``server.privacy``) without their address:
erasing turns the row's ``email`` into ``HASHED`` + its keyed hash (HMAC under the app's
newest key, ``Signer.keyed_hash``), which nobody without the key can reverse or test a
guessed address against, and a check with the signer looks the address up both ways. An
address always holds an ``@``, a hash never: the two cannot be mistaken for each other, and
the row keeps its key (store, email) and its place in the results (``step``).

Only erased rows are hashed: a live row's address is what the store may keep to honour the
opt-out, and a plain address survives key rotation. An erased row is found while the key it
was hashed under is listed (``KEEPCART_SECRET_KEYS``); dropping that key forgets it.
"""

from __future__ import annotations

import aiosqlite

from server.db import Reader, read_one
from server.security import Purpose, Signer

UNSUBSCRIBED = "unsubscribed"
SUPPRESSED_REASON = "Not sent: the address unsubscribed from this store's reminders."
HASHED = "hmac:"


def hashed_forms(signer: Signer, email: str) -> list[str]:
    """How an erased row may hold ``email``: its hash under each listed key, newest first."""
    return [HASHED + h for h in signer.keyed_hashes(Purpose.SUPPRESSED_EMAIL, email.lower())]


async def is_suppressed(
    db: Reader, store_id: int, email: str, signer: Signer | None = None
) -> bool:
    """Whether the store's list holds ``email``: as an address, or (given the ``signer``)
    as the keyed hash an erasure left. Without the signer an erased shopper's row is not
    found: the sender, which every message passes, always gives it."""
    forms = [email.lower(), *(hashed_forms(signer, email) if signer else [])]
    row = await read_one(
        db,
        "SELECT 1 FROM email_suppressions WHERE store_id = ?"
        f" AND email IN ({','.join('?' * len(forms))})",
        (store_id, *forms),
    )
    return row is not None


async def suppress(
    conn: aiosqlite.Connection, store_id: int, email: str, reason: str, now: int, *,
    step: int | None = None,
) -> bool:  # fmt: skip
    """Add ``email`` to the store's list; False when it was on it already (the first
    unsubscribe is the one counted)."""
    cursor = await conn.execute(
        "INSERT INTO email_suppressions (store_id, email, reason, step, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id, email) DO NOTHING",
        (store_id, email.lower(), reason, step, now),
    )
    return cursor.rowcount == 1


async def hash_suppressed(
    conn: aiosqlite.Connection, signer: Signer, store_id: int, email: str
) -> int:
    """Inside an erasure's write: the store's row for ``email`` keeps only its keyed hash
    (replacing one an earlier erasure of the same address left); rows changed."""
    cursor = await conn.execute(
        "UPDATE OR REPLACE email_suppressions SET email = ? WHERE store_id = ? AND email = ?",
        (hashed_forms(signer, email)[0], store_id, email.lower()),
    )
    return cursor.rowcount
