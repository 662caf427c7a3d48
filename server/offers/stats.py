"""The statistics behind campaign results.

Each arm's conversion rate is a proportion p = conversions / exposed visitors. An arm is
compared with the holdout by the difference of proportions, with a 95 % confidence interval
from the unpooled normal (Wald) approximation:

    d = p_arm - p_holdout,  se = sqrt(p_arm (1 - p_arm) / n_arm + p_h (1 - p_h) / n_h),
    95 % CI = d ± 1.96 se.

A lift is called significant when the interval excludes zero, which is a two-sided test at
the 5 % level. Results are only judged once both arms have at least ``MIN_SAMPLE`` exposed
visitors and 5 conversions and 5 non-conversions (where the normal approximation holds);
before that the verdict says the test needs more data. Revenue per exposed visitor gets the
same treatment with Welch's standard error of a difference of means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z_95 = 1.959963984540054
MIN_SAMPLE = 30


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float

    @property
    def significant(self) -> bool:
        return self.low > 0 or self.high < 0


def proportion(successes: int, trials: int) -> float:
    return successes / trials if trials else 0.0


def difference_of_proportions(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int
) -> Interval | None:
    """95 % CI for rate(a) - rate(b); None when the sample is too small to judge."""
    if not _judgeable(successes_a, trials_a) or not _judgeable(successes_b, trials_b):
        return None
    p_a, p_b = successes_a / trials_a, successes_b / trials_b
    se = math.sqrt(p_a * (1 - p_a) / trials_a + p_b * (1 - p_b) / trials_b)
    diff = p_a - p_b
    return Interval(diff, diff - Z_95 * se, diff + Z_95 * se)


def difference_of_means(a: Sequence[float], b: Sequence[float]) -> Interval | None:
    """95 % CI for mean(a) - mean(b) (Welch); None when either sample is too small."""
    if len(a) < MIN_SAMPLE or len(b) < MIN_SAMPLE:
        return None
    mean_a, mean_b = sum(a) / len(a), sum(b) / len(b)
    var_a = sum((x - mean_a) ** 2 for x in a) / (len(a) - 1)
    var_b = sum((x - mean_b) ** 2 for x in b) / (len(b) - 1)
    se = math.sqrt(var_a / len(a) + var_b / len(b))
    diff = mean_a - mean_b
    return Interval(diff, diff - Z_95 * se, diff + Z_95 * se)


def verdict(arm: str, lift: Interval | None) -> str:
    """A plain-language reading of an arm's conversion lift over the holdout."""
    if lift is None:
        return f"{arm}: not enough data yet to tell."
    low, high = lift.low * 100, lift.high * 100
    if lift.low > 0:
        return f"{arm} lifts conversion by {low:.1f}–{high:.1f} points; significant."
    if lift.high < 0:
        return f"{arm} lowers conversion by {-high:.1f}–{-low:.1f} points; significant."
    return f"{arm} changes conversion by {low:+.1f} to {high:+.1f} points; not yet significant."


def _judgeable(successes: int, trials: int) -> bool:
    return trials >= MIN_SAMPLE and successes >= 5 and trials - successes >= 5
