"""*Shopper data* (server/admin/shopper_data.py, server/privacy): an owner finds everything a
store holds about one shopper, downloads it as one JSON document, and erases it in one write
(orders redacted, what exists only for the shopper deleted, what their browser recorded kept
under new random visitor ids); another store's rows are never found or touched; staff never
reach it; nothing personal reaches the log."""

from __future__ import annotations

import html
import json
import logging
import re
from datetime import UTC, datetime

import pytest

from server.accounts import add_member, create_store, create_user
from server.clock import now_ms
from server.messages.suppression import HASHED, UNSUBSCRIBED, suppress
from server.offers.model import Offer
from server.privacy import queries as privacy_queries
from server.privacy.redacting import erasing_functions
from server.reviews.links import LineKey
from server.services import services
from server.stores.service import validate_new_store
from server.surveys.model import Answer, Question
from server.surveys.queries import NewResponse, insert_response, replace_answers
from tests.api.admin_client import client_for, csrf_from, field_error, sign_in
from tests.api.offering import claim, expose, live_campaign
from tests.api.ordering import insert_order
from tests.api.plans import recorded_plans
from tests.api.recovering import give_contact, set_recovery
from tests.api.reviewing import publish
from tests.api.shopping import HEADERS, new_cart, order_body, place
from tests.api.statistics import GROWN_STORE, use_statistics
from tests.api.surveying import live_survey
from tests.api.tracking import batch, post

pytestmark = pytest.mark.anyio

PAT = "pat@example.test"
# 3 July 2025, 10:00 UTC (11:00 in Dublin): the overview's last 7 days hold every order here.
NOW = int(datetime(2025, 7, 3, 10, tzinfo=UTC).timestamp() * 1000)
STAFF = "staff@shop.test"
# The tables one shopper's rows live in, each with the statement that reads a store's rows.
STORE_TABLES = {
    "orders": "SELECT * FROM orders WHERE store_id = ? ORDER BY id",
    "order_items": "SELECT i.* FROM order_items i JOIN orders o ON o.id = i.order_id"
    " WHERE o.store_id = ? ORDER BY i.order_id, i.product_id",
    "order_events": "SELECT e.* FROM order_events e JOIN orders o ON o.id = e.order_id"
    " WHERE o.store_id = ? ORDER BY e.id",
    "orders_search": "SELECT s.rowid, s.email, s.shipping_name FROM orders_search s"
    " JOIN orders o ON o.id = s.rowid WHERE o.store_id = ? ORDER BY s.rowid",
    "discount_redemptions": "SELECT r.* FROM discount_redemptions r"
    " JOIN orders o ON o.id = r.order_id WHERE o.store_id = ? ORDER BY r.order_id",
    "idempotency_keys": "SELECT * FROM idempotency_keys WHERE store_id = ? ORDER BY key",
    "messages": "SELECT * FROM messages WHERE store_id = ? ORDER BY id",
    "email_consents": "SELECT * FROM email_consents WHERE store_id = ? ORDER BY id",
    "checkout_contacts": "SELECT * FROM checkout_contacts WHERE store_id = ? ORDER BY id",
    "email_suppressions": "SELECT * FROM email_suppressions WHERE store_id = ? ORDER BY email",
    "reviews": "SELECT * FROM reviews WHERE store_id = ? ORDER BY id",
    "review_votes": "SELECT v.* FROM review_votes v JOIN reviews r ON r.id = v.review_id"
    " WHERE r.store_id = ? ORDER BY v.review_id, v.visitor_id",
    "review_moderation": "SELECT * FROM review_moderation WHERE store_id = ? ORDER BY id",
    "survey_responses": "SELECT * FROM survey_responses WHERE store_id = ? ORDER BY id",
    "survey_answers": "SELECT a.* FROM survey_answers a JOIN survey_responses r"
    " ON r.id = a.response_id WHERE r.store_id = ? ORDER BY a.response_id, a.question",
    "events": "SELECT * FROM events WHERE store_id = ? ORDER BY id",
    "exposures": "SELECT x.* FROM exposures x JOIN campaigns c ON c.id = x.campaign_id"
    " WHERE c.store_id = ? ORDER BY x.campaign_id, x.created_at, x.arm",
    "exposure_counts": "SELECT n.* FROM exposure_counts n JOIN campaigns c"
    " ON c.id = n.campaign_id WHERE c.store_id = ? ORDER BY n.campaign_id, n.arm, n.signal",
    "trust_exposures": "SELECT * FROM trust_exposures WHERE store_id = ? ORDER BY created_at",
    "discounts": "SELECT * FROM discounts WHERE store_id = ? ORDER BY id",
    "shopper_erasures": "SELECT * FROM shopper_erasures WHERE store_id = ? ORDER BY id",
}


