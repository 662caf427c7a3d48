"""SQL for merchant logins, their memberships of stores, the invitations waiting to become
memberships, and their admin sessions."""

from __future__ import annotations

import aiosqlite

from server.db import Database, Reader, read_one

# ---- logins -------------------------------------------------------------------------------


async def upsert_user(
    conn: aiosqlite.Connection, email: str, password_hash: str, now_ms: int
) -> int:
    """Create the login, or set its new password; returns its id either way."""
    await conn.execute(
        "INSERT INTO users (email, password_hash, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (email) DO UPDATE SET password_hash = excluded.password_hash",
        (email, password_hash, now_ms),
    )
    user_id = await user_id_for_email(conn, email)
    assert user_id is not None
    return user_id


async def set_password_hash(conn: aiosqlite.Connection, user_id: int, password_hash: str) -> None:
    await conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))


async def user_id_for_email(conn: Reader, email: str) -> int | None:
    row = await read_one(conn, "SELECT id FROM users WHERE email = ?", (email,))
    return None if row is None else int(row["id"])


async def find_user_by_email(db: Database, email: str) -> aiosqlite.Row | None:
    return await db.fetch_one(
        "SELECT id, email, password_hash FROM users WHERE email = ?", (email,)
    )


async def password_hash_of(db: Database, user_id: int) -> str | None:
    return await db.fetch_value("SELECT password_hash FROM users WHERE id = ?", (user_id,))


# ---- memberships --------------------------------------------------------------------------


async def role_in_store(conn: Reader, store_id: int, user_id: int) -> str | None:
    """The login's role in the store: "owner", "staff", or None for a non-member."""
    row = await read_one(
        conn,
        "SELECT role FROM memberships WHERE store_id = ? AND user_id = ?",
        (store_id, user_id),
    )
    return None if row is None else str(row["role"])


async def store_ids_of(db: Database, user_id: int) -> set[int]:
    rows = await db.fetch_all("SELECT store_id FROM memberships WHERE user_id = ?", (user_id,))
    return {row["store_id"] for row in rows}


async def members_of(db: Database, store_id: int) -> list[aiosqlite.Row]:
    return await db.fetch_all(
        "SELECT u.id AS user_id, u.email, m.role, m.created_at FROM memberships m"
        " JOIN users u ON u.id = m.user_id WHERE m.store_id = ?"
        " ORDER BY m.role = 'staff', u.email",
        (store_id,),
    )


async def count_owners(conn: Reader, store_id: int) -> int:
    row = await read_one(
        conn,
        "SELECT count(*) AS owners FROM memberships WHERE store_id = ? AND role = 'owner'",
        (store_id,),
    )
    return int(row["owners"]) if row else 0


async def upsert_membership(
    conn: aiosqlite.Connection, store_id: int, user_id: int, role: str, now_ms: int
) -> None:
    await conn.execute(
        "INSERT INTO memberships (user_id, store_id, role, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (user_id, store_id) DO UPDATE SET role = excluded.role",
        (user_id, store_id, role, now_ms),
    )


async def delete_membership(conn: aiosqlite.Connection, store_id: int, user_id: int) -> None:
    await conn.execute(
        "DELETE FROM memberships WHERE store_id = ? AND user_id = ?", (store_id, user_id)
    )


async def role_of_email_in_store(conn: Reader, store_id: int, email: str) -> str | None:
    """The role in the store of the login with ``email``; None when there is no such member
    (whether or not the email has a login)."""
    row = await read_one(
        conn,
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.store_id = ? AND u.email = ?",
        (store_id, email),
    )
    return None if row is None else str(row["role"])


# ---- invitations --------------------------------------------------------------------------


async def upsert_invitation(
    conn: aiosqlite.Connection, store_id: int, email: str, role: str, invited_by: int, now_ms: int
) -> None:
    """Invite ``email``; inviting it again sets the invitation's role (and who sent it)."""
    await conn.execute(
        "INSERT INTO invitations (store_id, email, role, invited_by, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (store_id, email)"
        " DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by,"
        " created_at = excluded.created_at",
        (store_id, email, role, invited_by, now_ms),
    )


async def invitations_of_store(db: Database, store_id: int, since: int) -> list[aiosqlite.Row]:
    """The store's invitations sent at ``since`` or later (older ones have lapsed)."""
    return await db.fetch_all(
        "SELECT i.id, i.email, i.role, i.created_at, u.email AS invited_by FROM invitations i"
        " LEFT JOIN users u ON u.id = i.invited_by WHERE i.store_id = ? AND i.created_at >= ?"
        " ORDER BY i.created_at, i.id",
        (store_id, since),
    )


