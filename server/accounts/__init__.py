"""Stores, merchant logins and who may reach which store: shared by the CLI, the demo and the
admin.

A login reaches a store only as one of its members: an ``owner`` manages the members and
the store's settings, ``staff`` work its orders, products, discount codes and campaigns. A
store always keeps at least one owner.

In the admin, an owner does not add a login: they invite an email, and the login with that
email becomes a member only when it accepts. The owner's answer is the same whether or not
the email has a login, so inviting is no way to find out who has an account, and no one is
put in a store without their consent. The CLI's ``add_member`` stays direct: an operator
with the database at hand needs no one's consent.
"""

from __future__ import annotations

import hashlib

import aiosqlite

from server.accounts import queries
from server.db import Database
from server.emails import normalize_email
from server.errors import NotFound, ValidationFailed
from server.security import hash_password, verify_password
from server.stores.queries import insert_store
from server.stores.service import NewStore, Store

MIN_PASSWORD_LENGTH = 8
# An invitation not accepted within this long lapses (inviting again renews it); a store
# keeps at most MAX_INVITATIONS waiting.
INVITATION_LIFETIME_MS = 14 * 24 * 3600 * 1000
MAX_INVITATIONS = 50
ROLES = ("owner", "staff")
NO_SUCH_INVITATION = "There is no such invitation."

# What a password is checked against when the email has no login: a real scrypt hash (of a
# password nobody knows) with hash_password's parameters, so a wrong email costs the same
# hashing as a wrong password and the answer's timing does not tell which emails have logins.
NO_SUCH_LOGIN_HASH = (
    "scrypt$16384:8:1$51ada8294134b49d1bec82604625a44f$"
    "08078c672e47842222ed6f243551213ab5b1c35fd2cc9f7d09d581e7e6a083a4"
)


def sid_hash(sid: str) -> str:
    """What ``admin_sessions`` keeps of a session id (the cookie's), never the id itself."""
    # The id is 144 random bits: a plain hash is enough, nothing to slow down against.
    return hashlib.sha256(sid.encode()).hexdigest()


async def create_store(
    db: Database, new: NewStore, owner_email: str | None = None, *, now: int
) -> Store:
    """Create a store; with ``owner_email``, that login becomes its owner in the same
    transaction (a missing login creates nothing)."""

    async def write(conn: aiosqlite.Connection) -> Store:
        owner_id = None if owner_email is None else await _existing_login(conn, owner_email)
        store = await insert_store(conn, new, now)
        if owner_id is not None:
            await queries.upsert_membership(conn, store.id, owner_id, "owner", now)
        return store

    return await db.write(write)


def validate_login(email: str, password: str) -> tuple[str, str]:
    email = normalize_email(email, message="Use a full email address, such as you@example.com.")
    return email, validate_password(password)


def validate_password(password: str, field: str = "password") -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.", field=field
        )
    return password


async def create_user(db: Database, email: str, password: str, *, now: int) -> None:
    """Create a merchant login, or set a new password if the email already has one. A new
    password ends every session of the login: whoever had the old one is signed out."""
    email, password = validate_login(email, password)
    hashed = hash_password(password)  # hashed before the write: scrypt is slow on purpose

    async def write(conn: aiosqlite.Connection) -> None:
        user_id = await queries.upsert_user(conn, email, hashed, now)
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


async def add_member(
    db: Database, store_id: int, email: str, role: str, *, replace_role: bool = False, now: int
) -> None:
    """Make an existing login a member of the store. An existing member is refused, unless
    ``replace_role`` (the CLI, re-runnable) sets their role instead."""
    role = _valid_role(role)

    async def write(conn: aiosqlite.Connection) -> None:
        user_id = await _existing_login(conn, email, field="email")
        current = await queries.role_in_store(conn, store_id, user_id)
        if current is not None and not replace_role:
            raise ValidationFailed(
                f"{email.strip().lower()} is already a member of this store ({current}).",
                field="email",
            )
        await _keep_an_owner(conn, store_id, current, role)
        await queries.upsert_membership(conn, store_id, user_id, role, now)
        # Added directly, they have nothing left to accept.
        await queries.delete_invitation_of_email(conn, store_id, email.strip().lower())

    await db.write(write)


