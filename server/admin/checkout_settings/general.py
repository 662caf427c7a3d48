"""General checkout settings: the store's country, tax display, phone policy and payment
methods with their instructions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.forms import FormInvalid, render_settings, saved, submitted
from server.admin.checkout_settings.inputs import (
    COUNTRY_CHOICES,
    PAYMENT_METHODS,
    PHONE_LABELS,
    PHONE_LEVELS,
    read_general,
)
from server.admin.pages import Merchant, login_required, store_for_request
from server.errors import NotFound
from server.stores.service import Store

TEXT_FIELDS = ("country", "phone", "bank_instructions", "cod_instructions")


@login_required
async def general_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    row = await queries.general_settings(request.app.state.db, store.id)
    if row is None:
        raise NotFound("There is no such store.")
    phones = list(PHONE_LEVELS)
    values = {
        "country": row["country"],
        "prices_include_tax": "true" if row["prices_include_tax"] else "false",
        "phone": phones[min(len(phones) - 1, max(0, row["phone_required"]))],
        "bank_instructions": row["bank_instructions"],
        "cod_instructions": row["cod_instructions"],
        "floating_cart_button": "true" if row["floating_cart_button"] else "false",
    }
    return _render(request, merchant, store, values, row["payment_methods"].split())


@login_required
async def save_general(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = await submitted(
        request, merchant, TEXT_FIELDS, flags=("prices_include_tax", "floating_cart_button")
    )
    methods = [str(method) for method in (await request.form()).getlist("payment_methods")]
    try:
        settings = read_general(values, methods)
    except FormInvalid as exc:
        return _render(request, merchant, store, values, methods, exc.errors)
    await request.app.state.db.write(lambda conn: queries.update_general(conn, store.id, settings))
    request.app.state.stores.invalidate()
    return saved(store, "", "general")


def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    values: dict[str, str],
    methods: list[str],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "values": values,
        "enabled_methods": methods,
        "countries": COUNTRY_CHOICES,
        "phone_choices": list(PHONE_LABELS.items()),
        "payment_choices": list(PAYMENT_METHODS.items()),
    }
    return render_settings(request, merchant, store, "general.html", context, errors)


BASE = "/stores/{store_id:id}/checkout"
routes = [
    Route(BASE, general_page, methods=["GET"]),
    Route(BASE, save_general, methods=["POST"]),
]
