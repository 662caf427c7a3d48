"""What the reminders did, measured honestly: per step, the reminders written and delivered,
the clicks, the orders recovered after them and their revenue, the unsubscribes; and the
reminded against the holdout (abandoned checkouts that got nothing), with the campaign
results' statistics (``server.offers.stats``), for what the reminders *added*.

A "recovered" order is the first order within ``ATTRIBUTION_MS`` of the abandonment for the
cart, a cart its link built, or the same email, written on the checkout in that order's
write (so it stays once the email is cleared), counted while paid or fulfilled; an order that
follows several of a shopper's checkouts is credited once, to the latest abandoned before it.
Per step, it counts for the last reminder written before it. The counting is SQL's
(``results_queries``); only the recovered checkouts come here, one row each, for crediting.
``results`` is pure: rows in, figures out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from server.db import Reader
from server.offers.stats import (
    Interval,
    Sample,
    difference_of_means,
    difference_of_proportions,
    proportion,
)
from server.recovery import results_queries
from server.recovery.model import ATTRIBUTION_MS


@dataclass
class StepFigures:
    number: int
    written: int = 0
    delivered: int = 0
    clicked: int = 0  # reminders whose link was opened at least once
    clicks: int = 0
    recovered: int = 0
    revenue: int = 0
    unsubscribes: int = 0

    @property
    def click_rate(self) -> float:
        return proportion(self.clicked, self.delivered or self.written)


@dataclass
class Group:
    checkouts: int = 0
    recovered: int = 0
    revenues: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return proportion(self.recovered, self.checkouts)

    @property
    def revenue(self) -> int:
        return sum(self.revenues)

    def sample(self) -> Sample:
        return Sample.of(self.revenues, zeros=self.checkouts - len(self.revenues))


@dataclass(frozen=True)
class Results:
    steps: list[StepFigures]
    reminded: Group
    holdout: Group
    lift: Interval | None  # recovery rate, reminded minus holdout
    revenue_lift: Interval | None  # revenue per abandoned checkout, reminded minus holdout

    @property
    def abandoned(self) -> int:
        return self.reminded.checkouts + self.holdout.checkouts

    @property
    def incremental_revenue(self) -> Interval | None:
        """Revenue the reminders added over what the reminded checkouts would have brought
        anyway (the holdout's rate), with its 95 % interval."""
        lift, n = self.revenue_lift, self.reminded.checkouts
        return lift and Interval(lift.estimate * n, lift.low * n, lift.high * n)


async def store_results(db: Reader, store_id: int, step_count: int) -> Results:
    """The store's figures, as its results page shows them (``step_count``: the reminders
    its settings have now)."""
    return results(
        await results_queries.checkouts_by_group(db, store_id),
        await results_queries.recovered_checkouts(db, store_id, ATTRIBUTION_MS),
        await results_queries.step_counts(db, store_id),
        await results_queries.unsubscribes_by_step(db, store_id),
        step_count,
    )


def results(
    checkouts: dict[bool, int], recovered: Iterable[Any], step_counts: Iterable[Any],
    unsubscribes: dict[int, int], step_count: int,
) -> Results:  # fmt: skip
    """``checkouts``: the abandoned checkouts by holdout (True) or not; ``recovered`` and
    ``step_counts``: results_queries.recovered_checkouts' and step_counts' rows."""
    steps = [StepFigures(number) for number in range(1, step_count + 1)]
    figures = {step.number: step for step in steps}
    for row in step_counts:
        step = figures.setdefault(row["step"], StepFigures(row["step"]))
        step.written, step.delivered = row["written"], row["delivered"]
        step.clicked, step.clicks = row["clicked"], row["clicks"]
    for number, count in unsubscribes.items():
        figures.setdefault(number, StepFigures(number)).unsubscribes += count
    reminded, holdout = Group(checkouts.get(False, 0)), Group(checkouts.get(True, 0))
    recovered = list(recovered)
    credited = _credited(recovered)
    for row in recovered:
        if credited[row["order_id"]] != row["id"]:
            continue
        group = holdout if row["holdout"] else reminded
        group.recovered += 1
        group.revenues.append(row["recovered_total"])
        if row["last_step"] is not None:  # read apart from step_counts: maybe a step since
            last = figures.setdefault(row["last_step"], StepFigures(row["last_step"]))
            last.recovered += 1
            last.revenue += row["recovered_total"]
    return Results(
        sorted(figures.values(), key=lambda step: step.number), reminded, holdout,
        difference_of_proportions(
            reminded.recovered, reminded.checkouts, holdout.recovered, holdout.checkouts
        ),
        difference_of_means(reminded.sample(), holdout.sample())
        if reminded.checkouts and holdout.checkouts
        else None,
    )  # fmt: skip


def _credited(recovered: list[Any]) -> dict[int, int]:
    """Each recovered order's one checkout: the latest abandoned before it (order id →
    checkout id)."""
    latest: dict[int, Any] = {}
    for row in recovered:
        best = latest.get(row["order_id"])
        if best is None or (row["abandoned_at"], row["id"]) > (best["abandoned_at"], best["id"]):
            latest[row["order_id"]] = row
    return {order: row["id"] for order, row in latest.items()}
