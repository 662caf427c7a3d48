"""The results maths on counted totals: known cases worked out by hand."""

import math

import pytest

from server.offers.results import (
    ArmTotals,
    compare_arms,
    incremental_revenue,
    revenue_per_visitor,
    revenue_sample,
)
from server.offers.stats import Sample, difference_of_means, z_for


def test_revenue_per_visitor_counts_every_exposed_visitor():
    arm = ArmTotals.of_visitors("A", 4, (6000, 2000))
    assert revenue_per_visitor(arm) == 2000
    assert revenue_sample(arm) == Sample(n=4, total=8000, squares=6000**2 + 2000**2)
    assert revenue_per_visitor(ArmTotals("A")) == 0


def test_incremental_revenue_is_exact_in_minor_units():
    arm = ArmTotals("A", exposed=4, revenue=8000)
    holdout = ArmTotals("holdout", exposed=2, revenue=3000)
    assert incremental_revenue(arm, holdout) == (8000 / 4 - 3000 / 2) * 4 == 2000
    # Thirds: (100/3 − 0) × 3 is exactly 100, where floats could land on 99.99999.
    assert incremental_revenue(ArmTotals("A", 3, revenue=100), ArmTotals("h", 7)) == 100
    # (1000/3 − 500/2) × 3 = 250, and a holdout that spends more makes it negative.
    assert (
        incremental_revenue(ArmTotals("A", 3, revenue=1000), ArmTotals("h", 2, revenue=500)) == 250
    )
    assert incremental_revenue(ArmTotals("A", 2, revenue=0), ArmTotals("h", 2, revenue=900)) == -900


def test_incremental_revenue_needs_both_arms_exposed():
    assert incremental_revenue(ArmTotals("A", 5, revenue=10), ArmTotals("h")) is None
    assert incremental_revenue(ArmTotals("A"), ArmTotals("h", 5)) is None


def test_arms_come_in_variant_order_then_the_holdout():
    totals = [ArmTotals("holdout", 3), ArmTotals("B", 2), ArmTotals("Z", 1)]
    results = compare_arms(totals, ["A", "B"])
    assert [r.arm for r in results] == ["A", "B", "Z", "holdout"]
    assert [r.label for r in results] == ["Variant A", "Variant B", "Variant Z", "Holdout"]
    assert results[0].exposed == 0 and results[0].conversion_rate == 0
    holdout = results[-1]
    assert holdout.is_holdout and holdout.verdict is None and holdout.incremental_revenue is None


def test_a_small_sample_is_not_judged():
    results = compare_arms([ArmTotals("A", 10, 5, 500), ArmTotals("holdout", 10, 1, 100)], ["A"])
    a = results[0]
    assert a.conversion_lift is None and a.rpv_lift is None
    assert a.verdict == "Variant A: not enough data yet to tell."
    assert a.conversion_rate == 0.5 and a.incremental_revenue == 400


def test_a_clear_lift_is_significant_with_the_textbook_interval():
    # 120/1000 against 80/1000: d = 0.04, se = sqrt(.12*.88/1000 + .08*.92/1000).
    arm = ArmTotals.of_visitors("A", 1000, (5000,) * 120)
    holdout = ArmTotals.of_visitors("holdout", 1000, (5000,) * 80)
    a = compare_arms([arm, holdout], ["A"])[0]
    se = math.sqrt(0.12 * 0.88 / 1000 + 0.08 * 0.92 / 1000)
    assert a.conversion_lift.estimate == pytest.approx(0.04)
    assert a.conversion_lift.low == pytest.approx(0.04 - 1.959964 * se)
    assert a.conversion_lift.high == pytest.approx(0.04 + 1.959964 * se)
    assert a.verdict == "Variant A lifts conversion by 1.4–6.6 points; significant."
    # Revenue per visitor: 600 − 400 = 200 cents a visitor, over 1000 visitors.
    assert a.rpv_lift.estimate == pytest.approx(200)
    assert a.incremental_revenue == 200_000
    assert a.rpv_lift.low > 0


def test_revenue_intervals_include_the_zeros_of_visitors_who_did_not_buy():
    # Without the zeros every visitor "spent" 5000 and the variance would be nil.
    arm = ArmTotals.of_visitors("A", 100, (5000,) * 10)
    holdout = ArmTotals.of_visitors("holdout", 100, (5000,) * 10)
    a = compare_arms([arm, holdout], ["A"])[0]
    assert a.rpv_lift.estimate == 0
    assert a.rpv_lift.high - a.rpv_lift.low > 0
    assert a.verdict == "Variant A changes conversion by -8.3 to +8.3 points; not yet significant."


def test_discount_cost_and_revenue_are_carried_through():
    arm = ArmTotals.of_visitors("A", 40, (2000,) * 8, discount_cost=1_600)
    a = compare_arms([arm], ["A"])[0]
    assert (a.revenue, a.discount_cost, a.revenue_per_visitor) == (16_000, 1_600, 400)
    assert a.incremental_revenue is None  # no holdout exposed yet: nothing to compare


def welch_over_lists(a: list[int], b: list[int], z: float) -> tuple[float, float, float]:
    """The textbook Welch interval over one value per visitor: what the sums must match."""
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    var_a = sum((x - mean_a) ** 2 for x in a) / (len(a) - 1)
    var_b = sum((x - mean_b) ** 2 for x in b) / (len(b) - 1)
    se = math.sqrt(var_a / len(a) + var_b / len(b))
    return mean_a - mean_b, mean_a - mean_b - z * se, mean_a - mean_b + z * se


def test_welch_from_sums_matches_the_interval_over_one_value_per_visitor():
    spent = {"A": (4599, 12_000, 2350, 2350, 99, 70_000, 1), "holdout": (3100, 45_900, 8_000)}
    arm = ArmTotals.of_visitors("A", 1200, spent["A"])
    holdout = ArmTotals.of_visitors("holdout", 950, spent["holdout"])
    lists = [[*spent[t.arm], *[0] * (t.exposed - len(spent[t.arm]))] for t in (arm, holdout)]
    for comparisons in (1, 3):
        got = difference_of_means(revenue_sample(arm), revenue_sample(holdout), comparisons)
        expected = welch_over_lists(*lists, z_for(comparisons))
        assert (got.estimate, got.low, got.high) == pytest.approx(expected, rel=1e-12)
    lift = compare_arms([arm, holdout], ["A"])[0].rpv_lift
    assert (lift.estimate, lift.low, lift.high) == pytest.approx(
        welch_over_lists(*lists, 1.959963984540054), rel=1e-12
    )


def test_several_variants_get_bonferroni_widened_intervals():
    arm = ArmTotals.of_visitors("A", 1000, (5000,) * 120)
    holdout = ArmTotals.of_visitors("holdout", 1000, (5000,) * 80)
    alone = compare_arms([arm, holdout], ["A"])[0].conversion_lift
    three = compare_arms([arm, holdout], ["A", "B", "C"])[0].conversion_lift
    se = math.sqrt(0.12 * 0.88 / 1000 + 0.08 * 0.92 / 1000)
    assert three.low == pytest.approx(0.04 - 2.393980 * se)  # z for 1 − 0.05 / 3, two-sided
    assert three.high - three.low > alone.high - alone.low
