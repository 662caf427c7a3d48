"""The orders admin: list, search, detail, status changes and CSV export."""

import contextlib
import csv
import io
import json
import re

import pytest

from server.accounts import add_member, create_user
from server.clock import now_ms
from server.offers.model import Offer
from server.services import services
from tests.api.admin_client import MEMBER_PASSWORD, client_for, csrf_from, sign_in
from tests.api.offering import expose, exposed_claim, live_campaign, visitor_in
from tests.api.ordering import ADDRESS, JULY_1_NOON_UTC, insert_order
from tests.api.shopping import new_cart, order_body, place

pytestmark = pytest.mark.anyio


def orders_url(store, suffix=""):
    return f"/admin/stores/{store.id}/orders{suffix}"


async def order_status(app, store, number):
    return await services(app).db.fetch_value(
        "SELECT status FROM orders WHERE store_id = ? AND number = ?", (store.id, number)
    )


async def event_kinds(app, order_id):
    rows = await services(app).db.fetch_all(
        "SELECT kind FROM order_events WHERE order_id = ? ORDER BY id", (order_id,)
    )
    return [row["kind"] for row in rows]


def listed_numbers(html):
    return [int(part.split('"')[0]) for part in html.split("/orders/")[1:]]


async def test_order_pages_need_a_login(client, merchant, store):
    for suffix in ("", "/1001", ".csv"):
        assert (await client.get(orders_url(store, suffix))).status_code == 303


async def test_list_shows_newest_first_in_the_store_timezone(app, client, merchant, store):
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC)
    await insert_order(app, store, 1002, created_at=JULY_1_NOON_UTC + 60_000, total=123456,
                       status="awaiting_payment", email="ben@example.test")  # fmt: skip
    await sign_in(client)
    page = await client.get(orders_url(store))
    assert page.status_code == 200
    assert listed_numbers(page.text) == [1002, 1001]
    assert "1 Jul 2025, 13:01" in page.text and "(Europe/Dublin)" in page.text
    assert "€1,234.56" in page.text and "€53.55" in page.text
    assert ">Awaiting payment</span>" in page.text and "ben@example.test" in page.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=paid", [1003, 1001]),
        ("?status=awaiting_payment", [1002]),
        ("?status=nonsense", [1003, 1002, 1001]),
        ("?q=1002", [1002]),
        ("?q=%231003", [1003]),
        ("?q=BEN@", [1002]),
        ("?q=example.test&status=paid", [1001]),
        ("?q=SHOP.TEST", [1003]),
        ("?q=%25", []),  # a literal %, not a wildcard
        ("?q=nobody", []),
    ],
)
async def test_list_filters_by_status_and_searches(app, client, merchant, store, query, expected):
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC)
    await insert_order(app, store, 1002, created_at=JULY_1_NOON_UTC + 1, status="awaiting_payment",
                       email="ben@example.test")  # fmt: skip
    await insert_order(app, store, 1003, created_at=JULY_1_NOON_UTC + 2, email="cara@shop.test")
    await sign_in(client)
    page = await client.get(orders_url(store, query))
    assert page.status_code == 200
    assert listed_numbers(page.text) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=doyle", [1003]),  # part of the name on the order, any case
        ("?q=ARA+D", [1003]),  # across the space
        ("?q=byrne", [1002, 1001]),
        ("?q=yrne&status=awaiting_payment", [1002]),
        ("?q=aoife%40", [1001]),  # the email's @ is part of what is matched
        ("?q=1003", [1003]),  # a number still finds its order exactly
        ("?q=%22ben%22+OR+*", []),  # search syntax is matched as text, never run
        ("?q=%22", []),
        ("?q=%00doyle", [1003]),  # a control character (the search index's parser stops at
        ("?q=byr%00ne%07", [1002, 1001]),  # a NUL) is no part of an email or a name
        ("?q=%00%01", [1003, 1002, 1001]),  # nothing left to search for: every order
    ],
)
async def test_search_finds_any_part_of_an_email_or_a_name(
    app, client, merchant, store, query, expected
):
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC)
    await insert_order(app, store, 1002, created_at=JULY_1_NOON_UTC + 1, status="awaiting_payment",
                       email="ben@example.test")  # fmt: skip
    await insert_order(app, store, 1003, created_at=JULY_1_NOON_UTC + 2, email="cara@shop.test",
                       shipping_name="Cara Doyle")  # fmt: skip
    await sign_in(client)
    page = await client.get(orders_url(store, query))
    assert page.status_code == 200
    assert listed_numbers(page.text) == expected


