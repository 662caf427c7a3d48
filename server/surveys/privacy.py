"""One shopper's survey answers: found, for the store's owner to hand over or delete.

A response is the shopper's when it was given by their visitor id, or when they gave their
email in it (an email question, answered with consent), or when it belongs to an order
placed with their email (a survey on the confirmation or the order-status page). Nothing
else in a response says who gave it: its page is a path without a query, and no answer holds
personal data unless a question asked for an email.

Deleting a response deletes its answers with it (``ON DELETE CASCADE``); the offer exposure a
remedy recorded is the campaign's, and stays.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from server.db import Reader, read_all
from server.surveys.model import Question, questions_from_json

# The most responses the owner's page lists (and deletes) at once for one shopper.
MAX_RESPONSES = 500


@dataclass(frozen=True)
class ShopperKey:
    """How the owner names the shopper: the email they used, or their visitor id."""

    email: str = ""  # normalised (server.emails.normalize_email)
    visitor_id: str = ""


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
    # Each stored answer row: question, option, number, text, consent.
    answers: list[tuple[str, str, int | None, str | None, str | None]]


def _matching_ids(store_id: int, key: ShopperKey) -> tuple[str, list[object]]:
    """The ids of the shopper's responses in the store, as a query."""
    parts: list[str] = []
    params: list[object] = []
    if key.visitor_id:
        parts.append(
            "SELECT id FROM survey_responses WHERE store_id = ? AND visitor_id = ?"
        )  # survey_responses_by_visitor
        params += [store_id, key.visitor_id]
    if key.email:
        # An email answer: the store's responses (by the visitor index's store prefix), each
        # one's answers by their key; and an order's responses, by the order's email index.
        parts.append(
            "SELECT r.id FROM survey_responses r INDEXED BY survey_responses_by_visitor"
            " CROSS JOIN survey_answers a ON a.response_id = r.id"
            " WHERE r.store_id = ? AND a.consent IS NOT NULL AND a.text = ?"
        )
        parts.append(
            "SELECT r.id FROM orders o INDEXED BY orders_by_email"
            " CROSS JOIN surveys s ON s.store_id = o.store_id"
            " CROSS JOIN survey_responses r ON r.survey_id = s.id AND r.order_id = o.id"
            " WHERE o.store_id = ? AND o.email = ?"
        )
        params += [store_id, key.email, store_id, key.email]
    return " UNION ".join(parts) or "SELECT NULL WHERE 0", params


async def shopper_responses(db: Reader, store_id: int, key: ShopperKey) -> list[ShopperResponse]:
    """The shopper's responses in the store, newest first, with their answers."""
    ids, params = _matching_ids(store_id, key)
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


async def _answers_of(db: Reader, response_ids: list[int]) -> dict[int, list]:
    if not response_ids:
        return {}
    marks = ",".join("?" * len(response_ids))
    rows = await read_all(
        db,
        "SELECT response_id, question, option, number, text, consent FROM survey_answers"
        f" WHERE response_id IN ({marks}) ORDER BY response_id, question, option",
        response_ids,
    )
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row["response_id"], []).append(
            (row["question"], row["option"], row["number"], row["text"], row["consent"])
        )
    return found


async def erase_shopper_responses(
    conn: aiosqlite.Connection, store_id: int, key: ShopperKey
) -> int:
    """Delete the shopper's responses in the store (their answers go with them), inside a
    write; how many were deleted."""
    ids, params = _matching_ids(store_id, key)
    cursor = await conn.execute(f"DELETE FROM survey_responses WHERE id IN ({ids})", params)
    return cursor.rowcount
