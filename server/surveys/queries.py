"""SQL for surveys: reads take a ``Reader`` (the database, or a write's connection); writes an
``aiosqlite.Connection`` inside the single writer's transaction (``server.surveys.responding``
and the admin's saves)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.db import Reader, read_all, read_one
from server.security import new_public_id
from server.surveys.model import (
    DEFAULT_SETTINGS,
    Answer,
    Question,
    Recontact,
    Status,
    Survey,
    SurveyResponse,
    SurveySettings,
    from_json,
    moments_from_json,
    moments_to_json,
    questions_from_json,
    questions_to_json,
    targeting_from_json,
    to_json,
    trigger_from_json,
)

_COLUMNS = (
    "id, public_id, store_id, name, template, status, starts_at, ends_at, moments, trigger,"
    " targeting, recontact, sample_percent, questions, thanks"
)
_RESPONSE_COLUMNS = (
    "id, public_id, survey_id, store_id, visitor_id, session_id, order_id, signal, status,"
    " shown_at, updated_at, completed_at, remedy_campaign_id, remedy_arm, device, cart_value,"
    " utm_source"
)


# ---- surveys ------------------------------------------------------------------------------


async def load_survey(conn: Reader, store_id: int, public_id: str) -> Survey | None:
    row = await read_one(
        conn,
        f"SELECT {_COLUMNS} FROM surveys WHERE store_id = ? AND public_id = ?",
        (store_id, public_id),
    )
    return None if row is None else _survey(row)


async def list_surveys(conn: Reader, store_id: int) -> list[Survey]:
    """Every survey of the store, newest first."""
    rows = await read_all(
        conn, f"SELECT {_COLUMNS} FROM surveys WHERE store_id = ? ORDER BY id DESC", (store_id,)
    )
    return [_survey(row) for row in rows]


async def running_surveys(conn: Reader, store_id: int, now_ms: int) -> list[Survey]:
    """Live surveys inside their schedule, oldest first."""
    rows = await read_all(
        conn,
        f"SELECT {_COLUMNS} FROM surveys WHERE store_id = ? AND status = 'live'"
        " AND (starts_at IS NULL OR starts_at <= ?) AND (ends_at IS NULL OR ? < ends_at)"
        " ORDER BY id",
        (store_id, now_ms, now_ms),
    )
    return [_survey(row) for row in rows]


async def save_survey(conn: aiosqlite.Connection, survey: Survey, now_ms: int) -> Survey:
    """Insert (no id) or update the survey; inside a write. Returns it as stored."""
    values = (
        survey.name, survey.template, survey.status, survey.starts_at, survey.ends_at,
        moments_to_json(survey.moments), to_json(survey.trigger), to_json(survey.targeting),
        to_json(survey.recontact), survey.sample_percent, questions_to_json(survey.questions),
        survey.thanks,
    )  # fmt: skip
    if survey.id is None:
        assert survey.store_id is not None
        cursor = await conn.execute(
            "INSERT INTO surveys (public_id, store_id, name, template, status, starts_at,"
            " ends_at, moments, trigger, targeting, recontact, sample_percent, questions,"
            " thanks, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (new_public_id("srv"), survey.store_id, *values, now_ms, now_ms),
        )
        survey_id = cursor.lastrowid
    else:
        survey_id = survey.id
        await conn.execute(
            "UPDATE surveys SET name = ?, template = ?, status = ?, starts_at = ?, ends_at = ?,"
            " moments = ?, trigger = ?, targeting = ?, recontact = ?, sample_percent = ?,"
            " questions = ?, thanks = ?, updated_at = ? WHERE id = ?",
            (*values, now_ms, survey_id),
        )
    row = await read_one(conn, f"SELECT {_COLUMNS} FROM surveys WHERE id = ?", (survey_id,))
    assert row is not None
    return _survey(row)


async def set_status(conn: aiosqlite.Connection, survey_id: int, status: Status, now: int) -> None:
    await conn.execute(
        "UPDATE surveys SET status = ?, updated_at = ? WHERE id = ?", (status, now, survey_id)
    )


async def store_of_survey(conn: Reader, public_id: str) -> int | None:
    row = await read_one(conn, "SELECT store_id FROM surveys WHERE public_id = ?", (public_id,))
    return None if row is None else int(row["store_id"])


def _survey(row: Any) -> Survey:
    return Survey(
        id=row["id"],
        public_id=row["public_id"],
        store_id=row["store_id"],
        name=row["name"],
        template=row["template"],
        status=row["status"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        moments=moments_from_json(row["moments"]),
        trigger=trigger_from_json(row["trigger"]),
        targeting=targeting_from_json(row["targeting"]),
        recontact=from_json(Recontact, row["recontact"]),
        sample_percent=row["sample_percent"],
        questions=questions_from_json(row["questions"]),
        thanks=row["thanks"],
    )


# ---- settings -----------------------------------------------------------------------------


async def load_settings(conn: Reader, store_id: int) -> SurveySettings:
    row = await read_one(
        conn,
        "SELECT min_gap_days, priority FROM survey_settings WHERE store_id = ?",
        (store_id,),
    )
    if row is None:
        return DEFAULT_SETTINGS
    return SurveySettings(min_gap_days=row["min_gap_days"], priority=row["priority"])


async def save_settings(
    conn: aiosqlite.Connection, store_id: int, settings: SurveySettings, now_ms: int
) -> None:
    await conn.execute(
        "INSERT INTO survey_settings (store_id, min_gap_days, priority, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (store_id) DO UPDATE SET"
        " min_gap_days = excluded.min_gap_days, priority = excluded.priority,"
        " updated_at = excluded.updated_at",
        (store_id, settings.min_gap_days, settings.priority, now_ms),
    )


# ---- responses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitorHistory:
    """What a visitor has been shown: their latest response to each survey (by survey id),
    and when any survey was last shown to them (by survey id), for the store-wide gap."""

    latest: Mapping[int, SurveyResponse]

    def last_shown_other_than(self, survey_id: int) -> int | None:
        """When a survey other than ``survey_id`` was last shown to the visitor."""
        times = [r.shown_at for sid, r in self.latest.items() if sid != survey_id]
        return max(times, default=None)


async def visitor_history(conn: Reader, store_id: int, visitor_id: str) -> VisitorHistory:
    """The visitor's latest response per survey of the store (survey_responses_by_visitor)."""
    rows = await read_all(
        conn,
        f"SELECT {_RESPONSE_COLUMNS} FROM survey_responses"
        " WHERE store_id = ? AND visitor_id = ? ORDER BY shown_at, id",
        (store_id, visitor_id),
    )
    latest: dict[int, SurveyResponse] = {}
    for row in rows:  # later rows replace earlier ones
        latest[row["survey_id"]] = _response(row)
    return VisitorHistory(latest)


