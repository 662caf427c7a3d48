"""The widget's files as browsers get them: the first stage under its stable name, the loader
and chunks under hashed names, and a previous release's loader redirected to the current one
(a keepcart.js cached before a release asks for it)."""

from __future__ import annotations

import json

import httpx
import pytest

from server.assets import STATIC_DIR

pytestmark = pytest.mark.anyio

MANIFEST = json.loads((STATIC_DIR / "manifest.json").read_text())


async def test_the_first_stage_names_the_loader_it_is_served_beside(client: httpx.AsyncClient):
    first = await client.get("/v1/keepcart.js")
    assert first.status_code == 200
    assert "max-age=300" in first.headers["cache-control"]
    main = MANIFEST["main"]
    assert main.removeprefix("chunks/") in first.text
    loader = await client.get(f"/v1/{main}")
    assert loader.status_code == 200
    assert "immutable" in loader.headers["cache-control"]
    assert loader.headers["access-control-allow-origin"] == "*"
    assert "export" in loader.text  # an ES module: keepcart.js import()s it


async def test_a_previous_releases_loader_is_redirected_to_the_current_one(
    client: httpx.AsyncClient,
):
    old = await client.get("/v1/chunks/main.OLDHASH0.js")
    assert old.status_code == 307
    assert old.headers["location"] == f"/v1/{MANIFEST['main']}"
    assert old.headers["access-control-allow-origin"] == "*"  # a module import follows it
    assert old.headers["cache-control"] == "no-store"


async def test_an_unknown_chunk_is_still_a_404(client: httpx.AsyncClient):
    missing = await client.get("/v1/chunks/offers.OLDHASH0.js")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"]
