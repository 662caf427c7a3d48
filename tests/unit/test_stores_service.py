import pytest

from server.clock import start_of_day_ms
from server.errors import ValidationFailed
from server.stores.service import normalize_origin, snippet, validate_new_store


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        (" http://localhost:3000 ", "http://localhost:3000"),
    ],
)
def test_origins_are_normalized(raw, expected):
    assert normalize_origin(raw) == expected


@pytest.mark.parametrize(
    "raw", ["shop.example.com", "ftp://x.test", "https://x.test/path", "https://u@x.test"]
)
def test_anything_but_an_origin_is_refused(raw):
    with pytest.raises(ValidationFailed) as caught:
        normalize_origin(raw)
    assert caught.value.field == "origins"


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
