"""The campaign form: what a merchant submits, read into a `model.Campaign` (the way back,
a campaign as form text, is `campaign_prefill`).

Pure functions of the submitted text, the store's currency and time zone, and which of the
form's gift SKUs are active products of the store. Every field is checked and all errors are
reported together as ``FormInvalid`` (field name → message). The form is flat: campaign
fields by name, and each variant's fields prefixed with its key (``variant_B_headline``).
Checkbox groups arrive as space-separated values (``devices = "desktop phone"``), see
``form_values``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeAlias

from starlette.datastructures import ImmutableMultiDict

from server.forms import (
    FormInvalid,
    FormReader,
    parse_line,
    parse_local_datetime,
    parse_text,
    positive_money,
    whole,
)
from server.money import parse_major_units
from server.offers.model import (
    OFFER_KINDS,
    PHONE_SIGNALS,
    STATUSES,
    TRIGGER_KINDS,
    Campaign,
    Device,
    Frequency,
    Offer,
    PhoneSignal,
    Targeting,
    Trigger,
    TriggerKind,
    Variant,
)
from server.urls import normalize_image_url

__all__ = [
    "FormInvalid", "StoreTerms", "form_values", "read_campaign", "read_targeting", "read_trigger",
    "read_variant",
]  # fmt: skip

# What may trigger a campaign: the page triggers, or only a survey answer (the campaign is
# then a remedy, server/surveys/remedies.py, and never shows on a trigger of its own).
CAMPAIGN_TRIGGER_KINDS: tuple[TriggerKind, ...] = (*TRIGGER_KINDS, "survey_answer")
VARIANT_KEYS = ("A", "B", "C")  # the form shows a fixed set of fieldsets; A is always on
CAMPAIGN_FIELDS = (
    "name", "status", "starts_at", "ends_at", "trigger_kind", "min_seconds", "sensitivity_px",
    "return_delay_ms", "inactivity_seconds", "seconds", "percent", "idle_minutes", "cart",
    "subtotal_min", "subtotal_max", "include_urls", "exclude_urls", "visitor", "min_visits",
    "max_visits", "utm_sources", "frequency_mode", "frequency_days", "max_impressions",
    "holdout_percent",
)  # fmt: skip
LIST_FIELDS = ("phone_signals", "devices")
VARIANT_FIELDS = (
    "weight", "headline", "body", "button_text", "image_url", "brand_colour", "offer_kind",
    "offer_value", "gift_sku", "min_subtotal", "expires_minutes", "consent_text",
)  # fmt: skip
VARIANT_FLAGS = ("include", "email_cart")
CART_STATES = ("any", "empty", "not_empty")
DEVICES: tuple[Device, ...] = ("desktop", "phone")
VISITORS = ("any", "new", "returning")
FREQUENCY_MODES = ("once_per_session", "every_n_days", "until_converted")
MAX_PATTERNS = 20
MAX_UTM_SOURCES = 20
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_UTM = re.compile(r"[A-Za-z0-9._-]{1,50}")


# A posted form or a preview's query string: Starlette gives both as this multi-dict.
FormData: TypeAlias = ImmutableMultiDict[str, Any]


def variant_field(key: str, name: str) -> str:
    return f"variant_{key}_{name}"


def form_values(form: FormData) -> dict[str, str]:
    """A posted form (or preview query) as flat text: checkboxes "true"/"false", checkbox
    groups space-separated. Anything not on the form is ignored."""
    values = {name: str(form.get(name, "")) for name in CAMPAIGN_FIELDS}
    values |= {name: " ".join(str(v) for v in form.getlist(name)) for name in LIST_FIELDS}
    for key in VARIANT_KEYS:
        for name in VARIANT_FIELDS:
            values[variant_field(key, name)] = str(form.get(variant_field(key, name), ""))
        for name in VARIANT_FLAGS:
            values[variant_field(key, name)] = (
                "true" if form.get(variant_field(key, name)) else "false"
            )
    values[variant_field("A", "include")] = "true"
    return values


@dataclass(frozen=True)
class StoreTerms:
    """What the form is read against: the store's money and clock, and its giftable SKUs."""

    currency: str
    timezone: str
    gifts: Mapping[str, str]  # the form's gift SKUs that are active products → their names


# ---- reading ------------------------------------------------------------------------------


def read_campaign(values: Mapping[str, str], terms: StoreTerms) -> Campaign:
    """The submitted form as a Campaign (no id or store yet), or FormInvalid with every error."""
    form = FormReader(values)
    campaign = _read(form, values, terms)
    form.done()
    return campaign


