"""The context of a store's overview page: what ``store_page`` renders.

Reads the range from the query, counts the two periods (and the chart buckets) through
``queries``, and turns the counts into text with ``figures`` and ``charts``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request

from server.admin.charts import Chart, Series, line_chart
from server.admin.overview import figures, queries
from server.admin.overview.install import snippet_warnings
from server.admin.overview.periods import CUSTOM, PRESETS, Bucket, Window, choose_window, window
from server.admin.pages import describe_age
from server.clock import start_of_day_ms
from server.db import Database
from server.errors import ValidationFailed
from server.events.queries import activity_since
from server.money import format_amount
from server.services import services
from server.stores.service import QUEUE_STUB, Store, snippet
from server.trust.queries import load_trust_settings

Money = Callable[[float], str]


async def store_overview(request: Request, store: Store) -> tuple[dict[str, Any], int]:
    """The page's context, and its status: 422 when a custom range could not be read."""
    db = services(request).db
    now = services(request).clock.now_ms()
    chosen, form_errors = _chosen_window(request, store, now)

    def money(amount: float) -> str:
        return format_amount(round(amount), store.currency)

    where = queries.EventStore(store.id, store.timezone)
    current = await _counts(db, where, chosen.current.days, now)
    previous = await _counts(db, where, chosen.previous.days, now)
    totals, totals_before = figures.total(current), figures.total(previous)
    settings = services(request).settings
    live = await activity(db, store, now)
    context = {
        "window": chosen,
        "ranges": _range_links(store, chosen),
        "custom": _custom_values(request, chosen),
        "errors": form_errors,
        "figures": figures.headline(totals, totals_before, money),
        "funnel": figures.funnel(totals),
        "charts": await _charts(db, where, chosen, now, money, (current, previous)),
        "features": await _features(db, store, chosen, now, money),
        "has_events": live["last_event_at"] is not None,
        "snippet": snippet(settings.base_url, store.public_key),
        "snippet_warnings": snippet_warnings(settings.public_url, settings.base_url),
        "queue_stub": QUEUE_STUB,
        "activity": live,
    }
    return context, 422 if form_errors else 200


def _chosen_window(request: Request, store: Store, now: int) -> tuple[Window, dict[str, str]]:
    try:
        return choose_window(request.query_params, now, store.timezone), {}
    except ValidationFailed as exc:
        fallback = choose_window({}, now, store.timezone)
        # Keep the custom form on screen with the merchant's dates and the error beside them.
        shown = window(CUSTOM, fallback.current.first_day, fallback.current.last_day, now,
                       ZoneInfo(store.timezone))  # fmt: skip
        return shown, {exc.field or "from": exc.message}


async def _counts(
    db: Database, where: queries.EventStore, buckets: Sequence[Bucket], now: int
) -> list[figures.DayCounts]:
    events = await queries.event_counts(db, where, buckets, now)
    orders = await queries.order_counts(db, where.store_id, buckets)
    return queries.with_orders(events, orders)


def _range_links(store: Store, chosen: Window) -> list[dict[str, Any]]:
    base = f"/admin/stores/{store.id}"
    return [
        {"key": key, "label": label, "url": f"{base}?range={key}", "current": key == chosen.key}
        for key, (label, _days) in PRESETS.items()
    ]


def _custom_values(request: Request, chosen: Window) -> dict[str, str]:
    query = request.query_params
    if chosen.key == CUSTOM and "from" in query:
        return {"from": query.get("from", ""), "to": query.get("to", "")}
    return {"from": chosen.current.first_day.isoformat(), "to": chosen.current.last_day.isoformat()}


# ---- charts ---------------------------------------------------------------------------------


async def _charts(
    db: Database,
    where: queries.EventStore,
    chosen: Window,
    now: int,
    money: Money,
    day_counts: tuple[list[figures.DayCounts], list[figures.DayCounts]],
) -> list[Chart]:
    if chosen.hourly:  # a one-day range is charted by the hour
        current = await _counts(db, where, chosen.chart_current, now)
        previous = await _counts(db, where, chosen.chart_previous, now)
    else:
        current, previous = day_counts
    labels = [b.label for b in chosen.chart_current]
    per = "hour" if chosen.hourly else "day"
    specs = (
        ("revenue", f"Revenue per {per}", money, False),
        ("orders", f"Orders per {per}", _count, True),
        ("sessions", f"Sessions per {per}", _count, True),
    )
    ticks = {"revenue": lambda amount: money(amount).replace(".00", "")}
    return [
        line_chart(
            f"chart-{key}",
            title,
            _describe(title, key, chosen, current, previous, labels, fmt),
            labels,
            _period_series(key, chosen, current, previous),
            fmt,
            whole=whole,
            format_tick=ticks.get(key),
        )
        for key, title, fmt, whole in specs
    ]


def _period_series(
    key: str,
    chosen: Window,
    current: Sequence[figures.DayCounts],
    previous: Sequence[figures.DayCounts],
) -> tuple[Series, Series]:
    return (
        Series(f"This period ({chosen.current.label})", tuple(getattr(c, key) for c in current)),
        Series(
            f"Previous period ({chosen.previous.label})",
            tuple(getattr(c, key) for c in previous),
            dashed=True,
        ),
    )


