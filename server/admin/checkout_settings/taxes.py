"""Tax rates by country, and optionally by region: checkout uses a region's own rate when
there is one, else the country's (region left empty)."""

from __future__ import annotations

from typing import Any

import aiosqlite
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.forms import (
    FormInvalid,
    check_post,
    render_settings,
    saved,
    submitted,
)
from server.admin.checkout_settings.inputs import COUNTRY_CHOICES, TaxRateInput, read_tax_rate
from server.admin.checkout_settings.parsing import format_basis_points
from server.admin.pages import Merchant, login_required, store_for_request
from server.checkout.addresses import COUNTRIES
from server.db import Row
from server.errors import NotFound
from server.stores.service import Store

FIELDS = ("country", "region", "rate", "name")


@login_required
async def tax_rates_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    country = await queries.store_country(request.app.state.db, store.id)
    fresh = {"country": country or "", "region": "", "rate": "", "name": "VAT"}
    return await _render_list(request, merchant, store, fresh)


@login_required
async def create_tax_rate(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = await submitted(request, merchant, FIELDS)
    try:
        rate = read_tax_rate(values)
        await request.app.state.db.write(lambda conn: insert_new_rate(conn, store.id, rate))
    except FormInvalid as exc:
        return await _render_list(request, merchant, store, values, exc.errors)
    return saved(store, "/taxes", "tax")


@login_required
async def tax_rate_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    row = await rate_for_request(request, store)
    values = {
        "country": row["country"],
        "region": row["region"],
        "rate": format_basis_points(row["rate"]),
        "name": row["name"],
    }
    return _render_form(request, merchant, store, row, values)


@login_required
async def update_tax_rate(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    current = await rate_for_request(request, store)
    values = await submitted(request, merchant, FIELDS)
    try:
        rate = read_tax_rate(values)
        await request.app.state.db.write(
            lambda conn: overwrite_rate(conn, store.id, current["id"], rate)
        )
    except FormInvalid as exc:
        return _render_form(request, merchant, store, current, values, exc.errors)
    return saved(store, "/taxes", "tax")


@login_required
async def delete_tax_rate(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    await check_post(request, merchant)
    rate_id = request.path_params["rate_id"]

    async def remove(conn: aiosqlite.Connection) -> None:
        if not await queries.delete_tax_rate(conn, store.id, rate_id):
            raise NotFound("There is no such tax rate.")

    await request.app.state.db.write(remove)
    return saved(store, "/taxes", "tax-deleted")


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
    row = await queries.find_tax_rate(
        request.app.state.db, store.id, request.path_params["rate_id"]
    )
    if row is None:
        raise NotFound("There is no such tax rate.")
    return row


async def _render_list(
    request: Request,
    merchant: Merchant,
    store: Store,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    rows = await queries.list_tax_rates(request.app.state.db, store.id)
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


BASE = "/stores/{store_id:id}/checkout/taxes"
routes = [
    Route(BASE, tax_rates_page, methods=["GET"]),
    Route(BASE, create_tax_rate, methods=["POST"]),
    Route(BASE + "/{rate_id:id}", tax_rate_page, methods=["GET"]),
    Route(BASE + "/{rate_id:id}", update_tax_rate, methods=["POST"]),
    Route(BASE + "/{rate_id:id}/delete", delete_tax_rate, methods=["POST"]),
]
