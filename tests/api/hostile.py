"""A live app for the hostile-input property tests: the demo shop with a live campaign and
its owner signed in, driven from an event loop of the test module's own (Hypothesis runs
plain functions), and a fingerprint of every row to prove a refused request wrote nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from starlette.applications import Starlette

from server.accounts import create_store, create_user
from server.app import create_app
from server.clock import now_ms
from server.demo_seed import seed_demo_store
from server.offers.model import Offer
from server.services import services
from server.settings import Settings
from server.stores.service import Store, validate_new_store
from server.surveys.model import Answer, Question
from server.surveys.queries import NewResponse, insert_response, replace_answers, save_survey
from server.surveys.templates import from_template
from tests.api.admin_client import sign_in
from tests.api.offering import live_campaign
from tests.api.shopping import new_cart, order_body, place
from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD, SHOP_ORIGIN

HOSTILE = settings(
    max_examples=600,
    derandomize=True,  # the same examples on every run: CI never flakes on a new one
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Rows that change on requests that are refused too: a session's last-seen time.
NOT_FINGERPRINTED = {"admin_sessions"}


@dataclass
class World:
    loop: asyncio.AbstractEventLoop
    app: Starlette
    client: httpx.AsyncClient  # a shopper's
    admin: httpx.AsyncClient  # the store owner's, signed in
    store: Store
    campaign: str  # a live campaign's public id
    cache: dict[str, Any] = field(default_factory=dict)  # what a test computes once per world

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def fingerprint(self) -> dict[str, str]:
        """A digest of every row of every table, by table."""

        async def digest() -> dict[str, str]:
            db = services(self.app).db
            names = [r[0] for r in await db.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
            found = {}
            for name in sorted(set(names) - NOT_FINGERPRINTED):
                # Sorted here, not by rowid: a WITHOUT ROWID table (kept counts, the search
                # index's own tables) has none.
                rows = sorted(repr(tuple(r)) for r in await db.fetch_all(f'SELECT * FROM "{name}"'))
                found[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
            return found

        return self.run(digest())

    def sign_in_again(self) -> None:
        """Sign the owner in again if a generated request signed them out."""

        async def check() -> None:
            if (await self.admin.get("/admin/account")).status_code != 200:
                assert (await sign_in(self.admin)).status_code == 303

        self.run(check())


def problems_in(records: list[logging.LogRecord]) -> list[str]:
    return [r.getMessage() for r in records if r.exc_info or "Traceback" in r.getMessage()]


def make_world(db: Path) -> Iterator[World]:
    loop = asyncio.new_event_loop()
    unlimited = 10**9
    app = create_app(Settings(
        db=db, secret_keys=("hostile-input-test-key-0123456789abcdef",),
        events_rate_limit=unlimited, api_rate_limit=unlimited, claim_rate_limit=unlimited,
        login_rate_limit=unlimited,
    ), deliver_messages=False)  # fingerprints must not see the outbox's sender at work  # fmt: skip
    lifespan = app.router.lifespan_context(app)
    loop.run_until_complete(lifespan.__aenter__())
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kc.test")
        for _ in range(2)
    ]
    try:
        store, campaign = loop.run_until_complete(_seed(app, clients[1]))
        yield World(loop, app, clients[0], clients[1], store, campaign)
    finally:
        for client in clients:
            loop.run_until_complete(client.aclose())
        loop.run_until_complete(lifespan.__aexit__(None, None, None))
        loop.close()


async def _seed(app: Starlette, admin: httpx.AsyncClient) -> tuple[Store, str]:
    await create_user(services(app).db, MERCHANT_EMAIL, MERCHANT_PASSWORD, now=now_ms())
    new = validate_new_store("Hostile Shop", [SHOP_ORIGIN], "EUR", "en-IE", "Europe/Dublin")
    store = await create_store(services(app).db, new, MERCHANT_EMAIL, now=now_ms())
    await services(app).db.write(
        lambda conn: seed_demo_store(conn, store.id, SHOP_ORIGIN, now_ms())
    )
    campaign = await live_campaign(app, store.id, Offer("percent", 10))
    shopper = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kc.test")
    async with shopper:
        for _ in range(2):  # real orders, numbered as checkout numbers them
            token = await new_cart(shopper, store.public_key, FH_MUG_01=1)
            assert (await place(shopper, order_body(token))).status_code == 201
    await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO email_consents (store_id, campaign_id, email, wording, created_at)"
            " VALUES (?, ?, 'shopper@example.test', 'Email me my cart', 0)",
            (store.id, campaign.id),
        )
    )

    # A review to moderate (and vote for): one of the orders' lines, its order fulfilled.
    async def review(conn) -> None:
        first = "(SELECT min(id) FROM orders)"
        await conn.execute(f"UPDATE orders SET status = 'fulfilled' WHERE id = {first}")
        await conn.execute(
            "INSERT INTO reviews (public_id, store_id, product_id, source, order_id, rating,"
            " display_name, created_at) SELECT 'rev_hostile', o.store_id, i.product_id, 'order',"
            f" o.id, 4, 'Aoife B.', 0 FROM orders o JOIN order_items i ON i.order_id = o.id"
            f" WHERE o.id = {first}"
        )

    await services(app).db.write(review)
    await _answered_survey(app, store)
    assert (await sign_in(admin)).status_code == 303
    return store, campaign.public_id


async def _answered_survey(app: Starlette, store: Store) -> None:
    """A live exit survey with a follow-up email question, answered once with consent."""
    survey = from_template("exit", store.id)
    email = Question("q2", "email", "Email me?", required=False)
    survey = dataclasses.replace(survey, status="live", questions=(*survey.questions, email))
    new = NewResponse(0, store.id, "v_hostile", "", None, "exit_top", "/", "desktop", 2500, "")

    async def write(conn) -> None:
        saved = await save_survey(conn, survey, 0)
        response = await insert_response(conn, dataclasses.replace(new, survey_id=saved.id), 0)
        await replace_answers(conn, response.id, saved.questions[0], Answer(("delivery",)), 0)
        answer = Answer(text="shopper@example.test", consent=email.consent_text)
        await replace_answers(conn, response.id, saved.questions[1], answer, 0)

    await services(app).db.write(write)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("hostile") / "k.db")
