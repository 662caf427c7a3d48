"""Taking reviews out for good (server/admin/reviews): undoing an import (its reviews only,
logged), and removing a review at its writer's request (personal data: its words and name
erased, logged with a note, counted apart from the shop's hides). Owners only."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from server.accounts import add_member, create_user
from server.clock import now_ms
from server.reviews.moderating import save_reply
from server.security import Signer
from server.services import attach, services
from tests.api.admin_client import MEMBER_PASSWORD, client_for, csrf_from, sign_in
from tests.api.reviewing import (
    client_at,
    find,
    fulfilled_line,
    member_id,
    publish,
    receipt_path,
)
from tests.api.reviewing import visible_text as markup_text
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio

STAFF = "staff@shop.test"


def reviews_url(store, suffix: str = "") -> str:
    return f"/admin/stores/{store.id}/reviews{suffix}"


async def signed_in(client, store) -> str:
    await sign_in(client)
    return csrf_from((await client.get(reviews_url(store))).text)


async def upload(client, store, csrf, name: str, *titles: str):
    rows = "".join(f"MUG-1,4,{title},Imported words.,Pat,2024-03-15\n" for title in titles)
    return await client.post(
        reviews_url(store, "/import"),
        data={"csrf_token": csrf, "platform": "Etsy"},
        files={"file": (name, b"sku,rating,title,body,name,date\n" + rows.encode(), "text/csv")},
    )


async def titles(app, store) -> list[str]:
    found = await services(app).db.fetch_all(
        "SELECT title FROM reviews WHERE store_id = ? ORDER BY id", (store.id,)
    )
    return [row["title"] for row in found]


async def staff_client(app, store):
    await create_user(services(app).db, STAFF, MEMBER_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, STAFF, "staff", now=now_ms())
    return client_for(app, STAFF)


def visible_text(page: str) -> str:
    return html.unescape(markup_text(page))


def import_ids(page: str) -> list[str]:
    return re.findall(r'name="import" value="(\d+)"', page)


# ---- undoing an import ----------------------------------------------------------------------


async def test_the_reviews_page_lists_imports_and_one_can_be_removed(app, client, merchant, store):
    await publish(app, await fulfilled_line(app, store), 5, title="From an order")
    csrf = await signed_in(client, store)
    assert (await upload(client, store, csrf, "old-shop.csv", "Old 1", "Old 2")).status_code == 303
    assert (await upload(client, store, csrf, "etsy.csv", "Etsy 1")).status_code == 303

    page = await client.get(reviews_url(store))
    text = visible_text(page.text)
    assert re.search(r"old-shop\.csv .*2 reviews", text)
    assert re.search(r"etsy\.csv .*1 review", text)
    assert text.count("Remove this import") == 2
    old_shop, etsy = sorted(import_ids(page.text))

    answer = await client.post(
        reviews_url(store, "/import/remove"), data={"csrf_token": csrf, "import": old_shop}
    )
    assert answer.status_code == 303
    assert await titles(app, store) == ["From an order", "Etsy 1"]  # that import's, nothing else
    after = visible_text((await client.get(answer.headers["location"])).text)
    assert "The import is removed, and the moderation log says so. 2 reviews deleted." in after
    assert re.search(r"old-shop\.csv .*Removed .*owner@shop\.test", after)
    assert import_ids((await client.get(reviews_url(store))).text) == [etsy]
    log = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert re.search(r"Import removed .*old-shop\.csv: 2 reviews .*owner@shop\.test", log)
    public = (await client.get(f"/v1/stores/{store.public_key}/reviews?sku=MUG-1")).json()
    assert [review["title"] for review in public["reviews"]] == ["From an order", "Etsy 1"]

    again = await client.post(
        reviews_url(store, "/import/remove"), data={"csrf_token": csrf, "import": old_shop}
    )
    assert again.status_code == 303  # a second click changes nothing, and logs nothing more
    log_again = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert log_again.count("Import removed") == 1


async def test_an_import_is_removed_by_an_owner_only_and_only_the_stores(
    app, client, merchant, store
):
    await fulfilled_line(app, store)
    csrf = await signed_in(client, store)
    await upload(client, store, csrf, "old-shop.csv", "Old 1")
    (batch,) = import_ids((await client.get(reviews_url(store))).text)
    async with await staff_client(app, store) as staff:
        page = await staff.get(reviews_url(store))
        assert "old-shop.csv" in page.text and import_ids(page.text) == []  # no button
        answer = await staff.post(
            reviews_url(store, "/import/remove"),
            data={"csrf_token": csrf_from(page.text), "import": batch},
        )
        assert answer.status_code == 403
    for other in ("999", "x", ""):
        answer = await client.post(
            reviews_url(store, "/import/remove"), data={"csrf_token": csrf, "import": other}
        )
        assert answer.status_code == 404
    assert await titles(app, store) == ["Old 1"]


# ---- removing a review at its writer's request ----------------------------------------------


async def a_replied_review_with_a_vote(app, store):
    review = await publish(app, await fulfilled_line(app, store), 2, title="Aoife's mug",
                           body="Ring me on 087 123 4567.", name="Aoife Byrne")  # fmt: skip
    user = await member_id(app)
    await services(app).db.write(
        lambda conn: save_reply(conn, store.id, review.public_id, "Sorry Aoife!", user, 0)
    )
    async with client_at(app, "203.0.113.9") as shopper:
        vote = await shopper.post(
            f"/v1/reviews/{review.public_id}/helpful",
            json={"store": store.public_key, "visitor": "v_1"},
            headers={"Origin": SHOP_ORIGIN},
        )
        assert vote.json()["counted"]
    return review


async def test_a_review_removed_at_its_writers_request_is_erased_and_logged(
    app, client, merchant, store
):
    review = await a_replied_review_with_a_vote(app, store)
    csrf = await signed_in(client, store)
    url = reviews_url(store, f"/{review.public_id}/remove-on-request")
    page = visible_text((await client.get(reviews_url(store, f"/{review.public_id}"))).text)
    assert "Remove at the writer's request" in page

    missing = await client.post(url, data={"csrf_token": csrf, "note": " "})
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.text
    assert (await find(app, store, review.public_id)).status == "published"

    note = "Asked by email on 2 July"
    answer = await client.post(url, data={"csrf_token": csrf, "note": note})
    assert answer.status_code == 303
    row = await services(app).db.fetch_one(
        "SELECT status, hidden_reason, title, body, display_name, reply, helpful, rating"
        " FROM reviews WHERE public_id = ?",
        (review.public_id,),
    )
    assert tuple(row) == ("removed", None, "", "", "", None, 0, None)  # erased, not hidden
    db = services(app).db
    assert await db.fetch_value("SELECT count(*) FROM review_votes") == 0
    everything = " ".join(
        str(value) for row in await db.fetch_all("SELECT * FROM review_moderation") for value in row
    )
    assert "Aoife" not in everything and "087" not in everything  # the reply quoted her name
    entry = await db.fetch_one(
        "SELECT action, reason, detail, user_id FROM review_moderation ORDER BY id DESC LIMIT 1"
    )
    assert tuple(entry) == ("remove_on_request", None, note, await member_id(app))

    shown = visible_text((await client.get(answer.headers["location"])).text)
    assert "Removed at the writer's request" in shown and "Aoife" not in shown
    log = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert f"Removed at the writer's request {note} owner@shop.test" in log
    public = (await client.get(f"/v1/stores/{store.public_key}/reviews?sku=MUG-1")).json()
    assert public["summary"]["count"] == 0 and public["reviews"] == []
    how = " ".join(public["how"])
    assert "No review of this product has been hidden." in how  # not counted as a hide
    assert "1 review of this product was removed at its writer's request." in how

    # Nothing brings it back, and a second removal logs nothing more.
    for action in ("unhide", "hide", "reply"):
        data = {"csrf_token": csrf, "reason": "abusive", "reply": "Hi"}
        refused = await client.post(reviews_url(store, f"/{review.public_id}/{action}"), data=data)
        assert refused.status_code == 409, action
    again = await client.post(url, data={"csrf_token": csrf, "note": "again"})
    assert again.status_code == 303
    assert await db.fetch_value(
        "SELECT count(*) FROM review_moderation WHERE action = 'remove_on_request'"
    ) == 1  # fmt: skip
    assert (await find(app, store, review.public_id)).status == "removed"


async def test_only_an_owner_removes_a_review_at_its_writers_request(app, merchant, store):
    review = await a_replied_review_with_a_vote(app, store)
    async with await staff_client(app, store) as staff:
        page = await staff.get(reviews_url(store, f"/{review.public_id}"))
        assert "Remove at the writer's request" not in visible_text(page.text)
        answer = await staff.post(
            reviews_url(store, f"/{review.public_id}/remove-on-request"),
            data={"csrf_token": csrf_from(page.text), "note": "Asked by email"},
        )
        assert answer.status_code == 403
    assert (await find(app, store, review.public_id)).name == "Aoife Byrne"


async def test_the_list_filters_removed_reviews_apart_from_hidden_ones(
    app, client, merchant, store
):
    review = await a_replied_review_with_a_vote(app, store)
    kept = await publish(app, await fulfilled_line(app, store, 1002), 4, title="Kept")
    csrf = await signed_in(client, store)
    await client.post(
        reviews_url(store, f"/{review.public_id}/remove-on-request"),
        data={"csrf_token": csrf, "note": "Asked by phone"},
    )
    hidden = visible_text((await client.get(reviews_url(store, "?status=hidden"))).text)
    assert "No reviews match this filter" in hidden
    removed = await client.get(reviews_url(store, "?status=removed"))
    assert f'id="review-{review.public_id}"' in removed.text
    assert f'id="review-{kept.public_id}"' not in removed.text
    assert "1 review matching the filter" in visible_text(removed.text)


async def test_a_removed_review_keeps_no_rating_and_no_page_shows_one(app, client, merchant, store):
    """A rating is part of what the writer said: once removed at their request it is not kept,
    and neither the admin (order page, list, review page) nor the buyer's receipt shows one;
    the receipt says it was removed at their request, not "reviewed, thank you"."""
    review = await a_replied_review_with_a_vote(app, store)
    csrf = await signed_in(client, store)
    removal = await client.post(
        reviews_url(store, f"/{review.public_id}/remove-on-request"),
        data={"csrf_token": csrf, "note": "Asked by phone"},
    )
    assert removal.status_code == 303
    db = services(app).db
    assert await db.fetch_value("SELECT rating FROM reviews") is None
    order = (await client.get(f"/admin/stores/{store.id}/orders/1001")).text
    assert "Reviewed, then removed at the writer's request" in visible_text(order)
    for page in (
        order,
        (await client.get(reviews_url(store, "?status=removed"))).text,
        (await client.get(reviews_url(store, f"/{review.public_id}"))).text,
    ):
        assert "out of 5" not in visible_text(page) and "★" not in page
    public_id = await db.fetch_value("SELECT public_id FROM orders")
    receipt = visible_text((await client.get(receipt_path(app, public_id))).text)
    assert "Mug · Blue : your review was removed at your request" in receipt
    assert "reviewed, thank you" not in receipt and "out of 5" not in receipt


# ---- what an imported review's removal leaves behind ------------------------------------------

JANE = b"MUG-1,1,Awful,My words,Jane Doe,2024-03-15\n"
OTHER = b"MUG-1,5,Lovely,Other words,Sam Roe,2024-03-16\n"


async def upload_rows(client, store, csrf, *rows: bytes):
    return await client.post(
        reviews_url(store, "/import"),
        data={"csrf_token": csrf, "platform": "Etsy"},
        files={"file": ("etsy.csv", b"sku,rating,title,body,name,date\n" + b"".join(rows))},
    )


async def test_a_reimport_leaves_out_a_review_removed_at_its_writers_request(
    app, client, merchant, store
):
    csrf = await import_then_remove_jane(app, client, store)
    again = await upload_rows(client, store, csrf, JANE, OTHER)
    assert again.status_code == 303
    db = services(app).db
    found = await db.fetch_all("SELECT status, display_name FROM reviews ORDER BY id")
    assert [tuple(row) for row in found] == [("removed", ""), ("published", "Sam Roe")]
    notice = visible_text((await client.get(again.headers["location"])).text)
    assert (
        "Reviews imported. 0 imported, 1 already here and skipped, 1 left out: removed at its"
        " writer's request before." in notice
    )
    (kept,) = await db.fetch_all("SELECT * FROM review_removed_imports")
    assert re.fullmatch("[0-9a-f]{64}", kept["row_hash"])  # a fingerprint, never the words
    everything = " ".join(str(v) for v in tuple(kept))
    assert "Jane" not in everything and "My words" not in everything


async def import_jane_and_other(app, client, store) -> str:
    """JANE and OTHER imported: the admin's CSRF token."""
    await fulfilled_line(app, store)
    csrf = await signed_in(client, store)
    assert (await upload_rows(client, store, csrf, JANE, OTHER)).status_code == 303
    return csrf


