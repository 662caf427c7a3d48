"""A merchant's overview after shoppers buy on the demo store: the figures, the funnel and
the charts, on a desktop and a phone, accessible; and the offers pages that fit the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack, wait_for
from tests.browser.merchant import sign_in
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    confirmation,
    mug_ready_to_pay,
    pay,
)

SCREENSHOTS = "test-results"


def buy_a_mug(page: Page, stack: Stack) -> None:
    checkout = mug_ready_to_pay(page, stack)
    pay(checkout, "€28.95")
    expect(confirmation(page)).to_be_visible()
    page.keyboard.press("Escape")


def figure(page: Page, label: str):
    return page.locator(".figure").filter(has=page.get_by_text(label, exact=True))


def overflowing(page: Page) -> list[str]:
    """The page, or the captions of its tables, when they scroll sideways."""
    return page.evaluate(
        "[document.documentElement.scrollWidth > window.innerWidth ? 'page' : null, ...[...document"
        ".querySelectorAll('.table-scroll')].filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.querySelector('caption')?.textContent)].filter(Boolean)"
    )


def page_overflows(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_orders_placed_on_the_demo_show_on_the_overview(page: Page, stack: Stack, screen: str):
    sign_in(page, stack)
    expect(page.get_by_role("heading", name="Install Keepcart on your shop")).to_be_visible()
    assert serious_violations(page) == []

    buy_a_mug(page, stack)
    buy_a_mug(page, stack)
    wait_for(lambda: len(stack.query("SELECT id FROM orders")) == 2)
    # The widget batches events: wait until the second checkout start is stored.
    wait_for(lambda: len(stack.events(name="checkout_start")) >= 2)

    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}?range=today")
    expect(page.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    expect(figure(page, "Revenue").locator(".figure-value")).to_have_text("€57.90")
    expect(figure(page, "Orders").locator(".figure-value")).to_have_text("2")
    expect(figure(page, "Average order value").locator(".figure-value")).to_have_text("€28.95")
    expect(figure(page, "Revenue").locator(".change")).to_contain_text("▲ new")
    funnel = page.get_by_role("table", name=re.compile("Sessions that reached each step"))
    expect(funnel.get_by_role("row", name=re.compile("^Viewed a product"))).to_contain_text("1")
    # Both mugs were bought in one visit: one session ordered, and it converted once (not 200%).
    ordered = funnel.get_by_role("row", name=re.compile("^Ordered"))
    expect(ordered.get_by_role("cell").first).to_have_text(re.compile(r"^\s*1\s*100\.0%\s*$"))
    expect(figure(page, "Conversion rate").locator(".figure-value")).to_have_text("100.00%")
    # The install card stepped aside: the snippet waits in its own small section.
    expect(page.get_by_role("heading", name="Install Keepcart on your shop")).to_have_count(0)
    expect(page.get_by_role("heading", name="Snippet", exact=True)).to_be_visible()

    revenue = page.get_by_role("img", name="Revenue per hour")
    expect(revenue).to_be_visible()
    page.get_by_text("Show as table").first.click()
    table = page.get_by_role("table", name="Revenue per hour")
    expect(table).to_be_visible()
    expect(table).to_contain_text("€57.90")
    assert not page_overflows(page)
    if screen == "desktop":
        assert overflowing(page) == []
    assert serious_violations(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/overview-{screen}.png", full_page=True)

    # Assert what stays on screen: a moment later, nothing has moved or gone.
    page.wait_for_timeout(1000)
    expect(figure(page, "Revenue").locator(".figure-value")).to_have_text("€57.90")
    expect(table).to_be_visible()


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_offers_list_and_results_are_accessible_and_fit(page: Page, stack: Stack, screen: str):
    sign_in(page, stack)
    base = f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns"
    page.goto(base)
    expect(page.get_by_role("columnheader", name="Lift vs holdout")).to_be_visible()
    assert serious_violations(page) == []
    assert not page_overflows(page)
    if screen == "desktop":
        assert overflowing(page) == []
    page.get_by_role("link", name=re.compile("^Results of")).first.click()
    expect(page.get_by_role("heading", name=re.compile("^Results of"), level=1)).to_be_visible()
    method = page.get_by_text("How this is computed")
    expect(page.get_by_text("Bonferroni", exact=False)).to_be_hidden()
    method.click()
    expect(page.get_by_text("Bonferroni", exact=False)).to_be_visible()
    assert serious_violations(page) == []
    assert not page_overflows(page)
    if screen == "desktop":
        assert overflowing(page) == []
    page.screenshot(path=f"{SCREENSHOTS}/offers-results-{screen}.png", full_page=True)


@pytest.mark.browser_context_args(viewport={"width": 1366, "height": 900})
def test_results_fit_1366_pixels_without_sideways_scrolling(page: Page, stack: Stack):
    sign_in(page, stack)
    base = f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns"
    page.goto(base)
    page.get_by_role("link", name=re.compile("^Results of")).first.click()
    expect(
        page.get_by_role("table", name=re.compile("^Each arm against the holdout"))
    ).to_be_visible()
    assert overflowing(page) == []
