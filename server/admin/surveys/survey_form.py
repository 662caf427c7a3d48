"""The survey form: what a merchant submits, read into a `model.Survey` (the way back, a
survey as form text, is `survey_prefill`).

Pure functions of the submitted text, the survey as stored (its question and option keys),
the store's currency and time zone, and the remedies the store's campaigns offer. Every
field is checked and all errors are reported together as ``FormInvalid``.

The form is flat. Survey fields by name (the trigger's and the audience's are the campaign
form's, read by ``campaign_form.read_trigger`` and ``read_targeting``); up to
``MAX_QUESTIONS`` question fieldsets, ``q1_type``, ``q1_prompt``, …, each with up to
``MAX_OPTIONS`` option rows, ``q1_o3_label``, ``q1_o3_next``, ``q1_o3_remedy``. A fieldset
left blank is no question. Branches name a fieldset (``question-3``: the third), or ``end``,
and go forward only, so a survey never loops.

Keys are what answers, results and remedies refer to, so they never change on an edit: a
question's and an option's key rides along in a hidden field, and is kept when the stored
survey has it (a new question gets the next unused number; a new option a key made from its
label, ``free_returns``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from server.admin.campaigns.campaign_form import read_targeting, read_trigger
from server.forms import FormInvalid, FormReader, parse_line, parse_local_datetime, whole
from server.surveys.model import (
    CHOICE_TYPES,
    END,
    MAX_LONG_TEXT,
    MAX_SHORT_TEXT,
    MOMENTS,
    ORDER_MOMENTS,
    PAGE_MOMENTS,
    QUESTION_TYPES,
    RECONTACT_MODES,
    STATUSES,
    Moment,
    Option,
    Question,
    QuestionType,
    Recontact,
    RecontactMode,
    Remedy,
    Status,
    Survey,
)

T = TypeVar("T", bound=str)

__all__ = ["FormInvalid", "RemedyChoice", "SurveyTerms", "preview_survey", "read_survey"]

MAX_QUESTIONS = 6
MAX_OPTIONS = 10
MIN_OPTIONS = 2
MAX_PROMPT = 200
MAX_LABEL = 120
MAX_SCALE_LABEL = 40
MAX_THANKS = 200
BRANCH_PREFIX = "question-"  # a branch's value: question-3 jumps to the third fieldset
_KEY = re.compile(r"q[1-9][0-9]{0,2}")
_OPTION_KEY = re.compile(r"[a-z0-9_]{1,40}")
MAX_KEY_WORDS = 30  # characters of a label's words an option's new key is made from

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


def read_survey(values: Mapping[str, str], terms: SurveyTerms) -> Survey:
    """The submitted form as a Survey (no ids or store yet), or FormInvalid with every error."""
    form = FormReader(values)
    survey = _read(form, values, terms)
    form.done()
    return survey


def preview_survey(values: Mapping[str, str], terms: SurveyTerms) -> Survey:
    """The survey an unsaved form describes, for the live preview: a field that does not
    read yet keeps its default, so the preview follows the typing without ever failing."""
    return _read(FormReader(values), values, terms)


def _read(form: FormReader, values: Mapping[str, str], terms: SurveyTerms) -> Survey:
    name = form.read("name", partial(parse_line, "a name", 1, 100), "")
    status: Status | None = pick(STATUSES, values.get("status"))
    if status is None:
        form.fail("status", "Choose a status: draft, live, paused or ended.")
    local_time = partial(parse_local_datetime, timezone=terms.timezone)
    starts_at = form.optional("starts_at", local_time)
    ends_at = form.optional("ends_at", local_time)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        form.fail("ends_at", "Make the survey end after it starts.")
    moments = _read_moments(form, values)
    order_linked = bool(moments) and all(m in ORDER_MOMENTS for m in moments)
    return Survey(
        name=name,
        status=status or "draft",
        starts_at=starts_at,
        ends_at=ends_at,
        moments=moments,
        trigger=read_trigger(form, values, [m for m in moments if m in PAGE_MOMENTS]),
        targeting=read_targeting(form, values, terms.currency),
        recontact=_read_recontact(form, values),
        sample_percent=form.read("sample_percent", _whole(1, 100, "a percentage"), 100),
        questions=QuestionsReader(form, values, terms, order_linked).read(),
        thanks=form.read("thanks", partial(parse_line, "a thank-you", 0, MAX_THANKS), ""),
        template=terms.stored.template if terms.stored else "blank",
    )


def _read_moments(form: FormReader, values: Mapping[str, str]) -> tuple[Moment, ...]:
    chosen = values.get("moments", "").split()
    moments: tuple[Moment, ...] = tuple(m for m in MOMENTS if m in chosen)
    if set(chosen) - set(MOMENTS):
        form.fail("moments", "Choose moments from the list.")
    elif not moments:
        form.fail("moments", "Choose at least one moment to ask the survey.")
    elif any(m in ORDER_MOMENTS for m in moments) and any(m in PAGE_MOMENTS for m in moments):
        form.fail(
            "moments",
            "Ask a survey either on your shop's pages or after an order, not both: make two"
            " surveys.",
        )
    return moments


def _read_recontact(form: FormReader, values: Mapping[str, str]) -> Recontact:
    default = Recontact()
    mode: RecontactMode | None = pick(RECONTACT_MODES, values.get("recontact_mode"))
    if mode is None:
        form.fail("recontact_mode", "Choose when a visitor may see the survey again.")
        mode = default.mode
    days = default.days
    if mode == "every_n_days":
        days = form.read("recontact_days", _whole(1, 365, "days"), days)
    return Recontact(mode, days)


def pick(choices: tuple[T, ...], value: str | None) -> T | None:
    """``value`` when it is one of ``choices`` (typed as they are), else None."""
    return choices[choices.index(value)] if value in choices else None  # type: ignore[arg-type]


def _whole(low: int, high: int, what: str) -> Callable[[str], int]:
    return whole(low, high, f"Enter {what}: a whole number from {low} to {high}.")


# ---- questions ------------------------------------------------------------------------------


@dataclass
class _Fieldset:
    """A question fieldset in use: where it is on the form and the key it gets."""

    position: int
    key: str


class QuestionsReader:
    """Reads the question fieldsets in form order; errors go to ``form``."""

    def __init__(
        self, form: FormReader, values: Mapping[str, str], terms: SurveyTerms, order_linked: bool
    ):
        self.form, self.values, self.terms = form, values, terms
        self.order_linked = order_linked
        self.stored = {q.key: q for q in terms.stored.questions} if terms.stored else {}
        self.used = self._fieldsets()
        self.by_position = {f.position: f for f in self.used}

    def read(self) -> tuple[Question, ...]:
        if not self.used:
            self.form.fail(question_field(1, "prompt"), "Ask at least one question.")
        return tuple(self._question(fieldset) for fieldset in self.used)

    def text(self, position: int, name: str) -> str:
        return self.values.get(question_field(position, name), "")

    def _fieldsets(self) -> list[_Fieldset]:
        """The fieldsets with a prompt (or options): each with its stored key, or a new one."""
        filled = [p for p in POSITIONS if self._filled(p)]
        kept: dict[int, str] = {}
        for position in filled:
            key = self.text(position, "key").strip()
            if key in self.stored and key not in kept.values():
                kept[position] = key
        taken = [int(k[1:]) for k in [*self.stored, *kept.values()] if _KEY.fullmatch(k)]
        number = max(taken, default=0)
        used = []
        for position in filled:
            if position not in kept:
                number += 1
                kept[position] = f"q{number}"
            used.append(_Fieldset(position, kept[position]))
        return used

    def _filled(self, position: int) -> bool:
        if self.text(position, "prompt").strip():
            return True
        labels = [self.values.get(option_field(position, r, "label"), "") for r in OPTION_ROWS]
        if any(label.strip() for label in labels):
            self.form.fail(
                question_field(position, "prompt"),
                "Write the question, or clear its options to leave it out.",
            )
        return False

    def _question(self, fieldset: _Fieldset) -> Question:
        position, form = fieldset.position, self.form

        def name(field_name: str) -> str:
            return question_field(position, field_name)

        kind: QuestionType | None = pick(QUESTION_TYPES, self.text(position, "type"))
        if kind is None:
            form.fail(name("type"), "Choose what kind of question this is.")
            kind = "short_text"
        prompt = form.read(name("prompt"), partial(parse_line, "the question", 1, MAX_PROMPT), "")
        flags = {flag: self.text(position, flag) == "true" for flag in QUESTION_FLAGS}
        question = Question(
            key=fieldset.key,
            type=kind,
            prompt=prompt,
            required=flags["required"],
            next=self.branch(name("next"), position),
        )
        if kind in CHOICE_TYPES:
            options = OptionsReader(self, fieldset).read()
            return dataclasses.replace(question, options=options, shuffle=flags["shuffle"])
        if kind in ("rating", "csat"):
            question = dataclasses.replace(
                question,
                points=form.read(name("points"), _whole(2, 10, "the highest score"), 5),
                style="stars" if kind == "rating" and self.text(position, "style") == "stars"
                else "numbers",
            )  # fmt: skip
        if kind in ("rating", "csat", "nps", "ces"):
            label = partial(parse_line, "a label", 0, MAX_SCALE_LABEL)
            return dataclasses.replace(
                question,
                low_label=form.read(name("low_label"), label, ""),
                high_label=form.read(name("high_label"), label, ""),
            )
        if kind == "email":
            consent = partial(parse_line, "the consent wording", 10, 300)
            return dataclasses.replace(
                question, consent_text=form.read(name("consent_text"), consent, "")
            )
        limit = MAX_LONG_TEXT if kind == "long_text" else MAX_SHORT_TEXT
        return dataclasses.replace(
            question,
            max_length=form.optional(name("max_length"), _whole(1, limit, "a length")),
        )

    def branch(self, name: str, position: int) -> str | None:
        """A branch's target: None (go on as usual), END, or a later question's key."""
        value = self.values.get(name, "")
        if value in ("", END):
            return value or None
        target = value.removeprefix(BRANCH_PREFIX)
        found = self.by_position.get(int(target)) if target.isdecimal() else None
        if found is None:
            self.form.fail(name, "Choose a question that is on the survey.")
            return None
        if found.position <= position:
            self.form.fail(name, "Jump only to a later question: a survey never goes back.")
            return None
        return found.key


class OptionsReader:
    """A choice question's option rows."""

    def __init__(self, questions: QuestionsReader, fieldset: _Fieldset):
        self.questions, self.fieldset = questions, fieldset
        stored = questions.stored.get(fieldset.key)
        self.stored_keys = {o.key for o in stored.options} if stored else set()

    def field(self, row: int, name: str) -> str:
        return option_field(self.fieldset.position, row, name)

    def value(self, row: int, name: str) -> str:
        return self.questions.values.get(self.field(row, name), "")

    def read(self) -> tuple[Option, ...]:
        form = self.questions.form
        rows = [r for r in OPTION_ROWS if self.value(r, "label").strip()]
        keys = self._keys(rows)
        options = tuple(self._option(row, keys[row]) for row in rows)
        labels = [o.label.casefold() for o in options]
        for row, label in zip(rows, labels, strict=True):
            if labels.count(label) > 1 and labels.index(label) != rows.index(row):
                form.fail(self.field(row, "label"), "Give each option a different label.")
        others = [row for row, o in zip(rows, options, strict=True) if o.other]
        if len(others) > 1:
            form.fail(self.field(others[1], "other"), "Only one option can be “Other”.")
        elif others and others[0] != rows[-1]:
            form.fail(self.field(others[0], "other"), "Make the “Other” option the last one.")
        if len(options) < MIN_OPTIONS:
            form.fail(
                question_field(self.fieldset.position, "type"),
                f"Give a choice question at least {MIN_OPTIONS} options.",
            )
        return options

    def _keys(self, rows: list[int]) -> dict[int, str]:
        """Each row's key: its stored one, else one made from its label, never twice."""
        keys: dict[int, str] = {}
        for row in rows:
            key = self.value(row, "key").strip()
            if key in self.stored_keys and key not in keys.values():
                keys[row] = key
        taken = set(self.stored_keys) | set(keys.values())
        for row in rows:
            if row not in keys:
                keys[row] = _new_key(self.value(row, "label"), self.value(row, "other") == "true",
                                     taken)  # fmt: skip
                taken.add(keys[row])
        return keys

    def _option(self, row: int, key: str) -> Option:
        form = self.questions.form
        label = form.read(
            self.field(row, "label"), partial(parse_line, "a label", 1, MAX_LABEL), ""
        )
        return Option(
            key=key,
            label=label,
            other=self.value(row, "other") == "true",
            next=self.questions.branch(self.field(row, "next"), self.fieldset.position),
            remedy=self._remedy(row),
        )

    def _remedy(self, row: int) -> Remedy | None:
        value = self.value(row, "remedy")
        if not value:
            return None
        choice = self.questions.terms.remedies.get(value)
        if choice is None:
            self.questions.form.fail(
                self.field(row, "remedy"), "Choose an offer of this store's campaigns."
            )
            return None
        if self.questions.order_linked:
            self.questions.form.fail(
                self.field(row, "remedy"),
                "An offer shows only on your shop's pages: a survey after an order has none.",
            )
            return None
        return Remedy(choice.campaign, choice.variant)


def _new_key(label: str, other: bool, taken: set[str]) -> str:
    """A key from the label (``Free returns`` → ``free_returns``), unique in its question."""
    base = "other"
    if not other:  # whole words, up to 30 characters
        base = ""
        for word in re.findall(r"[a-z0-9]+", label.casefold()):
            if len(base) + len(word) + 1 > MAX_KEY_WORDS:
                break
            base = f"{base}_{word}" if base else word
    base = base if _OPTION_KEY.fullmatch(base) else "option"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key
