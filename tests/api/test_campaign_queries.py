"""Campaigns round-trip through the database as `model.Campaign`, variants included."""

import pytest

from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.queries import list_campaigns, load_campaign, running_campaigns, save_campaign
from server.services import services

pytestmark = pytest.mark.anyio

NOW = 1_790_000_000_000


def campaign(store_id, **changes):
    values = dict(
        store_id=store_id,
        name="Leaving already?",
        trigger=Trigger(min_seconds=3, phone_signals=("back_button", "scroll_up")),
        targeting=Targeting(cart="not_empty", include_urls=("*/products/*",)),
        frequency=Frequency(mode="every_n_days", days=3),
        variants=(
            Variant("A", 50, "Wait!", "10% off your cart", "Claim 10%", Offer("percent", 10)),
            Variant("B", 50, "Free shipping", "", "Claim", Offer("free_shipping", 0)),
        ),
        holdout_percent=20,
        status="live",
    )
    return Campaign(**(values | changes))


async def test_a_saved_campaign_loads_back_equal(app, store):
    db = services(app).db
    saved = await db.write(lambda conn: save_campaign(conn, campaign(store.id), NOW))
    assert saved.public_id.startswith("cmp_")
    loaded = await load_campaign(db, store.id, saved.public_id)
    assert loaded == saved
    assert loaded.trigger.phone_signals == ("back_button", "scroll_up")
    assert loaded.targeting.include_urls == ("*/products/*",)
    assert [v.offer.kind for v in loaded.variants] == ["percent", "free_shipping"]


async def test_updating_keeps_variant_rows_by_key_and_drops_the_rest(app, store):
    db = services(app).db
    saved = await db.write(lambda conn: save_campaign(conn, campaign(store.id), NOW))
    a = saved.variants[0]
    edited = campaign(store.id, id=saved.id, variants=(Variant("A", 100, "New", "", "Go"),))
    again = await db.write(lambda conn: save_campaign(conn, edited, NOW + 1))
    assert [(v.key, v.headline, v.id) for v in again.variants] == [("A", "New", a.id)]


async def test_only_live_campaigns_inside_their_schedule_are_running(app, store):
    db = services(app).db
    for changes in (
        {"name": "live"},
        {"name": "draft", "status": "draft"},
        {"name": "later", "starts_at": NOW + 1},
        {"name": "over", "ends_at": NOW},
    ):
        await db.write(lambda conn, c=changes: save_campaign(conn, campaign(store.id, **c), NOW))
    assert [c.name for c in await running_campaigns(db, store.id, NOW)] == ["live"]
    assert len(await list_campaigns(db, store.id)) == 4
    assert await load_campaign(db, store.id + 1, "cmp_nope") is None
