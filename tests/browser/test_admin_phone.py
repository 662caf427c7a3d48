"""Every admin page on a phone (390 px) and on a desktop (1366 px), taken from the router with
real ids: nothing wider than the screen, every navigation link reachable, axe clean.

The pages are every GET route under /admin that answers HTML, so a page added later is walked
without anyone listing it here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from server.app import create_app
from server.settings import Settings
from tests.api.admin_walk import admin_routes, fill
from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack, live_stack
from tests.browser.merchant import sign_in
from tests.browser.messaging import waiting_sms
from tests.browser.reviewing import fulfil, seed_reviews
from tests.browser.shopping import order_over_the_api
from tests.browser.survey_admin import live_exit_survey

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

# Whatever on the page reaches past the screen's edges (the page's own width included). An
# element counts when it is drawn: visually hidden text (1 px, clipped) and the skip link
# waiting off-screen until it is focused do not.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || el.closest(".skip-link")) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      const classes = typeof el.className === "string" ? el.className.trim().split(/\\s+/) : [];
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + classes.filter(Boolean).map(c => "." + c).join("");
      found.push(`${name} spans ${Math.round(box.left)}..${Math.round(box.right)}`);
    }
  }
  return found.slice(0, 8);
}"""

# A navigation link a person can see and tap: inside the screen, and what is drawn at its
# centre is the link itself (nothing covers it, no ancestor clips it away).
NAV_LINKS_OUT_OF_REACH = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const link of document.querySelectorAll("header nav a, nav.subnav a")) {
    link.scrollIntoView({block: "center", inline: "nearest"});
    const box = link.getBoundingClientRect();
    const x = box.left + box.width / 2, y = box.top + box.height / 2;
    const hit = document.elementFromPoint(x, y);
    if (box.left < 0 || box.right > width || !hit || !link.contains(hit)) {
      out.push(link.textContent.trim());
    }
  }
  window.scrollTo(0, 0);
  return out;
}"""


# Each checkbox and radio drawn on its label's line (beside it), not on a line of its own
# above: a page whose form styles do not reach its fields draws them that way.
BOXES_OFF_THEIR_LABELS = """() => [...document.querySelectorAll(
    "main input[type=checkbox], main input[type=radio]")].filter((input) => {
  const label = input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`);
  if (!label) return false;
  const box = input.getBoundingClientRect(), text = label.getClientRects()[0];
  return box.width > 1 && text && (box.bottom <= text.top || box.top >= text.bottom);
}).map((input) => input.id).slice(0, 8)"""


def html_pages(stack: Stack) -> list[str]:
    """Every GET page under /admin, filled with ids that exist in the demo store."""
    app = create_app(Settings(db=Path("unused.db"), secret_keys=("x" * 40,)))  # its routes
    values = path_values(stack)
    pages = []
    for template, methods in admin_routes(app):
        # An email's own page (what the message page frames) is an email, not an admin page:
        # tests/browser/test_admin_messages.py checks it.
        if "GET" in methods and not template.endswith((".csv", "/activity", "{message}/preview")):
            pages.append(fill(template, values))
    assert len(pages) >= 30, pages
    return pages


def path_values(stack: Stack) -> dict[str, object]:
    store = stack.store.id
    card = {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"}
    order = order_over_the_api(
        stack, {"FH-MUG-01": 2, "FH-APR-M": 1}, {"method": "test_card", "card": card}, "WELCOME10"
    )
    # A waiting invitation and a cart-email request, so their tables are on their pages too.
    with sqlite3.connect(stack.db_path, timeout=10) as conn:
        conn.execute(
            "INSERT INTO invitations (store_id, email, role, created_at)"
            " VALUES (?, 'new.colleague.with.a.long.address@fernhill-goods.example', 'staff', 0)",
            (store,),
        )
        conn.execute(
            "INSERT INTO email_consents (store_id, email, wording, created_at)"
            " VALUES (?, 'shopper@example.test', 'Email me my cart', 0)",
            (store,),
        )
        # A webhook endpoint with a long URL, disabled by Keepcart, and a failed attempt in its
        # delivery log with a long answer: the widest its pages get.
        endpoint = conn.execute(
            "INSERT INTO webhook_endpoints (public_id, store_id, url, event_types, enabled,"
            " disabled_reason, created_at, updated_at) VALUES ('ep_walk', ?,"
            " 'https://hooks.fernhill-goods.example/keepcart/incoming/webhooks/orders-and-reviews',"
            " 'order.created order.paid review.created', 0, 'The endpoint answered 410 Gone.',"
            " 0, 0)",
            (store,),
        ).lastrowid
        message = conn.execute(
            "INSERT INTO messages (public_id, store_id, channel, kind, recipient, inputs, state,"
            " attempts, next_attempt_at, created_at, updated_at) VALUES ('msg_hook', ?,"
            " 'webhook', 'webhook', 'ep_walk', '{\"type\": \"order.created\"}', 'failed', 1,"
            " 0, 0, 0)",
            (store,),
        ).lastrowid
        conn.execute(
            "INSERT INTO webhook_attempts (message_id, endpoint_id, attempt, started_at,"
            " duration_ms, status_code, error, response_snippet) VALUES (?, ?, 1, 0, 15000,"
            " 410, 'The endpoint answered 410 Gone.', ?)",
            (message, endpoint, "<html>" + "gone-and-never-coming-back " * 18),
        )

    # A cart reminder by SMS held for the quiet hours: the Messages list says when it goes.
    waiting_sms(stack)
    # Reviews (one replied to, one hidden) and the order shipped, so its page has each line's
    # review link.
    seed_reviews(stack)
    fulfil(stack, order["number"])
    survey = live_exit_survey(stack)  # answered, so its results have charts and answers

    def first(sql: str, *params: object) -> object:
        return stack.query(sql, params or (store,))[0][0]

    zone = first("SELECT id FROM shipping_zones WHERE store_id = ? ORDER BY id")
    return {
        "store_id": store,
        "product_id": first("SELECT id FROM products WHERE store_id = ? AND sku = 'FH-APR-S'"),
        "number": order["number"],
        "discount_id": first("SELECT id FROM discounts WHERE store_id = ? ORDER BY id"),
        "zone_id": zone,
        "method_id": first("SELECT id FROM shipping_methods WHERE zone_id = ?", zone),
        "rate_id": first("SELECT id FROM tax_rates WHERE store_id = ? ORDER BY id"),
        "campaign": first("SELECT public_id FROM campaigns WHERE store_id = ? ORDER BY id"),
        "review": first("SELECT public_id FROM reviews WHERE store_id = ? AND reply IS NOT NULL"),
        "survey": survey.public_id,
        # the order's confirmation email (sent or not: the page shows it either way)
        "message": first("SELECT public_id FROM messages WHERE store_id = ? ORDER BY id"),
        "endpoint": "ep_walk",
    }


def visit(page: Page, stack: Stack, path: str) -> bool:
    """Open ``path``; whether it is an HTML page to check (the CSVs and JSON are not)."""
    response = page.goto(stack.keepcart_url + path)
    assert response is not None and response.ok, (path, response and response.status)
    if "text/html" not in (response.headers.get("content-type") or ""):
        return False
    expect(page.locator("main, body.offer-preview").first).to_be_visible()
    if path.endswith("/preview"):  # the real widget's offer or survey: checked once open
        page.wait_for_function(SURVEY_OPEN if "/surveys/" in path else OFFER_OPEN)
    # Colours are checked as they end up, not halfway through a fade-in.
    page.wait_for_function(NO_RUNNING_ANIMATIONS)
    return True


OFFER_OPEN = """() => !!document.getElementById("keepcart-root")?.shadowRoot
  ?.querySelector("dialog.kco[open]")"""
SURVEY_OPEN = """() => !!document.getElementById("keepcart-root")?.shadowRoot
  ?.querySelector("dialog.kcs[open]")"""
NO_RUNNING_ANIMATIONS = """() => {
  const root = document.getElementById("keepcart-root")?.shadowRoot;
  const all = [...document.getAnimations(), ...(root ? root.getAnimations() : [])];
  return all.every((a) => a.playState !== "running");
}"""


# The pages are dealt into shards, each its own test: walking every page in one test took 36 s
# of a quiet machine, growing with each page, near the per-test timeout on a busy one.
SHARDS = 3
SHARD_IDS = [f"shard-{n}" for n in range(SHARDS)]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, list[str]]]:
    """One seeded stack and its pages for every walk of this module on a worker: the walks
    only read, and seeding cost each of them a few seconds."""
    with live_stack(tmp_path_factory.mktemp("walk")) as stack:
        yield stack, html_pages(stack)


@pytest.mark.parametrize("shard", range(SHARDS), ids=SHARD_IDS)
def test_every_admin_page_fits_a_phone_reaches_every_link_and_passes_axe(
    page: Page, walked: tuple[Stack, list[str]], shard: int
):
    page.set_viewport_size(PHONE)
    stack, every_page = walked
    pages = every_page[shard::SHARDS]
    sign_in(page, stack)
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    overflowing, unreachable, unaligned, violations = {}, {}, {}, {}
    for path in pages:
        if not visit(page, stack, path):
            continue
        if found := page.evaluate(OVERFLOW):
            overflowing[path] = found
        if missed := page.evaluate(NAV_LINKS_OUT_OF_REACH):
            unreachable[path] = missed
        if apart := page.evaluate(BOXES_OFF_THEIR_LABELS):
            unaligned[path] = apart
        if found := serious_violations(page):
            violations[path] = found
    assert overflowing == {}
    assert unreachable == {}
    assert unaligned == {}
    assert violations == {}


def test_the_store_navigation_wraps_on_a_phone_with_offers_in_reach(page: Page, stack: Stack):
    page.set_viewport_size(PHONE)
    sign_in(page, stack)
    navigation = page.get_by_role("navigation", name="Fernhill Goods")
    for name in ("Overview", "Products", "Orders", "Checkout settings", "Offers", "Members",
                 "Store settings"):  # fmt: skip
        link = navigation.get_by_role("link", name=name, exact=True)
        expect(link).to_be_in_viewport(ratio=1)
    navigation.get_by_role("link", name="Offers", exact=True).click()
    expect(page.get_by_role("heading", name="Offers", level=1)).to_be_visible()


def test_tables_become_labelled_cards_on_a_phone(page: Page, stack: Stack):
    page.set_viewport_size(PHONE)
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/products")
    price = page.locator("td[data-label='Price']").first
    expect(price).to_be_in_viewport()
    # The column's name is drawn beside the value, from the stylesheet (CSP allows it).
    label = price.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Price"'
    row = page.locator("tbody tr:not(.group-row)").first
    box = row.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"]
    # A table whose template does not label its cells is labelled from its column headers.
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns")
    exposed = page.locator("td[data-label='Exposed visitors']").first
    expect(exposed).to_be_in_viewport()


@pytest.mark.parametrize("shard", range(SHARDS), ids=SHARD_IDS)
@pytest.mark.parametrize("viewport", [DESKTOP], ids=["1366px"])
def test_every_admin_page_passes_axe_on_a_desktop(
    page: Page, walked: tuple[Stack, list[str]], viewport, shard
):
    page.set_viewport_size(viewport)
    stack, every_page = walked
    pages = every_page[shard::SHARDS]
    sign_in(page, stack)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    violations, overflowing = {}, {}
    for path in pages:
        if not visit(page, stack, path):
            continue
        if found := serious_violations(page):
            violations[path] = found
        if found := [line for line in page.evaluate(OVERFLOW) if re.match("the page", line)]:
            overflowing[path] = found
    assert violations == {}
    assert overflowing == {}
