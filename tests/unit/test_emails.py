import pytest

from server.emails import mailto, normalize_email
from server.errors import ValidationFailed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" Ada.Lovelace+shop@Example.CO.UK ", "ada.lovelace+shop@example.co.uk"),
        ("owner@shop.test", "owner@shop.test"),
        ("ann@bücher.de", "ann@bücher.de"),
    ],
)
def test_addresses_are_trimmed_and_lower_cased(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ann@shop.example?bcc=harvest%40evil.example&subject=Hi",  # header injection
        "ann@shop.example&cc=x@evil.example",
        "ann@shop.example\r\nBcc: x@evil.example",
        '"ann smith"@shop.example',  # quoted local parts
        "ann@[203.0.113.7]",  # IP literals
        "ann@localhost",
        "ann@shop",
        "",
        None,
    ],
)
def test_anything_a_mail_client_would_read_differently_is_refused(raw):
    with pytest.raises(ValidationFailed) as caught:
        normalize_email(raw, field="contact.email")
    assert caught.value.field == "contact.email"


def test_the_message_can_be_the_callers():
    with pytest.raises(ValidationFailed, match="Use a full email"):
        normalize_email("nope", message="Use a full email address.")


def test_mailto_encodes_everything_but_the_address_structure():
    assert mailto("ann?cc=x@shop.example") == "mailto:ann%3Fcc%3Dx@shop.example"
    assert mailto("a&b@shop.example") == "mailto:a%26b@shop.example"
    assert mailto("ann@shop.example") == "mailto:ann@shop.example"
