"""Phone numbers as people type them: checked once, the same way, wherever one enters (a
shopper's at checkout, a store's contact number).

A number is 6 to 20 characters of digits, spaces, dots, dashes and brackets, with an
optional leading ``+``, and at least six digits.
"""

from __future__ import annotations

import re

from server.errors import ValidationFailed

_PHONE = re.compile(r"^\+?[\d\s().-]{6,20}$", re.ASCII)


def validate_phone(raw: object, required: bool, field: str = "phone") -> str:
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        if required:
            raise ValidationFailed("Enter a phone number for the courier.", field=field)
        return ""
    if not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 6:
        raise ValidationFailed("Enter a phone number, like +353 1 234 5678.", field=field)
    return value