def _count(value: float) -> str:
    return f"{round(value):,}"


def _describe(
    title: str,
    key: str,
    chosen: Window,
    current: Sequence[figures.DayCounts],
    previous: Sequence[figures.DayCounts],
    labels: Sequence[str],
    fmt: Callable[[float], str],
) -> str:
    """The chart in one or two sentences, for screen readers and as the SVG's description."""
    values = [getattr(c, key) for c in current]
    before = sum(getattr(c, key) for c in previous)
    text = f"{title}, {chosen.current.label}: {fmt(sum(values))} in all"
    if values and max(values) > 0:
        peak = values.index(max(values))
        text += f", highest {fmt(values[peak])} on {labels[peak]}"
    return (
        f"{text}. The dashed line is the previous period, {chosen.previous.label}:"
        f" {fmt(before)} in all."
    )


# ---- what Keepcart brought ------------------------------------------------------------------


FUTURE_FEATURES = (
    ("Cart recovery", "Email shoppers who asked for their cart, with a link back to it."),
)


async def _features(
    db: Database, store: Store, chosen: Window, now: int, money: Money
) -> list[dict[str, Any]]:
    offers = await _offers_row(db, store, chosen, now, money)
    later = [
        {"feature": name, "set_up": False, "note": f"Not set up yet. {about}"}
        for name, about in FUTURE_FEATURES
    ]
    return [offers, await _surveys_row(db, store, chosen), await _trust_row(db, store), *later]


async def _surveys_row(db: Database, store: Store, chosen: Window) -> dict[str, Any]:
    """Surveys have no holdout of their own (an answer's offer is counted under Offers): the
    row says what they were asked and answered in the period."""
    link = f"/admin/stores/{store.id}/surveys"
    row: dict[str, Any] = {"feature": "Surveys", "link": link, "set_up": True}
    period = chosen.current
    counts = await queries.survey_counts(db, store.id, period.start_ms, period.end_ms)
    if not counts.surveys:
        return row | {"set_up": False, "note": "Not set up yet: no survey."}
    live = f"{counts.live:,} live" if counts.live else "None live"
    return row | {
        "note": f"{live}. {counts.completed:,} answered of {counts.shown:,} shown in this"
        " period; an offer given after an answer is counted under Offers."
    }


async def _trust_row(db: Database, store: Store) -> dict[str, Any]:
    """Trust badges are measured on the Trust page, against their own holdout when one is
    set: the row says where, or that nothing is measured."""
    settings = await load_trust_settings(db, store.id)
    link = f"/admin/stores/{store.id}/trust"
    row: dict[str, Any] = {"feature": "Trust badges", "link": link, "set_up": True}
    if not settings.badges_holdout:
        return row | {
            "note": "Shown to every visitor: no holdout, so no effect measured. Set a holdout"
            " share on the Trust page to measure one."
        }
    return row | {
        "note": f"{settings.badges_holdout}% of visitors held out: the Trust page shows"
        " conversion with and without the badges."
    }


async def _offers_row(
    db: Database, store: Store, chosen: Window, now: int, money: Money
) -> dict[str, Any]:
    link = f"/admin/stores/{store.id}/campaigns"
    row: dict[str, Any] = {"feature": "Offers", "link": link, "set_up": True}
    if not await queries.campaign_count(db, store.id):
        return row | {"set_up": False, "note": "Not set up yet: no offer campaign."}
    where = queries.EventStore(store.id, store.timezone)
    splits = await queries.campaign_splits(db, where, chosen.current.days, now)
    brought = figures.offers_brought(splits)
    if not brought.offered_visitors and not brought.held_visitors:
        return row | {"note": "No visitor was shown a campaign in this period."}
    return row | describe_offers(brought, money)


def describe_offers(brought: figures.OffersBrought, money: Money) -> dict[str, Any]:
    """The offers row as text: both sides, and the incremental revenue with its interval."""
    if brought.incremental is None:
        incremental, interval = "—", "No campaign with a holdout had visitors in this period."
    elif brought.interval is None:
        incremental = money(brought.incremental)
        interval = "Not enough data yet for a 95% interval."
    else:
        incremental = money(brought.incremental)
        interval = f"95% interval {money(brought.interval.low)} to {money(brought.interval.high)}"
    return {
        "offered": f"{brought.offered_visitors:,}",
        "offered_conversion": figures.percent(brought.offered_conversion, 1),
        "held": f"{brought.held_visitors:,}",
        "held_conversion": figures.percent(brought.held_conversion, 1),
        "incremental": incremental,
        "interval": interval,
        "without_holdout": brought.without_holdout,
    }


# ---- live activity (the install card's counters) ----------------------------------------------


async def activity(db: Database, store: Store, now: int) -> dict[str, Any]:
    """Page views and events today, and how long ago the last event arrived."""
    counts = await activity_since(db, store.id, start_of_day_ms(now, store.timezone))
    last = counts["last_event_at"]
    counts["last_event"] = "No events yet" if last is None else describe_age((now - last) // 1000)
    return counts
