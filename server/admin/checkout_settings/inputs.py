"""The checkout settings a merchant submits, read from form values into what is stored.

Pure functions of the submitted text (and the store's currency and time zone): every field
is checked and all errors are reported together, as ``FormInvalid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from server.admin.checkout_settings.parsing import parse_countries, parse_discount_code, parse_tiers
from server.checkout.addresses import COUNTRIES, Country
from server.checkout.delivery import DAY_NAMES
from server.checkout.merchant_settings import PHONE_POLICIES
from server.forms import (
    FormReader,
    parse_basis_points,
    parse_clock_time,
    parse_holidays,
    parse_local_datetime,
    positive_money,
    whole,
)
from server.money import parse_major_units
from server.pricing.delivery import DeliveryRules
from server.stores.service import Store

COUNTRY_CHOICES = sorted(((c.code, c.name) for c in COUNTRIES.values()), key=lambda c: c[1])
PAYMENT_METHODS = {
    "test_card": "Card (test mode)",
    "bank_transfer": "Bank transfer",
    "cash_on_delivery": "Cash on delivery",
}
PHONE_LABELS = {
    "hidden": "Don't ask for a phone number",
    "optional": "Ask, but let shoppers skip it",
    "required": "Require a phone number",
}
DISCOUNT_KINDS = {
    "percent": "Percentage off",
    "fixed": "Fixed amount off",
    "free_shipping": "Free shipping",
}
SHIPPING_KINDS = {
    "flat": "Flat rate",
    "subtotal_tiers": "By order subtotal",
    "weight_tiers": "By weight",
}
# stores.phone_required holds the policy's position: 0 hidden, 1 optional, 2 required.
PHONE_LEVELS = {policy: level for level, policy in enumerate(PHONE_POLICIES)}
MAX_INSTRUCTIONS = 2000
MAX_TRANSIT_DAYS = 365
MAX_HANDLING_DAYS = 30
WORKING_DAY_CHOICES = list(
    zip(DAY_NAMES, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                    "Sunday"), strict=True)
)  # fmt: skip


_percent_off = whole(1, 100, "Enter the percentage off: a whole number from 1 to 100.")
_usage_limit = whole(
    1, 10**9 - 1, "Enter how many orders may use the code (a whole number from 1), or nothing."
)
_transit_days = whole(
    0, MAX_TRANSIT_DAYS, f"Enter whole working days, from 0 to {MAX_TRANSIT_DAYS}."
)
_handling_days = whole(
    0, MAX_HANDLING_DAYS, f"Enter whole working days, from 0 to {MAX_HANDLING_DAYS}."
)


@dataclass(frozen=True)
class GeneralSettings:
    country: str
    prices_include_tax: bool
    phone_required: int
    payment_methods: tuple[str, ...]
    bank_instructions: str
    cod_instructions: str
    floating_cart_button: bool = False


@dataclass(frozen=True)
class DiscountInput:
    code: str
    kind: str
    value: int
    min_subtotal: int
    starts_at: int | None
    expires_at: int | None
    usage_limit: int | None
    once_per_email: bool
    active: bool


@dataclass(frozen=True)
class ZoneInput:
    name: str
    countries: tuple[str, ...]


@dataclass(frozen=True)
class MethodInput:
    name: str
    kind: str
    rate: int
    tiers: tuple[tuple[int, int], ...]
    free_over: int | None
    min_days: int
    max_days: int


@dataclass(frozen=True)
class TaxRateInput:
    country: str
    region: str
    rate: int
    name: str


def read_general(values: Mapping[str, str], methods: list[str]) -> GeneralSettings:
    form = FormReader(values)
    country = values.get("country", "")
    if country not in COUNTRIES:
        form.fail("country", "Choose the country your store sells from.")
    phone = PHONE_LEVELS.get(values.get("phone", ""), 0)
    if values.get("phone") not in PHONE_LEVELS:
        form.fail("phone", "Choose whether checkout asks for a phone number.")
    enabled = tuple(method for method in PAYMENT_METHODS if method in methods)
    if not enabled:
        form.fail("payment_methods", "Turn on at least one payment method.")
    bank = form.read("bank_instructions", partial(_instructions, "bank_transfer" in enabled), "")
    cod = form.read("cod_instructions", partial(_instructions, "cash_on_delivery" in enabled), "")
    form.done()
    return GeneralSettings(
        country=country,
        prices_include_tax=form.flag("prices_include_tax"),
        phone_required=phone,
        payment_methods=enabled,
        bank_instructions=bank,
        cod_instructions=cod,
        floating_cart_button=form.flag("floating_cart_button"),
    )


def read_delivery(values: Mapping[str, str], days: list[str], timezone: str) -> DeliveryRules:
    """The store's delivery rule: cut-off, handling days, working days (``days``: the ticked
    boxes' values) and holidays."""
    form = FormReader(values)
    cutoff = form.read("dispatch_cutoff", parse_clock_time, DeliveryRules.cutoff)
    handling_days = form.read("handling_days", _handling_days, 0)
    working_days = frozenset(DAY_NAMES.index(day) for day in days if day in DAY_NAMES)
    if not working_days or not set(days) <= set(DAY_NAMES):
        form.fail("working_days", "Tick the days orders leave: at least one.")
    holidays = form.read("holidays", parse_holidays, frozenset())
    form.done()
    return DeliveryRules(timezone, cutoff, handling_days, working_days, holidays)


