import json

import pytest

from server.assets import STATIC_DIR
from server.offers.model import Targeting, Trigger
from tests.api.offering import live_campaign
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


async def test_config_describes_the_store(client, store):
    response = await client.get(f"/v1/stores/{store.public_key}/config")
    assert response.status_code == 200
    body = response.json()
    assert body["store"] == {
        "key": store.public_key,
        "name": "Test Shop",
        "currency": "EUR",
        "locale": "en-IE",
        "timezone": "Europe/Dublin",
    }
    assert set(body["features"]) == {"checkout", "offers", "badges", "surveys"}


async def test_config_revalidates_with_etag(client, store):
    first = await client.get(f"/v1/stores/{store.public_key}/config")
    assert "max-age" in first.headers["cache-control"]
    again = await client.get(
        f"/v1/stores/{store.public_key}/config", headers={"If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_cors_only_for_the_stores_origins(client, store):
    url = f"/v1/stores/{store.public_key}/config"
    allowed = await client.get(url, headers={"Origin": SHOP_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == SHOP_ORIGIN
    assert "Origin" in allowed.headers["vary"]
    denied = await client.get(url, headers={"Origin": "https://evil.test"})
    assert "access-control-allow-origin" not in denied.headers


async def test_unknown_store_is_a_json_404(client, store):
    response = await client.get("/v1/stores/pk_missing/config")
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "unknown_store",
            "message": "No store has that public key.",
            "field": None,
        }
    }


async def test_unknown_api_path_is_a_json_404(client):
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_healthz(client):
    assert (await client.get("/healthz")).json() == {"ok": True}


async def test_config_names_the_chunks_the_loader_fetches_and_the_server_serves_them(
    app, client, store
):
    """The loader has no chunk map of its own: the config lists each chunk's file and when
    to load it (offers where a campaign's pages match)."""
    url = f"/v1/stores/{store.public_key}/config"
    before = {chunk["name"]: chunk for chunk in (await client.get(url)).json()["chunks"]}
    assert before["offers"]["pages"] == []  # no campaign: only the admin's preview loads it
    assert before["offers"]["idle"] is True and before["offers"]["preview"] is True

    targeting = Targeting(include_urls=("*/products/*",))
    await live_campaign(app, store.id, targeting=targeting)
    config = (await client.get(url)).json()
    chunks = {chunk["name"]: chunk for chunk in config["chunks"]}
    [pages] = chunks["offers"]["pages"]
    assert pages == config["offers"]["campaigns"][0]["pages"] and pages["include"]
    assert ("checkout" in chunks) is config["features"]["checkout"]
    if "checkout" in chunks:
        assert chunks["checkout"]["cart"] is True
    # Each chunk's file, and any file it imports (none: each chunk is built as one file).
    manifest = json.loads((STATIC_DIR / "manifest.json").read_text())
    imported = [f"/v1/{path}" for paths in manifest["imports"].values() for path in paths]
    for path in [*(chunk["src"] for chunk in chunks.values()), *imported]:
        served = await client.get(path)
        assert served.status_code == 200, path
        assert served.headers["content-type"].startswith("text/javascript")


async def test_offers_wait_for_a_cart_only_when_no_campaign_can_show_to_an_empty_one(
    app, client, store
):
    """A visitor without a cart loads no offers code when every running campaign needs a cart
    (a non-empty cart, a minimum subtotal, a cart-idle trigger); one open campaign loads it."""
    url = f"/v1/stores/{store.public_key}/config"

    async def offers() -> dict:
        chunks = {chunk["name"]: chunk for chunk in (await client.get(url)).json()["chunks"]}
        return chunks["offers"]

    assert "with_cart" not in await offers()  # no campaign: only the admin's preview loads it
    await live_campaign(app, store.id, targeting=Targeting(cart="not_empty"))
    await live_campaign(app, store.id, targeting=Targeting(subtotal_min=5000))
    await live_campaign(app, store.id, trigger=Trigger(kind="cart_idle"))
    assert (await offers())["with_cart"] is True
    await live_campaign(app, store.id, targeting=Targeting(cart="any"))
    assert "with_cart" not in await offers()


@pytest.mark.parametrize(
    "targeting",
    [Targeting(cart="empty"), Targeting(subtotal_min=0), Targeting(devices=("desktop",))],
    ids=["empty-cart", "no-minimum", "desktop-only"],
)
async def test_a_campaign_an_empty_cart_can_see_loads_the_offers_for_everyone(
    app, client, store, targeting
):
    await live_campaign(app, store.id, targeting=targeting)
    chunks = (await client.get(f"/v1/stores/{store.public_key}/config")).json()["chunks"]
    [offers] = [chunk for chunk in chunks if chunk["name"] == "offers"]
    assert offers["pages"] and "with_cart" not in offers