async def remove_jane_at_her_request(app, client, store, csrf: str) -> None:
    db = services(app).db
    jane = await db.fetch_value("SELECT public_id FROM reviews WHERE display_name = 'Jane Doe'")
    removal = await client.post(
        reviews_url(store, f"/{jane}/remove-on-request"),
        data={"csrf_token": csrf, "note": "Jane asked by email"},
    )
    assert removal.status_code == 303


async def import_then_remove_jane(app, client, store) -> str:
    """JANE and OTHER imported, JANE removed at her request: the admin's CSRF token."""
    csrf = await import_jane_and_other(app, client, store)
    await remove_jane_at_her_request(app, client, store, csrf)
    return csrf


async def assert_reimport_withholds_jane(app, client, store, csrf) -> None:
    again = await upload_rows(client, store, csrf, JANE, OTHER)
    assert again.status_code == 303
    found = await services(app).db.fetch_all("SELECT status, display_name FROM reviews ORDER BY id")
    assert [tuple(row) for row in found] == [("removed", ""), ("published", "Sam Roe")]
    notice = visible_text((await client.get(again.headers["location"])).text)
    assert "0 imported, 1 already here and skipped, 1 left out" in notice


async def test_a_review_removed_at_request_stays_out_after_the_stores_timezone_changes(
    app, client, merchant, store
):
    """The file's date is what a row is known by, not the moment it was stored as (noon in
    the store's timezone then): a new timezone neither brings the removed review back nor
    imports the others twice."""
    csrf = await import_then_remove_jane(app, client, store)
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET timezone = 'Pacific/Auckland' WHERE id = ?", (store.id,)
        )
    )
    services(app).stores.invalidate()
    await assert_reimport_withholds_jane(app, client, store, csrf)


