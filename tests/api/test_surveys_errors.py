"""Every refusal of the surveys API (plan §4): each a 4xx JSON error with its code and field,
and nothing stored (the survey tables and the offers' exposures hold what they held)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from server.accounts import create_store
from server.clock import now_ms
from server.orders.receipt_link import status_url
from server.security import Purpose
from server.services import services
from server.stores.service import Store, validate_new_store
from server.surveys import queries
from server.surveys.model import Option, Question, Survey
from tests.api.ordering import insert_order
from tests.api.shopping import HEADERS
from tests.api.surveying import answer, live_survey, start, state, stored

pytestmark = pytest.mark.anyio

QUESTIONS = (
    Question(
        "q1", "single", "Why?",
        options=(Option("a", "A"), Option("b", "B"), Option("other", "Other", other=True)),
    ),
    Question("q2", "multiple", "Which?", options=(Option("x", "X"), Option("y", "Y"))),
    Question("q3", "nps", "Recommend?"),
    Question("q4", "long_text", "More?", required=False),
    Question("q5", "email", "Email?", required=False),
)  # fmt: skip


@dataclass
class Case:
    app: Any
    client: httpx.AsyncClient
    store: Store
    survey: Survey
    response: dict[str, Any]  # v-1's open response

    async def answer(self, question: str, value: Any, **body: Any) -> httpx.Response:
        return await answer(self.client, self.survey, self.response, question, value, **body)

    async def write(self, change: Callable[[Any], Awaitable[Any]]) -> None:
        await services(self.app).db.write(change)

    async def update(self, **changes: Any) -> None:
        edited = dataclasses.replace(self.survey, **changes)
        await self.write(lambda conn: queries.save_survey(conn, edited, now_ms()))


@pytest.fixture
async def case(app, client, store) -> Case:
    survey = await live_survey(app, store.id, questions=QUESTIONS)
    response = (await start(client, survey, "v-1")).json()
    return Case(app, client, store, survey, response)


async def other_store(case: Case) -> Store:
    new = validate_new_store("Other", ["http://other.test"], "EUR")
    return await create_store(services(case.app).db, new, now=now_ms())


async def forged_visitor_token(case: Case) -> dict[str, Any]:
    value = [case.store.id, case.survey.public_id, case.response["id"], "v-2"]
    return {"token": services(case.app).signer.sign(Purpose.SURVEY_RESPONSE, value)}


async def another_responses_token(case: Case) -> dict[str, Any]:
    return {"token": (await start(case.client, case.survey, "v-2")).json()["token"]}


async def another_surveys_token(case: Case) -> dict[str, Any]:
    other = await live_survey(case.app, case.store.id, questions=QUESTIONS)
    return {"token": (await start(case.client, other, "v-3")).json()["token"]}


async def another_stores_key(case: Case) -> dict[str, Any]:
    new = validate_new_store("Other", ["http://other.test"], "EUR")
    return {"store": (await create_store(services(case.app).db, new, now=now_ms())).public_key}


async def completed(case: Case) -> dict[str, Any]:
    for question, value in (("q1", "a"), ("q2", ["x"]), ("q3", 7), ("q4", None)):
        assert (await case.answer(question, value)).status_code == 200
    assert (await case.answer("q5", None)).json()["done"] is True
    return {}


async def first_answered(case: Case) -> dict[str, Any]:
    assert (await case.answer("q1", "a")).json()["next"] == "q2"
    return {}


def changed(**changes: Any) -> Callable[[Case], Awaitable[dict[str, Any]]]:
    async def prepare(case: Case) -> dict[str, Any]:
        await case.update(**changes)
        return {}

    return prepare


async def unknown_survey(case: Case, body: dict[str, Any]) -> httpx.Response:
    return await case.client.post(
        "/v1/surveys/srv_nope/responses/rsp_x/answers", json=body, headers=HEADERS
    )


async def from_elsewhere(case: Case, body: dict[str, Any]) -> httpx.Response:
    path = f"/v1/surveys/{case.survey.public_id}/responses/{case.response['id']}/answers"
    return await case.client.post(path, json=body, headers={"Origin": "https://evil.test"})


@dataclass(frozen=True)
class Refusal:
    question: str
    value: Any
    status: int
    code: str
    field: str | None = None
    prepare: Callable[[Case], Awaitable[dict[str, Any]]] | None = None  # body changes
    body: dict[str, Any] = dataclasses.field(default_factory=dict)
    send: Callable[[Case, dict[str, Any]], Awaitable[httpx.Response]] | None = None


CLOSED = (409, "survey_closed")
TOKEN = (400, "response_invalid", "token")
INVALID = (422, "answer_invalid", "value")
NOT_FOUND = (404, "survey_not_found")
NOT_NEXT = (409, "question_not_next", "question")
ANSWER_ERRORS = {
    "paused": Refusal("q1", "a", *CLOSED, prepare=changed(status="paused")),
    "ended": Refusal("q1", "a", *CLOSED, prepare=changed(status="ended")),
    "past-its-end": Refusal("q1", "a", *CLOSED, prepare=changed(ends_at=now_ms() - 1)),
    "before-its-start": Refusal("q1", "a", *CLOSED, prepare=changed(starts_at=now_ms() + 10**7)),
    "forged-token": Refusal("q1", "a", *TOKEN, body={"token": "abc.def.ghi"}),
    "no-token": Refusal("q1", "a", *TOKEN, body={"token": None}),
    "another-responses-token": Refusal("q1", "a", *TOKEN, prepare=another_responses_token),
    "another-surveys-token": Refusal("q1", "a", *TOKEN, prepare=another_surveys_token),
    "another-visitors-token": Refusal("q1", "a", *TOKEN, prepare=forged_visitor_token),
    "unknown-question": Refusal("q9", "a", 404, "question_not_found", "question"),
    "wrong-type": Refusal("q3", "nine", *INVALID),
    "unknown-option": Refusal("q1", "zzz", *INVALID),
    "duplicate-option": Refusal("q2", ["x", "x"], *INVALID),
    "other-text-without-other": Refusal("q1", {"option": "a", "text": "t"}, *INVALID),
    "out-of-range": Refusal("q3", 11, *INVALID),
    "too-long": Refusal("q4", "x" * 2001, 422, "answer_too_long", "value"),
    "email-without-consent": Refusal("q5", "pat@example.test", 422, "consent_required",
                                     "consent"),
    "required-skipped": Refusal("q1", None, 422, "answer_required", "value"),
    # Codes that ring, erase or restyle a terminal or log, or reorder what a reader sees.
    "nul-in-text": Refusal("q4", "fine\x00then", *INVALID),
    "escape-in-text": Refusal("q4", "fine \x1b[2Jgone", *INVALID),
    "c1-control-in-text": Refusal("q4", "fine\x85then", *INVALID),
    "delete-in-text": Refusal("q4", "fine\x7fthen", *INVALID),
    "bidi-override-in-text": Refusal("q4", "price \u202e001 si", *INVALID),
    "bidi-isolate-in-text": Refusal("q4", "a \u2066b\u2069 c", *INVALID),
    "control-in-other-text": Refusal("q1", {"option": "other", "text": "a\x07b"}, *INVALID),
    "bidi-in-other-text": Refusal("q1", {"option": "other", "text": "a\u2067b"}, *INVALID),
    "bidi-in-email": Refusal("q5", "pat\u202e@example.test", *INVALID,
                             body={"consent": True}),
    # Only the response's next question, or one already on its path (going back), is asked.
    "ahead-of-its-turn": Refusal("q3", 7, *NOT_NEXT),
    "skipping-the-next": Refusal("q3", 7, *NOT_NEXT, prepare=first_answered),
    "skipping-to-the-last": Refusal("q5", None, *NOT_NEXT, prepare=first_answered),
    "completed": Refusal("q1", "b", 409, "response_completed", prepare=completed),
    "too-large": Refusal("q4", "x" * 13_000, 413, "payload_too_large"),
    "unknown-survey": Refusal("q1", "a", *NOT_FOUND, send=unknown_survey),
    "draft-survey": Refusal("q1", "a", *NOT_FOUND, prepare=changed(status="draft")),
    "another-stores-key": Refusal("q1", "a", *NOT_FOUND, prepare=another_stores_key),
    "origin-not-allowed": Refusal("q1", "a", *NOT_FOUND, send=from_elsewhere),
}  # fmt: skip


@pytest.mark.parametrize("name", list(ANSWER_ERRORS))
async def test_a_refused_answer_stores_nothing(case, name):
    refusal = ANSWER_ERRORS[name]
    changes = await refusal.prepare(case) if refusal.prepare else {}
    body = {"token": case.response["token"], "question": refusal.question,
            "value": refusal.value} | refusal.body | changes  # fmt: skip
    before = await stored(case.app)
    if refusal.send is None:
        refused = await case.answer(refusal.question, refusal.value, **(refusal.body | changes))
    else:
        refused = await refusal.send(case, body)
    assert refused.status_code == refusal.status, refused.text
    assert refused.json()["error"]["code"] == refusal.code
    assert refused.json()["error"]["field"] == refusal.field
    assert await stored(case.app) == before


# ---- showing a survey ----------------------------------------------------------------------


async def an_order(case: Case, store: Store | None = None, number: int = 1001) -> str:
    """An order's status token (for ``store``, else the case's)."""
    await insert_order(case.app, store or case.store, number)
    public_id = f"ord_test{number}"
    return status_url(services(case.app).signer, "", public_id).removeprefix("/orders/")


async def another_stores_order(case: Case) -> dict[str, Any]:
    new = validate_new_store("Other", ["http://other.test"], "EUR")
    other = await create_store(services(case.app).db, new, now=now_ms())
    return {"order": await an_order(case, other)}


async def confirmation_survey(case: Case) -> dict[str, Any]:
    await case.update(moments=("confirmation",))
    return {"signal": "confirmation"}


async def page_signal_with_order(case: Case) -> dict[str, Any]:
    return {"order": await an_order(case)}


async def confirmation_with(case: Case, order: Any) -> dict[str, Any]:
    return await confirmation_survey(case) | {"order": order}


async def order_status_before_delivery(case: Case) -> dict[str, Any]:
    """The order-status survey (NPS after delivery) and a valid order link, not delivered:
    only the order's page (which checks delivery, visitor and sample) may show it."""
    await case.update(moments=("order_status",))
    return {"signal": "order_status", "order": await an_order(case)}


