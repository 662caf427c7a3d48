"""Shipping zones (which countries) and their methods (what a delivery costs, how long it
takes). Checkout picks the zone that lists the shopper's country, else the rest-of-world
zone (``*``), so each country may be listed in one zone only, and only one zone may be ``*``.
"""

from __future__ import annotations

import json
from typing import Any

import aiosqlite
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.inputs import (
    SHIPPING_KINDS,
    MethodInput,
    ZoneInput,
    read_method,
    read_zone,
)
from server.admin.checkout_settings.pages import render_settings, saved, saved_url, settings_url
from server.admin.checkout_settings.parsing import (
    REST_OF_WORLD,
    format_tiers,
)
from server.admin.forms import FormPage, check_post, nothing, post_action
from server.admin.pages import Merchant, found, login_required, store_for_request
from server.checkout.addresses import COUNTRIES
from server.db import Row
from server.errors import NotFound
from server.forms import FormInvalid
from server.money import example_amount, format_amount, format_major_units
from server.services import services
from server.stores.service import Store

ZONE_FIELDS = ("name", "countries")
METHOD_FIELDS = ("name", "kind", "rate", "tiers", "free_over", "min_days", "max_days")
NEW_ZONE: dict[str, str] = dict.fromkeys(ZONE_FIELDS, "")
NEW_METHOD = dict.fromkeys(METHOD_FIELDS, "") | {"kind": "flat", "min_days": "2",
                                                 "max_days": "5"}  # fmt: skip


# ---- zones --------------------------------------------------------------------------------


async def insert_new_zone(conn: aiosqlite.Connection, store_id: int, zone: ZoneInput) -> int:
    await check_countries_free(conn, store_id, None, zone)
    return await queries.insert_zone(conn, store_id, zone)


async def overwrite_zone(
    conn: aiosqlite.Connection, store_id: int, zone_id: int, zone: ZoneInput
) -> None:
    await check_countries_free(conn, store_id, zone_id, zone)
    if not await queries.update_zone(conn, store_id, zone_id, zone):
        raise NotFound("There is no such shipping zone.")


async def check_countries_free(
    conn: aiosqlite.Connection, store_id: int, zone_id: int | None, zone: ZoneInput
) -> None:
    """Refuse a country (or ``*``) that another zone of the store already lists."""
    for other in await queries.other_zones(conn, store_id, zone_id):
        listed = other["countries"].replace(",", " ").split()
        shared = [code for code in zone.countries if code in listed]
        if shared == [REST_OF_WORLD]:
            message = f"The zone “{other['name']}” already covers everywhere else (*)."
        elif shared:
            message = (
                f"{', '.join(shared)} {'is' if len(shared) == 1 else 'are'} already in the zone"
                f" “{other['name']}”: each country belongs to one zone."
            )
        else:
            continue
        raise FormInvalid({"countries": message})


async def zone_for_request(request: Request, store: Store) -> Row:
    return found(
        await queries.find_zone(services(request).db, store.id, request.path_params["zone_id"]),
        "There is no such shipping zone.",
    )


