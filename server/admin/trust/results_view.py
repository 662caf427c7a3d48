"""The holdout's results as the Trust page words them, with the honesty of the campaign
results page: each figure, its 95 % interval, and "not enough data yet" rather than a guess."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from server.forms import format_local_display
from server.money import format_amount
from server.offers.results import ArmResult
from server.offers.stats import Interval
from server.trust.results import ElementResults

ELEMENT_NAMES = {"badges": "Badges", "proof": "Social proof"}
ARM_NAMES = {
    "badges": ("Saw the badges", "Held out: saw none"),
    "proof": ("Saw social proof", "Held out: saw none"),
}


@dataclass(frozen=True)
class ArmRow:
    label: str
    exposed: int
    converted: int
    rate: str
    revenue: str
    rpv: str


@dataclass(frozen=True)
class ResultsView:
    element: str
    name: str
    measuring: bool  # a share is held out now
    since: str  # when the measurement began, in words
    rows: tuple[ArmRow, ...]
    lift: str  # the difference in conversion, with its interval, or "" without data
    rpv_lift: str  # the same for revenue per visitor
    verdict: str
    mixed: str  # "Placements changed on …: these results mix both.", or ""


def describe_results(results: ElementResults, currency: str, timezone: str) -> ResultsView:
    def money(amount: float) -> str:
        return format_amount(round(amount), currency)

    shown_label, holdout_label = ARM_NAMES[results.element]
    rows = (
        _row(shown_label, results.shown, money),
        _row(holdout_label, results.holdout, money),
    )
    lift, rpv_lift = results.shown.conversion_lift, results.shown.rpv_lift
    return ResultsView(
        element=results.element,
        name=ELEMENT_NAMES[results.element],
        measuring=results.measuring,
        since=(
            f"since {format_local_display(results.since, timezone)}, when its share last changed"
            if results.since
            else "since the first visitor was counted"
        ),
        rows=rows,
        lift=_points(lift) if lift else "",
        rpv_lift=_money_range(rpv_lift, money) if rpv_lift else "",
        verdict=results.verdict,
        mixed=(
            f"Placements changed on {format_local_display(results.placements_changed, timezone)}:"
            " these results mix visitors who saw the badges placed before and after."
            if results.placements_changed
            else ""
        ),
    )


def _row(label: str, arm: ArmResult, money: Callable[[float], str]) -> ArmRow:
    return ArmRow(
        label=label,
        exposed=arm.exposed,
        converted=arm.converted,
        rate=f"{arm.conversion_rate * 100:.1f}%",
        revenue=money(arm.revenue),
        rpv=money(arm.revenue_per_visitor),
    )


def _points(interval: Interval) -> str:
    """``+0.8 points (−0.2 to +1.8)``: percentage points of conversion."""
    return (
        f"{interval.estimate * 100:+.1f} points"
        f" ({interval.low * 100:+.1f} to {interval.high * 100:+.1f})"
    )


def _money_range(interval: Interval, money: Callable[[float], str]) -> str:
    """``€0.12 (−€0.05 to €0.29)`` per visitor."""
    return f"{money(interval.estimate)} ({money(interval.low)} to {money(interval.high)})"
