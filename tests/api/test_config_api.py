import pytest

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
