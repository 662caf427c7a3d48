"""The store config's surveys: the running surveys the widget shows (without their words), the
store's survey settings, the surveys chunk's entry, and no remedy-only campaign among the
offers."""

from __future__ import annotations

import pytest

from server.clock import now_ms
from server.offers.model import Targeting, Trigger
from server.routes.stores import built_chunks, widget_chunks
from server.services import services
from server.surveys import queries
from tests.api.offering import live_campaign
from tests.api.surveying import live_survey, set_survey_settings

pytestmark = pytest.mark.anyio


async def config(client, store) -> dict:
    return (await client.get(f"/v1/stores/{store.public_key}/config")).json()


async def test_no_survey_no_feature_and_the_default_settings(client, store):
    body = await config(client, store)
    assert body["features"]["surveys"] is False
    assert body["surveys"] == {"priority": "offers", "min_gap_days": 14, "list": []}


async def test_only_running_surveys_are_listed_without_their_questions(app, client, store):
    exit_survey = await live_survey(app, store.id, targeting=Targeting(include_urls=("/shop/*",)))
    await live_survey(app, store.id, "nps")  # the order-status page only
    await live_survey(app, store.id, status="draft")
    await live_survey(app, store.id, status="paused")
    await live_survey(app, store.id, starts_at=now_ms() + 3_600_000)
    await set_survey_settings(app, store.id, min_gap_days=5, priority="surveys")
    body = await config(client, store)
    assert body["features"]["surveys"] is True
    surveys = body["surveys"]
    assert (surveys["priority"], surveys["min_gap_days"]) == ("surveys", 5)
    [entry] = surveys["list"]
    assert entry["id"] == exit_survey.public_id
    assert entry["moments"] == ["exit_intent", "drawer_close", "checkout_exit"]
    assert entry["pages"]["include"] and entry["recontact"]["mode"] == "until_answered"
    assert entry["trigger"]["kind"] == "exit_intent"
    assert "What stopped you today?" not in str(body)
    assert "questions" not in entry


async def test_a_remedy_only_campaign_is_not_among_the_offers(app, client, store):
    remedy = await live_campaign(app, store.id, trigger=Trigger(kind="survey_answer"))
    shown = await live_campaign(app, store.id)
    listed = [c["id"] for c in (await config(client, store))["offers"]["campaigns"]]
    assert listed == [shown.public_id] and remedy.public_id not in listed


async def test_the_etag_changes_when_a_survey_goes_live_or_stops(app, client, store):
    url = f"/v1/stores/{store.public_key}/config"
    before = (await client.get(url)).headers["etag"]
    survey = await live_survey(app, store.id)
    live = await client.get(url, headers={"If-None-Match": before})
    assert live.status_code == 200 and live.headers["etag"] != before
    await services(app).db.write(lambda conn: queries.set_status(conn, survey.id, "paused", 1))
    paused = await client.get(url, headers={"If-None-Match": live.headers["etag"]})
    assert paused.status_code == 200 and paused.headers["etag"] == before


# ---- the chunk entry ------------------------------------------------------------------------

BUILT = {"surveys": {"src": "/v1/chunks/surveys.TEST.js"}}


async def entry(client, store, built=BUILT) -> dict | None:
    found = [c for c in widget_chunks(await config(client, store), built) if c["name"] == "surveys"]
    return found[0] if found else None


async def test_no_surveys_chunk_entry_until_the_build_has_one(client, store, app):
    await live_survey(app, store.id)
    assert await entry(client, store, built={}) is None
    if "surveys" not in built_chunks():  # the real build, until the widget's chunk lands
        listed = {c["name"] for c in (await config(client, store))["chunks"]}
        assert "surveys" not in listed


async def test_the_chunk_loads_where_a_listed_surveys_pages_match(app, client, store):
    assert await entry(client, store) == {
        "name": "surveys", "src": "/v1/chunks/surveys.TEST.js", "idle": True, "preview": True,
        "pages": [],
    }  # fmt: skip  # no survey: only the admin's previews load it
    await live_survey(app, store.id, targeting=Targeting(include_urls=("/shop/*",)))
    found = await entry(client, store)
    assert found["pages"] == [(await config(client, store))["surveys"]["list"][0]["pages"]]
    assert "with_cart" not in found  # exit intent can show to an empty cart


@pytest.mark.parametrize(
    ("changes", "with_cart"),
    [
        ({"moments": ("drawer_close", "checkout_exit")}, True),
        ({"moments": ("confirmation",)}, True),  # loaded once there is a cart to check out
        ({"moments": ("exit_intent",), "targeting": Targeting(cart="not_empty")}, True),
        ({"moments": ("exit_intent",), "targeting": Targeting(subtotal_min=1000)}, True),
        ({"moments": ("exit_intent", "drawer_close")}, False),
        ({"moments": ("time_on_page",)}, False),
    ],
    ids=["cart-moments", "confirmation", "not-empty", "minimum", "exit-too", "time"],
)
async def test_the_chunk_waits_for_a_cart_only_when_every_survey_needs_one(
    app, client, store, changes, with_cart
):
    await live_survey(app, store.id, **changes)
    found = await entry(client, store)
    assert found.get("with_cart", False) is with_cart
    assert len(found["pages"]) == 1  # confirmation surveys load where the checkout runs


async def test_one_open_survey_loads_the_chunk_for_everyone(app, client, store):
    await live_survey(app, store.id, moments=("drawer_close",))
    assert (await entry(client, store))["with_cart"] is True
    await live_survey(app, store.id, moments=("exit_intent",))
    assert "with_cart" not in await entry(client, store)
