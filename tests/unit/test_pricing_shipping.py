"""Shipping prices: flat, subtotal tiers, weight tiers, and free-over thresholds."""

import pytest

from server.pricing.quote import Line, price_order
from server.pricing.rules import Discount, ShippingMethod
from server.pricing.shipping import (
    FreeShippingProgress,
    free_shipping_progress,
    free_shipping_threshold,
    shipping_price,
)


def method(kind="flat", rate=495, tiers=(), free_over=None, id=1, zone="EU") -> ShippingMethod:
    return ShippingMethod(
        id=id, zone=zone, name="Standard", kind=kind, rate=rate, tiers=tiers, free_over=free_over
    )


SUBTOTAL_TIERS = method("subtotal_tiers", rate=900, tiers=((2000, 700), (5000, 400), (10000, 0)))
WEIGHT_TIERS = method(
    "weight_tiers", rate=500, tiers=((0, 500), (1000, 800), (5000, 1500), (20000, 3000))
)


# --- flat --------------------------------------------------------------------------------


@pytest.mark.parametrize(("merchandise", "weight"), [(0, 0), (1, 50_000), (999_999, 10)])
def test_flat_rate_ignores_merchandise_and_weight(merchandise, weight):
    assert shipping_price(method("flat", rate=495), merchandise, weight) == 495


def test_flat_rate_can_be_zero():
    assert shipping_price(method("flat", rate=0), 1000, 1000) == 0


# --- free_over ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("merchandise", "expected"),
    [(0, 495), (4999, 495), (5000, 0), (5001, 0), (1_000_000, 0)],
)
def test_free_over_boundary_is_inclusive(merchandise, expected):
    assert shipping_price(method("flat", rate=495, free_over=5000), merchandise, 0) == expected


def test_free_over_zero_is_always_free():
    assert shipping_price(method("flat", rate=495, free_over=0), 0, 0) == 0


def test_free_over_applies_to_tiered_methods_too():
    heavy = method("weight_tiers", rate=500, tiers=((1000, 800),), free_over=6000)
    assert shipping_price(heavy, 5999, 50_000) == 800
    assert shipping_price(heavy, 6000, 50_000) == 0
    tiered = method("subtotal_tiers", rate=900, tiers=((2000, 700),), free_over=3000)
    assert shipping_price(tiered, 2999, 0) == 700
    assert shipping_price(tiered, 3000, 0) == 0


# --- subtotal tiers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("merchandise", "expected"),
    [
        (0, 900),  # below the first tier: the method's base rate
        (1999, 900),
        (2000, 700),  # a tier starts at its own value
        (4999, 700),
        (5000, 400),
        (9999, 400),
        (10000, 0),
        (250_000, 0),
    ],
)
def test_subtotal_tiers(merchandise, expected):
    assert shipping_price(SUBTOTAL_TIERS, merchandise, 0) == expected


def test_subtotal_tiers_ignore_weight():
    assert shipping_price(SUBTOTAL_TIERS, 2500, 0) == 700
    assert shipping_price(SUBTOTAL_TIERS, 2500, 1_000_000) == 700


# --- weight tiers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grams", "expected"),
    [
        (0, 500),
        (999, 500),
        (1000, 800),
        (4999, 800),
        (5000, 1500),
        (19999, 1500),
        (20000, 3000),
        (100_000, 3000),
    ],
)
def test_weight_tier_boundaries(grams, expected):
    assert shipping_price(WEIGHT_TIERS, 0, grams) == expected


def test_weight_tiers_ignore_merchandise():
    assert shipping_price(WEIGHT_TIERS, 0, 1500) == 800
    assert shipping_price(WEIGHT_TIERS, 9_999_999, 1500) == 800


def test_tiered_method_without_tiers_charges_its_rate():
    assert shipping_price(method("weight_tiers", rate=650), 0, 99_999) == 650
    assert shipping_price(method("subtotal_tiers", rate=650), 99_999, 0) == 650


# --- free_shipping_threshold -------------------------------------------------------------


