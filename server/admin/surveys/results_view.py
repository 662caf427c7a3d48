"""A survey's results as the page shows them: pure functions from the counts
``results_queries`` reads to charts, figures and words.

Per question: how many answered it and how many skipped it; for a choice, each option's
share of the shoppers who answered (several per shopper for a multiple choice), with its 95 %
interval; for a scale, how many gave each score, and its NPS or mean with its interval; for a
text, how many wrote something (read on the answers page).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from server.admin.charts import Bar, BarChart, Chart, Series, bar_chart, line_chart
from server.admin.overview.periods import Bucket
from server.admin.surveys.results_queries import AnswerGroup, Funnel, Week
from server.offers.stats import MIN_SAMPLE, Interval
from server.surveys.model import CHOICE_TYPES, SCALE_TYPES, Question, Survey
from server.surveys.results import Figure, mean_score, nps, nps_classes, score_sample, share

WEEK_DAYS = 7


@dataclass(frozen=True)
class Headline:
    """A question's one figure: its NPS or mean, with the interval or why there is none."""

    label: str
    value: str
    interval: str


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    skipped: int
    texts: int  # written answers: texts, "Other" texts, emails
    chart: BarChart | None
    headline: Headline | None
    note: str = ""  # said once under the chart: why its shares have no intervals yet


def question_results(
    survey: Survey, groups: Sequence[AnswerGroup], answered: Mapping[str, int]
) -> list[QuestionResult]:
    return [_result(q, [g for g in groups if g.question == q.key], answered.get(q.key, 0))
            for q in survey.questions]  # fmt: skip


def _result(question: Question, groups: list[AnswerGroup], answered: int) -> QuestionResult:
    plain = [g for g in groups if not g.option and g.number is None]
    skipped = sum(g.n - g.texts for g in plain)
    texts = sum(g.texts for g in groups)
    chart, headline, note = None, None, ""
    if question.type in CHOICE_TYPES:
        chart = _choice_chart(question, groups, answered)
        if 0 < answered < MIN_SAMPLE:
            note = (f"Not enough data yet for intervals of these shares: {answered:,} of the"
                    f" {MIN_SAMPLE} answers they need.")  # fmt: skip
    elif question.type in SCALE_TYPES:
        counts = {g.number: g.n for g in groups if g.number is not None}
        chart = _scale_chart(question, counts)
        headline = scale_headline(question, counts)
    return QuestionResult(question, answered, skipped, texts, chart, headline, note)


def _choice_chart(question: Question, groups: list[AnswerGroup], answered: int) -> BarChart:
    counts: dict[str, int] = {}
    for group in groups:
        if group.option:
            counts[group.option] = counts.get(group.option, 0) + group.n
    labels = {o.key: o.label for o in question.options}
    # An option removed since it was chosen still counts, named by its key.
    keys = [*labels, *(k for k in counts if k not in labels)]
    # Each share's interval, once there are answers enough for one (one note until then).
    judged = answered >= MIN_SAMPLE
    bars = [
        Bar(labels.get(key, f"{key} (no longer asked)"), counts.get(key, 0),
            (interval_text(share(counts.get(key, 0), answered), percent),) if judged else ())
        for key in keys
    ]  # fmt: skip
    several = " (each shopper may choose several)" if question.type == "multiple" else ""
    return bar_chart(
        f"chart-{question.key}",
        question.prompt,
        f"Share of the {answered:,} shoppers who answered that chose each option{several}.",
        bars,
        lambda count: f"{percent(count / answered) if answered else '0%'} · {round(count):,}",
        top=answered or None,
        columns=("Share · answers", "95% interval of the share") if judged
        else ("Share · answers",),
    )  # fmt: skip


def _scale_chart(question: Question, counts: Mapping[int, int]) -> BarChart:
    low, high = question.scale
    total = sum(counts.values())
    bars = [Bar(f"{score}{_end_label(question, score)}", counts.get(score, 0))
            for score in range(low, high + 1)]  # fmt: skip
    return bar_chart(
        f"chart-{question.key}",
        question.prompt,
        f"How many of the {total:,} shoppers who answered gave each score, {low} to {high}.",
        bars,
        lambda count: f"{round(count):,}",
        columns=("Answers",),
    )


def _end_label(question: Question, score: int) -> str:
    low, high = question.scale
    label = question.low_label if score == low else question.high_label if score == high else ""
    return f" ({label})" if label else ""


def scale_headline(question: Question, counts: Mapping[int, int]) -> Headline:
    if question.type == "nps":
        figure = nps(nps_classes(counts))
        return Headline("Net Promoter Score", signed(figure.estimate),
                        interval_text(figure, signed))  # fmt: skip
    figure = mean_score(score_sample(counts))
    low, high = question.scale
    label = "Average effort score" if question.type == "ces" else "Average score"
    value = "—" if figure.estimate is None else f"{figure.estimate:.2f} of {high}"
    return Headline(f"{label}, {low} to {high}", value, interval_text(figure, two_places))


def interval_text(figure: Figure, formatted: Callable[[float], str]) -> str:
    if figure.n == 0:
        return "No answers yet."
    if figure.interval is None:
        return f"Not enough data yet: {figure.n:,} of the {MIN_SAMPLE} answers an interval needs."
    return f"95% interval {_range(figure.interval, formatted)}"


def _range(interval: Interval, formatted: Callable[[float], str]) -> str:
    return f"{formatted(interval.low)} to {formatted(interval.high)}"


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.0f}"


def two_places(value: float) -> str:
    return f"{value:.2f}"


# ---- the funnel and the weeks ---------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str
    count: int
    of_shown: float | None


def funnel_steps(counted: Funnel) -> list[Step]:
    shown = counted.shown
    return [
        Step(label, count, count / shown if shown else None)
        for label, count in (("Shown", counted.shown), ("Started: answered a question",
                             counted.started), ("Completed", counted.completed))
    ]  # fmt: skip


def weeks_of(days: Sequence[Bucket]) -> list[Bucket]:
    """The days in runs of seven from the first (the last run may be shorter), each labelled
    by its first day ("8 Nov": the week starting then)."""
    weeks = []
    for first in range(0, len(days), WEEK_DAYS):
        run = days[first : first + WEEK_DAYS]
        weeks.append(Bucket(run[0].label, run[0].start_ms, run[-1].end_ms, run[0].day))
    return weeks


def weekly_chart(
    weeks: Sequence[Bucket], counted: Sequence[Week], scores: Sequence[Headline] | None
) -> Chart:
    """Shown and completed per week; the table adds started, and the first scale question's
    figure per week when the survey has one."""
    labels = [w.label for w in weeks]
    columns = ["Shown", "Started", "Completed"]
    table = [(f"{w.shown:,}", f"{w.started:,}", f"{w.completed:,}") for w in counted]
    if scores is not None:
        columns.append(scores[0].label if scores else "Score")
        table = [(*row, score.value) for row, score in zip(table, scores, strict=True)]
    shown = sum(w.shown for w in counted)
    completed = sum(w.completed for w in counted)
    return line_chart(
        "chart-weeks",
        "Responses by week",
        f"Surveys shown and completed each week: {shown:,} shown and {completed:,} completed"
        " in all. The dashed line is the completed ones.",
        labels,
        [Series("Shown", tuple(w.shown for w in counted)),
         Series("Completed", tuple(w.completed for w in counted), dashed=True)],
        lambda value: f"{round(value):,}",
        whole=True,
        table=table,
        columns=columns,
    )  # fmt: skip
