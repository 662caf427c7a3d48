"""*Shopper data* at its edges (server/privacy): a browser shared by several people, what an
erased event keeps, messages no order names (a cart's SMS), the figures that count buyers,
and the erased details' bytes in the database file."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime

import pytest

from server.messages.queries import insert_message
from server.services import services
from server.surveys.model import Answer, Question
from server.surveys.queries import NewResponse, insert_response, replace_answers
from server.trust.queries import recent_buyers
from tests.api.offering import expose, live_campaign
from tests.api.ordering import insert_order
from tests.api.surveying import live_survey
from tests.api.tracking import batch, post

pytestmark = pytest.mark.anyio

NOW = int(datetime(2025, 7, 3, 10, tzinfo=UTC).timestamp() * 1000)
ALICE, BOB = "alice@example.test", "bob@example.test"


@pytest.fixture
def admin_section() -> str:
    return "shopper-data"


@pytest.fixture
async def at_now(app):
    services(app).clock.set(NOW)


async def order_emails(app) -> dict[int, tuple[str, int | None]]:
    rows = await services(app).db.fetch_all("SELECT number, email, erased_at FROM orders")
    return {row[0]: (row[1], row[2]) for row in rows}


# ---- a shared browser -------------------------------------------------------------------------


async def test_orders_from_a_shared_browser_with_another_email_are_listed_apart_and_kept(
    app, shop, admin, at_now
):
    _, post_form = admin
    await insert_order(app, shop, 8001, email=ALICE, visitor_id="v_family")
    await insert_order(app, shop, 8002, email=BOB, visitor_id="v_family")

    page = await post_form("", {"visitor": "v_family"})
    assert "#8001</a> (alice@example.test), " in page.text and "(bob@example.test)" in page.text
    assert "Nothing is stored for this visitor id" in page.text  # none of it is theirs
    document = (await post_form(".json", {"visitor": "v_family"})).json()
    assert document["orders"] == [] and ALICE not in json.dumps(document)

    # Alice names her email and her browser: her order only; Bob's is listed, not exported.
    page = await post_form("", {"email": ALICE, "visitor": "v_family"})
    words = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "1 order: #8001 Redacted." in words and "left out: #8002 (bob@example.test)" in words
    document = (await post_form(".json", {"email": ALICE, "visitor": "v_family"})).json()
    assert [order["number"] for order in document["orders"]] == [8001]
    assert BOB not in json.dumps(document) and "Harbour" in json.dumps(document)
    erased = await post_form("/erase", {"email": ALICE, "visitor": "v_family", "confirm": "true"})
    assert erased.status_code == 303
    assert await order_emails(app) == {8001: ("", NOW), 8002: (BOB, None)}


async def response(app, survey, visitor, answers):
    new = NewResponse(survey.id, survey.store_id, visitor, "sess", None, "exit_top", "/",
                      "desktop", None, "")  # fmt: skip

    async def write(conn):
        created = await insert_response(conn, new, NOW - 1000)
        for key, answer in answers.items():
            await replace_answers(conn, created.id, survey.question(key), answer, NOW - 1000)

    await services(app).db.write(write)


async def test_a_response_from_their_browser_that_gave_another_email_is_not_theirs(
    app, shop, admin, at_now
):
    _, post_form = admin
    await insert_order(app, shop, 8101, email=ALICE, visitor_id="v_library")
    email = Question("q2", "email", "Email me?", required=False)
    exit_ = await live_survey(app, shop.id, "exit")
    exit_ = await live_survey(app, shop.id, "exit", questions=(*exit_.questions, email))
    await response(app, exit_, "v_library", {"q1": Answer(options=("delivery",)),
                   "q2": Answer(text="lee@example.test", consent="Email me")})  # fmt: skip
    await response(app, exit_, "v_library", {"q1": Answer(options=("card_trust",))})

    document = (await post_form(".json", {"email": ALICE})).json()
    assert len(document["survey_responses"]) == 1  # the one that named nobody
    assert "lee@example.test" not in json.dumps(document)
    assert (await post_form("/erase", {"email": ALICE, "confirm": "true"})).status_code == 303
    db = services(app).db
    left = "SELECT count(*) FROM survey_answers WHERE text = 'lee@example.test'"
    assert await db.fetch_value(left) == 1
    assert await db.fetch_value("SELECT count(*) FROM survey_responses") == 1


# ---- what an erased event keeps ---------------------------------------------------------------


async def test_erased_events_keep_origin_and_path_the_widgets_own_props_and_new_visits(
    app, client, shop, admin, at_now
):
    _, post_form = admin
    personal = "https://shop.test/welcome?email=quinn%40example.test&name=Quinn#quinn"
    events = [
        {"type": "custom", "name": "signed_up", "url": personal, "session_id": "s_q1",
         "referrer": "https://mail.test/read?msg=quinn", "props": {"email": "quinn@x.test"}},
        {"type": "checkout", "name": "order_complete", "url": personal, "session_id": "s_q1",
         "props": {"order": "ord_q", "total": 5355, "email": "quinn@x.test"}},
        {"type": "pageview", "name": "pageview", "url": "https://shop.test/", "session_id": "s_q2"},
    ]  # fmt: skip
    body = batch(shop.public_key, count=3, visitor_id="v_q")
    body["events"] = [event | extra for event, extra in zip(body["events"], events, strict=True)]
    assert (await post(client, body)).status_code == 202
    campaign = await live_campaign(app, shop.id)
    assert (await expose(client, campaign, "v_q")).status_code == 200
    await insert_order(app, shop, 9100, email="quinn@example.test", visitor_id="v_q")

    erased = await post_form("/erase", {"email": "quinn@example.test", "confirm": "true"})
    assert erased.status_code == 303
    db = services(app).db
    rows = await db.fetch_all("SELECT name, url, referrer, session_id, props, visitor_id"
                              " FROM events ORDER BY id")  # fmt: skip
    assert [(row[0], row[1], row[2], json.loads(row[4])) for row in rows] == [
        ("signed_up", "https://shop.test/welcome", "https://mail.test/read", {}),
        ("order_complete", "https://shop.test/welcome", "", {"order": "ord_q", "total": 5355}),
        ("pageview", "https://shop.test/", "", {}),
    ]
    visits = [row[3] for row in rows]
    assert visits[0] == visits[1] != visits[2]  # one new id per old visit: still two visits
    assert not {"s_q1", "s_q2"} & set(visits) and all(v.startswith("anon_") for v in visits)
    exposure = await db.fetch_one("SELECT visitor_id, session_id FROM exposures")
    assert exposure[0] == rows[0][5] and exposure[1] not in ("s1", "")
    assert "quinn" not in str([tuple(row) for row in rows])


# ---- messages no order names ------------------------------------------------------------------


async def message(app, shop, channel, kind, recipient, **links):
    await services(app).db.write(
        lambda conn: insert_message(
            conn, store_id=shop.id, channel=channel, kind=kind, recipient=recipient, inputs={},
            now=NOW - 1000, **links,
        )
    )  # fmt: skip


async def test_a_carts_sms_and_the_emails_to_them_are_theirs_too(app, shop, admin, at_now):
    _, post_form = admin
    db = services(app).db

    async def cart(conn, public_id):
        cursor = await conn.execute(
            "INSERT INTO carts (public_id, store_id, status, created_at, updated_at)"
            " VALUES (?, ?, 'ordered', 0, 0)",
            (public_id, shop.id),
        )
        return cursor.lastrowid

    alice_cart = await db.write(lambda conn: cart(conn, "crt_alice"))
    bob_cart = await db.write(lambda conn: cart(conn, "crt_bob"))
    await insert_order(app, shop, 8201, email=ALICE, cart_id=alice_cart)
    await insert_order(app, shop, 8202, email=BOB, cart_id=bob_cart)
    await message(app, shop, "sms", "recovery_sms", "+353871234567", cart_id=alice_cart)
    await message(app, shop, "email", "recovery_email", ALICE)
    await message(app, shop, "sms", "recovery_sms", "+353879999999", cart_id=bob_cart)
    await message(app, shop, "email", "recovery_email", BOB)

    document = (await post_form(".json", {"email": ALICE})).json()
    assert sorted((m["by"], m["to"]) for m in document["messages"]) == [
        ("SMS", "+353871234567"), ("email", ALICE)
    ]  # fmt: skip
    assert (await post_form("/erase", {"email": ALICE, "confirm": "true"})).status_code == 303
    left = await db.fetch_all("SELECT recipient FROM messages ORDER BY id")
    assert [row[0] for row in left] == ["+353879999999", BOB]


# ---- figures ------------------------------------------------------------------------------------


async def test_recent_buyers_still_count_each_erased_buyer(app, shop, admin, at_now):
    _, post_form = admin
    for number, email, visitor in ((9001, "a@example.test", "v_a"),
                                   (9002, "b@example.test", None),
                                   (9003, "c@example.test", "v_c")):  # fmt: skip
        await insert_order(app, shop, number, email=email, visitor_id=visitor,
                           created_at=NOW - 1000, payment_method="bank_transfer")  # fmt: skip
    db = services(app).db
    since = NOW - 86_400_000
    assert await recent_buyers(db, shop.id, "MUG-1", since, ("test_card",)) == 3
    for email in ("a@example.test", "b@example.test"):
        assert (await post_form("/erase", {"email": email, "confirm": "true"})).status_code == 303
    assert await recent_buyers(db, shop.id, "MUG-1", since, ("test_card",)) == 3


# ---- the file ---------------------------------------------------------------------------------


def file_bytes(path) -> bytes:
    """The database file once everything in the WAL is in it (another connection's
    TRUNCATE checkpoint, as a backup would)."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return path.read_bytes()


