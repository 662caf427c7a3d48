"""What a survey is: the values behind the ``surveys`` row, a response and its answers.

``moments``, ``trigger``, ``targeting``, ``recontact`` and ``questions`` are stored as JSON;
these dataclasses are their schema. ``Trigger`` and ``Targeting`` are the offers' own types
(one set of triggers and targeting rules, shared). Reading JSON fills defaults for anything
missing and ignores unknown keys, so adding a field later needs no migration. What a merchant
may enter is checked by the admin form; these types only describe surveys.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from server.offers.model import Targeting, Trigger, live_in_schedule
from server.offers.model import from_json as offers_from_json
from server.offers.model import to_json as offers_to_json

Status = Literal["draft", "live", "paused", "ended"]
QuestionType = Literal[
    "single", "multiple", "rating", "nps", "ces", "csat", "short_text", "long_text", "email"
]
Moment = Literal[
    "exit_intent", "time_on_page", "scroll_depth", "cart_idle", "drawer_close",
    "checkout_exit", "confirmation", "order_status",
]  # fmt: skip
RecontactMode = Literal["once", "until_answered", "every_n_days"]
Priority = Literal["offers", "surveys"]
ResponseStatus = Literal["shown", "started", "completed"]
Device = Literal["desktop", "phone", "unknown"]

STATUSES: tuple[Status, ...] = ("draft", "live", "paused", "ended")
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "single", "multiple", "rating", "nps", "ces", "csat", "short_text", "long_text", "email",
)  # fmt: skip
CHOICE_TYPES: tuple[QuestionType, ...] = ("single", "multiple")
SCALE_TYPES: tuple[QuestionType, ...] = ("rating", "nps", "ces", "csat")
TEXT_TYPES: tuple[QuestionType, ...] = ("short_text", "long_text")
# Moments on a storefront page: the widget shows the survey over the page.
PAGE_MOMENTS: tuple[Moment, ...] = (
    "exit_intent", "time_on_page", "scroll_depth", "cart_idle", "drawer_close", "checkout_exit",
)  # fmt: skip
# Moments after an order: inline (the checkout's confirmation, the order-status page), one
# response per survey and order.
ORDER_MOMENTS: tuple[Moment, ...] = ("confirmation", "order_status")
MOMENTS: tuple[Moment, ...] = (*PAGE_MOMENTS, *ORDER_MOMENTS)
RECONTACT_MODES: tuple[RecontactMode, ...] = ("once", "until_answered", "every_n_days")
PRIORITIES: tuple[Priority, ...] = ("offers", "surveys")
DEVICES: tuple[Device, ...] = ("desktop", "phone", "unknown")

# A question's ``next`` or an option's ``next``: a later question's key, or END.
END = "end"
# Text limits by type; a question's own ``max_length`` may only lower them.
MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 2000
MAX_OTHER_TEXT = MAX_SHORT_TEXT  # an "Other" option's text
# The scales whose ends are fixed; ``rating`` and ``csat`` run from 1 to their ``points``.
NPS_SCALE = (0, 10)
CES_SCALE = (1, 7)
DEFAULT_CONSENT = "You may email me about my answers."


@dataclass(frozen=True)
class Remedy:
    """An offer shown right after an answer: a campaign (public id) and its variant's key,
    stable because saving a campaign keeps its variant rows by key."""

    campaign: str
    variant: str


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    other: bool = False  # "Other": the shopper may add text; never shuffled, always last
    next: str | None = None  # where choosing it leads: a later question's key, or END
    remedy: Remedy | None = None


@dataclass(frozen=True)
class Question:
    key: str  # 'q1', 'q2', …: what answers refer to
    type: QuestionType
    prompt: str
    required: bool = True
    options: tuple[Option, ...] = ()  # single and multiple choice
    shuffle: bool = False  # options in a random order per shopper ("Other" stays last)
    next: str | None = None  # after this question: a later question's key, END, or the next
    points: int = 5  # rating and csat: 1 to points
    style: Literal["numbers", "stars"] = "numbers"  # rating
    low_label: str = ""  # the scale's ends, in words
    high_label: str = ""
    max_length: int | None = None  # text: lower than the type's limit, or None for it
    consent_text: str = DEFAULT_CONSENT  # email: what the shopper agrees to

    @property
    def text_limit(self) -> int:
        """The most characters a text answer may have."""
        limit = MAX_LONG_TEXT if self.type == "long_text" else MAX_SHORT_TEXT
        return min(limit, self.max_length) if self.max_length else limit

    @property
    def scale(self) -> tuple[int, int]:
        """The lowest and highest score of a scale question."""
        if self.type == "nps":
            return NPS_SCALE
        if self.type == "ces":
            return CES_SCALE
        return (1, self.points)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Recontact:
    """When a visitor may see the survey again: never after it was shown once, until they
    complete it, or ``days`` after it was last shown."""

    mode: RecontactMode = "until_answered"
    days: int = 30  # every_n_days


@dataclass(frozen=True)
class SurveySettings:
    min_gap_days: int = 14  # between two different surveys, per visitor
    priority: Priority = "offers"


DEFAULT_SETTINGS = SurveySettings()


@dataclass(frozen=True)
class Survey:
    name: str
    moments: tuple[Moment, ...]
    questions: tuple[Question, ...]
    trigger: Trigger = field(default_factory=Trigger)
    targeting: Targeting = field(default_factory=Targeting)
    recontact: Recontact = field(default_factory=Recontact)
    sample_percent: int = 100
    thanks: str = ""
    template: str = "blank"
    status: Status = "draft"
    starts_at: int | None = None
    ends_at: int | None = None
    id: int | None = None
    public_id: str | None = None
    store_id: int | None = None

    def is_running(self, now_ms: int) -> bool:
        """Live, and inside its schedule."""
        return live_in_schedule(self.status, self.starts_at, self.ends_at, now_ms)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def order_linked(self) -> bool:
        """Shown only after an order (confirmation, order-status page): one per order."""
        return all(moment in ORDER_MOMENTS for moment in self.moments)


@dataclass(frozen=True)
class Answer:
    """One question's answer as stored: the chosen options' keys (choice questions), a score,
    a text (free text, "Other" text, or an email) and, for an email, the consent wording.
    All empty: the shopper skipped an optional question."""

    options: tuple[str, ...] = ()
    number: int | None = None
    text: str | None = None
    consent: str | None = None

    @property
    def skipped(self) -> bool:
        return not self.options and self.number is None and self.text is None


@dataclass(frozen=True)
class SurveyResponse:
    id: int
    public_id: str
    survey_id: int
    store_id: int
    visitor_id: str
    session_id: str
    order_id: int | None
    signal: str
    status: ResponseStatus
    shown_at: int
    updated_at: int
    completed_at: int | None = None
    remedy_campaign_id: int | None = None
    remedy_arm: str | None = None
    # The shopper as the widget saw them when the survey showed (filters and a remedy's
    # audience; the cart value is never money).
    device: str = "unknown"
    cart_value: int | None = None
    utm_source: str = ""


# ---- JSON -------------------------------------------------------------------------------

T = TypeVar("T", bound="Recontact | SurveySettings")


def to_json(value: Trigger | Targeting | Recontact | SurveySettings) -> str:
    if isinstance(value, Trigger | Targeting):
        return offers_to_json(value)
    return json.dumps(dataclasses.asdict(value), separators=(",", ":"))


def from_json(kind: type[T], text: str | dict[str, Any]) -> T:
    """A Recontact or SurveySettings from its stored JSON; unknown keys ignored."""
    data = json.loads(text) if isinstance(text, str) else text
    return kind(**_known(kind, data))


def trigger_from_json(text: str | dict[str, Any]) -> Trigger:
    return offers_from_json(Trigger, text)


def targeting_from_json(text: str | dict[str, Any]) -> Targeting:
    return offers_from_json(Targeting, text)


def moments_to_json(moments: tuple[Moment, ...]) -> str:
    return json.dumps(list(moments), separators=(",", ":"))


def moments_from_json(text: str) -> tuple[Moment, ...]:
    """The known moments, in their canonical order; unknown ones (from a later release)
    dropped."""
    stored = set(json.loads(text))
    return tuple(moment for moment in MOMENTS if moment in stored)


def questions_to_json(questions: tuple[Question, ...]) -> str:
    return json.dumps([dataclasses.asdict(q) for q in questions], separators=(",", ":"))


def questions_from_json(text: str | list[Any]) -> tuple[Question, ...]:
    data = json.loads(text) if isinstance(text, str) else text
    return tuple(_question(item) for item in data)


def _question(data: dict[str, Any]) -> Question:
    values = _known(Question, data)
    values["options"] = tuple(_option(o) for o in data.get("options") or ())
    return Question(**values)


def _option(data: dict[str, Any]) -> Option:
    values = _known(Option, data)
    remedy = data.get("remedy")
    values["remedy"] = Remedy(**_known(Remedy, remedy)) if remedy else None
    return Option(**values)


def _known(kind: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(kind)}
    return {k: v for k, v in data.items() if k in names}
