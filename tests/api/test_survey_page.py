"""The order-status survey page, ``/orders/{token}/survey`` (NPS after delivery): linked from
the receipt once the order is delivered, one question per step, one response per order, and
a 404 page for any token that is not this server's receipt link."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from server.services import services
from server.surveys.model import Option, Question
from server.surveys.queries import save_survey
from tests.api.ordering import insert_order
from tests.api.reviewing import receipt_path, visible_text
from tests.api.surveying import DELIVERED, live_survey, rows, stored
from tests.api.surveying import delivered_order as deliver_order

pytestmark = pytest.mark.anyio

LAST_DAY = int(datetime(2025, 7, 7, 20, tzinfo=UTC).timestamp() * 1000)


@pytest.fixture
async def delivered_order(app, store):
    return await deliver_order(app, store)


def assert_private_form_page(response) -> None:
    headers = response.headers
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-robots-tag"] == "noindex, nofollow"
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "form-action 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "<script" not in response.text and " style=" not in response.text


async def test_nps_step_by_step_then_thanks(app, client, store, delivered_order):
    survey = await live_survey(app, store.id, "nps")
    page = await client.get(delivered_order)
    assert page.status_code == 200
    assert_private_form_page(page)
    text = visible_text(page.text)
    assert "Question 1 of 2" in text and "How likely are you to recommend us" in text
    assert all(f'name="value" value="{n}"' in page.text for n in range(11))
    assert "<fieldset" in page.text and "<legend>" in page.text
    assert (await stored(app))["responses"] == []  # opening the page records nothing

    step = await client.post(delivered_order, data={"question": "q1", "value": "9"})
    assert step.status_code == 303 and step.headers["location"] == delivered_order
    second = await client.get(delivered_order)
    assert "Question 2 of 2" in visible_text(second.text)
    assert "(optional)" in second.text
    last = await client.post(delivered_order, data={"question": "q2", "value": ""})
    assert last.status_code == 303
    thanks = await client.get(delivered_order)
    assert thanks.status_code == 200 and survey.thanks in visible_text(thanks.text)

    [response] = await rows(app, "SELECT * FROM survey_responses")
    assert response["status"] == "completed" and response["signal"] == "order_status"
    assert response["visitor_id"] == "v-7" and response["order_id"] is not None
    assert await rows(app, "SELECT question, number FROM survey_answers ORDER BY question") == [
        {"question": "q1", "number": 9},
        {"question": "q2", "number": None},
    ]
    again = await client.post(delivered_order, data={"question": "q1", "value": "2"})
    assert again.status_code == 409 and survey.thanks in visible_text(again.text)
    assert (await rows(app, "SELECT number FROM survey_answers WHERE question = 'q1'")) == [
        {"number": 9}
    ]


@pytest.mark.parametrize("value", ["11", "nine", "", "-1"])
async def test_a_bad_answer_comes_back_with_its_error_and_stores_nothing(
    app, client, store, delivered_order, value
):
    await live_survey(app, store.id, "nps")
    before = await stored(app)
    page = await client.post(delivered_order, data={"question": "q1", "value": value})
    assert page.status_code == 422
    assert_private_form_page(page)
    assert 'role="alert"' in page.text and 'aria-invalid="true"' in page.text
    assert "Question 1 of 2" in visible_text(page.text)
    assert await stored(app) == before


async def test_a_reload_mid_survey_asks_the_next_question(app, client, store, delivered_order):
    await live_survey(app, store.id, "nps")
    await client.post(delivered_order, data={"question": "q1", "value": "3"})
    assert "Question 2 of 2" in visible_text((await client.get(delivered_order)).text)
    # The first answer, sent again from a stale page, replaces the first: still one response.
    await client.post(delivered_order, data={"question": "q1", "value": "4"})
    assert len(await rows(app, "SELECT id FROM survey_responses")) == 1


async def test_a_page_left_stale_by_an_edit_asks_again_from_where_the_survey_is(
    app, client, store, delivered_order
):
    """The merchant puts a question between the two after the shopper answered the first:
    the second, sent from the page the shopper still has, is no longer next. The page asks
    the new next question again (an HTML page, never the API's JSON error)."""
    survey = await live_survey(app, store.id, "nps")
    await client.post(delivered_order, data={"question": "q1", "value": "9"})
    first, second = survey.questions
    inserted = Question("q3", "short_text", "What should we stock next?", required=False)
    edited = dataclasses.replace(survey, questions=(first, inserted, second))
    await services(app).db.write(lambda conn: save_survey(conn, edited, DELIVERED))
    stale = await client.post(delivered_order, data={"question": "q2", "value": "Fast"})
    assert stale.status_code == 303 and stale.headers["location"] == delivered_order
    page = await client.get(delivered_order)
    assert "What should we stock next?" in visible_text(page.text)
    assert await rows(app, "SELECT question FROM survey_answers") == [{"question": "q1"}]


async def test_nothing_before_the_order_is_fulfilled_and_delivered(app, client, store):
    await live_survey(app, store.id, "nps")
    await insert_order(app, store, 1001, status="paid")
    await insert_order(app, store, 1002, status="fulfilled")
    services(app).clock.set(LAST_DAY)  # in Dublin, still 7 July: the window's last day
    for number in (1001, 1002):
        path = receipt_path(app, f"ord_test{number}") + "/survey"
        page = await client.get(path)
        assert page.status_code == 409 and "once your order has arrived" in page.text
        posted = await client.post(path, data={"question": "q1", "value": "9"})
        assert posted.status_code == 409
        assert (
            "Tell Test Shop" not in (await client.get(receipt_path(app, f"ord_test{number}"))).text
        )
    assert await rows(app, "SELECT id FROM survey_responses") == []


async def test_a_forged_token_or_no_survey_is_a_404_page(app, client, store, delivered_order):
    page = await client.get(delivered_order)  # no order-status survey running
    assert page.status_code == 404 and "This survey link doesn’t work" in page.text
    await live_survey(app, store.id, "nps")
    forged = delivered_order.replace("/orders/", "/orders/x")
    assert (await client.get(forged)).status_code == 404
    posted = await client.post(forged, data={"question": "q1", "value": "9"})
    assert posted.status_code == 404
    assert await rows(app, "SELECT id FROM survey_responses") == []


async def test_the_receipt_links_to_the_survey_until_it_is_answered(
    app, client, store, delivered_order
):
    receipt = delivered_order.removesuffix("/survey")
    assert "/survey" not in (await client.get(receipt)).text  # no survey running
    await live_survey(app, store.id, "nps")
    page = (await client.get(receipt)).text
    assert f'href="{delivered_order}"' in page
    await client.post(delivered_order, data={"question": "q1", "value": "10"})
    assert f'href="{delivered_order}"' in (await client.get(receipt)).text  # half answered
    await client.post(delivered_order, data={"question": "q2", "value": "Great"})
    assert f'href="{delivered_order}"' not in (await client.get(receipt)).text


async def test_every_kind_of_question_by_form(app, client, store, delivered_order):
    """A merchant's own order-status survey: choices with Other, several choices, an email
    (kept only with consent) and stars, each sent as the form sends it."""
    questions = (
        Question("q1", "single", "Where?", options=(Option("shop", "Shop"),
                 Option("other", "Other", other=True))),
        Question("q2", "multiple", "What?", options=(Option("a", "A"), Option("b", "B"))),
        Question("q3", "email", "Email?", required=False, consent_text="Write to me."),
        Question("q4", "rating", "Stars?", style="stars"),
    )  # fmt: skip
    await live_survey(app, store.id, "nps", questions=questions)
    page = (await client.get(delivered_order)).text
    assert 'type="radio" name="value" value="other"' in page and 'name="other_text"' in page
    assert (await client.post(delivered_order, data={"question": "q1", "value": "other",
            "other_text": "A market stall"})).status_code == 303  # fmt: skip
    assert 'type="checkbox" name="value" value="b"' in (await client.get(delivered_order)).text
    form = {"question": "q2", "value": ["a", "b"]}
    assert (await client.post(delivered_order, data=form)).status_code == 303
    no_consent = await client.post(delivered_order, data={"question": "q3", "value": "a@b.test"})
    assert no_consent.status_code == 422 and "Write to me." in no_consent.text
    assert 'aria-describedby="f-consent-error"' in no_consent.text
    form = {"question": "q3", "value": "a@b.test", "consent": "yes"}
    assert (await client.post(delivered_order, data=form)).status_code == 303
    stars = (await client.get(delivered_order)).text
    assert "4 stars" in visible_text(stars) and "Question 4 of 4" in visible_text(stars)
    assert (
        await client.post(delivered_order, data={"question": "q4", "value": "4"})
    ).status_code == 303
    found = await rows(app, "SELECT question, option, number, text, consent FROM survey_answers"
                            " ORDER BY question, option")  # fmt: skip
    assert [tuple(r.values()) for r in found] == [
        ("q1", "other", None, "A market stall", None),
        ("q2", "a", None, None, None),
        ("q2", "b", None, None, None),
        ("q3", "", None, "a@b.test", "Write to me."),
        ("q4", "", 4, None, None),
    ]
