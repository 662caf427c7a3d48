"""The simulated card gateway: Luhn, parsing what the shopper typed, and the test numbers."""

import asyncio
import logging
import re

import pytest

from server.errors import PaymentFailed, ValidationFailed
from server.payments import Authorization, Declined
from server.payments import test_card as gateway  # not TestCardProvider: pytest would collect it
from server.payments.test_card import (
    DECLINED,
    INSUFFICIENT_FUNDS,
    SLOW,
    TEST_CARD,
    Card,
    luhn_valid,
    parse_card,
)

NOW = 1_742_040_000_000  # 2025-03-15 12:00:00 UTC
START_OF_APRIL = 1_743_465_600_000  # 2025-04-01 00:00:00 UTC

SUCCEEDS = "4242424242424242"


def card(number=SUCCEEDS, expiry="12/30", cvc="123") -> dict[str, object]:
    return {"number": number, "expiry": expiry, "cvc": cvc}


def failure(raw, now_ms=NOW) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        parse_card(raw, now_ms)
    return info.value


def authorize(parsed: Card, amount: int = 4815, currency: str = "EUR") -> Authorization:
    return asyncio.run(TEST_CARD.authorize(parsed, amount, currency))


# --- Luhn --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        SUCCEEDS,
        DECLINED,
        INSUFFICIENT_FUNDS,
        SLOW,
        "5555555555554444",
        "2223003122003222",
        "378282246310005",
        "6011111111111117",
        "79927398713",  # the textbook example
        "0000000000000000",
    ],
)
def test_luhn_accepts_valid_numbers(number):
    assert luhn_valid(number)


@pytest.mark.parametrize(
    "number", ["4242424242424241", "4242424242424243", "79927398710", "4000000000000001"]
)
def test_luhn_rejects_a_wrong_check_digit(number):
    assert not luhn_valid(number)


def test_luhn_catches_swapped_adjacent_digits():
    assert not luhn_valid("2442424242424242")


# --- parse_card --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", [SUCCEEDS, "4242 4242 4242 4242", "4242-4242-4242-4242", " 4242 4242-4242 4242 "]
)
def test_number_spaces_and_dashes_are_ignored(number):
    assert parse_card(card(number), NOW) == Card(SUCCEEDS, 12, 2030, "123")


def test_number_sent_as_an_integer_is_read():
    assert parse_card(card(4242424242424242), NOW).number == SUCCEEDS


@pytest.mark.parametrize(
    "number",
    [
        "",
        "4242424242424241",  # Luhn fails
        "4242 4242 4242 424x",
        "4444444444 4",  # 11 digits, Luhn-valid
        "40000000000000000002",  # 20 digits, Luhn-valid
        "4242.4242.4242.4242",
        None,
    ],
)
def test_invalid_numbers_are_refused(number):
    error = failure(card(number))
    assert error.field == "payment.card.number"
    assert error.message == "That card number isn't valid. Check the digits."


@pytest.mark.parametrize("number", ["444444444442", "4000000000000000006"])
def test_twelve_to_nineteen_digits_are_accepted(number):
    assert parse_card(card(number), NOW).number == number


@pytest.mark.parametrize("raw", [None, "4242424242424242", ["4242424242424242"], 42])
def test_card_details_must_be_an_object(raw):
    error = failure(raw)
    assert error.field == "payment.card.number"
    assert error.message == "Enter your card details."


def test_missing_number_is_refused():
    assert failure({"expiry": "12/30", "cvc": "123"}).field == "payment.card.number"


@pytest.mark.parametrize(
    ("expiry", "month", "year"),
    [
        ("12/30", 12, 2030),
        ("1/30", 1, 2030),
        ("01/30", 1, 2030),
        (" 7 / 28 ", 7, 2028),
        ("07/2028", 7, 2028),
        ("12/99", 12, 2099),
    ],
)
def test_expiry_formats(expiry, month, year):
    parsed = parse_card(card(expiry=expiry), NOW)
    assert (parsed.exp_month, parsed.exp_year) == (month, year)


@pytest.mark.parametrize(
    "expiry", ["", "1230", "12-30", "13/30", "00/30", "0/30", "12/3", "12/203", "ab/cd", "12/30/1"]
)
def test_malformed_expiry_is_refused(expiry):
    error = failure(card(expiry=expiry))
    assert error.field == "payment.card.expiry"
    assert error.message == "Enter the expiry date as MM/YY."


def test_card_is_good_through_the_end_of_its_expiry_month():
    # Now is 15 March 2025: a card expiring 03/25 still works, 02/25 does not.
    assert parse_card(card(expiry="03/25"), NOW).exp_month == 3
    assert parse_card(card(expiry="04/25"), NOW).exp_month == 4
    for expired in ("02/25", "12/24", "03/2024"):
        error = failure(card(expiry=expired))
        assert error.field == "payment.card.expiry"
        assert error.message == "That card has expired."


def test_expiry_month_ends_at_utc_midnight_to_the_millisecond():
    assert parse_card(card(expiry="03/25"), START_OF_APRIL - 1).exp_month == 3
    assert failure(card(expiry="03/25"), START_OF_APRIL).message == "That card has expired."


@pytest.mark.parametrize(("cvc", "expected"), [("123", "123"), ("1234", "1234"), (" 987 ", "987")])
def test_valid_cvc(cvc, expected):
    assert parse_card(card(cvc=cvc), NOW).cvc == expected