async def snapshot(app, store_id: int) -> dict[str, list[tuple]]:
    db = services(app).db
    return {
        table: [tuple(row) for row in await db.fetch_all(sql, (store_id,))]
        for table, sql in STORE_TABLES.items()
    }


def text_of(page: str) -> str:
    """The page's words, tags dropped (and the spaces they leave before punctuation)."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    return re.sub(r" ([,.])", r"\1", words)


@pytest.fixture
def admin_section() -> str:
    """The `admin` fixture (tests/api/conftest.py) posts to the shopper data page."""
    return "shopper-data"


@pytest.fixture
async def at_now(app):
    services(app).clock.set(NOW)


# ---- a shopper the store knows in every way it can ------------------------------------------


async def survey_response(app, survey, visitor, answers, *, order_id=None, signal="exit_top"):
    """A completed response, written as the public API writes one."""
    new = NewResponse(survey.id, survey.store_id, visitor, "sess", order_id, signal, "/",
                      "desktop", None, "")  # fmt: skip

    async def write(conn):
        response = await insert_response(conn, new, NOW - 1000)
        for key, answer in answers.items():
            await replace_answers(conn, response.id, survey.question(key), answer, NOW - 1000)
        return response

    return await services(app).db.write(write)


async def reviewed_order(app, store, number, email, visitor, **review):
    """A fulfilled order (paid by transfer) and the review of its line."""
    order_id = await insert_order(app, store, number, status="fulfilled", email=email,
                                  payment_method="bank_transfer", visitor_id=visitor)  # fmt: skip
    db = services(app).db
    public_id = await db.fetch_value("SELECT public_id FROM orders WHERE id = ?", (order_id,))
    product_id = await db.fetch_value(
        "SELECT product_id FROM order_items WHERE order_id = ?", (order_id,)
    )
    published = await publish(app, LineKey(store.id, public_id, product_id), **review)
    return order_id, published


async def vote(client, store, review, visitor):
    response = await client.post(
        f"/v1/reviews/{review.public_id}/helpful",
        content=json.dumps({"store": store.public_key, "visitor": visitor}),
        headers=HEADERS | {"Content-Type": "text/plain;charset=UTF-8"},
    )
    assert response.json()["counted"], response.text


@pytest.fixture
async def pat(app, client, shop, at_now):
    """Pat, known to the shop by their email and two browsers (v_pat, v_pat_phone): an order
    placed through checkout with WELCOME10 (their email given for cart reminders first), an
    unsubscribe from reminders, a reviewed order, a cart email request, events, an offer
    seen and its coupon, a trust badge measurement, a helpful vote and survey responses.
    Beside them another shopper, Sam, whom nothing of Pat's may touch."""
    db = services(app).db
    await set_recovery(app, shop)
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    given = await give_contact(client, token, PAT, store=shop)
    assert given.json() == {"saved": True, "sms": False}, given.text
    applied = await client.put(
        f"/v1/carts/{token}/discount", json={"code": "WELCOME10"}, headers=HEADERS
    )
    assert applied.status_code == 200, applied.text
    placed = await place(client, order_body(token, email=" Pat@Example.test ", visitor="v_pat"))
    assert placed.status_code == 201, placed.text
    pat_order, pat_review = await reviewed_order(app, shop, 5001, PAT, "v_pat_phone",
                                                 name="Pat M.", body="Lovely mug.")  # fmt: skip
    _, sam_review = await reviewed_order(app, shop, 5002, "sam@example.test", "v_sam",
                                         name="Sam", body="Fine.")  # fmt: skip
    await vote(client, shop, sam_review, "v_pat")
    await vote(client, shop, pat_review, "v_sam")

    for visitor in ("v_pat", "v_pat", "v_sam"):
        assert (await post(client, batch(shop.public_key, visitor_id=visitor))).status_code == 202
    campaign = await live_campaign(app, shop.id, Offer("percent", 10))
    email_cart = await live_campaign(app, shop.id, Offer("none", 0, email_cart=True))
    for visitor in ("v_pat", "v_sam"):
        assert (await expose(client, campaign, visitor)).status_code == 200
        assert (await claim(client, campaign, visitor)).status_code == 201
    assert (await expose(client, email_cart, "v_pat")).status_code == 200
    requested = await claim(client, email_cart, "v_pat", email=PAT, consent=True)
    assert requested.status_code == 201, requested.text
    # Unsubscribed after asking for the cart email (one asked for since would not be sent).
    await db.write(lambda conn: suppress(conn, shop.id, PAT, UNSUBSCRIBED, NOW - 1000, step=1))
    await db.write(
        lambda conn: conn.executemany(
            "INSERT INTO trust_exposures (store_id, element, visitor_id, arm, created_at)"
            " VALUES (?, 'badges', ?, 'shown', ?)",
            [(shop.id, "v_pat", NOW), (shop.id, "v_sam", NOW)],
        )
    )

    email = Question("q2", "email", "Email me?", required=False)
    exit_ = await live_survey(app, shop.id, "exit")
    exit_ = await live_survey(app, shop.id, "exit", questions=(*exit_.questions, email))
    ces = await live_survey(app, shop.id, "checkout_experience")
    await survey_response(app, exit_, "v_pat", {"q1": Answer(options=("delivery",))})
    await survey_response(app, exit_, "v_library", {"q1": Answer(options=("card_trust",)),
                          "q2": Answer(text=PAT, consent="Email me")})  # fmt: skip
    await survey_response(app, ces, "", {"q1": Answer(number=6)}, order_id=pat_order,
                          signal="order_status")  # fmt: skip
    await survey_response(app, exit_, "v_sam", {"q1": Answer(options=("just_browsing",))})
    return campaign


