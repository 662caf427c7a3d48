"""A campaign as its form shows it (the inverse of `campaign_form.read_campaign`), and the
variant an unsaved form describes, for the live preview."""

from __future__ import annotations

from collections.abc import Mapping

from server.admin.campaigns.campaign_form import (
    VARIANT_KEYS,
    StoreTerms,
    read_variant,
    variant_field,
)
from server.forms import FormReader, format_local_input
from server.money import format_major_units
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant

DEFAULT_VARIANT = Variant(
    key="A",
    weight=50,
    headline="Before you go",
    body="Here is something to make up your mind.",
    button_text="Claim my offer",
)
NEW_CAMPAIGN = Campaign(
    name="",
    trigger=Trigger(),
    # Carts with items: an offer's promise ("your order ships free") means nothing to an empty
    # cart. (The model's own default stays "any", what campaigns saved before meant.)
    targeting=Targeting(cart="not_empty"),
    frequency=Frequency(),
    variants=(DEFAULT_VARIANT,),
)
TRIGGER_NUMBERS = (
    "min_seconds", "sensitivity_px", "return_delay_ms", "inactivity_seconds", "seconds",
    "percent", "idle_minutes",
)  # fmt: skip


def campaign_values(campaign: Campaign, currency: str, timezone: str) -> dict[str, str]:
    """Every field of the form, as text, for this campaign."""

    def when(ms: int | None) -> str:
        return "" if ms is None else format_local_input(ms, timezone)

    frequency = campaign.frequency
    values = {
        "name": campaign.name,
        "status": campaign.status,
        "starts_at": when(campaign.starts_at),
        "ends_at": when(campaign.ends_at),
        "trigger_kind": campaign.trigger.kind,
        **trigger_values(campaign.trigger),
        **targeting_values(campaign.targeting, currency),
        "frequency_mode": frequency.mode,
        "frequency_days": str(frequency.days),
        "max_impressions": _number(frequency.max_impressions),
        "holdout_percent": str(campaign.holdout_percent),
    }
    variants = {v.key: v for v in campaign.variants}
    for key in VARIANT_KEYS:
        variant = variants.get(key)
        values |= _variant_values(variant or _second_variant(key), currency)
        values[variant_field(key, "include")] = "true" if variant or key == "A" else "false"
    return values


def trigger_values(trigger: Trigger) -> dict[str, str]:
    """The trigger's settings as the shared fieldset (``_targeting.html``) shows them; its
    kind is the form's own (a campaign's trigger, a survey's moments)."""
    return {
        "phone_signals": " ".join(trigger.phone_signals),
        **{name: str(getattr(trigger, name)) for name in TRIGGER_NUMBERS},
    }


def targeting_values(targeting: Targeting, currency: str) -> dict[str, str]:
    """Who may see it, as the shared fieldset (``_targeting.html``) shows it."""

    def money(amount: int | None) -> str:
        return "" if amount is None else format_major_units(amount, currency)

    return {
        "cart": targeting.cart,
        "subtotal_min": money(targeting.subtotal_min),
        "subtotal_max": money(targeting.subtotal_max),
        "include_urls": "\n".join(targeting.include_urls),
        "exclude_urls": "\n".join(targeting.exclude_urls),
        "devices": " ".join(targeting.devices),
        "visitor": targeting.visitor,
        "min_visits": _number(targeting.min_visits),
        "max_visits": _number(targeting.max_visits),
        "utm_sources": ", ".join(targeting.utm_sources),
    }


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _second_variant(key: str) -> Variant:
    """What an unused fieldset starts with: a reasonable B to test against A."""
    return Variant(
        key=key,
        weight=50,
        headline="Free shipping on this order",
        body="",
        button_text="Claim free shipping",
        offer=Offer(kind="free_shipping", value=0),
    )


def _variant_values(variant: Variant, currency: str) -> dict[str, str]:
    offer = variant.offer
    value = {
        "percent": str(offer.value),
        "fixed": format_major_units(offer.value, currency),
    }.get(offer.kind, "")
    fields = {
        "weight": str(variant.weight),
        "headline": variant.headline,
        "body": variant.body,
        "button_text": variant.button_text,
        "image_url": variant.image_url,
        "brand_colour": variant.brand_colour,
        "offer_kind": offer.kind,
        "offer_value": value,
        "gift_sku": offer.gift_sku,
        "min_subtotal": format_major_units(offer.min_subtotal, currency)
        if offer.min_subtotal
        else "",
        "expires_minutes": str(offer.expires_minutes),
        "email_cart": "true" if offer.email_cart else "false",
        "consent_text": offer.consent_text,
    }
    return {variant_field(variant.key, name): text for name, text in fields.items()}


def preview_variant(values: Mapping[str, str], key: str, terms: StoreTerms) -> Variant:
    """The variant the unsaved form describes; a field that does not parse yet shows its
    default, so the preview follows the merchant's typing without ever failing."""
    return read_variant(FormReader(values), values, key, terms)
