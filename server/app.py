"""``create_app(settings)``: the Keepcart server as a Starlette application.

Nothing happens at import time. ``create_app`` builds the app's ``Services`` (server/services.py)
once; the lifespan opens the database, starts the event sink, the outbox's sender and the
background maintenance, and stops them all on shutdown. Every /admin request reads in the
database's admin lane (``AdminReads``): connections of its own, and a time limit.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import signal
import threading
from collections.abc import AsyncIterator, Iterator
from types import FrameType

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from server import assets
from server.admin import routes as admin_routes
from server.checkout import idempotency
from server.checkout.placing import finish_pending_releases
from server.clock import Clock
from server.db import Database, ReadLane, read_lane
from server.errors import DatabaseUnavailable, KeepcartError, QueryTimedOut
from server.events.sink import EventSink
from server.logs import AccessLog, loggable_path
from server.messages import rendering as message_rendering
from server.messages import retention as message_retention
from server.messages.sender import Sender
from server.messages.sms import TwilioSms
from server.messages.smtp import SmtpMailer
from server.orders import emails as order_emails
from server.privacy import retention as contact_retention
from server.ratelimit import RateLimiter
from server.recovery import emails as recovery_emails
from server.recovery import sequence as recovery_sequence
from server.recovery import sms_reminder as recovery_sms
from server.reviews import requests as review_requests
from server.routes import carts as cart_routes
from server.routes import checkout as checkout_routes
from server.routes import events as event_routes
from server.routes import offers as offer_routes
from server.routes import receipt as receipt_routes
from server.routes import recovery as recovery_routes
from server.routes import review_page as review_page_routes
from server.routes import reviews as review_routes
from server.routes import stores as store_routes
from server.routes import survey_page as survey_page_routes
from server.routes import surveys as survey_routes
from server.routes import trust as trust_routes
from server.routes.events_fastpath import EventsFastPath
from server.security import Signer, signing_keys
from server.services import Services, attach, services
from server.settings import Settings
from server.stores.directory import StoreDirectory
from server.trust import retention as trust_retention
from server.web import cors_headers, json_response
from server.webhooks import rendering as webhook_rendering
from server.webhooks.delivery import WebhookTransport

log = logging.getLogger("keepcart")

# Every admin form, the login's among them, is refused with a 413 past this size before any
# of it is parsed; within it, Starlette's form parser allows 1,000 fields and 1 MiB a part.
# A route may set a cap of its own (the catalog's CSV import does).
ADMIN_MAX_BODY = 256 * 1024

# A reminder's unsubscribe (``POST /u/…``: its page's button, or a mail client's RFC 8058
# one-click, which a mail provider sends from a few addresses of its own and does not retry)
# has a limit of its own, far above what any store's shoppers unsubscribe in a minute: a 429
# would lose an opt-out, and each is one idempotent row.
UNSUBSCRIBES_PER_MINUTE = 1_000

# The server's upkeep (idempotency keys past their retention pruned, trust exposures no result
# counts any more pruned, the query planner's statistics refreshed) runs this often by the
# app's Clock, first one interval after start (Database.open has just brought the statistics
# up to date); the Clock is looked at every MAINTENANCE_TICK_S real seconds.
MAINTENANCE_EVERY_S = 60 * 60
MAINTENANCE_TICK_S = 30.0

# How the outbox's sender renders each kind of message: the renderers live with the domain
# each message is about.
MESSAGE_RENDERERS = {
    **message_rendering.RENDERERS,
    **order_emails.RENDERERS,
    **review_requests.RENDERERS,
    **webhook_rendering.RENDERERS,
    **recovery_emails.RENDERERS,
    **recovery_sms.RENDERERS,
}


def create_app(
    settings: Settings, *, freeze_startup_objects: bool = False, deliver_messages: bool = True
) -> Starlette:
    """The Keepcart app. ``freeze_startup_objects`` is for a server process that runs this one
    app for its whole life (``keepcart serve``, ``keepcart demo``): once started, everything
    that exists (modules, routes, templates) is moved out of the garbage collector's reach
    with ``gc.freeze()``, so its passes stop re-scanning objects that live for ever. Measured
    on event ingest: about 2 µs less per request and no ~15 ms full-collection pauses. Tests,
    which build many apps in one process, leave it off. ``deliver_messages`` off leaves the
    outbox's sender stopped, for tests that deliver step by step with
    ``services(app).sender.run_once()``.
    """
    built = build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        db, sink = built.db, built.event_sink
        async with _logged_once("start"):
            await db.open()
            sink.start()
            if deliver_messages:
                built.sender.start()
        maintenance = asyncio.create_task(maintain(built), name="keepcart-maintenance")
        if freeze_startup_objects:
            gc.collect()
            gc.freeze()
        try:
            with _stop_admin_reads_on_signals(db):
                yield
        finally:
            async with _logged_once("stop"):
                maintenance.cancel()
                await asyncio.gather(maintenance, return_exceptions=True)
                await built.sender.stop()
                await finish_pending_releases()
                await sink.stop()
                await db.close()

    app = _KeepcartApp(
        routes=[
            Route("/healthz", healthz, methods=["GET", "HEAD"]),
            *assets.routes(built.assets),
            *store_routes.routes,
            *event_routes.routes,
            *cart_routes.routes,
            *recovery_routes.routes,
            *checkout_routes.routes,
            *offer_routes.routes,
            *receipt_routes.routes,
            *review_page_routes.routes,
            *survey_page_routes.routes,
            *review_routes.routes,
            *trust_routes.routes,
            *survey_routes.routes,
            Mount(
                "/admin",
                routes=admin_routes.routes,
                name="admin",
                max_body_size=ADMIN_MAX_BODY,
                middleware=[Middleware(AdminReads)],
            ),
        ],
        exception_handlers={
            KeepcartError: on_keepcart_error,
            HTTPException: on_http_error,
            Exception: on_unexpected_error,
        },
        middleware=[Middleware(CorsPreflight)],
        lifespan=lifespan,
    )
    attach(app, built)
    return app


def build_services(settings: Settings) -> Services:
    """Everything the handlers share, built once per app; nothing is opened yet."""
    keys = signing_keys(settings.secret_keys, settings.secret_file)  # WeakSecretKey if short
    clock = Clock()
    db = Database(
        settings.db,
        busy_timeout_ms=settings.db_busy_timeout,
        admin_read_limit_ms=settings.admin_query_timeout,
    )
    stores, signer = StoreDirectory(db, clock), Signer(keys)
    smtp = settings.smtp
    sender = Sender(
        db, clock, stores, signer, settings.base_url, renderers=MESSAGE_RENDERERS,
        mailer=SmtpMailer(smtp) if smtp else None,
        sms=TwilioSms(settings.sms) if settings.sms else None,
        transports={"webhook": WebhookTransport(
            db, clock, allow_private=settings.webhooks_allow_private)},
        # Abandoned checkouts' reminders are written as they fall due, each round.
        schedulers=(functools.partial(recovery_sequence.run_due, db, stores, signer),),
    )  # fmt: skip
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        stores=stores,
        signer=signer,
        event_sink=EventSink(db),
        sender=sender,
        assets=assets.WidgetAssets(),
        events_limiter=RateLimiter(settings.events_rate_limit, 60, clock),
        api_limiter=RateLimiter(settings.api_rate_limit, 60, clock),
        claim_limiter=RateLimiter(settings.claim_rate_limit, 60, clock),
        login_limiter=RateLimiter(settings.login_rate_limit, 15 * 60, clock),
        unsubscribe_limiter=RateLimiter(UNSUBSCRIBES_PER_MINUTE, 60, clock),
    )


async def maintain(built: Services) -> None:
    """The server's upkeep, every ``MAINTENANCE_EVERY_S`` of the Clock until cancelled."""
    due = built.clock.monotonic() + MAINTENANCE_EVERY_S
    while True:
        # Real time between looks at the Clock: a test that moves the Clock sees the next run
        # within a tick, with no sleeping of its own.
        await asyncio.sleep(MAINTENANCE_TICK_S)
        if built.clock.monotonic() < due:
            continue
        due = built.clock.monotonic() + MAINTENANCE_EVERY_S
        await run_maintenance(built)


