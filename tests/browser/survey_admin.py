"""The browser tier's survey admin: a survey answered by shoppers, written into a running
stack as the public API writes responses."""

from __future__ import annotations

import asyncio
import dataclasses
from concurrent.futures import ThreadPoolExecutor

from server.clock import now_ms
from server.db import Database
from server.surveys.model import Answer, Question, Survey
from server.surveys.queries import (
    NewResponse,
    insert_response,
    load_survey,
    replace_answers,
    save_survey,
    set_response_status,
)
from server.surveys.templates import from_template
from tests.browser.conftest import Stack

FOLLOW_UP = Question("q2", "long_text", "Anything else?", required=False)
# (reason, what else they wrote): shoppers' answers to the exit survey and its follow-up.
EXIT_ANSWERS = [
    ("delivery", "Shipping cost more than the apron"),
    ("delivery", ""),
    ("unexpected_costs", "Tax added at the end"),
    ("just_browsing", ""),
]


def answer_survey(stack: Stack, survey_id: str, answers: list[tuple[str, str]]) -> None:
    """Responses to the store's survey ``survey_id`` (an exit survey), completed a minute ago,
    one per ``(reason, text)``, plus one shown and left unanswered."""

    async def write(conn) -> None:
        survey = await load_survey(conn, stack.store.id, survey_id)
        assert survey is not None and survey.id is not None
        at = now_ms() - 60_000
        for n, (reason, text) in enumerate([*answers, ("", "")]):
            new = NewResponse(survey.id, stack.store.id, f"v_answer_{n}", "", None, "exit_top",
                              "/", "desktop", 4200, "")  # fmt: skip
            response = await insert_response(conn, new, at)
            if not reason:
                continue
            await replace_answers(conn, response.id, survey.questions[0], Answer((reason,)), at)
            follow_up = survey.question("q2")
            if follow_up is not None:
                await replace_answers(conn, response.id, follow_up, Answer(text=text or None), at)
            await set_response_status(conn, response.id, "completed", at)

    _write(stack, write)


def live_exit_survey(stack: Stack) -> Survey:
    """A live exit survey with a written follow-up question, answered by a few shoppers."""
    base = from_template("exit", stack.store.id)
    survey = dataclasses.replace(base, status="live", questions=(*base.questions, FOLLOW_UP))
    saved = _write(stack, lambda conn: save_survey(conn, survey, now_ms()))
    assert saved.public_id is not None
    answer_survey(stack, saved.public_id, EXIT_ANSWERS)
    return saved


def _write(stack: Stack, write) -> object:
    """``write(conn)`` in one transaction of the stack's database, from a thread of its own
    (Playwright's sync API owns this thread's event loop)."""

    async def run() -> object:
        db = Database(stack.db_path)
        await db.open()
        try:
            return await db.write(write)
        finally:
            await db.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()