START_ERRORS = {
    "not-an-object": (["a list"], 400, "invalid", None, None),
    "no-visitor": ({"visitor": None}, 400, "invalid", "visitor", None),
    "unknown-signal": ({"signal": "telepathy"}, 400, "invalid", "signal", None),
    "signal-of-another-moment": ({"signal": "confirmation"}, 400, "invalid", "signal", None),
    "page-too-long": ({"page": "/" + "x" * 300}, 400, "invalid", "page", None),
    "page-not-text": ({"page": 5}, 400, "invalid", "page", None),
    "device": ({"device": "tablet"}, 400, "invalid", "device", None),
    "cart-value": ({"cart_value": -1}, 400, "invalid", "cart_value", None),
    "cart-value-not-whole": ({"cart_value": 12.5}, 400, "invalid", "cart_value", None),
    "utm": ({"utm": "x" * 101}, 400, "invalid", "utm", None),
    "session": ({"session": "a b"}, 400, "invalid", "session", None),
    "order-on-a-page-moment": ({}, 400, "invalid", "order", page_signal_with_order),
    "no-order-at-confirmation": ({}, 400, "order_invalid", "order", confirmation_survey),
    "forged-order": ({}, 400, "order_invalid", "order",
                     lambda c: confirmation_with(c, "abc.def.ghi")),
    "order-not-text": ({}, 400, "order_invalid", "order", lambda c: confirmation_with(c, 5)),
    "another-stores-order": ({}, 400, "order_invalid", "order",
                             lambda c: _merged(confirmation_survey(c), another_stores_order(c))),
    "order-status-signal": ({}, 422, "signal_not_allowed", "signal",
                            order_status_before_delivery),
    "paused": ({}, 409, "survey_closed", None, changed(status="paused")),
    "draft": ({}, 404, "survey_not_found", None, changed(status="draft")),
    "too-large": ({"utm": "x" * 13_000}, 413, "payload_too_large", None, None),
}  # fmt: skip


