"""The catalog admin: product forms, archiving, and CSV export and import."""

import csv
import io
import re

import pytest

from server.catalog import csv_io
from server.catalog.csv_io import product_cells
from server.catalog.queries import list_products, upsert_product
from server.catalog.service import ProductInput
from server.services import services
from tests.api.admin_client import csrf_from, sign_in
from tests.api.catalog_forms import a_product_form, products_url, signed_in_csrf, upload

pytestmark = pytest.mark.anyio


async def create(client, store, csrf, **changes):
    response = await client.post(products_url(store), data=a_product_form(csrf, **changes))
    assert response.status_code == 303, response.text
    return response


async def products_in(app, store):
    return {p.sku: p for p in await list_products(services(app).db, store.id)}


async def test_catalog_pages_need_a_login(client, merchant, store):
    for suffix in ("", "/new", "/import", ".csv"):
        response = await client.get(products_url(store, suffix))
        assert response.status_code == 303
        assert response.headers["location"].startswith("/admin/login?next=")


async def test_creating_a_product_stores_the_exact_price(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    response = await create(client, store, csrf, price="0.29", compare_at_price="1.10")
    edit = await client.get(response.headers["location"])
    assert "Saved." in edit.text
    assert 'value="0.29"' in edit.text
    mug = (await products_in(app, store))["MUG-BLUE"]
    assert (mug.price, mug.compare_at_price, mug.stock, mug.track_stock) == (29, 110, 12, True)
    assert mug.active and not mug.allow_oversell

    listing = await client.get(products_url(store))
    assert "€0.29" in listing.text and "€1.10" in listing.text
    assert '<th scope="rowgroup" colspan="8">MUG' in listing.text


async def test_a_price_with_too_many_decimals_is_refused(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    response = await client.post(
        products_url(store), data=a_product_form(csrf, price="24.001", name="<b>Mug</b>")
    )
    assert response.status_code == 422
    assert "EUR amounts have at most 2 decimal places." in response.text
    assert 'aria-invalid="true" aria-describedby="f-price-hint f-price-error"' in response.text
    assert 'value="24.001"' in response.text
    assert "&lt;b&gt;Mug&lt;/b&gt;" in response.text and "<b>Mug</b>" not in response.text
    assert await products_in(app, store) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sku": "has spaces"}, "sku", "letters, digits"),
        ({"name": "  "}, "name", "Give the product a name"),
        ({"compare_at_price": "17.00"}, "compare_at_price", "must be higher than the price"),
        ({"stock": "-1"}, "stock", "Stock cannot be negative"),
        ({"weight_grams": "1.5"}, "weight_grams", "whole number"),
        ({"image_url": "javascript:alert(1)"}, "image_url", "http(s) URL"),
    ],
)
async def test_invalid_fields_come_back_tied_to_their_input(
    app, client, merchant, store, changes, field, message
):
    csrf = await signed_in_csrf(client, store)
    response = await client.post(products_url(store), data=a_product_form(csrf, **changes))
    assert response.status_code == 422
    assert f'id="f-{field}-error"' in response.text
    assert message in response.text
    assert f'href="#f-{field}"' in response.text  # the summary at the top links to the field
    assert await products_in(app, store) == {}


