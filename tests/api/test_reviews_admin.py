"""The admin's reviews (server/admin/reviews): the list with its filters, hiding only for a
reason from the fixed list, showing again, public replies, the moderation log (per review
and store-wide), and the CSV import, all or nothing."""

from __future__ import annotations

import re

import pytest

from server.accounts import add_member, create_user
from server.clock import now_ms
from server.services import services
from tests.api.admin_client import MEMBER_PASSWORD, client_for, csrf_from, sign_in
from tests.api.reviewing import (
    find,
    fulfilled_line,
    import_rows,
    log_actions,
    publish,
    rows,
    visible_text,
)

pytestmark = pytest.mark.anyio


def reviews_url(store, suffix: str = "") -> str:
    return f"/admin/stores/{store.id}/reviews{suffix}"


async def signed_in(client, store) -> str:
    await sign_in(client)
    return csrf_from((await client.get(reviews_url(store))).text)


async def three_reviews(app, store):
    five = await publish(app, await fulfilled_line(app, store, 1001), 5, title="Lovely")
    one = await publish(app, await fulfilled_line(app, store, 1002), 1, title="Awful")
    await import_rows(app, store, ("MUG-1", 3, "From the old shop"))
    return five, one


async def test_the_list_shows_every_review_with_its_source_and_the_rules(
    app, client, merchant, store
):
    _, one = await three_reviews(app, store)
    await signed_in(client, store)
    page = await client.get(reviews_url(store))
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Reviews" in text and "3 reviews, newest first." in text
    assert "5 out of 5 · Lovely" in text and "1 out of 5 · Awful" in text
    assert text.count("Verified buyer") >= 2 and "Imported" in text
    assert "No incentive may depend on sentiment" in text
    assert "Every review is published at once, whatever its rating" in text
    assert f'href="/admin/stores/{store.id}/reviews" aria-current="page">Reviews' in page.text
    # Its forms and links lead to the reviews' pages (the store nav's own `base` is another).
    base = reviews_url(store)
    for path in (f"{base}/log", f"{base}/import", f"{base}/{one.public_id}"):
        assert f'href="{path}"' in page.text, path
    assert f'action="{base}/{one.public_id}/hide"' in page.text
    # The hide form offers the fixed reasons and nothing else.
    selects = re.findall(r'name="reason">(.*?)</select>', page.text, re.DOTALL)
    assert len(selects) == 3
    for select in selects:
        options = re.findall(r'<option value="([a-z_]*)">', select)
        assert options == ["", "personal_data", "abusive", "off_topic", "different_product"]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("?rating=1", ["Awful"]),
        ("?source=imported", ["From the old shop"]),
        ("?source=order&rating=5", ["Lovely"]),
        ("?status=hidden", []),
        ("?sku=MUG-1", ["Awful", "Lovely", "From the old shop"]),
        ("?sku=NOPE", []),
        ("?rating=9&source=x&status=y", ["Awful", "Lovely", "From the old shop"]),
    ],
)
async def test_the_list_filters(app, client, merchant, store, query, titles):
    await three_reviews(app, store)
    await signed_in(client, store)
    page = await client.get(reviews_url(store, query))
    assert page.status_code == 200
    shown = re.findall(r'class="rating-words">\d out of 5</span> · ([^<]+)</h2>', page.text)
    assert sorted(shown) == sorted(titles)


