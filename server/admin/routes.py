"""The merchant dashboard: server-rendered pages under ``/admin``.

Handlers stay thin: they read the form, call the rules in the domain packages, and render.
A form that fails validation comes back with its values, HTTP 422 and per-field errors.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.accounts import create_store, queries, verify_login
from server.admin import account, invitations, members, shopper_data, store_settings
from server.admin import campaigns as campaigns_admin
from server.admin import catalog as catalog_admin
from server.admin import checkout_settings as checkout_settings_admin
from server.admin import messages as messages_admin
from server.admin import orders as orders_admin
from server.admin import recovery as recovery_admin
from server.admin import reviews as reviews_admin
from server.admin import surveys as surveys_admin
from server.admin import trust as trust_admin
from server.admin import webhooks as webhooks_admin
from server.admin.auth import Session, check_csrf, read_session, write_session
from server.admin.forms import check_post
from server.admin.overview import page as overview
from server.admin.pages import (
    HERE,
    Merchant,
    login_required,
    render,
    store_for_request,
)
from server.admin.sessions import end_session, start_session
from server.errors import KeepcartError, ValidationFailed
from server.services import services
from server.stores.service import Store, validate_new_store
from server.web import json_response


async def login_page(request: Request) -> Response:
    session = read_session(request) or Session.fresh()
    return render(request, "login.html", {"email": "", "next": _next(request)}, session=session)


async def login(request: Request) -> Response:
    session = read_session(request)
    form = await request.form()
    check_csrf(request, session, form.get("csrf_token"))
    assert session is not None
    email = str(form.get("email", "")).strip().lower()
    context: dict[str, Any] = {"email": email, "next": _next(request, form.get("next"))}
    limiter = services(request).login_limiter
    client = request.client.host if request.client else "unknown"
    wait = limiter.hit(("login", client))
    if wait:
        minutes = max(1, round(wait / 60))
        context["errors"] = {
            "form": f"Too many sign-in attempts. Try again in about {minutes} minute(s)."
        }
        response = render(request, "login.html", context, session=session, status=429)
        response.headers["Retry-After"] = str(limiter.retry_after(wait))
        return response
    db = services(request).db
    user = await queries.find_user_by_email(db, email)
    password = str(form.get("password", ""))
    # Checked even when there is no such login, so the answer takes as long either way.
    if not verify_login(password, user["password_hash"] if user else None):
        context["errors"] = {"form": "That email and password do not match an account."}
        return render(request, "login.html", context, session=session, status=422)
    assert user is not None
    # A new session id on login, so a session fixed before login is worthless after it.
    signed_in = Session.fresh()
    user_agent = request.headers.get("user-agent", "")
    await start_session(
        db,
        signed_in.sid,
        user["id"],
        user_agent,
        services(request).clock.now_ms(),
        replaces=session.sid,
    )
    response = RedirectResponse(context["next"], 303)
    write_session(request, response, signed_in)
    return response


@login_required
async def logout(request: Request, merchant: Merchant) -> Response:
    await check_post(request, merchant)
    await end_session(services(request).db, merchant.session.sid)
    response = RedirectResponse("/admin/login", 303)
    write_session(request, response, Session.fresh())
    return response


@login_required
async def home(request: Request, merchant: Merchant) -> Response:
    stores = await stores_of(request, merchant)
    # Straight to the only store, unless invitations wait on the Stores page.
    waiting = await invitations.invitations_for(
        services(request).db, merchant, services(request).clock.now_ms()
    )
    if len(stores) == 1 and not waiting:
        return RedirectResponse(f"/admin/stores/{stores[0].id}", 303)
    return RedirectResponse("/admin/stores", 303)


STORE_LIST_NOTICES = {"declined": "Invitation declined."}


@login_required
async def store_list(request: Request, merchant: Merchant) -> Response:
    return await _render_store_list(request, merchant, {})


async def _render_store_list(
    request: Request,
    merchant: Merchant,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    stores = await stores_of(request, merchant)
    defaults = {"name": "", "origins": "", "currency": "EUR", "locale": "en-US", "timezone": "UTC"}
    context = {
        "merchant": merchant,
        "stores": stores,
        "invitations": await invitations.invitations_for(
            services(request).db, merchant, services(request).clock.now_ms()
        ),
        "notice": None if errors else STORE_LIST_NOTICES.get(request.query_params.get("saved", "")),
        "values": defaults | values,
        "errors": errors or {},
    }
    status = 422 if errors else 200
    return render(request, "stores.html", context, session=merchant.session, status=status)


@login_required
async def add_store(request: Request, merchant: Merchant) -> Response:
    form = await check_post(request, merchant)
    values = {key: str(form.get(key, "")) for key in ("name", "origins", "currency", "locale",
                                                       "timezone")}  # fmt: skip
    try:
        new = validate_new_store(
            values["name"],
            values["origins"].replace(",", " ").split(),
            values["currency"],
            values["locale"],
            values["timezone"],
        )
    except ValidationFailed as exc:
        return await _render_store_list(
            request, merchant, values, {exc.field or "form": exc.message}
        )
    # The store and its creator's ownership: one transaction.
    store = await create_store(
        services(request).db, new, owner_email=merchant.email, now=services(request).clock.now_ms()
    )
    services(request).stores.invalidate()
    return RedirectResponse(f"/admin/stores/{store.id}", 303)


async def stores_of(request: Request, merchant: Merchant) -> list[Store]:
    """The stores this login is a member of."""
    member_of = await queries.store_ids_of(services(request).db, merchant.user_id)
    return [store for store in await services(request).stores.all() if store.id in member_of]


@login_required
async def store_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    context, status = await overview.store_overview(request, store)
    context = {"merchant": merchant, "store": store, **context}
    return render(request, "store.html", context, session=merchant.session, status=status)


@login_required
async def store_activity(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    counts = await overview.activity(services(request).db, store, services(request).clock.now_ms())
    return json_response(counts, headers={"Cache-Control": "no-store"})


def _next(request: Request, submitted: object = None) -> str:
    target = submitted if isinstance(submitted, str) else request.query_params.get("next", "")
    # Only same-site paths: never redirect a merchant off to another site after login.
    if not target.startswith("/admin") or target.startswith("//"):
        return "/admin/"
    return target


async def error_page(request: Request, exc: KeepcartError) -> Response:
    session = read_session(request) or Session.fresh()
    context = {"status": exc.status, "message": exc.message}
    return render(request, "error.html", context, session=session, status=exc.status)


routes = [
    Route("/", home, methods=["GET"]),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/stores", store_list, methods=["GET"]),
    Route("/stores", add_store, methods=["POST"]),
    Route("/stores/{store_id:id}", store_page, methods=["GET"]),
    Route("/stores/{store_id:id}/activity", store_activity, methods=["GET"]),
    *store_settings.routes,
    *members.routes,
    *shopper_data.routes,
    *invitations.routes,
    *account.routes,
    *catalog_admin.routes,
    *orders_admin.routes,
    *messages_admin.routes,
    *webhooks_admin.routes,
    *recovery_admin.routes,
    *checkout_settings_admin.routes,
    *campaigns_admin.routes,
    *reviews_admin.routes,
    *surveys_admin.routes,
    *trust_admin.routes,
    Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
]