async def run_maintenance(built: Services) -> None:
    """Prune expired idempotency keys, stale trust exposures and messages past their
    retention, clear checkout contacts past theirs, then refresh the planner's statistics. A
    failure (the database busy or gone) is logged and left for the next run."""
    try:
        pruned = await idempotency.prune_expired(built.db, built.clock.now_ms())
        stale = await trust_retention.prune_stale_exposures(built.db)
        old_messages = await message_retention.prune_old_messages(built.db, built.clock.now_ms())
        contacts = await contact_retention.clear_ended_contacts(
            built.db, built.signer, built.clock.now_ms()
        )
        await built.db.refresh_statistics()
    except Exception as exc:
        log.warning("maintenance failed (%s); it runs again later", type(exc).__name__)
        return
    if pruned:
        log.info("maintenance: %d idempotency keys past their retention pruned", pruned)
    if stale:
        log.info("maintenance: %d trust exposures from before their measurement pruned", stale)
    if old_messages:
        log.info("maintenance: %d messages past their retention deleted", old_messages)
    if contacts:
        log.info("maintenance: %d checkout contacts past their retention cleared", contacts)


@contextlib.contextmanager
def _stop_admin_reads_on_signals(db: Database) -> Iterator[None]:
    """On SIGINT or SIGTERM, stop every admin read at once, then let the signal's own handler
    (uvicorn's) go on. uvicorn finishes the requests in flight before it stops: without this, a
    slow admin page would keep the server up for its whole time limit. Only from the main
    thread (signals are handled there), and only before a handler that is a function."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    chained = {sig: handler for sig, handler in previous.items() if callable(handler)}

    def on_signal(sig: int, frame: FrameType | None) -> None:
        db.stop_admin_reads()
        handler = chained[signal.Signals(sig)]
        assert callable(handler)
        handler(sig, frame)

    for sig in chained:
        signal.signal(sig, on_signal)
    try:
        yield
    finally:
        for sig, handler in chained.items():
            if signal.getsignal(sig) is on_signal:
                signal.signal(sig, handler)


class AdminReads:
    """Every /admin request reads in the admin lane: connections of its own, so a slow page
    never holds a shopper's read, and a time limit past which its query is stopped
    (``on_keepcart_error`` logs the page)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with read_lane(ReadLane.ADMIN):
            await self.app(scope, receive, send)