async def test_the_orders_export_of_a_search_with_a_control_character(app, client, merchant, store):
    await insert_order(app, store, 1001, created_at=JULY_1_NOON_UTC, shipping_name="Cara Doyle")
    await sign_in(client)
    export = await client.get(f"/admin/stores/{store.id}/orders.csv?q=%00doyle")
    assert export.status_code == 200
    assert len(list(csv.reader(io.StringIO(export.text)))) == 2  # the header and the order


async def test_a_search_too_short_for_emails_and_names_says_so(app, client, merchant, store):
    await insert_order(app, store, 1001, email="ab@example.test")
    await sign_in(client)
    page = await client.get(orders_url(store, "?q=ab"))
    assert listed_numbers(page.text) == []
    assert "Search emails and names with 3 characters or more." in page.text
    assert "Order number, email or name" in page.text
    found = await client.get(orders_url(store, "?q=ab%40"))
    assert listed_numbers(found.text) == [1001]
    assert "Search emails and names with 3 characters or more." not in found.text


async def test_search_follows_an_orders_email_changed_or_deleted(app, client, merchant, store):
    order_id = await insert_order(app, store, 1001, email="old@example.test")
    await insert_order(app, store, 1002, email="gone@example.test")
    db = services(app).db
    await db.write(lambda conn: conn.execute(
        "UPDATE orders SET email = 'new@example.test' WHERE id = ?", (order_id,)))  # fmt: skip
    await db.write(lambda conn: conn.execute("DELETE FROM orders WHERE number = 1002"))
    await sign_in(client)
    assert listed_numbers((await client.get(orders_url(store, "?q=new@"))).text) == [1001]
    assert listed_numbers((await client.get(orders_url(store, "?q=old@"))).text) == []
    assert listed_numbers((await client.get(orders_url(store, "?q=gone@"))).text) == []


async def test_list_pages_fifty_at_a_time(app, client, merchant, store):
    for number in range(1001, 1056):
        await insert_order(app, store, number, created_at=JULY_1_NOON_UTC + number)
    await sign_in(client)
    first = await client.get(orders_url(store, "?status=paid"))
    assert len(listed_numbers(first.text)) == 50 and listed_numbers(first.text)[0] == 1055
    assert "Orders 1–50 of 55" in first.text and "Page 1 of 2" in first.text
    assert f'href="{orders_url(store)}?status=paid&amp;page=2" rel="next"' in first.text
    second = await client.get(orders_url(store, "?status=paid&page=2"))
    assert listed_numbers(second.text) == [1005, 1004, 1003, 1002, 1001]
    beyond = await client.get(orders_url(store, "?page=99"))
    assert listed_numbers(beyond.text) == listed_numbers(second.text)


async def test_detail_shows_everything_about_the_order(app, client, merchant, store):
    await insert_order(app, store, 1001, shipping_name="<b>Aoife</b>")
    await sign_in(client)
    page = await client.get(orders_url(store, "/1001"))
    assert page.status_code == 200
    text = page.text
    assert "<h1>Order #1001</h1>" in text
    assert "Mug" in text and "Blue" in text and "MUG-1" in text and "€18.00" in text
    for amount in ("€54.00", "−€5.40", "€4.95", "€10.01", "€53.55"):
        assert amount in text
    assert "<code>WELCOME10</code>" in text and "Standard post" in text
    assert "12 Harbour Road" in text and "D13 X2Y4" in text
    assert "Arrives Thu 3 – Mon 7 Jul" in text  # the words checkout showed the shopper
    assert "Visa ending in 4242" in text
    assert "Order placed" in text and "1 Jul 2025, 13:00" in text
    assert "<b>Aoife</b>" not in text  # the address's own name wins; nothing is unescaped