# ---- find and export ------------------------------------------------------------------------


async def test_an_owner_finds_a_shopper_and_downloads_every_kind_of_their_data(
    app, client, shop, admin, pat
):
    _, post_form = admin
    found = await post_form("", {"email": "PAT@example.test"})
    assert found.status_code == 200
    text = text_of(found.text)
    assert "What Test Shop holds about pat@example.test" in text
    for counted in ("2 orders: #5001, #1001", "1 discount code use", "2 messages",
                    "1 “email me my cart” request", "1 checkout contact", "1 unsubscribe",
                    "1 review", "3 survey responses", "1 stored checkout answer", "2 events",
                    "2 offers shown", "1 trust badge measurement", "1 coupon claimed",
                    "1 helpful vote"):  # fmt: skip
        assert counted in text, counted
    assert "Visitor ids: v_pat_phone, v_pat." in text  # their orders', oldest first

    download = await post_form(".json", {"email": PAT})
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/json"
    assert download.headers["content-disposition"] == (
        f'attachment; filename="store-{shop.id}-shopper-data.json"'
    )
    assert download.headers["cache-control"] == "no-store"
    document = download.json()
    assert document["shopper"] == {"email": PAT, "visitor_ids": ["v_pat_phone", "v_pat"]}
    assert document["generated_at"] == "2025-07-03T11:00:00+01:00"
    assert all(document[kind] for kind in document["counts"]), document["counts"]
    second, first = document["orders"]
    assert (first["number"], first["email"], first["name"]) == (1001, PAT, "Aoife Byrne")
    assert first["discount_code"] == "WELCOME10" and first["card"]["last_four_digits"] == "4242"
    assert first["total"] == {"minor_units": first["total"]["minor_units"], "currency": "EUR"}
    assert first["placed_at"] == "2025-07-03T11:00:00+01:00"
    assert first["lines"][0]["product"] == "Stoneware Mug" and first["visitor_id"] == "v_pat"
    assert second["shipping_address"]["line1"] == "12 Harbour Road"
    assert document["reviews"][0] | {"written_at": None} == document["reviews"][0] | {
        "product": "Mug", "order_number": 5001, "rating": 5, "text": "Lovely mug.",
        "name_shown": "Pat M.", "written_at": None,
    }  # fmt: skip
    assert document["cart_email_requests"][0]["email"] == PAT
    [contact] = document["checkout_contacts"]
    assert (contact["email"], contact["how_asked"]) == (PAT, "ticked to agree in checkout")
    assert document["unsubscribes"] == [{
        "email": PAT, "unsubscribed_at": "2025-07-03T10:59:59+01:00", "reason": "unsubscribed",
        "from_reminder": 1,
    }]  # fmt: skip
    # Their order's confirmation, and the cart they asked to be emailed (queued, not yet sent).
    assert document["messages"] == [{
        "what": "Order confirmation", "by": "email", "order_number": 1001, "to": PAT,
        "state": "Queued",
        "queued_at": "2025-07-03T11:00:00+01:00", "sent_at": None,
    }, {
        "what": "Your cart, as asked", "by": "email", "order_number": None, "to": PAT,
        "state": "Queued",
        "queued_at": "2025-07-03T11:00:00+01:00", "sent_at": None,
    }]  # fmt: skip
    answers = {a["question"]: a for r in document["survey_responses"] for a in r["answers"]}
    assert answers["Email me?"] == {"question": "Email me?", "text": PAT,
                                    "consent_wording": "Email me", "skipped": False}  # fmt: skip
    assert answers["How easy was checkout?"]["score"] == 6
    assert answers["What stopped you today?"]["chosen"]
    assert {event["visitor_id"] for event in document["events"]} == {"v_pat"}
    assert document["helpful_votes"][0]["review"] != document["reviews"][0]["reference"]
    # Sam's rows stay out of Pat's document: their order, review, events and answers.
    assert "sam@example.test" not in download.text and "v_sam" not in download.text
    assert "Just browsing" not in download.text


