"""A shopper orders on the demo store and then asks for their data and for its erasure: the
owner finds them on *Shopper data*, downloads the JSON, erases it, and the order's page shows
the redaction. Every state of the page passes axe-core, and fits, at a desktop's width and a
phone's."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack
from tests.browser.merchant import sign_in
from tests.browser.shopping import (
    DESKTOP,
    assert_clean,
    confirmation,
    fill_card,
    fill_details,
    mug_in_checkout,
    orders,
    pay,
)

SHOPPER_EMAIL = "ciara.walsh@example.test"
PHONE = {"width": 390, "height": 844}


@DESKTOP
def test_an_owner_downloads_and_erases_the_data_of_a_shopper_who_ordered(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_in_checkout(page, stack)
    fill_details(checkout, email=SHOPPER_EMAIL)
    fill_card(checkout)
    pay(checkout, "€28.95")
    expect(confirmation(page)).to_be_visible()
    assert_clean(problems)
    [order] = [o for o in orders(stack) if o["email"] == SHOPPER_EMAIL]
    number = order["number"]

    found: dict[str, list[str]] = {}
    desktop = page.viewport_size
    assert desktop is not None

    def check(name: str) -> None:
        for size, viewport in (("desktop", desktop), ("390 px", PHONE)):
            page.set_viewport_size(viewport)
            if violations := serious_violations(page):
                found[f"{name} at {size}"] = violations
            if page.evaluate("document.documentElement.scrollWidth > innerWidth"):
                found[f"{name} at {size}"] = ["the page scrolls sideways"]
        page.set_viewport_size(desktop)

    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role(
        "link", name="Shopper data"
    ).click()
    expect(page.get_by_role("heading", name="Shopper data", level=1)).to_be_visible()
    check("empty")

    page.get_by_label("Their email").fill("Ciara.Walsh@Example.test")
    page.get_by_role("button", name="Find their data").click()
    held = page.get_by_role("region", name=f"What Fernhill Goods holds about {SHOPPER_EMAIL}")
    expect(held).to_contain_text(f"1 order: #{number}")
    check("found")

    with page.expect_download() as downloading:
        held.get_by_role("button", name="Download their data (JSON)").click()
    download = downloading.value
    assert download.suggested_filename == f"store-{stack.store.id}-shopper-data.json"
    document = json.loads(Path(download.path()).read_text())
    [exported] = document["orders"]
    assert (exported["number"], exported["email"]) == (number, SHOPPER_EMAIL)
    assert exported["shipping_address"]["line1"] == "12 Harbour Road"

    # Erasing asks for the box first: the form comes back with the error tied to it.
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    confirm = page.get_by_role("checkbox", name=re.compile(r"^Yes, erase it for good: 1 order"))
    expect(confirm).to_have_attribute("aria-invalid", "true")
    check("unconfirmed")
    confirm.check()
    page.get_by_role("button", name="Erase their data").click()
    expect(page.get_by_role("status")).to_contain_text("1 order redacted")
    expect(page.get_by_role("region", name="Erasures", exact=True)).to_contain_text("owner@")
    check("erased")

    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/orders/{number}")
    expect(page.get_by_text(re.compile(r"^Personal details erased on "))).to_be_visible()
    customer = page.get_by_role("region", name="Customer")
    expect(customer).to_contain_text("Erased on")
    expect(page.get_by_role("main")).not_to_contain_text(SHOPPER_EMAIL)
    expect(page.get_by_role("main")).not_to_contain_text("Harbour Road")
    check("order")
    assert found == {}
