"""A store's members, for its owners: who can reach the store, and as what.

Owners add an existing login by email with a role, change roles and remove members; the
rules (a login must exist, a store keeps at least one owner) live in ``server.accounts``.
Only owners reach these pages: ``login_required`` answers 403 to staff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import accounts
from server.admin import queries
from server.admin.auth import check_csrf
from server.admin.pages import Merchant, login_required, render_store_form, store_for_request
from server.db import Database
from server.errors import ValidationFailed
from server.orders.service import local_time
from server.stores.service import Store

MemberChange = Callable[[Database, int, int, FormData], Awaitable[None]]

NOTICES = {
    "added": "Member added. They see this store the next time they open the admin.",
    "role": "Role changed.",
    "removed": "Member removed. They can no longer open this store.",
}


@login_required
async def members_page(request: Request, merchant: Merchant) -> Response:
    return await _render(request, merchant, await store_for_request(request))


@login_required
async def add_member(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = {"email": str(form.get("email", "")).strip(), "role": str(form.get("role", ""))}
    try:
        await accounts.add_member(request.app.state.db, store.id, values["email"], values["role"])
    except ValidationFailed as exc:
        errors = {exc.field or "email": exc.message}
        return await _render(request, merchant, store, values, errors)
    return _saved(store, "added")


@login_required
async def change_role(request: Request, merchant: Merchant) -> Response:
    async def change(db: Database, store_id: int, user_id: int, form: FormData) -> None:
        await accounts.change_role(db, store_id, user_id, str(form.get("role", "")))

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
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    user_id = request.path_params["user_id"]
    db = request.app.state.db
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
    rows = await queries.members_of(request.app.state.db, store.id)
    context: dict[str, Any] = {
        "members": [_member(row, store, merchant) for row in rows],
        "roles": accounts.ROLES,
        "values": {"email": "", "role": "staff"} | (values or {}),
        "members_url": f"/admin/stores/{store.id}/members",
    }
    return render_store_form(request, merchant, store, "members.html", context, errors, NOTICES)


def _member(row: Any, store: Store, merchant: Merchant) -> dict[str, Any]:
    since = local_time(row["created_at"], store.timezone)
    return {
        "user_id": row["user_id"],
        "email": row["email"],
        "role": row["role"],
        "since": f"{since.day} {since:%b %Y}",
        "is_you": row["user_id"] == merchant.user_id,
    }


def _saved(store: Store, notice: str) -> Response:
    return RedirectResponse(f"/admin/stores/{store.id}/members?saved={notice}", 303)


BASE = "/stores/{store_id:id}/members"
routes = [
    Route(BASE, members_page, methods=["GET"]),
    Route(BASE, add_member, methods=["POST"]),
    Route(BASE + "/{user_id:id}/role", change_role, methods=["POST"]),
    Route(BASE + "/{user_id:id}/remove", remove_member, methods=["POST"]),
]