async def test_detail_shows_the_shipping_a_free_shipping_code_waived(app, client, merchant, store):
    await insert_order(app, store, 1001, shipping_total=0, shipping_discount=495,
                       discount_total=0, discount_code="FREESHIP")  # fmt: skip
    await insert_order(app, store, 1002)
    await sign_in(client)
    waived = await client.get(orders_url(store, "/1001"))
    assert "€4.95 waived by the code" in waived.text
    assert "<code>FREESHIP</code>" in waived.text
    plain = await client.get(orders_url(store, "/1002"))
    assert "waived" not in plain.text


async def test_merchant_text_in_orders_is_escaped(app, client, merchant, store):
    address = ADDRESS | {"line1": "<script>alert(1)</script>"}
    await insert_order(app, store, 1001, shipping_address=json.dumps(address))
    await sign_in(client)
    page = await client.get(orders_url(store, "/1001"))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


@pytest.mark.parametrize(
    ("email", "href"),
    [
        # Stored before emails were validated: the query would add recipients and a subject.
        ("ann@shop.example?bcc=harvest%40evil.example&subject=Hi",
         "mailto:ann@shop.example%3Fbcc%3Dharvest%2540evil.example%26subject%3DHi"),
        # Valid today (RFC 5322 allows ? and = before the @): still one recipient.
        ("ann?cc=x@shop.example", "mailto:ann%3Fcc%3Dx@shop.example"),
    ],
)  # fmt: skip
async def test_the_customer_email_link_has_one_recipient_and_no_headers(
    app, client, merchant, store, email, href
):
    await insert_order(app, store, 1001, email=email)
    await sign_in(client)
    page = await client.get(orders_url(store, "/1001"))
    [link] = re.findall(r'href="(mailto:[^"]*)"', page.text)
    assert link == href and "?" not in link and "&" not in link


async def test_an_order_moves_through_its_allowed_statuses(app, client, merchant, store):
    order_id = await insert_order(app, store, 1001, status="awaiting_payment",
                                  payment_method="bank_transfer", card_brand=None,
                                  card_last4=None)  # fmt: skip
    await sign_in(client)
    page = await client.get(orders_url(store, "/1001"))
    assert "Bank transfer" in page.text
    csrf = csrf_from(page.text)
    steps = (("mark-paid", "paid"), ("mark-fulfilled", "fulfilled"), ("refund", "refunded"))
    for action, status in steps:
        response = await client.post(
            orders_url(store, f"/1001/{action}"), data={"csrf_token": csrf}
        )
        assert response.status_code == 303
        assert response.headers["location"] == orders_url(store, "/1001")
        assert await order_status(app, store, 1001) == status
    assert await event_kinds(app, order_id) == ["placed", "paid", "fulfilled", "refunded"]
    history = (await client.get(orders_url(store, "/1001"))).text
    assert "Marked as paid" in history and "By owner@shop.test" in history
    assert "nothing more to do" in history


async def test_a_paid_order_can_be_refunded_before_fulfilment(app, client, merchant, store):
    await insert_order(app, store, 1001, status="paid")
    await sign_in(client)
    csrf = csrf_from((await client.get(orders_url(store, "/1001"))).text)
    response = await client.post(orders_url(store, "/1001/refund"), data={"csrf_token": csrf})
    assert response.status_code == 303
    assert await order_status(app, store, 1001) == "refunded"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("awaiting_payment", "mark-fulfilled"),
        ("awaiting_payment", "refund"),
        ("paid", "mark-paid"),
        ("fulfilled", "mark-fulfilled"),
        ("refunded", "refund"),
        ("refunded", "mark-paid"),
    ],
)
async def test_a_transition_not_allowed_is_refused(app, client, merchant, store, status, action):
    order_id = await insert_order(app, store, 1001, status=status)
    await sign_in(client)
    csrf = csrf_from((await client.get(orders_url(store))).text)
    response = await client.post(orders_url(store, f"/1001/{action}"), data={"csrf_token": csrf})
    assert response.status_code == 409
    assert 'role="alert"' in response.text and "is only possible when it is" in response.text
    assert await order_status(app, store, 1001) == status
    assert await event_kinds(app, order_id) == ["placed"]


