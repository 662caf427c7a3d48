"""Delivery dates as a shopper and a merchant read them, on a Sunday evening: the demo shop's
pages state its rule (before 14:00 on a working day, it ships the same day), and checkout,
the confirmation and the order in the admin all say the dates that rule gives, in the same
words. Keepcart's clock is fixed at Sunday 6 December 2026, 20:00 in Dublin; nothing else
about the stack differs from the ``stack`` fixture's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from starlette.applications import Starlette

from server.services import services
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, live_stack
from tests.browser.merchant import sign_in
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    add_to_cart,
    assert_clean,
    confirmation,
    fill_card,
    fill_details,
    open_product,
    orders,
    pay,
    settle,
    start_checkout,
)

SUNDAY_EVENING = int(datetime(2026, 12, 6, 20, 0, tzinfo=UTC).timestamp() * 1000)
RULE = "Order before 14:00 (Irish time) on a working day and it ships the same day"
STANDARD = "Arrives Tue 8 – Thu 10 Dec"  # leaves Monday 7, then 1 to 3 working days
EXPRESS = "Arrives Tue 8 Dec"


@pytest.fixture
def sunday(tmp_path: Path) -> Iterator[Stack]:
    """Keepcart (its clock on Sunday evening) and the demo store, seeded as ``stack`` is."""

    def on_sunday_evening(app: Starlette) -> None:
        services(app).clock.set(SUNDAY_EVENING)

    with live_stack(tmp_path, on_sunday_evening) as stack:
        yield stack


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_a_sunday_evening_order_is_promised_what_the_product_page_says(
    page: Page, sunday: Stack, problems: PageProblems, screen: str
):
    open_product(page, sunday)
    expect(page.get_by_text(RULE)).to_be_visible()
    drawer = add_to_cart(page, "Stoneware Mug")
    checkout = start_checkout(page, drawer)
    fill_details(checkout)  # an Irish address: the quote offers Ireland's methods
    shipping = checkout.get_by_role("group", name="Shipping method")
    expect(shipping.get_by_role("radio", name=re.compile("^Standard"))).to_be_checked()
    expect(shipping).to_contain_text(f"Standard{STANDARD}")
    expect(shipping).to_contain_text(f"Express{EXPRESS}")
    expect(shipping).not_to_contain_text("Mon 7 Dec")  # nothing leaves on a Sunday
    shipping.scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=f"/tmp/i9-offers-delivery-checkout-{screen}.png")
    fill_card(checkout)
    pay(checkout, "€28.95")

    done = confirmation(page)
    delivery = done.get_by_role("listitem").filter(has_text="Delivery:")
    expect(delivery).to_have_text(f"Delivery: Standard · {STANDARD}")
    page.wait_for_timeout(1000)  # what stays on screen, not only what appeared
    expect(delivery).to_have_text(f"Delivery: Standard · {STANDARD}")
    assert_clean(problems)

    [order] = orders(sunday)
    assert (order["delivery_from"], order["delivery_to"]) == ("2026-12-08", "2026-12-10")
    sign_in(page, sunday)
    page.goto(f"{sunday.keepcart_url}/admin/stores/{sunday.store.id}/orders/{order['number']}")
    expect(page.get_by_text(STANDARD)).to_be_visible()


@pytest.mark.parametrize(
    "width", [pytest.param(1366, marks=DESKTOP), pytest.param(390, marks=PHONE)]
)
def test_the_merchant_sees_and_changes_the_rule_on_the_delivery_dates_page(
    page: Page, sunday: Stack, width: int
):
    sign_in(page, sunday)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{sunday.keepcart_url}/admin/stores/{sunday.store.id}/checkout")
    page.get_by_role("link", name="Delivery dates").click()
    expect(page.get_by_role("heading", name="Your delivery rule")).to_be_visible()
    estimates = page.get_by_role("table", name=re.compile("What an order placed now is told"))
    ireland = estimates.get_by_role("row", name=re.compile("Ireland Standard"))
    expect(ireland).to_contain_text(STANDARD)
    assert serious_violations(page) == []
    page.screenshot(path=f"/tmp/i9-offers-delivery-admin-{width}.png", full_page=True)

    # A handling day: ready on Monday, the order leaves on Tuesday 8.
    page.get_by_label("Dispatch cut-off").fill("11:00")
    page.get_by_label("Handling time (working days)").fill("1")
    page.get_by_role("button", name="Save delivery dates").click()
    expect(page.get_by_role("status")).to_have_text("Delivery dates saved.")
    expect(ireland).to_contain_text("Arrives Wed 9 – Fri 11 Dec")

    page.get_by_label("Holidays").fill("not a date")
    page.get_by_role("button", name="Save delivery dates").click()
    holidays = page.get_by_label("Holidays")
    expect(holidays).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("is not a date")
    assert serious_violations(page) == []
