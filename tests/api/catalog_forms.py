"""The catalog admin's forms, filled in as a merchant would: a product form and a CSV upload."""

from __future__ import annotations

from tests.api.admin_client import csrf_from, sign_in


def products_url(store, suffix=""):
    return f"/admin/stores/{store.id}/products{suffix}"


def a_product_form(csrf, **changes):
    form = {
        "csrf_token": csrf, "sku": "MUG-BLUE", "product_group": "MUG", "name": "Mug",
        "variant": "Blue", "description": "Stoneware.", "price": "18.00",
        "compare_at_price": "", "image_url": "", "weight_grams": "350", "stock": "12",
        "track_stock": "true",
    }  # fmt: skip
    return form | changes


async def signed_in_csrf(client, store, suffix="/new"):
    await sign_in(client)
    page = await client.get(products_url(store, suffix))
    assert page.status_code == 200
    return csrf_from(page.text)


async def upload(client, store, csrf, text, filename="products.csv"):
    files = {"file": (filename, text.encode(), "text/csv")}
    return await client.post(products_url(store, "/import"), data={"csrf_token": csrf}, files=files)
