"""The statistics behind campaign results.

Each arm's conversion rate is a proportion p = conversions / exposed visitors. An arm is
compared with the holdout by the difference of proportions, with a confidence interval from
the unpooled normal (Wald) approximation:

    d = p_arm - p_holdout,  se = sqrt(p_arm (1 - p_arm) / n_arm + p_h (1 - p_h) / n_h),
    CI = d ± z se,  z = 1.96 for one variant.

A lift is called significant when the interval excludes zero, a two-sided test. Results are
only judged once both arms have at least ``MIN_SAMPLE`` exposed visitors and 5 conversions
and 5 non-conversions (where the normal approximation holds); before that the verdict says
the test needs more data. Revenue per exposed visitor gets the same treatment with Welch's
standard error of a difference of means, from each arm's count, sum and sum of squares.

Caveats, said plainly (the results page says them too):

- Several variants against one holdout are several comparisons. With k variants each is made
  at the 5 % / k level (Bonferroni: z for a two-sided 1 − 0.05 / k interval), so the chance
  that *any* variant looks significant when none differs stays at or under 5 %. With one
  variant this is the usual 95 % interval.
- Peeking inflates false positives: the intervals are valid for one look at a sample size
  fixed in advance. Checking daily and stopping the first time a lift looks significant
  makes a false "significant" far likelier than 5 %.
- The revenue interval is gated only by ``MIN_SAMPLE`` (30) visitors per arm. Revenue per
  visitor is mostly zeros and a few large orders, so the normal approximation behind it is
  rough until there are many more visitors and purchases than that; read it as a guide.

One sample on its own (survey results: a mean score, an NPS, a share of answers):

- ``mean_interval``: the mean ± z · s / sqrt(n), s the sample standard deviation (the normal
  approximation to the mean of a bounded score; fine from ``MIN_SAMPLE`` answers on).
- ``proportion_interval``: Wilson's score interval for k successes in n trials. Unlike the
  Wald interval p ± z sqrt(p (1 − p) / n) it stays inside 0…1 and is not zero-width when
  k is 0 or n, which shares of answers often are.

Both are None below ``MIN_SAMPLE`` trials: "not enough data yet".
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist

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


@dataclass(frozen=True)
class Sample:
    """A sample of whole numbers (minor units) by its count, sum and sum of squares: enough
    for its mean and variance without one value per visitor."""

    n: int
    total: int
    squares: int

    @classmethod
    def of(cls, values: Iterable[int], zeros: int = 0) -> Sample:
        """``values`` and ``zeros`` more zeros (the visitors who bought nothing)."""
        listed = list(values)
        return cls(len(listed) + zeros, sum(listed), sum(v * v for v in listed))

    def mean(self) -> float:
        return self.total / self.n

    def variance(self) -> float:
        """The unbiased sample variance, exact in integers until the final division."""
        return (self.n * self.squares - self.total**2) / (self.n * (self.n - 1))


@cache
def z_for(comparisons: int = 1) -> float:
    """The two-sided z of a 95 % family of ``comparisons`` intervals (Bonferroni)."""
    if comparisons <= 1:
        return Z_95
    return NormalDist().inv_cdf(1 - 0.05 / (2 * comparisons))


def proportion(successes: int, trials: int) -> float:
    return successes / trials if trials else 0.0


def difference_of_proportions(
    successes_a: int, trials_a: int, successes_b: int, trials_b: int, comparisons: int = 1
) -> Interval | None:
    """CI for rate(a) - rate(b), 95 % across ``comparisons`` such intervals; None when the
    sample is too small to judge."""
    if not _judgeable(successes_a, trials_a) or not _judgeable(successes_b, trials_b):
        return None
    p_a, p_b = successes_a / trials_a, successes_b / trials_b
    se = math.sqrt(p_a * (1 - p_a) / trials_a + p_b * (1 - p_b) / trials_b)
    diff = p_a - p_b
    z = z_for(comparisons)
    return Interval(diff, diff - z * se, diff + z * se)


def difference_of_means(a: Sample, b: Sample, comparisons: int = 1) -> Interval | None:
    """CI for mean(a) - mean(b) (Welch), 95 % across ``comparisons`` such intervals; None
    when either sample is too small."""
    if a.n < MIN_SAMPLE or b.n < MIN_SAMPLE:
        return None
    se = math.sqrt(a.variance() / a.n + b.variance() / b.n)
    diff = a.mean() - b.mean()
    z = z_for(comparisons)
    return Interval(diff, diff - z * se, diff + z * se)


def mean_interval(sample: Sample, comparisons: int = 1) -> Interval | None:
    """CI for the mean of ``sample``, 95 % across ``comparisons`` such intervals; None below
    ``MIN_SAMPLE`` values."""
    if sample.n < MIN_SAMPLE:
        return None
    mean = sample.mean()
    half = z_for(comparisons) * math.sqrt(max(sample.variance(), 0.0) / sample.n)
    return Interval(mean, mean - half, mean + half)


def proportion_interval(successes: int, trials: int) -> Interval | None:
    """Wilson's 95 % score interval for the proportion successes / trials; None below
    ``MIN_SAMPLE`` trials."""
    if trials < MIN_SAMPLE:
        return None
    p = successes / trials
    z2 = Z_95 * Z_95
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = Z_95 * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


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
