"""One way to build an admin form page: load → CSRF → read → write → 303, or the form again
with every field error and HTTP 422.

A ``FormPage`` is the parts that differ from page to page; its ``show`` (GET) and ``save``
(POST) are the handlers, both behind ``login_required`` (sign-in, membership of the store,
owner-only pages), and ``save`` checks the CSRF token before it reads anything::

    rate_page = FormPage(                              # checkout_settings/taxes.py
        load=rate_for_request,                         # the row, or 404
        initial=rate_values,                           # row → the form's text
        fields=FIELDS,
        read=lambda values, store, row: read_tax_rate(values),
        write=lambda conn, store, row, rate, now: overwrite_rate(conn, store.id, row["id"], rate),
        render=_render_form,
        done=lambda store, row, _: saved_url(store, "/taxes", "tax"),
    )
    routes = [Route(ONE, rate_page.show, methods=["GET"]),
              Route(ONE, rate_page.save, methods=["POST"])]

``read`` and ``write`` raise ``server.forms.FormInvalid`` (or a domain rule's
``ValidationFailed``) for what the merchant must fix; ``write`` runs inside the one write
transaction, so a check against other rows (a taken SKU, a country in another zone) sees
the database as the write leaves it. ``post_action`` is the same for a button that posts
only its CSRF token (delete, deactivate).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import aiosqlite
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.auth import check_csrf
from server.admin.pages import Merchant, login_required, store_for_request
from server.errors import NotFound, ValidationFailed
from server.forms import FormInvalid
from server.services import services
from server.stores.service import Store

Loaded = TypeVar("Loaded")
Input = TypeVar("Input")
Errors = dict[str, str] | None
Render = Callable[
    [Request, Merchant, Store, Loaded, dict[str, str], Errors], Awaitable[Response] | Response
]


async def nothing(request: Request, store: Store) -> None:
    """The loader of a page about nothing but its store (a new product, a new zone)."""
    return None


@dataclass(frozen=True)
class FormPage(Generic[Loaded, Input]):
    """An admin form: what it is about, how it is read, written and shown."""

    load: Callable[[Request, Store], Awaitable[Loaded]]  # the row it edits; 404 if none
    initial: Callable[[Loaded, Store], dict[str, str]]  # the form as GET shows it
    read: Callable[[dict[str, str], Store, Loaded], Input]  # values → input, or FormInvalid
    # the write, given the request's time (``now``, ms) from the app's clock
    write: Callable[[aiosqlite.Connection, Store, Loaded, Input, int], Awaitable[Any]]
    render: Render[Loaded]
    done: Callable[[Store, Loaded, Any], str]  # where a saved form goes (given write's result)
    fields: Sequence[str] = ()  # text fields
    flags: Sequence[str] = ()  # checkboxes, read as "true"/"false"
    lists: Sequence[str] = ()  # checkbox groups, read as their values separated by spaces
    submitted: Callable[[FormData, Store], dict[str, str]] | None = None  # instead of those
    changes_store: bool = False  # the store directory caches what this writes
    reload_after_conflict: bool = False  # a refusal by write shows the row as it is now

    @property
    def show(self) -> Callable[[Request], Awaitable[Response]]:
        return login_required(self._show)

    @property
    def save(self) -> Callable[[Request], Awaitable[Response]]:
        return login_required(self._save)

    async def _show(self, request: Request, merchant: Merchant) -> Response:
        store = await store_for_request(request)
        loaded = await self.load(request, store)
        return await self._render(request, merchant, store, loaded, self.initial(loaded, store))

    async def _save(self, request: Request, merchant: Merchant) -> Response:
        store = await store_for_request(request)
        loaded = await self.load(request, store)
        form = await check_post(request, merchant)
        values = self._values(form, store)
        try:
            data = self.read(values, store, loaded)
        except (FormInvalid, ValidationFailed) as exc:
            return await self._render(request, merchant, store, loaded, values, field_errors(exc))
        try:
            now = services(request).clock.now_ms()
            result = await services(request).db.write(
                lambda conn: self.write(conn, store, loaded, data, now)
            )
        except (FormInvalid, ValidationFailed) as exc:
            if self.reload_after_conflict:
                loaded = await self.load(request, store)
            return await self._render(request, merchant, store, loaded, values, field_errors(exc))
        if self.changes_store:
            services(request).stores.invalidate()
        return RedirectResponse(self.done(store, loaded, result), 303)

    def _values(self, form: FormData, store: Store) -> dict[str, str]:
        if self.submitted is not None:
            return self.submitted(form, store)
        return form_text(form, self.fields, self.flags, self.lists)

    async def _render(
        self,
        request: Request,
        merchant: Merchant,
        store: Store,
        loaded: Loaded,
        values: dict[str, str],
        errors: Errors = None,
    ) -> Response:
        response = self.render(request, merchant, store, loaded, values, errors)
        return await response if inspect.isawaitable(response) else response


def post_action(
    change: Callable[[aiosqlite.Connection, Store, Mapping[str, Any]], Awaitable[bool]],
    missing: str,
    done: Callable[[Store, Mapping[str, Any]], str],
) -> Callable[[Request], Awaitable[Response]]:
    """A button that posts only the CSRF token and changes one row of the store (delete,
    deactivate): ``change`` gets the path's parameters and says whether the row was there;
    404 with ``missing`` if not, else 303 to ``done``."""

    async def action(request: Request, merchant: Merchant) -> Response:
        store = await store_for_request(request)
        await check_post(request, merchant)
        params = request.path_params

        async def write(conn: aiosqlite.Connection) -> None:
            if not await change(conn, store, params):
                raise NotFound(missing)

        await services(request).db.write(write)
        return RedirectResponse(done(store, params), 303)

    return login_required(action)


def field_errors(exc: FormInvalid | ValidationFailed) -> dict[str, str]:
    """Every field error of a refused form; a domain rule's ValidationFailed names one field
    (or, like StoreSettingsInvalid, carries them all)."""
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict):
        return errors
    assert isinstance(exc, ValidationFailed)
    return {exc.field or "form": exc.message}


def form_text(
    form: FormData, fields: Iterable[str], flags: Iterable[str] = (), lists: Iterable[str] = ()
) -> dict[str, str]:
    """The posted text fields; checkboxes as "true"/"false"; checkbox groups space-separated."""
    values = {name: str(form.get(name, "")) for name in fields}
    values |= {name: "true" if form.get(name) else "false" for name in flags}
    return values | {name: " ".join(str(v) for v in form.getlist(name)) for name in lists}


async def check_post(request: Request, merchant: Merchant) -> FormData:
    """The posted form, once its CSRF token is checked: the one place every admin POST of a
    signed-in merchant checks it (sign-in and the CSV upload check theirs themselves)."""
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    return form
