"""The public reviews API (server/routes/reviews.py): a product's published reviews with their
summary and "How reviews work here", star summaries, helpful votes and the JSON-LD. Hidden
reviews never appear; bad input is a 4xx JSON error."""

from __future__ import annotations

import pytest

from server.services import services
from tests.api.ordering import JULY_1_NOON_UTC
from tests.api.reviewing import client_at, fulfilled_line, hide, import_rows, publish
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio

ORIGIN = {"Origin": SHOP_ORIGIN}


def reviews_path(store, query: str = "sku=MUG-1") -> str:
    return f"/v1/stores/{store.public_key}/reviews?{query}"


async def seeded(app, store):
    """Three verified reviews of the mug (5, 4 and a 1 the shop hid) and one imported."""
    clock = services(app).clock
    clock.set(JULY_1_NOON_UTC)
    five = await publish(app, await fulfilled_line(app, store, 1001), 5, title="Lovely")
    clock.advance(86_400_000)
    one = await publish(app, await fulfilled_line(app, store, 1002), 1, title="Rude words")
    await hide(app, store, one.public_id, "abusive")
    clock.advance(86_400_000)
    four = await publish(app, await fulfilled_line(app, store, 1003), 4, title="Good")
    await import_rows(app, store, ("MUG-1", 3, "Imported fine"))
    return five, one, four


async def test_a_products_reviews_come_with_their_summary_and_labels(app, client, store, merchant):
    _, _, four = await seeded(app, store)
    answer = await client.get(reviews_path(store), headers=ORIGIN)
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == SHOP_ORIGIN
    body = answer.json()
    assert body["summary"] == {
        "count": 3, "average_tenths": 40, "average": "4.0",
        "distribution": {"5": 1, "4": 1, "3": 1, "2": 0, "1": 0},
    }  # fmt: skip
    assert [r["title"] for r in body["reviews"]] == ["Good", "Lovely", "Imported fine"]
    assert [r["label"] for r in body["reviews"]] == ["verified", "verified", "imported"]
    first = body["reviews"][0]
    assert first == {
        "id": four.public_id, "rating": 4, "title": "Good", "body": "Fine.", "name": "A B.",
        "date": "2025-07-03", "label": "verified", "helpful": 0, "reply": None,
    }  # fmt: skip
    assert body["reviews"][2]["date"] == "2024-03-15"
    assert (body["page"], body["pages"]) == (1, 1)
    how = " ".join(body["how"])
    assert "1 review of this product was imported from another platform" in how
    assert "The shop has hidden 1 review of this product: 1 for abuse." in how


async def test_a_hidden_review_never_appears_anywhere_public(app, client, store, merchant):
    _, hidden, _ = await seeded(app, store)
    key = store.public_key
    for path in (
        reviews_path(store),
        reviews_path(store, "sku=MUG-1&sort=helpful"),
        f"/v1/stores/{key}/products/MUG-1/reviews.jsonld",
    ):
        text = (await client.get(path)).text
        assert hidden.public_id not in text and "Rude words" not in text
    stars = (await client.get(f"/v1/stores/{key}/ratings?skus=MUG-1")).json()
    assert stars == {"MUG-1": {"count": 3, "average_tenths": 40, "average": "4.0"}}
    vote = await client.post(f"/v1/reviews/{hidden.public_id}/helpful",
                             json={"store": key, "visitor": "v_1"}, headers=ORIGIN)  # fmt: skip
    assert vote.status_code == 404 and vote.json()["error"]["code"] == "review_not_found"


async def test_a_reply_is_shown_with_its_date(app, client, store, merchant):
    from server.reviews.moderating import save_reply
    from tests.api.reviewing import member_id

    five, _, _ = await seeded(app, store)
    user = await member_id(app)
    await services(app).db.write(
        lambda conn: save_reply(conn, store.id, five.public_id, "Thank you!", user, JULY_1_NOON_UTC)
    )
    body = (await client.get(reviews_path(store))).json()
    (replied,) = [r for r in body["reviews"] if r["id"] == five.public_id]
    assert replied["reply"] == {"body": "Thank you!", "date": "2025-07-01"}


