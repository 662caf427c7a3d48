import pytest

from server.clock import start_of_day_ms
from server.errors import ValidationFailed
from server.stores.service import snippet, validate_new_store


@pytest.mark.parametrize(
    "origin",
    ["shop.example.com", "https://x.test/path", "http://x.test:99999", "http://x.test:8o01",
     "http://[::1", "http://[::1]]:80", "http://[zz]:80"],
)  # fmt: skip
def test_a_store_with_an_origin_that_is_not_one_is_a_field_error(origin):
    with pytest.raises(ValidationFailed) as caught:
        validate_new_store("Shop", [origin], "EUR")
    assert caught.value.field == "origins"


def test_ipv6_origins_keep_their_brackets():
    new = validate_new_store("Shop", ["http://[::1]:8001/", "HTTPS://[2001:DB8::1]"], "EUR")
    assert new.origins == ("http://[::1]:8001", "https://[2001:db8::1]")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "XYZ"}, "currency"),
        ({"locale": "english"}, "locale"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"origins": []}, "origins"),
    ],
)
def test_new_store_validation_names_the_field(kwargs, field):
    args = {
        "name": "Shop",
        "origins": ["https://shop.test"],
        "currency": "eur",
        "locale": "en-IE",
        "timezone": "Europe/Dublin",
    }
    with pytest.raises(ValidationFailed) as caught:
        validate_new_store(**(args | kwargs))
    assert caught.value.field == field


def test_valid_store_is_cleaned():
    new = validate_new_store(" Shop ", ["https://a.test/", "https://a.test"], "eur")
    assert (new.name, new.origins, new.currency) == ("Shop", ("https://a.test",), "EUR")


def test_snippet_is_the_async_loader_tag():
    assert snippet("http://kc.test", "pk_1") == (
        '<script async src="http://kc.test/v1/keepcart.js" data-store="pk_1"></script>'
    )


def test_start_of_day_follows_the_store_timezone():
    # 2026-11-23 01:30 UTC is still 2026-11-22 in New York (UTC-5).
    now = 1_795_397_400_000
    assert start_of_day_ms(now, "UTC") == 1_795_392_000_000
    assert start_of_day_ms(now, "America/New_York") == 1_795_323_600_000


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Test\r\nBcc: x@evil.test", "Test Bcc: x@evil.test"),
        ("  Fern\thill \n\n Goods ", "Fern hill Goods"),
        ("Bell\x07 and\x85Co\u2028Ltd\x7f", "Bell and Co Ltd"),
    ],
    ids=["crlf", "whitespace-runs", "other-controls"],
)
def test_a_store_name_is_one_line_without_control_characters(given, kept):
    assert validate_new_store(given, ["https://shop.test"], "EUR").name == kept


def test_a_name_of_control_characters_only_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        validate_new_store("\r\n\x00", ["https://shop.test"], "EUR")
    assert caught.value.field == "name"