async def invite_member(
    db: Database, store_id: int, email: str, role: str, invited_by: int, *, now: int
) -> None:
    """Invite ``email`` to the store as ``role``, whether or not it has a login (one may be
    created later); inviting it again sets the role. Refused only for what the owner can
    already see: a bad address or role, or an email that is a member of the store."""
    email = normalize_email(email)
    role = _valid_role(role)

    async def write(conn: aiosqlite.Connection) -> None:
        current = await queries.role_of_email_in_store(conn, store_id, email)
        if current is not None:
            raise ValidationFailed(
                f"{email} is already a member of this store ({current}).", field="email"
            )
        waiting = await queries.count_invitations(
            conn, store_id, email, since=invitation_cutoff(now)
        )
        if waiting >= MAX_INVITATIONS:
            raise ValidationFailed(
                f"{MAX_INVITATIONS} invitations are waiting to be accepted: cancel some first.",
                field="email",
            )
        await queries.upsert_invitation(conn, store_id, email, role, invited_by, now)

    await db.write(write)


async def accept_invitation(
    db: Database, invitation_id: int, user_id: int, email: str, *, now: int
) -> int:
    """The login (``user_id``, ``email``) accepts an invitation addressed to its email and
    becomes a member with the invited role; one already a member keeps their role. Returns
    the store's id. Anyone else's invitation is NotFound, exactly as a missing one."""

    async def write(conn: aiosqlite.Connection) -> int:
        invitation = await _invitation_for(conn, invitation_id, email, now)
        store_id = int(invitation["store_id"])
        if await queries.role_in_store(conn, store_id, user_id) is None:
            await queries.upsert_membership(conn, store_id, user_id, invitation["role"], now)
        await queries.delete_invitation(conn, invitation_id)
        return store_id

    return await db.write(write)


async def decline_invitation(db: Database, invitation_id: int, email: str, *, now: int) -> None:
    async def write(conn: aiosqlite.Connection) -> None:
        await _invitation_for(conn, invitation_id, email, now)
        await queries.delete_invitation(conn, invitation_id)

    await db.write(write)


async def cancel_invitation(db: Database, store_id: int, invitation_id: int) -> None:
    """An owner withdraws an invitation of their store."""

    async def write(conn: aiosqlite.Connection) -> None:
        if not await queries.delete_invitation_of_store(conn, store_id, invitation_id):
            raise NotFound(NO_SUCH_INVITATION)

    await db.write(write)


async def _invitation_for(
    conn: aiosqlite.Connection, invitation_id: int, email: str, now: int
) -> aiosqlite.Row:
    invitation = await queries.invitation_for_email(
        conn, invitation_id, email, since=invitation_cutoff(now)
    )
    if invitation is None:
        raise NotFound(NO_SUCH_INVITATION)
    return invitation


async def change_role(db: Database, store_id: int, user_id: int, role: str, *, now: int) -> None:
    role = _valid_role(role)

    async def write(conn: aiosqlite.Connection) -> None:
        current = await queries.role_in_store(conn, store_id, user_id)
        if current is None:
            raise ValidationFailed("That login is no longer a member of this store.", field="role")
        await _keep_an_owner(conn, store_id, current, role)
        await queries.upsert_membership(conn, store_id, user_id, role, now)
        if current == "owner" and role != "owner":
            await queries.delete_invitations_sent_by(conn, store_id, user_id)

    await db.write(write)


async def remove_member(db: Database, store_id: int, user_id: int) -> None:
    async def write(conn: aiosqlite.Connection) -> None:
        current = await queries.role_in_store(conn, store_id, user_id)
        await _keep_an_owner(conn, store_id, current, None)
        await queries.delete_membership(conn, store_id, user_id)
        # An invitation carries its sender's authority: gone with it.
        await queries.delete_invitations_sent_by(conn, store_id, user_id)

    await db.write(write)


def _valid_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationFailed("Choose owner or staff.", field="role")
    return role


async def _existing_login(conn: aiosqlite.Connection, email: str, field: str = "owner") -> int:
    email = email.strip().lower()
    user_id = await queries.user_id_for_email(conn, email)
    if user_id is None:
        raise ValidationFailed(
            f"There is no login for {email}. Create it first (keepcart users create).",
            field=field,
        )
    return user_id


async def _keep_an_owner(
    conn: aiosqlite.Connection, store_id: int, current: str | None, new: str | None
) -> None:
    """Refuse a change that would leave the store without an owner."""
    if current == "owner" and new != "owner" and await queries.count_owners(conn, store_id) <= 1:
        raise ValidationFailed(
            "A store needs at least one owner: make someone else an owner first.", field="role"
        )


def invitation_cutoff(now: int) -> int:
    """The oldest an invitation may have been sent and still be accepted."""
    return now - INVITATION_LIFETIME_MS
