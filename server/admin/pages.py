"""What every admin page shares: rendering with CSRF and security headers, the login gate,
and the store a page is about."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from server.admin import sessions
from server.admin.auth import Session, csrf_token, read_session, write_session
from server.errors import NotFound
from server.stores.service import Store
from server.web import clock_ms

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self';"
    " script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}

NO_SUCH_STORE = "There is no such store."


@dataclass(frozen=True)
class Merchant:
    session: Session
    user_id: int
    email: str


Handler = Callable[[Request, Merchant], Awaitable[Response]]


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    session: Session,
    status: int = 200,
) -> Response:
    context = {"csrf_token": csrf_token(request, session), "errors": {}, **context}
    response = templates.TemplateResponse(
        request, template, context, status_code=status, headers=SECURITY_HEADERS
    )
    write_session(request, response, session)
    return response


def render_store_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    template: str,
    context: dict[str, Any],
    errors: dict[str, str] | None,
    notices: dict[str, str],
) -> Response:
    """A store's settings-style page: 422 with the field errors when a form was refused,
    else 200 with the notice named by ``?saved=`` (one of ``notices``)."""
    notice = None if errors else notices.get(request.query_params.get("saved", ""))
    shared = {"merchant": merchant, "store": store, "errors": errors or {}, "notice": notice}
    status = 422 if errors else 200
    return render(request, template, shared | context, session=merchant.session, status=status)


def login_required(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        merchant = await signed_in_merchant(request)
        if merchant is None:
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/admin/login?next={target}", 303)
        return await handler(request, merchant)

    return wrapper


async def signed_in_merchant(request: Request) -> Merchant | None:
    session = read_session(request)
    if session is None:
        return None
    who = await sessions.signed_in(request.app.state.db, session.sid, clock_ms(request))
    return None if who is None else Merchant(session, who.user_id, who.email)


async def store_for_request(request: Request) -> Store:
    raw = request.path_params["store_id"]
    store = await request.app.state.stores.by_id(raw)
    if store is None:
        raise NotFound(NO_SUCH_STORE)
    return store


def describe_age(seconds: int) -> str:
    if seconds < 10:
        return "just now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