async def test_status_forms_only_offer_allowed_actions(app, client, merchant, store):
    await insert_order(app, store, 1001, status="paid")
    await sign_in(client)
    page = await client.get(orders_url(store, "/1001"))
    assert "/1001/mark-fulfilled" in page.text and "/1001/refund" in page.text
    assert "/1001/mark-paid" not in page.text


async def test_unknown_orders_and_actions_are_not_found(app, client, merchant, store):
    await insert_order(app, store, 1001)
    await sign_in(client)
    csrf = csrf_from((await client.get(orders_url(store))).text)
    assert (await client.get(orders_url(store, "/999"))).status_code == 404
    assert (await client.get(orders_url(store, "/" + "9" * 25))).status_code == 404
    for query in ("?page=" + "9" * 25, "?q=" + "9" * 25, "?page=-1", "?page=two"):
        assert (await client.get(orders_url(store, query))).status_code == 200
    unknown = await client.post(orders_url(store, "/1001/ship"), data={"csrf_token": csrf})
    assert unknown.status_code == 404
    missing = await client.post(orders_url(store, "/999/refund"), data={"csrf_token": csrf})
    assert missing.status_code == 404


async def test_status_changes_need_the_csrf_token(app, client, merchant, store):
    await insert_order(app, store, 1001, status="paid")
    await sign_in(client)
    response = await client.post(orders_url(store, "/1001/refund"), data={"csrf_token": "x"})
    assert response.status_code == 403
    assert await order_status(app, store, 1001) == "paid"


async def test_csv_export_follows_the_filter_and_is_formula_safe(app, client, merchant, store):
    await insert_order(app, store, 1001, shipping_name="=HYPERLINK(\"http://evil.test\")",
                       shipping_address=json.dumps(ADDRESS | {"line1": "+1 Main St"}))  # fmt: skip
    await insert_order(app, store, 1002, status="refunded", created_at=JULY_1_NOON_UTC + 1)
    await sign_in(client)
    page = await client.get(orders_url(store, "?status=paid"))
    assert f'href="{orders_url(store, ".csv?status=paid")}"' in page.text

    response = await client.get(orders_url(store, ".csv?status=paid"))
    assert response.status_code == 200
    disposition = f'attachment; filename="store-{store.id}-orders.csv"'
    assert response.headers["content-disposition"] == disposition
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["number"] for row in rows] == ["1001"]
    row = rows[0]
    assert row["shipping_name"] == '\'=HYPERLINK("http://evil.test")'
    assert row["line1"] == "'+1 Main St"
    assert row["placed_at"] == "2025-07-01T13:00:00+01:00"
    assert (row["subtotal"], row["discount"], row["total"]) == ("54.00", "5.40", "53.55")
    assert row["items"] == "MUG-1 × 3"

    everything = await client.get(orders_url(store, ".csv"))
    assert len(list(csv.DictReader(io.StringIO(everything.content.decode("utf-8-sig"))))) == 2


async def test_detail_names_the_country_and_the_payment_method(app, client, merchant, store):
    await insert_order(app, store, 1001)
    await insert_order(app, store, 1002, payment_method="cash_on_delivery", card_brand=None,
                       card_last4=None, status="awaiting_payment",
                       shipping_address=json.dumps(ADDRESS | {"country": "DE"}))  # fmt: skip
    await sign_in(client)
    card = (await client.get(orders_url(store, "/1001"))).text
    assert re.search(r"D13 X2Y4<br>\s*Ireland\s*</address>", card)
    assert "Placed with Card" in card and "test_card" not in card
    cash = (await client.get(orders_url(store, "/1002"))).text
    assert re.search(r"<br>\s*Germany\s*</address>", cash)
    assert "<dd>Cash on delivery</dd>" in cash