async def test_hiding_from_the_list_takes_a_fixed_reason_and_logs_who(app, client, merchant, store):
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    back = reviews_url(store, "?rating=1")
    answer = await client.post(
        reviews_url(store, f"/{one.public_id}/hide"),
        data={"csrf_token": csrf, "reason": "abusive", "return_to": back},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{back}&saved=hidden#review-{one.public_id}"
    hidden = await find(app, store, one.public_id)
    assert (hidden.status, hidden.hidden_reason) == ("hidden", "abusive")
    entry = (await rows(app, "review_moderation"))[-1]
    assert (entry["action"], entry["reason"]) == ("hide", "abusive")
    assert entry["user_id"] == await services(app).db.fetch_value("SELECT id FROM users")
    listed = visible_text((await client.get(answer.headers["location"])).text)
    assert "The review is hidden, and the decision is in its log." in listed
    assert "Hidden: It is abusive, hateful or obscene" in listed and "Show again" in listed


@pytest.mark.parametrize("reason", ["", "negative", "low_rating", "ABUSIVE", "abusive "])
async def test_no_other_reason_hides_a_review(app, client, merchant, store, reason):
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    answer = await client.post(
        reviews_url(store, f"/{one.public_id}/hide"), data={"csrf_token": csrf, "reason": reason}
    )
    assert answer.status_code == 422
    assert "Choose one of the reasons listed." in answer.text
    assert 'id="f-reason" name="reason" aria-invalid="true"' in answer.text
    assert (await find(app, store, one.public_id)).status == "published"
    assert [a for a, _ in await log_actions(app)].count("hide") == 0


async def test_a_complaint_about_the_shop_is_no_reason_to_hide(app, client, merchant, store):
    """16 CFR 465.7 lets a shop leave out only reviews wholly unrelated to what it sells: the
    reason is "about a different product or service", and the form says a complaint about the
    shop, its delivery or its service is answered with a reply, never hidden."""
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    page = visible_text((await client.get(reviews_url(store, f"/{one.public_id}"))).text)
    assert "It is about a different product or service" in page
    assert "about the shop or the delivery" not in page
    assert (
        "A complaint about the shop, its delivery or its service is not a reason to hide a"
        " review: reply to it instead." in page
    )
    old = await client.post(
        reviews_url(store, f"/{one.public_id}/hide"),
        data={"csrf_token": csrf, "reason": "not_about_product"},
    )
    assert old.status_code == 422 and "Choose one of the reasons listed." in old.text
    assert (await find(app, store, one.public_id)).status == "published"
    answer = await client.post(
        reviews_url(store, f"/{one.public_id}/hide"),
        data={"csrf_token": csrf, "reason": "different_product"},
    )
    assert answer.status_code == 303
    assert (await find(app, store, one.public_id)).hidden_reason == "different_product"
    log = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert "It is about a different product or service" in log


async def test_a_review_hidden_for_the_retired_reason_still_reads_and_can_be_reconsidered(
    app, client, merchant, store
):
    """Reviews hidden before the reason was narrowed keep their stored key; it reads as what
    it was, says it is no longer offered, and the review can be shown again or hidden for a
    reason now listed."""
    _, one = await three_reviews(app, store)
    review_id = (await find(app, store, one.public_id)).id

    async def hide_the_old_way(conn):
        await conn.execute(
            "UPDATE reviews SET status = 'hidden', hidden_reason = 'not_about_product'"
            " WHERE id = ?",
            (review_id,),
        )
        await conn.execute(
            "INSERT INTO review_moderation (review_id, store_id, action, reason, created_at)"
            " VALUES (?, ?, 'hide', 'not_about_product', 0)",
            (review_id, store.id),
        )

    await services(app).db.write(hide_the_old_way)
    csrf = await signed_in(client, store)
    page = await client.get(reviews_url(store, f"/{one.public_id}"))
    text = visible_text(page.text)
    assert "It was about the shop or the delivery (a reason no longer offered)" in text
    assert f'action="{reviews_url(store)}/{one.public_id}/unhide"' in page.text
    assert f'action="{reviews_url(store)}/{one.public_id}/hide"' in page.text
    log = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert "It was about the shop or the delivery (a reason no longer offered)" in log
    answer = await client.post(
        reviews_url(store, f"/{one.public_id}/hide"),
        data={"csrf_token": csrf, "reason": "abusive"},
    )
    assert answer.status_code == 303
    assert (await find(app, store, one.public_id)).hidden_reason == "abusive"


async def test_a_moderation_post_needs_its_csrf_token(app, client, merchant, store):
    _, one = await three_reviews(app, store)
    await signed_in(client, store)
    for action, data in (("hide", {"reason": "abusive"}), ("reply", {"reply": "Hi"})):
        answer = await client.post(reviews_url(store, f"/{one.public_id}/{action}"), data=data)
        assert answer.status_code == 403
    after = await find(app, store, one.public_id)
    assert (after.status, after.reply) == ("published", None)


async def test_show_again_reply_edit_and_remove_are_each_logged(app, client, merchant, store):
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    page = reviews_url(store, f"/{one.public_id}")

    async def post(action, **data):
        answer = await client.post(f"{page}/{action}", data={"csrf_token": csrf, **data})
        assert answer.status_code == 303, answer.text
        return answer.headers["location"]

    await post("hide", reason="personal_data")
    await post("unhide")
    replied = await post("reply", reply=" Sorry: a new one is on its way. ")
    assert replied.startswith(f"{page}?saved=replied#review-")
    shown = visible_text((await client.get(replied)).text)
    assert "Your reply is published under the review." in shown
    assert "Sorry: a new one is on its way." in shown and "Remove reply" in shown
    await post("reply", reply="Sorry: sent today.")
    await post("reply/remove")
    review = await find(app, store, one.public_id)
    assert (review.status, review.reply) == ("published", None)
    assert await log_actions(app) == [
        ("publish", None), ("publish", None), ("import", None), ("hide", "personal_data"),
        ("unhide", None), ("reply", None), ("reply", None), ("remove_reply", None),
    ]  # fmt: skip
    log = visible_text((await client.get(page)).text)
    for words in ("Hidden It contains personal data owner@shop.test", "Shown again",
                  "Replied Sorry: sent today.", "Reply removed",
                  "Published (from an order, automatically)"):  # fmt: skip
        assert words in log, words


@pytest.mark.parametrize("reply", ["", "   ", "x" * 2001])
async def test_a_bad_reply_comes_back_with_its_error(app, client, merchant, store, reply):
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    answer = await client.post(reviews_url(store, f"/{one.public_id}/reply"),
                               data={"csrf_token": csrf, "reply": reply})  # fmt: skip
    assert answer.status_code == 422
    assert 'id="f-reply" name="reply"' in answer.text and 'id="f-reply-error"' in answer.text
    assert (await find(app, store, one.public_id)).reply is None


@pytest.mark.parametrize(
    "return_to",
    ["https://evil.test/admin", "//evil.test", "/admin/stores/999/reviews", "/admin/account",
     "/admin/stores/{id}/reviews/rev_other", "/admin/stores/{id}/reviews#x"],
)  # fmt: skip
async def test_a_change_goes_back_only_to_this_stores_reviews(
    app, client, merchant, store, return_to
):
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    answer = await client.post(
        reviews_url(store, f"/{one.public_id}/unhide"),
        data={"csrf_token": csrf, "return_to": return_to.format(id=store.id)},
    )
    assert answer.headers["location"] == reviews_url(
        store, f"/{one.public_id}?saved=shown#review-{one.public_id}"
    )


async def test_the_store_wide_log_lists_every_decision(app, client, merchant, store):
    _, one = await three_reviews(app, store)
    csrf = await signed_in(client, store)
    await client.post(reviews_url(store, f"/{one.public_id}/hide"),
                      data={"csrf_token": csrf, "reason": "off_topic"})  # fmt: skip
    text = visible_text((await client.get(reviews_url(store, "/log"))).text)
    assert "4 decisions, newest first" in text
    assert f"{one.public_id} Hidden It is off topic" in text
    assert text.count("Published (from an order, automatically)") == 2 and "Imported" in text


async def test_another_stores_review_is_not_found(app, client, merchant, store):
    _, one = await three_reviews(app, store)
    await signed_in(client, store)
    assert (await client.get(reviews_url(store, "/rev_nope"))).status_code == 404
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE reviews SET public_id = 'rev_x' WHERE id = ?", (one.id,))
    )
    assert (await client.get(reviews_url(store, f"/{one.public_id}"))).status_code == 404


