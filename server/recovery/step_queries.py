"""SQL for recovery's reminders: the steps written to a contact (the address each went to,
its clicks) and the single-use codes they carry. Writes take the connection of the
caller's write transaction; reads take the Database (or that connection)."""

from __future__ import annotations

from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one
from server.offers.service import new_coupon_code

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
