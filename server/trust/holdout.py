"""Which visitors are held out from an element (badges, social proof).

The badges chunk decides in the browser, before anything is drawn, so the page waits for no
request; the server computes the same arm for the exposure it records (the browser's word is
never taken). Both sides therefore use one small hash anyone can write in JavaScript:
32-bit FNV-1a over ``"{element}:{visitor}"`` (visitor ids are ASCII), widget/src/badges/
holdout.js is its twin, and a test runs both on the same inputs.
"""

from __future__ import annotations

SHOWN = "shown"
HOLDOUT = "holdout"
_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def fnv1a_32(text: str) -> int:
    value = _FNV_OFFSET
    for byte in text.encode():
        value = ((value ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return value


def bucket(element: str, visitor_id: str) -> int:
    """A number in [0, 100) that is stable for this element and visitor."""
    return fnv1a_32(f"{element}:{visitor_id}") % 100


def arm_for(element: str, visitor_id: str, holdout_percent: int) -> str:
    return HOLDOUT if bucket(element, visitor_id) < holdout_percent else SHOWN