def _read(form: FormReader, values: Mapping[str, str], terms: StoreTerms) -> Campaign:
    name = form.read("name", partial(parse_line, "a name", 1, 100), "")
    status = values.get("status", "")
    if status not in STATUSES:
        form.fail("status", "Choose a status: draft, live, paused or ended.")
        status = "draft"
    local_time = partial(parse_local_datetime, timezone=terms.timezone)
    starts_at = form.optional("starts_at", local_time)
    ends_at = form.optional("ends_at", local_time)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        form.fail("ends_at", "Make the campaign end after it starts.")
    variants = tuple(
        read_variant(form, values, key, terms)
        for key in VARIANT_KEYS
        if values.get(variant_field(key, "include")) == "true"
    )
    if not variants:
        form.fail(variant_field("A", "headline"), "Give the campaign at least one variant.")
    return Campaign(
        name=name,
        status=status,
        starts_at=starts_at,
        ends_at=ends_at,
        trigger=read_trigger(form, values),
        targeting=read_targeting(form, values, terms.currency),
        frequency=_read_frequency(form, values),
        variants=variants,
        holdout_percent=form.read("holdout_percent", _whole(0, 90, "the holdout, in percent"), 10),
    )


def read_trigger(
    form: FormReader, values: Mapping[str, str], moments: Collection[str] | None = None
) -> Trigger:
    """The trigger's settings. A campaign has one kind (``trigger_kind``, which must be
    chosen); a survey passes its ``moments``, any of which may use them. A setting no chosen
    kind or moment uses is kept when valid, never an error."""
    default = Trigger()
    kinds: dict[str, TriggerKind] = {k: k for k in CAMPAIGN_TRIGGER_KINDS}
    kind: TriggerKind | None
    if moments is None:
        kind = kinds.get(values.get("trigger_kind", ""))
        if kind is None:
            form.fail("trigger_kind", "Choose what triggers the offer.")
            kind = default.kind
        used: set[str] = {kind}
    else:
        used = set(moments)
        kind = next((kinds[k] for k in TRIGGER_KINDS if k in used), None) or default.kind
    exit_intent = "exit_intent" in used

    def number(name: str, low: int, high: int, what: str, applies: bool) -> int:
        parse = _whole(low, high, what)
        if applies:
            return form.read(name, parse, getattr(default, name))
        try:
            return parse(values.get(name, ""))
        except ValueError:
            return getattr(default, name)

    chosen = values.get("phone_signals", "").split()
    signals: tuple[PhoneSignal, ...] = tuple(s for s in PHONE_SIGNALS if s in chosen)
    unknown = set(chosen) - set(PHONE_SIGNALS)
    if unknown:
        form.fail("phone_signals", "Choose phone signals from the list.")
    devices = values.get("devices", "").split()
    if exit_intent and "phone" in devices and not signals:
        form.fail("phone_signals", "Choose at least one phone signal, or target desktop only.")
    return Trigger(
        kind=kind,
        min_seconds=number("min_seconds", 0, 600, "seconds on the page", exit_intent),
        sensitivity_px=number("sensitivity_px", 1, 200, "pixels", exit_intent),
        return_delay_ms=number("return_delay_ms", 0, 5000, "milliseconds", exit_intent),
        phone_signals=signals,
        inactivity_seconds=number(
            "inactivity_seconds", 5, 600, "seconds", exit_intent and "inactivity" in signals
        ),
        seconds=number("seconds", 1, 3600, "seconds", "time_on_page" in used),
        percent=number("percent", 1, 100, "percent of the page", "scroll_depth" in used),
        idle_minutes=number("idle_minutes", 1, 240, "minutes", "cart_idle" in used),
    )


def read_targeting(form: FormReader, values: Mapping[str, str], currency: str) -> Targeting:
    """Who may see it: the cart, devices, visitors, pages, visits and UTM sources."""
    cart = values.get("cart", "")
    if cart not in CART_STATES:
        form.fail("cart", "Choose which carts the campaign is for.")
        cart = "any"
    money = partial(parse_major_units, currency=currency)
    subtotal_min = form.optional("subtotal_min", money)
    subtotal_max = form.optional("subtotal_max", money)
    if subtotal_min is not None and subtotal_max is not None and subtotal_max < subtotal_min:
        form.fail("subtotal_max", "Make the highest subtotal at least the lowest.")
    devices: tuple[Device, ...] = tuple(
        d for d in DEVICES if d in values.get("devices", "").split()
    )
    if not devices or set(values.get("devices", "").split()) - set(DEVICES):
        form.fail("devices", "Choose at least one device type.")
    visitor = values.get("visitor", "")
    if visitor not in VISITORS:
        form.fail("visitor", "Choose which visitors the campaign is for.")
        visitor = "any"
    visits = _whole(1, 1000, "visits")
    min_visits = form.optional("min_visits", visits)
    max_visits = form.optional("max_visits", visits)
    if min_visits is not None and max_visits is not None and max_visits < min_visits:
        form.fail("max_visits", "Make the most visits at least the fewest.")
    return Targeting(
        cart=cart,
        subtotal_min=subtotal_min,
        subtotal_max=subtotal_max,
        include_urls=form.read("include_urls", parse_url_patterns, ()),
        exclude_urls=form.read("exclude_urls", parse_url_patterns, ()),
        devices=devices or DEVICES,
        visitor=visitor,
        min_visits=min_visits,
        max_visits=max_visits,
        utm_sources=form.read("utm_sources", parse_utm_sources, ()),
    )


