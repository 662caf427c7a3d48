"""A merchant creates an exit-intent campaign, watches its live preview follow the form,
finds it in the list and opens its results; every page passes axe-core."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.merchant import sign_in
from tests.browser.shopping import LOADER_STARTED


def preview_query(page: Page) -> dict[str, list[str]]:
    src = page.locator("#offer-preview").get_attribute("src") or ""
    return parse_qs(urlsplit(src).query)


def test_merchant_creates_a_campaign_and_opens_its_results(
    page: Page, stack: Stack, problems: PageProblems
):
    found: dict[str, list[str]] = {}

    def check(name: str) -> None:
        if violations := serious_violations(page):
            found[name] = violations

    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role("link", name="Offers").click()
    expect(page.get_by_role("heading", name="Offers", level=1)).to_be_visible()
    expect(
        page.get_by_role("link", name="Before you go", exact=True)
    ).to_be_visible()  # the demo campaign
    check("list")

    page.get_by_role("link", name="New campaign").click()
    expect(page.get_by_role("heading", name="New campaign", level=1)).to_be_visible()
    check("new form")

    # Nothing typed yet: the form comes back with the error tied to its field.
    page.get_by_role("button", name="Create campaign").click()
    name = page.get_by_role("textbox", name="Name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("Enter a name")
    check("form with errors")

    name.fill("Spring exit offer")
    variant_a = page.get_by_role("group", name="Variant A")
    headline = variant_a.get_by_role("textbox", name="Headline")
    headline.fill("Wait! 15% off <today>")
    variant_a.get_by_role("textbox", name="Offer value").fill("15")

    # The preview follows the unsaved form, debounced, through the iframe's URL.
    wait_for(
        lambda: preview_query(page).get("variant_A_headline") == ["Wait! 15% off <today>"],
        message="the preview did not follow the form",
    )
    # The real widget renders it, the merchant's text as text.
    preview = page.frame_locator("#offer-preview")
    expect(preview.get_by_role("dialog", name="Wait! 15% off <today>")).to_be_visible()
    page.get_by_label("Variant shown").select_option("B")
    wait_for(lambda: preview_query(page).get("variant") == ["B"])

    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("status")).to_have_text("Campaign saved.")
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Spring exit offer", exact=True)
    )
    expect(row).to_contain_text("Draft")  # a new campaign starts as a draft

    row.get_by_role("button", name="Go live").click()
    expect(page.get_by_role("status")).to_have_text("Campaign is live.")
    expect(row).to_contain_text("Live")

    row.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("status")).to_contain_text("Campaign paused")
    expect(row).to_contain_text("Paused")

    row.get_by_role("link", name="Results").click()
    expect(
        page.get_by_role("heading", name="Results of Spring exit offer", level=1)
    ).to_be_visible()
    variant_a = re.compile(r"^Variant A 0 exposed 0 converted 0\.0%")
    expect(page.get_by_role("row", name=variant_a)).to_be_visible()
    holdout = re.compile(r"^Holdout 0 exposed 0 converted")
    expect(page.get_by_role("row", name=holdout)).to_be_visible()
    expect(page.get_by_text("How this is computed")).to_be_visible()
    check("results")

    assert found == {}
    assert problems.errors == [] and problems.csp_violations == []
    # The 422 is the form with errors. The widget in the preview records nothing (no page
    # view from the admin's origin, which the store does not allow anyway).
    assert [f for f in failed if "/campaigns" not in f] == []


def test_the_preview_renders_the_offer_and_records_nothing(page: Page, stack: Stack):
    """The admin's preview is not a shopper: no page view, no offer events, no exposure."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/v1/events" in r.url else None)
    sign_in(page, stack)
    [campaign] = stack.query("SELECT store_id, public_id FROM campaigns")
    page.clock.install()
    page.goto(
        f"{stack.keepcart_url}/admin/stores/{campaign['store_id']}/campaigns/"
        f"{campaign['public_id']}/preview?variant=A"
    )
    expect(page.get_by_role("dialog", name=re.compile("Before you go"))).to_be_visible()
    page.clock.run_for(10_000)  # past every timed flush of the event queue
    page.evaluate("keepcart('track', 'probe')")  # would be queued and sent too
    page.clock.run_for(10_000)
    page.goto("about:blank")  # pagehide: the widget would flush its queue now
    assert sent == []
    assert stack.query("SELECT count(*) FROM exposures")[0][0] == 0


@pytest.mark.parametrize(
    ("held_url", "waiting"),
    [
        ("**/config", LOADER_STARTED),  # the loader started, its config on its way
        ("**/v1/chunks/main.*", "!!window.keepcart?.pending"),  # keepcart.js's first stage only
    ],
)
def test_a_preview_left_before_its_config_answers_sends_no_page_view(
    page: Page, stack: Stack, held_url: str, waiting: str
):
    """The preview reloads as the merchant types: one left before the widget set up (its
    config, or the loader itself, held here) must not send the page view a shopper's page
    would at pagehide."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if "/v1/events" in r.url else None)
    sign_in(page, stack)
    [campaign] = stack.query("SELECT store_id, public_id FROM campaigns")
    held = []
    page.route(held_url, lambda route: held.append(route))
    page.goto(
        f"{stack.keepcart_url}/admin/stores/{campaign['store_id']}/campaigns/"
        f"{campaign['public_id']}/preview?variant=A"
    )
    wait_for(lambda: page.evaluate(waiting) and held)
    # pagehide before setup: a shopper's page view would leave now, by beacon (dispatched here
    # in a live page, so a request would be seen)
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")
    page.evaluate("new Promise((resolve) => setTimeout(resolve, 300))")
    assert sent == []


def test_cart_email_requests_page_is_reached_from_offers(page: Page, stack: Stack):
    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role("link", name="Offers").click()
    page.get_by_role("link", name="Cart email requests").click()
    expect(page.get_by_role("heading", name="Cart email requests", level=1)).to_be_visible()
    expect(page.get_by_text("Keepcart does not send these emails")).to_be_visible()
    assert serious_violations(page) == []
