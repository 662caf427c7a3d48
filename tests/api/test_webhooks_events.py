"""Each event that exists today is emitted by the change that causes it, in its write: an
order marked paid and fulfilled, a survey response completed (an email answer left out), a
review published. What is queued is what the endpoint receives."""

from __future__ import annotations

import json

import pytest

from server.clock import now_ms
from server.services import services
from server.surveys.model import Question
from tests.api.admin_client import client_for, csrf_from
from tests.api.reviewing import fulfilled_line, publish
from tests.api.shopping import new_cart, order_body, place
from tests.api.surveying import answer, live_survey, start
from tests.api.webhooking import (
    add_endpoint,
    allow_private,
    deliver_in_turn,
    verified,
    webhook_messages,
)
from tests.conftest import MERCHANT_PASSWORD
from tests.webhook_receiver import running_receiver

pytestmark = pytest.mark.anyio


@pytest.fixture
def receiver():
    with running_receiver() as receiver:
        yield receiver


async def events(app) -> list[tuple[str, dict]]:
    bodies = [json.loads(m["inputs"]) for m in await webhook_messages(app)]
    return [(body["type"], body["data"]) for body in bodies]


async def test_an_order_paid_then_fulfilled_emits_each_step(app, client, shop, merchant, receiver):
    services(app).clock.set(now_ms())
    allow_private(app)
    _, secret = await add_endpoint(app, shop, receiver.url)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    placed = await place(client, order_body(token, payment={"method": "bank_transfer"}))
    assert placed.status_code == 201
    number = placed.json()["order"]["number"]
    assert [kind for kind, _ in await events(app)] == ["order.created"]  # not paid yet

    async with client_for(app, merchant, MERCHANT_PASSWORD) as admin:
        page = f"/admin/stores/{shop.id}/orders/{number}"
        for action in ("mark-paid", "mark-fulfilled"):
            token = csrf_from((await admin.get(page)).text)
            assert (await admin.post(f"{page}/{action}", data={"csrf_token": token})).is_redirect
    emitted = await events(app)
    assert [(kind, data["status"]) for kind, data in emitted] == [
        ("order.created", "awaiting_payment"), ("order.paid", "paid"),
        ("order.fulfilled", "fulfilled"),
    ]  # fmt: skip
    assert await deliver_in_turn(app) == 3
    received = sorted(verified(r, secret)["type"] for r in receiver.received)
    assert received == ["order.created", "order.fulfilled", "order.paid"]


async def test_a_completed_survey_response_is_emitted_without_its_email(app, client, shop):
    await add_endpoint(app, shop, "https://8.8.8.8/in", events=["survey.response.created"])
    questions = (
        Question("q1", "email", "Your email?", required=False),
        Question("q2", "long_text", "Anything else?", required=False),
    )
    survey = await live_survey(app, shop.id, "blank", questions=questions)
    shown = (await start(client, survey, "v1")).json()
    assert (await answer(client, survey, shown, "q1", "pat@example.test", consent=True)).is_success
    assert await events(app) == []  # not completed yet
    assert (await answer(client, survey, shown, "q2", "Lovely mugs")).is_success

    [(kind, data)] = await events(app)
    assert kind == "survey.response.created"
    assert (data["survey_id"], data["response_id"]) == (survey.public_id, shown["id"])
    email, comment = data["answers"]
    assert email == {"question": "q1", "type": "email", "prompt": "Your email?",
                     "skipped": False}  # fmt: skip
    assert (comment["question"], comment["text"]) == ("q2", "Lovely mugs")
    assert "pat@example.test" not in json.dumps(data)


async def test_a_published_review_is_emitted(app, shop):
    await add_endpoint(app, shop, "https://8.8.8.8/in", events=["review.created"])
    line = await fulfilled_line(app, shop)
    review = await publish(app, line, 4, title="Solid", body="Holds tea.", name="Pat B.")
    [(kind, data)] = await events(app)
    assert kind == "review.created"
    assert (data["review_id"], data["rating"], data["title"], data["display_name"]) == (
        review.public_id, 4, "Solid", "Pat B.",
    )  # fmt: skip
    assert data["order_id"] == line.order_public_id and data["verified_buyer"] is True
    assert data["product"]["sku"] == review.sku
