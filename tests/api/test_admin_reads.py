"""Admin pages read in a lane of their own with a time limit: a page past the limit is
stopped and answered 503 (JSON for a JSON endpoint), its route logged without data, and a
shopper's request is answered while an admin page still runs."""

from __future__ import annotations

import asyncio
import logging

import pytest

from server.db import ReadLane
from server.services import services
from server.settings import Settings
from tests.api.admin_client import sign_in
from tests.api.slow_reads import GUARD_S, make_endless, until
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


@pytest.fixture
def admin_limit_ms() -> int:
    return 300


@pytest.fixture
def settings(tmp_path, admin_limit_ms) -> Settings:
    return Settings(
        db=tmp_path / "keepcart.db",
        secret_keys=("test-secret-key-of-at-least-32-bytes",),
        admin_query_timeout=admin_limit_ms,
    )


async def test_a_page_past_the_time_limit_is_stopped_and_answered_503(
    app, client, merchant, store, settings, caplog
):
    caplog.set_level(logging.WARNING, logger="keepcart")
    await sign_in(client)
    make_endless(settings.db, "invitations")
    page = await asyncio.wait_for(client.get(f"/admin/stores/{store.id}/members"), GUARD_S)
    assert page.status_code == 503
    assert "took too long" in page.text and "shorter date range" in page.text
    assert "Not available right now" in page.text and "Something went wrong" not in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert services(app).db.reads_running(ReadLane.ADMIN) == 0
    [line] = [r.getMessage() for r in caplog.records if "time limit" in r.getMessage()]
    assert line == (
        "GET /admin/stores/{store_id}/members passed the admin query time limit;"
        " its query was stopped"
    )
    # The lane's connections are free: the next page is answered.
    assert (await client.get(f"/admin/stores/{store.id}/settings")).status_code == 200


async def test_a_json_endpoint_past_the_time_limit_gets_a_json_503(client, merchant, store,
                                                                   settings):  # fmt: skip
    await sign_in(client)
    make_endless(settings.db, "events")
    answer = await asyncio.wait_for(
        client.get(f"/admin/stores/{store.id}/activity", headers={"Accept": "application/json"}),
        GUARD_S,
    )
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "query_timeout"


@pytest.mark.parametrize("admin_limit_ms", [600_000])
async def test_a_shoppers_request_is_answered_while_an_admin_page_runs(
    app, client, merchant, shop, settings
):
    await sign_in(client)
    # A page's first read (whose session this is) never ends: the admin reads seen running
    # below are those. Two pages: every admin connection is busy.
    make_endless(settings.db, "admin_sessions")
    pages = [asyncio.create_task(client.get(f"/admin/stores/{shop.id}/members")) for _ in "ab"]
    await until(lambda: services(app).db.reads_running(ReadLane.ADMIN) == 2, "the pages run")
    config = await asyncio.wait_for(
        client.get(f"/v1/stores/{shop.public_key}/config", headers={"Origin": SHOP_ORIGIN}),
        GUARD_S,
    )
    assert config.status_code == 200
    assert not any(page.done() for page in pages)  # the admin pages are still running
    for page in pages:
        page.cancel()  # the browser goes away: its query is stopped with it
    await asyncio.gather(*pages, return_exceptions=True)
    await until(lambda: services(app).db.reads_running(ReadLane.ADMIN) == 0, "it stopped")
