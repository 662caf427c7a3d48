"""Experiment arithmetic for exit-intent offers: bucketing and the statistics of results."""

import math
import random
from collections import Counter

import pytest

from server.offers.bucketing import HOLDOUT, Arm, assign, bucket
from server.offers.stats import (
    MIN_SAMPLE,
    Z_95,
    Sample,
    difference_of_means,
    difference_of_proportions,
    mean_interval,
    proportion_interval,
    verdict,
    z_for,
)

ARMS = [Arm("A", 1), Arm("B", 1)]


def test_bucketing_is_stable_per_visitor_and_campaign():
    assert bucket(7, "v_abc") == bucket(7, "v_abc")
    assert assign(7, "v_abc", ARMS, 10) == assign(7, "v_abc", ARMS, 10)
    different = sum(bucket(1, f"v_{i}") != bucket(2, f"v_{i}") for i in range(200))
    assert different > 190  # campaigns are bucketed independently


def test_distribution_follows_weights_and_holdout_within_tolerance():
    counts = Counter(assign(3, f"v_{i}", [Arm("A", 3), Arm("B", 1)], 20) for i in range(40_000))
    assert counts[HOLDOUT] / 40_000 == pytest.approx(0.20, abs=0.01)
    assert counts["A"] / 40_000 == pytest.approx(0.60, abs=0.01)
    assert counts["B"] / 40_000 == pytest.approx(0.20, abs=0.01)


def test_no_variants_or_full_holdout_means_holdout():
    assert assign(1, "v_x", [], 0) == HOLDOUT
    assert assign(1, "v_x", ARMS, 100) == HOLDOUT


def test_known_difference_of_proportions():
    # 120/1000 vs 100/1000: d = 0.02, se = sqrt(.12*.88/1000 + .1*.9/1000) = 0.0139857
    interval = difference_of_proportions(120, 1000, 100, 1000)
    assert interval is not None
    assert interval.estimate == pytest.approx(0.02)
    assert interval.low == pytest.approx(0.02 - 1.959964 * 0.0139857, abs=1e-6)
    assert interval.high == pytest.approx(0.02 + 1.959964 * 0.0139857, abs=1e-6)
    assert not interval.significant
    assert difference_of_proportions(300, 1000, 100, 1000).significant


def test_small_samples_are_not_judged():
    assert difference_of_proportions(3, 20, 1, 20) is None
    assert difference_of_proportions(2, 1000, 50, 1000) is None  # too few conversions
    assert (
        difference_of_means(Sample.of([1] * (MIN_SAMPLE - 1)), Sample.of([1] * MIN_SAMPLE)) is None
    )
    assert verdict("B", None) == "B: not enough data yet to tell."


def test_verdicts_in_plain_language():
    assert verdict("B", difference_of_proportions(300, 1000, 100, 1000)).startswith(
        "B lifts conversion by"
    )
    assert verdict("B", difference_of_proportions(120, 1000, 100, 1000)).endswith(
        "not yet significant."
    )
    assert "lowers" in verdict("B", difference_of_proportions(100, 1000, 300, 1000))


def test_known_difference_of_means():
    a = Sample.of([10, 12] * 20)
    b = Sample.of([8, 10] * 20)
    assert (a.mean(), a.variance()) == (11, pytest.approx(40 / 39))
    interval = difference_of_means(a, b)
    assert interval is not None and interval.estimate == pytest.approx(2.0)
    se = math.sqrt(2 * (40 / 39) / 40)
    assert interval.low == pytest.approx(2 - 1.959964 * se)
    assert interval.significant


def test_a_a_simulation_false_positive_rate_is_close_to_five_percent():
    """Every arm behaves the same: about 5 % of experiments may look significant, no more."""
    rng = random.Random(20261123)
    experiments, visitors, rate = 1000, 1000, 0.08
    false_positives = 0
    for campaign in range(experiments):
        conversions = Counter()
        exposed = Counter()
        for i in range(visitors):
            arm = assign(campaign, f"v_{campaign}_{i}", [Arm("A", 1)], 50)
            exposed[arm] += 1
            conversions[arm] += rng.random() < rate
        interval = difference_of_proportions(
            conversions["A"], exposed["A"], conversions[HOLDOUT], exposed[HOLDOUT]
        )
        false_positives += bool(interval and interval.significant)
    assert 0.03 <= false_positives / experiments <= 0.07


def test_z_is_bonferroni_adjusted_for_several_comparisons():
    assert z_for(1) == Z_95
    assert z_for(2) == pytest.approx(2.241403, abs=1e-6)  # two-sided 97.5 %
    assert z_for(3) == pytest.approx(2.393980, abs=1e-6)


def test_a_a_simulation_with_three_variants_keeps_the_family_wise_rate_near_five_percent():
    """Three identical variants against one holdout: without the correction about 12 % of
    experiments would show some "significant" variant; with it, at most about 5 %."""
    rng = random.Random(20261124)
    experiments, visitors, rate, arms = 800, 1000, 0.08, ("A", "B", "C")
    any_significant = 0
    for _ in range(experiments):
        holdout = sum(rng.random() < rate for _ in range(visitors))
        intervals = [
            difference_of_proportions(
                sum(rng.random() < rate for _ in range(visitors)), visitors, holdout, visitors,
                comparisons=len(arms),
            )
            for _ in arms
        ]  # fmt: skip
        any_significant += any(i and i.significant for i in intervals)
    assert 0.02 <= any_significant / experiments <= 0.065


# ---- one sample: survey scores and shares -------------------------------------------------


def test_known_mean_interval():
    # 20 threes and 20 fives: mean 4, s² = (40·680 − 160²) / (40·39) = 1.025641,
    # se = sqrt(1.025641 / 40) = 0.1601282
    interval = mean_interval(Sample.of([3] * 20 + [5] * 20))
    assert interval is not None
    assert interval.estimate == 4
    assert interval.low == pytest.approx(4 - Z_95 * 0.1601282, abs=1e-6)
    assert interval.high == pytest.approx(4 + Z_95 * 0.1601282, abs=1e-6)
    wider = mean_interval(Sample.of([3] * 20 + [5] * 20), comparisons=3)
    assert wider is not None and wider.low < interval.low


def test_a_constant_sample_has_a_zero_width_mean_interval():
    interval = mean_interval(Sample.of([7] * MIN_SAMPLE))
    assert interval is not None and (interval.low, interval.high) == (7, 7)


def test_known_wilson_intervals():
    # p̂ = 0.5, n = 100: 0.4038 to 0.5962 (Wilson 1927; Newcombe 1998, table I)
    half = proportion_interval(50, 100)
    assert half is not None and half.estimate == 0.5
    assert (half.low, half.high) == (pytest.approx(0.40383, abs=1e-5),
                                     pytest.approx(0.59617, abs=1e-5))  # fmt: skip
    # None of 30: from 0 to z² / (n + z²), never the Wald interval's zero width.
    none = proportion_interval(0, 30)
    assert none is not None and none.low == 0
    assert none.high == pytest.approx(Z_95**2 / (30 + Z_95**2))
    every = proportion_interval(30, 30)
    assert every is not None and every.high == pytest.approx(1)
    assert every.low == pytest.approx(1 - none.high)


def test_one_sample_intervals_wait_for_the_minimum_sample():
    assert mean_interval(Sample.of([4] * (MIN_SAMPLE - 1))) is None
    assert proportion_interval(10, MIN_SAMPLE - 1) is None
