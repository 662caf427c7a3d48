"""General checkout settings: the store's country, tax display, phone policy and payment
methods with their instructions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.inputs import (
    COUNTRY_CHOICES,
    PAYMENT_METHODS,
    PHONE_LABELS,
    PHONE_LEVELS,
    read_general,
)
from server.admin.checkout_settings.pages import render_settings, saved_url
from server.admin.forms import FormPage
from server.admin.pages import Merchant, found
from server.db import Row
from server.services import services
from server.stores.service import Store

TEXT_FIELDS = ("country", "phone", "bank_instructions", "cod_instructions")


async def general_row(request: Request, store: Store) -> Row:
    return found(
        await queries.general_settings(services(request).db, store.id),
        "There is no such store.",
    )


def general_values(row: Row, store: Store) -> dict[str, str]:
    phones = list(PHONE_LEVELS)
    return {
        "country": row["country"],
        "prices_include_tax": "true" if row["prices_include_tax"] else "false",
        "phone": phones[min(len(phones) - 1, max(0, row["phone_required"]))],
        "bank_instructions": row["bank_instructions"],
        "cod_instructions": row["cod_instructions"],
        "floating_cart_button": "true" if row["floating_cart_button"] else "false",
        "payment_methods": row["payment_methods"],
    }


def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    row: Row,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "values": values,
        "enabled_methods": values["payment_methods"].split(),
        "countries": COUNTRY_CHOICES,
        "phone_choices": list(PHONE_LABELS.items()),
        "payment_choices": list(PAYMENT_METHODS.items()),
    }
    return render_settings(request, merchant, store, "general.html", context, errors)


general_page = FormPage(
    load=general_row,
    initial=general_values,
    fields=TEXT_FIELDS,
    flags=("prices_include_tax", "floating_cart_button"),
    lists=("payment_methods",),
    read=lambda values, store, row: read_general(values, values["payment_methods"].split()),
    write=lambda conn, store, row, settings, now: queries.update_general(conn, store.id, settings),
    render=_render,
    done=lambda store, row, _: saved_url(store, "", "general"),
    changes_store=True,
)

BASE = "/stores/{store_id:id}/checkout"
routes = [
    Route(BASE, general_page.show, methods=["GET"]),
    Route(BASE, general_page.save, methods=["POST"]),
]