async def test_a_review_removed_at_request_stays_out_once_its_signing_key_is_dropped(
    app, client, merchant, store
):
    """Keys rotate, and the oldest are dropped: what a removal leaves must outlast them."""
    await import_then_remove_jane(app, client, store)
    rotated = Signer(("a-new-key-after-the-old-one-was-dropped-0123456789",))
    attach(app, dataclasses.replace(services(app), signer=rotated))
    csrf = await signed_in(client, store)  # the old key's session is void
    await assert_reimport_withholds_jane(app, client, store, csrf)


async def test_reviews_imported_before_row_hashes_are_known_by_their_date(
    app, client, merchant, store
):
    """Reviews imported before their rows' hashes were kept (migration 0022) are known by
    their date in the store's timezone: a re-import neither duplicates them nor brings back
    one removed at its writer's request."""
    csrf = await import_jane_and_other(app, client, store)
    db = services(app).db
    await db.write(lambda conn: conn.execute("UPDATE reviews SET import_row_hash = NULL"))
    await remove_jane_at_her_request(app, client, store, csrf)
    await assert_reimport_withholds_jane(app, client, store, csrf)


async def test_removing_an_import_erases_the_shops_replies_from_the_log(
    app, client, merchant, store
):
    """A reply may quote the writer of the review it answers: once the import's reviews are
    gone, the log keeps that a reply was made, not its words."""
    await fulfilled_line(app, store)
    csrf = await signed_in(client, store)
    assert (await upload_rows(client, store, csrf, JANE)).status_code == 303
    db = services(app).db
    jane = await db.fetch_value("SELECT public_id FROM reviews")
    reply = await client.post(
        reviews_url(store, f"/{jane}/reply"),
        data={"csrf_token": csrf, "reply": "Sorry Jane Doe, we rang you on 087 123."},
    )
    assert reply.status_code == 303
    (batch,) = import_ids((await client.get(reviews_url(store))).text)
    removed = await client.post(
        reviews_url(store, "/import/remove"), data={"csrf_token": csrf, "import": batch}
    )
    assert removed.status_code == 303
    log = await db.fetch_all("SELECT action, detail FROM review_moderation ORDER BY id")
    assert [tuple(row) for row in log] == [
        ("import", ""),
        ("reply", ""),
        ("remove_import", "1 review"),
    ]
    page = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert "Jane Doe" not in page and "087" not in page
