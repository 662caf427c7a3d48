"""Surveys' part of one shopper's data (``server.privacy`` asks every area for its own): their
responses, found for the store's owner to hand over or delete.

A response is the shopper's when it was given by one of their visitor ids (and gave no other
email: a browser can be shared), or when they gave their email in it (an email question,
answered with consent), or when it belongs to one of their orders (a survey on the confirmation
or the order-status page). Nothing else in a response says who gave it: its page is a path
without a query, and no answer holds personal data unless a question asked for an email.

Deleting a response deletes its answers with it (``ON DELETE CASCADE``); the offer exposure a
remedy recorded is the campaign's, and stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one
from server.surveys.model import Question, questions_from_json

# The most responses read for one shopper (listed and exported; all of them are deleted).
MAX_RESPONSES = 500

# Each stored answer row: question, option, number, text, consent.
AnswerRow = tuple[str, str, int | None, str | None, str | None]


@dataclass(frozen=True)
class ShopperResponse:
    id: int
    public_id: str
    survey_name: str
    status: str
    shown_at: int
    page: str
    order_number: int | None
    questions: tuple[Question, ...]  # the survey's, as asked now
    answers: list[AnswerRow]


def _matching_ids(
    store_id: int, email: str, visitor_ids: Sequence[str], order_ids: Sequence[int]
) -> tuple[str, list[Any]]:
    """The ids of the shopper's responses in the store, as a query."""
    parts: list[str] = []
    params: list[Any] = []
    if visitor_ids:
        # A browser can be shared: a response from it that gave another email (or any email,
        # when none is named) is that email's person's, not theirs.
        marks = ",".join("?" * len(visitor_ids))
        parts.append(
            "SELECT r.id FROM survey_responses r"
            f" WHERE r.store_id = ? AND r.visitor_id IN ({marks})"  # survey_responses_by_visitor
            " AND NOT EXISTS (SELECT 1 FROM survey_answers a WHERE a.response_id = r.id"
            " AND a.consent IS NOT NULL AND a.text IS NOT ?)"
        )
        params += [store_id, *visitor_ids, email]
    if email:
        # An email answer, by the consented answers' own index (survey_answers_by_email),
        # each one's response by its key: never a walk of the store's responses.
        parts.append(
            "SELECT r.id FROM survey_answers a INDEXED BY survey_answers_by_email"
            " CROSS JOIN survey_responses r ON r.id = a.response_id"
            " WHERE a.text = ? AND a.consent IS NOT NULL AND r.store_id = ?"
        )
        params += [email, store_id]
    if order_ids:
        # Each of the store's surveys' response to each order (survey_responses_by_order).
        parts.append(
            "SELECT r.id FROM surveys s CROSS JOIN survey_responses r ON r.survey_id = s.id"
            f" WHERE s.store_id = ? AND r.order_id IN ({','.join('?' * len(order_ids))})"
        )
        params += [store_id, *order_ids]
    return " UNION ".join(parts) or "SELECT NULL WHERE 0", params


async def count_shopper_responses(
    db: Reader, store_id: int, email: str, visitor_ids: Sequence[str], order_ids: Sequence[int]
) -> int:
    ids, params = _matching_ids(store_id, email, visitor_ids, order_ids)
    row = await read_one(db, f"SELECT count(*) FROM ({ids})", params)
    return int(row[0]) if row else 0


async def shopper_responses(
    db: Reader, store_id: int, email: str, visitor_ids: Sequence[str], order_ids: Sequence[int]
) -> list[ShopperResponse]:
    """The shopper's responses in the store, newest first (MAX_RESPONSES at most), with
    their answers."""
    ids, params = _matching_ids(store_id, email, visitor_ids, order_ids)
    rows = await read_all(
        db,
        "SELECT r.id, r.public_id, s.name AS survey_name, s.questions, r.status, r.shown_at,"
        " r.page, o.number AS order_number FROM survey_responses r"
        " JOIN surveys s ON s.id = r.survey_id LEFT JOIN orders o ON o.id = r.order_id"
        f" WHERE r.id IN ({ids}) ORDER BY r.shown_at DESC, r.id DESC LIMIT ?",
        [*params, MAX_RESPONSES],
    )
    answers = await _answers_of(db, [row["id"] for row in rows])
    return [
        ShopperResponse(
            row["id"], row["public_id"], row["survey_name"], row["status"], row["shown_at"],
            row["page"], row["order_number"], questions_from_json(row["questions"]),
            answers.get(row["id"], []),
        )
        for row in rows
    ]  # fmt: skip


async def _answers_of(db: Reader, response_ids: list[int]) -> dict[int, list[AnswerRow]]:
    if not response_ids:
        return {}
    marks = ",".join("?" * len(response_ids))
    rows = await read_all(
        db,
        "SELECT response_id, question, option, number, text, consent FROM survey_answers"
        f" WHERE response_id IN ({marks}) ORDER BY response_id, question, option",
        response_ids,
    )
    found: dict[int, list[AnswerRow]] = {}
    for row in rows:
        found.setdefault(row["response_id"], []).append(
            (row["question"], row["option"], row["number"], row["text"], row["consent"])
        )
    return found


async def erase_shopper_responses(
    conn: aiosqlite.Connection,
    store_id: int,
    email: str,
    visitor_ids: Sequence[str],
    order_ids: Sequence[int],
) -> int:
    """Delete the shopper's responses in the store (their answers go with them), inside a
    write; how many were deleted."""
    ids, params = _matching_ids(store_id, email, visitor_ids, order_ids)
    cursor = await conn.execute(f"DELETE FROM survey_responses WHERE id IN ({ids})", params)
    return cursor.rowcount
