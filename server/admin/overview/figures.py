"""The overview's figures, from counts per day: pure functions, tested without a server.

What counts (the page says it too):

- Revenue and orders: paid and fulfilled orders, by when they were placed, at their totals
  after discounts, with tax and shipping: the campaign results' definition. An order
  awaiting payment counts once paid; a refunded one never does.
- Sessions: distinct widget session ids with a pageview, counted per day (a session that
  runs past midnight counts on both days).
- Conversion rate = sessions that placed an order / sessions (a shopper who orders twice in
  one visit is one converted session, so it never passes 100%); average order value =
  revenue / orders.
- Funnel: sessions that reached each step (each counted on its own, not only sessions that
  passed every step before), ending with the sessions that placed an order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields

from server.offers import stats


@dataclass(frozen=True)
class DayCounts:
    """Everything counted for one bucket of time."""

    sessions: int = 0
    product_view_sessions: int = 0
    cart_sessions: int = 0
    checkout_sessions: int = 0
    order_sessions: int = 0  # sessions whose widget recorded a completed order
    page_views: int = 0
    orders: int = 0
    revenue: int = 0  # minor units

    def __add__(self, other: DayCounts) -> DayCounts:
        return DayCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def total(counts: Iterable[DayCounts]) -> DayCounts:
    return sum(counts, DayCounts())


def ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


# ---- headline figures, each beside the previous period ------------------------------------


@dataclass(frozen=True)
class Change:
    symbol: str  # ▲, ▼ or "" (no change, or nothing to compare with)
    text: str  # "12.5%", "0.4 pts", "no change", "new"
    direction: str  # "up", "down", "flat" or "none": a style hook, never the only signal
    spoken: str  # the whole change in words, for screen readers


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    previous: str
    change: Change


def relative_change(current: float | None, previous: float | None) -> Change:
    """The change in percent of the previous value."""
    if current is None or previous is None:
        return Change("", "—", "none", "nothing to compare with")
    if current == previous:
        return Change("", "no change", "flat", "no change from the previous period")
    if previous == 0:
        return Change("▲", "new", "up", "up from none in the previous period")
    percent = (current - previous) / previous * 100
    return _signed(percent, f"{abs(percent):.1f}%", "percent")


def points_change(current: float | None, previous: float | None) -> Change:
    """The change of a rate, in percentage points."""
    if current is None or previous is None:
        return Change("", "—", "none", "nothing to compare with")
    points = (current - previous) * 100
    if round(points, 2) == 0:
        return Change("", "no change", "flat", "no change from the previous period")
    return _signed(points, f"{abs(points):.2f} pts", "percentage points")


def _signed(amount: float, text: str, unit: str) -> Change:
    number = text.split()[0].removesuffix("%")
    if amount > 0:
        return Change("▲", text, "up", f"up {number} {unit} on the previous period")
    return Change("▼", text, "down", f"down {number} {unit} on the previous period")


def headline(
    current: DayCounts, previous: DayCounts, money: Callable[[float], str]
) -> list[Figure]:
    """Revenue, orders, conversion rate and average order value, with their changes."""
    conversion = ratio(current.order_sessions, current.sessions)
    conversion_before = ratio(previous.order_sessions, previous.sessions)
    aov = ratio(current.revenue, current.orders)
    aov_before = ratio(previous.revenue, previous.orders)
    return [
        Figure("revenue", "Revenue", money(current.revenue), money(previous.revenue),
               relative_change(current.revenue, previous.revenue)),
        Figure("orders", "Orders", f"{current.orders:,}", f"{previous.orders:,}",
               relative_change(current.orders, previous.orders)),
        Figure("conversion", "Conversion rate", percent(conversion), percent(conversion_before),
               points_change(conversion, conversion_before)),
        Figure("aov", "Average order value", "—" if aov is None else money(aov),
               "—" if aov_before is None else money(aov_before),
               relative_change(aov, aov_before)),
    ]  # fmt: skip


def percent(rate: float | None, digits: int = 2) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


# ---- the funnel ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    count: int | None  # None: not measured in this period
    of_first: float | None  # share of the first step
    continued: float | None  # share of the step before (the last measured one) that got here
    dropped: int | None  # how many fewer than that step

    @property
    def measured(self) -> bool:
        return self.count is not None


FUNNEL_STEPS = (
    ("sessions", "Sessions"),
    ("product_view_sessions", "Viewed a product"),
    ("cart_sessions", "Added to cart"),
    ("checkout_sessions", "Started checkout"),
    ("order_sessions", "Ordered"),
)


def funnel(counts: DayCounts) -> list[Step]:
    """Each step with its drop-off from the step before.

    Product views are recorded only where the shop calls ``keepcart('track',
    'product_view')``: with none in the period that step is "not measured", and the next
    step is compared with the sessions instead.
    """
    first = counts.sessions
    steps: list[Step] = []
    before: int | None = None
    for key, label in FUNNEL_STEPS:
        count = getattr(counts, key)
        if key == "product_view_sessions" and count == 0:
            steps.append(Step(key, label, None, None, None, None))
            continue
        continued = None if before is None else ratio(count, before)
        dropped = None if before is None else max(before - count, 0)
        steps.append(Step(key, label, count, ratio(count, first), continued, dropped))
        before = count
    return steps


# ---- what offers brought: exposed visitors against the holdout, campaign by campaign -------


@dataclass(frozen=True)
class ArmSample:
    """One side of one campaign: its exposed visitors' attributed revenue, one value each."""

    visitors: stats.Sample
    converted: int


