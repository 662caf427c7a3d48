"""The surveys list with the store's survey settings, a new survey from a template, the survey
form, and status changes. Every write is one transaction; a form with errors comes back with
its values and 422."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import aiosqlite
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.forms import FormPage, check_post
from server.admin.lifecycle import (
    STATUS_LABELS,
    settled_status,
    status_actions,
    status_change,
    status_choices,
)
from server.admin.pages import Merchant, found, login_required, render_store_form, store_for_request
from server.admin.surveys import labels
from server.admin.surveys.survey_fields import (
    MAX_OPTIONS,
    POSITIONS,
    RemedyChoice,
    SurveyTerms,
    branch_value,
    option_field,
    pick,
    question_field,
)
from server.admin.surveys.survey_form import read_survey
from server.admin.surveys.survey_prefill import form_values, survey_values
from server.db import Database
from server.errors import NotFound
from server.forms import FormInvalid, FormReader, whole
from server.money import example_amount
from server.offers import queries as campaign_queries
from server.services import services
from server.stores.service import Store
from server.surveys import queries
from server.surveys.model import PRIORITIES, Priority, Survey, SurveySettings
from server.surveys.templates import TEMPLATE_LABELS, from_template

NOTICES = {
    "survey": "Survey saved.",
    "created": "Survey created from its template. It stays a draft, unseen by shoppers,"
    " until it goes live.",
    "live": "Survey is live.",
    "paused": "Survey paused. Shoppers no longer see it.",
    "ended": "Survey ended. Its results stay here.",
    "settings": "Survey settings saved.",
}  # fmt: skip
# Answers past this many only say "more than": the count is a warning, not a figure.
ANSWERED_WARNING_CAP = 1000


def surveys_url(store: Store, path: str = "") -> str:
    return f"/admin/stores/{store.id}/surveys{path}"


def render_surveys(
    request: Request,
    merchant: Merchant,
    store: Store,
    template: str,
    context: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"surveys_base": surveys_url(store), "status_labels": STATUS_LABELS,
               "labels": labels, **context}  # fmt: skip
    return render_store_form(
        request, merchant, store, f"surveys/{template}", context, errors, NOTICES
    )


async def survey_for_request(request: Request, store: Store) -> Survey:
    return found(
        await queries.load_survey(services(request).db, store.id, request.path_params["survey"]),
        "There is no such survey.",
    )


async def remedy_choices(db: Database, store_id: int, survey: Survey) -> dict[str, RemedyChoice]:
    """The variants of the store's campaigns, each an offer an answer may lead to: every
    campaign that has not ended, and an ended one the survey links still (so the survey reads
    back; it shows nothing)."""
    linked = {(o.remedy.campaign, o.remedy.variant) for q in survey.questions
              for o in q.options if o.remedy}  # fmt: skip
    choices: dict[str, RemedyChoice] = {}
    for campaign in await campaign_queries.list_campaigns(db, store_id):
        assert campaign.public_id is not None
        own = None if campaign.trigger.kind == "survey_answer" else campaign.trigger.kind
        ended = campaign.status == "ended"
        for variant in campaign.variants:
            if ended and (campaign.public_id, variant.key) not in linked:
                continue
            label = (f"{campaign.name}{' (ended)' if ended else ''}: variant {variant.key},"
                     f" “{variant.headline}”")  # fmt: skip
            choice = RemedyChoice(campaign.public_id, variant.key, label, own,
                                  campaign.targeting.utm_sources)  # fmt: skip
            choices[choice.value] = choice
    return choices


# ---- the list and the store's survey settings ---------------------------------------------


async def survey_settings(request: Request, store: Store) -> SurveySettings:
    return await queries.load_settings(services(request).db, store.id)


def settings_values(settings: SurveySettings, store: Store) -> dict[str, str]:
    return {"min_gap_days": str(settings.min_gap_days), "priority": settings.priority}


def read_settings(values: dict[str, str]) -> SurveySettings:
    reader = FormReader(values)
    gap = reader.read(
        "min_gap_days", whole(0, 365, "Enter the days: a whole number from 0 to 365."), 14
    )
    priority: Priority | None = pick(PRIORITIES, values.get("priority"))
    if priority is None:
        reader.fail("priority", "Choose which shows first: offers or surveys.")
    reader.done()
    assert priority is not None
    return SurveySettings(min_gap_days=gap, priority=priority)


async def _render_list(
    request: Request,
    merchant: Merchant,
    store: Store,
    saved: SurveySettings,
    settings: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    surveys = await queries.list_surveys(services(request).db, store.id)
    rows = [{"survey": survey, "actions": status_actions(survey.status)} for survey in surveys]
    context = {"rows": rows, "settings": settings}
    return render_surveys(request, merchant, store, "list.html", context, errors)


settings_form = FormPage(
    load=survey_settings,
    initial=settings_values,
    fields=("min_gap_days", "priority"),
    read=lambda values, store, saved: read_settings(values),
    write=lambda conn, store, saved, settings, now: queries.save_settings(
        conn, store.id, settings, now
    ),
    render=_render_list,
    done=lambda store, saved, _: surveys_url(store, "?saved=settings"),
)


# ---- a new survey from a template -------------------------------------------------------


@login_required
async def new_survey_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return _render_templates(request, merchant, store, "exit")


def _render_templates(
    request: Request,
    merchant: Merchant,
    store: Store,
    chosen: str,
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"templates": list(TEMPLATE_LABELS.items()), "chosen": chosen}
    return render_surveys(request, merchant, store, "new.html", context, errors)


@login_required
async def create_survey(request: Request, merchant: Merchant) -> Response:
    """A draft from the chosen template, saved at once: the merchant edits it from there."""
    store = await store_for_request(request)
    form = await check_post(request, merchant)
    template = str(form.get("template", ""))
    if template not in TEMPLATE_LABELS:
        errors = {"template": "Choose a template, or a blank survey."}
        return _render_templates(request, merchant, store, template, errors)
    draft = from_template(template, store.id)
    now = services(request).clock.now_ms()
    saved = await services(request).db.write(lambda conn: queries.save_survey(conn, draft, now))
    return RedirectResponse(surveys_url(store, f"/{saved.public_id}?saved=created"), 303)


# ---- editing ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Editing:
    survey: Survey
    terms: SurveyTerms


async def survey_and_terms(request: Request, store: Store) -> Editing:
    survey = await survey_for_request(request, store)
    db = services(request).db
    remedies = await remedy_choices(db, store.id, survey)
    assert survey.id is not None
    answered = await queries.answered_questions(db, survey.id)
    terms = SurveyTerms(store.currency, store.timezone, survey, remedies, answered)
    return Editing(survey, terms)


def edited_form(form: FormData, store: Store) -> dict[str, str]:
    """The survey form, and the status it showed when it was opened."""
    return form_values(form) | {"status_shown": str(form.get("status_shown", ""))}


async def save_edit(
    conn: aiosqlite.Connection, store: Store, current: Survey, edited: Survey, shown: str, now: int
) -> None:
    assert current.public_id is not None
    # Read inside the write: another tab may have changed the status since the form opened.
    stored = await queries.load_survey(conn, store.id, current.public_id)
    if stored is None:
        raise NotFound("There is no such survey.")
    status = settled_status(stored.status, edited.status, shown, "survey")
    kept = dataclasses.replace(
        edited, id=stored.id, public_id=stored.public_id, store_id=store.id, status=status,
        template=stored.template,
    )  # fmt: skip
    await queries.save_survey(conn, kept, now)


async def _render_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    editing: Editing,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    survey, remedies = editing.survey, editing.terms.remedies
    linked = linked_remedies(values, remedies)
    base = surveys_url(store, f"/{survey.public_id}")
    context = {
        "survey": survey,
        "answered": await _answered(services(request).db, survey),
        "answered_cap": ANSWERED_WARNING_CAP,
        "values": values,
        "positions": POSITIONS,
        "option_rows": range(1, MAX_OPTIONS + 1),
        "q": question_field,
        "o": option_field,
        "layout": form_layout(values, errors or {}),
        "branch_value": branch_value,
        "remedy_options": [("", "No offer"), *((c.value, c.label) for c in remedies.values())],
        "branches": branch_choices(values),
        "own_trigger_remedies": [r for r in linked if r.own_trigger],
        "sourced_remedies": [r for r in linked if r.utm_sources],
        "money_example": example_amount(store.currency),
        "preview_url": base + "/preview",
        "action": base,
        "status_choices": status_choices(survey.status),
    }
    return render_surveys(request, merchant, store, "form.html", context, errors)


def linked_remedies(
    values: dict[str, str], remedies: Mapping[str, RemedyChoice]
) -> list[RemedyChoice]:
    """The offers the form links answers to. The form warns of those whose campaigns also
    show on a trigger of their own (a shopper may see them without answering) and of those
    only for some link sources (a shopper the widget may not remember has none), but saves."""
    linked = {values.get(option_field(p, r, "remedy"), "") for p in POSITIONS
              for r in range(1, MAX_OPTIONS + 1)}  # fmt: skip
    return [remedies[v] for v in sorted(linked) if v in remedies]


@dataclasses.dataclass(frozen=True)
class Branches:
    question: list[tuple[str, str]]  # where a question leads
    option: list[tuple[str, str]]  # where an answer leads


def branch_choices(values: Mapping[str, str]) -> dict[int, Branches]:
    """Each fieldset's branch choices: on, the end, or a later fieldset (named by its text)."""

    def later(position: int) -> list[tuple[str, str]]:
        found = []
        for target in POSITIONS[position:]:
            prompt = values.get(question_field(target, "prompt"), "").strip()
            said = f": {prompt[:60]}" if prompt else " (not asked yet)"
            found.append((branch_value(target), f"Jump to question {target}{said}"))
        return found

    end = ("end", "End the survey")
    return {
        p: Branches(
            [("", "Go on to the next question"), end, *later(p)],
            [("", "As the question says"), end, *later(p)],
        )
        for p in POSITIONS
    }


