import json

import pytest

from server.errors import ValidationFailed
from server.events.service import parse_batch

NOW = 1_795_000_000_000


def event(**overrides):
    base = {
        "type": "pageview",
        "name": "pageview",
        "occurred_at": NOW - 1000,
        "url": "https://shop.test/",
        "referrer": "",
        "session_id": "s_abc",
        "visitor_id": "v_abc",
        "props": {"title": "Home"},
    }
    return {k: v for k, v in (base | overrides).items() if v is not ...}


def test_a_valid_batch_is_parsed():
    batch = parse_batch({"store": "pk_1", "events": [event(), event(type="custom", name="x")]}, NOW)
    assert batch.store_key == "pk_1"
    assert [e.type for e in batch.events] == ["pageview", "custom"]
    assert json.loads(batch.events[0].props) == {"title": "Home"}


def test_visitor_id_and_referrer_are_optional():
    parsed = parse_batch({"store": "pk_1", "events": [event(visitor_id=..., referrer=...)]}, NOW)
    assert parsed.events[0].visitor_id is None
    assert parsed.events[0].referrer == ""


@pytest.mark.parametrize("skewed", [NOW + 2 * 86_400_000, 0, 946_684_800_000])
def test_a_wildly_wrong_client_clock_is_replaced_by_the_arrival_time(skewed):
    batch = parse_batch({"store": "pk_1", "events": [event(occurred_at=skewed)]}, NOW)
    assert batch.events[0].occurred_at == NOW


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], None),
        ({"events": [event()]}, "store"),
        ({"store": "pk_1", "events": []}, "events"),
        ({"store": "pk_1", "events": [event()] * 51}, "events"),
        ({"store": "pk_1", "events": ["nope"]}, "events[0]"),
        ({"store": "pk_1", "events": [event(type="purchase")]}, "events[0].type"),
        ({"store": "pk_1", "events": [event(), event(name="")]}, "events[1].name"),
        ({"store": "pk_1", "events": [event(name="n" * 101)]}, "events[0].name"),
        ({"store": "pk_1", "events": [event(occurred_at="yesterday")]}, "events[0].occurred_at"),
        ({"store": "pk_1", "events": [event(occurred_at=1.5)]}, "events[0].occurred_at"),
        ({"store": "pk_1", "events": [event(occurred_at=True)]}, "events[0].occurred_at"),
        ({"store": "pk_1", "events": [event(url=...)]}, "events[0].url"),
        ({"store": "pk_1", "events": [event(session_id="has space")]}, "events[0].session_id"),
        ({"store": "pk_1", "events": [event(visitor_id=42)]}, "events[0].visitor_id"),
        ({"store": "pk_1", "events": [event(props=[1])]}, "events[0].props"),
        ({"store": "pk_1", "events": [event(props={"nested": {"a": 1}})]}, "events[0].props"),
        ({"store": "pk_1", "events": [event(props={str(i): i for i in range(21)})]},
         "events[0].props"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(body, field):
    with pytest.raises(ValidationFailed) as caught:
        parse_batch(body, NOW)
    assert caught.value.field == field
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "props",
    [
        {},
        {"title": "Home", "n": 3, "price": 12.5, "big": 10**30, "ok": True, "none": None},
        {"é": "naïve ☕ 😀", "quote": 'a "b" \\ c\n'},
        {"tiny": 1e-7, "huge": 1e300, "nan": float("nan"), "inf": float("-inf")},
    ],
)
def test_props_are_stored_as_compact_json_text(props):
    batch = parse_batch({"store": "pk_1", "events": [event(props=props)]}, NOW)
    expected = json.dumps(props, separators=(",", ":"), ensure_ascii=False)
    assert batch.events[0].props == expected
