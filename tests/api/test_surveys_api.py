"""``/v1/surveys/…``: a visitor's survey, shown, answered question by question, and refused
(with nothing stored) when it shouldn't be; and the survey rows the admin and the API share."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from server.orders.receipt_link import status_url
from server.services import services
from server.surveys import queries
from server.surveys.model import DEFAULT_SETTINGS, Option, Question, Recontact, SurveySettings
from server.surveys.service import in_sample
from tests.api.ordering import insert_order
from tests.api.surveying import (
    answer,
    live_survey,
    row_counts,
    rows,
    set_survey_settings,
    start,
    state,
)

pytestmark = pytest.mark.anyio


async def test_a_saved_survey_loads_as_it_was_saved_and_its_status_changes(app, store):
    db = services(app).db
    saved = await live_survey(app, store.id, "checkout_experience", recontact=Recontact("once"))
    assert saved.public_id and saved.public_id.startswith("srv_")
    loaded = await queries.load_survey(db, store.id, saved.public_id)
    assert loaded == saved
    assert loaded.questions[0].type == "ces" and loaded.moments == ("confirmation",)
    edited = dataclasses.replace(saved, name="Renamed", sample_percent=40)
    await db.write(lambda conn: queries.save_survey(conn, edited, 1))
    assert await queries.load_survey(db, store.id, saved.public_id) == edited
    await db.write(lambda conn: queries.set_status(conn, saved.id, "paused", 2))
    [listed] = await queries.list_surveys(db, store.id)
    assert listed.status == "paused"
    assert await queries.load_survey(db, store.id + 1, saved.public_id) is None


async def test_settings_default_until_saved(app, store):
    db = services(app).db
    assert await queries.load_settings(db, store.id) == DEFAULT_SETTINGS
    await set_survey_settings(app, store.id, min_gap_days=3, priority="surveys")
    assert await queries.load_settings(db, store.id) == SurveySettings(3, "surveys")


# ---- a visitor answering -------------------------------------------------------------------

THREE = (
    Question(
        "q1",
        "single",
        "What stopped you?",
        options=(Option("costs", "Costs"), Option("other", "Other", other=True)),
    ),
    Question("q2", "nps", "Would you recommend us?"),
    Question("q3", "long_text", "Anything else?", required=False),
)


async def test_state_then_a_response_then_three_answers_complete_it(app, client, store):
    survey = await live_survey(app, store.id, questions=THREE)
    seen = await state(client, survey, "v-1", store.public_key)
    assert seen.status_code == 200 and seen.headers["cache-control"] == "no-store"
    body = seen.json()
    assert body["show"] is True and body["reason"] is None and body["response"] is None
    assert [q["key"] for q in body["survey"]["questions"]] == ["q1", "q2", "q3"]
    assert body["survey"]["questions"][1] == {
        "key": "q2", "type": "nps", "prompt": "Would you recommend us?", "required": True,
        "low": 0, "high": 10, "low_label": "", "high_label": "", "next": None,
    }  # fmt: skip
    assert (await row_counts(app))["survey_responses"] == 0  # state records nothing

    started = await start(client, survey, "v-1", page="/cart?email=a@b.test", cart_value=4200)
    assert started.status_code == 201
    response = started.json()
    assert response["id"].startswith("rsp_") and response["answers"] == {}
    assert response["next"] == "q1"

    first = await answer(client, survey, response, "q1", {"option": "other", "text": "Shipping"})
    assert first.json() == {"next": "q2", "done": False, "remedy": None}
    assert (await answer(client, survey, response, "q2", 9)).json()["next"] == "q3"
    last = await answer(client, survey, response, "q3", None)
    assert last.status_code == 200
    assert last.json() == {"next": None, "done": True, "remedy": None}

    [row] = await rows(app, "SELECT * FROM survey_responses")
    assert row["status"] == "completed" and row["completed_at"] is not None
    assert row["page"] == "/cart"  # the query (which may hold personal data) is dropped
    assert (row["signal"], row["device"], row["cart_value"]) == ("exit_top", "desktop", 4200)
    answers = await rows(app, "SELECT question, option, number, text FROM survey_answers"
                              " ORDER BY question")  # fmt: skip
    assert [tuple(a.values()) for a in answers] == [
        ("q1", "other", None, "Shipping"),
        ("q2", "", 9, None),
        ("q3", "", None, None),
    ]


async def test_a_partial_save_is_resumed_by_state_and_by_the_next_start(app, client, store):
    survey = await live_survey(app, store.id, questions=THREE)
    response = (await start(client, survey, "v-1")).json()
    await answer(client, survey, response, "q1", "costs")

    later = (await state(client, survey, "v-1")).json()
    assert later["show"] is True
    assert later["response"]["id"] == response["id"]
    assert later["response"]["answers"] == {"q1": "costs"}
    assert later["response"]["next"] == "q2"
    again = await start(client, survey, "v-1")
    assert again.status_code == 200  # resumed, not a second response
    assert again.json()["id"] == response["id"] and again.json()["next"] == "q2"
    assert (await row_counts(app))["survey_responses"] == 1
    # Answering q1 again replaces it; its token from the resumed answer works.
    await answer(client, survey, again.json(), "q1", {"option": "other", "text": "x"})
    assert (await state(client, survey, "v-1")).json()["response"]["answers"] == {
        "q1": {"option": "other", "text": "x"}
    }
    [status] = await rows(app, "SELECT status FROM survey_responses")
    assert status == {"status": "started"}


async def test_a_branch_not_taken_keeps_no_answers(app, client, store):
    """Answers to a question the final path skips (an earlier answer changed) are dropped at
    completion: results count only what the shopper's path asked."""
    questions = (
        Question("q1", "single", "?", options=(Option("a", "A", next="q3"), Option("b", "B"))),
        Question("q2", "short_text", "?"),
        Question("q3", "short_text", "?"),
    )
    survey = await live_survey(app, store.id, questions=questions)
    response = (await start(client, survey, "v-1")).json()
    assert (await answer(client, survey, response, "q1", "b")).json()["next"] == "q2"
    await answer(client, survey, response, "q2", "on the b branch")
    assert (await answer(client, survey, response, "q1", "a")).json()["next"] == "q3"
    # q2 is off the path now: it can't be answered (again) until q1 leads back to it.
    off_path = await answer(client, survey, response, "q2", "still on the b branch")
    assert off_path.status_code == 409
    assert off_path.json()["error"] == {
        "code": "question_not_next", "field": "question",
        "message": "That question isn't the survey's next one for this response.",
    }  # fmt: skip
    assert (await answer(client, survey, response, "q3", "done")).json()["done"] is True
    kept = await rows(app, "SELECT question FROM survey_answers ORDER BY question")
    assert kept == [{"question": "q1"}, {"question": "q3"}]


