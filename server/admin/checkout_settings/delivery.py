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
from server.admin.checkout_settings.inputs import WORKING_DAY_CHOICES, read_delivery
from server.admin.checkout_settings.pages import render_settings, saved_url
from server.admin.forms import FormPage
from server.admin.pages import Merchant
from server.checkout.delivery import DAY_NAMES, delivery_json, holidays_text
from server.pricing.delivery import DeliveryRules, dispatch_wording
from server.services import services
from server.stores.service import Store

TEXT_FIELDS = ("dispatch_cutoff", "handling_days", "holidays")


async def saved_rules(request: Request, store: Store) -> DeliveryRules:
    return await queries.delivery_rules(services(request).db, store.id, store.timezone)


def rule_values(rules: DeliveryRules, store: Store) -> dict[str, str]:
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
    rules: DeliveryRules,
    values: dict[str, str],
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
    db = services(request).db
    now = services(request).clock.now_ms()
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


delivery_page = FormPage(
    load=saved_rules,
    initial=rule_values,
    fields=TEXT_FIELDS,
    lists=("working_days",),
    read=lambda values, store, rules: read_delivery(
        values, values["working_days"].split(), store.timezone
    ),
    write=lambda conn, store, saved, rules, now: queries.update_delivery(conn, store.id, rules),
    render=_render,
    done=lambda store, rules, _: saved_url(store, "/delivery", "delivery"),
)

routes = [
    Route("/stores/{store_id:id}/checkout/delivery", delivery_page.show, methods=["GET"]),
    Route("/stores/{store_id:id}/checkout/delivery", delivery_page.save, methods=["POST"]),
]
