"""A survey as its form shows it (the inverse of `survey_form.read_survey`), and the form's
text from a posted form or a preview's query string."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import ImmutableMultiDict

from server.admin.campaigns.campaign_prefill import targeting_values, trigger_values
from server.admin.surveys.survey_fields import (
    LIST_FIELDS,
    OPTION_FIELDS,
    OPTION_FLAGS,
    OPTION_ROWS,
    POSITIONS,
    QUESTION_FIELDS,
    QUESTION_FLAGS,
    SURVEY_FIELDS,
    branch_value,
    option_field,
    question_field,
)
from server.forms import format_local_input
from server.surveys.model import END, Question, Survey

# A question fieldset nobody has filled in yet: a short text question, once given a prompt.
BLANK_QUESTION = Question(key="", type="short_text", prompt="", required=False)


def form_values(form: ImmutableMultiDict[str, Any]) -> dict[str, str]:
    """A posted form (or a preview's query) as flat text: checkboxes "true"/"false",
    checkbox groups space-separated. Anything not on the form is ignored."""
    values = {name: str(form.get(name, "")) for name in SURVEY_FIELDS}
    values |= {name: " ".join(str(v) for v in form.getlist(name)) for name in LIST_FIELDS}
    for position in POSITIONS:
        names = [question_field(position, n) for n in QUESTION_FIELDS]
        flags = [question_field(position, n) for n in QUESTION_FLAGS]
        for row in OPTION_ROWS:
            names += [option_field(position, row, n) for n in OPTION_FIELDS]
            flags += [option_field(position, row, n) for n in OPTION_FLAGS]
        values |= {name: str(form.get(name, "")) for name in names}
        values |= {name: "true" if form.get(name) else "false" for name in flags}
    return values


def survey_values(survey: Survey, currency: str, timezone: str) -> dict[str, str]:
    """Every field of the form, as text, for this survey."""

    def when(ms: int | None) -> str:
        return "" if ms is None else format_local_input(ms, timezone)

    values = {
        "name": survey.name,
        "status": survey.status,
        "starts_at": when(survey.starts_at),
        "ends_at": when(survey.ends_at),
        "moments": " ".join(survey.moments),
        **trigger_values(survey.trigger),
        **targeting_values(survey.targeting, currency),
        "recontact_mode": survey.recontact.mode,
        "recontact_days": str(survey.recontact.days),
        "sample_percent": str(survey.sample_percent),
        "thanks": survey.thanks,
    }
    positions = {q.key: n for n, q in enumerate(survey.questions, start=1)}

    def branch(target: str | None) -> str:
        if target is None:
            return ""
        return END if target == END else branch_value(positions.get(target, 0))

    for position in POSITIONS:
        asked = position <= len(survey.questions)
        question = survey.questions[position - 1] if asked else BLANK_QUESTION
        values |= _question_values(position, question, branch)
    return values


def _question_values(position: int, question: Question, branch: Any) -> dict[str, str]:
    fields = {
        "key": question.key,
        "type": question.type,
        "prompt": question.prompt,
        "next": branch(question.next),
        "points": str(question.points),
        "style": question.style,
        "low_label": question.low_label,
        "high_label": question.high_label,
        "max_length": "" if question.max_length is None else str(question.max_length),
        "consent_text": question.consent_text,
        "required": "true" if question.required else "false",
        "shuffle": "true" if question.shuffle else "false",
    }
    values = {question_field(position, name): text for name, text in fields.items()}
    for row in OPTION_ROWS:
        option = question.options[row - 1] if row <= len(question.options) else None
        values |= {
            option_field(position, row, "key"): option.key if option else "",
            option_field(position, row, "label"): option.label if option else "",
            option_field(position, row, "other"): "true" if option and option.other else "false",
            option_field(position, row, "next"): branch(option.next) if option else "",
            option_field(position, row, "remedy"): (
                f"{option.remedy.campaign}:{option.remedy.variant}"
                if option and option.remedy
                else ""
            ),
        }
    return values
