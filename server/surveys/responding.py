"""A shopper answering a survey: each step one write transaction, so frequency is decided
where the response is written (two tabs cannot both be shown a survey "once"), and an answer
and its consequences (the response's status, a remedy offer) are stored together or not at
all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Database
from server.errors import Conflict
from server.stores.service import Store
from server.surveys import queries, remedies, webhook_data
from server.surveys.model import (
    DEFAULT_SETTINGS,
    Answer,
    Question,
    Survey,
    SurveyResponse,
    SurveySettings,
)
from server.surveys.queries import NewResponse
from server.surveys.service import (
    ResponseClaim,
    answered_path,
    check_visitor,
    not_due,
    resumable,
)


@dataclass(frozen=True)
class Opened:
    """The response a survey shows with: new, or an open one resumed with its answers."""

    response: SurveyResponse
    answers: dict[str, Answer]
    resumed: bool


@dataclass(frozen=True)
class AnswerResult:
    next: str | None  # the question to ask next; None when the survey is done
    done: bool
    remedy: dict[str, Any] | None  # remedies.offer_remedy's answer, with the completing one


class SurveyNotDue(Conflict):
    """409 survey_not_due; its ``field`` is the reason (``service.not_due``'s)."""

    code = "survey_not_due"

    def __init__(self, reason: str):
        super().__init__(f"This survey isn't due for this visitor ({reason}).", field=reason)
        self.reason = reason


class ResponseCompleted(Conflict):
    """409 response_completed: an answer to a response already completed."""

    code = "response_completed"


class QuestionNotNext(Conflict):
    """409 question_not_next: an answer to a question the response hasn't reached."""

    code = "question_not_next"


async def start_response(
    db: Database, *, survey: Survey, settings: SurveySettings, new: NewResponse, now: int
) -> Opened:
    """Resume the visitor's (or the order's) open response, or show the survey anew when the
    visitor is due it; SurveyNotDue otherwise. Decided inside the write."""
    return await db.write(lambda conn: _open(conn, survey, settings, new, now))


async def record_answer(
    db: Database,
    *,
    store: Store,
    survey: Survey,
    claim: ResponseClaim,
    question: Question,
    answer: Answer,
    now: int,
) -> AnswerResult:
    """Save ``answer`` to ``question`` of the claimed response (replacing an earlier one), and
    complete the response once its path is answered to the end: then its remedy, if any, is
    offered in the same write. 409 response_completed for a completed response."""
    assert survey.id is not None
    survey_id = survey.id

    async def write(conn: aiosqlite.Connection) -> AnswerResult:
        stored = await queries.load_response(conn, survey_id, claim.response)
        response = check_visitor(claim, stored)
        return await _record(conn, store, survey, response, question, answer, now)

    return await db.write(write)


async def answer_for_order(
    db: Database,
    *,
    store: Store,
    survey: Survey,
    new: NewResponse,
    question: Question,
    answer: Answer,
    now: int,
) -> AnswerResult:
    """The order-status page's step: the order's response (begun by this answer when it is
    the first) takes ``answer``, in one write. SurveyNotDue once the order's is completed
    (or the order is outside the survey's sample)."""
    settings = DEFAULT_SETTINGS  # for an order, the store's gap between surveys never applies

    async def write(conn: aiosqlite.Connection) -> AnswerResult:
        opened = await _open(conn, survey, settings, new, now)
        return await _record(conn, store, survey, opened.response, question, answer, now)

    return await db.write(write)


async def _open(
    conn: aiosqlite.Connection,
    survey: Survey,
    settings: SurveySettings,
    new: NewResponse,
    now: int,
) -> Opened:
    for_order = new.order_id is not None
    latest, last_other = await _history(conn, survey, new)
    if latest is not None and _may_resume(latest, now, for_order=for_order):
        return Opened(latest, await queries.load_answers(conn, latest.id), resumed=True)
    reason = not_due(survey, latest, last_other, settings, new.visitor_id, now, for_order=for_order)
    if reason is not None:
        raise SurveyNotDue(reason)
    return Opened(await queries.insert_response(conn, new, now), {}, resumed=False)


async def _history(
    conn: aiosqlite.Connection, survey: Survey, new: NewResponse
) -> tuple[SurveyResponse | None, int | None]:
    """The latest response this showing continues or follows (the order's, for an order), and
    when the visitor was last shown another survey."""
    assert survey.id is not None
    if new.order_id is not None:
        return await queries.response_for_order(conn, survey.id, new.order_id), None
    history = await queries.visitor_history(conn, new.store_id, new.visitor_id)
    return history.latest.get(survey.id), history.last_shown_other_than(survey.id)


def _may_resume(latest: SurveyResponse, now: int, *, for_order: bool) -> bool:
    if for_order:  # one response per order, however long ago it was begun
        return latest.status != "completed"
    return resumable(latest, now)


async def _record(
    conn: aiosqlite.Connection,
    store: Store,
    survey: Survey,
    response: SurveyResponse,
    question: Question,
    answer: Answer,
    now: int,
) -> AnswerResult:
    if response.status == "completed" or await _answered_before(conn, survey, response):
        raise ResponseCompleted("This survey is already answered.")
    _check_on_path(survey, await queries.load_answers(conn, response.id), question)
    await queries.replace_answers(conn, response.id, question, answer, now)
    answers = await queries.load_answers(conn, response.id)
    path, following = answered_path(survey, answers)
    if following is not None:
        await queries.set_response_status(conn, response.id, "started", now)
        return AnswerResult(following, done=False, remedy=None)
    # Answers left on a branch no longer taken (an earlier answer changed) are not kept.
    await queries.keep_answers_of(conn, response.id, path)
    await queries.set_response_status(conn, response.id, "completed", now)
    kept = {key: answers[key] for key in path}
    await webhook_data.emit_completed(conn, survey, response, kept, now)
    remedy = await remedies.offer_remedy(
        conn, store=store, survey=survey, response=response, answers=kept, now=now
    )
    return AnswerResult(None, done=True, remedy=remedy)


async def _answered_before(
    conn: aiosqlite.Connection, survey: Survey, response: SurveyResponse
) -> bool:
    """A survey asked until answered (or once) is answered once per visitor: a response left
    open past a week gave way to a new one, and once that is completed the old one's token
    completes nothing (results would count the visitor twice)."""
    if response.order_id is not None or survey.recontact.mode == "every_n_days":
        return False
    return await queries.completed_elsewhere(conn, response)


def _check_on_path(survey: Survey, answers: dict[str, Answer], question: Question) -> None:
    """The question asked next, or one already answered on the response's path (the shopper
    went back to change it); any other (ahead, or on a branch the answers don't take) would
    store answers the shopper was never asked, which results would count."""
    path, following = answered_path(survey, answers)
    if question.key != following and question.key not in path:
        raise QuestionNotNext(
            "That question isn't the survey's next one for this response.", field="question"
        )