async def test_a_visitor_id_alone_finds_that_browsers_rows_but_lists_others_orders_apart(
    app, shop, admin, pat
):
    _, post_form = admin
    page = await post_form("", {"visitor": "v_pat"})
    text = text_of(page.text)
    assert "What Test Shop holds about v_pat" in text
    assert "2 events" in text and "1 coupon claimed" in text and "1 helpful vote" in text
    assert "1 survey response" in text  # given from v_pat, naming no email
    # An order from the browser carries an email the owner did not name: someone else's as
    # far as the store can tell (a browser can be shared), listed apart, left out.
    said = "Placed from this browser with another email, so left out: #1001 (pat@example.test)."
    assert said in text
    assert "order" not in text.split("holds about v_pat")[1].split("Placed from this browser")[0]
    assert "“email me my cart”" not in text and "stored checkout answer" not in text
    document = (await post_form(".json", {"visitor": "v_pat"})).json()
    assert document["shopper"] == {"email": None, "visitor_ids": ["v_pat"]}
    assert document["orders"] == [] and document["messages"] == []
    assert PAT not in json.dumps(document)  # the survey answer that gave it stays out too

    # Naming the email as well takes the order in, and the browsers its orders came from.
    both = (await post_form(".json", {"email": PAT, "visitor": "v_pat"})).json()
    assert [order["number"] for order in both["orders"]] == [5001, 1001]
    page = await post_form("", {"email": PAT, "visitor": "v_pat"})
    assert "Placed from this browser" not in page.text


async def test_nothing_stored_is_said_plainly(client, shop, admin):
    _, post_form = admin
    for form, said in (({"email": "nobody@example.test"}, "this email"),
                       ({"visitor": "v_nobody"}, "this visitor id"),
                       ({"email": "nobody@example.test", "visitor": "v_nobody"},
                        "this email or visitor id")):  # fmt: skip
        page = await post_form("", form)
        assert page.status_code == 200
        assert f"Nothing is stored for {said} in Test Shop." in text_of(page.text)
        assert "Erase their data" not in page.text


