import asyncio
import json
import sqlite3
from contextlib import closing
from dataclasses import replace

import httpx
import pytest

from server.ratelimit import RateLimiter
from server.services import attach, services
from tests.api.tracking import batch, post, stored_events
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio


async def test_text_plain_batch_is_committed_before_the_answer(app, client, store):
    response = await post(client, batch(store.public_key, 3))
    assert response.status_code == 202
    assert response.json() == {"accepted": 3}
    assert response.headers["access-control-allow-origin"] == SHOP_ORIGIN
    rows = await stored_events(app)
    assert [r["name"] for r in rows] == ["event-0", "event-1", "event-2"]
    assert rows[0]["store_id"] == store.id
    assert json.loads(rows[2]["props"]) == {"i": 2}


async def test_application_json_is_accepted_too(app, client, store):
    response = await post(client, batch(store.public_key), content_type="application/json")
    assert response.status_code == 202
    assert len(await stored_events(app)) == 1


async def test_events_without_visitor_id_are_stored_without_one(app, client, store):
    body = batch(store.public_key)
    del body["events"][0]["visitor_id"]
    assert (await post(client, body)).status_code == 202
    assert (await stored_events(app))[0]["visitor_id"] is None


async def test_server_side_sender_without_origin_is_accepted(client, store):
    assert (await post(client, batch(store.public_key), origin=None)).status_code == 202


async def test_unknown_store_is_404(client, store):
    response = await post(client, batch("pk_nope"))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_store"


async def test_foreign_origin_is_refused_without_cors(app, client, store):
    response = await post(client, batch(store.public_key), origin="https://evil.test")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "origin_not_allowed"
    assert "access-control-allow-origin" not in response.headers
    assert await stored_events(app) == []


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("{not json", 400, "malformed_json", None),
        ('{"store": "pk", "events": "many"}', 400, "invalid", "events"),
        ("[1, 2]", 400, "invalid", None),
    ],
)
async def test_malformed_input_is_a_json_400(app, client, store, body, status, code, field):
    response = await post(client, body)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]
    assert await stored_events(app) == []


async def test_one_bad_event_rejects_the_whole_batch(app, client, store):
    body = batch(store.public_key, 5)
    body["events"][3]["occurred_at"] = "soon"
    response = await post(client, body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "events[3].occurred_at"
    assert await stored_events(app) == []


async def test_too_many_events_is_400(client, store):
    response = await post(client, batch(store.public_key, 51))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "events"


async def test_oversized_body_is_413(app, client, store):
    body = batch(store.public_key, 40, url=SHOP_ORIGIN + "/" + "x" * 1000)
    response = await post(client, body)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert await stored_events(app) == []


@pytest.mark.parametrize("events", [3, 40])
async def test_a_body_sent_in_pieces_is_read_whole(app, client, store, events):
    """Without Content-Length the body arrives in chunks; too large is still a 413."""
    text = json.dumps(batch(store.public_key, events, url=SHOP_ORIGIN + "/" + "x" * 1000))

    async def pieces():
        for start in range(0, len(text), 1000):
            yield text[start : start + 1000].encode()

    headers = {"Content-Type": "text/plain", "Origin": SHOP_ORIGIN}
    response = await client.post("/v1/events", content=pieces(), headers=headers)
    if events == 3:
        assert response.status_code == 202
        assert len(await stored_events(app)) == 3
    else:
        assert response.status_code == 413
        assert await stored_events(app) == []


async def test_a_body_in_one_message_as_uvicorn_sends_it(app, client, store):
    """httpx always streams the body; uvicorn hands over a small one in a single message."""
    body = json.dumps(batch(store.public_key, 2)).encode()
    headers = [(b"content-type", b"text/plain"), (b"origin", SHOP_ORIGIN.encode())]
    scope = {"type": "http", "method": "POST", "path": "/v1/events", "headers": headers,
             "client": ("127.0.0.1", 50000), "query_string": b"", "root_path": ""}  # fmt: skip
    sent = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["status"] == 202
    assert json.loads(sent[1]["body"]) == {"accepted": 2}
    assert len(await stored_events(app)) == 2


async def test_other_content_types_are_415(client, store):
    response = await post(client, batch(store.public_key), content_type="multipart/form-data")
    assert response.status_code == 415


async def test_rate_limit_answers_429_with_retry_after(app, client, store):
    limit = 5
    limiter = RateLimiter(limit, 60, services(app).clock)
    attach(app, replace(services(app), events_limiter=limiter))
    statuses = [(await post(client, batch(store.public_key))).status_code for _ in range(limit)]
    assert set(statuses) == {202}
    response = await post(client, batch(store.public_key))
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["error"]["code"] == "rate_limited"
    assert response.headers["access-control-allow-origin"] == SHOP_ORIGIN
    assert len(await stored_events(app)) == limit


async def test_fifty_concurrent_requests_lose_nothing(app, client, store):
    responses = await asyncio.gather(
        *(post(client, batch(store.public_key, 10, session_id=f"s_{n}")) for n in range(50))
    )
    assert {r.status_code for r in responses} == {202}
    rows = await stored_events(app)
    assert len(rows) == 500
    assert {r["session_id"] for r in rows} == {f"s_{n}" for n in range(50)}


async def test_preflight_only_for_known_origins(client, store):
    allowed = await client.options(
        "/v1/events",
        headers={"Origin": SHOP_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == SHOP_ORIGIN
    assert "Content-Type" in allowed.headers["access-control-allow-headers"]
    denied = await client.options(
        "/v1/events",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"},
    )
    assert denied.status_code == 403
    assert "access-control-allow-origin" not in denied.headers


async def test_the_fast_path_answers_exactly_as_the_route_does(app, client, store):
    """EventsFastPath answers valid batches ahead of Starlette; its reply must be the route's."""

    async def route_only(scope, receive, send):
        scope["app"] = app
        await app.router(scope, receive, send)

    transport = httpx.ASGITransport(app=route_only)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as plain:
        by_route = await post(plain, batch(store.public_key, 2))
    by_fast_path = await post(client, batch(store.public_key, 2))

    assert by_route.status_code == by_fast_path.status_code == 202
    assert by_route.content == by_fast_path.content
    assert by_route.headers.multi_items() == by_fast_path.headers.multi_items()
    assert len(await stored_events(app)) == 4


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        # json.loads reads an integer beyond 64 bits exactly; orjson, as a float.
        ("123456789012345678901234567890", '{"n":123456789012345678901234567890}'),
        ("-9223372036854775809", '{"n":-9223372036854775809}'),
        ("NaN", '{"n":NaN}'),  # orjson refuses these; json.loads, and so the route, does not
        ("-Infinity", '{"n":-Infinity}'),
        ("1e+30", '{"n":1e+30}'),
        ("2.5", '{"n":2.5}'),
    ],
)
async def test_props_numbers_are_stored_as_the_route_reads_them(app, client, store, value, stored):
    event = batch(store.public_key)["events"][0] | {"props": "PROPS"}
    body = json.dumps({"store": store.public_key, "events": [event]})
    response = await post(client, body.replace('"PROPS"', '{"n": ' + value + "}"))
    assert response.status_code == 202
    assert [row["props"] for row in await stored_events(app)] == [stored]


async def test_an_integer_beyond_64_bits_as_the_time_is_read_as_a_broken_clock(app, client, store):
    event = batch(store.public_key)["events"][0] | {"occurred_at": "TIME"}
    body = json.dumps({"store": store.public_key, "events": [event]})
    response = await post(client, body.replace('"TIME"', "1" + "0" * 30))
    assert response.status_code == 202
    [row] = await stored_events(app)
    assert row["occurred_at"] == row["received_at"]


async def test_a_failure_on_the_fast_path_is_the_apps_json_500_and_is_logged(
    app, store, monkeypatch, caplog
):
    """The fast path runs outside Starlette's error middleware, so it has its own guard."""

    async def failing_add(rows):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services(app).event_sink, "add", failing_add)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as plain:
        response = await post(plain, batch(store.public_key))
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "unhandled error on POST /v1/events" in caplog.text
    assert "disk on fire" in caplog.text