async def _merged(*parts: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged |= await part
    return merged


@pytest.mark.parametrize("name", list(START_ERRORS))
async def test_a_refused_showing_stores_nothing(case, name):
    body, status, code, field, prepare = START_ERRORS[name]
    changes = await prepare(case) if prepare else {}
    before = await stored(case.app)
    if isinstance(body, dict):
        fields = {"visitor": "v-9", "session": "s1", "signal": "exit_top"} | body | changes
        refused = await case.client.post(
            f"/v1/surveys/{case.survey.public_id}/responses", json=fields, headers=HEADERS
        )
    else:
        refused = await case.client.post(
            f"/v1/surveys/{case.survey.public_id}/responses", json=body, headers=HEADERS
        )
    assert refused.status_code == status, refused.text
    assert refused.json()["error"]["code"] == code
    assert refused.json()["error"]["field"] == field
    assert await stored(case.app) == before


@pytest.mark.parametrize(
    ("query", "status", "code", "field"),
    [
        ("?visitor=", 400, "invalid", "visitor"),
        ("?visitor=v-1&store=pk_nope", 404, "survey_not_found", None),
    ],
)
async def test_state_refuses_what_is_not_a_visitor_or_the_stores_survey(
    case, query, status, code, field
):
    refused = await case.client.get(
        f"/v1/surveys/{case.survey.public_id}/state{query}", headers=HEADERS
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    assert refused.json()["error"]["field"] == field


async def test_state_of_a_closed_or_unknown_survey(case):
    await case.update(status="ended")
    closed = await state(case.client, case.survey, "v-1")
    assert (closed.status_code, closed.json()["error"]["code"]) == (409, "survey_closed")
    missing = await case.client.get("/v1/surveys/srv_nope/state?visitor=v-1", headers=HEADERS)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "survey_not_found")