async def test_bad_input_gives_the_form_back_with_field_errors(app, shop, admin, pat):
    _, post_form = admin
    before = await snapshot(app, shop.id)
    for form, field in (({}, "email"), ({"email": "not an email"}, "email"),
                        ({"visitor": "has spaces"}, "visitor")):  # fmt: skip
        for path in ("", ".json", "/erase"):
            refused = await post_form(path, form | {"confirm": "true"})
            assert refused.status_code == 422, (path, form)
            assert field_error(refused.text, field)
            assert 'aria-invalid="true"' in refused.text
    unconfirmed = await post_form("/erase", {"email": PAT})
    assert unconfirmed.status_code == 422
    assert "Tick the box" in field_error(unconfirmed.text, "confirm")
    assert 'aria-describedby="f-confirm-hint f-confirm-error"' in unconfirmed.text
    assert "2 orders redacted" in text_of(unconfirmed.text)  # the confirmation says what
    assert await snapshot(app, shop.id) == before


# ---- erase ------------------------------------------------------------------------------------


def revenue(page: str) -> str:
    block = page[page.index('data-figure="revenue"') :]
    return text_of(block[block.index('class="figure-value"') : block.index("</dd>")])


async def test_erasing_redacts_orders_deletes_the_rest_and_keeps_the_figures(
    app, client, shop, admin, pat
):
    _, post_form = admin
    db = services(app).db
    store_page = f"/admin/stores/{shop.id}?range=7d"
    revenue_before = revenue((await client.get(store_page)).text)
    amounts = "SELECT number, status, subtotal, discount_total, shipping_total, tax_total, total,"
    amounts += " created_at FROM orders WHERE store_id = ? ORDER BY id"
    before = await snapshot(app, shop.id)
    amounts_before = await db.fetch_all(amounts, (shop.id,))
    kinds = "SELECT kind FROM messages WHERE store_id = ? ORDER BY kind"
    kinds_before = [row[0] for row in await db.fetch_all(kinds, (shop.id,))]

    erased = await post_form("/erase", {"email": PAT, "confirm": "true"})
    assert erased.status_code == 303
    page = text_of((await client.get(erased.headers["location"])).text)
    assert (
        "Erased 3 Jul 2025, 11:00 IST: 2 orders redacted, 1 discount code use anonymised,"
        " 2 messages deleted, 1 “email me my cart” request deleted, 1 checkout contact"
        " cleared, 1 unsubscribe kept as a keyed fingerprint,"
        " 1 review removed, 3 survey responses deleted, 1 stored checkout answer deleted,"
        " 2 events anonymised, 2 offers shown anonymised, 1 trust badge measurement anonymised,"
        " 1 coupon claimed anonymised and 1 helpful vote anonymised."
    ) in page
    assert "3 Jul 2025, 11:00 IST owner@shop.test 2 orders redacted" in page  # the record

    after = await snapshot(app, shop.id)
    assert await db.fetch_all(amounts, (shop.id,)) == amounts_before
    assert revenue((await client.get(store_page)).text) == revenue_before
    orders = await db.fetch_all(
        "SELECT number, email, phone, shipping_name, shipping_address, card_brand, card_last4,"
        " erased_at, visitor_id FROM orders WHERE email = '' ORDER BY number"
    )
    assert [tuple(row)[:8] for row in orders] == [
        (1001, "", "", "", '{"country": "IE"}', "Visa", None, NOW),
        (5001, "", "", "", '{"country": "IE", "region": "Dublin"}', "Visa", None, NOW),
    ]
    assert all(row["visitor_id"].startswith("anon_") for row in orders)
    assert len(after["order_items"]) == len(before["order_items"])
    search = await client.get(f"/admin/stores/{shop.id}/orders", params={"q": "Aoife Byrne"})
    assert "#5002" in search.text and "#5001" not in search.text  # Sam's order only

    order_page = text_of((await client.get(f"/admin/stores/{shop.id}/orders/1001")).text)
    assert "Personal details erased on 3 Jul 2025, 11:00 IST" in order_page
    assert PAT not in order_page and "Harbour Road" not in order_page
    assert "Offer seen before ordering Leaving already?" in order_page  # still attributed

    # What existed only for Pat is gone; what their browser recorded stays, anonymised.
    assert len(after["email_consents"]) == len(before["email_consents"]) - 1
    assert len(after["idempotency_keys"]) == len(before["idempotency_keys"]) - 1
    # Their order's confirmation and the cart email they asked for: none left to send them.
    assert kinds_before == ["cart_email", "order_confirmation"]
    assert after["messages"] == []
    assert after["checkout_contacts"] == []  # never abandoned: nothing of it counts
    [(_, unsubscribed, *_)] = after["email_suppressions"]  # still never sent reminders
    assert unsubscribed.startswith(HASHED) and "pat" not in unsubscribed
    assert [row[2] for row in after["discount_redemptions"]] == [""]
    assert len(after["survey_responses"]) == 1 and after["survey_responses"][0][4] == "v_sam"
    assert len(after["survey_answers"]) == len(before["survey_answers"]) - 4  # with them
    reviews = await db.fetch_all(
        "SELECT o.number, r.rating, r.title, r.body, r.display_name, r.status FROM reviews r"
        " JOIN orders o ON o.id = r.order_id ORDER BY o.number"
    )
    assert [tuple(row) for row in reviews] == [
        (5001, None, "", "", "", "removed"),  # Pat's: as at its writer's request
        (5002, 5, "Good", "Fine.", "Sam", "published"),
    ]
    assert len(after["events"]) == len(before["events"])
    assert after["exposure_counts"] == before["exposure_counts"]
    assert len(after["trust_exposures"]) == len(before["trust_exposures"])
    assert await db.fetch_value("SELECT helpful FROM reviews WHERE display_name = 'Sam'") == 1
    visitors = [row[0] for row in await db.fetch_all(
        "SELECT visitor_id FROM events UNION ALL SELECT visitor_id FROM exposures"
        " UNION ALL SELECT visitor_id FROM trust_exposures UNION ALL SELECT visitor_id"
        " FROM discounts WHERE visitor_id IS NOT NULL UNION ALL SELECT visitor_id"
        " FROM review_votes UNION ALL SELECT visitor_id FROM orders"
    )]  # fmt: skip
    assert not {"v_pat", "v_pat_phone"} & set(visitors)
    assert {"v_sam", "anon_"} <= {v if not v.startswith("anon_") else "anon_" for v in visitors}
    # One new id per old one, the same in every table: an order still meets its exposure.
    assert len({v for v in visitors if v.startswith("anon_")}) == 2

    record = await db.fetch_all("SELECT * FROM shopper_erasures")
    assert len(record) == 1
    assert "pat" not in str(tuple(record[0])) and "v_pat" not in str(tuple(record[0]))

    again = await post_form("", {"email": PAT, "visitor": "v_pat"})
    assert "Nothing is stored for this email or visitor id in Test Shop." in text_of(again.text)


