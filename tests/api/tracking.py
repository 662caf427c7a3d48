"""The widget's event batches, as it posts them to /v1/events, and the events stored."""

from __future__ import annotations

import json
import time

from server.services import services
from tests.conftest import SHOP_ORIGIN


def batch(store_key, count=1, **overrides):
    events = [
        {
            "type": "custom",
            "name": f"event-{i}",
            "occurred_at": int(time.time() * 1000),
            "url": f"{SHOP_ORIGIN}/",
            "session_id": "s_test",
            "visitor_id": "v_test",
            "props": {"i": i},
        }
        | overrides
        for i in range(count)
    ]
    return {"store": store_key, "events": events}


def post(client, body, content_type="text/plain;charset=UTF-8", origin=SHOP_ORIGIN, **kw):
    headers = {"Content-Type": content_type}
    if origin:
        headers["Origin"] = origin
    content = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/v1/events", content=content, headers=headers, **kw)


async def stored_events(app):
    return await services(app).db.fetch_all("SELECT * FROM events ORDER BY id")
