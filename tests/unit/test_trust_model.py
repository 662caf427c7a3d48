"""The trust settings form's rules, and the holdout's stable assignment."""

import pytest

from server.trust.holdout import HOLDOUT, SHOWN, arm_for, bucket, fnv1a_32
from server.trust.model import (
    DEFAULT_SETTINGS,
    TrustSettingsInvalid,
    check_placements,
    validate_trust_settings,
)

GOOD = {
    "returns_days": "30", "returns_policy": "Within 30 days.", "support_hours": "9–17",
    "badges_holdout": "10", "proof_min_buyers": "5", "proof_hours": "48",
    "proof_low_stock": "5", "proof_holdout": "0",
}  # fmt: skip


def test_a_good_form_becomes_settings():
    settings = validate_trust_settings(
        GOOD | {"money_back": "on"}, {"product": ["returns", "secure"]}, DEFAULT_SETTINGS
    )
    assert settings.returns_days == 30 and settings.money_back
    assert settings.badges_holdout == 10 and not settings.social_proof
    assert settings.placements["product"] == ("secure", "returns")  # the admin's order
    assert settings.placements["footer"] == ()


def test_every_bad_field_is_named_at_once():
    bad = GOOD | {
        "returns_days": "400", "badges_holdout": "51", "proof_min_buyers": "1",
        "support_hours": "x" * 121, "proof_hours": "two",
    }  # fmt: skip
    with pytest.raises(TrustSettingsInvalid) as caught:
        validate_trust_settings(bad, {}, DEFAULT_SETTINGS)
    assert set(caught.value.errors) == {
        "returns_days", "badges_holdout", "proof_min_buyers", "support_hours", "proof_hours",
    }  # fmt: skip


def test_returns_days_need_a_policy():
    with pytest.raises(TrustSettingsInvalid) as caught:
        validate_trust_settings(GOOD | {"returns_policy": " "}, {}, DEFAULT_SETTINGS)
    assert set(caught.value.errors) == {"returns_policy"}


def test_unknown_kinds_and_placements_are_dropped():
    assert check_placements({"product": ["secure", "fake", "secure"], "sidebar": ["secure"]}) == {
        "product": ("secure",), "footer": (), "drawer": (), "checkout": (),
    }  # fmt: skip


def test_a_visitors_arm_is_stable_and_the_share_is_kept():
    visitors = [f"v_{n:06d}" for n in range(4000)]
    arms = [arm_for("badges", v, 10) for v in visitors]
    assert arms == [arm_for("badges", v, 10) for v in visitors]
    assert 0.08 < arms.count(HOLDOUT) / len(arms) < 0.12
    assert all(arm_for("badges", v, 0) == SHOWN for v in visitors[:200])
    # Elements are bucketed independently.
    same = sum(bucket("badges", v) == bucket("proof", v) for v in visitors)
    assert same < len(visitors) * 0.05


def test_the_hash_is_32_bit_fnv_1a():
    # The published FNV-1a 32-bit test vectors (the widget's twin is checked against these).
    assert fnv1a_32("") == 0x811C9DC5
    assert fnv1a_32("a") == 0xE40C292C
    assert fnv1a_32("foobar") == 0xBF9CF968
