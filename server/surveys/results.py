"""The arithmetic of survey results: pure functions of answer counts.

- **NPS** (Net Promoter Score, from a 0–10 answer): promoters answer 9 or 10, passives 7 or
  8, detractors 0 to 6. NPS = 100 × (promoters − detractors) / answers, which is 100 × the
  mean of a sample scoring each promoter +1, each passive 0 and each detractor −1; its 95 %
  interval is that mean's (``stats.mean_interval``), times 100.
- **A mean score** (CES 1–7, CSAT, a rating): the mean of the answers, with the same interval.
- **A share** (of the answers that chose an option): k / n, with Wilson's interval
  (``stats.proportion_interval``).

Every interval waits for ``stats.MIN_SAMPLE`` answers: before that the figure is shown with
"not enough data yet" instead of an interval, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from server.offers.stats import (
    MIN_SAMPLE,
    Interval,
    Sample,
    mean_interval,
    proportion,
    proportion_interval,
)

PROMOTER_FROM = 9  # NPS answers of 9 and 10
PASSIVE_FROM = 7  # 7 and 8; below is a detractor

__all__ = ["MIN_SAMPLE", "Figure", "NpsClasses", "mean_score", "nps", "nps_classes",
           "score_sample", "share"]  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """A result: its value, how many answers it is of, and its 95 % interval (None: not
    enough data yet, or no answers at all)."""

    estimate: float | None  # None without any answer
    n: int
    interval: Interval | None

    @property
    def enough(self) -> bool:
        return self.interval is not None


@dataclass(frozen=True)
class NpsClasses:
    promoters: int
    passives: int
    detractors: int

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors


def score_sample(counts: Mapping[int, int]) -> Sample:
    """The answers to a scale question, given as how many gave each score."""
    return Sample(
        n=sum(counts.values()),
        total=sum(score * n for score, n in counts.items()),
        squares=sum(score * score * n for score, n in counts.items()),
    )


def nps_classes(counts: Mapping[int, int]) -> NpsClasses:
    """Promoters, passives and detractors among 0–10 answers given as counts per score."""
    return NpsClasses(
        promoters=sum(n for score, n in counts.items() if score >= PROMOTER_FROM),
        passives=sum(n for score, n in counts.items() if PASSIVE_FROM <= score < PROMOTER_FROM),
        detractors=sum(n for score, n in counts.items() if score < PASSIVE_FROM),
    )


def nps(classes: NpsClasses) -> Figure:
    """The NPS, from −100 to 100, with its interval."""
    n = classes.n
    if not n:
        return Figure(None, 0, None)
    # +1 per promoter, −1 per detractor, 0 per passive: the sum and the sum of squares.
    sample = Sample(n, classes.promoters - classes.detractors,
                    classes.promoters + classes.detractors)  # fmt: skip
    interval = mean_interval(sample)
    scaled = None if interval is None else Interval(
        interval.estimate * 100, max(-100.0, interval.low * 100), min(100.0, interval.high * 100)
    )  # fmt: skip
    return Figure(sample.mean() * 100, n, scaled)


def mean_score(sample: Sample) -> Figure:
    if not sample.n:
        return Figure(None, 0, None)
    return Figure(sample.mean(), sample.n, mean_interval(sample))


def share(successes: int, trials: int) -> Figure:
    if not trials:
        return Figure(None, 0, None)
    return Figure(proportion(successes, trials), trials, proportion_interval(successes, trials))