async def test_most_helpful_first_and_one_vote_per_visitor(app, client, store, merchant):
    five, _, four = await seeded(app, store)
    addresses = {"v_a": "198.51.100.1", "v_b": "198.51.100.2"}  # two shoppers, two homes

    async def vote(review, visitor):
        async with client_at(app, addresses[visitor]) as shopper:
            return await shopper.post(
                f"/v1/reviews/{review.public_id}/helpful",
                content=f'{{"store": "{store.public_key}", "visitor": "{visitor}"}}',
                headers={"Content-Type": "text/plain;charset=UTF-8", **ORIGIN},
            )

    first = await vote(five, "v_a")
    assert first.status_code == 200 and first.json() == {"helpful": 1, "counted": True}
    assert first.headers["access-control-allow-origin"] == SHOP_ORIGIN
    assert (await vote(five, "v_a")).json() == {"helpful": 1, "counted": False}
    assert (await vote(five, "v_b")).json() == {"helpful": 2, "counted": True}
    assert (await vote(four, "v_a")).json() == {"helpful": 1, "counted": True}
    helpful = (await client.get(reviews_path(store, "sku=MUG-1&sort=helpful"))).json()
    assert [r["title"] for r in helpful["reviews"]] == ["Lovely", "Good", "Imported fine"]
    assert [r["helpful"] for r in helpful["reviews"]] == [2, 1, 0]


async def test_pages_of_ten(app, client, store, merchant):
    await fulfilled_line(app, store)  # the store sells MUG-1
    await import_rows(app, store, *[("MUG-1", 1 + n % 5, f"Review {n}") for n in range(23)])
    first = (await client.get(reviews_path(store))).json()
    third = (await client.get(reviews_path(store, "sku=MUG-1&page=3"))).json()
    assert (len(first["reviews"]), first["pages"]) == (10, 3)
    assert (len(third["reviews"]), third["page"]) == (3, 3)
    beyond = (await client.get(reviews_path(store, "sku=MUG-1&page=4"))).json()
    assert beyond["reviews"] == [] and beyond["summary"]["count"] == 23


async def test_a_variants_reviews_are_its_products(app, client, shop, merchant):
    await import_rows(app, shop, ("FH-APR-S", 5, "Small fits"), ("FH-APR-M", 3, "Medium ok"),
                      ("FH-APR-01", 4, "By the group's code"))  # fmt: skip
    for sku in ("FH-APR-01", "FH-APR-L", "FH-APR-S"):
        body = (await client.get(reviews_path(shop, f"sku={sku}"))).json()
        assert body["summary"]["count"] == 3, sku
    other = (await client.get(reviews_path(shop, "sku=FH-MUG-01"))).json()
    nothing = {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0}
    assert other["summary"] == {
        "count": 0, "average_tenths": 0, "average": "0.0", "distribution": nothing
    }  # fmt: skip
    assert "None of this product's reviews was imported." in " ".join(other["how"])
    stars = (await client.get(f"/v1/stores/{shop.public_key}/ratings?skus=FH-APR-L,FH-MUG-01,"
                              "NOPE,FH-APR-01")).json()  # fmt: skip
    assert stars == {
        "FH-APR-L": {"count": 3, "average_tenths": 40, "average": "4.0"},
        "FH-MUG-01": {"count": 0, "average_tenths": 0, "average": "0.0"},
        "FH-APR-01": {"count": 3, "average_tenths": 40, "average": "4.0"},
    }
    assert list(stars) == ["FH-APR-L", "FH-MUG-01", "FH-APR-01"]  # in the order asked


async def test_answers_are_cacheable_by_etag_and_cors_only_for_the_stores_origins(
    app, client, store, merchant
):
    await seeded(app, store)
    for path in (reviews_path(store), f"/v1/stores/{store.public_key}/ratings?skus=MUG-1",
                 f"/v1/stores/{store.public_key}/products/MUG-1/reviews.jsonld"):  # fmt: skip
        first = await client.get(path, headers={"Origin": "https://evil.test"})
        assert first.status_code == 200
        assert "access-control-allow-origin" not in first.headers
        assert first.headers["cache-control"] == "public, max-age=60, must-revalidate"
        again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


