"""Creating stores and merchant logins: shared by the CLI, the demo and the admin."""

from __future__ import annotations

from server.admin.queries import insert_user
from server.clock import now_ms
from server.db import Database
from server.emails import normalize_email
from server.errors import ValidationFailed
from server.security import hash_password
from server.stores.queries import insert_store
from server.stores.service import NewStore, Store

MIN_PASSWORD_LENGTH = 8


async def create_store(db: Database, new: NewStore) -> Store:
    return await db.write(lambda conn: insert_store(conn, new, now_ms()))


def validate_login(email: str, password: str) -> tuple[str, str]:
    email = normalize_email(email, message="Use a full email address, such as you@example.com.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    return email, password


async def create_user(db: Database, email: str, password: str) -> None:
    """Create a merchant login, or set a new password if the email already has one."""
    email, password = validate_login(email, password)
    hashed = hash_password(password)  # hashed before the write: scrypt is slow on purpose
    await db.write(lambda conn: insert_user(conn, email, hashed, now_ms()))
