"""A campaign's results page, and the live preview of a variant in the real widget."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.admin.campaigns import performance, queries
from server.admin.campaigns.campaign_form import VARIANT_KEYS, form_values, variant_field
from server.admin.campaigns.campaign_prefill import NEW_CAMPAIGN, preview_variant
from server.admin.campaigns.editing import (
    campaign_for_request,
    render_offers,
    store_terms,
)
from server.admin.pages import Merchant, login_required, render, store_for_request
from server.forms import format_local_display
from server.money import format_amount
from server.offers.bucketing import HOLDOUT
from server.offers.results import ArmResult, arm_label, compare_arms
from server.offers.service import variant_json
from server.offers.stats import MIN_SAMPLE, Interval
from server.services import services

SIGNALS = {
    "exit_top": "Pointer left through the top (desktop)",
    "scroll_up": "Fast scroll up (phone)",
    "back_button": "Back button (phone)",
    "tab_return": "Came back to the tab",
    "inactivity": "Inactivity",
    "time_on_page": "Time on the page",
    "scroll_depth": "Scrolled down the page",
    "cart_idle": "Cart left idle",
    "survey": "After a survey answer",  # a survey answer's remedy (server/surveys/remedies.py)
}  # never "debug": the debug command's offers are not recorded

# The preview is framed by the campaign form (same origin) and shows the merchant's image,
# which may live on their shop's own domain.
PREVIEW_CSP = (
    "default-src 'self'; img-src 'self' data: https: http:; style-src 'self';"
    " script-src 'self'; connect-src 'self'; frame-ancestors 'self'; form-action 'none'"
)


@login_required
async def results_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    campaign = await campaign_for_request(request, store)
    db = services(request).db
    assert campaign.id is not None
    now = services(request).clock.now_ms()
    buckets = await performance.trend_buckets(db, campaign, store.timezone, now)
    results = await queries.campaign_results(db, campaign.id, buckets)
    arms = compare_arms(results.arms, [v.key for v in campaign.variants])
    settings = await queries.offer_settings(db, store.id)

    def money(amount: float) -> str:
        return format_amount(round(amount), store.currency)

    context = {
        "campaign": campaign,
        "arms": [describe_arm(arm, money) for arm in arms],
        "verdicts": [arm.verdict for arm in arms if arm.verdict],
        "orders": [
            {
                "number": order.number,
                "arm": arm_label(order.arm),
                "total": money(order.total),
                "discount": money(order.discount_cost) if order.discount_cost else "—",
                "coupon": order.campaign_coupon,
                "code": order.discount_code or "",
                "placed": format_local_display(order.created_at, store.timezone),
            }
            for order in results.newest_orders
        ],
        "order_count": results.order_count,
        "signals": [
            {
                "label": SIGNALS.get(row.signal, row.signal),
                "exposed": row.exposed,
                "converted": row.converted,
                "rate": f"{row.converted / row.exposed * 100:.1f}%",
            }
            for row in results.signals
        ],
        "trend": await performance.trend(db, campaign, buckets, results.converted_by_bucket),
        "attribution_days": settings.attribution_days,
        "min_sample": MIN_SAMPLE,
        "comparisons": len(arms) - 1,  # every arm but the holdout is compared with it
    }
    return render_offers(request, merchant, store, "results.html", context)


def describe_arm(arm: ArmResult, money: Any) -> dict[str, Any]:
    """One row of the results table, as text."""

    def points(interval: Interval | None) -> str:
        if interval is None:
            return "—"
        return f"{interval.low * 100:+.1f} to {interval.high * 100:+.1f} pts"

    def money_range(interval: Interval | None, scale: int = 1) -> str:
        if interval is None:
            return ""
        return f"{money(interval.low * scale)} to {money(interval.high * scale)}"

    holdout = arm.arm == HOLDOUT
    return {
        "label": arm.label,
        "holdout": holdout,
        "exposed": arm.exposed,
        "converted": arm.converted,
        "rate": f"{arm.conversion_rate * 100:.1f}%",
        "lift": "" if holdout else points(arm.conversion_lift),
        "revenue": money(arm.revenue),
        "rpv": money(arm.revenue_per_visitor),
        "rpv_range": "" if holdout else money_range(arm.rpv_lift),
        "discount_cost": money(arm.discount_cost),
        "incremental": "" if arm.incremental_revenue is None else money(arm.incremental_revenue),
        "incremental_range": "" if holdout else money_range(arm.rpv_lift, arm.exposed),
    }


@login_required
async def preview_page(request: Request, merchant: Merchant) -> Response:
    """An HTML page with the real widget and the variant to show, for the form's iframe.

    With form fields in the query (unsaved values), those are shown; otherwise the saved
    campaign's variant. ``campaign`` is ``new`` for a campaign not saved yet.
    """
    store = await store_for_request(request)
    key = request.query_params.get("variant", "A")
    key = key if key in VARIANT_KEYS else "A"
    saved = (
        NEW_CAMPAIGN
        if request.path_params["campaign"] == "new"
        else await campaign_for_request(request, store)
    )
    if variant_field("A", "headline") in request.query_params:
        values = form_values(request.query_params)
        typed = values[variant_field(key, "gift_sku")].strip()  # as the form reads it
        terms = await store_terms(request, store, {typed})
        variant = preview_variant(values, key, terms)  # a gift not in terms.gifts reads as none
        gifts = terms.gifts
    else:
        by_key = {v.key: v for v in saved.variants}
        variant = by_key.get(key) or saved.variants[0]
        gifts = await queries.gift_names(services(request).db, store.id, {variant.offer.gift_sku})
    preview = {
        "variant": variant_json(variant, store.currency, gifts.get(variant.offer.gift_sku, "")),
        "currency": store.currency,
        "locale": store.locale,
    }
    context = {"store": store, "preview": preview, "variant_key": variant.key}
    response = render(request, "campaigns/preview.html", context, session=merchant.session)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response
