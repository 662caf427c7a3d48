"""The merchant's ``survey.response.created`` webhook: a completed response as its payload
carries it (schema: README.md, "Webhooks"). Email answers are left out (personal data, given
for the shop's own follow-up, not for a third party's URL): the payload says only that the
question was answered."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiosqlite

from server.db import read_one
from server.surveys.model import Answer, Survey, SurveyResponse
from server.webhooks.emitting import emit, iso_time
from server.webhooks.queries import subscribed

EVENT = "survey.response.created"


async def emit_completed(
    conn: aiosqlite.Connection, survey: Survey, response: SurveyResponse,
    answers: Mapping[str, Answer], now: int,
) -> None:  # fmt: skip
    """The event, in the completing answer's write, when an endpoint wants it."""
    if not await subscribed(conn, response.store_id, EVENT):
        return
    order = None
    if response.order_id is not None:
        order = await read_one(
            conn, "SELECT public_id FROM orders WHERE id = ?", (response.order_id,)
        )
    data = {
        "survey_id": survey.public_id,
        "survey_name": survey.name,
        "response_id": response.public_id,
        "order_id": order["public_id"] if order else None,
        "signal": response.signal,
        "completed_at": iso_time(now),
        "answers": [answer_data(survey, key, answer) for key, answer in answers.items()],
    }
    await emit(conn, response.store_id, EVENT, data, now)


def answer_data(survey: Survey, key: str, answer: Answer) -> dict[str, Any]:
    question = survey.question(key)
    kind = question.type if question else "unknown"
    given = {
        "question": key,
        "type": kind,
        "prompt": question.prompt if question else "",
        "skipped": answer.skipped,
    }
    if kind == "email":
        return given
    return given | {"options": list(answer.options), "number": answer.number,
                    "text": answer.text}  # fmt: skip