async def test_staff_moderate_too(app, merchant, store):
    _, one = await three_reviews(app, store)
    await create_user(services(app).db, "staff@shop.test", MEMBER_PASSWORD, now=now_ms())
    await add_member(services(app).db, store.id, "staff@shop.test", "staff", now=now_ms())
    async with client_for(app, "staff@shop.test") as staff:
        page = await staff.get(reviews_url(store))
        assert page.status_code == 200
        answer = await staff.post(
            reviews_url(store, f"/{one.public_id}/hide"),
            data={"csrf_token": csrf_from(page.text), "reason": "abusive"},
        )
        assert answer.status_code == 303
    entry = (await rows(app, "review_moderation"))[-1]
    staff_id = await services(app).db.fetch_value(
        "SELECT id FROM users WHERE email = 'staff@shop.test'"
    )
    assert entry["user_id"] == staff_id


# ---- the CSV import ------------------------------------------------------------------------


async def upload(client, store, csrf, content: bytes, name: str = "reviews.csv"):
    return await client.post(
        reviews_url(store, "/import"),
        data={"csrf_token": csrf, "platform": "Etsy"},
        files={"file": (name, content, "text/csv")},
    )


async def test_a_good_file_is_imported_labelled_imported(app, client, merchant, store):
    await fulfilled_line(app, store)  # the store sells MUG-1
    csrf = await signed_in(client, store)
    assert "Import reviews" in (await client.get(reviews_url(store, "/import"))).text
    content = (
        b"sku,rating,title,body,name,date\n"
        b'MUG-1,5,Great,"Warm, heavy",Pat,2024-03-15\n'
        b"MUG-1,2,Chipped,,Sam,2023-11-02\n"
    )
    answer = await upload(client, store, csrf, content)
    assert answer.status_code == 303
    assert answer.headers["location"] == reviews_url(
        store, "?source=imported&saved=imported&imported=2&skipped=0"
    )
    listed = visible_text((await client.get(answer.headers["location"])).text)
    assert "Reviews imported. 2 imported." in listed and "2 reviews matching the filter" in listed
    stored = await rows(app, "reviews")
    assert {(r["source"], r["rating"], r["title"]) for r in stored} == {
        ("imported", 5, "Great"), ("imported", 2, "Chipped")
    }  # fmt: skip
    again = await upload(client, store, csrf, content)
    assert again.headers["location"].endswith("imported=0&skipped=2")
    assert len(await rows(app, "reviews")) == 2


