"""axe-core on the merchant's catalog, order and checkout-settings pages: zero serious or
critical violations, with real data on them (the demo catalog and rules, and an order)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack
from tests.browser.merchant import sign_in
from tests.browser.shopping import order_over_the_api


def first_id(stack: Stack, sql: str) -> int:
    return stack.query(sql, (stack.store.id,))[0][0]


def test_catalog_order_and_checkout_settings_pages_are_accessible(page: Page, stack: Stack):
    card = {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"}
    order = order_over_the_api(
        stack, {"FH-MUG-01": 2, "FH-APR-M": 1}, {"method": "test_card", "card": card}, "WELCOME10"
    )
    number = order["number"]
    product = first_id(stack, "SELECT id FROM products WHERE store_id = ? ORDER BY id")
    discount = first_id(stack, "SELECT id FROM discounts WHERE store_id = ? ORDER BY id")
    zone = first_id(stack, "SELECT id FROM shipping_zones WHERE store_id = ? ORDER BY id")
    method = stack.query("SELECT id FROM shipping_methods WHERE zone_id = ?", (zone,))[0][0]
    rate = first_id(stack, "SELECT id FROM tax_rates WHERE store_id = ? ORDER BY id")
    store = f"/admin/stores/{stack.store.id}"
    checkout = f"{store}/checkout"
    pages = {
        f"{store}/products": "Products",
        f"{store}/products/new": "New product",
        f"{store}/products/{product}": "Ceramic Pour-Over Dripper",
        f"{store}/orders": "Orders",
        f"{store}/orders/{number}": f"Order #{number}",
        checkout: "Checkout settings",
        f"{checkout}/discounts": "Checkout settings",
        f"{checkout}/discounts/new": "Checkout settings",
        f"{checkout}/discounts/{discount}": "Checkout settings",
        f"{checkout}/shipping": "Checkout settings",
        f"{checkout}/shipping/zones/{zone}": "Checkout settings",
        f"{checkout}/shipping/zones/{zone}/methods/{method}": "Checkout settings",
        f"{checkout}/taxes": "Checkout settings",
        f"{checkout}/taxes/{rate}": "Checkout settings",
    }
    sign_in(page, stack)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    found: dict[str, list[str]] = {}
    for path, heading in pages.items():
        response = page.goto(stack.keepcart_url + path)
        assert response is not None and response.ok, path
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        if violations := serious_violations(page):
            found[path] = violations

    # A form sent back with errors: each message tied to its field.
    page.goto(f"{stack.keepcart_url}{store}/products/new")
    page.get_by_role("button", name="Create product").click()
    sku = page.get_by_role("textbox", name="SKU", exact=True)
    expect(sku).to_have_attribute("aria-invalid", "true")
    if violations := serious_violations(page):
        found["product form with errors"] = violations
    assert found == {}