def test_free_shipping_threshold_picks_the_lowest_threshold():
    a = method(id=1, free_over=10_000)
    b = method(id=2, free_over=5_000)
    c = method(id=3, free_over=None)
    assert free_shipping_threshold([a, b, c]) is b


def test_free_shipping_threshold_breaks_ties_by_lowest_id():
    a = method(id=7, free_over=5_000)
    b = method(id=3, free_over=5_000)
    assert free_shipping_threshold([a, b]) is b


def test_free_shipping_threshold_none_when_no_method_has_one():
    assert free_shipping_threshold([method(id=1), method(id=2)]) is None
    assert free_shipping_threshold([]) is None


def test_free_shipping_threshold_of_zero_counts():
    zero = method(id=5, free_over=0)
    assert free_shipping_threshold([method(id=1, free_over=100), zero]) is zero


# --- free_shipping_progress --------------------------------------------------------------


def test_free_shipping_progress_counts_down_to_the_lowest_threshold_of_the_zone():
    methods = [method(id=1, free_over=10_000, zone="EU"), method(id=2, free_over=6_000, zone="EU")]
    assert free_shipping_progress(methods, 4_800) == FreeShippingProgress("EU", 6_000, 1_200)


def test_free_shipping_progress_stops_at_zero_once_reached():
    assert free_shipping_progress([method(free_over=6_000)], 7_200).remaining == 0
    assert free_shipping_progress([method(free_over=6_000)], 6_000).remaining == 0


def test_free_shipping_progress_none_without_a_threshold_or_methods():
    assert free_shipping_progress([method()], 99_999) is None
    assert free_shipping_progress([], 0) is None


# --- in price_order: what shipping is measured on ----------------------------------------


def percent(value: int) -> Discount:
    return Discount(id=1, code="TEN", kind="percent", value=value)


def quote_shipping(lines, shipping_method, discount=None) -> int:
    quote = price_order(
        lines,
        discount=discount,
        shipping_method=shipping_method,
        tax_rate=None,
        prices_include_tax=True,
    )
    return quote.totals.shipping


def test_free_over_is_measured_on_merchandise_after_the_discount():
    free_over_5000 = method("flat", rate=495, free_over=5000)
    lines = [Line("A", 5000, 1)]
    assert quote_shipping(lines, free_over_5000) == 0
    # 10% off brings merchandise to 4500, under the threshold.
    assert quote_shipping(lines, free_over_5000, percent(10)) == 495
    # 5000 off 10000 leaves exactly 5000: free.
    fixed = Discount(id=2, code="FIVE", kind="fixed", value=5000)
    assert quote_shipping([Line("A", 5000, 2)], free_over_5000, fixed) == 0
    fixed_more = Discount(id=3, code="FIVE1", kind="fixed", value=5001)
    assert quote_shipping([Line("A", 5000, 2)], free_over_5000, fixed_more) == 495


def test_subtotal_tiers_are_measured_on_merchandise_after_the_discount():
    lines = [Line("A", 2500, 2)]  # 5000 before discount
    assert quote_shipping(lines, SUBTOTAL_TIERS) == 400
    assert quote_shipping(lines, SUBTOTAL_TIERS, percent(10)) == 700  # 4500


def test_weight_is_unit_weight_times_quantity_summed_over_lines():
    exactly_1000 = [Line("A", 100, 3, weight_grams=300), Line("B", 100, 1, weight_grams=100)]
    assert quote_shipping(exactly_1000, WEIGHT_TIERS) == 800
    just_under = [Line("A", 100, 3, weight_grams=300), Line("B", 100, 1, weight_grams=99)]
    assert quote_shipping(just_under, WEIGHT_TIERS) == 500


def test_free_shipping_code_zeroes_shipping_whatever_the_method():
    code = Discount(id=4, code="SHIPFREE", kind="free_shipping", value=0)
    assert quote_shipping([Line("A", 100, 1, weight_grams=30_000)], WEIGHT_TIERS, code) == 0
    assert quote_shipping([Line("A", 100, 1)], method("flat", rate=495), code) == 0


def test_no_method_means_no_shipping():
    assert quote_shipping([Line("A", 100, 1)], None) == 0
