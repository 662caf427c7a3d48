"""How each campaign is doing, as text: its row on the offers list, and the trend of its
conversion over time on its results page. The maths is ``server.offers.results``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.admin.campaigns import performance_queries as queries
from server.admin.charts import Chart, Series, line_chart
from server.admin.overview.periods import Bucket, local_day, midnight_ms, period
from server.db import Database
from server.offers.bucketing import HOLDOUT
from server.offers.model import Campaign
from server.offers.results import ArmResult, ArmTotals, compare_arms
from server.offers.stats import Interval

Money = Callable[[float], str]
TREND_DAYS = 90  # the trend shows at most the latest 90 days of exposures


# ---- the offers list ------------------------------------------------------------------------


def list_standing(campaign: Campaign, totals: Sequence[ArmTotals], money: Money) -> dict[str, Any]:
    """The campaign's exposed visitors, each arm's conversion, the revenue of those shown an
    offer, and each variant's lift against the holdout (or why there is none yet)."""
    arms = compare_arms(totals, [v.key for v in campaign.variants])
    variants, holdout = arms[:-1], arms[-1]
    extra = [a.incremental_revenue for a in variants if a.incremental_revenue is not None]
    return {
        "exposed": sum(a.exposed for a in arms),
        "holdout_exposed": holdout.exposed,
        "conversion": [(a.label, _rate(a)) for a in arms if a.exposed or not a.is_holdout],
        "revenue": money(sum(a.revenue for a in variants)),
        "incremental": money(sum(extra)) if extra else None,
        "lifts": [(a.label, *lift_text(a, holdout, campaign.holdout_percent)) for a in variants],
    }


def _rate(arm: ArmResult) -> str:
    return f"{arm.conversion_rate * 100:.1f}%" if arm.exposed else "—"


def lift_text(arm: ArmResult, holdout: ArmResult, holdout_percent: int) -> tuple[str, str]:
    """The variant's conversion lift as an interval and what it means, or why there is none."""
    if not holdout.exposed:
        if not holdout_percent:
            return "no holdout", "this campaign shows every visitor the offer"
        return "not enough data yet", "no visitor in the holdout yet"
    if arm.conversion_lift is None:
        return "not enough data yet", f"{arm.exposed:,} exposed so far"
    return points(arm.conversion_lift), _significance(arm.conversion_lift)


def points(interval: Interval) -> str:
    return f"{interval.low * 100:+.1f} to {interval.high * 100:+.1f} pts"


def _significance(interval: Interval) -> str:
    return "significant" if interval.significant else "not yet significant"


# ---- the trend on the results page ----------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    chart: Chart
    cut: bool  # the campaign ran before the first day shown: only its latest days are


async def trend_buckets(
    db: Database, campaign: Campaign, timezone: str, now_ms: int
) -> list[Bucket]:
    """The trend's buckets: before the first day shown, then each day shown (at most the
    latest ``TREND_DAYS``); none before any exposure."""
    assert campaign.id is not None
    span = await queries.exposure_span(db, campaign.id)
    if span is None:
        return []
    zone = ZoneInfo(timezone)
    last = local_day(now_ms if campaign.status == "live" else span[1], zone)
    first = max(local_day(span[0], zone), last - timedelta(days=TREND_DAYS - 1))
    days = period(first, last, None, zone).days
    # Exposures before the first day shown still count in the rates so far.
    return [Bucket("before", 0, midnight_ms(first, zone), first), *days]


async def trend(
    db: Database,
    campaign: Campaign,
    buckets: Sequence[Bucket],
    converted: Sequence[dict[str, int]],
) -> Trend | None:
    """Each arm's conversion rate so far, by day of exposure; None before any exposure.
    ``converted``: per bucket, arm → converted visitors (``queries.campaign_results``)."""
    assert campaign.id is not None
    if not buckets:
        return None
    before, *counted = await queries.arm_days(db, campaign.id, buckets, converted)
    arms = [*(v.key for v in campaign.variants), HOLDOUT]
    chart = trend_chart(arms, [d.label for d in buckets[1:]], before, counted)
    return Trend(chart, any(day.exposed for day in before.values()))


def trend_chart(
    arms: Sequence[str],
    labels: Sequence[str],
    before: dict[str, queries.ArmDay],
    days: Sequence[dict[str, queries.ArmDay]],
) -> Chart:
    """Cumulative conversion rate per arm (the lines), and per day the conversions among
    that day's newly exposed visitors (the table)."""
    series, cells = [], []
    for place, arm in enumerate(arms):
        rates, arm_cells = _running_rates(arm, before, days)
        series.append(Series(_arm_name(arm), rates, dashed=arm == HOLDOUT,
                             colour=_colour(place, arm)))  # fmt: skip
        cells.append(arm_cells)
    return line_chart(
        "chart-trend",
        "Conversion rate so far, by day of exposure",
        _trend_description(series, labels),
        labels,
        series,
        lambda rate: f"{rate * 100:.1f}%",
        table=[tuple(arm_cells[i] for arm_cells in cells) for i in range(len(labels))],
        columns=[f"{s.name}: converted of exposed that day" for s in series],
        format_tick=lambda rate: f"{rate * 100:.1f}%",
    )


def _running_rates(
    arm: str, before: dict[str, queries.ArmDay], days: Sequence[dict[str, queries.ArmDay]]
) -> tuple[tuple[float, ...], list[str]]:
    none = queries.ArmDay()
    exposed, converted = before.get(arm, none).exposed, before.get(arm, none).converted
    rates, cells = [], []
    for day in days:
        today = day.get(arm, none)
        exposed, converted = exposed + today.exposed, converted + today.converted
        rate = converted / exposed if exposed else 0.0
        rates.append(rate)
        cells.append(f"{today.converted} of {today.exposed} · {rate * 100:.1f}% so far")
    return tuple(rates), cells


def _colour(place: int, arm: str) -> int:
    """The holdout is grey (series-2); the variants take the other colours in turn."""
    if arm == HOLDOUT:
        return 2
    return 1 if place == 0 else place + 2


def _arm_name(arm: str) -> str:
    return "Holdout" if arm == HOLDOUT else f"Variant {arm}"


def _trend_description(series: Sequence[Series], labels: Sequence[str]) -> str:
    if not labels:
        return "No exposures yet."
    ends = ", ".join(f"{s.name} {s.values[-1] * 100:.1f}%" for s in series if s.values)
    return (
        f"Each arm's conversion rate among the visitors exposed up to each day, {labels[0]} to"
        f" {labels[-1]}. On {labels[-1]}: {ends}. The holdout is the dashed line."
    )
