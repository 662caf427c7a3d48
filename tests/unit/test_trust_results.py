"""The holdout's comparison and its restarts: pure functions of counted totals and settings."""

from __future__ import annotations

import pytest

from server.offers import stats
from server.offers.results import ArmTotals
from server.trust.model import DEFAULT_PLACEMENTS, TrustSettings
from server.trust.results import (
    changed_shares,
    compare_with_holdout,
    placements_changed,
    restart_changed_shares,
)

NOW = 1_780_000_000_000


def test_the_shown_arm_is_compared_with_the_holdout_by_the_campaign_maths():
    shown = ArmTotals.of_visitors("shown", 400, [5000] * 60)
    holdout = ArmTotals.of_visitors("holdout", 100, [5000] * 10)
    results = compare_with_holdout("badges", [holdout, shown], 20, NOW)
    assert (results.shown.arm, results.holdout.arm) == ("shown", "holdout")
    assert results.shown.conversion_rate == 0.15 and results.holdout.conversion_rate == 0.10
    assert results.shown.conversion_lift == stats.difference_of_proportions(60, 400, 10, 100)
    assert results.holdout.conversion_lift is None  # the baseline
    assert results.verdict == stats.verdict("Showing badges", results.shown.conversion_lift)
    assert results.measuring and results.exposed == 500 and results.since == NOW


def test_too_few_visitors_is_not_enough_data_and_an_empty_arm_counts_as_none():
    results = compare_with_holdout("proof", [ArmTotals.of_visitors("shown", 12, [900])], 0, 0)
    assert results.holdout.exposed == 0 and results.holdout.conversion_rate == 0.0
    assert results.shown.conversion_lift is None and results.shown.rpv_lift is None
    assert results.verdict == "Showing social proof: not enough data yet to tell."
    assert not results.measuring


@pytest.mark.parametrize(
    ("new", "restarted"),
    [
        ({}, ()),
        ({"returns_days": 30, "returns_policy": "x", "social_proof": True}, ()),
        ({"badges_holdout": 10}, ("badges",)),
        ({"proof_holdout": 5}, ("proof",)),
        ({"badges_holdout": 10, "proof_holdout": 5}, ("badges", "proof")),
    ],
)
def test_only_a_changed_share_restarts_its_own_measurement(new, restarted):
    old = TrustSettings(badges_since=111, proof_since=222)
    settings = restart_changed_shares(TrustSettings(**new), old, NOW)
    assert changed_shares(TrustSettings(**new), old) == list(restarted)
    assert settings.badges_since == (NOW if "badges" in restarted else 111)
    assert settings.proof_since == (NOW if "proof" in restarted else 222)
    assert settings.badges_holdout == new.get("badges_holdout", 0)


def test_changed_placements_restart_nothing_and_are_noted():
    old = TrustSettings(badges_holdout=10, badges_since=111, placements_since=50)
    fewer = {**DEFAULT_PLACEMENTS, "footer": ("payments",)}
    moved = restart_changed_shares(TrustSettings(badges_holdout=10, placements=fewer), old, NOW)
    assert (moved.badges_since, moved.placements_since) == (111, NOW)
    # The same kinds chosen in another order are the same placements.
    shuffled = {name: tuple(reversed(kinds)) for name, kinds in DEFAULT_PLACEMENTS.items()}
    same = restart_changed_shares(TrustSettings(badges_holdout=10, placements=shuffled), old, NOW)
    assert same.placements_since == 50


def test_the_badges_results_say_placements_changed_only_during_their_measurement():
    during = TrustSettings(badges_since=100, proof_since=100, placements_since=200)
    assert placements_changed(during, "badges") == 200
    assert placements_changed(during, "proof") == 0  # social proof is not placed
    before = TrustSettings(badges_since=300, placements_since=200)
    assert placements_changed(before, "badges") == 0
    # Saved with the share: the measurement starts with these placements.
    assert placements_changed(TrustSettings(badges_since=200, placements_since=200), "badges") == 0
