"""What every admin page shares: rendering with CSRF and security headers, the login gate
with its store membership check, and the store a page is about.

Tenancy is enforced here, once, for every page: ``login_required`` resolves the signed-in
login and, on any page whose path has a ``{store_id}``, the login's membership of that store.
A login that is not a member gets the same 404 as a store that does not exist; staff get a
403 on the pages only owners may open (``OWNER_ONLY``).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Scope, Send

from server.accounts import queries
from server.admin import sessions
from server.admin.auth import Session, csrf_token, read_session, write_session
from server.db.export_reader import ExportBroken, SnapshotExport
from server.errors import Forbidden, NotFound
from server.services import services
from server.stores.service import Store

T = TypeVar("T")
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self';"
    " script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}

# What staff may open in a store (the path after /admin/stores/{id}): its day-to-day work
# (orders, products, discount codes, campaigns, reviews, surveys, the messages sent to
# customers, cart recovery's results) and its overview. Everything else under a store is for
# owners only: its members, its checkout, email and cart recovery settings, one shopper's
# data (found by their email, to hand over or erase), the test email, webhooks, and any page
# added later until it is listed here.
STAFF_PAGES = re.compile(
    r"(/activity|/(products|orders|checkout/discounts|campaigns|reviews|surveys)(\.csv|/.*)?"
    r"|/messages(/(?!test\b).*)?|/recovery/results)?",
    re.DOTALL,
)
NO_SUCH_STORE = "There is no such store."


@dataclass(frozen=True)
class Merchant:
    session: Session
    user_id: int
    email: str
    # On a store's pages: this login's role there, "owner" or "staff". None on other pages.
    role: str | None = None


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
    """Sign-in first; on a store's pages, membership of that store (and owner-only pages)."""

    @functools.wraps(handler)
    async def wrapper(request: Request) -> Response:
        merchant = await signed_in_merchant(request)
        if merchant is None:
            target = quote(request.url.path, safe="/")
            return RedirectResponse(f"/admin/login?next={target}", 303)
        if "store_id" in request.path_params:
            merchant = await _as_member(request, merchant)
        return await handler(request, merchant)

    return wrapper


async def signed_in_merchant(request: Request) -> Merchant | None:
    session = read_session(request)
    if session is None:
        return None
    who = await sessions.signed_in(
        services(request).db, session.sid, services(request).clock.now_ms()
    )
    return None if who is None else Merchant(session, who.user_id, who.email)


async def _as_member(request: Request, merchant: Merchant) -> Merchant:
    store_id = request.path_params["store_id"]
    role = await queries.role_in_store(services(request).db, store_id, merchant.user_id)
    if role is None:
        raise NotFound(NO_SUCH_STORE)  # the very page a store that does not exist gets
    # The page is what follows the store's id, spelled as the ``id`` route convertor spells
    # it: a path that spells the store another way matches no route at all.
    prefix = f"/admin/stores/{store_id}"
    path = request.url.path
    if not (path == prefix or path.startswith(prefix + "/")):
        raise NotFound(NO_SUCH_STORE)
    page = path.removeprefix(prefix)
    if role != "owner" and not STAFF_PAGES.fullmatch(page):
        raise Forbidden("Only the store's owners can open this page.")
    # What store_for_request trusts: this request's login is a member of this store.
    request.state.member_of_store = store_id
    return dataclasses.replace(merchant, role=role)


def found(value: T | None, message: str) -> T:
    """``value``, or the 404 a page about a row that does not exist (or is another store's)
    answers, with ``message``."""
    if value is None:
        raise NotFound(message)
    return value


async def store_for_request(request: Request) -> Store:
    raw = request.path_params["store_id"]
    # Only after login_required found a membership: a page that forgot the gate finds no store.
    if getattr(request.state, "member_of_store", None) != raw:
        raise NotFound(NO_SUCH_STORE)
    store = await services(request).stores.by_id(raw)
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


def csv_download(filename: str, export: SnapshotExport) -> Response:
    """A started export streamed as a CSV file the browser saves rather than shows; never
    cached (it may hold personal data)."""
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return _ExportResponse(export, media_type="text/csv; charset=utf-8", headers=headers)


class _ExportResponse(StreamingResponse):
    """Stops its export however the response ends: done, the client gone (whether the
    response was waiting for a chunk or for the client to take one), or failed."""

    def __init__(self, export: SnapshotExport, **kwargs: Any):
        super().__init__(export.chunks(), **kwargs)
        self._export = export

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ExportBroken:
            # Logged where it failed. Ending without the last (empty) chunk makes the server
            # close the connection, so the browser reports the download failed instead of
            # saving a file that looks whole; the headers are out, so no error page either.
            pass
        finally:
            self._export.stop()