async def invitations_for_email(db: Database, email: str, since: int) -> list[aiosqlite.Row]:
    """The invitations waiting for ``email``, with the name of the store each is to."""
    return await db.fetch_all(
        "SELECT i.id, i.role, s.name AS store_name FROM invitations i"
        " JOIN stores s ON s.id = i.store_id WHERE i.email = ? AND i.created_at >= ?"
        " ORDER BY i.created_at, i.id",
        (email, since),
    )


async def invitation_for_email(
    conn: Reader, invitation_id: int, email: str, since: int
) -> aiosqlite.Row | None:
    """The invitation, only if it is addressed to ``email``, has not lapsed and its store
    still exists: any other is as missing."""
    return await read_one(
        conn,
        "SELECT i.id, i.store_id, i.role FROM invitations i JOIN stores s ON s.id = i.store_id"
        " WHERE i.id = ? AND i.email = ? AND i.created_at >= ?",
        (invitation_id, email, since),
    )


async def count_invitations(conn: Reader, store_id: int, except_email: str, since: int) -> int:
    """How many invitations of the store wait, leaving out ``except_email``'s."""
    row = await read_one(
        conn,
        "SELECT count(*) FROM invitations WHERE store_id = ? AND email != ? AND created_at >= ?",
        (store_id, except_email, since),
    )
    return int(row[0]) if row else 0


async def delete_invitations_sent_by(
    conn: aiosqlite.Connection, store_id: int, user_id: int
) -> None:
    await conn.execute(
        "DELETE FROM invitations WHERE store_id = ? AND invited_by = ?", (store_id, user_id)
    )


async def delete_invitation(conn: aiosqlite.Connection, invitation_id: int) -> None:
    await conn.execute("DELETE FROM invitations WHERE id = ?", (invitation_id,))


async def delete_invitation_of_store(
    conn: aiosqlite.Connection, store_id: int, invitation_id: int
) -> bool:
    cursor = await conn.execute(
        "DELETE FROM invitations WHERE id = ? AND store_id = ?", (invitation_id, store_id)
    )
    return cursor.rowcount == 1


async def delete_invitation_of_email(conn: aiosqlite.Connection, store_id: int, email: str) -> None:
    await conn.execute(
        "DELETE FROM invitations WHERE store_id = ? AND email = ?", (store_id, email)
    )


# ---- admin sessions -----------------------------------------------------------------------


async def insert_session(
    conn: aiosqlite.Connection, sid_hash: str, user_id: int, device: str, now_ms: int
) -> None:
    await conn.execute(
        "INSERT INTO admin_sessions (sid_hash, user_id, created_at, last_seen_at, device)"
        " VALUES (?, ?, ?, ?, ?)",
        (sid_hash, user_id, now_ms, now_ms, device),
    )


async def delete_expired_sessions(
    conn: aiosqlite.Connection, created_before: int, seen_before: int
) -> None:
    await conn.execute(
        "DELETE FROM admin_sessions WHERE created_at < ? OR last_seen_at < ?",
        (created_before, seen_before),
    )


async def find_session(db: Database, sid_hash: str) -> aiosqlite.Row | None:
    """The session and its login, by the hash of the cookie's session id."""
    return await db.fetch_one(
        "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, u.email"
        " FROM admin_sessions s JOIN users u ON u.id = s.user_id WHERE s.sid_hash = ?",
        (sid_hash,),
    )


async def sessions_of(db: Database, user_id: int) -> list[aiosqlite.Row]:
    return await db.fetch_all(
        "SELECT id, sid_hash, created_at, last_seen_at, device FROM admin_sessions"
        " WHERE user_id = ? ORDER BY last_seen_at DESC, id DESC",
        (user_id,),
    )


async def touch_session(conn: aiosqlite.Connection, session_id: int, now_ms: int) -> None:
    await conn.execute(
        "UPDATE admin_sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?",
        (now_ms, session_id, now_ms),
    )


async def delete_session(conn: aiosqlite.Connection, sid_hash: str) -> None:
    await conn.execute("DELETE FROM admin_sessions WHERE sid_hash = ?", (sid_hash,))


async def delete_session_of_user(conn: aiosqlite.Connection, user_id: int, session_id: int) -> None:
    await conn.execute(
        "DELETE FROM admin_sessions WHERE id = ? AND user_id = ?", (session_id, user_id)
    )


async def delete_sessions_of_user(
    conn: aiosqlite.Connection, user_id: int, keep_sid_hash: str | None = None
) -> None:
    await conn.execute(
        "DELETE FROM admin_sessions WHERE user_id = ? AND sid_hash IS NOT ?",
        (user_id, keep_sid_hash),
    )
