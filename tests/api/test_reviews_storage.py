"""Reviews as stored (migration 0018, server/reviews): one review per order line, published
whatever its rating, hidden only for a reason from the fixed list, every decision logged in
the same transaction as the change, and an import all or nothing."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from server.catalog.csv_io import ImportRejected
from server.errors import NotFound
from server.reviews import importing, moderating, queries
from server.reviews.importing import ImportedReview, import_reviews
from server.reviews.model import HIDE_REASONS, ReviewInput
from server.reviews.publishing import AlreadyReviewed, NotReviewable
from server.reviews.service import local_date
from server.services import services
from tests.api.reviewing import find, fulfilled_line, log_actions, publish, rows

pytestmark = pytest.mark.anyio


async def owner_id(app) -> int:
    return await services(app).db.fetch_value("SELECT id FROM users")


async def test_every_rating_is_published_at_once_with_its_log_entry(app, store):
    low = await publish(app, await fulfilled_line(app, store, 1001), rating=1)
    high = await publish(app, await fulfilled_line(app, store, 1002), rating=5)
    assert (low.status, high.status) == ("published", "published")
    assert low.public_id.startswith("rev_") and low.verified
    assert await log_actions(app) == [("publish", None), ("publish", None)]


async def test_an_order_line_has_one_review(app, store):
    line = await fulfilled_line(app, store)
    first = await publish(app, line, rating=4)
    with pytest.raises(AlreadyReviewed) as refused:
        await publish(app, line, rating=2)
    assert refused.value.review.public_id == first.public_id
    assert len(await rows(app, "reviews")) == 1
    assert len(await rows(app, "review_moderation")) == 1


async def test_the_database_holds_one_review_per_line_whoever_writes(app, store):
    line = await fulfilled_line(app, store)
    await publish(app, line)
    order_id = (await rows(app, "reviews"))[0]["order_id"]

    async def second(conn):
        await conn.execute(
            "INSERT INTO reviews (public_id, store_id, product_id, source, order_id, rating,"
            " display_name, created_at) VALUES ('rev_x', ?, ?, 'order', ?, 3, 'X', 0)",
            (store.id, line.product_id, order_id),
        )

    with pytest.raises(sqlite3.IntegrityError):
        await services(app).db.write(second)


@pytest.mark.parametrize("status", ["awaiting_payment", "paid", "refunded"])
async def test_only_a_fulfilled_order_can_be_reviewed(app, store, status):
    line = await fulfilled_line(app, store, status=status)
    with pytest.raises(NotReviewable):
        await publish(app, line)
    assert await rows(app, "reviews") == [] and await rows(app, "review_moderation") == []


async def test_a_review_and_its_log_entry_are_written_together_or_not_at_all(
    app, store, monkeypatch
):
    line = await fulfilled_line(app, store)

    async def broken_log(*args, **kwargs):
        raise RuntimeError("the log could not be written")

    monkeypatch.setattr(queries, "log_decision", broken_log)
    with pytest.raises(RuntimeError):
        await publish(app, line)
    assert await rows(app, "reviews") == []


async def test_hiding_showing_and_replying_are_each_logged_once(app, store, merchant):
    review = await publish(app, await fulfilled_line(app, store), rating=1)
    user, db, now = await owner_id(app), services(app).db, 1_000

    def run(change, *args):
        return db.write(lambda conn: change(conn, store.id, review.public_id, *args, user, now))

    await run(moderating.hide_review, "abusive")
    await run(moderating.hide_review, "abusive")  # a second click changes nothing
    hidden = await find(app, store, review.public_id)
    assert (hidden.status, hidden.hidden_reason) == ("hidden", "abusive")
    await run(moderating.hide_review, "personal_data")  # a different reason is a decision
    await run(moderating.unhide_review)
    await run(moderating.unhide_review)
    await run(moderating.save_reply, "Sorry to hear it: we have sent a new one.")
    await run(moderating.save_reply, "Sorry to hear it: we have sent a new one.")
    await run(moderating.save_reply, "Sorry: a new one is on its way.")
    replied = await find(app, store, review.public_id)
    assert replied.reply.body == "Sorry: a new one is on its way." and replied.reply.at == now
    await run(moderating.remove_reply)
    await run(moderating.remove_reply)
    shown = await find(app, store, review.public_id)
    assert (shown.status, shown.hidden_reason, shown.reply) == ("published", None, None)
    assert await log_actions(app) == [
        ("publish", None), ("hide", "abusive"), ("hide", "personal_data"), ("unhide", None),
        ("reply", None), ("reply", None), ("remove_reply", None),
    ]  # fmt: skip
    log = await queries.moderation_log(db, store.id, limit=10)
    assert log[0].by == "owner@shop.test" and log[-1].by is None
    assert log[1].detail == "Sorry: a new one is on its way."  # newest first


async def test_no_reason_outside_the_fixed_list_can_hide_a_review(app, store):
    review = await publish(app, await fulfilled_line(app, store), rating=1)

    async def hide(conn):
        await conn.execute(
            "UPDATE reviews SET status = 'hidden', hidden_reason = 'negative' WHERE id = ?",
            (review.id,),
        )

    with pytest.raises(sqlite3.IntegrityError):
        await services(app).db.write(hide)
    assert "negative" not in HIDE_REASONS


async def test_moderating_another_stores_review_is_not_found(app, store):
    review = await publish(app, await fulfilled_line(app, store))

    with pytest.raises(NotFound):
        await services(app).db.write(
            lambda conn: moderating.hide_review(
                conn, store.id + 1, review.public_id, "abusive", 1, 0
            )
        )
    assert (await find(app, store, review.public_id)).status == "published"


def imported(row: int, sku: str, rating: int = 4, day: date = date(2024, 3, 15)):
    return ImportedReview(row, sku, ReviewInput(rating, "Old", "From before.", "Pat"), day)


async def test_an_import_writes_every_row_with_its_log_entry_or_nothing(app, store, merchant):
    await fulfilled_line(app, store)  # the store sells MUG-1
    user, db = await owner_id(app), services(app).db
    good = [imported(2, "MUG-1", 5), imported(3, "MUG-1", 2)]

    def run(batch):
        return db.write(
            lambda conn: import_reviews(conn, store.id, store.timezone, batch, user, 1_000)
        )

    with pytest.raises(ImportRejected) as refused:
        await run([*good, imported(4, "NOPE")])
    assert [(p.row, p.column) for p in refused.value.problems] == [(4, "sku")]
    assert await rows(app, "reviews") == []

    summary = await run(good)
    assert (summary.imported, summary.skipped) == (2, 0)
    stored = await rows(app, "reviews")
    assert {(r["source"], r["order_id"], r["rating"]) for r in stored} == {
        ("imported", None, 5), ("imported", None, 2)
    }  # fmt: skip
    assert await log_actions(app) == [("import", None), ("import", None)]
    again = await run(good)  # the same file twice: imported once
    assert (again.imported, again.skipped) == (0, 2)
    assert len(await rows(app, "reviews")) == 2


async def test_an_imported_review_is_dated_its_day_in_the_stores_timezone(app, store, merchant):
    await fulfilled_line(app, store)
    user = await owner_id(app)
    await services(app).db.write(
        lambda conn: importing.import_reviews(
            conn, store.id, store.timezone, [imported(2, "MUG-1", day=date(2024, 12, 31))], user, 0
        )
    )
    (review,) = await rows(app, "reviews")
    assert local_date(review["created_at"], store.timezone) == date(2024, 12, 31)