@dataclass(frozen=True)
class NewResponse:
    survey_id: int
    store_id: int
    visitor_id: str
    session_id: str
    order_id: int | None
    signal: str
    page: str
    device: str
    cart_value: int | None
    utm_source: str


async def insert_response(
    conn: aiosqlite.Connection, new: NewResponse, now_ms: int
) -> SurveyResponse:
    cursor = await conn.execute(
        "INSERT INTO survey_responses (public_id, survey_id, store_id, visitor_id, session_id,"
        " order_id, signal, page, device, cart_value, utm_source, shown_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_public_id("rsp"), new.survey_id, new.store_id, new.visitor_id, new.session_id,
         new.order_id, new.signal, new.page, new.device, new.cart_value, new.utm_source,
         now_ms, now_ms),
    )  # fmt: skip
    row = await read_one(
        conn, f"SELECT {_RESPONSE_COLUMNS} FROM survey_responses WHERE id = ?", (cursor.lastrowid,)
    )
    assert row is not None
    return _response(row)


async def load_response(conn: Reader, survey_id: int, public_id: str) -> SurveyResponse | None:
    row = await read_one(
        conn,
        f"SELECT {_RESPONSE_COLUMNS} FROM survey_responses WHERE survey_id = ? AND public_id = ?",
        (survey_id, public_id),
    )
    return None if row is None else _response(row)


async def response_for_order(conn: Reader, survey_id: int, order_id: int) -> SurveyResponse | None:
    row = await read_one(
        conn,
        f"SELECT {_RESPONSE_COLUMNS} FROM survey_responses WHERE survey_id = ? AND order_id = ?",
        (survey_id, order_id),
    )
    return None if row is None else _response(row)


async def load_answers(conn: Reader, response_id: int) -> dict[str, Answer]:
    """The response's answers by question key."""
    rows = await read_all(
        conn,
        "SELECT question, option, number, text, consent FROM survey_answers"
        " WHERE response_id = ? ORDER BY question, option",
        (response_id,),
    )
    options: dict[str, list[str]] = {}
    values: dict[str, dict[str, Any]] = {}
    for row in rows:
        question = row["question"]
        chosen = options.setdefault(question, [])
        if row["option"]:
            chosen.append(row["option"])
        found = values.setdefault(question, {"number": None, "text": None, "consent": None})
        for name in ("number", "text", "consent"):
            if row[name] is not None:
                found[name] = row[name]
    return {q: Answer(options=tuple(options[q]), **values[q]) for q in options}


