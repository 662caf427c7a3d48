""" "How reviews work here" says what is true of this store: "Reviews come from orders" alone
only while it has no imported reviews, and otherwise where the imported ones come from (the
platform the merchant names when importing); nothing Keepcart cannot know (a reward) or that
is no longer so (a link "for a year": the link comes with the order)."""

from __future__ import annotations

import pytest

from tests.api.admin_client import csrf_from, sign_in
from tests.api.reviewing import fulfilled_line, publish, rows, visible_text

pytestmark = pytest.mark.anyio


async def how(client, store, sku: str = "MUG-1") -> str:
    answer = await client.get(f"/v1/stores/{store.public_key}/reviews?sku={sku}")
    assert answer.status_code == 200, answer.text
    return " ".join(answer.json()["how"])


async def import_file(client, store, platform: str, sku: str = "MUG-1"):
    await sign_in(client)
    csrf = csrf_from((await client.get(f"/admin/stores/{store.id}/reviews/import")).text)
    content = f"sku,rating,title,body,name,date\n{sku},5,Old,Words.,Pat,2024-03-15\n".encode()
    return await client.post(
        f"/admin/stores/{store.id}/reviews/import",
        data={"csrf_token": csrf, "platform": platform},
        files={"file": ("old.csv", content, "text/csv")},
    )


async def test_a_store_without_imports_says_its_reviews_come_from_orders(app, client, store):
    await publish(app, await fulfilled_line(app, store))
    text = await how(client, store)
    assert text.startswith("Reviews come from orders: each buyer gets a link with their order")
    assert "imported" not in text.split(".")[0]
    assert "a year" not in text and "reward" not in text
    assert "Keepcart publishes every review by the same rules whatever its rating" in text


async def test_a_store_with_imports_says_where_they_come_from(app, client, merchant, shop):
    answer = await import_file(client, shop, "Etsy", "FH-MUG-01")
    assert answer.status_code == 303, visible_text(answer.text)[-400:]
    mug = await how(client, shop, "FH-MUG-01")
    assert mug.startswith("Reviews come from orders")
    assert "some were imported from Etsy and are labelled “Imported”" in mug
    assert "1 review of this product was imported from Etsy" in mug
    # Another product of the same store: its own reviews are not imported, but the store's are.
    kettle = await how(client, shop, "FH-KTL-01")
    assert "some were imported from Etsy" in kettle
    assert "None of this product's reviews was imported." in kettle
    listed = visible_text((await client.get(f"/admin/stores/{shop.id}/reviews")).text)
    assert "old.csv Etsy" in listed


async def test_an_import_names_its_platform(app, client, merchant, store):
    await fulfilled_line(app, store)
    for platform in ("", "  ", "x" * 61, "Etsy\u202e"):
        answer = await import_file(client, store, platform)
        assert answer.status_code == 422, platform
        assert 'id="f-platform-error"' in answer.text
    assert await rows(app, "reviews") == []


async def test_verified_buyer_is_explained_by_the_link_not_by_who_wrote(app, client, store):
    """The link proves an order of the product, not that its buyer wrote the review (a
    member shown the link could have): the explanation claims only the first."""
    await publish(app, await fulfilled_line(app, store))
    text = await how(client, store)
    assert (
        "A review labelled “Verified buyer” was written through the review link of an order of"
        " this product." in text
    )
    assert "someone who ordered" not in text
