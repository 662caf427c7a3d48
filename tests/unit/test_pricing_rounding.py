"""Integer money arithmetic: half-up division and largest-remainder allocation."""

from fractions import Fraction
from math import floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.pricing.rounding import allocate, div_round_half_up

# --- div_round_half_up -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (0, 7, 0),
        (480, 1, 480),
        (480_000, 100, 4800),  # exact division
        (4, 10, 0),  # 0.4 rounds down
        (5, 10, 1),  # exactly 0.5 rounds up
        (6, 10, 1),
        (14, 10, 1),  # 1.4
        (15, 10, 2),  # exactly 1.5 rounds up (not to even)
        (25, 10, 3),  # exactly 2.5 rounds up (banker's rounding would give 2)
        (1, 2, 1),
        (3, 2, 2),
        (149, 100, 1),  # 1.49
        (150, 100, 2),  # 1.50
        (8_208_000, 11_900, 690),  # 4320 * 1900 / 11900 = 689.75
        (1_900_000, 10_000, 190),  # 1000 * 1900 / 10000
        (1, 3, 0),
        (2, 3, 1),
    ],
)
def test_div_round_half_up_known_values(numerator, denominator, expected):
    assert div_round_half_up(numerator, denominator) == expected


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 10), (10, 0), (10, -3), (-5, -5)])
def test_div_round_half_up_rejects_negative_numerator_and_non_positive_denominator(
    numerator, denominator
):
    with pytest.raises(ValueError):
        div_round_half_up(numerator, denominator)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**12), st.integers(1, 10**6))
def test_div_round_half_up_matches_exact_half_up(numerator, denominator):
    exact = Fraction(numerator, denominator)
    result = div_round_half_up(numerator, denominator)
    assert result == floor(exact + Fraction(1, 2))
    assert abs(result - exact) <= Fraction(1, 2)


# --- allocate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (10, [1, 1, 1], [4, 3, 3]),  # earlier lines win ties
        (100, [1, 1, 1], [34, 33, 33]),
        (2, [1, 1, 1], [1, 1, 0]),
        (1, [1, 1], [1, 0]),
        (5, [1, 2], [2, 3]),  # 1.67 / 3.33: the larger remainder (2/3) gets the unit
        (480, [4800], [480]),
        (300, [1000, 1000], [150, 150]),
        (200, [1000, 999], [100, 100]),  # 100.05 / 99.95 → floors 100 + 99, unit to line 2
        (7, [0, 5, 0], [0, 7, 0]),
        (0, [3, 4], [0, 0]),
        (9, [0, 0], [0, 0]),  # nothing to weigh by
        (5, [], []),
    ],
)
def test_allocate_known_values(total, weights, expected):
    assert allocate(total, weights) == expected


def test_allocate_accepts_any_sequence():
    assert allocate(10, (1, 1, 1)) == [4, 3, 3]


weights_strategy = st.lists(st.integers(0, 5_000_000), min_size=1, max_size=10)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000_000), weights_strategy)
def test_allocate_sums_to_total_and_each_share_is_within_one_of_its_exact_proportion(
    total, weights
):
    shares = allocate(total, weights)
    assert len(shares) == len(weights)
    assert all(isinstance(s, int) and s >= 0 for s in shares)
    weight_sum = sum(weights)
    if weight_sum == 0:
        assert shares == [0] * len(weights)
        return
    assert sum(shares) == total
    for share, weight in zip(shares, weights, strict=True):
        exact = Fraction(total * weight, weight_sum)
        assert abs(share - exact) < 1
        # Largest remainder only ever rounds up from the floor.
        assert share in (floor(exact), floor(exact) + 1)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000_000), weights_strategy)
def test_allocate_gives_a_heavier_weight_at_least_as_much(total, weights):
    shares = allocate(total, weights)
    for i, wi in enumerate(weights):
        for j, wj in enumerate(weights):
            if wi > wj:
                assert shares[i] >= shares[j]
            if wi == wj:
                assert abs(shares[i] - shares[j]) <= 1