async def test_the_receipt_of_an_erased_order_still_opens_without_the_details(
    app, client, shop, admin, pat
):
    from server.orders.receipt_link import status_url

    _, post_form = admin
    public_id = await services(app).db.fetch_value(
        "SELECT public_id FROM orders WHERE number = 1001"
    )
    link = status_url(services(app).signer, "http://keepcart.test", public_id)
    await post_form("/erase", {"email": PAT, "confirm": "true"})
    receipt = await client.get(link)
    assert receipt.status_code == 200
    assert "were erased at your request" in receipt.text
    assert "Harbour Road" not in receipt.text and "4242" not in receipt.text


async def test_one_write_a_failure_at_the_last_step_leaves_everything_as_it_was(
    app, shop, admin, pat, monkeypatch
):
    _, post_form = admin

    async def fails(*args, **kwargs):
        raise RuntimeError("the record could not be written")

    before = await snapshot(app, shop.id)
    monkeypatch.setattr(privacy_queries, "record_erasure", fails)
    with pytest.raises(RuntimeError):
        await post_form("/erase", {"email": PAT, "confirm": "true"})
    assert await snapshot(app, shop.id) == before


async def test_a_second_store_with_the_same_shopper_keeps_everything(app, client, shop, admin, pat):
    _, post_form = admin
    db = services(app).db
    other = await create_store(
        db, validate_new_store("Other Shop", ["http://other.test"], "EUR"), now=now_ms()
    )
    services(app).stores.invalidate()
    await insert_order(app, other, 1001, email=PAT, visitor_id="v_pat")
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO email_consents (store_id, email, wording, created_at)"
            " VALUES (?, ?, 'Email me my cart', 0)",
            (other.id, PAT),
        )
    )
    assert (await post(client, batch(other.public_key, visitor_id="v_pat"),
                       origin="http://other.test")).status_code == 202  # fmt: skip
    theirs = await snapshot(app, other.id)
    assert theirs["orders"] and theirs["email_consents"] and theirs["events"]

    document = (await post_form(".json", {"email": PAT})).json()
    assert [order["number"] for order in document["orders"]] == [5001, 1001]
    assert all(order["reference"] != "ord_test1001" for order in document["orders"])
    assert len(document["events"]) == 2  # this store's
    assert (await post_form("/erase", {"email": PAT, "confirm": "true"})).status_code == 303
    assert await snapshot(app, other.id) == theirs