async def test_the_erased_details_leave_the_database_file(app, shop, admin, settings, at_now):
    _, post_form = admin
    email = "zqxjv.wolfe@example.test"
    for number in range(7001, 7041):  # enough orders for the search index to have segments
        await insert_order(app, shop, number, email=f"buyer{number}@example.test")
    await insert_order(app, shop, 7100, email=email, shipping_name="Yvaine Quorrel")
    db = services(app).db
    blocks = "SELECT group_concat(hex(block), '') FROM orders_search_data"
    before = file_bytes(settings.db)
    assert b"zqxjv.wolfe" in before and b"Quorrel" in before
    # The search index keeps trigrams, most of them after a prefix shared with the term
    # before: those stored whole are the ones to look for.
    unique = ("zqxjv.wolfe", "yvaine quorrel")  # not "@example.test": others have it too
    trigrams = {text[i : i + 3] for text in unique for i in range(len(text) - 2)}
    found = [t for t in trigrams if t.encode().hex().upper() in await db.fetch_value(blocks)]
    assert "zqx" in found

    assert (await post_form("/erase", {"email": email, "confirm": "true"})).status_code == 303
    stored = file_bytes(settings.db)
    assert b"zqxjv" not in stored and b"Quorrel" not in stored
    hexed = await db.fetch_value(blocks)
    assert [t for t in found if t.encode().hex().upper() in hexed] == []
    search = await db.fetch_all("SELECT rowid FROM orders_search WHERE orders_search MATCH 'xjv'")
    assert search == []
