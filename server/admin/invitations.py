"""The invitations waiting for the signed-in login: listed on its Stores page, accepted or
declined there.

These routes are about no one store (the invitee is not a member yet), so the membership
gate does not apply: each finds the invitation by its id *and* the signed-in login's email,
and anyone else's invitation is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import accounts
from server.accounts import queries
from server.admin.forms import check_post
from server.admin.pages import Merchant, login_required
from server.db import Database
from server.services import services


async def invitations_for(db: Database, merchant: Merchant, now: int) -> list[dict[str, Any]]:
    since = accounts.invitation_cutoff(now)
    rows = await queries.invitations_for_email(db, merchant.email, since)
    return [{"id": r["id"], "role": r["role"], "store_name": r["store_name"]} for r in rows]


@login_required
async def accept(request: Request, merchant: Merchant) -> Response:
    await check_post(request, merchant)
    invitation_id = request.path_params["invitation_id"]
    store_id = await accounts.accept_invitation(
        services(request).db,
        invitation_id,
        merchant.user_id,
        merchant.email,
        now=services(request).clock.now_ms(),
    )
    return RedirectResponse(f"/admin/stores/{store_id}", 303)


@login_required
async def decline(request: Request, merchant: Merchant) -> Response:
    await check_post(request, merchant)
    invitation_id = request.path_params["invitation_id"]
    await accounts.decline_invitation(
        services(request).db, invitation_id, merchant.email, now=services(request).clock.now_ms()
    )
    return RedirectResponse("/admin/stores?saved=declined", 303)


BASE = "/invitations/{invitation_id:id}"
routes = [
    Route(BASE + "/accept", accept, methods=["POST"]),
    Route(BASE + "/decline", decline, methods=["POST"]),
]
