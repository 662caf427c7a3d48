"""The status lifecycle campaigns and surveys share: a draft goes live, a live one pauses and
resumes, and any of them ends, for good. The list's status buttons and the edit form's
status field move one under the same rules; ``status_change`` is the buttons' handler.

A status is read and changed inside one write: another tab may have changed it meanwhile,
and then the change is refused (409) rather than undoing what that tab did.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import aiosqlite
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.forms import check_post
from server.admin.pages import Merchant, login_required, store_for_request
from server.errors import Conflict, NotFound
from server.forms import FormInvalid
from server.services import services
from server.stores.service import Store

# Which status a button may move a campaign or survey to, from which statuses.
TRANSITIONS = {
    "live": ("draft", "paused"),
    "paused": ("live",),
    "ended": ("draft", "live", "paused"),
}
STATUS_LABELS = {"draft": "Draft", "live": "Live", "paused": "Paused", "ended": "Ended"}
ACTION_LABELS = {"live": "Go live", "paused": "Pause", "ended": "End"}


class WithStatus(Protocol):
    @property
    def id(self) -> int | None: ...

    @property
    def status(self) -> str: ...


def status_actions(status: str) -> list[tuple[str, str]]:
    """The status buttons of a campaign or survey in ``status``: (the status, its label)."""
    return [(to, ACTION_LABELS[to]) for to, sources in TRANSITIONS.items() if status in sources]


def status_choices(status: str, *, new: bool = False) -> list[tuple[str, str]]:
    """The statuses an edit form offers: the one it has and those its buttons reach. A new
    one starts as a draft or live."""
    allowed = {status} | {to for to, sources in TRANSITIONS.items() if status in sources}
    if new:
        allowed.discard("ended")
    return [(s, label) for s, label in STATUS_LABELS.items() if s in allowed]


def settled_status(stored: str, submitted: str, shown: str, noun: str) -> str:
    """The status an edit of a ``noun`` leaves: the same rules as the status buttons.

    A form that left the status as it showed it keeps whatever is stored now, so an edit
    does not undo a pause or an end made meanwhile in another tab.
    """
    if submitted in (stored, shown):
        return stored
    if stored not in TRANSITIONS.get(submitted, ()):
        raise FormInvalid(
            {"status": f"This {noun} is {stored}: it cannot be set to {submitted} from there."}
        )
    return submitted


def status_change(
    noun: str,
    load: Callable[[aiosqlite.Connection, int, str], Awaitable[WithStatus | None]],
    set_status: Callable[[aiosqlite.Connection, int, Any, int], Awaitable[None]],
    listing: Callable[[Store, str], str],
) -> Callable[[Request], Awaitable[Response]]:
    """The handler of a ``noun``'s status buttons, POST …/{noun}/status/{status}: the row
    by its public id (the path's ``noun``) is read and changed in one write, then back to
    ``listing`` (given the store and its query) with the change's notice."""

    async def change_status(request: Request, merchant: Merchant) -> Response:
        store = await store_for_request(request)
        await check_post(request, merchant)
        target = request.path_params["status"]
        public_id = request.path_params[noun]
        if target not in TRANSITIONS:
            raise NotFound("There is no such page.")
        now = services(request).clock.now_ms()

        async def change(conn: aiosqlite.Connection) -> None:
            row = await load(conn, store.id, public_id)
            if row is None or row.id is None:
                raise NotFound(f"There is no such {noun}.")
            if row.status not in TRANSITIONS[target]:
                raise Conflict(
                    f"This {noun} is {row.status}: it cannot be set to {target} from there."
                )
            await set_status(conn, row.id, target, now)

        await services(request).db.write(change)
        return RedirectResponse(listing(store, f"?saved={target}"), 303)

    return login_required(change_status)
