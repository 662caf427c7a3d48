"""Discount codes: list, create, edit, and switch off or on again.

Codes are never deleted from here: orders and redemptions refer to them, and a deactivated
code keeps its history while shoppers can no longer use it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.inputs import DISCOUNT_KINDS, DiscountInput, read_discount
from server.admin.checkout_settings.pages import render_settings, saved_url
from server.admin.forms import FormPage, nothing, post_action
from server.admin.pages import Merchant, found, login_required, store_for_request
from server.db import Row
from server.errors import NotFound
from server.forms import FormInvalid, format_local_display, format_local_input
from server.money import example_amount, format_amount, format_major_units
from server.services import services
from server.stores.service import Store

TEXT_FIELDS = ("code", "kind", "value", "min_subtotal", "starts_at", "expires_at", "usage_limit")
FLAGS = ("once_per_email", "active")
NEW_DISCOUNT = dict.fromkeys(TEXT_FIELDS, "") | {"kind": "percent", "active": "true",
                                                 "once_per_email": "false"}  # fmt: skip
DUPLICATE = "Another discount code of this store already uses this code."


# ---- list ---------------------------------------------------------------------------------


@login_required
async def discount_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    rows = await queries.list_discounts(services(request).db, store.id)
    now = services(request).clock.now_ms()
    context = {"discounts": [describe_discount(row, store, now) for row in rows]}
    return render_settings(request, merchant, store, "discounts.html", context)


def describe_discount(row: Row, store: Store, now: int) -> dict[str, Any]:
    """One row of the list, in the store's currency and time zone."""

    def money(amount: int) -> str:
        return format_amount(amount, store.currency)

    value = {"percent": f"{row['value']}%", "fixed": money(row["value"])}.get(row["kind"], "—")
    limit = row["usage_limit"]
    return {
        "id": row["id"],
        "code": row["code"],
        "kind": DISCOUNT_KINDS.get(row["kind"], row["kind"]),
        "value": value,
        "min_subtotal": money(row["min_subtotal"]) if row["min_subtotal"] else "—",
        "starts": _when(row["starts_at"], store),
        "expires": _when(row["expires_at"], store) or "—",
        "used": f"{row['times_used']} / {'no limit' if limit is None else limit}",
        "once_per_email": bool(row["once_per_email"]),
        "active": bool(row["active"]),
        "status": discount_status(row, now),
    }


def discount_status(row: Row, now: int) -> str:
    if not row["active"]:
        return "Inactive"
    if row["expires_at"] is not None and now >= row["expires_at"]:
        return "Expired"
    if row["starts_at"] is not None and now < row["starts_at"]:
        return "Scheduled"
    if row["usage_limit"] is not None and row["times_used"] >= row["usage_limit"]:
        return "Used up"
    return "Active"


def _when(ms: int | None, store: Store) -> str:
    return "" if ms is None else format_local_display(ms, store.timezone)


# ---- create and edit ----------------------------------------------------------------------


async def insert_new_discount(
    conn: aiosqlite.Connection, store_id: int, discount: DiscountInput, now: int
) -> int:
    if await queries.discount_code_owner(conn, store_id, discount.code) is not None:
        raise FormInvalid({"code": DUPLICATE})
    return await queries.insert_discount(conn, store_id, discount, now)


async def overwrite_discount(
    conn: aiosqlite.Connection, store_id: int, discount_id: int, discount: DiscountInput
) -> None:
    times_used = await queries.discount_times_used(conn, store_id, discount_id)
    if times_used is None:
        raise NotFound("There is no such discount code.")
    if await queries.discount_code_owner(conn, store_id, discount.code) not in (None, discount_id):
        raise FormInvalid({"code": DUPLICATE})
    # Read inside the write: an order may have used the code since the form was opened.
    if discount.usage_limit is not None and discount.usage_limit < times_used:
        raise FormInvalid(
            {"usage_limit": f"This code has been used {times_used} times already:"
                            f" set the limit to {times_used} or more."}
        )  # fmt: skip
    await queries.update_discount(conn, store_id, discount_id, discount)


def discount_values(row: Row, store: Store) -> dict[str, str]:
    """A stored discount as the form shows it, in the store's currency and time zone."""
    kind = row["kind"]
    value = {
        "percent": str(row["value"]),
        "fixed": format_major_units(row["value"], store.currency),
    }
    when = {
        key: "" if row[key] is None else format_local_input(row[key], store.timezone)
        for key in ("starts_at", "expires_at")
    }
    return {
        "code": row["code"],
        "kind": kind,
        "value": value.get(kind, ""),
        "min_subtotal": format_major_units(row["min_subtotal"], store.currency)
        if row["min_subtotal"]
        else "",
        **when,
        "usage_limit": "" if row["usage_limit"] is None else str(row["usage_limit"]),
        "once_per_email": "true" if row["once_per_email"] else "false",
        "active": "true" if row["active"] else "false",
    }


async def discount_for_request(request: Request, store: Store) -> Row:
    return found(
        await queries.discount_row_by_id(
            services(request).db, store.id, request.path_params["discount_id"]
        ),
        "There is no such discount code.",
    )


def _render_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    row: Row | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "discount": row,
        "values": values,
        "kinds": list(DISCOUNT_KINDS.items()),
        "example_amount": example_amount(store.currency),
    }
    return render_settings(request, merchant, store, "discount_form.html", context, errors)


new_discount = FormPage(
    load=nothing,
    initial=lambda _, store: NEW_DISCOUNT,
    fields=TEXT_FIELDS,
    flags=FLAGS,
    read=lambda values, store, _: read_discount(values, store),
    write=lambda conn, store, _, discount, now: insert_new_discount(conn, store.id, discount, now),
    render=_render_form,
    done=lambda store, _, discount_id: saved_url(store, "/discounts", "discount"),
)
edit_discount = FormPage(
    load=discount_for_request,
    initial=discount_values,
    fields=TEXT_FIELDS,
    flags=FLAGS,
    read=lambda values, store, row: read_discount(values, store),
    write=lambda conn, store, row, discount, now: overwrite_discount(
        conn, store.id, row["id"], discount
    ),
    render=_render_form,
    done=lambda store, row, _: saved_url(store, "/discounts", "discount"),
)

# ---- deactivate ---------------------------------------------------------------------------


def set_active(active: bool) -> Callable[[Request], Awaitable[Response]]:
    return post_action(
        lambda conn, store, params: queries.set_discount_active(
            conn, store.id, params["discount_id"], active
        ),
        "There is no such discount code.",
        lambda store, params: saved_url(
            store, "/discounts", "activated" if active else "deactivated"
        ),
    )


deactivate_discount = set_active(False)
activate_discount = set_active(True)

BASE = "/stores/{store_id:id}/checkout/discounts"
routes = [
    Route(BASE, discount_list, methods=["GET"]),
    Route(BASE, new_discount.save, methods=["POST"]),
    Route(BASE + "/new", new_discount.show, methods=["GET"]),
    Route(BASE + "/{discount_id:id}", edit_discount.show, methods=["GET"]),
    Route(BASE + "/{discount_id:id}", edit_discount.save, methods=["POST"]),
    Route(BASE + "/{discount_id:id}/deactivate", deactivate_discount, methods=["POST"]),
    Route(BASE + "/{discount_id:id}/activate", activate_discount, methods=["POST"]),
]
