"""The holdout's results: does showing badges (or social proof) change conversion?

For each element a store holds visitors out of (``model.ELEMENTS``), since its share last
changed (``TrustSettings.since``): visitors exposed per arm, shown or held out
(``holdout.py`` decides, the server records), those who bought within ``WINDOW_DAYS`` of
their exposure, and their revenue (``queries.arm_totals``). The comparison is the campaign
results' own maths, reused rather than copied: ``server.offers.results.compare_arms`` gives
each arm's rate, the difference of conversion with its 95 % interval and Welch's interval
for revenue per visitor (``server.offers.stats``: "not enough data yet" below its minimum
sample). Trust sits above offers in the layers, so it imports them directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from server.db import Reader
from server.offers import stats
from server.offers.results import ArmResult, ArmTotals, compare_arms
from server.trust import queries
from server.trust.holdout import HOLDOUT, SHOWN
from server.trust.model import ELEMENTS, TrustSettings

WINDOW_DAYS = 7  # an order counts for a visitor up to this long after their exposure
DAY_MS = 86_400_000
# How the verdict names the arm that saw the element, per element.
SHOWING = {"badges": "Showing badges", "proof": "Showing social proof"}


@dataclass(frozen=True)
class ElementResults:
    element: str
    holdout_percent: int  # the share held out now (0: nothing is being measured)
    since: int  # when the measurement began (ms; 0: since the first exposure)
    shown: ArmResult
    holdout: ArmResult
    verdict: str  # in plain words; "not enough data yet" until both arms are judgeable
    # When the badges' placements changed during the measurement (ms; 0: they did not): the
    # results then mix visitors who saw the badges placed one way and the other.
    placements_changed: int = 0

    @property
    def measuring(self) -> bool:
        return self.holdout_percent > 0

    @property
    def exposed(self) -> int:
        return self.shown.exposed + self.holdout.exposed


def compare_with_holdout(
    element: str,
    totals: Sequence[ArmTotals],
    holdout_percent: int,
    since: int,
    placements_changed: int = 0,
) -> ElementResults:
    """The shown arm against the held-out one (an arm nobody reached counts as empty)."""
    shown, holdout = compare_arms(totals, [SHOWN])
    assert shown.arm == SHOWN and holdout.arm == HOLDOUT
    return ElementResults(
        element=element,
        holdout_percent=holdout_percent,
        since=since,
        shown=shown,
        holdout=holdout,
        verdict=stats.verdict(SHOWING[element], shown.conversion_lift),
        placements_changed=placements_changed,
    )


async def element_results(
    db: Reader, store_id: int, settings: TrustSettings, element: str
) -> ElementResults:
    since = settings.since(element)
    totals = await queries.arm_totals(db, store_id, element, since, WINDOW_DAYS * DAY_MS)
    share, changed = settings.holdout_of(element), placements_changed(settings, element)
    return compare_with_holdout(element, totals, share, since, changed)


def placements_changed(settings: TrustSettings, element: str) -> int:
    """When the placements changed after ``element``'s measurement began (ms), else 0. Only
    the badges are placed: social proof shows on any product mount, wherever badges are."""
    changed = settings.placements_since
    return changed if element == "badges" and changed > settings.since(element) else 0


def changed_shares(new: TrustSettings, old: TrustSettings) -> list[str]:
    """The elements whose holdout share differs between ``old`` and ``new``."""
    return [element for element in ELEMENTS if new.holdout_of(element) != old.holdout_of(element)]


def restart_changed_shares(new: TrustSettings, old: TrustSettings, now_ms: int) -> TrustSettings:
    """``new`` with the measurement of each element whose holdout share changed starting
    again at ``now_ms``: visitors exposed before measured another split, so they no longer
    count (and a returning one is recorded afresh, in the arm the new share gives them).
    Changed placements restart nothing (the split is the same) but are noted at ``now_ms``,
    for the results to say they mix both."""
    changed = changed_shares(new, old)
    return dataclasses.replace(
        new,
        badges_since=now_ms if "badges" in changed else old.badges_since,
        proof_since=now_ms if "proof" in changed else old.proof_since,
        placements_since=now_ms if placements_differ(new, old) else old.placements_since,
    )


def placements_differ(new: TrustSettings, old: TrustSettings) -> bool:
    """Does any placement show other kinds (the order they were chosen in aside)?"""

    def kinds(settings: TrustSettings) -> dict[str, frozenset[str]]:
        return {name: frozenset(chosen) for name, chosen in settings.placements.items()}

    return kinds(new) != kinds(old)