def _read_frequency(form: FormReader, values: Mapping[str, str]) -> Frequency:
    mode = values.get("frequency_mode", "")
    if mode not in FREQUENCY_MODES:
        form.fail("frequency_mode", "Choose how often a visitor may see the campaign.")
        mode = "once_per_session"
    days = Frequency().days
    if mode == "every_n_days":
        days = form.read("frequency_days", _whole(1, 365, "days"), days)
    return Frequency(
        mode=mode,
        days=days,
        max_impressions=form.optional("max_impressions", _whole(1, 100, "impressions")),
    )


def read_variant(
    form: FormReader, values: Mapping[str, str], key: str, terms: StoreTerms
) -> Variant:
    """One variant's fieldset; errors go to ``form`` (the preview reads it leniently)."""

    def field(name: str) -> str:
        return variant_field(key, name)

    def read(name: str, parse: Callable[[str], Any], default: Any) -> Any:
        return form.read(field(name), parse, default)

    return Variant(
        key=key,
        weight=read("weight", _whole(1, 100, "the weight"), 50),
        headline=read("headline", partial(parse_line, "a headline", 1, 120), ""),
        body=read("body", partial(parse_text, "body text", 0, 500), ""),
        button_text=read("button_text", partial(parse_line, "button text", 1, 40), ""),
        image_url=read("image_url", normalize_image_url, ""),
        brand_colour=read("brand_colour", parse_colour, Variant.brand_colour),
        offer=_read_offer(form, values, key, terms),
    )


def _read_offer(form: FormReader, values: Mapping[str, str], key: str, terms: StoreTerms) -> Offer:
    def field(name: str) -> str:
        return variant_field(key, name)

    kind = values.get(field("offer_kind"), "")
    if kind not in OFFER_KINDS:
        form.fail(field("offer_kind"), "Choose what the offer gives.")
        kind = "none"
    value, gift_sku = 0, ""
    if kind == "percent":
        value = form.read(field("offer_value"), _whole(1, 100, "the percentage off"), 0)
    elif kind == "fixed":
        value = form.read(field("offer_value"), partial(positive_money, terms.currency), 0)
    elif kind == "free_gift":
        gift_sku = form.read(field("gift_sku"), partial(_gift, terms.gifts), "")
    email_cart = values.get(field("email_cart")) == "true"
    consent_text = Offer().consent_text
    if email_cart and kind != "none":
        form.fail(field("email_cart"), "Offer “email me my cart” only with no incentive.")
    elif email_cart:
        consent_text = form.read(
            field("consent_text"), partial(parse_text, "the consent wording", 10, 500), ""
        )
    min_subtotal, expires_minutes = 0, Offer().expires_minutes
    if kind != "none":  # only a coupon has a minimum and a life
        money = partial(parse_major_units, currency=terms.currency)
        min_subtotal = form.optional(field("min_subtotal"), money) or 0
        expires_minutes = form.read(
            field("expires_minutes"), _whole(5, 1440, "minutes"), expires_minutes
        )
    return Offer(
        kind=kind,
        value=value,
        gift_sku=gift_sku,
        min_subtotal=min_subtotal,
        expires_minutes=expires_minutes,
        email_cart=email_cart,
        consent_text=consent_text,
    )


# ---- single fields ------------------------------------------------------------------------


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    return whole(low, high, f"Enter {what}: a whole number from {low} to {high}.")


def _gift(gifts: Mapping[str, str], text: str) -> str:
    sku = text.strip()
    if sku not in gifts:
        raise ValueError("Choose an active product of this store as the gift.")
    return sku


def parse_colour(text: str) -> str:
    cleaned = text.strip()
    if not _COLOUR.fullmatch(cleaned):
        raise ValueError("Enter a colour like #1f6f5c.")
    return cleaned.lower()


def parse_url_patterns(text: str) -> tuple[str, ...]:
    """One pattern a line; ``*`` matches anything, and a pattern matches the whole address."""
    patterns = tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))
    if len(patterns) > MAX_PATTERNS:
        raise ValueError(f"Use at most {MAX_PATTERNS} patterns.")
    for pattern in patterns:
        if " " in pattern or len(pattern) > 300:
            raise ValueError(f"“{pattern[:60]}” is not a page address pattern.")
        if not pattern.startswith(("*", "http://", "https://")):
            raise ValueError(
                f"“{pattern[:60]}”: a pattern matches the whole address, so start it with *"
                " or https://, like */products/*."
            )
    return patterns


def parse_utm_sources(text: str) -> tuple[str, ...]:
    """``"newsletter, Google"`` → ``("newsletter", "google")``: compared ignoring case."""
    sources = tuple(dict.fromkeys(s.lower() for s in text.replace(",", " ").split()))
    if len(sources) > MAX_UTM_SOURCES:
        raise ValueError(f"List at most {MAX_UTM_SOURCES} sources.")
    bad = [s for s in sources if not _UTM.fullmatch(s)]
    if bad:
        raise ValueError(
            f"“{bad[0][:50]}” is not a UTM source: use letters, digits, dots, dashes and"
            " underscores, separated by commas."
        )
    return sources