@dataclass(frozen=True)
class CampaignSplit:
    campaign_id: int
    offered: ArmSample  # every variant together
    held: ArmSample  # the holdout


@dataclass(frozen=True)
class OffersBrought:
    offered_visitors: int
    offered_conversion: float | None
    held_visitors: int
    held_conversion: float | None
    incremental: int | None  # minor units; None when no campaign has both sides
    interval: stats.Interval | None  # 95 %; None until every compared campaign has enough
    compared: int  # campaigns in the estimate
    without_holdout: int  # campaigns whose visitors all saw the offer: not in the estimate


def offers_brought(splits: Sequence[CampaignSplit]) -> OffersBrought:
    """Incremental revenue of all campaigns together, with a 95 % interval.

    Each campaign is compared with its own holdout (the arms were randomised together), as
    on its results page: (RPV_offered − RPV_holdout) × offered visitors. The campaigns are
    independent samples, so their estimates add up and so do their variances. The interval
    waits, like the results page, for ``stats.MIN_SAMPLE`` visitors on both sides of every
    campaign in the estimate.
    """
    both = [s for s in splits if s.offered.visitors.n and s.held.visitors.n]
    without = sum(1 for s in splits if s.offered.visitors.n and not s.held.visitors.n)
    incremental = interval = None
    if both:
        estimate = sum(_incremental(s) for s in both)
        incremental = round(estimate)
        if all(_judgeable(s) for s in both):
            spread = stats.Z_95 * math.sqrt(sum(_variance(s) for s in both))
            interval = stats.Interval(estimate, estimate - spread, estimate + spread)
    offered_visitors = sum(s.offered.visitors.n for s in splits)
    held_visitors = sum(s.held.visitors.n for s in splits)
    return OffersBrought(
        offered_visitors=offered_visitors,
        offered_conversion=ratio(sum(s.offered.converted for s in splits), offered_visitors),
        held_visitors=held_visitors,
        held_conversion=ratio(sum(s.held.converted for s in splits), held_visitors),
        incremental=incremental,
        interval=interval,
        compared=len(both),
        without_holdout=without,
    )


def _incremental(split: CampaignSplit) -> float:
    return (split.offered.visitors.mean() - split.held.visitors.mean()) * split.offered.visitors.n


def _variance(split: CampaignSplit) -> float:
    offered, held = split.offered.visitors, split.held.visitors
    return offered.n**2 * (offered.variance() / offered.n + held.variance() / held.n)


def _judgeable(split: CampaignSplit) -> bool:
    return min(split.offered.visitors.n, split.held.visitors.n) >= stats.MIN_SAMPLE
