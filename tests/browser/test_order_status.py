"""The receipt page, as a shopper and a merchant use it: opened from the checkout's
confirmation, kept up to date as the merchant moves the order along, readable on a phone and
printable."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack
from tests.browser.merchant import sign_in
from tests.browser.shopping import (
    assert_clean,
    confirmation,
    mug_ready_to_pay,
    orders,
    pay,
)

DESKTOP = pytest.mark.browser_context_args(viewport={"width": 1366, "height": 900})
RECEIPT_LINK = re.compile(r"^View or save your receipt")


def console_errors(page: Page) -> list[str]:
    """Console errors on ``page`` from now on (Chromium reports CSP refusals there too)."""
    seen: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.append(message.text)

    page.on("console", note)
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def check_accessible_and_fits(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 844 if width < 800 else 900})
    assert serious_violations(page) == [], f"receipt at {width} px"
    overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"the receipt scrolls sideways at {width} px"


@DESKTOP
def test_shopper_keeps_a_receipt_that_follows_the_order(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_ready_to_pay(page, stack)
    pay(checkout, "€28.95")
    done = confirmation(page)
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_focused()
    [order] = orders(stack)
    number = order["number"]

    link = done.get_by_role("link", name=RECEIPT_LINK)
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    with page.context.expect_page() as opened:
        link.click()
    receipt = opened.value
    errors = console_errors(receipt)
    receipt.wait_for_load_state()
    assert receipt.url.startswith(f"{stack.keepcart_url}/orders/")
    expect(receipt.get_by_role("heading", name=f"Order #{number}", level=1)).to_be_visible()
    status = receipt.get_by_role("region", name=re.compile("^Status"))
    expect(status).to_contain_text("Paid — being prepared")
    items = receipt.get_by_role("region", name="Items")
    line = items.get_by_role("table").get_by_role("row", name=re.compile("^Stoneware Mug"))
    expect(line).to_contain_text("€24.00")
    expect(items.get_by_role("definition").last).to_have_text("€28.95")  # the total
    expect(receipt.get_by_role("region", name="Payment")).to_contain_text("Visa ending in 4242")
    expect(receipt.get_by_role("region", name="Delivery")).to_contain_text("12 Harbour Road")
    # The confirmation is still there behind the new tab.
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_visible()
    assert_clean(problems)

    # Saving it: the print button works under the page's CSP, and the printed page is the
    # receipt alone.
    print_button = receipt.get_by_role("button", name="Print or save as PDF")
    expect(print_button).to_be_visible()
    receipt.emulate_media(media="print")
    expect(print_button).to_be_hidden()
    expect(status).to_contain_text("Paid — being prepared")
    receipt.emulate_media(media="screen")
    check_accessible_and_fits(receipt, 1366)

    # The merchant ships the order from the admin; the receipt then says so.
    admin = page.context.new_page()
    sign_in(admin, stack)
    admin.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/orders/{number}")
    admin.get_by_role("button", name="Mark as fulfilled").click()
    expect(admin.locator(".page-head .status-badge")).to_have_text("Fulfilled")
    admin.get_by_role("button", name="Show the customer’s receipt link").click()
    with admin.expect_popup() as from_admin:
        admin.get_by_role("link", name="Open the customer’s receipt page").click()
    expect(from_admin.value.get_by_role("heading", name=f"Order #{number}")).to_be_visible()

    receipt.reload()
    expect(status).to_contain_text("Shipped")
    expect(status.get_by_role("list", name="What has happened")).to_contain_text("Shipped")
    check_accessible_and_fits(receipt, 390)
    check_accessible_and_fits(receipt, 320)
    assert errors == []
