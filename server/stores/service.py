"""Rules for stores (tenants): what a valid store looks like, what an owner may change on one,
and what the widget is told."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.emails import normalize_email
from server.errors import ValidationFailed
from server.money import is_known_currency
from server.phones import validate_phone
from server.urls import BadAddress, normalize_origin

# Every control character (C0 and C1, line breaks and tabs among them) and Unicode's line and
# paragraph separators: a store's name goes into email headers (From, Subject), where a line
# break fails every email (or, unchecked, would start a header of its own).
_NOT_IN_A_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2}|-[A-Z][a-z]{3})?$")
MAX_ORIGINS = 20


@dataclass(frozen=True)
class Store:
    id: int
    public_key: str
    name: str
    currency: str
    locale: str
    timezone: str
    origins: frozenset[str]
    contact_email: str = ""  # optional, for the store's own records and receipts
    contact_phone: str = ""

    def allows_origin(self, origin: str | None) -> bool:
        return origin is not None and origin in self.origins


@dataclass(frozen=True)
class NewStore:
    name: str
    origins: tuple[str, ...]
    currency: str
    locale: str
    timezone: str


def validate_new_store(
    name: str, origins: list[str], currency: str, locale: str = "en-US", timezone: str = "UTC"
) -> NewStore:
    name, currency = check_name(name), check_currency(currency)
    locale, timezone = check_locale(locale), check_timezone(timezone)
    return NewStore(name, check_origins(origins), currency, locale, timezone)


@dataclass(frozen=True)
class StoreSettings:
    """Everything an owner may change on an existing store (its public key never changes)."""

    name: str
    origins: tuple[str, ...]
    currency: str
    locale: str
    timezone: str
    contact_email: str
    contact_phone: str


class StoreSettingsInvalid(ValidationFailed):
    """Every field that is wrong (``errors``: field → message); as a ValidationFailed it
    names the first of them, which is all a command line shows."""

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = errors


def settings_of(store: Store) -> StoreSettings:
    return StoreSettings(
        store.name, tuple(sorted(store.origins)), store.currency, store.locale,
        store.timezone, store.contact_email, store.contact_phone,
    )  # fmt: skip


def validate_store_settings(
    name: str,
    origins: list[str],
    currency: str,
    locale: str,
    timezone: str,
    contact_email: str,
    contact_phone: str,
) -> StoreSettings:
    """The settings cleaned, or StoreSettingsInvalid naming every bad field at once.
    Whether the currency may still change is the caller's to check, against the orders."""
    errors: dict[str, str] = {}

    def check(field: str, rule: Callable[[Any], Any], value: Any) -> Any:
        try:
            return rule(value)
        except ValidationFailed as exc:
            errors.setdefault(exc.field or field, exc.message)
            return value

    settings = StoreSettings(
        name=check("name", check_name, name),
        origins=check("origins", check_origins, origins),
        currency=check("currency", check_currency, currency),
        locale=check("locale", check_locale, locale),
        timezone=check("timezone", check_timezone, timezone),
        contact_email=check("contact_email", check_contact_email, contact_email),
        contact_phone=check("contact_phone", check_contact_phone, contact_phone),
    )
    if errors:
        raise StoreSettingsInvalid(errors)
    return settings


# ---- one field each: a cleaned value, or ValidationFailed naming the field ----------------


def one_line(text: str) -> str:
    """``text`` on one line: each control character a space, then each run of whitespace one
    space (as ``server.forms.parse_line``), trimmed."""
    return " ".join(_NOT_IN_A_LINE.sub(" ", text).split())


def check_name(name: str) -> str:
    name = one_line(name)
    if not 1 <= len(name) <= 100:
        raise ValidationFailed("Give the store a name of 1 to 100 characters.", field="name")
    return name


def check_currency(currency: str) -> str:
    currency = currency.strip().upper()
    if not is_known_currency(currency):
        raise ValidationFailed(
            "Use a three-letter ISO 4217 currency code such as EUR or USD.", field="currency"
        )
    return currency


def check_locale(locale: str) -> str:
    if not _LOCALE.match(locale.strip()):
        raise ValidationFailed("Use a locale such as en-US or de-DE.", field="locale")
    return locale.strip()


def check_timezone(timezone: str) -> str:
    if timezone.strip() not in time_zones():
        raise ValidationFailed("Use an IANA time zone such as Europe/Dublin.", field="timezone")
    return timezone.strip()


@functools.cache
def time_zones() -> frozenset[str]:
    """Every IANA zone name this system knows (reading them all takes a few milliseconds)."""
    return frozenset(zoneinfo.available_timezones())


def check_origins(origins: list[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(_origin(o) for o in origins if o.strip()))
    if not cleaned:
        raise ValidationFailed("Add the origin your shop is served from.", field="origins")
    if len(cleaned) > MAX_ORIGINS:
        raise ValidationFailed(f"List at most {MAX_ORIGINS} origins.", field="origins")
    return cleaned


def check_contact_email(email: str) -> str:
    """Optional: empty, or an address mail can be sent to."""
    if not email.strip():
        return ""
    return normalize_email(email, field="contact_email")


def check_contact_phone(phone: str) -> str:
    """Optional: empty, or a phone number as checkout accepts one."""
    return validate_phone(phone, required=False, field="contact_phone")


def _origin(raw: str) -> str:
    try:
        return normalize_origin(raw)
    except BadAddress as exc:
        raise ValidationFailed(str(exc), field="origins") from None


def snippet(base_url: str, public_key: str) -> str:
    return f'<script async src="{base_url}/v1/keepcart.js" data-store="{public_key}"></script>'


QUEUE_STUB = (
    "<script>window.keepcart=window.keepcart||function(){"
    "(window.keepcart.q=window.keepcart.q||[]).push(arguments)};</script>"
)
