"""A store's trust settings: which badges each placement shows, what the merchant writes for
the badges Keepcart cannot know by itself (returns, support hours), social proof's thresholds,
and the holdout shares. A store that never saved them has ``DEFAULT_SETTINGS``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from server.errors import ValidationFailed

# Badge kinds, in the order the admin lists them.
KINDS = ("secure", "payments", "free_shipping", "delivery", "returns", "support")
KIND_LABELS = {
    "secure": "Secure checkout",
    "payments": "Payment methods",
    "free_shipping": "Free shipping",
    "delivery": "Delivery promise",
    "returns": "Returns and money-back guarantee",
    "support": "Customer support",
}
# Where badges show: inline mounts in the merchant's markup (data-keepcart-badges="…"), the
# cart drawer, and beside the pay button.
PLACEMENTS = ("product", "footer", "drawer", "checkout")
PLACEMENT_LABELS = {
    "product": "Product pages",
    "footer": "Footer",
    "drawer": "Cart drawer",
    "checkout": "Checkout, beside the pay button",
}
DEFAULT_PLACEMENTS: Mapping[str, tuple[str, ...]] = {
    "product": ("delivery", "free_shipping", "returns", "payments"),
    "footer": ("secure", "payments", "returns", "support"),
    "drawer": ("delivery", "returns"),
    "checkout": ("secure", "returns"),
}
ELEMENTS = ("badges", "proof")  # what a holdout can be kept from
MAX_POLICY = 2000
MAX_HOURS_TEXT = 120
MAX_HOLDOUT = 50


@dataclass(frozen=True)
class TrustSettings:
    placements: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_PLACEMENTS)
    returns_days: int = 0  # 0: no returns badge
    money_back: bool = False
    returns_policy: str = ""
    support_hours: str = ""  # e.g. "Mon–Fri 9:00–17:00"; with a contact, the support badge
    badges_holdout: int = 0  # percent of visitors who see no badges
    social_proof: bool = False  # off by default, switched on per store
    proof_min_buyers: int = 5  # below this many recent orders nothing is said
    proof_hours: int = 48
    proof_low_stock: int = 5  # "Only n left" at n or fewer (0: never)
    proof_holdout: int = 0
    badges_since: int = 0  # when the badges' holdout share last changed (ms)
    proof_since: int = 0
    placements_since: int = 0  # when the placements last changed (ms): results may mix both

    def holdout_of(self, element: str) -> int:
        return self.badges_holdout if element == "badges" else self.proof_holdout

    def since(self, element: str) -> int:
        return self.badges_since if element == "badges" else self.proof_since


DEFAULT_SETTINGS = TrustSettings()


class TrustSettingsInvalid(ValidationFailed):
    """Every bad field at once (``errors``: field → message), for the admin form."""

    def __init__(self, errors: dict[str, str]):
        field_name, message = next(iter(errors.items()))
        super().__init__(message, field=field_name)
        self.errors = errors


def validate_trust_settings(
    form: Mapping[str, Any], placements: Mapping[str, list[str]], previous: TrustSettings
) -> TrustSettings:
    """The settings from a form's text values (``placements``: placement → chosen kinds),
    or TrustSettingsInvalid naming every bad field. A changed holdout share restarts that
    element's measurement, and changed placements are noted (``*_since`` are then the
    caller's to set to now)."""
    errors: dict[str, str] = {}

    def check(name: str, rule: Callable[[Any], Any], default: Any) -> Any:
        try:
            return rule(form.get(name, ""))
        except ValidationFailed as exc:
            errors.setdefault(name, exc.message)
            return default

    settings = TrustSettings(
        placements=check_placements(placements),
        returns_days=check("returns_days", _whole("returns_days", 0, 365, "Return days"), 0),
        money_back=_ticked(form.get("money_back")),
        returns_policy=check("returns_policy", _text("returns_policy", MAX_POLICY), ""),
        support_hours=check("support_hours", _text("support_hours", MAX_HOURS_TEXT), ""),
        badges_holdout=check(
            "badges_holdout", _whole("badges_holdout", 0, MAX_HOLDOUT, "The holdout"), 0
        ),
        social_proof=_ticked(form.get("social_proof")),
        proof_min_buyers=check(
            "proof_min_buyers", _whole("proof_min_buyers", 2, 1000, "The minimum"), 5
        ),
        proof_hours=check("proof_hours", _whole("proof_hours", 1, 720, "The window"), 48),
        proof_low_stock=check("proof_low_stock", _whole("proof_low_stock", 0, 100, "Low stock"), 5),
        proof_holdout=check(
            "proof_holdout", _whole("proof_holdout", 0, MAX_HOLDOUT, "The holdout"), 0
        ),
        badges_since=previous.badges_since,
        proof_since=previous.proof_since,
        placements_since=previous.placements_since,
    )
    if settings.returns_days and not settings.returns_policy:
        errors.setdefault(
            "returns_policy", "Write the return policy shoppers will read with the badge."
        )
    if errors:
        raise TrustSettingsInvalid(errors)
    return settings


def check_placements(chosen: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Known kinds only, each once, in the admin's order; unknown placements dropped."""
    return {
        placement: tuple(kind for kind in KINDS if kind in set(chosen.get(placement, [])))
        for placement in PLACEMENTS
    }


def _ticked(value: Any) -> bool:
    return value in ("on", "1", "true", True)


def _whole(name: str, low: int, high: int, what: str) -> Callable[[Any], int]:
    def rule(value: Any) -> int:
        text = str(value).strip() or "0"
        # ASCII digits only, and few: "²" is a digit to isdigit() and not to int().
        if not re.fullmatch(r"[0-9]{1,4}", text) or not low <= int(text) <= high:
            raise ValidationFailed(
                f"{what} must be a whole number from {low} to {high}.", field=name
            )
        return int(text)

    return rule


def _text(name: str, limit: int) -> Callable[[Any], str]:
    def rule(value: Any) -> str:
        text = str(value).strip().replace("\r\n", "\n")
        if len(text) > limit:
            raise ValidationFailed(f"Keep this to {limit} characters.", field=name)
        return text

    return rule
