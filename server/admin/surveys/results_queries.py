"""SQL behind a survey's results: the funnel, the answers' distributions, the weeks, the text
answers and the CSV's rows, all under one filter (``ResponseFilter``), as the orders' export
reuses the orders list's.

Every query starts from the survey's responses in the chosen range, a range of the
``survey_responses_by_survey`` index (survey, shown_at), and meets their answers by the answers'
key (response, question, option); CROSS JOIN pins that order whatever statistics SQLite has.
The other filters (page, device, cart value, signal) are tested on those responses' rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from server.admin.overview.periods import Bucket
from server.db import Database, Row, like_pattern


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses the results count: shown in [since, until), and optionally on one
    page (its path), on one device, with a cart value in a range, or shown by one signal."""

    since: int
    until: int
    page: str = ""
    device: str = ""
    cart_min: int | None = None  # minor units
    cart_max: int | None = None
    signal: str = ""


def response_where(
    survey_id: int, wanted: ResponseFilter, *, times: bool = True
) -> tuple[str, list[Any]]:
    """The filter as a WHERE clause on ``survey_responses r``; without ``times`` its range is
    left to the caller (the weekly buckets)."""
    clauses: list[str] = ["r.survey_id = ?"]
    params: list[Any] = [survey_id]
    if times:
        clauses.append("r.shown_at >= ? AND r.shown_at < ?")
        params += [wanted.since, wanted.until]
    for column, value in (("page", wanted.page), ("device", wanted.device),
                          ("signal", wanted.signal)):  # fmt: skip
        if value:
            clauses.append(f"r.{column} = ?")
            params.append(value)
    if wanted.cart_min is not None:
        clauses.append("r.cart_value >= ?")
        params.append(wanted.cart_min)
    if wanted.cart_max is not None:
        clauses.append("r.cart_value <= ?")
        params.append(wanted.cart_max)
    return " AND ".join(clauses), params


@dataclass(frozen=True)
class Funnel:
    shown: int
    started: int  # an answer given (completed ones included)
    completed: int


async def funnel(db: Database, survey_id: int, wanted: ResponseFilter) -> Funnel:
    where, params = response_where(survey_id, wanted)
    rows = await db.fetch_all(
        f"SELECT r.status, count(*) AS n FROM survey_responses r WHERE {where} GROUP BY r.status",
        params,
    )
    counts = {row["status"]: row["n"] for row in rows}
    completed = counts.get("completed", 0)
    started = counts.get("started", 0) + completed
    return Funnel(shown=counts.get("shown", 0) + started, started=started, completed=completed)


# Every answer row of the filtered responses, grouped: per question, each option chosen, each
# score given, and the texts written; a skipped question's row has none of those.
ANSWER_GROUPS = (
    "SELECT a.question, a.option, a.number, count(*) AS n, count(a.text) AS texts"
    " FROM survey_responses r CROSS JOIN survey_answers a ON a.response_id = r.id"
    " WHERE {where} GROUP BY a.question, a.option, a.number"
)
# The responses that answered each question (a multiple-choice answer has several rows).
ANSWERED = (
    "SELECT a.question, count(DISTINCT a.response_id) AS n"
    " FROM survey_responses r CROSS JOIN survey_answers a ON a.response_id = r.id"
    " WHERE {where} AND (a.option != '' OR a.number IS NOT NULL OR a.text IS NOT NULL)"
    " GROUP BY a.question"
)


@dataclass(frozen=True)
class AnswerGroup:
    question: str
    option: str  # '' for an answer that is not a choice (or a skip)
    number: int | None
    n: int
    texts: int


async def answer_groups(db: Database, survey_id: int, wanted: ResponseFilter) -> list[AnswerGroup]:
    where, params = response_where(survey_id, wanted)
    rows = await db.fetch_all(ANSWER_GROUPS.format(where=where), params)
    return [AnswerGroup(r["question"], r["option"], r["number"], r["n"], r["texts"]) for r in rows]


