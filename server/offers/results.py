"""A campaign's results per arm, compared with its holdout: pure maths on counted totals.

The counting (who was exposed, which orders they placed inside the attribution window) is
SQL in ``server/admin/campaigns/queries.py``. Here, for each arm:

- conversion rate = converted visitors / exposed visitors;
- revenue per exposed visitor (RPV) = attributed order totals / exposed visitors. Order
  totals are after discounts, so RPV is already net of what the offer cost;
- incremental net revenue = (RPV_arm − RPV_holdout) × exposed_arm: what the arm earned
  beyond what its visitors would have spent had they seen nothing;
- 95 % intervals (``server/offers/stats.py``): difference of proportions for the conversion
  lift and Welch's difference of means for RPV, over one revenue value per exposed visitor
  (zero for those who did not buy), kept as a count, sum and sum of squares. With several
  variants the intervals are Bonferroni-widened, 95 % for the campaign as a whole.

Money is integer minor units; rates and per-visitor means are floats for display only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from server.offers import stats
from server.offers.bucketing import HOLDOUT


@dataclass(frozen=True)
class ArmTotals:
    """What was counted for one arm."""

    arm: str
    exposed: int = 0
    converted: int = 0
    revenue: int = 0  # sum of attributed order totals, minor units
    discount_cost: int = 0  # discounts given by this campaign's coupons on those orders
    # The sum of each converted visitor's revenue squared: with ``exposed`` and ``revenue``,
    # the revenue sample of every exposed visitor (zero for those who did not buy).
    revenue_squares: int = 0

    @classmethod
    def of_visitors(
        cls, arm: str, exposed: int, revenues: Sequence[int], discount_cost: int = 0
    ) -> ArmTotals:
        """An arm's totals from each converted visitor's revenue."""
        squares = sum(r * r for r in revenues)
        return cls(arm, exposed, len(revenues), sum(revenues), discount_cost, squares)


@dataclass(frozen=True)
class ArmResult:
    arm: str
    label: str
    exposed: int
    converted: int
    conversion_rate: float
    revenue: int
    revenue_per_visitor: float
    discount_cost: int
    conversion_lift: stats.Interval | None  # against the holdout, as a proportion
    rpv_lift: stats.Interval | None  # against the holdout, minor units per visitor
    incremental_revenue: int | None  # minor units; None without a holdout to compare
    verdict: str | None  # None for the holdout itself

    @property
    def is_holdout(self) -> bool:
        return self.arm == HOLDOUT


def arm_label(arm: str) -> str:
    return "Holdout" if arm == HOLDOUT else f"Variant {arm}"


def revenue_per_visitor(totals: ArmTotals) -> float:
    return totals.revenue / totals.exposed if totals.exposed else 0.0


def revenue_sample(totals: ArmTotals) -> stats.Sample:
    """One value per exposed visitor, their attributed revenue (zero for most), as sums."""
    return stats.Sample(totals.exposed, totals.revenue, totals.revenue_squares)


def incremental_revenue(arm: ArmTotals, holdout: ArmTotals) -> int | None:
    """(RPV_arm − RPV_holdout) × exposed_arm, exactly, rounded to a minor unit at the end."""
    if not arm.exposed or not holdout.exposed:
        return None
    extra = Fraction(arm.revenue, arm.exposed) - Fraction(holdout.revenue, holdout.exposed)
    return round(extra * arm.exposed)


def compare_arms(totals: Sequence[ArmTotals], variant_keys: Sequence[str]) -> list[ArmResult]:
    """Each variant (in ``variant_keys`` order, then any arm no longer configured) and then
    the holdout, with every variant compared with the holdout."""
    by_arm = {t.arm: t for t in totals}
    holdout = by_arm.get(HOLDOUT, ArmTotals(HOLDOUT))
    extra = sorted(arm for arm in by_arm if arm not in variant_keys and arm != HOLDOUT)
    arms = [by_arm.get(key, ArmTotals(key)) for key in (*variant_keys, *extra)]
    comparisons = max(len(arms), 1)
    return [*(_result(arm, holdout, comparisons) for arm in arms), _result(holdout, None)]


def _result(arm: ArmTotals, holdout: ArmTotals | None, comparisons: int = 1) -> ArmResult:
    conversion_lift = rpv_lift = None
    verdict = None
    if holdout is not None:
        conversion_lift = stats.difference_of_proportions(
            arm.converted, arm.exposed, holdout.converted, holdout.exposed, comparisons
        )
        rpv_lift = stats.difference_of_means(
            revenue_sample(arm), revenue_sample(holdout), comparisons
        )
        verdict = stats.verdict(arm_label(arm.arm), conversion_lift)
    return ArmResult(
        arm=arm.arm,
        label=arm_label(arm.arm),
        exposed=arm.exposed,
        converted=arm.converted,
        conversion_rate=stats.proportion(arm.converted, arm.exposed),
        revenue=arm.revenue,
        revenue_per_visitor=revenue_per_visitor(arm),
        discount_cost=arm.discount_cost,
        conversion_lift=conversion_lift,
        rpv_lift=rpv_lift,
        incremental_revenue=None if holdout is None else incremental_revenue(arm, holdout),
        verdict=verdict,
    )
