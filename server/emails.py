"""Email addresses as people type them: checked once, the same way, wherever one enters.

Syntax only (no DNS lookups): email-validator's rules, which refuse what a mail client or a
``mailto:`` link would read as something else (``?``, ``&`` or ``%`` after the ``@``,
quoted local parts, IP literals). Addresses are stored lower-cased, so "one per customer"
rules compare them as shoppers expect.
"""

from __future__ import annotations

from urllib.parse import quote

from email_validator import EmailNotValidError, validate_email

from server.errors import ValidationFailed

MAX_LENGTH = 254  # RFC 5321's limit on a forward path, less the angle brackets


def normalize_email(raw: object, *, field: str = "email", message: str | None = None) -> str:
    """``raw`` trimmed, checked and lower-cased; a ValidationFailed naming ``field`` if it
    is not an address mail can be sent to."""
    value = raw.strip() if isinstance(raw, str) else ""
    try:
        checked = validate_email(
            value,
            check_deliverability=False,
            # Accept the reserved .test domain, which the demo and the tests use; an address
            # there can't receive mail, but it can't smuggle anything into a link either.
            test_environment=True,
        )
    except EmailNotValidError:
        checked = None
    if checked is None or len(value) > MAX_LENGTH:
        raise ValidationFailed(message or "Enter an email address like name@example.com.",
                               field=field)  # fmt: skip
    return checked.normalized.lower()


def mailto(address: str) -> str:
    """A ``mailto:`` link to exactly ``address``: anything else in it is percent-encoded,
    so it can never add recipients, headers or a body (RFC 6068)."""
    return "mailto:" + quote(address, safe="@")