@dataclasses.dataclass(frozen=True)
class QuestionLayout:
    """How a question fieldset is shown: open when asked (or in error), and its option rows
    up to the last one filled and a blank one after it; the rest folded under "More options"
    (open when one of them has an error)."""

    asked: bool
    shown_rows: int
    more_open: bool


def form_layout(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[int, QuestionLayout]:
    layout = {}
    for position in POSITIONS:
        prefix = question_field(position, "")
        filled = [r for r in range(1, MAX_OPTIONS + 1)
                  if values.get(option_field(position, r, "label"), "").strip()]  # fmt: skip
        shown = min(MAX_OPTIONS, max(2, (filled[-1] if filled else 0) + 1))
        in_error = [name for name in errors if name.startswith(prefix)]
        more_open = any(
            name.startswith(option_field(position, r, "")) for name in in_error
            for r in range(shown + 1, MAX_OPTIONS + 1)
        )  # fmt: skip
        asked = bool(values.get(question_field(position, "prompt"), "").strip()) or bool(filled)
        layout[position] = QuestionLayout(asked or bool(in_error), shown, more_open)
    return layout


async def _answered(db: Database, survey: Survey) -> int:
    """How many responses have answers (up to the cap): editing questions then is warned."""
    return await db.fetch_value(
        "SELECT count(*) FROM (SELECT 1 FROM survey_responses WHERE survey_id = ?"
        " AND status != 'shown' LIMIT ?)",
        (survey.id, ANSWERED_WARNING_CAP + 1),
    )


edit_survey = FormPage(
    load=survey_and_terms,
    initial=lambda editing, store: survey_values(editing.survey, store.currency, store.timezone),
    submitted=edited_form,
    read=lambda values, store, editing: (
        read_survey(values, editing.terms),
        values["status_shown"],
    ),
    write=lambda conn, store, editing, edit, now: save_edit(
        conn, store, editing.survey, edit[0], edit[1], now
    ),
    render=_render_form,
    done=lambda store, editing, _: surveys_url(store, "?saved=survey"),
    reload_after_conflict=True,  # shows the status as it is now
)


# The list's status buttons.
change_status = status_change("survey", queries.load_survey, queries.set_status, surveys_url)


__all__ = ["FormInvalid", "change_status", "create_survey", "edit_survey", "new_survey_page",
           "settings_form"]  # fmt: skip
