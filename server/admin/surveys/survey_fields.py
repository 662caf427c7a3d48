"""The survey form's field names and what it is read against: survey fields by name, and per
question fieldset ``q1_type``, ``q1_prompt``, …, each with option rows ``q1_o3_label``,
``q1_o3_next``, ``q1_o3_remedy``; a branch's value names a fieldset (``question-3``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from server.forms import whole
from server.surveys.model import Survey

T = TypeVar("T", bound=str)

MAX_QUESTIONS = 6
MAX_OPTIONS = 10
MIN_OPTIONS = 2
MAX_PROMPT = 200
MAX_LABEL = 120
MAX_SCALE_LABEL = 40
MAX_THANKS = 200
BRANCH_PREFIX = "question-"  # a branch's value: question-3 jumps to the third fieldset

SURVEY_FIELDS = (
    "name", "status", "starts_at", "ends_at", "min_seconds", "sensitivity_px",
    "return_delay_ms", "inactivity_seconds", "seconds", "percent", "idle_minutes", "cart",
    "subtotal_min", "subtotal_max", "include_urls", "exclude_urls", "visitor", "min_visits",
    "max_visits", "utm_sources", "recontact_mode", "recontact_days", "sample_percent", "thanks",
)  # fmt: skip
LIST_FIELDS = ("moments", "phone_signals", "devices")
QUESTION_FIELDS = (
    "key", "type", "prompt", "next", "points", "style", "low_label", "high_label",
    "max_length", "consent_text",
)  # fmt: skip
QUESTION_FLAGS = ("required", "shuffle")
OPTION_FIELDS = ("key", "label", "next", "remedy")
OPTION_FLAGS = ("other",)
POSITIONS = range(1, MAX_QUESTIONS + 1)
OPTION_ROWS = range(1, MAX_OPTIONS + 1)


def question_field(position: int, name: str) -> str:
    return f"q{position}_{name}"


def option_field(position: int, row: int, name: str) -> str:
    return f"q{position}_o{row}_{name}"


def branch_value(position: int) -> str:
    return f"{BRANCH_PREFIX}{position}"


@dataclass(frozen=True)
class RemedyChoice:
    """An offer an answer may lead to: a campaign of the store and one of its variants."""

    campaign: str  # public id
    variant: str
    label: str  # "Free delivery — variant A: Free shipping on this order"
    own_trigger: str | None  # the campaign's own trigger when it has one (not survey_answer)
    # The link sources its campaign's audience takes (empty: any): a shopper the widget may
    # not remember has none (server/surveys/remedies.py audience_allows).
    utm_sources: tuple[str, ...] = ()

    @property
    def value(self) -> str:
        return f"{self.campaign}:{self.variant}"


@dataclass(frozen=True)
class SurveyTerms:
    """What the form is read against."""

    currency: str
    timezone: str
    stored: Survey | None = None  # the survey being edited: its keys stay
    remedies: Mapping[str, RemedyChoice] = field(default_factory=dict)  # by value
    # The question keys the survey's stored answers use, its removed questions' included: a
    # new question never takes one (its results would count the old question's answers).
    answered: frozenset[str] = frozenset()


def pick(choices: tuple[T, ...], value: str | None) -> T | None:
    """``value`` when it is one of ``choices`` (typed as they are), else None."""
    return choices[choices.index(value)] if value in choices else None  # type: ignore[arg-type]


def whole_number(low: int, high: int, what: str) -> Callable[[str], int]:
    """A parser of whole numbers from ``low`` to ``high`` that names ``what`` it wants."""
    return whole(low, high, f"Enter {what}: a whole number from {low} to {high}.")
