"""What Keepcart writes to its log, and what it never does.

No line, at any level, carries personal data, tokens or secrets. So:
- the access log is Keepcart's own: method, the route's template (``/v1/carts/{token}``, never
  the token), status and time; no query string (the admin's order search carries emails), no
  client address;
- aiosqlite's debug lines, which print every statement with its parameters (shoppers'
  addresses, password hashes), are never emitted;
- nor httpx's and httpcore's info and debug lines, which print every request's full URL: a
  webhook endpoint's (a token in its path or query), the SMS provider's (the account sid);
- the SMS provider shows as ``describe_provider()``: its address and sending number only.
"""

from __future__ import annotations

import inspect
import logging
import time
import traceback

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.settings import Settings

access_log = logging.getLogger("keepcart.access")


def configure_logging(level: str) -> None:
    """Log at ``level`` to stderr, except what would leak (see the module docstring).

    Every logger, uvicorn's included (it is run without a logging config of its own), writes
    through this one handler, so what it leaves out is left out everywhere.
    """
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(without_exception_messages)
    logging.getLogger("aiosqlite").setLevel(logging.INFO)
    for name in QUIET_CLIENTS:
        logging.getLogger(name).setLevel(logging.WARNING)


# HTTP clients whose info lines carry full URLs ("HTTP Request: POST https://…?token=…").
QUIET_CLIENTS = ("httpx", "httpcore")


def without_exception_messages(record: logging.LogRecord) -> bool:
    """Keep a traceback's frames and the exception's type, drop its message: a bug's
    exception may quote what a client sent (an email, an address)."""
    if record.exc_info and record.exc_info[0] is not None:
        kind, _, trace = record.exc_info
        frames = "".join(traceback.format_tb(trace))
        record.exc_text = f"Traceback (most recent call last):\n{frames}{kind.__qualname__}"
        record.exc_info = None
    return True


def log_settings(settings: Settings) -> None:
    """At debug level, the settings in effect: what an operator checks first. The signing keys
    are counted, never shown; the mail server is shown without its password, the SMS provider
    without its account sid or auth token."""
    hidden = {"secret_keys", "smtp_url", "sms_url"}
    shown = {name: value for name, value in vars(settings).items() if name not in hidden}
    shown["secret_keys"] = f"{len(settings.secret_keys)} from KEEPCART_SECRET_KEYS" if (
        settings.secret_keys) else "generated into DB.secret"  # fmt: skip
    smtp = settings.smtp
    shown["smtp_url"] = smtp.describe() if smtp else "unset"
    sms = settings.sms
    shown["sms_url"] = sms.describe_provider() if sms else "unset"
    logging.getLogger("keepcart").debug(
        "settings: %s", ", ".join(f"{name}={value}" for name, value in shown.items())
    )


def loggable_path(scope: Scope) -> str:
    """The request's path as its route spells it, each parameter by name; a path that matched
    no route shows its first segment only, since anything after it may be a token."""
    path: str = scope.get("path", "")
    # A Route's endpoint is a function (or an endpoint class); a Mount sets its own app
    # (a router, static files) as the endpoint, also when nothing inside it matched.
    endpoint = scope.get("endpoint")
    if not (inspect.isfunction(endpoint) or inspect.isclass(endpoint)):
        if path in _UNROUTED_PATHS:
            return path
        first = path.split("/", 2)[1] if path.count("/") >= 1 else ""
        return f"/{first}/…" if first in _TOP_LEVEL else "/…"
    segments = path.split("/")
    for name, value in scope.get("path_params", {}).items():
        text = str(value)
        for index, segment in enumerate(segments):
            if segment == text:
                segments[index] = "{" + name + "}"
                break
    return "/".join(segments)


# Paths answered before Starlette's router (event ingest's fast path) that hold no parameter.
_UNROUTED_PATHS = frozenset({"/v1/events"})
# First path segments Keepcart serves: shown for a path that matched no route.
_TOP_LEVEL = frozenset({"v1", "admin", "healthz"})


class AccessLog:
    """One ``keepcart.access`` line a request, at INFO: ``POST /v1/carts/{token}/items 200
    3.1 ms``. Costs one level check a request when INFO is off."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            return await self.app(scope, receive, send)
        # Real time, not the app's clock: the log reports how long the request really took.
        started = time.perf_counter()
        status = 500  # what the server sends when the app fails before answering

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s %s %d %.1f ms", scope["method"], loggable_path(scope), status, elapsed_ms
            )
