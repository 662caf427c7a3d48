"""The widget's visitor id: one per browser, sent with offer exposures and claims and with
an order, so that an order can be attributed to the offers its shopper saw."""

from __future__ import annotations

import re

from server.errors import ValidationFailed

_VISITOR = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def parse_visitor(raw: object, field: str = "visitor") -> str:
    """An opaque visitor id: 1–64 characters of letters, digits and ``_ . : -``."""
    if not isinstance(raw, str) or not _VISITOR.fullmatch(raw):
        raise ValidationFailed(
            "Send a visitor id of 1 to 64 letters, digits, '_', '.', ':' or '-'.", field=field
        )
    return raw
