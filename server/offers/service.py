"""Rules for offers at runtime: who sees which arm, what a claim may do, and what the widget
is told. Pure functions; the clock and the database's answers are passed in."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any

from server.emails import normalize_email
from server.errors import BadRequest, Conflict, NotFound, Unprocessable, ValidationFailed
from server.events.visitors import parse_visitor
from server.money import format_amount
from server.offers.bucketing import HOLDOUT, Arm, assign
from server.offers.model import Campaign, Offer, Variant
from server.security import InvalidToken, Purpose, Signer

# "debug": the debug command fired the offer (?keepcart_debug=exit). The widget sends no
# exposure in debug mode; one that comes anyway is answered and not recorded.
DEBUG_SIGNAL = "debug"
# "survey": a survey answer's remedy recorded the exposure (server.surveys.remedies), inside
# the answer's write; campaign results label it "After a survey answer". Never sent by the
# widget, so not in SIGNALS.
SURVEY_SIGNAL = "survey"
SIGNALS = (
    "exit_top", "scroll_up", "back_button", "tab_return", "inactivity", "time_on_page",
    "scroll_depth", "cart_idle", DEBUG_SIGNAL,
)  # fmt: skip
# Unambiguous when read aloud or typed from a screenshot: no 0/O, 1/I/L.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_REGEX_SPECIAL = frozenset("\\^$.|?*+()[]{}/")
MINUTE_MS = 60_000


@dataclass(frozen=True)
class ClaimRequest:
    visitor: str
    session: str
    cart_token: str | None
    email: str | None  # only when the shopper asked for their cart by email, with consent


@dataclass(frozen=True)
class CouponClaim:
    """What a signed coupon token proves: this store issued this coupon to this visitor."""

    store_id: int
    coupon_id: int
    visitor: str


def coupon_token(signer: Signer, claim: CouponClaim) -> str:
    return signer.sign(Purpose.COUPON, [claim.store_id, claim.coupon_id, claim.visitor])


def read_coupon_token(signer: Signer, token: object) -> CouponClaim:
    """The claim a coupon token proves; forged, tampered or malformed → 400 coupon_invalid."""
    try:
        store_id, coupon_id, visitor = signer.unsign(Purpose.COUPON, str(token))
        if type(store_id) is not int or type(coupon_id) is not int:
            raise ValueError
        return CouponClaim(store_id, coupon_id, parse_visitor(visitor))
    except (InvalidToken, ValidationFailed, ValueError, TypeError):
        raise BadRequest(
            "That coupon isn't valid.", field="coupon", code="coupon_invalid"
        ) from None


def parse_session(raw: object) -> str:
    if raw is None or raw == "":
        return ""
    return parse_visitor(raw, field="session")


def parse_signal(raw: object) -> str:
    if raw not in SIGNALS:
        raise ValidationFailed(f"signal must be one of: {', '.join(SIGNALS)}.", field="signal")
    return str(raw)


def parse_claim(body: Any, offer: Offer) -> ClaimRequest:
    """Validate a claim body for ``offer``. An email is kept only for an "email me my cart"
    offer, and only with the shopper's explicit consent (422 on ``consent`` otherwise)."""
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    visitor = parse_visitor(body.get("visitor"))
    session = parse_session(body.get("session"))
    cart = body.get("cart")
    if cart is not None and (not isinstance(cart, str) or not cart):
        raise ValidationFailed("cart must be a cart token or null.", field="cart")
    email = None
    if offer.kind == "none" and offer.email_cart and body.get("email") not in (None, ""):
        email = normalize_email(body.get("email"))
        if body.get("consent") is not True:
            raise Unprocessable(
                "Tick the box to agree before we email you your cart.", field="consent",
                code="consent_required",
            )  # fmt: skip
    return ClaimRequest(visitor, session, cart, email)


def parse_arm(campaign: Campaign, raw: str) -> str:
    """An arm the campaign has, named in debug mode: a variant key or ``holdout``."""
    if raw != HOLDOUT and variant_of(campaign, raw) is None:
        keys = ", ".join([*(v.key for v in campaign.variants), HOLDOUT])
        raise NotFound(f"This offer has no arm {raw[:20]!r}: use {keys}.", field="arm",
                       code="arm_not_found")  # fmt: skip
    return raw


def arm_for(campaign: Campaign, visitor: str) -> str:
    """The visitor's arm: a variant key, or ``"holdout"``. Deterministic per visitor."""
    assert campaign.id is not None
    arms = [Arm(v.key, v.weight) for v in campaign.variants]
    return assign(campaign.id, visitor, arms, campaign.holdout_percent)


