"""Delivery dates: the store's one delivery rule (dispatch cut-off, handling days, working days
and holidays), with what an order placed now would be told for each shipping method. Each
method's transit days are edited with the method (shipping.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.checkout_settings import queries
from server.admin.checkout_settings.forms import FormInvalid, render_settings, saved, submitted
from server.admin.checkout_settings.inputs import WORKING_DAY_CHOICES, read_delivery
from server.admin.pages import Merchant, login_required, store_for_request
from server.checkout.delivery import DAY_NAMES, delivery_json, holidays_text
from server.pricing.delivery import DeliveryRules, dispatch_wording
from server.stores.service import Store
from server.web import clock_ms

TEXT_FIELDS = ("dispatch_cutoff", "handling_days", "holidays")


@login_required
async def delivery_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    rules = await queries.delivery_rules(request.app.state.db, store.id, store.timezone)
    return await _render(request, merchant, store, rule_values(rules), rules)


@login_required
async def save_delivery(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = await submitted(request, merchant, TEXT_FIELDS)
    days = [str(day) for day in (await request.form()).getlist("working_days")]
    values["working_days"] = " ".join(days)
    try:
        rules = read_delivery(values, days, store.timezone)
    except FormInvalid as exc:
        saved_rules = await queries.delivery_rules(request.app.state.db, store.id, store.timezone)
        return await _render(request, merchant, store, values, saved_rules, exc.errors)
    await request.app.state.db.write(lambda conn: queries.update_delivery(conn, store.id, rules))
    return saved(store, "/delivery", "delivery")


def rule_values(rules: DeliveryRules) -> dict[str, str]:
    return {
        "dispatch_cutoff": f"{rules.cutoff:%H:%M}",
        "handling_days": str(rules.handling_days),
        "working_days": " ".join(DAY_NAMES[d] for d in sorted(rules.working_days)),
        "holidays": holidays_text(rules.holidays).replace(" ", "\n"),
    }


async def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    values: dict[str, str],
    rules: DeliveryRules,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {
        "values": values,
        "day_choices": WORKING_DAY_CHOICES,
        "rule": dispatch_wording(rules),
        "estimates": await _estimates_now(request, store, rules),
    }
    return render_settings(request, merchant, store, "delivery.html", context, errors)


async def _estimates_now(request: Request, store: Store, rules: DeliveryRules) -> list[Any]:
    """What checkout tells a shopper ordering now, per zone and method (the saved rule)."""
    db = request.app.state.db
    now = clock_ms(request)
    methods = await queries.list_methods(db, store.id)
    return [
        {"zone": zone["name"], "method": m["name"],
         "text": delivery_json(now, rules, _Transit(m["min_days"], m["max_days"]))["text"]}
        for zone in await queries.list_zones(db, store.id)
        for m in methods
        if m["zone_id"] == zone["id"]
    ]  # fmt: skip


@dataclass(frozen=True)
class _Transit:
    min_days: int
    max_days: int


routes = [
    Route("/stores/{store_id:id}/checkout/delivery", delivery_page, methods=["GET"]),
    Route("/stores/{store_id:id}/checkout/delivery", save_delivery, methods=["POST"]),
]