# ---- frequency, checked by the server ------------------------------------------------------

DAY = 86_400_000


@pytest.fixture
def clock(app):
    """The app's clock, held still, so a step of a millisecond means one."""
    held = services(app).clock
    held.set(held.now_ms())
    return held


async def complete(client, survey, visitor: str, **body) -> dict:
    response = (await start(client, survey, visitor, **body)).json()
    for question, value in (("q1", "costs"), ("q2", 8), ("q3", None)):
        reply = await answer(client, survey, response, question, value)
    assert reply.json()["done"] is True
    return response


async def refused_reason(client, survey, visitor: str, **body) -> str | None:
    """Why the server refuses to show the survey (state and POST agree); None if it doesn't."""
    seen = (await state(client, survey, visitor)).json()
    started = await start(client, survey, visitor, **body)
    if seen["show"]:
        assert started.status_code in (200, 201)
        return None
    assert started.status_code == 409
    assert started.json()["error"]["code"] == "survey_not_due"
    assert started.json()["error"]["field"] == seen["reason"]
    return seen["reason"]


async def test_until_answered_a_completed_survey_is_never_shown_again(app, client, store, clock):
    """Whatever the browser remembers (here: nothing), the server refuses."""
    survey = await live_survey(app, store.id, questions=THREE)
    await complete(client, survey, "v-1")
    clock.advance(400 * DAY)
    assert await refused_reason(client, survey, "v-1") == "answered"
    assert (await row_counts(app))["survey_responses"] == 1
    assert await refused_reason(client, survey, "v-2") is None  # another visitor is due


async def test_until_answered_an_unanswered_survey_shows_again_after_a_week(
    app, client, store, clock
):
    survey = await live_survey(app, store.id, questions=THREE)
    first = (await start(client, survey, "v-1")).json()
    clock.advance(8 * DAY)  # the open response is too old to resume
    seen = (await state(client, survey, "v-1")).json()
    assert seen["show"] is True and seen["response"] is None
    again = await start(client, survey, "v-1")
    assert again.status_code == 201 and again.json()["id"] != first["id"]