# ---- who may, and what is logged -------------------------------------------------------------


async def test_only_owners_reach_it_and_only_owners_see_its_link(app, shop, admin, pat):
    base, _ = admin
    await create_user(services(app).db, STAFF, "another long password", now=now_ms())
    await add_member(services(app).db, shop.id, STAFF, "staff", now=now_ms())
    before = await snapshot(app, shop.id)
    async with client_for(app, STAFF) as staff:
        orders = await staff.get(f"/admin/stores/{shop.id}/orders")
        assert "/shopper-data" not in orders.text
        surveys = await staff.get(f"/admin/stores/{shop.id}/surveys")
        assert "/shopper-data" not in surveys.text
        token = csrf_from(orders.text)
        assert (await staff.get(base)).status_code == 403
        for path in ("", ".json", "/erase"):
            data = {"csrf_token": token, "email": PAT, "confirm": "true"}
            assert (await staff.post(base + path, data=data)).status_code == 403, path
    assert await snapshot(app, shop.id) == before


async def test_the_owners_navigation_and_the_surveys_page_link_to_it(client, shop, admin):
    base, _ = admin
    for page in (f"/admin/stores/{shop.id}", f"/admin/stores/{shop.id}/surveys"):
        assert f'href="{base}"' in (await client.get(page)).text, page
    assert (await client.get(f"/admin/stores/{shop.id}/surveys/shopper")).status_code == 404


async def test_every_step_needs_a_login_and_a_csrf_token(client, shop, merchant):
    base = f"/admin/stores/{shop.id}/shopper-data"
    assert (await client.get(base)).status_code == 303
    await sign_in(client)
    for path in ("", ".json", "/erase"):
        refused = await client.post(base + path, data={"email": PAT, "confirm": "true"})
        assert refused.status_code == 403, path


async def test_nothing_personal_reaches_the_log(shop, admin, pat, caplog):
    _, post_form = admin
    caplog.set_level(logging.DEBUG)
    # As the server runs (server.logs): aiosqlite's debug lines, every statement with its
    # parameters, are never emitted.
    caplog.set_level(logging.INFO, logger="aiosqlite")
    await post_form("", {"email": PAT, "visitor": "v_pat"})
    await post_form(".json", {"email": PAT})
    await post_form("/erase", {"email": PAT, "confirm": "true"})
    logged = caplog.text.lower()
    assert caplog.records  # the requests were logged
    assert "pat@" not in logged and "v_pat" not in logged and "harbour" not in logged


# ---- plans ------------------------------------------------------------------------------------


async def plans_of(app, work) -> list[tuple[str, list[str]]]:
    """Each statement ``work(conn)`` runs inside a write, with its query plan, read with the
    erasure's SQL functions there as they are for its statements."""
    return await recorded_plans(services(app).db, work, around=erasing_functions)


# A store has few campaigns, reviewed products' reviews and surveys: the ids of its own,
# read from their covering index, are the only store-wide reads allowed.
FEW_PER_STORE = re.compile(r"COVERING INDEX (campaigns|reviews|surveys)_\w+ \(store_id=\?\)$")


def walks(plan: list[str]) -> bool:
    """The plan reads a whole table, or every row of a store from any other index (a
    covering one too: a store's survey answers or events are many)."""
    return any(
        line.startswith("SCAN")
        or (line.endswith("(store_id=?)") and not FEW_PER_STORE.search(line))
        for line in plan
    )


# Plans must hold with a grown store's planner statistics as well as with none.
STATISTICS = pytest.mark.parametrize("statistics", [[], GROWN_STORE], ids=["none", "grown"])