async def test_a_second_product_cannot_take_an_existing_sku(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    await create(client, store, csrf)
    response = await client.post(products_url(store), data=a_product_form(csrf, name="Other"))
    assert response.status_code == 422
    assert "Another product already has this SKU." in response.text
    assert (await products_in(app, store))["MUG-BLUE"].name == "Mug"


async def test_editing_changes_the_product_and_keeps_its_id(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    created = await create(client, store, csrf)
    edit_url = created.headers["location"].split("?")[0]
    form = a_product_form(csrf, sku="MUG-NAVY", variant="Navy", price="19.5", track_stock="")
    response = await client.post(edit_url, data=form)
    assert response.status_code == 303
    products = await products_in(app, store)
    assert list(products) == ["MUG-NAVY"]
    navy = products["MUG-NAVY"]
    assert (navy.price, navy.variant, navy.track_stock) == (1950, "Navy", False)
    assert edit_url.endswith(f"/products/{navy.id}")
    assert "not tracked" in (await client.get(products_url(store))).text


async def test_editing_into_another_products_sku_is_refused(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    await create(client, store, csrf)
    second = await create(client, store, csrf, sku="MUG-RED", variant="Red")
    response = await client.post(
        second.headers["location"].split("?")[0], data=a_product_form(csrf, variant="Red")
    )
    assert response.status_code == 422
    assert "Another product already has this SKU." in response.text
    assert (await products_in(app, store))["MUG-BLUE"].variant == "Blue"


async def test_unknown_products_are_not_found(client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    assert (await client.get(products_url(store, "/999"))).status_code == 404
    assert (await client.get(products_url(store, "/" + "9" * 25))).status_code == 404
    response = await client.post(products_url(store, "/999/archive"), data={"csrf_token": csrf})
    assert response.status_code == 404


async def test_forms_without_a_csrf_token_are_refused(app, client, merchant, store):
    await signed_in_csrf(client, store)
    response = await client.post(products_url(store), data=a_product_form("forged"))
    assert response.status_code == 403
    assert await products_in(app, store) == {}


async def test_archiving_hides_a_product_from_the_active_list(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    created = await create(client, store, csrf)
    product_id = created.headers["location"].split("/")[-1].split("?")[0]
    response = await client.post(
        products_url(store, f"/{product_id}/archive"),
        data={"csrf_token": csrf, "show": "active"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == products_url(store, "?show=active")
    assert not (await products_in(app, store))["MUG-BLUE"].active

    active = await client.get(products_url(store))
    assert "MUG-BLUE" not in active.text
    archived = await client.get(products_url(store, "?show=archived"))
    assert "MUG-BLUE" in archived.text and ">Archived</span>" in archived.text
    assert "Restore" in archived.text

    await client.post(products_url(store, f"/{product_id}/unarchive"), data={"csrf_token": csrf})
    assert (await products_in(app, store))["MUG-BLUE"].active


async def test_merchant_text_is_escaped_in_the_list(client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    await create(client, store, csrf, name="<img src=x onerror=alert(1)>", product_group="<g>")
    listing = await client.get(products_url(store))
    assert "<img src=x" not in listing.text and "<g>" not in listing.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in listing.text


# --- CSV --------------------------------------------------------------------------------------


async def test_export_is_a_formula_safe_attachment(client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    await create(client, store, csrf, name='=HYPERLINK("http://evil.test","x")')
    response = await client.get(products_url(store, ".csv"))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.test","x")'
    assert (rows[0]["price"], rows[0]["stock"], rows[0]["track_stock"]) == ("18.00", "12", "true")


async def test_export_imports_back_unchanged(app, client, merchant, shop):
    csrf = await signed_in_csrf(client, shop)
    await create(client, shop, csrf, sku="ODD-1", name="-1+1", description="@home\n=1", stock="-2",
                 allow_oversell="true", compare_at_price="99.99")  # fmt: skip
    before = {sku: product_cells(p, "EUR") for sku, p in (await products_in(app, shop)).items()}
    exported = (await client.get(products_url(shop, ".csv"))).content.decode("utf-8-sig")

    response = await upload(client, shop, csrf, exported)
    assert response.status_code == 303
    summary = await client.get(response.headers["location"])
    count = len(before)
    assert f"Imported {count} products (0 new, {count} updated)." in summary.text
    after = {sku: product_cells(p, "EUR") for sku, p in (await products_in(app, shop)).items()}
    assert after == before


async def test_import_adds_new_products_and_updates_existing(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store)
    await create(client, store, csrf)
    text = "sku,name,price,variant\nMUG-BLUE,Mug,20.00,Blue\nMUG-RED,Mug,0.10,Red\n"
    response = await upload(client, store, csrf, text)
    assert response.status_code == 303
    summary = await client.get(response.headers["location"])
    assert "Imported 2 products (1 new, 1 updated)." in summary.text
    products = await products_in(app, store)
    assert (products["MUG-BLUE"].price, products["MUG-BLUE"].stock) == (2000, 12)
    assert products["MUG-RED"].price == 10


async def test_a_bad_row_imports_nothing_and_is_reported(app, client, merchant, store):
    csrf = await signed_in_csrf(client, store, "/import")
    text = (
        "sku,name,price,stock\n"
        "GOOD-1,Fine,1.00,1\n"
        "GOOD-2,<i>Also fine</i>,2.00,2\n"
        "BAD-3,Broken,24.001,3\n"
    )
    response = await upload(client, store, csrf, text)
    assert response.status_code == 422
    assert "nothing was imported" in response.text
    assert '<td class="num">4</td><td><code>price</code></td>' in response.text
    assert "EUR amounts have at most 2 decimal places." in response.text
    assert await products_in(app, store) == {}


async def test_an_import_failing_half_way_writes_nothing(app, client, merchant, store, monkeypatch):
    written = []

    async def upsert_then_fail(conn, store_id, product, now_ms):
        written.append(product.sku)
        if len(written) == 2:
            raise RuntimeError("disk full")
        return await upsert_product(conn, store_id, product, now_ms)

    monkeypatch.setattr(csv_io, "upsert_product", upsert_then_fail)
    csrf = await signed_in_csrf(client, store, "/import")
    with pytest.raises(RuntimeError, match="disk full"):
        await upload(client, store, csrf, "sku,name,price\nA-1,First,1.00\nB-1,Second,2.00\n")
    assert written == ["A-1", "B-1"]
    assert await products_in(app, store) == {}


async def test_import_needs_a_file(client, merchant, store):
    csrf = await signed_in_csrf(client, store, "/import")
    response = await client.post(products_url(store, "/import"), data={"csrf_token": csrf})
    assert response.status_code == 422
    assert "Choose a CSV file to import." in response.text
    assert 'aria-invalid="true"' in response.text


async def test_import_reports_an_unknown_column(client, merchant, store):
    csrf = await signed_in_csrf(client, store, "/import")
    response = await upload(client, store, csrf, "sku,name,price,prce\nA,B,1.00,2\n")
    assert response.status_code == 422
    assert '<td class="num">1</td><td><code>prce</code></td>' in response.text


# ---- search, pages and thumbnails ---------------------------------------------------------


def listed_skus(html: str) -> list[str]:
    return re.findall(r'<td data-label="SKU"><code>([^<]+)</code>', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=apron", ["FH-APR-L", "FH-APR-M", "FH-APR-S"]),
        ("?q=fh-cof-f", ["FH-COF-FLT"]),  # part of a SKU, any case
        ("?q=whole+bean", ["FH-COF-WB"]),  # a variant
        ("?q=%25", []),  # a literal %, not a wildcard
        ("?q=_", []),  # a literal _, not any one character
        ("?q=nothing+like+it", []),
    ],
)
async def test_the_list_searches_names_skus_and_variants(client, merchant, shop, query, expected):
    await sign_in(client)
    page = await client.get(products_url(shop, query))
    assert page.status_code == 200
    assert sorted(listed_skus(page.text)) == expected
    if not expected:
        assert "No active products match" in page.text


async def test_a_search_counts_and_filters_its_matches(app, client, merchant, shop):
    await sign_in(client)
    csrf = csrf_from((await client.get(products_url(shop))).text)
    large = (await products_in(app, shop))["FH-APR-L"]
    await client.post(products_url(shop, f"/{large.id}/archive"), data={"csrf_token": csrf})
    page = await client.get(products_url(shop, "?q=apron"))
    assert 'Active <span class="muted">(2)</span>' in page.text
    assert 'Archived <span class="muted">(1)</span>' in page.text
    assert 'href="/admin/stores/1/products?show=archived&amp;q=apron"' in page.text
    archived = await client.get(products_url(shop, "?show=archived&q=apron"))
    assert listed_skus(archived.text) == ["FH-APR-L"]
    assert 'name="show" value="archived"' in archived.text  # searching again keeps the filter


async def test_the_list_pages_fifty_product_groups_at_a_time(app, client, merchant, store):
    async def add(conn):
        for n in range(52):
            group = f"G{n:02d}"
            for size in ("S", "M"):
                tee = ProductInput(f"{group}-{size}", "Tee", 900, product_group=group)
                await upsert_product(conn, store.id, tee, 0)

    await services(app).db.write(add)
    await sign_in(client)
    first = await client.get(products_url(store))
    skus = listed_skus(first.text)
    assert len(skus) == 100 and skus[:2] == ["G00-S", "G00-M"] and skus[-1] == "G49-M"
    assert "Page 1 of 2" in first.text
    assert f'href="{products_url(store)}?page=2" rel="next"' in first.text
    second = await client.get(products_url(store, "?page=2"))
    assert listed_skus(second.text) == ["G50-S", "G50-M", "G51-S", "G51-M"]
    assert listed_skus((await client.get(products_url(store, "?page=99"))).text) == listed_skus(
        second.text
    )


async def test_thumbnails_show_safe_images_only_and_the_csp_allows_just_those(
    app, client, merchant, store
):
    images = {
        "CDN": "https://cdn.example/mug.png",
        "SHOP": "/static/tee.png",  # a path on the shop, not on the admin
        "BAD": "javascript:alert(1)",  # stored before image URLs were checked
        "NONE": "",
    }

    async def add(conn):
        for sku, url in images.items():
            await upsert_product(conn, store.id, ProductInput(sku, f"{sku} item", 100), 0)
            await conn.execute("UPDATE products SET image_url = ? WHERE sku = ?", (url, sku))

    await services(app).db.write(add)
    await sign_in(client)
    page = await client.get(products_url(store))
    thumb = r'<img class="thumb" src="([^"]+)" alt="" width="40" height="40"'
    thumbs = re.findall(thumb, page.text)
    assert sorted(thumbs) == ["http://shop.test/static/tee.png", "https://cdn.example/mug.png"]
    assert "javascript:" not in page.text
    assert page.text.count('class="thumb thumb-empty"') == 2
    policy = page.headers["content-security-policy"]
    assert "img-src 'self' data: http://shop.test https://cdn.example;" in policy
    assert "script-src 'self';" in policy  # nothing else loosened
    edit = await client.get(products_url(store, f"/{(await products_in(app, store))['CDN'].id}"))
    assert 'src="https://cdn.example/mug.png" alt="CDN item" width="64" height="64"' in edit.text
    assert "img-src 'self' data: https://cdn.example;" in edit.headers["content-security-policy"]


async def test_images_from_many_hosts_keep_the_csp_header_small(app, client, merchant, store):
    # 50 products, each from its own long host name: the header must stay well inside a
    # reverse proxy's 4 KB buffer; thumbnails from hosts beyond that budget are not shown.
    host = "images-of-a-merchant-who-uses-a-different-cdn-for-every-product-{:02d}.example"

    async def add(conn):
        for n in range(50):
            sku = f"MANY-{n:02d}"
            await upsert_product(conn, store.id, ProductInput(sku, f"Item {n}", 100), 0)
            url = f"https://{host.format(n)}/p.png"
            await conn.execute("UPDATE products SET image_url = ? WHERE sku = ?", (url, sku))

    await services(app).db.write(add)
    await sign_in(client)
    page = await client.get(products_url(store))
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert len(policy) < 2500
    shown = re.findall(r'<img class="thumb" src="https://([^/"]+)/p.png"', page.text)
    assert 10 < len(shown) < 50 and all(origin in policy for origin in shown)


# ---- a product group's variants, edited together ------------------------------------------


def variants_url(store, product):
    return products_url(store, f"/{product.id}/variants")


def variant_rows(html: str) -> dict[str, dict[str, str]]:
    """The form's rows as a browser would send them: row-N-field → value."""
    fields = re.findall(r'name="(row-\d+-\w+)" (?:type="\w+" )?value="([^"]*)"', html)
    return dict(fields)


async def test_the_group_page_lists_every_variant_in_one_form(app, client, merchant, shop):
    small = (await products_in(app, shop))["FH-APR-S"]
    await sign_in(client)
    page = await client.get(variants_url(shop, small))
    assert page.status_code == 200
    rows = variant_rows(page.text)
    assert [rows[f"row-{n}-sku"] for n in range(4)] == ["FH-APR-S", "FH-APR-M", "FH-APR-L", ""]
    assert rows["row-0-price"] == "48.00" and rows["row-1-variant"] == "Size: Medium"
    assert '<label class="visually-hidden" for="f-row-1-price">Price, SKU FH-APR-M</label>' in (
        page.text
    )
    listing = await client.get(products_url(shop))
    assert f'href="{variants_url(shop, small)}">Edit variants together' in listing.text
    mug = (await products_in(app, shop))["FH-MUG-01"]
    assert f'href="{variants_url(shop, mug)}">Add variants' in listing.text  # one SKU so far


async def test_saving_the_group_changes_every_row_and_adds_a_variant(app, client, merchant, shop):
    small = (await products_in(app, shop))["FH-APR-S"]
    await sign_in(client)
    page = await client.get(variants_url(shop, small))
    form = variant_rows(page.text) | {"csrf_token": csrf_from(page.text)}
    form |= {"row-0-price": "45.00", "row-1-stock": "7", "row-2-name": "Linen Apron (L)",
             "row-3-sku": "FH-APR-XL", "row-3-variant": "Size: Extra large",
             "row-3-price": "52.00", "row-3-stock": "3"}  # fmt: skip
    saved = await client.post(variants_url(shop, small), data=form)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == variants_url(shop, small) + "?saved=1"
    products = await products_in(app, shop)
    assert products["FH-APR-S"].price == 4500 and products["FH-APR-M"].stock == 7
    assert products["FH-APR-L"].name == "Linen Apron (L)"
    xl = products["FH-APR-XL"]
    assert (xl.product_group, xl.variant, xl.price, xl.stock) == ("FH-APR-01", "Size: Extra large",
                                                                  5200, 3)  # fmt: skip
    # The new variant sells like its siblings: their description, image and weight.
    assert (xl.description, xl.image_url, xl.weight_grams, xl.track_stock) == (
        small.description,
        small.image_url,
        small.weight_grams,
        small.track_stock,
    )
    assert "Saved every variant." in (await client.get(saved.headers["location"])).text


async def test_two_rows_may_swap_their_skus(app, client, merchant, shop):
    small = (await products_in(app, shop))["FH-APR-S"]
    await sign_in(client)
    page = await client.get(variants_url(shop, small))
    form = variant_rows(page.text) | {"csrf_token": csrf_from(page.text)}
    form |= {"row-0-sku": "FH-APR-M", "row-1-sku": "FH-APR-S"}
    assert (await client.post(variants_url(shop, small), data=form)).status_code == 303
    assert (await products_in(app, shop))["FH-APR-M"].id == small.id


async def test_errors_come_back_per_row_and_field_and_save_nothing(app, client, merchant, shop):
    small = (await products_in(app, shop))["FH-APR-S"]
    before = await products_in(app, shop)
    await sign_in(client)
    page = await client.get(variants_url(shop, small))
    form = variant_rows(page.text) | {"csrf_token": csrf_from(page.text)}
    form |= {"row-0-price": "45.00",  # fine, but nothing is saved while another row is wrong
             "row-1-price": "4.999", "row-2-sku": "FH-MUG-01",  # another product's SKU
             "row-3-sku": "FH-APR-S", "row-3-price": "40.00"}  # fmt: skip
    refused = await client.post(variants_url(shop, small), data=form)
    assert refused.status_code == 422
    text = refused.text
    assert 'id="f-row-1-price-error">EUR amounts have at most 2 decimal places.' in text
    assert 'aria-invalid="true" aria-describedby="f-row-1-price-error"' in text
    assert 'href="#f-row-3-sku">New variant · SKU: Another row already has this SKU.' in text
    assert 'value="4.999"' in text  # what was typed comes back
    assert await products_in(app, shop) == before

    form["row-1-price"], form["row-3-sku"] = "48.00", "FH-APR-XS"
    taken = await client.post(variants_url(shop, small), data=form)
    assert taken.status_code == 422
    assert 'href="#f-row-2-sku">Row 3 · SKU: Another product already has this SKU.' in taken.text
    assert await products_in(app, shop) == before


async def test_a_row_of_another_group_is_refused(app, client, merchant, shop):
    products = await products_in(app, shop)
    small, mug = products["FH-APR-S"], products["FH-MUG-01"]
    await sign_in(client)
    page = await client.get(variants_url(shop, small))
    form = variant_rows(page.text) | {"csrf_token": csrf_from(page.text)}
    form |= {"row-0-id": str(mug.id), "row-0-name": "Hijacked"}
    refused = await client.post(variants_url(shop, small), data=form)
    assert refused.status_code == 422
    assert (await products_in(app, shop))["FH-MUG-01"].name == mug.name


async def variants_form(client, shop, product) -> dict[str, str]:
    """The variants page's form as the merchant opens it (signed in), ready to post."""
    await sign_in(client)
    page = await client.get(variants_url(shop, product))
    return variant_rows(page.text) | {"csrf_token": csrf_from(page.text)}


async def sell_one(app, sku: str) -> None:
    """What checkout does to stock when a shopper buys one."""
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE products SET stock = stock - 1 WHERE sku = ?", (sku,))
    )


async def test_a_sale_while_the_page_is_open_is_kept_when_stock_was_not_edited(
    app, client, merchant, shop
):
    small = (await products_in(app, shop))["FH-APR-S"]
    form = await variants_form(client, shop, small)
    await sell_one(app, "FH-APR-S")
    form |= {"row-0-name": "Linen Apron (S)"}  # the merchant only renames
    assert (await client.post(variants_url(shop, small), data=form)).status_code == 303
    saved = (await products_in(app, shop))["FH-APR-S"]
    assert (saved.name, saved.stock) == ("Linen Apron (S)", small.stock - 1)


async def test_stock_typed_over_a_sale_made_meanwhile_is_refused_with_the_new_count(
    app, client, merchant, shop
):
    small = (await products_in(app, shop))["FH-APR-S"]
    form = await variants_form(client, shop, small)
    await sell_one(app, "FH-APR-S")
    before = await products_in(app, shop)
    form |= {"row-0-stock": str(small.stock + 10), "row-1-price": "40.00"}
    refused = await client.post(variants_url(shop, small), data=form)
    assert refused.status_code == 422
    assert (
        f'id="f-row-0-stock-error">Stock changed since you opened this page: it is now'
        f" {small.stock - 1}. Check it and save again." in refused.text
    )
    assert await products_in(app, shop) == before
    # Saved again from the page it came back on, the typed stock goes through.
    form = variant_rows(refused.text) | {"csrf_token": csrf_from(refused.text)}
    assert (await client.post(variants_url(shop, small), data=form)).status_code == 303
    assert (await products_in(app, shop))["FH-APR-S"].stock == small.stock + 10


async def test_rows_beyond_the_limit_are_refused_not_dropped(app, client, merchant, shop):
    small = (await products_in(app, shop))["FH-APR-S"]
    form = await variants_form(client, shop, small)
    form |= {"row-250-sku": "FH-APR-XXL", "row-250-price": "60.00"}
    before = await products_in(app, shop)
    refused = await client.post(variants_url(shop, small), data=form)
    assert refused.status_code == 422
    assert "at most 200 rows" in refused.text
    assert await products_in(app, shop) == before


async def test_the_product_form_keeps_a_sale_made_while_it_was_open(app, client, merchant, shop):
    mug = (await products_in(app, shop))["FH-MUG-01"]
    await sign_in(client)
    url = products_url(shop, f"/{mug.id}")
    page = (await client.get(url)).text
    form = dict(re.findall(r'name="(\w+)" (?:type="\w+" )?value="([^"]*)"', page))
    await sell_one(app, "FH-MUG-01")
    form |= {"name": "Stoneware Mug (glazed)", "csrf_token": csrf_from(page)}
    assert (await client.post(url, data=form)).status_code == 303, "renamed"
    assert (await products_in(app, shop))["FH-MUG-01"].stock == mug.stock - 1

    page = (await client.get(url)).text
    form = dict(re.findall(r'name="(\w+)" (?:type="\w+" )?value="([^"]*)"', page))
    await sell_one(app, "FH-MUG-01")
    form |= {"stock": "50", "csrf_token": csrf_from(page)}
    refused = await client.post(url, data=form)
    assert refused.status_code == 422
    assert f"Stock changed since you opened this page: it is now {mug.stock - 2}." in refused.text
    assert (await products_in(app, shop))["FH-MUG-01"].stock == mug.stock - 2
