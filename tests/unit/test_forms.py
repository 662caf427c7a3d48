"""The forms toolkit: a reader that keeps every field error, and the shared parsers."""

import pytest

from server.errors import ValidationFailed
from server.forms import (
    FormInvalid,
    FormReader,
    parse_flag,
    parse_line,
    parse_whole_number,
    positive_money,
    whole,
)


def test_the_reader_reports_every_bad_field_at_once_with_its_own_message():
    form = FormReader({"days": "many", "price": "4.955", "name": "Mug"})
    days = form.read("days", whole(1, 30), 1)
    price = form.read("price", lambda text: positive_money("EUR", text), 0)
    name = form.read("name", lambda text: parse_line("a name", 1, 10, text), "")
    with pytest.raises(FormInvalid) as caught:
        form.done()
    assert (days, price, name) == (1, 0, "Mug")
    assert caught.value.errors == {
        "days": "Enter a whole number from 1 to 30.",
        "price": "EUR amounts have at most 2 decimal places.",
    }


def test_an_empty_optional_field_is_none_and_a_bad_one_an_error():
    form = FormReader({"limit": "  ", "cap": "x"})
    assert form.optional("limit", whole(1, 9)) is None
    assert form.optional("cap", whole(1, 9)) is None
    assert form.errors == {"cap": "Enter a whole number from 1 to 9."}


def refuse(field: str, message: str):
    def check() -> int:
        raise ValidationFailed(message, field=field)

    return check


def test_a_domain_check_joins_the_errors_unless_its_field_already_has_one():
    form = FormReader({})
    form.fail("stock", "Enter a whole number, like 250.")
    assert form.check(refuse("stock", "Stock cannot be negative."), 0) == 0
    form.check(refuse("name", "Too long."), 0)
    assert form.errors == {"stock": "Enter a whole number, like 250.", "name": "Too long."}


@pytest.mark.parametrize(
    ("text", "low", "digits", "expected"),
    [("42", 0, 9, 42), (" -3 ", -10, 9, -3), ("007", 0, 9, 7), ("123456789012", -10**15, 15,
                                                                  123456789012)],
)  # fmt: skip
def test_whole_numbers_are_digits_with_a_sign_only_where_negatives_are_allowed(
    text, low, digits, expected
):
    assert parse_whole_number(text, low, 10**15, "250", digits=digits) == expected


@pytest.mark.parametrize("text", ["-3", "+3", "3.0", "1e3", "", "1234567890"])
def test_anything_else_is_refused_with_an_example(text):
    with pytest.raises(ValueError) as caught:
        parse_whole_number(text, 0, 10**12, "250")
    assert str(caught.value) == "Enter a whole number, like 250."


def test_flags_read_as_spreadsheets_write_them():
    assert [parse_flag(t) for t in ("TRUE", " yes", "n", "0")] == [True, True, False, False]
    with pytest.raises(ValueError) as caught:
        parse_flag("maybe")
    assert str(caught.value) == "Enter true or false."