def _instructions(required: bool, text: str) -> str:
    # Kept when the method is off, so turning it back on does not lose what was written.
    cleaned = text.strip().replace("\r\n", "\n")
    if required and not cleaned:
        raise ValueError("Tell shoppers how to pay with this method: it is turned on.")
    if len(cleaned) > MAX_INSTRUCTIONS:
        raise ValueError(f"Keep instructions under {MAX_INSTRUCTIONS} characters.")
    return cleaned


def read_discount(values: Mapping[str, str], store: Store) -> DiscountInput:
    form = FormReader(values)
    code = form.read("code", parse_discount_code, "")
    kind = values.get("kind", "")
    value = 0
    if kind == "percent":
        value = form.read("value", _percent_off, 0)
    elif kind == "fixed":
        value = form.read("value", partial(positive_money, store.currency), 0)
    elif kind != "free_shipping":
        form.fail("kind", "Choose what the code gives.")
    min_subtotal = form.optional(
        "min_subtotal", partial(parse_major_units, currency=store.currency)
    )
    local_time = partial(parse_local_datetime, timezone=store.timezone)
    starts_at = form.optional("starts_at", local_time)
    expires_at = form.optional("expires_at", local_time)
    if starts_at is not None and expires_at is not None and expires_at <= starts_at:
        form.fail("expires_at", "Make the code expire after it starts.")
    usage_limit = form.optional("usage_limit", _usage_limit)
    form.done()
    return DiscountInput(
        code=code,
        kind=kind,
        value=value,
        min_subtotal=min_subtotal or 0,
        starts_at=starts_at,
        expires_at=expires_at,
        usage_limit=usage_limit,
        once_per_email=form.flag("once_per_email"),
        active=form.flag("active"),
    )


def read_zone(values: Mapping[str, str]) -> ZoneInput:
    form = FormReader(values)
    name = form.read("name", partial(_name, 100), "")
    countries = form.read("countries", parse_countries, ())
    form.done()
    return ZoneInput(name, countries)


def read_method(values: Mapping[str, str], currency: str) -> MethodInput:
    form = FormReader(values)
    name = form.read("name", partial(_name, 100), "")
    kind = values.get("kind", "")
    money = partial(parse_major_units, currency=currency)
    rate, tiers = 0, ()
    if kind == "flat":
        rate = form.read("rate", money, 0)
    elif kind in SHIPPING_KINDS:
        tiers = form.read("tiers", lambda text: parse_tiers(text, kind, currency), ())
        rate = tiers[0][1] if tiers else 0  # what the first tier charges, from 0 up
    else:
        form.fail("kind", "Choose how the price is worked out.")
    free_over = form.optional("free_over", money)
    min_days = form.read("min_days", _transit_days, 0)
    max_days = form.read("max_days", _transit_days, 0)
    if "min_days" not in form.errors and "max_days" not in form.errors and max_days < min_days:
        form.fail("max_days", "Make the longest transit time at least the shortest.")
    form.done()
    return MethodInput(name, kind, rate, tiers, free_over, min_days, max_days)


def read_tax_rate(values: Mapping[str, str]) -> TaxRateInput:
    form = FormReader(values)
    country = COUNTRIES.get(values.get("country", ""))
    if country is None:
        form.fail("country", "Choose a country.")
    region = form.read("region", lambda text: _region(country, text), "")
    rate = form.read("rate", parse_basis_points, 0)
    name = form.read("name", partial(_name, 40), "")
    form.done()
    assert country is not None
    return TaxRateInput(country.code, region, rate, name)


def _region(country: Country | None, text: str) -> str:
    """The region exactly as checkout keeps it on an address, so that the rate matches."""
    cleaned = text.strip()
    if not cleaned or country is None:
        return cleaned
    if country.region is None:
        raise ValueError(f"Addresses in {country.name} have no region: leave this empty.")
    if country.region.options:
        codes = [code for code, _ in country.region.options]
        if cleaned.upper() not in codes:
            raise ValueError(f"Use a {country.region.label.lower()} code, like {codes[0]}.")
        return cleaned.upper()
    if len(cleaned) > 100:
        raise ValueError("Keep the region under 100 characters.")
    return cleaned


def _name(limit: int, text: str) -> str:
    cleaned = " ".join(text.split())
    if not 1 <= len(cleaned) <= limit:
        raise ValueError(f"Enter a name of 1 to {limit} characters.")
    return cleaned
