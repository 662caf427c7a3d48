"""What an erasure leaves of an event their browser recorded: it stays (the store's figures
count it) under a new visitor id, and keeps nothing else that could name or link back to
them: its page and referrer cut to origin and path (a query string or fragment can carry an
email, a name, a token), its properties cut to the widget's own (a host page's own events
can carry anything), and its visit id replaced by a new one per old one (so a visit's events
still count as one visit). The same new visit ids go to their offer exposures.

Applied inside the erasure's write by SQL functions registered on its connection for the
statements that need them (``erasing_functions``): the events are changed by id in batches,
never read out and written back.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import aiosqlite

from server.security import new_public_id

# The properties the widget itself records (widget/src/chunks/*.js, checkout/view.js): ids
# of the store's own things, counts and amounts. The overview reads ``order`` (a checkout's
# order_complete names its order); the rest are kept so the events still read as they did.
WIDGET_PROPS = frozenset(
    {"sku", "qty", "order", "total", "items", "subtotal", "survey", "question", "campaign",
     "arm", "signal", "how"}
)  # fmt: skip
# Events a host page records itself (keepcart('track', …)): their properties are its own.
HOST_TYPES = frozenset({"custom"})


def origin_and_path(url: str) -> str:
    """``https://shop.test/welcome?email=…#x`` → ``https://shop.test/welcome``; without any
    user name or password in it. What cannot be read as a URL becomes empty."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def widget_props(event_type: str, props: str) -> str:
    """The event's properties the widget itself records, as JSON; ``{}`` for a host page's."""
    if event_type in HOST_TYPES:
        return "{}"
    try:
        value = json.loads(props)
    except ValueError:
        return "{}"
    if not isinstance(value, dict):
        return "{}"
    return json.dumps({key: v for key, v in value.items() if key in WIDGET_PROPS})


class NewVisits:
    """A new random visit id per old one, the same for every row of one erasure."""

    def __init__(self) -> None:
        self.fresh: dict[str, str] = {}

    def __call__(self, session_id: str | None) -> str:
        if not session_id:
            return ""
        if session_id not in self.fresh:
            self.fresh[session_id] = new_public_id("anon", 12)
        return self.fresh[session_id]


FUNCTIONS = ("erased_url", "erased_props", "erased_visit")


@contextlib.asynccontextmanager
async def erasing_functions(conn: aiosqlite.Connection) -> AsyncIterator[None]:
    """``erased_url(url)``, ``erased_props(type, props)`` and ``erased_visit(session_id)``
    on ``conn`` while inside; removed after, so no other write can call them."""
    await conn.create_function("erased_url", 1, origin_and_path, deterministic=True)
    await conn.create_function("erased_props", 2, widget_props, deterministic=True)
    await conn.create_function("erased_visit", 1, NewVisits())
    try:
        yield
    finally:
        for name, count in zip(FUNCTIONS, (1, 2, 1), strict=True):
            await conn.create_function(name, count, None)  # pyright: ignore[reportArgumentType]