async def _render_overview(
    request: Request,
    merchant: Merchant,
    store: Store,
    loaded: None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    db = services(request).db
    methods = await queries.list_methods(db, store.id)
    zones = [
        describe_zone(zone, [m for m in methods if m["zone_id"] == zone["id"]], store)
        for zone in await queries.list_zones(db, store.id)
    ]
    context = {"zones": zones, "values": values, **await country_choices(request, store, None)}
    return render_settings(request, merchant, store, "shipping.html", context, errors)


async def _render_zone(
    request: Request,
    merchant: Merchant,
    store: Store,
    zone: Row,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    methods = await queries.list_methods(services(request).db, store.id)
    mine = [m for m in methods if m["zone_id"] == zone["id"]]
    context = {
        "zone": describe_zone(zone, mine, store),
        "values": values,
        **await country_choices(request, store, zone["id"]),
    }
    return render_settings(request, merchant, store, "zone.html", context, errors)


async def country_choices(request: Request, store: Store, zone_id: int | None) -> dict[str, Any]:
    """The zone form's country list by name, and which other zone already lists a country."""
    taken = {
        code: zone["name"]
        for zone in await queries.list_zones(services(request).db, store.id)
        if zone["id"] != zone_id
        for code in zone["countries"].split()
    }
    countries = sorted(((c.code, c.name) for c in COUNTRIES.values()), key=lambda c: c[1])
    return {"countries": countries, "taken": taken}


def describe_zone(zone: Row, methods: list[Row], store: Store) -> dict[str, Any]:
    codes = zone["countries"].split()
    names = [COUNTRIES[c].name if c in COUNTRIES else c for c in codes]
    return {
        "id": zone["id"],
        "name": zone["name"],
        "countries": "Everywhere else" if codes == [REST_OF_WORLD] else ", ".join(names),
        "methods": [describe_method(method, store) for method in methods],
    }


def describe_method(row: Row, store: Store) -> dict[str, Any]:
    """A method's price and transit time in words, in the store's currency."""

    def money(amount: int) -> str:
        return format_amount(amount, store.currency)

    tiers = [tuple(tier) for tier in json.loads(row["tiers"] or "[]")]
    if row["kind"] == "flat":
        prices = [money(row["rate"])]
    elif row["kind"] == "subtotal_tiers":
        prices = [f"from {money(start)}: {money(price)}" for start, price in tiers]
    else:
        prices = [f"from {start:,} g: {money(price)}" for start, price in tiers]
    days = (f"{row['min_days']}" if row["min_days"] == row["max_days"]
            else f"{row['min_days']}–{row['max_days']}")  # fmt: skip
    return {
        "id": row["id"],
        "name": row["name"],
        "kind": SHIPPING_KINDS[row["kind"]],
        "prices": prices,
        "free_over": None if row["free_over"] is None else money(row["free_over"]),
        "days": f"{days} working day{'' if days == '1' else 's'}",
    }


# ---- methods ------------------------------------------------------------------------------


@login_required
async def delete_method(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    zone = await zone_for_request(request, store)
    await check_post(request, merchant)
    method_id = request.path_params["method_id"]

    async def remove(conn: aiosqlite.Connection) -> None:
        if not await queries.delete_method(conn, zone["id"], method_id):
            raise NotFound("There is no such shipping method.")

    await services(request).db.write(remove)
    return saved(store, f"/shipping/zones/{zone['id']}", "method-deleted")


async def insert_new_method(
    conn: aiosqlite.Connection, store_id: int, zone_id: int, method: MethodInput
) -> int:
    # The zone may have been deleted since the form was opened.
    if not await queries.zone_exists(conn, store_id, zone_id):
        raise NotFound("There is no such shipping zone.")
    return await queries.insert_method(conn, zone_id, method)


async def overwrite_method(
    conn: aiosqlite.Connection, zone_id: int, method_id: int, method: MethodInput
) -> None:
    if not await queries.update_method(conn, zone_id, method_id, method):
        raise NotFound("There is no such shipping method.")


async def method_for_request(request: Request, store: Store) -> Row:
    params = request.path_params
    return found(
        await queries.find_method(
            services(request).db, store.id, params["zone_id"], params["method_id"]
        ),
        "There is no such shipping method.",
    )


def method_values(row: Row, store: Store) -> dict[str, str]:
    tiers = [tuple(tier) for tier in json.loads(row["tiers"] or "[]")]
    flat = row["kind"] == "flat"
    return {
        "name": row["name"],
        "kind": row["kind"],
        "rate": format_major_units(row["rate"], store.currency) if flat else "",
        "tiers": "" if flat else format_tiers(tiers, row["kind"], store.currency),
        "free_over": "" if row["free_over"] is None
        else format_major_units(row["free_over"], store.currency),
        "min_days": str(row["min_days"]),
        "max_days": str(row["max_days"]),
    }  # fmt: skip


async def zone_and_method(request: Request, store: Store) -> tuple[Row, Row]:
    return await zone_for_request(request, store), await method_for_request(request, store)


def _render_method(
    request: Request,
    merchant: Merchant,
    store: Store,
    zone: Row,
    method: Row | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "zone": zone,
        "method": method,
        "values": values,
        "kinds": list(SHIPPING_KINDS.items()),
        "example_amount": example_amount(store.currency),
    }
    return render_settings(request, merchant, store, "method.html", context, errors)


# GETs of the URLs forms post to (a reload after an error, say) go to the page itself.


@login_required
async def zones_redirect(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return RedirectResponse(settings_url(store, "/shipping"), 303)


@login_required
async def methods_redirect(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    zone_id = request.path_params["zone_id"]
    return RedirectResponse(settings_url(store, f"/shipping/zones/{zone_id}"), 303)


def _zone_url(store: Store, zone_id: int) -> str:
    return saved_url(store, f"/shipping/zones/{zone_id}", "zone")


def _method_url(store: Store, zone: Row) -> str:
    return saved_url(store, f"/shipping/zones/{zone['id']}", "method")


new_zone = FormPage(
    load=nothing,
    initial=lambda _, store: NEW_ZONE,
    fields=("name",),
    lists=("countries",),
    read=lambda values, store, _: read_zone(values),
    write=lambda conn, store, _, zone, now: insert_new_zone(conn, store.id, zone),
    render=_render_overview,
    done=lambda store, _, zone_id: _zone_url(store, zone_id),
)
edit_zone = FormPage(
    load=zone_for_request,
    initial=lambda zone, store: {"name": zone["name"], "countries": zone["countries"]},
    fields=("name",),
    lists=("countries",),
    read=lambda values, store, zone: read_zone(values),
    write=lambda conn, store, current, zone, now: overwrite_zone(
        conn, store.id, current["id"], zone
    ),
    render=_render_zone,
    done=lambda store, zone, _: _zone_url(store, zone["id"]),
)
new_method = FormPage(
    load=zone_for_request,
    initial=lambda zone, store: NEW_METHOD,
    fields=METHOD_FIELDS,
    read=lambda values, store, zone: read_method(values, store.currency),
    write=lambda conn, store, zone, method, now: insert_new_method(
        conn, store.id, zone["id"], method
    ),
    render=lambda request, merchant, store, zone, values, errors: _render_method(
        request, merchant, store, zone, None, values, errors
    ),
    done=lambda store, zone, _: _method_url(store, zone),
)
edit_method = FormPage(
    load=zone_and_method,
    initial=lambda found, store: method_values(found[1], store),
    fields=METHOD_FIELDS,
    read=lambda values, store, found: read_method(values, store.currency),
    write=lambda conn, store, found, method, now: overwrite_method(
        conn, found[0]["id"], found[1]["id"], method
    ),
    render=lambda request, merchant, store, found, values, errors: _render_method(
        request, merchant, store, *found, values, errors
    ),
    done=lambda store, found, _: _method_url(store, found[0]),
)

# The zone's methods go with it (ON DELETE CASCADE); orders keep their method name.
delete_zone = post_action(
    lambda conn, store, params: queries.delete_zone(conn, store.id, params["zone_id"]),
    "There is no such shipping zone.",
    lambda store, params: saved_url(store, "/shipping", "zone-deleted"),
)

BASE = "/stores/{store_id:id}/checkout/shipping"
ZONE = BASE + "/zones/{zone_id:id}"
METHOD = ZONE + "/methods/{method_id:id}"
routes = [
    Route(BASE, new_zone.show, methods=["GET"]),
    Route(BASE + "/zones", zones_redirect, methods=["GET"]),
    Route(BASE + "/zones", new_zone.save, methods=["POST"]),
    Route(ZONE, edit_zone.show, methods=["GET"]),
    Route(ZONE, edit_zone.save, methods=["POST"]),
    Route(ZONE + "/delete", delete_zone, methods=["POST"]),
    Route(ZONE + "/methods/new", new_method.show, methods=["GET"]),
    Route(ZONE + "/methods", methods_redirect, methods=["GET"]),
    Route(ZONE + "/methods", new_method.save, methods=["POST"]),
    Route(METHOD, edit_method.show, methods=["GET"]),
    Route(METHOD, edit_method.save, methods=["POST"]),
    Route(METHOD + "/delete", delete_method, methods=["POST"]),
]