async def test_detail_says_a_code_was_the_stores_own(app, client, merchant, shop):
    await insert_order(app, shop, 1001, discount_code="WELCOME10")
    await insert_order(app, shop, 1002, discount_code="GONE10")  # deleted since
    await insert_order(app, shop, 1003, discount_code=None, discount_total=0)
    await sign_in(client)
    own = (await client.get(orders_url(shop, "/1001"))).text
    assert "<code>WELCOME10</code> · one of the store's codes" in own
    gone = (await client.get(orders_url(shop, "/1002"))).text
    assert "<code>GONE10</code> · a code deleted since" in gone
    plain = (await client.get(orders_url(shop, "/1003"))).text
    assert "No discount code, and no offer shown to this shopper before ordering." in plain


async def test_detail_shows_the_offer_campaign_and_arm_that_drove_the_order(
    app, client, merchant, shop
):
    campaign = await live_campaign(app, shop.id, Offer("percent", 10), Offer("percent", 15),
                                   name="Leaving <already>?")  # fmt: skip
    cart = await new_cart(client, shop.public_key, FH_MUG_01=2)
    visitor, claimed = await exposed_claim(client, campaign, "B", cart=cart)
    assert claimed.status_code == 201, claimed.text
    body = order_body(claimed.json()["cart_token"], visitor=visitor)
    placed = await place(client, body)
    assert placed.status_code == 201, placed.text
    number = placed.json()["order"]["number"]
    code = claimed.json()["coupon"]["code"]

    await sign_in(client)
    page = (await client.get(orders_url(shop, f"/{number}"))).text
    results = f"/admin/stores/{shop.id}/campaigns/{campaign.public_id}/results"
    assert f"<code>{code}</code> · claimed from an offer" in page
    assert f'<dt>Offer</dt>\n<dd><a href="{results}">Leaving &lt;already&gt;?' in page
    assert "· Variant B</dd>" in page
    assert "results count this order for the arm its shopper was in" in page
    assert "Offer seen before ordering" not in page  # the same campaign, said once


async def test_detail_shows_an_offer_seen_without_its_code(app, client, merchant, shop):
    """A holdout visitor saw nothing but still counts in the campaign's results."""
    campaign = await live_campaign(app, shop.id, Offer("percent", 10), holdout_percent=50)
    visitor = visitor_in(campaign, "holdout")
    assert (await expose(client, campaign, visitor)).status_code == 200
    cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
    placed = await place(client, order_body(cart, visitor=visitor))
    assert placed.status_code == 201, placed.text
    await sign_in(client)
    page = (await client.get(orders_url(shop, f"/{placed.json()['order']['number']}"))).text
    assert "<dt>Offer seen before ordering</dt>" in page
    assert '· Holdout <span class="muted">(shown nothing, for comparison)</span>' in page
    assert "Discount code" not in page


@pytest.mark.parametrize("role", ["owner", "staff"])
async def test_detail_lists_the_orders_messages_each_linking_to_its_page(
    app, client, merchant, shop, role
):
    token = await new_cart(client, shop.public_key, FH_MUG_01=1)
    placed = await place(client, order_body(token, payment={"method": "bank_transfer"}))
    number = placed.json()["order"]["number"]
    await services(app).sender.run_once()  # no mail server: both end "not sent"
    rows = await services(app).db.fetch_all("SELECT public_id FROM messages ORDER BY id")
    async with contextlib.AsyncExitStack() as stack:
        if role == "owner":
            await sign_in(client)
            viewer = client
        else:
            db = services(app).db
            await create_user(db, "staff@shop.test", MEMBER_PASSWORD, now=now_ms())
            await add_member(db, shop.id, "staff@shop.test", "staff", now=now_ms())
            viewer = await stack.enter_async_context(client_for(app, "staff@shop.test"))
        page = await viewer.get(orders_url(shop, f"/{number}"))
        assert page.status_code == 200
        section = page.text.split('id="messages-title"')[1].split("</section>")[0]
        shown = " ".join(re.sub(r"<[^>]+>", " ", section).split())
        assert "Order confirmation Not sent: no mail server configured" in shown
        assert "Payment instructions Not sent: no mail server configured" in shown
        for row in rows:
            link = f'href="/admin/stores/{shop.id}/messages/{row["public_id"]}"'
            assert link in section
            assert (await viewer.get(f"/admin/stores/{shop.id}/messages/{row['public_id']}")
                    ).status_code == 200  # fmt: skip
