"""The "Cart recovery" results: per reminder, what was written, delivered, clicked, recovered
and unsubscribed; and the reminded checkouts against the holdout, for what the reminders
added, with 95 % intervals (``server.recovery.results``). Staff may read it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.pages import Merchant, login_required, render, store_for_request
from server.money import format_amount
from server.offers.stats import MIN_SAMPLE, Interval
from server.recovery import queries
from server.recovery.model import LINK_DAYS
from server.recovery.results import Results, store_results
from server.services import services


@login_required
async def results_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = services(request).db
    settings = await queries.load_settings(db, store.id)
    figures = await store_results(db, store.id, len(settings.steps))

    def money(amount: float) -> str:
        return format_amount(round(amount), store.currency)

    context = {
        "merchant": merchant,
        "store": store,
        "settings": settings,
        "figures": figures,
        "money": money,
        "percent": _percent,
        "comparison": _comparison(figures, money),
        "attribution_days": LINK_DAYS,
        "min_sample": MIN_SAMPLE,
        "settings_url": f"/admin/stores/{store.id}/recovery",
    }
    return render(request, "recovery/results.html", context, session=merchant.session)


def _comparison(figures: Results, money: Any) -> dict[str, str] | None:
    """The holdout comparison in words; None when there is no holdout to compare with."""
    if not figures.holdout.checkouts:
        return None
    lift, extra = figures.lift, figures.incremental_revenue
    return {
        "lift": _range(lift, _points) if lift else "",
        "revenue": _range(extra, money) if extra else "",
    }


def _range(interval: Interval, show: Any) -> str:
    return (
        f"{show(interval.estimate)} (95 % interval {show(interval.low)} to {show(interval.high)})"
    )


def _points(value: float) -> str:
    return f"{value * 100:+.1f} points"


def _percent(value: float) -> str:
    return f"{value * 100:.1f} %"


routes = [Route("/stores/{store_id:id}/recovery/results", results_page, methods=["GET"])]
