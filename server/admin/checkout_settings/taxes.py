"""Tax rates by country, and optionally by region: checkout uses a region's own rate when
there is one, else the country's (region left empty)."""

from __future__ import annotations

from typing import Any

import aiosqlite
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.inputs import COUNTRY_CHOICES, TaxRateInput, read_tax_rate
from server.admin.checkout_settings.pages import render_settings, saved_url
from server.admin.forms import FormPage, post_action
from server.admin.pages import Merchant, found
from server.checkout.addresses import COUNTRIES
from server.db import Row
from server.errors import NotFound
from server.forms import FormInvalid, format_basis_points
from server.services import services
from server.stores.service import Store

FIELDS = ("country", "region", "rate", "name")


async def store_country(request: Request, store: Store) -> str:
    return await queries.store_country(services(request).db, store.id) or ""


def blank_rate(country: str, store: Store) -> dict[str, str]:
    return {"country": country, "region": "", "rate": "", "name": "VAT"}


def rate_values(row: Row, store: Store) -> dict[str, str]:
    return {
        "country": row["country"],
        "region": row["region"],
        "rate": format_basis_points(row["rate"]),
        "name": row["name"],
    }


async def insert_new_rate(conn: aiosqlite.Connection, store_id: int, rate: TaxRateInput) -> int:
    if await queries.tax_rate_owner(conn, store_id, rate.country, rate.region) is not None:
        raise FormInvalid({"region": _duplicate(rate)})
    return await queries.insert_tax_rate(conn, store_id, rate)


async def overwrite_rate(
    conn: aiosqlite.Connection, store_id: int, rate_id: int, rate: TaxRateInput
) -> None:
    owner = await queries.tax_rate_owner(conn, store_id, rate.country, rate.region)
    if owner not in (None, rate_id):
        raise FormInvalid({"region": _duplicate(rate)})
    if not await queries.update_tax_rate(conn, store_id, rate_id, rate):
        raise NotFound("There is no such tax rate.")


def _duplicate(rate: TaxRateInput) -> str:
    place = f"{rate.region}, {rate.country}" if rate.region else f"all of {rate.country}"
    return f"There is already a rate for {place}: edit that one instead."


def describe_rate(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "country": _country_name(row["country"]),
        "region": row["region"] or "All regions",
        "rate": f"{format_basis_points(row['rate'])}%",
        "name": row["name"],
    }


def _country_name(code: str) -> str:
    country = COUNTRIES.get(code)
    return country.name if country else code


def _by_place(row: Row) -> tuple[str, str]:
    """Countries by name as shown, each country's own rate before its regions'."""
    return _country_name(row["country"]), row["region"]


async def rate_for_request(request: Request, store: Store) -> Row:
    return found(
        await queries.find_tax_rate(services(request).db, store.id, request.path_params["rate_id"]),
        "There is no such tax rate.",
    )


async def _render_list(
    request: Request,
    merchant: Merchant,
    store: Store,
    country: str,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    rows = await queries.list_tax_rates(services(request).db, store.id)
    context = {
        "rates": [describe_rate(row) for row in sorted(rows, key=_by_place)],
        "values": values,
        "countries": COUNTRY_CHOICES,
    }
    return render_settings(request, merchant, store, "taxes.html", context, errors)


def _render_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    row: Row,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"rate": describe_rate(row), "values": values, "countries": COUNTRY_CHOICES}
    return render_settings(request, merchant, store, "tax_form.html", context, errors)


rates_page = FormPage(
    load=store_country,
    initial=blank_rate,
    fields=FIELDS,
    read=lambda values, store, country: read_tax_rate(values),
    write=lambda conn, store, country, rate, now: insert_new_rate(conn, store.id, rate),
    render=_render_list,
    done=lambda store, country, rate_id: saved_url(store, "/taxes", "tax"),
)
rate_page = FormPage(
    load=rate_for_request,
    initial=rate_values,
    fields=FIELDS,
    read=lambda values, store, row: read_tax_rate(values),
    write=lambda conn, store, row, rate, now: overwrite_rate(conn, store.id, row["id"], rate),
    render=_render_form,
    done=lambda store, row, _: saved_url(store, "/taxes", "tax"),
)

delete_tax_rate = post_action(
    lambda conn, store, params: queries.delete_tax_rate(conn, store.id, params["rate_id"]),
    "There is no such tax rate.",
    lambda store, params: saved_url(store, "/taxes", "tax-deleted"),
)

BASE = "/stores/{store_id:id}/checkout/taxes"
routes = [
    Route(BASE, rates_page.show, methods=["GET"]),
    Route(BASE, rates_page.save, methods=["POST"]),
    Route(BASE + "/{rate_id:id}", rate_page.show, methods=["GET"]),
    Route(BASE + "/{rate_id:id}", rate_page.save, methods=["POST"]),
    Route(BASE + "/{rate_id:id}/delete", delete_tax_rate, methods=["POST"]),
]
