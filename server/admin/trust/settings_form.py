"""The Trust page's form: a store's trust settings as form text, and that text read back
(every bad field at once, by ``server.trust.model.validate_trust_settings``)."""

from __future__ import annotations

from server.trust.model import PLACEMENTS, TrustSettings, validate_trust_settings

# Whole numbers and text, in the order the page shows them.
TEXT_FIELDS = (
    "returns_days",
    "returns_policy",
    "support_hours",
    "proof_min_buyers",
    "proof_hours",
    "proof_low_stock",
    "badges_holdout",
    "proof_holdout",
)
FLAGS = ("money_back", "social_proof")


def placement_field(placement: str) -> str:
    """The checkbox group of a placement's badge kinds."""
    return f"placement_{placement}"


PLACEMENT_FIELDS = tuple(placement_field(placement) for placement in PLACEMENTS)


def settings_values(settings: TrustSettings) -> dict[str, str]:
    """The form as a GET shows it: flags "true"/"false", checkbox groups space-separated."""
    values = {name: str(getattr(settings, name)) for name in TEXT_FIELDS}
    values |= {name: "true" if getattr(settings, name) else "false" for name in FLAGS}
    return values | {
        placement_field(p): " ".join(settings.placements.get(p, ())) for p in PLACEMENTS
    }


def read_settings(values: dict[str, str], previous: TrustSettings) -> TrustSettings:
    """The posted form as settings, or TrustSettingsInvalid naming every bad field. The
    measurement's start (``*_since``) is the previous one's: the write decides a restart."""
    placements = {p: values.get(placement_field(p), "").split() for p in PLACEMENTS}
    return validate_trust_settings(values, placements, previous)