async def test_a_crafted_link_puts_no_words_into_the_import_notice(client, merchant, store):
    await signed_in(client, store)
    crafted = "?saved=imported&imported=ALL+YOUR+REVIEWS+WERE+DELETED.+Call+%2B1+555&skipped=x"
    listed = visible_text((await client.get(reviews_url(store, crafted))).text)
    assert "Reviews imported." in listed
    assert "DELETED" not in listed and "555" not in listed


async def test_a_bad_file_imports_nothing_and_says_where(app, client, merchant, store):
    await fulfilled_line(app, store)
    csrf = await signed_in(client, store)
    content = (
        b"sku,rating,title,body,name,date\n"
        b"MUG-1,5,Fine,,Pat,2024-03-15\n"
        b"MUG-1,6,Too many stars,,Pat,2024-03-15\n"
        b"NOPE,4,Unknown,,Pat,2024-03-15\n"
        b"MUG-1,4,,,,15/03/2024\n"
    )
    answer = await upload(client, store, csrf, content)
    assert answer.status_code == 422
    problems = re.findall(
        r'<tr><td class="num">(\d+)</td><td>(?:<code>(\w+)</code>|<span[^>]*>—</span>)</td>',
        answer.text,
    )
    assert problems == [("3", "rating"), ("5", "name"), ("5", "date")]
    assert "Nothing was imported" in answer.text
    assert await rows(app, "reviews") == []
    # With every row readable, an unknown SKU is the problem reported.
    unknown = await upload(client, store, csrf, b"sku,rating,name,date\nNOPE,4,Pat,2024-01-01\n")
    assert unknown.status_code == 422 and "no product with the SKU NOPE" in unknown.text
    assert await rows(app, "reviews") == []


async def test_an_import_needs_a_file_within_the_cap(app, client, merchant, store):
    csrf = await signed_in(client, store)
    none = await client.post(reviews_url(store, "/import"), data={"csrf_token": csrf},
                             files={"file": ("", b"", "text/csv")})  # fmt: skip
    assert none.status_code == 422 and "Choose a CSV file to import." in none.text
    big = await upload(client, store, csrf, b"x" * (5 * 1024 * 1024 + 1))
    assert big.status_code == 422 and "larger than 5 MB" in big.text
    forged = await client.post(reviews_url(store, "/import"), data={"csrf_token": "x"},
                               files={"file": ("r.csv", b"sku", "text/csv")})  # fmt: skip
    assert forged.status_code == 403
