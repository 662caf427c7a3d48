"""A shopper's form pages on Keepcart's own origin (a review from its link, an order's
survey) answer a rate limit with the form again, what was typed kept and a line saying to
wait (429, ``Retry-After``), not the API's JSON; and nothing is written."""

from __future__ import annotations

import dataclasses

import pytest

from tests.api.reviewing import fulfilled_line, link_path, rows, visible_text
from tests.api.surveying import delivered_order, live_survey, stored

pytestmark = pytest.mark.anyio

LIMIT = 3
REVIEW = {"rating": "4", "title": "Keeps coffee hot", "body": "Good weight.", "name": "Aoife B."}


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, api_rate_limit=LIMIT)


def assert_told_to_wait(page) -> None:
    assert page.status_code == 429
    assert page.headers["content-type"].startswith("text/html")
    assert int(page.headers["retry-after"]) >= 1
    assert page.headers["cache-control"] == "no-store"
    assert 'role="alert"' in page.text
    assert 'href="#f-send"' in page.text and 'id="f-send"' in page.text  # the summary's link
    assert "nothing was saved this time. Please wait a minute" in visible_text(page.text)


async def test_a_review_sent_over_the_limit_comes_back_kept_and_is_not_published(
    app, client, store
):
    lines = [await fulfilled_line(app, store, number) for number in range(1001, 1005)]
    paths = [link_path(app, line) for line in lines]
    for path in paths[:LIMIT]:  # other lines' reviews, from the same connection
        assert (await client.post(path, data=REVIEW)).status_code == 200
    page = await client.post(paths[LIMIT], data=REVIEW | {"title": "Sent once too often"})
    assert_told_to_wait(page)
    assert 'value="Sent once too often"' in page.text and "Good weight." in page.text
    assert 'value="4" id="rating-4" checked' in page.text
    assert len(await rows(app, "reviews")) == LIMIT


async def test_a_survey_answer_sent_over_the_limit_comes_back_kept_and_is_not_stored(
    app, client, store
):
    await live_survey(app, store.id, "nps")
    path = await delivered_order(app, store)
    for _ in range(LIMIT):  # a bad answer each time: counted all the same
        assert (await client.post(path, data={"question": "q1", "value": "11"})).status_code == 422
    before = await stored(app)
    page = await client.post(path, data={"question": "q1", "value": "9"})
    assert_told_to_wait(page)
    assert 'value="9" id="f-value-9" checked' in page.text
    assert "Question 1 of 2" in visible_text(page.text)
    assert await stored(app) == before