def variant_of(campaign: Campaign, arm: str) -> Variant | None:
    return next((v for v in campaign.variants if v.key == arm), None)


def check_claimable(arm: str, variant: Variant | None, exposed: bool) -> Variant:
    """The variant a claim gets, or why it gets nothing."""
    if arm == HOLDOUT or variant is None:
        raise Conflict("This offer isn't available to you.", code="not_offered")
    if not exposed:
        raise Conflict("This offer hasn't been shown to you.", code="not_exposed")
    return variant


def check_remedy_earned(given: bool) -> None:
    """A remedy-only campaign is claimed only on the exposure a survey answer's remedy wrote
    (``given``): not on one recorded any other way, as the exposures endpoint recorded them
    before it refused such campaigns for anyone who read the campaign's id in a remedy reply."""
    if not given:
        raise Conflict(
            "This offer comes only as the answer to a survey, and no answer of yours earned it.",
            code="remedy_not_earned",
        )


def offer_label(offer: Offer, currency: str, gift_name: str = "") -> str:
    """A short, honest label: "10% off", "€5.00 off", "Free shipping", "Free gift: Mug"."""
    if offer.kind == "percent":
        return f"{offer.value}% off"
    if offer.kind == "fixed":
        return f"{format_amount(offer.value, currency)} off"
    if offer.kind == "free_shipping":
        return "Free shipping"
    if offer.kind == "free_gift":
        return f"Free gift: {gift_name}" if gift_name else "Free gift"
    return ""


def coupon_in_cart(
    code: str, min_subtotal: int, cart_view: dict[str, Any], currency: str
) -> dict[str, Any]:
    """Whether a claimed coupon takes effect on its cart now (as the cart view prices it) and,
    when not, until when: claimed on an empty cart, or below its minimum, the code waits in
    the cart. The words end the popup's "Code KC-… is saved to your cart: it applies …"."""
    discount = cart_view["discount"] or {}
    if cart_view["item_count"] and discount.get("code") == code:
        return {"applied": True, "applies_when": None}
    when = "as soon as you add something"
    if min_subtotal > 0:
        when = f"once your order reaches {format_amount(min_subtotal, currency)}"
    return {"applied": False, "applies_when": when}


def coupon_expiry(offer: Offer, now_ms: int) -> int:
    return now_ms + offer.expires_minutes * MINUTE_MS


def new_coupon_code() -> str:
    """``KC-XXXX-XXXX``: 40 bits of randomness, so a code can't be guessed from another."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"KC-{chars[:4]}-{chars[4:]}"


def glob_to_regex(patterns: tuple[str, ...]) -> str | None:
    """URL globs (``*`` matches any characters, the rest is literal) as one anchored regex
    source that means the same in Python and in JavaScript's ``new RegExp(src)``."""
    if not patterns:
        return None
    parts = [".*".join(_escape(piece) for piece in p.split("*")) for p in patterns]
    return "^(?:" + "|".join(parts) + ")$"


def _escape(text: str) -> str:
    return "".join("\\" + ch if ch in _REGEX_SPECIAL else ch for ch in text)


def campaign_config(campaign: Campaign) -> dict[str, Any]:
    """What the loader needs to decide whether a campaign can trigger on a page; no copy."""
    return {
        "id": campaign.public_id,
        "trigger": asdict(campaign.trigger),
        "targeting": asdict(campaign.targeting),
        "frequency": asdict(campaign.frequency),
        "holdout_percent": campaign.holdout_percent,
        "pages": {
            "include": glob_to_regex(campaign.targeting.include_urls),
            "exclude": glob_to_regex(campaign.targeting.exclude_urls),
        },
    }


def variant_json(variant: Variant, currency: str, gift_name: str = "") -> dict[str, Any]:
    """A variant as the offers chunk renders it (the arm endpoint and the admin preview)."""
    offer = variant.offer
    return {
        "key": variant.key,
        "headline": variant.headline,
        "body": variant.body,
        "button_text": variant.button_text,
        "image_url": variant.image_url,
        "brand_colour": variant.brand_colour,
        "offer": {
            "kind": offer.kind,
            "value": offer.value,
            "gift_sku": offer.gift_sku,
            "gift_name": gift_name,
            "min_subtotal": offer.min_subtotal,
            "expires_minutes": offer.expires_minutes,
            "email_cart": offer.email_cart,
            "consent_text": offer.consent_text,
            "label": offer_label(offer, currency, gift_name),
        },
    }
