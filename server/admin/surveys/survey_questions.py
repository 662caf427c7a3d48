"""The survey form's questions: each question fieldset and its option rows, read into
``Question``s and ``Option``s with their keys kept (``survey_form`` reads the rest of the
form; the form's field names are ``survey_fields``)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from server.admin.surveys.survey_fields import (
    BRANCH_PREFIX,
    MAX_LABEL,
    MAX_PROMPT,
    MAX_SCALE_LABEL,
    MIN_OPTIONS,
    OPTION_ROWS,
    POSITIONS,
    QUESTION_FLAGS,
    SurveyTerms,
    option_field,
    pick,
    question_field,
    whole_number,
)
from server.forms import FormReader, parse_line
from server.surveys.model import (
    CHOICE_TYPES,
    END,
    MAX_LONG_TEXT,
    MAX_SHORT_TEXT,
    QUESTION_TYPES,
    Option,
    Question,
    QuestionType,
    Remedy,
)

_KEY = re.compile(r"q[1-9][0-9]{0,2}")
_OPTION_KEY = re.compile(r"[a-z0-9_]{1,40}")
MAX_KEY_WORDS = 30  # characters of a label's words an option's new key is made from
_POINTED: tuple[QuestionType, ...] = ("rating", "csat")  # scored from 1 to their points
_read_points = whole_number(2, 10, "the highest score")


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
        """The fieldsets with a prompt (or options): each with its stored key, or a new one
        (also for an answered question whose type or scale changes)."""
        filled = [p for p in POSITIONS if self._filled(p)]
        kept: dict[int, str] = {}
        for position in filled:
            key = self.text(position, "key").strip()
            if (
                key in self.stored
                and key not in kept.values()
                and not self._reshaped(key, position)
            ):
                kept[position] = key
        ever = [*self.stored, *kept.values(), *self.terms.answered]
        taken = [int(k[1:]) for k in ever if _KEY.fullmatch(k)]
        number = max(taken, default=0)
        used = []
        for position in filled:
            if position not in kept:
                number += 1
                kept[position] = f"q{number}"
            used.append(_Fieldset(position, kept[position]))
        return used

    def _reshaped(self, key: str, position: int) -> bool:
        """Whether the fieldset changes the type or scale of the answered question ``key``:
        its answers were given to another question ("8 of 10" would read "8.00 of 5"), so it
        gets a new key and they leave its results, as a removed question's do."""
        stored = self.stored[key]
        if key not in self.terms.answered:
            return False
        kind = self.text(position, "type")
        if kind != stored.type:
            return True
        if kind not in _POINTED:
            return False
        try:  # points that don't parse are the form's error: nothing is saved
            points = _read_points(self.text(position, "points"))
        except ValueError:
            return False
        return points != stored.points

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
        if kind in _POINTED:
            question = dataclasses.replace(
                question,
                points=form.read(name("points"), _read_points, 5),
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
            max_length=form.optional(name("max_length"), whole_number(1, limit, "a length")),
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