@pytest.mark.parametrize("cvc", ["", "12", "12345", "12a", None])
def test_invalid_cvc_is_refused(cvc):
    error = failure(card(cvc=cvc))
    assert error.field == "payment.card.cvc"
    assert error.message == "Enter the 3 or 4 digit security code."


def test_number_is_checked_before_expiry_and_expiry_before_cvc():
    assert failure(card("1", "99/99", "")).field == "payment.card.number"
    assert failure(card(SUCCEEDS, "99/99", "")).field == "payment.card.expiry"


# --- brand and last four -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "brand"),
    [
        (SUCCEEDS, "Visa"),
        ("5555555555554444", "Mastercard"),
        ("2223003122003222", "Mastercard"),
        ("378282246310005", "American Express"),
        ("6011111111111117", "Discover"),
        ("3530111333300000", "Card"),  # JCB is not recognised
        ("6200000000000005", "Card"),
    ],
)
def test_brand(number, brand):
    assert parse_card(card(number), NOW).brand == brand


def test_last4():
    assert parse_card(card("3782 822463 10005"), NOW).last4 == "0005"


# --- the provider ------------------------------------------------------------------------


def test_provider_identity():
    assert gateway.TestCardProvider() == TEST_CARD
    assert (TEST_CARD.id, TEST_CARD.label, TEST_CARD.test_mode) == ("test_card", "Card", True)


def test_provider_parses_the_card_inside_the_payment():
    payment = {"method": "test_card", "card": card("4242 4242 4242 4242", "03/25", "321")}
    assert TEST_CARD.parse(payment, NOW) == Card(SUCCEEDS, 3, 2025, "321")
    with pytest.raises(ValidationFailed) as info:
        TEST_CARD.parse({"method": "test_card"}, NOW)
    assert info.value.field == "payment.card.number"


def test_summary_holds_brand_last4_and_expiry_but_never_the_number():
    summary = TEST_CARD.summary(parse_card(card(expiry="7/28"), NOW))
    assert summary == {"brand": "Visa", "last4": "4242", "expiry": [7, 2028]}
    assert SUCCEEDS not in repr(summary)


def test_4242_is_authorized():
    authorization = authorize(parse_card(card(), NOW))
    assert authorization.method == "test_card"
    assert authorization.status == "paid"
    assert (authorization.card_brand, authorization.card_last4) == ("Visa", "4242")
    assert re.fullmatch(r"test_[0-9a-f]{16}", authorization.reference)


def test_each_authorization_has_its_own_reference():
    parsed = parse_card(card(), NOW)
    assert authorize(parsed).reference != authorize(parsed).reference


def test_other_luhn_valid_numbers_succeed_like_a_sandbox():
    authorization = authorize(parse_card(card("5555 5555 5555 4444"), NOW))
    assert authorization.status == "paid"
    assert (authorization.card_brand, authorization.card_last4) == ("Mastercard", "4444")


def test_3063_is_approved_after_the_others_like_a_bank_asking_the_shopper():
    async def both() -> tuple[Authorization, bool, Authorization]:
        slow = asyncio.ensure_future(TEST_CARD.authorize(parse_card(card(SLOW), NOW), 1, "EUR"))
        quick = await TEST_CARD.authorize(parse_card(card(), NOW), 1, "EUR")
        for _ in range(10):  # turns enough for any authorization that doesn't wait to end
            await asyncio.sleep(0)
        return quick, slow.done(), await slow

    quick, slow_was_done, slow = asyncio.run(both())
    assert quick.status == "paid" and not slow_was_done
    assert (slow.status, slow.card_last4) == ("paid", "3063")


def test_0002_is_declined():
    with pytest.raises(Declined) as info:
        authorize(parse_card(card("4000 0000 0000 0002"), NOW))
    error = info.value
    assert isinstance(error, PaymentFailed)
    assert error.status == 402
    assert error.code == "card_declined"
    assert error.field == "payment.card.number"
    assert error.message == "Your card was declined. Try another card or payment method."


def test_9995_is_declined_for_insufficient_funds():
    with pytest.raises(Declined) as info:
        authorize(parse_card(card("4000-0000-0000-9995"), NOW))
    error = info.value
    assert error.status == 402
    assert error.code == "insufficient_funds"
    assert error.field == "payment.card.number"
    assert "insufficient funds" in error.message


def test_authorizations_and_voids_are_logged_by_reference_without_card_data(caplog):
    caplog.set_level(logging.INFO, logger="keepcart.payments.test_card")
    authorization = authorize(parse_card(card(), NOW), 2895, "EUR")
    assert asyncio.run(TEST_CARD.void(authorization)) is None
    assert caplog.messages == [
        f"authorized {authorization.reference} for 2895 EUR",
        f"voided {authorization.reference}",
    ]
    assert SUCCEEDS not in caplog.text


# Python's \d on str matches any Unicode decimal digit and int() reads them, so fullwidth
# digits (sent straight to the API; the widget strips them) pass as a card number but never
# equal the ASCII test numbers: the documented decline number is then approved.
FULLWIDTH_DECLINED = "４０００ ００００ ００００ ０００２"


def test_card_number_in_non_ascii_digits_is_refused_or_read_as_ascii():
    try:
        parsed = parse_card(card(FULLWIDTH_DECLINED), NOW)
    except ValidationFailed:
        return
    assert parsed.number == DECLINED


def test_decline_number_in_fullwidth_digits_is_not_approved():
    with pytest.raises((ValidationFailed, Declined)):
        authorize(parse_card(card(FULLWIDTH_DECLINED), NOW))