async def test_until_answered_a_visitor_completes_a_survey_once_even_with_an_old_token(
    app, client, store, clock
):
    """A response left open past a week gives way to a new one; once the visitor completes
    that, the old response's token completes nothing (results would count them twice)."""
    survey = await live_survey(app, store.id, questions=THREE)
    first = (await start(client, survey, "v-1")).json()
    assert (await answer(client, survey, first, "q1", "costs")).status_code == 200
    clock.advance(8 * DAY)  # the open response is too old to resume
    await complete(client, survey, "v-1")
    before = await row_counts(app)
    late = await answer(client, survey, first, "q2", 8)
    assert late.status_code == 409 and late.json()["error"]["code"] == "response_completed"
    assert await row_counts(app) == before


async def test_once_a_survey_shown_is_not_shown_again(app, client, store, clock):
    survey = await live_survey(app, store.id, questions=THREE, recontact=Recontact("once"))
    await start(client, survey, "v-1")
    clock.advance(8 * DAY)
    assert await refused_reason(client, survey, "v-1") == "shown"


async def test_every_n_days_waits_its_days(app, client, store, clock):
    rule = Recontact("every_n_days", days=10)
    survey = await live_survey(app, store.id, questions=THREE, recontact=rule)
    await complete(client, survey, "v-1")
    clock.advance(10 * DAY - 1)
    assert await refused_reason(client, survey, "v-1") == "recent"
    clock.advance(1)
    assert await refused_reason(client, survey, "v-1") is None
    assert (await row_counts(app))["survey_responses"] == 2


async def test_the_store_gap_between_two_surveys(app, client, store, clock):
    await set_survey_settings(app, store.id, min_gap_days=3)
    first = await live_survey(app, store.id, questions=THREE)
    second = await live_survey(app, store.id, questions=THREE)
    await start(client, first, "v-1")
    clock.advance(3 * DAY - 1)
    assert await refused_reason(client, second, "v-1") == "gap"
    clock.advance(1)
    assert await refused_reason(client, second, "v-1") is None


async def test_a_visitor_outside_the_sample_is_never_shown_it(app, client, store):
    survey = await live_survey(app, store.id, questions=THREE, sample_percent=30)
    visitors = [f"v-{n}" for n in range(40)]
    outside = next(v for v in visitors if not in_sample(survey, v))
    inside = next(v for v in visitors if in_sample(survey, v))
    assert await refused_reason(client, survey, outside) == "sampled_out"
    assert await refused_reason(client, survey, inside) is None


async def test_two_tabs_showing_a_survey_at_once_make_one_response(app, client, store):
    """Frequency is decided inside the write: the second tab resumes the first's response."""
    survey = await live_survey(app, store.id, questions=THREE, recontact=Recontact("once"))
    replies = await asyncio.gather(*(start(client, survey, "v-1") for _ in range(4)))
    assert sorted(r.status_code for r in replies) == [200, 200, 200, 201]
    assert len({r.json()["id"] for r in replies}) == 1
    assert (await row_counts(app))["survey_responses"] == 1


# ---- the order confirmation ----------------------------------------------------------------


def order_token(app, number: int) -> str:
    url = status_url(services(app).signer, "", f"ord_test{number}")
    return url.removeprefix("/orders/")


async def test_a_confirmation_survey_has_one_response_per_order(app, client, store):
    survey = await live_survey(app, store.id, "checkout_experience")
    order_id = await insert_order(app, store, 1001)
    await insert_order(app, store, 1002)
    body = {"signal": "confirmation", "order": order_token(app, 1001), "utm": "newsletter"}
    started = await start(client, survey, "v-1", **body)
    assert started.status_code == 201
    again = await start(client, survey, "v-1", **body)
    assert again.status_code == 200 and again.json()["id"] == started.json()["id"]
    done = await answer(client, survey, again.json(), "q1", 6)
    assert done.json() == {"next": "q2", "done": False, "remedy": None}
    assert (await answer(client, survey, again.json(), "q2", "Faster")).json()["done"] is True

    refused = await start(client, survey, "v-1", **body)
    assert refused.status_code == 409
    assert refused.json()["error"] == {
        "code": "survey_not_due",
        "message": refused.json()["error"]["message"],
        "field": "answered",
    }
    # Another order of the same visitor: its own response, whatever the recontact rule.
    other = {"signal": "confirmation", "order": order_token(app, 1002)}
    assert (await start(client, survey, "v-1", **other)).status_code == 201
    [row] = await rows(app, "SELECT order_id, utm_source, status FROM survey_responses"
                            " WHERE order_id = ?", (order_id,))  # fmt: skip
    assert row == {"order_id": order_id, "utm_source": "newsletter", "status": "completed"}
    [answers] = await queries.answers_for_order(services(app).db, order_id)
    assert answers.survey_name == survey.name and answers.answers["q1"].number == 6
