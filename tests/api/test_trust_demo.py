"""The demo store's trust settings: the returns and contact its about page states, badges in
every placement, social proof on, a badges holdout; seeded once, a merchant's changes kept."""

from __future__ import annotations

import dataclasses

import pytest

from server.clock import now_ms
from server.demo_seed import DEMO_CONTACT_EMAIL, DEMO_TRUST, seed_demo_store
from server.services import services
from server.trust import queries
from server.trust.facts import badge_facts
from server.trust.service import trust_inputs
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio
SEEDED_AT = 1_780_000_000_000


async def test_the_demo_shows_true_badges_to_everyone(app, client, store):
    db = services(app).db
    await db.write(lambda conn: seed_demo_store(conn, store.id, SHOP_ORIGIN, SEEDED_AT))
    services(app).stores.invalidate()
    settings = await queries.load_trust_settings(db, store.id)
    assert settings == dataclasses.replace(DEMO_TRUST, badges_since=SEEDED_AT)
    assert (settings.returns_days, settings.money_back, settings.social_proof) == (30, True, True)
    assert settings.badges_holdout == 0 and settings.proof_min_buyers >= 5

    seeded = await services(app).stores.by_id(store.id)
    assert seeded is not None and seeded.contact_email == DEMO_CONTACT_EMAIL
    trust = (await client.get(f"/v1/stores/{store.public_key}/config")).json()["trust"]
    assert trust["returns"]["days"] == 30 and trust["returns"]["money_back"] is True
    assert trust["support"]["email"] == DEMO_CONTACT_EMAIL
    assert trust["proof"] == {"holdout": 0, "since": 0, "hours": 48}
    assert trust["holdout"] == 0
    assert all(trust["placements"][p] for p in ("product", "footer", "drawer", "checkout"))
    # Every badge's fact holds but secure checkout's (the demo is served over plain HTTP).
    facts = badge_facts(await trust_inputs(db, seeded, api_https=False), [SHOP_ORIGIN], now_ms())
    assert [f.kind for f in facts if not f.shown] == ["secure"]


async def test_seeding_again_keeps_what_the_merchant_changed(app, store):
    db = services(app).db
    await db.write(lambda conn: seed_demo_store(conn, store.id, SHOP_ORIGIN, SEEDED_AT))
    changed = dataclasses.replace(DEMO_TRUST, social_proof=False, badges_holdout=20)
    await db.write(lambda conn: queries.save_trust_settings(conn, store.id, changed, SEEDED_AT))
    await db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = 'owner@shop.test' WHERE id = ?", (store.id,)
        )
    )
    await db.write(lambda conn: seed_demo_store(conn, store.id, SHOP_ORIGIN, SEEDED_AT + 1))
    assert await queries.load_trust_settings(db, store.id) == changed
    assert (
        await db.fetch_value("SELECT contact_email FROM stores WHERE id = ?", (store.id,))
        == "owner@shop.test"
    )


async def test_a_store_with_its_own_contact_keeps_it(app, store):
    db = services(app).db
    await db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = 'owner@shop.test' WHERE id = ?", (store.id,)
        )
    )
    await db.write(lambda conn: seed_demo_store(conn, store.id, SHOP_ORIGIN, SEEDED_AT))
    assert (
        await db.fetch_value("SELECT contact_email FROM stores WHERE id = ?", (store.id,))
        == "owner@shop.test"
    )
