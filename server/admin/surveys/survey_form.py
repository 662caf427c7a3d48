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
label, ``free_returns``). The field names are ``survey_fields``; the questions are read by
``survey_questions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from server.admin.campaigns.campaign_form import read_targeting, read_trigger
from server.admin.surveys.survey_fields import (
    MAX_THANKS,
    RemedyChoice,
    SurveyTerms,
    pick,
    whole_number,
)
from server.admin.surveys.survey_questions import QuestionsReader
from server.forms import FormInvalid, FormReader, parse_line, parse_local_datetime
from server.surveys.model import (
    MOMENTS,
    ORDER_MOMENTS,
    PAGE_MOMENTS,
    RECONTACT_MODES,
    STATUSES,
    Moment,
    Recontact,
    RecontactMode,
    Status,
    Survey,
)

__all__ = ["FormInvalid", "RemedyChoice", "SurveyTerms", "preview_survey", "read_survey"]


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
        sample_percent=form.read("sample_percent", whole_number(1, 100, "a percentage"), 100),
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
        days = form.read("recontact_days", whole_number(1, 365, "days"), days)
    return Recontact(mode, days)
