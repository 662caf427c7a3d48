"""A login's own account: its password and where it is signed in.

Changing the password ends every other session of the login. The session list shows each
signed-in browser (when it signed in, when it was last used, which one is this) and ends any
of them, or all but this one, on the server: their cookies stop working at once.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server import accounts
from server.admin import sessions
from server.admin.forms import check_post
from server.admin.pages import Merchant, describe_age, login_required, render
from server.errors import ValidationFailed
from server.forms import format_local_display
from server.services import services

NOTICES = {
    "password": "Password changed. Every other session of this login has been signed out.",
    "others": "Signed out everywhere else.",
    "one": "That session has been signed out.",
}

LIFETIMES = (
    f"{sessions.ABSOLUTE_LIFETIME_MS // sessions.DAY_MS} days after signing in,"
    f" or after {sessions.IDLE_LIFETIME_MS // sessions.HOUR_MS} hours unused"
)


@login_required
async def account_page(request: Request, merchant: Merchant) -> Response:
    return await _render(request, merchant)


@login_required
async def change_password(request: Request, merchant: Merchant) -> Response:
    form = await check_post(request, merchant)
    # Guessing the current password from a stolen session is as slow as guessing at sign-in.
    limiter = services(request).login_limiter
    if limiter.hit(("password", merchant.user_id)):
        errors = {"current_password": "Too many attempts. Try again in a few minutes."}
        return await _render(request, merchant, errors, status=429)
    current = str(form.get("current_password", ""))
    new = str(form.get("new_password", ""))
    errors: dict[str, str] = {}
    if new != str(form.get("confirm_password", "")):
        errors["confirm_password"] = "The two new passwords do not match."
    else:
        try:
            await accounts.change_password(
                services(request).db, merchant.user_id, current, new, merchant.session.sid
            )
        except ValidationFailed as exc:
            errors[exc.field or "form"] = exc.message
    if errors:
        return await _render(request, merchant, errors, status=422)
    return RedirectResponse("/admin/account?saved=password", 303)


@login_required
async def sign_out_others(request: Request, merchant: Merchant) -> Response:
    await check_post(request, merchant)
    await sessions.end_other_sessions(services(request).db, merchant.user_id, merchant.session.sid)
    return RedirectResponse("/admin/account?saved=others", 303)


@login_required
async def sign_out_one(request: Request, merchant: Merchant) -> Response:
    await check_post(request, merchant)
    session_id = request.path_params["session_id"]
    await sessions.end_session_of(services(request).db, merchant.user_id, session_id)
    return RedirectResponse("/admin/account?saved=one", 303)


async def _render(
    request: Request,
    merchant: Merchant,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    now = services(request).clock.now_ms()
    active = await sessions.active_sessions(
        services(request).db, merchant.user_id, merchant.session.sid, now
    )
    context: dict[str, Any] = {
        "merchant": merchant,
        "sessions": [_described(session, now) for session in active],
        "lifetimes": LIFETIMES,
        "errors": errors or {},
        "notice": None if errors else NOTICES.get(request.query_params.get("saved", "")),
    }
    return render(request, "account.html", context, session=merchant.session, status=status)


def _described(session: sessions.ActiveSession, now: int) -> dict[str, Any]:
    return {
        "id": session.session_id,
        "device": session.device,
        "signed_in": format_local_display(session.created_at, "UTC"),
        "last_seen": describe_age((now - session.last_seen_at) // 1000),
        "is_current": session.is_current,
    }


routes = [
    Route("/account", account_page, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/sessions/sign-out-others", sign_out_others, methods=["POST"]),
    Route("/account/sessions/{session_id:id}/sign-out", sign_out_one, methods=["POST"]),
]
