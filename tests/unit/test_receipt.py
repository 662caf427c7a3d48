"""The receipt page's words and formats: a shopper's status wording, and money and dates in
the store's locale (the CLDR data the widget's Intl formatting uses)."""

from datetime import UTC, datetime

import pytest

from server.orders.receipt import LocalFormats, shopper_status

JULY_1_NOON_UTC = int(datetime(2025, 7, 1, 12, tzinfo=UTC).timestamp() * 1000)


@pytest.mark.parametrize(
    ("locale", "currency", "minor_units", "expected"),
    [
        ("en-IE", "EUR", 2895, "€28.95"),
        ("en-US", "USD", 123456789, "$1,234,567.89"),
        ("de-DE", "EUR", 2895, "28,95\xa0€"),
        ("fr-FR", "EUR", 100000, "1\u202f000,00\xa0€"),
        ("ja-JP", "JPY", 500, "￥500"),  # no minor units
        ("en-IE", "EUR", -540, "-€5.40"),
        ("xx-XX", "EUR", 2895, "€28.95"),  # a locale CLDR doesn't know: English
    ],
)
def test_money_in_the_store_locale(locale, currency, minor_units, expected):
    assert LocalFormats(locale, "UTC").money(minor_units, currency) == expected


def test_moments_are_in_the_store_timezone_and_locale():
    assert LocalFormats("en-IE", "Europe/Dublin").moment(JULY_1_NOON_UTC) == "1 July 2025, 13:00"
    assert LocalFormats("en-US", "America/New_York").moment(JULY_1_NOON_UTC) == (
        "July 1, 2025, 8:00\u202fAM"
    )
    assert LocalFormats("en-IE", "Europe/Dublin").iso(JULY_1_NOON_UTC) == (
        "2025-07-01T13:00:00+01:00"
    )


@pytest.mark.parametrize(
    ("status", "method", "headline"),
    [
        ("awaiting_payment", "bank_transfer", "Awaiting your bank transfer"),
        ("awaiting_payment", "cash_on_delivery", "Placed — pay on delivery"),
        ("awaiting_payment", "some_new_method", "Awaiting payment"),
        ("paid", "test_card", "Paid — being prepared"),
        ("paid", "bank_transfer", "Paid — being prepared"),
        ("fulfilled", "test_card", "Shipped"),
        ("refunded", "test_card", "Refunded"),
        ("on_hold", "test_card", "On hold"),  # a status added later still reads as words
    ],
)
def test_status_in_a_shoppers_words(status, method, headline):
    assert shopper_status(status, method).headline == headline