class LifespanFailed(RuntimeError):
    """Keepcart could not start or stop; what went wrong is in the log line before."""


@contextlib.asynccontextmanager
async def _logged_once(what: str) -> AsyncIterator[None]:
    """Log a failure to start or stop here, through Keepcart's log (which keeps no exception
    message), and hand the server an exception that says only that: Starlette passes the
    traceback of a failed lifespan to the server as text, which it logs as it is."""
    try:
        yield
    except Exception:
        log.exception("Keepcart could not %s", what)
        raise LifespanFailed(f"Keepcart could not {what}; see the log line above") from None


class _KeepcartApp(Starlette):
    def build_middleware_stack(self) -> ASGIApp:
        # EventsFastPath answers valid event requests before all of Starlette, its error
        # middleware included, and hands every other request on untouched.
        # AccessLog sits outside both, so it sees every request, ingest's included.
        inner = EventsFastPath(
            super().build_middleware_stack(),
            on_error=on_unexpected_error,
            on_refused=on_keepcart_error,
        )
        return AccessLog(inner)


async def healthz(request: Request) -> Response:
    """200 while Keepcart can take writes; 503, saying why, once its database file is gone."""
    try:
        services(request).db.check_file()
    except DatabaseUnavailable as exc:
        return json_response({"ok": False, **exc.as_json()}, exc.status)
    return json_response({"ok": True})


class CorsPreflight:
    """Answers CORS preflights for ``/v1``, from any store's allowed origin only.

    The widget avoids preflights (text/plain bodies); JSON clients on a shop still get one.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            return await self.app(scope, receive, send)
        request = Request(scope)
        if not request.url.path.startswith("/v1/"):
            return await self.app(scope, receive, send)
        origin = request.headers.get("origin")
        if not await services(request).stores.is_known_origin(origin):
            return await Response(status_code=403)(scope, receive, send)
        headers = cors_headers(origin) | {
            "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE",
            "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
            "Access-Control-Max-Age": "600",
        }
        await Response(status_code=204, headers=headers)(scope, receive, send)


async def on_keepcart_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KeepcartError)
    if isinstance(exc, QueryTimedOut):  # which page, by its route: parameters by name, no data
        log.warning(
            "%s %s passed the admin query time limit; its query was stopped",
            request.method,
            loggable_path(request.scope),
        )
    if request.url.path.startswith("/admin") and not _wants_json(request):
        response = await admin_routes.error_page(request, exc)
    else:
        headers = await _api_error_cors(request)
        response = json_response(exc.as_json(), exc.status, headers)
    if exc.retry_after is not None:
        response.headers["Retry-After"] = str(exc.retry_after)
        if "access-control-allow-origin" in response.headers:
            # Not a header browsers show a script from another origin unless it is exposed;
            # the widget waits as long as it says before retrying.
            response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    error = KeepcartError(exc.detail, code=codes.get(exc.status_code, "http_error"))
    error.status = exc.status_code
    return await on_keepcart_error(request, error)


def _wants_json(request: Request) -> bool:
    """An admin request for JSON (the live activity counts) gets its error as JSON too."""
    return request.headers.get("accept", "").startswith("application/json")


async def _api_error_cors(request: Request) -> dict[str, str]:
    # Let the widget read error bodies when it runs on a known shop.
    origin = request.headers.get("origin")
    if await services(request).stores.is_known_origin(origin):
        return cors_headers(origin)
    return {}


async def on_unexpected_error(request: Request, exc: Exception) -> Response:
    path = loggable_path(request.scope)
    log.exception("unhandled error on %s %s", request.method, path, exc_info=exc)
    return json_response(
        {"error": {"code": "internal_error", "message": "Something went wrong.", "field": None}},
        500,
    )