async def answered(db: Database, survey_id: int, wanted: ResponseFilter) -> dict[str, int]:
    where, params = response_where(survey_id, wanted)
    rows = await db.fetch_all(ANSWERED.format(where=where), params)
    return {row["question"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Week:
    shown: int
    started: int
    completed: int


def _buckets_cte(count: int) -> str:
    return (
        "WITH buckets (i, start_ms, end_ms) AS (VALUES " + ", ".join(["(?, ?, ?)"] * count) + ") "
    )


async def weekly(
    db: Database, survey_id: int, wanted: ResponseFilter, weeks: Sequence[Bucket]
) -> list[Week]:
    """The funnel of each week (responses by when they were shown)."""
    if not weeks:
        return []
    where, params = response_where(survey_id, wanted, times=False)
    rows = await db.fetch_all(
        _buckets_cte(len(weeks)) + "SELECT b.i, count(r.id) AS shown,"
        " count(CASE WHEN r.status != 'shown' THEN 1 END) AS started,"
        " count(CASE WHEN r.status = 'completed' THEN 1 END) AS completed"
        " FROM buckets b LEFT JOIN survey_responses r"
        f" ON {where} AND r.shown_at >= b.start_ms AND r.shown_at < b.end_ms"
        " GROUP BY b.i ORDER BY b.i",
        [*(v for i, w in enumerate(weeks) for v in (i, w.start_ms, w.end_ms)), *params],
    )
    return [Week(row["shown"], row["started"], row["completed"]) for row in rows]


async def weekly_scores(
    db: Database, survey_id: int, wanted: ResponseFilter, question: str, weeks: Sequence[Bucket]
) -> list[dict[int, int]]:
    """Each week's answers to a scale question, as how many gave each score."""
    if not weeks:
        return []
    where, params = response_where(survey_id, wanted)
    rows = await db.fetch_all(
        _buckets_cte(len(weeks)) + "SELECT b.i, a.number, count(*) AS n FROM survey_responses r"
        " CROSS JOIN survey_answers a ON a.response_id = r.id AND a.question = ?"
        " CROSS JOIN buckets b ON r.shown_at >= b.start_ms AND r.shown_at < b.end_ms"
        f" WHERE {where} AND a.number IS NOT NULL GROUP BY b.i, a.number",
        [*(v for i, w in enumerate(weeks) for v in (i, w.start_ms, w.end_ms)), question, *params],
    )
    counts: list[dict[int, int]] = [{} for _ in weeks]
    for row in rows:
        counts[row["i"]][row["number"]] = row["n"]
    return counts


# ---- text answers ---------------------------------------------------------------------------


def _text_where(
    survey_id: int, wanted: ResponseFilter, question: str, search: str
) -> tuple[str, list[Any]]:
    where, params = response_where(survey_id, wanted)
    where += " AND a.question = ? AND a.text IS NOT NULL"
    params.append(question)
    if search.strip():
        where += " AND a.text LIKE '%' || ? || '%' ESCAPE '\\'"
        params.append(like_pattern(search.strip()))
    return where, params


@dataclass(frozen=True)
class TextAnswer:
    response: str  # public id
    shown_at: int
    page: str
    device: str
    option: str  # the Other option's key for an "Other" text, else ''
    text: str


async def text_answers(
    db: Database,
    survey_id: int,
    wanted: ResponseFilter,
    question: str,
    search: str,
    *,
    limit: int,
    offset: int,
) -> list[TextAnswer]:
    """A question's written answers (texts, "Other" texts, emails given with consent),
    newest first, those containing ``search`` (any case) when it is given."""
    where, params = _text_where(survey_id, wanted, question, search)
    rows = await db.fetch_all(
        "SELECT r.public_id, r.shown_at, r.page, r.device, a.option, a.text"
        " FROM survey_responses r CROSS JOIN survey_answers a ON a.response_id = r.id"
        f" WHERE {where} ORDER BY r.shown_at DESC, r.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [TextAnswer(r["public_id"], r["shown_at"], r["page"], r["device"], r["option"],
                       r["text"]) for r in rows]  # fmt: skip


async def count_text_answers(
    db: Database, survey_id: int, wanted: ResponseFilter, question: str, search: str
) -> int:
    where, params = _text_where(survey_id, wanted, question, search)
    return await db.fetch_value(
        "SELECT count(*) FROM survey_responses r"
        f" CROSS JOIN survey_answers a ON a.response_id = r.id WHERE {where}",
        params,
    )


# ---- the CSV's rows (read on the export's own connection, server.db.export_reader) -------

# Responses read at a time, each batch's answers in one more query.
BATCH_RESPONSES = 500


@dataclass(frozen=True)
class ExportedResponse:
    row: Row | sqlite3.Row  # the response's columns (EXPORT_COLUMNS)
    answers: list[tuple[str, str, int | None, str | None, str | None]]  # question, option, …


EXPORT_COLUMNS = (
    "r.id, r.public_id, r.shown_at, r.status, r.signal, r.page, r.device, r.cart_value,"
    " r.utm_source, o.number AS order_number, c.name AS remedy_campaign, r.remedy_arm"
)


def exported_responses(
    conn: sqlite3.Connection, survey_id: int, wanted: ResponseFilter
) -> Iterator[ExportedResponse]:
    """Every response the filter matches, newest first, with its answers."""
    where, params = response_where(survey_id, wanted)
    cursor = conn.execute(
        f"SELECT {EXPORT_COLUMNS} FROM survey_responses r"
        " LEFT JOIN orders o ON o.id = r.order_id"
        " LEFT JOIN campaigns c ON c.id = r.remedy_campaign_id"
        f" WHERE {where} ORDER BY r.shown_at DESC, r.id DESC",
        params,
    )
    while batch := cursor.fetchmany(BATCH_RESPONSES):
        answers = _answers_of(conn, [row[0] for row in batch])
        for row in batch:
            yield ExportedResponse(row, answers.get(row[0], []))


def _answers_of(conn: sqlite3.Connection, response_ids: Sequence[int]) -> dict[int, list[Any]]:
    marks = ",".join("?" * len(response_ids))
    rows = conn.execute(
        "SELECT response_id, question, option, number, text, consent FROM survey_answers"
        f" WHERE response_id IN ({marks}) ORDER BY response_id, question, option",
        list(response_ids),
    )
    found: dict[int, list[Any]] = {}
    for response_id, question, option, number, text, consent in rows:
        found.setdefault(response_id, []).append((question, option, number, text, consent))
    return found
