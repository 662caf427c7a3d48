"""Deterministic assignment of visitors to experiment arms.

A visitor's arm is a pure function of (campaign id, visitor id): the same visitor always sees
the same arm, on any server, without storing anything first. The hash is SHA-256, so arms
are independent across campaigns and evenly spread.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

HOLDOUT = "holdout"
_SCALE = 10_000  # weights and the holdout are resolved to 0.01 % steps


@dataclass(frozen=True)
class Arm:
    key: str
    weight: int  # relative weight among the variants


def bucket(campaign_id: int, visitor_id: str) -> int:
    """A number in [0, 10000) that is stable for this campaign and visitor."""
    digest = hashlib.sha256(f"{campaign_id}:{visitor_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % _SCALE


def assign(campaign_id: int, visitor_id: str, arms: Sequence[Arm], holdout_percent: int) -> str:
    """The arm key for this visitor, or ``HOLDOUT``.

    The first ``holdout_percent`` of the bucket range is the holdout; the rest is shared by
    the variants in proportion to their weights.
    """
    point = bucket(campaign_id, visitor_id)
    holdout_size = holdout_percent * _SCALE // 100
    if point < holdout_size or not arms:
        return HOLDOUT
    total = sum(arm.weight for arm in arms)
    if total <= 0:
        return HOLDOUT
    position = (point - holdout_size) * total // (_SCALE - holdout_size)
    for arm in arms:
        if position < arm.weight:
            return arm.key
        position -= arm.weight
    return arms[-1].key
