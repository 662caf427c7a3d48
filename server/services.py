"""``Services``: everything a request handler uses that outlives the request, in one typed
object that ``create_app`` builds once, and ``services(request)`` to reach it.

Shopper routes and admin pages read the database, the store directory, the signer, the clock
and the rate limiters through here, never through ``app.state`` (a test checks). Domain
functions receive what they need as arguments, ``now`` included.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import HTTPConnection

from server.assets import WidgetAssets
from server.clock import Clock
from server.db import Database
from server.events.sink import EventSink
from server.messages.sender import Sender
from server.ratelimit import RateLimiter
from server.security import Signer
from server.settings import Settings
from server.stores.directory import StoreDirectory


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    clock: Clock  # every now, expiry and rate limit reads this one clock
    db: Database  # opened and closed by the app's lifespan
    stores: StoreDirectory
    signer: Signer
    event_sink: EventSink  # started and stopped by the app's lifespan
    sender: Sender  # the outbox's sender: the lifespan runs it; pages render with it
    assets: WidgetAssets
    events_limiter: RateLimiter
    api_limiter: RateLimiter
    claim_limiter: RateLimiter
    login_limiter: RateLimiter
    unsubscribe_limiter: RateLimiter  # a reminder's unsubscribe (a mail client's one-click)


def services(holder: HTTPConnection | Starlette) -> Services:
    """The app's services, from a request (or websocket) or from the app itself."""
    app = holder.app if isinstance(holder, HTTPConnection) else holder
    return app.state.services


def attach(app: Starlette, built: Services) -> None:
    """Make ``built`` the app's services: ``create_app`` does, and a test that swaps one part
    (a tighter rate limiter, say) with ``dataclasses.replace``."""
    app.state.services = built