async def test_json_ld_describes_the_product_and_its_published_reviews(
    app, client, store, merchant
):
    await seeded(app, store)
    answer = await client.get(f"/v1/stores/{store.public_key}/products/MUG-1/reviews.jsonld")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/ld+json"
    ld = answer.json()
    assert (ld["@context"], ld["@type"], ld["name"], ld["sku"]) == (
        "https://schema.org", "Product", "Mug", "MUG-1"
    )  # fmt: skip
    assert ld["aggregateRating"]["ratingValue"] == "4.0"
    assert ld["aggregateRating"]["reviewCount"] == 3
    assert [r["name"] for r in ld["review"]] == ["Good", "Lovely", "Imported fine"]
    assert ld["review"][0]["reviewRating"]["ratingValue"] == "4"
    assert ld["review"][0]["author"] == {"@type": "Person", "name": "A B."}
    missing = await client.get(f"/v1/stores/{store.public_key}/products/NOPE/reviews.jsonld")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "unknown_product"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("", 400, "sku"),
        ("sku=", 400, "sku"),
        ("sku=" + "x" * 65, 400, "sku"),
        ("sku=NOPE", 404, None),
        ("sku=MUG-1&sort=rating", 400, "sort"),
        ("sku=MUG-1&page=0", 400, "page"),
        ("sku=MUG-1&page=x", 400, "page"),
        ("sku=MUG-1&page=99999999999", 400, "page"),
    ],
)
async def test_bad_list_requests_are_4xx_json(app, client, store, query, status, field):
    await fulfilled_line(app, store)  # the store sells MUG-1
    answer = await client.get(reviews_path(store, query))
    assert answer.status_code == status
    assert answer.json()["error"]["field"] == field


async def test_bad_ratings_requests_are_4xx_json(app, client, store):
    key = store.public_key
    for query in ("", "skus=", "skus=" + ",".join(f"s{n}" for n in range(51))):
        answer = await client.get(f"/v1/stores/{key}/ratings?{query}")
        assert answer.status_code == 400 and answer.json()["error"]["field"] == "skus"
    unknown = await client.get("/v1/stores/pk_nope/ratings?skus=a")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_store"


async def test_bad_votes_are_4xx_and_write_nothing(app, client, store, merchant):
    five, _, _ = await seeded(app, store)
    path = f"/v1/reviews/{five.public_id}/helpful"
    key = store.public_key
    cases = [
        (b"not json", {}, 400),
        (b"[1]", {}, 400),
        (b'{"store": "pk_nope", "visitor": "v_1"}', {}, 404),
        (b'{"store": 5, "visitor": "v_1"}', {}, 404),
        (f'{{"store": "{key}"}}'.encode(), ORIGIN, 400),
        (f'{{"store": "{key}", "visitor": "bad visitor!"}}'.encode(), ORIGIN, 400),
        (f'{{"store": "{key}", "visitor": "v_1"}}'.encode(), {"Origin": "https://evil.test"}, 403),
        (f'{{"store": "{key}", "visitor": "v_1"}}'.encode(), {}, 403),
        (b"{" + b'"a": 1,' * 400 + b"}", {}, 413),
    ]
    for content, headers, status in cases:
        answer = await client.post(path, content=content, headers=headers)
        assert answer.status_code == status, (content[:40], answer.text)
        assert "error" in answer.json()
    other = await client.post(
        "/v1/reviews/rev_nope/helpful", json={"store": key, "visitor": "v"}, headers=ORIGIN
    )
    assert other.status_code == 404
    assert await services(app).db.fetch_value("SELECT count(*) FROM review_votes") == 0


async def test_another_stores_review_cannot_be_voted_from_this_store(app, client, store, merchant):
    from server.accounts import create_store
    from server.clock import now_ms
    from server.stores.service import validate_new_store

    five, _, _ = await seeded(app, store)
    new = validate_new_store("Other", ["http://other.test"], "EUR", "en-IE", "Europe/Dublin")
    other = await create_store(services(app).db, new, now=now_ms())
    answer = await client.post(f"/v1/reviews/{five.public_id}/helpful",
                               json={"store": other.public_key, "visitor": "v_1"},
                               headers={"Origin": "http://other.test"})  # fmt: skip
    assert answer.status_code == 404
    listed = await client.get(reviews_path(other))
    assert listed.status_code == 404  # the other store sells no MUG-1


async def test_json_ld_is_safe_to_paste_inside_a_script_element(app, client, store):
    """A merchant pastes it into <script type="application/ld+json">: a buyer's words must not
    be able to close that element and run script on the merchant's page."""
    line = await fulfilled_line(app, store)
    hostile = "</script><script>alert(document.cookie)</script> & \u2028"
    await publish(app, line, body=hostile, name="x</SCRIPT>", title="<b>")
    answer = await client.get(f"/v1/stores/{store.public_key}/products/MUG-1/reviews.jsonld")
    assert answer.status_code == 200
    for raw in (b"<", b">", b"&", "\u2028".encode()):
        assert raw not in answer.content
    review = answer.json()["review"][0]  # the same words, once parsed as JSON
    assert (review["reviewBody"], review["author"]["name"]) == (hostile, "x</SCRIPT>")