async def reminded_contact(app, store, email: str) -> None:
    """An abandoned checkout's contact with a reminder written, and the address unsubscribed."""

    async def write(conn):
        cursor = await conn.execute(
            "INSERT INTO carts (public_id, store_id, created_at, updated_at)"
            " VALUES ('cart_reminded', ?, 0, 0)",
            (store.id,),
        )
        cursor = await conn.execute(
            "INSERT INTO checkout_contacts (store_id, cart_id, email, created_at, updated_at,"
            " abandoned_at, next_due_at) VALUES (?, ?, ?, 0, 0, 0, 1)",
            (store.id, cursor.lastrowid, email),
        )
        await conn.execute(
            "INSERT INTO recovery_steps (contact_id, step, written_at) VALUES (?, 1, 0)",
            (cursor.lastrowid,),
        )
        await suppress(conn, store.id, email, UNSUBSCRIBED, 0, step=1)

    await services(app).db.write(write)


@STATISTICS
async def test_finding_reads_by_index_but_for_the_events_one_pass(app, shop, statistics):
    from server.privacy.finding import find_shopper
    from server.privacy.model import ShopperKey

    await insert_order(app, shop, 1001, email=PAT, visitor_id="v_pat")
    await reminded_contact(app, shop, PAT)
    await use_statistics(services(app).db, statistics)
    key = ShopperKey(PAT, "v_pat")
    plans = await plans_of(app, lambda conn: find_shopper(conn, shop, key))
    assert any("FROM recovery_steps" in sql for sql, _ in plans)
    walking = [sql for sql, plan in plans if walks(plan)]
    assert walking == [
        "SELECT id FROM events NOT INDEXED WHERE store_id = ? AND visitor_id IN (?) ORDER BY id"
    ], [(sql, plan) for sql, plan in plans if walks(plan)]


@STATISTICS
async def test_the_erasures_write_changes_rows_by_index_and_events_by_rowid(app, shop, statistics):
    await use_statistics(services(app).db, statistics)
    ids = privacy_queries.EventIds(frozenset({"v_1"}), 10, (3, 4))
    plans = await plans_of(  # no row has the visitor id: nothing changes
        app, lambda conn: privacy_queries.replace_visitor_ids(conn, shop.id, {"v_1": "a"}, ids)
    )
    assert [(sql, plan) for sql, plan in plans if walks(plan)] == []
    events = [plan for sql, plan in plans if "UPDATE events" in sql]
    assert events == [["SEARCH events USING INTEGER PRIMARY KEY (rowid=?)"],
                      ["SEARCH events USING INTEGER PRIMARY KEY (rowid>?)"]]  # fmt: skip


@STATISTICS
async def test_the_whole_erasure_reads_and_changes_by_index(app, shop, merchant, statistics):
    """Inside the write, every statement of an erasure (email and visitor id named, an order
    with its messages, survey answers that gave an email, a reminded checkout contact and an
    unsubscribe) reads by index or by rowid: none
    walks the store's responses, answers, messages or events while other writes wait."""
    from server.privacy.erasing import erase_shopper
    from server.privacy.model import ShopperKey

    order_id = await insert_order(app, shop, 1001, email=PAT, visitor_id="v_pat")
    email = Question("q2", "email", "Email me?", required=False)
    exit_ = await live_survey(app, shop.id, "exit")
    exit_ = await live_survey(app, shop.id, "exit", questions=(*exit_.questions, email))
    await survey_response(app, exit_, "v_other", {"q2": Answer(text=PAT, consent="Email me")})
    await survey_response(app, exit_, "v_pat", {"q1": Answer(options=("delivery",))},
                          order_id=order_id)  # fmt: skip
    await reminded_contact(app, shop, PAT)
    await use_statistics(services(app).db, statistics)
    key = ShopperKey(PAT, "v_pat")
    ids = privacy_queries.EventIds(frozenset({"v_pat"}), 10, (3, 4))
    owner = await services(app).db.fetch_value("SELECT min(id) FROM users")
    signer = services(app).signer
    plans = await plans_of(
        app, lambda conn: erase_shopper(conn, shop.id, key, ids, owner, NOW, signer=signer)
    )
    assert [(sql, plan) for sql, plan in plans if walks(plan)] == []
    assert any("survey_answers_by_email" in " ".join(plan) for _, plan in plans)
