"""Rules for incoming widget events: the shape of a batch, checked field by field.

Pure functions of their input and the clock, so they are tested without a server.

Every ingest request runs through here, on the event loop's thread, so the checks are
written for speed: an event is a named tuple (a plain tuple to build, unlike a frozen
dataclass), and an error's field name is only formatted when there is an error.
"""

from __future__ import annotations

import functools
import json
import json.encoder
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from server.errors import ValidationFailed

MAX_EVENTS_PER_BATCH = 50
MAX_BATCH_BYTES = 16 * 1024
MAX_PROPS = 20
EVENT_TYPES = frozenset({"pageview", "custom", "checkout", "offer", "survey", "badge"})

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_DAY_MS = 86_400_000
_EARLIEST_MS = 1_577_836_800_000  # 2020-01-01: anything older is a broken clock


def _make_props_encoder() -> Callable[[dict[str, Any]], str]:
    """``json.JSONEncoder(...).encode`` for props, minus its per-call set-up.

    ``JSONEncoder.encode`` builds a new C encoder on every call, half its cost for an object
    as small as props; this builds that same C encoder once, with the same options, so the
    text is identical. (A flat object parsed from JSON cannot be circular: no check.)
    """
    encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
    # typeshed leaves out json.encoder's c_make_encoder (None without the C accelerator).
    make_c_encoder = json.encoder.c_make_encoder  # pyright: ignore[reportAttributeAccessIssue]
    if make_c_encoder is None:  # a Python without the _json accelerator
        return encoder.encode
    encode_c = make_c_encoder(
        None,  # markers: no circular check
        encoder.default,
        json.encoder.encode_basestring,  # ensure_ascii=False
        None,  # indent
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )
    return lambda props: "".join(encode_c(props, 0))


_encode_props = _make_props_encoder()
# A tuple, not ``str | int | float | bool``: that union would be built anew on every check.
_PROP_VALUE_TYPES = (str, int, float, bool)


class Event(NamedTuple):
    type: str
    name: str
    occurred_at: int
    url: str
    referrer: str
    visitor_id: str | None
    session_id: str
    props: str  # JSON text of a small flat object


class Batch(NamedTuple):
    store_key: str
    events: tuple[Event, ...]


# A named tuple's own constructor is a Python function wrapped around tuple.__new__; these
# build the same named tuples without that extra call, once per event or batch.
_new_event = functools.partial(tuple.__new__, Event)
_new_batch = functools.partial(tuple.__new__, Batch)


def parse_batch(body: Any, now_ms: int) -> Batch:
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.", field=None)
    store_key = body.get("store")
    if not isinstance(store_key, str) or not store_key:
        raise ValidationFailed("Name the store by its public key.", field="store")
    events = body.get("events")
    if not isinstance(events, list) or not events:
        raise ValidationFailed("Send a non-empty list of events.", field="events")
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise ValidationFailed(
            f"Send at most {MAX_EVENTS_PER_BATCH} events per request.", field="events"
        )
    parsed = tuple([parse_event(raw, i, now_ms) for i, raw in enumerate(events)])
    return _new_batch((store_key, parsed))


def parse_event(raw: Any, index: int, now_ms: int) -> Event:
    """The event at ``events[index]``, whose position names it in errors."""
    if not isinstance(raw, dict):
        raise _invalid(index, "", "Each event must be a JSON object.")
    get = raw.get
    kind = _text(get("type"), "type", 20, index)
    if kind not in EVENT_TYPES:
        raise _invalid(
            index,
            ".type",
            f"Unknown event type {kind!r}; use one of {', '.join(sorted(EVENT_TYPES))}.",
        )
    occurred_at = get("occurred_at")
    if type(occurred_at) is not int:
        raise _invalid(
            index,
            ".occurred_at",
            "occurred_at must be a time in milliseconds since the Unix epoch.",
        )
    if not _EARLIEST_MS <= occurred_at <= now_ms + _DAY_MS:
        # A shopper's clock can be wildly wrong; keep the event, stamped when it arrived.
        occurred_at = now_ms
    visitor_id = get("visitor_id")
    if visitor_id is not None:
        visitor_id = _identifier(visitor_id, "visitor_id", index)
    # Field by field in the order the checks have always run, so the first error is the same.
    name = _text(get("name"), "name", 100, index)
    url = _text(get("url"), "url", 2000, index)
    referrer = _text(get("referrer", ""), "referrer", 2000, index, required=False)
    session_id = _identifier(get("session_id"), "session_id", index)
    props = _props(get("props"), index)
    return _new_event((kind, name, occurred_at, url, referrer, visitor_id, session_id, props))


def _text(value: Any, key: str, limit: int, index: int, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value):
        raise _invalid(index, f".{key}", f"{key} must be a non-empty string.")
    if len(value) > limit:
        raise _invalid(index, f".{key}", f"{key} must be at most {limit} characters.")
    return value


def _identifier(value: Any, key: str, index: int) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise _invalid(index, f".{key}", f"{key} must be 1 to 64 letters, digits, '-' or '_'.")
    return value


def _props(value: Any, index: int) -> str:
    if value is None:
        return "{}"
    if not isinstance(value, dict):
        raise _invalid(index, ".props", "props must be a flat JSON object.")
    if len(value) > MAX_PROPS:
        raise _invalid(index, ".props", f"props may have at most {MAX_PROPS} keys.")
    for key, item in value.items():
        if len(key) > 40:
            raise _invalid(index, ".props", "props keys must be at most 40 characters.")
        if isinstance(item, str) and len(item) > 500:
            raise _invalid(index, ".props", f"props.{key} must be at most 500 characters.")
        if item is not None and not isinstance(item, _PROP_VALUE_TYPES):
            raise _invalid(
                index, ".props", f"props.{key} must be a string, number, boolean or null."
            )
    return _encode_props(value)


def _invalid(index: int, suffix: str, message: str) -> ValidationFailed:
    # Only formatted on the error path: the happy path never builds a field name.
    return ValidationFailed(message, field=f"events[{index}]{suffix}")
