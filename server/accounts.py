"""Creating stores and merchant logins: shared by the CLI, the demo and the admin."""

from __future__ import annotations

import aiosqlite

from server.admin import queries
from server.admin.sessions import sid_hash
from server.clock import now_ms
from server.db import Database
from server.errors import ValidationFailed
from server.security import hash_password, verify_password
from server.stores.queries import insert_store
from server.stores.service import NewStore, Store

MIN_PASSWORD_LENGTH = 8

# What a password is checked against when the email has no login: a real scrypt hash (of a
# password nobody knows) with hash_password's parameters, so a wrong email costs the same
# hashing as a wrong password and the answer's timing does not tell which emails have logins.
NO_SUCH_LOGIN_HASH = (
    "scrypt$16384:8:1$51ada8294134b49d1bec82604625a44f$"
    "08078c672e47842222ed6f243551213ab5b1c35fd2cc9f7d09d581e7e6a083a4"
)


async def create_store(db: Database, new: NewStore) -> Store:
    return await db.write(lambda conn: insert_store(conn, new, now_ms()))


def validate_login(email: str, password: str) -> tuple[str, str]:
    email = email.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254:
        raise ValidationFailed("Use a full email address, such as you@example.com.", field="email")
    return email, validate_password(password)


def validate_password(password: str, field: str = "password") -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.", field=field
        )
    return password


async def create_user(db: Database, email: str, password: str) -> None:
    """Create a merchant login, or set a new password if the email already has one. A new
    password ends every session of the login: whoever had the old one is signed out."""
    email, password = validate_login(email, password)
    hashed = hash_password(password)  # hashed before the write: scrypt is slow on purpose

    async def write(conn: aiosqlite.Connection) -> None:
        user_id = await queries.upsert_user(conn, email, hashed, now_ms())
        await queries.delete_sessions_of_user(conn, user_id)

    await db.write(write)


def verify_login(password: str, stored_hash: str | None) -> bool:
    """Whether ``password`` matches a login's hash. ``None`` (no such login) is checked
    against NO_SUCH_LOGIN_HASH and is never a match: the same work either way."""
    matches = verify_password(password, stored_hash or NO_SUCH_LOGIN_HASH)
    return matches and stored_hash is not None


async def change_password(
    db: Database, user_id: int, current: str, new: str, keep_sid: str
) -> None:
    """A login changes its own password; every other session of the login ends, the one
    that made the change (``keep_sid``) stays signed in."""
    if not verify_login(current, await queries.password_hash_of(db, user_id)):
        raise ValidationFailed("That is not your current password.", field="current_password")
    hashed = hash_password(validate_password(new, field="new_password"))

    async def write(conn: aiosqlite.Connection) -> None:
        await queries.set_password_hash(conn, user_id, hashed)
        await queries.delete_sessions_of_user(conn, user_id, keep_sid_hash=sid_hash(keep_sid))

    await db.write(write)
