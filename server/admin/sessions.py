"""Signed-in admin sessions, kept on the server so that they can be ended.

The cookie (``server.admin.auth``) carries a random session id. A request is signed in only
while the SHA-256 of that id has a row in ``admin_sessions`` that is neither past its absolute
lifetime nor idle past its idle lifetime. Deleting the row ends the session wherever the
cookie was copied to: sign-out, a password change, "sign out everywhere else".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiosqlite

from server.accounts import queries, sid_hash
from server.db import Database

MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

# However busy, a session ends this long after sign-in: a stolen cookie is not for ever.
ABSOLUTE_LIFETIME_MS = 7 * DAY_MS
# A session nobody has used for this long ends: a forgotten browser signs itself out.
IDLE_LIFETIME_MS = 24 * HOUR_MS
# last_seen_at is written at most this often, so browsing the admin costs no write per page;
# idle expiry may come this much later than IDLE_LIFETIME_MS.
LAST_SEEN_RESOLUTION_MS = 5 * MINUTE_MS


@dataclass(frozen=True)
class SignedIn:
    session_id: int
    user_id: int
    email: str


@dataclass(frozen=True)
class ActiveSession:
    session_id: int
    created_at: int
    last_seen_at: int
    device: str
    is_current: bool


def is_live(created_at: int, last_seen_at: int, now: int) -> bool:
    return now - created_at < ABSOLUTE_LIFETIME_MS and now - last_seen_at < IDLE_LIFETIME_MS


async def start_session(
    db: Database, sid: str, user_id: int, user_agent: str, now: int, *, replaces: str
) -> None:
    """Record a new signed-in session in place of the browser's previous one (``replaces``,
    ended if it was signed in), and forget every expired session while writing."""
    device = describe_device(user_agent)

    async def write(conn: aiosqlite.Connection) -> None:
        await queries.delete_session(conn, sid_hash(replaces))
        await queries.delete_expired_sessions(
            conn, now - ABSOLUTE_LIFETIME_MS, now - IDLE_LIFETIME_MS
        )
        await queries.insert_session(conn, sid_hash(sid), user_id, device, now)

    await db.write(write)


async def signed_in(db: Database, sid: str, now: int) -> SignedIn | None:
    """Who a session id is signed in as, or None when it has ended or expired."""
    row = await queries.find_session(db, sid_hash(sid))
    if row is None or not is_live(row["created_at"], row["last_seen_at"], now):
        return None
    if now - row["last_seen_at"] >= LAST_SEEN_RESOLUTION_MS:
        await db.write(lambda conn: queries.touch_session(conn, row["id"], now))
    return SignedIn(row["id"], row["user_id"], row["email"])


async def end_session(db: Database, sid: str) -> None:
    await db.write(lambda conn: queries.delete_session(conn, sid_hash(sid)))


async def end_session_of(db: Database, user_id: int, session_id: int) -> None:
    """End one of this login's sessions (another login's session id does nothing)."""
    await db.write(lambda conn: queries.delete_session_of_user(conn, user_id, session_id))


async def end_other_sessions(db: Database, user_id: int, keep_sid: str) -> None:
    await db.write(lambda conn: queries.delete_sessions_of_user(conn, user_id, sid_hash(keep_sid)))


async def active_sessions(
    db: Database, user_id: int, current_sid: str, now: int
) -> list[ActiveSession]:
    current = sid_hash(current_sid)
    return [
        ActiveSession(
            row["id"], row["created_at"], row["last_seen_at"], row["device"],
            row["sid_hash"] == current,
        )
        for row in await queries.sessions_of(db, user_id)
        if is_live(row["created_at"], row["last_seen_at"], now)
    ]  # fmt: skip


# Most specific first: Edge and Opera say "Chrome" too, Chrome says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    (re.compile(r"iPhone|iPad"), "iOS"),
    (re.compile(r"Android"), "Android"),
    (re.compile(r"CrOS"), "ChromeOS"),
    (re.compile(r"Windows"), "Windows"),
    (re.compile(r"Mac OS X|Macintosh"), "macOS"),
    (re.compile(r"Linux"), "Linux"),
)


def describe_device(user_agent: str) -> str:
    """A short name for the browser a session signed in from, e.g. "Firefox on macOS".

    Only this is kept, not the User-Agent itself: enough to recognise one's own devices.
    """
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for pattern, name in _SYSTEMS if pattern.search(user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
