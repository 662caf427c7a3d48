"""A store's members, for its owners: who can reach the store, and as what.

Owners invite an email with a role (the login with that email becomes a member when it
accepts, on its Stores page: ``server.admin.invitations``), cancel invitations, change roles
and remove members; the rules (a store keeps at least one owner, inviting answers the same
whether or not the email has a login) live in ``server.accounts``. Only owners reach these
pages: ``login_required`` answers 403 to staff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import accounts
from server.accounts import queries
from server.admin.forms import check_post
from server.admin.pages import Merchant, login_required, render_store_form, store_for_request
from server.db import Database
from server.errors import ValidationFailed
from server.orders.service import local_time
from server.services import services
from server.stores.service import Store

MemberChange = Callable[[Database, int, int, FormData], Awaitable[None]]

# What the invitee does, said plainly: Keepcart sends no email (yet).
INVITEE_STEPS = (
    "Ask them to sign in to Keepcart (or to have a login created for this email):"
    " the invitation waits on their Stores page."
)
NOTICES = {
    "invited": "Invitation saved. " + INVITEE_STEPS,
    "cancelled": "Invitation cancelled.",
    "role": "Role changed.",
    "removed": "Member removed. They can no longer open this store.",
}


@login_required
async def members_page(request: Request, merchant: Merchant) -> Response:
    return await _render(request, merchant, await store_for_request(request))


@login_required
async def invite_member(request: Request, merchant: Merchant) -> Response:
    """The same answer whether or not the email has a login: the invitation is saved."""
    store = await store_for_request(request)
    form = await check_post(request, merchant)
    values = {"email": str(form.get("email", "")).strip(), "role": str(form.get("role", ""))}
    db = services(request).db
    try:
        await accounts.invite_member(
            db,
            store.id,
            values["email"],
            values["role"],
            invited_by=merchant.user_id,
            now=services(request).clock.now_ms(),
        )
    except ValidationFailed as exc:
        errors = {exc.field or "email": exc.message}
        return await _render(request, merchant, store, values, errors)
    return _saved(store, "invited")


@login_required
async def cancel_invitation(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    await check_post(request, merchant)
    invitation_id = request.path_params["invitation_id"]
    await accounts.cancel_invitation(services(request).db, store.id, invitation_id)
    return _saved(store, "cancelled")


@login_required
async def change_role(request: Request, merchant: Merchant) -> Response:
    async def change(db: Database, store_id: int, user_id: int, form: FormData) -> None:
        await accounts.change_role(
            db, store_id, user_id, str(form.get("role", "")), now=services(request).clock.now_ms()
        )

    return await _change_member(request, merchant, change, "role")


@login_required
async def remove_member(request: Request, merchant: Merchant) -> Response:
    async def remove(db: Database, store_id: int, user_id: int, form: FormData) -> None:
        await accounts.remove_member(db, store_id, user_id)

    return await _change_member(request, merchant, remove, "removed")


async def _change_member(
    request: Request, merchant: Merchant, change: MemberChange, notice: str
) -> Response:
    """Apply ``change`` to the member named in the path. A refused change comes back as a
    422 with the error on that member's row."""
    store = await store_for_request(request)
    form = await check_post(request, merchant)
    user_id = request.path_params["user_id"]
    db = services(request).db
    try:
        await change(db, store.id, user_id, form)
    except ValidationFailed as exc:
        return await _render(request, merchant, store, errors={f"member-{user_id}": exc.message})
    if user_id == merchant.user_id:  # an owner who stepped down or left: not theirs to manage
        still_member = await queries.role_in_store(db, store.id, user_id) is not None
        return RedirectResponse(
            f"/admin/stores/{store.id}" if still_member else "/admin/stores", 303
        )
    return _saved(store, notice)


async def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    db = services(request).db
    rows = await queries.members_of(db, store.id)
    since = accounts.invitation_cutoff(services(request).clock.now_ms())
    invitations = await queries.invitations_of_store(db, store.id, since)
    context: dict[str, Any] = {
        "members": [_member(row, store, merchant) for row in rows],
        "invitations": [_invitation(row, store) for row in invitations],
        "invitee_steps": INVITEE_STEPS,
        "roles": accounts.ROLES,
        "values": {"email": "", "role": "staff"} | (values or {}),
        "members_url": f"/admin/stores/{store.id}/members",
    }
    return render_store_form(request, merchant, store, "members.html", context, errors, NOTICES)


def _member(row: Any, store: Store, merchant: Merchant) -> dict[str, Any]:
    return {
        "user_id": row["user_id"],
        "email": row["email"],
        "role": row["role"],
        "since": _day(row["created_at"], store),
        "is_you": row["user_id"] == merchant.user_id,
    }


def _invitation(row: Any, store: Store) -> dict[str, Any]:
    return {
        "id": row["id"],
        "email": row["email"],
        "role": row["role"],
        "sent": _day(row["created_at"], store),
        "invited_by": row["invited_by"],  # None once that login is gone
    }


def _day(ms: int, store: Store) -> str:
    day = local_time(ms, store.timezone)
    return f"{day.day} {day:%b %Y}"


def _saved(store: Store, notice: str) -> Response:
    return RedirectResponse(f"/admin/stores/{store.id}/members?saved={notice}", 303)


BASE = "/stores/{store_id:id}/members"
routes = [
    Route(BASE, members_page, methods=["GET"]),
    Route(BASE + "/invitations", invite_member, methods=["POST"]),
    Route(BASE + "/invitations/{invitation_id:id}/cancel", cancel_invitation, methods=["POST"]),
    Route(BASE + "/{user_id:id}/role", change_role, methods=["POST"]),
    Route(BASE + "/{user_id:id}/remove", remove_member, methods=["POST"]),
]
