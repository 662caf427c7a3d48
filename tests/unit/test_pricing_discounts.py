"""Discount codes: when they may be used, and how much they take off."""

import pytest

from server.errors import Unprocessable
from server.pricing.discounts import (
    DiscountRefused,
    check_discount,
    merchandise_discount,
    savings,
)
from server.pricing.rules import Discount

NOW = 1_717_000_000_000  # an arbitrary instant, in ms


def make(kind="percent", value=10, **kwargs) -> Discount:
    return Discount(id=1, code="SAVE", kind=kind, value=value, **kwargs)


# --- labels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "label"),
    [("percent", 10, "10% off"), ("percent", 100, "100% off"), ("fixed", 500, "Money off")],
)
def test_label(kind, value, label):
    assert make(kind, value).label == label


def test_free_shipping_label():
    assert make("free_shipping", 0).label == "Free shipping"


# --- merchandise_discount ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("discount", "subtotal", "expected"),
    [
        (None, 4800, 0),
        (make("percent", 10), 4800, 480),
        (make("percent", 10), 1999, 200),  # 199.9 → 200
        (make("percent", 15), 1003, 150),  # 150.45 → 150
        (make("percent", 5), 1010, 51),  # exactly 50.5 rounds up
        (make("percent", 5), 1009, 50),  # 50.45 → 50
        (make("percent", 50), 1, 1),  # exactly 0.5 rounds up
        (make("percent", 100), 4800, 4800),
        (make("percent", 150), 4800, 4800),  # never more than 100%
        (make("percent", 25), 0, 0),
        (make("fixed", 500), 2000, 500),
        (make("fixed", 2000), 2000, 2000),
        (make("fixed", 5000), 2000, 2000),  # capped at the subtotal
        (make("fixed", 500), 0, 0),
        (make("free_shipping", 0), 4800, 0),  # free shipping takes nothing off merchandise
    ],
)
def test_merchandise_discount(discount, subtotal, expected):
    assert merchandise_discount(discount, subtotal) == expected


# --- check_discount ----------------------------------------------------------------------


def refused(discount, **kwargs) -> DiscountRefused:
    kwargs.setdefault("subtotal", 10_000)
    kwargs.setdefault("now_ms", NOW)
    with pytest.raises(DiscountRefused) as info:
        check_discount(discount, **kwargs)
    return info.value


def test_valid_discount_is_returned_unchanged():
    discount = make(
        min_subtotal=5000,
        starts_at=NOW - 1000,
        expires_at=NOW + 1000,
        usage_limit=10,
        times_used=9,
        once_per_email=True,
    )
    assert check_discount(discount, subtotal=5000, now_ms=NOW, email_has_used_it=False) is discount


def test_refusal_is_a_422_on_the_code_field():
    error = refused(None)
    assert isinstance(error, Unprocessable)
    assert error.status == 422
    assert error.field == "code"
    assert error.code == "discount_invalid"
    assert error.as_json() == {
        "error": {
            "code": "discount_invalid",
            "message": "That code isn't valid. Check the spelling.",
            "field": "code",
        }
    }


def test_unknown_code_is_invalid():
    assert refused(None).code == "discount_invalid"


def test_inactive_code_is_invalid():
    assert refused(make(active=False)).code == "discount_invalid"


def test_code_before_its_start_is_invalid_and_valid_from_the_start_instant():
    error = refused(make(starts_at=NOW + 1))
    assert error.code == "discount_invalid"
    assert error.message == "That code isn't active yet."
    assert check_discount(make(starts_at=NOW), subtotal=10_000, now_ms=NOW).code == "SAVE"


def test_expiry_boundary_now_equal_to_expires_at_is_expired():
    error = refused(make(expires_at=NOW))
    assert error.code == "discount_expired"
    assert error.message == "That code has expired."
    assert refused(make(expires_at=NOW - 1)).code == "discount_expired"
    assert check_discount(make(expires_at=NOW + 1), subtotal=10_000, now_ms=NOW).code == "SAVE"


@pytest.mark.parametrize(("limit", "used"), [(5, 5), (5, 6), (1, 1), (0, 0)])
def test_usage_limit_reached_is_used_up(limit, used):
    error = refused(make(usage_limit=limit, times_used=used))
    assert error.code == "discount_used_up"
    assert error.message == "That code has been used up."


def test_usage_limit_with_one_use_left_is_accepted():
    discount = make(usage_limit=5, times_used=4)
    assert check_discount(discount, subtotal=10_000, now_ms=NOW) is discount


def test_no_usage_limit_means_unlimited():
    discount = make(usage_limit=None, times_used=1_000_000)
    assert check_discount(discount, subtotal=10_000, now_ms=NOW) is discount


def test_once_per_email_refuses_an_email_that_has_used_it():
    discount = make(once_per_email=True)
    error = refused(discount, email_has_used_it=True)
    assert error.code == "discount_used_up"
    assert "once per customer" in error.message
    assert check_discount(discount, subtotal=10_000, now_ms=NOW, email_has_used_it=False)


def test_email_history_does_not_matter_unless_once_per_email():
    discount = make(once_per_email=False)
    assert check_discount(discount, subtotal=10_000, now_ms=NOW, email_has_used_it=True)


def test_min_subtotal_boundary_is_inclusive():
    discount = make(min_subtotal=5000)
    assert check_discount(discount, subtotal=5000, now_ms=NOW) is discount
    error = refused(discount, subtotal=4999)
    assert error.code == "discount_min_subtotal"
    assert error.message == "That code needs a subtotal of at least 5000."


def test_min_subtotal_message_uses_the_money_formatter():
    seen = []

    def money(amount):
        seen.append(amount)
        return f"€{amount / 100:.2f}"

    error = refused(make(min_subtotal=5000), subtotal=100, format_money=money)
    assert error.message == "That code needs a subtotal of at least €50.00."
    assert seen == [5000]


def test_checks_run_in_a_fixed_order():
    # Inactive beats expired; expired beats used up; used up beats the minimum subtotal.
    assert refused(make(active=False, expires_at=NOW)).code == "discount_invalid"
    assert refused(make(expires_at=NOW, usage_limit=1, times_used=1)).code == "discount_expired"
    used_up = make(usage_limit=1, times_used=1, min_subtotal=1_000_000)
    assert refused(used_up).code == "discount_used_up"


def test_an_offer_coupon_without_a_cart_is_refused_everywhere():
    orphan = make(campaign_id=3, cart_id=None)
    with pytest.raises(DiscountRefused) as refused:
        check_discount(orphan, subtotal=5000, now_ms=NOW, cart_id=9)
    assert refused.value.code == "discount_foreign"
    assert check_discount(make(campaign_id=3, cart_id=9), subtotal=5000, now_ms=NOW, cart_id=9)


@pytest.mark.parametrize(
    ("kind", "value", "saved"),
    [("percent", 10, 480), ("fixed", 500, 500), ("free_gift", 0, 2400), ("free_shipping", 0, 650)],
)
def test_savings_compare_merchandise_off_and_shipping_waived(kind, value, saved):
    assert savings(make(kind, value), subtotal=4800, gift_price=2400, shipping=650) == saved
