"""Surveys as the API tests make them (through the real queries) and a visitor's survey
calls, shared by the surveys API, config and page tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.applications import Starlette

from server.services import services
from server.surveys.model import Survey, SurveySettings
from server.surveys.queries import save_settings, save_survey
from server.surveys.templates import from_template
from tests.api.ordering import insert_order
from tests.api.reviewing import receipt_path
from tests.api.shopping import HEADERS

TEXT = {"Content-Type": "text/plain"}
TABLES = ("surveys", "survey_responses", "survey_answers", "exposures")
# insert_order's delivery window ends on 7 July 2025: the day after, the order is delivered.
DELIVERED = int(datetime(2025, 7, 8, 9, tzinfo=UTC).timestamp() * 1000)


async def delivered_order(app: Starlette, store: Any) -> str:
    """Order #1001 (visitor v-7), fulfilled and, on the test clock, delivered: its survey
    page's path."""
    await insert_order(app, store, 1001, status="fulfilled", visitor_id="v-7")
    services(app).clock.set(DELIVERED)
    return receipt_path(app, "ord_test1001") + "/survey"


async def live_survey(
    app: Starlette, store_id: int, template: str = "exit", **changes: Any
) -> Survey:
    """A running survey from ``template``, with ``changes``, saved as the admin saves one."""
    changes = {"status": "live"} | changes
    survey = dataclasses.replace(from_template(template, store_id), **changes)
    state = services(app)
    return await state.db.write(lambda conn: save_survey(conn, survey, state.clock.now_ms()))


async def set_survey_settings(app: Starlette, store_id: int, **values: Any) -> None:
    state = services(app)
    settings = SurveySettings(**values)
    await state.db.write(lambda conn: save_settings(conn, store_id, settings, state.clock.now_ms()))


async def stored(app: Starlette) -> dict[str, list[tuple[Any, ...]]]:
    """Every survey row as it stands (and the offers' exposures): the same before and after a
    refused request."""
    db = services(app).db
    queries = {
        "surveys": "SELECT id, status, updated_at FROM surveys ORDER BY id",
        "responses": "SELECT * FROM survey_responses ORDER BY id",
        "answers": "SELECT * FROM survey_answers ORDER BY response_id, question, option",
        "exposures": "SELECT * FROM exposures ORDER BY campaign_id, visitor_id",
    }
    return {name: [tuple(r) for r in await db.fetch_all(sql)] for name, sql in queries.items()}


async def row_counts(app: Starlette) -> dict[str, int]:
    """How many rows the survey tables (and the offers' exposures) hold."""
    db = services(app).db
    return {
        table: (await db.fetch_all(f"SELECT COUNT(*) AS n FROM {table}"))[0]["n"]
        for table in TABLES
    }


async def state(
    client: httpx.AsyncClient, survey: Survey, visitor: str, store_key: str | None = None
) -> httpx.Response:
    query = f"?visitor={visitor}" + (f"&store={store_key}" if store_key else "")
    return await client.get(f"/v1/surveys/{survey.public_id}/state{query}", headers=HEADERS)


async def start(
    client: httpx.AsyncClient, survey: Survey, visitor: str, **body: Any
) -> httpx.Response:
    fields = {"visitor": visitor, "session": "s1", "signal": "exit_top", "page": "/",
              "device": "desktop"} | body  # fmt: skip
    return await client.post(
        f"/v1/surveys/{survey.public_id}/responses", json=fields, headers=HEADERS
    )


async def answer(
    client: httpx.AsyncClient,
    survey: Survey,
    response: dict[str, Any],
    question: str,
    value: Any,
    **body: Any,
) -> httpx.Response:
    fields = {"token": response["token"], "question": question, "value": value} | body
    return await client.post(
        f"/v1/surveys/{survey.public_id}/responses/{response['id']}/answers",
        json=fields,
        headers=HEADERS,
    )


async def rows(app: Starlette, sql: str, params: tuple = ()) -> list[dict[str, Any]]:
    return [dict(row) for row in await services(app).db.fetch_all(sql, params)]