@pytest.mark.parametrize(
    "text",
    [
        '\ufeff{"store": "KEY", "events": [EVENT]}',  # a byte order mark: json.loads skips it
        '{"store": "KEY", "events": [EVENT]}{}',  # not one JSON value: the route's 400
    ],
)
async def test_bodies_the_fast_path_passes_on_are_answered_by_the_route(app, client, store, text):
    event = json.dumps(batch(store.public_key)["events"][0])
    body = text.replace("KEY", store.public_key).replace("EVENT", event)
    response = await post(client, body)
    if body.endswith("{}"):
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "malformed_json"
        assert await stored_events(app) == []
    else:
        assert response.status_code == 202
        assert len(await stored_events(app)) == 1


async def test_another_process_writing_delays_events_without_blocking_the_server(
    app, client, store, settings
):
    """The group commit runs on the event loop's thread, but never waits for a lock there."""
    other = sqlite3.connect(settings.db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # SQLite's write lock, held by another process
    try:
        ingest = asyncio.create_task(post(client, batch(store.public_key)))
        # The server keeps answering while that batch waits for the lock.
        assert (await client.get("/healthz")).status_code == 200
        assert not ingest.done()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert (await ingest).status_code == 202
    assert len(await stored_events(app)) == 1


async def test_the_wal_is_checkpointed_as_events_are_written(
    app, client, store, settings, monkeypatch, tmp_path
):
    monkeypatch.setattr("server.db.CHECKPOINT_EVERY_ROWS", 10)
    for _ in range(4):
        assert (await post(client, batch(store.public_key, 5))).status_code == 202
    # The database file alone, without its WAL, holds what the checkpoints copied into it:
    # fewer than 10 rows written can be waiting in the WAL for the next one.
    main_file_only = tmp_path / "copy.db"
    main_file_only.write_bytes(settings.db.read_bytes())
    with closing(sqlite3.connect(main_file_only)) as copy:
        assert copy.execute("SELECT count(*) FROM events").fetchone()[0] > 20 - 10


async def test_a_long_lived_server_freezes_its_startup_objects_and_tests_do_not(settings):
    import gc

    from server.app import create_app

    assert gc.get_freeze_count() == 0
    app = create_app(settings, freeze_startup_objects=True)
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.parametrize("where", ["name", "url", "props"])
async def test_a_lone_surrogate_is_refused_and_spoils_no_one_elses_batch(app, client, store, where):
    """JSON may escape a lone UTF-16 surrogate, which has no UTF-8 form: SQLite would refuse
    the row and, with it, every other request's rows in the same group commit."""
    bad = batch(store.public_key)
    event = bad["events"][0]
    if where == "props":
        event["props"] = {"note": "\ud800"}
    else:
        event[where] = event[where] + "\ud800"
    good = post(client, batch(store.public_key, 3))
    refused, accepted = await asyncio.gather(post(client, bad), good)
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "malformed_json"
    assert accepted.status_code == 202
    assert len(await stored_events(app)) == 3


async def test_an_escaped_emoji_is_text_and_is_stored(app, client, store):
    body = batch(store.public_key, name="\U0001f600")  # json.dumps escapes it as a pair
    assert "\\ud83d\\ude00" in json.dumps(body)
    assert (await post(client, body)).status_code == 202
    assert [r["name"] for r in await stored_events(app)] == ["\U0001f600"]