async def completed_elsewhere(conn: Reader, response: SurveyResponse) -> bool:
    """Whether the response's visitor has completed another response to its survey."""
    row = await read_one(
        conn,
        "SELECT 1 FROM survey_responses WHERE store_id = ? AND visitor_id = ? AND survey_id = ?"
        " AND status = 'completed' AND id != ? LIMIT 1",
        (response.store_id, response.visitor_id, response.survey_id, response.id),
    )
    return row is not None


async def answered_questions(conn: Reader, survey_id: int) -> frozenset[str]:
    """The question keys the survey's stored answers use (its removed questions' too)."""
    rows = await read_all(
        conn,
        "SELECT DISTINCT a.question FROM survey_responses r"
        " JOIN survey_answers a ON a.response_id = r.id WHERE r.survey_id = ?",
        (survey_id,),
    )
    return frozenset(row[0] for row in rows)


async def replace_answers(
    conn: aiosqlite.Connection, response_id: int, question: Question, answer: Answer, now_ms: int
) -> None:
    """The question's answer, replacing any given before (going back, or after a reload).
    A choice answer is a row per chosen option, in the question's order, its "Other" text on
    the Other option's row; any other answer, or a skip, is one row with option ''."""
    await conn.execute(
        "DELETE FROM survey_answers WHERE response_id = ? AND question = ?",
        (response_id, question.key),
    )
    chosen = [o for o in question.options if o.key in answer.options]
    rows = [(o.key, answer.text if o.other else None) for o in chosen] or [("", answer.text)]
    for position, (option, text) in enumerate(rows):
        first = position == 0
        await conn.execute(
            "INSERT INTO survey_answers (response_id, question, option, number, text, consent,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (response_id, question.key, option, answer.number if first else None, text,
             answer.consent if first else None, now_ms),
        )  # fmt: skip


async def keep_answers_of(conn: aiosqlite.Connection, response_id: int, keys: list[str]) -> None:
    """Delete the response's answers to every question but ``keys``."""
    marks = ",".join("?" * len(keys))
    await conn.execute(
        f"DELETE FROM survey_answers WHERE response_id = ? AND question NOT IN ({marks})",
        (response_id, *keys),
    )


async def set_response_status(
    conn: aiosqlite.Connection, response_id: int, status: str, now_ms: int
) -> None:
    completed = now_ms if status == "completed" else None
    await conn.execute(
        "UPDATE survey_responses SET status = ?, updated_at = ?,"
        " completed_at = COALESCE(completed_at, ?) WHERE id = ?",
        (status, now_ms, completed, response_id),
    )


async def order_visitor(conn: Reader, order_id: int) -> str:
    """The visitor id the order was placed with ('' when the widget sent none)."""
    row = await read_one(conn, "SELECT visitor_id FROM orders WHERE id = ?", (order_id,))
    return "" if row is None or row["visitor_id"] is None else str(row["visitor_id"])


@dataclass(frozen=True)
class OrderAnswers:
    """A completed or partial response linked to an order, for the admin's order page."""

    survey_name: str
    response: SurveyResponse
    utm_source: str
    answers: dict[str, Answer]


async def answers_for_order(conn: Reader, order_id: int) -> list[OrderAnswers]:
    rows = await read_all(
        conn,
        f"SELECT s.name AS survey_name,"
        f" {', '.join('r.' + c.strip() for c in _RESPONSE_COLUMNS.split(','))}"
        " FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
        " WHERE r.order_id = ? ORDER BY r.shown_at, r.id",
        (order_id,),
    )
    return [
        OrderAnswers(row["survey_name"], _response(row), row["utm_source"],
                     await load_answers(conn, row["id"]))
        for row in rows
    ]  # fmt: skip


def _response(row: Any) -> SurveyResponse:
    return SurveyResponse(
        id=row["id"],
        public_id=row["public_id"],
        survey_id=row["survey_id"],
        store_id=row["store_id"],
        visitor_id=row["visitor_id"],
        session_id=row["session_id"],
        order_id=row["order_id"],
        signal=row["signal"],
        status=row["status"],
        shown_at=row["shown_at"],
        updated_at=row["updated_at"],
        completed_at=row["completed_at"],
        remedy_campaign_id=row["remedy_campaign_id"],
        remedy_arm=row["remedy_arm"],
        device=row["device"],
        cart_value=row["cart_value"],
        utm_source=row["utm_source"],
    )
