"""The snippet on the demo store, as a shopper's browser runs it."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from demo_store import create_demo_app
from tests.browser.axe import serious_violations
from tests.browser.conftest import LiveServer, PageProblems, Stack, wait_for
from tests.browser.shopping import add_to_cart, wait_for_loader
from tests.process import free_port


def test_demo_store_page_view_lands_in_the_database(page: Page, stack: Stack):
    page.goto(stack.shop_url + "/")
    views = wait_for(lambda: stack.events(type="pageview"), message="no page view stored")
    assert views[0]["url"] == stack.shop_url + "/"
    assert views[0]["store_id"] == stack.store.id
    assert views[0]["visitor_id"].startswith("v_")
    assert views[0]["session_id"].startswith("s_")


def test_a_call_queued_before_the_loader_is_replayed_in_order(page: Page, stack: Stack):
    page.add_init_script(
        "window.keepcart = window.keepcart || function () {"
        " (window.keepcart.q = window.keepcart.q || []).push(arguments) };"
        "keepcart('track', 'queued-first', {n: 1});"
        "keepcart('track', 'queued-second', {n: 2});"
    )
    page.goto(stack.shop_url + "/about")
    rows = wait_for(lambda: stack.events(type="custom"), message="queued calls were not sent")
    wait_for(lambda: len(stack.events(type="custom")) == 2)
    rows = stack.events(type="custom")
    assert [r["name"] for r in rows] == ["queued-first", "queued-second"]
    assert json.loads(rows[0]["props"]) == {"n": 1}


def test_ready_callbacks_given_before_the_config_answers_run_once(page: Page, stack: Stack):
    """A merchant's keepcart('on', 'ready', fn), queued before the loader or given while the
    config is still on its way, runs once when Keepcart is ready; one given later runs at once."""
    page.add_init_script(
        "window.keepcart = window.keepcart || function () {"
        " (window.keepcart.q = window.keepcart.q || []).push(arguments) };"
        "window.readyCalls = [];"
        "keepcart('on', 'ready', () => readyCalls.push('queued'));"
    )
    held = []
    page.route("**/config", lambda route: held.append(route))
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    # A function, so Playwright does not call what keepcart('on', …) returns (the unsubscribe).
    page.evaluate("() => { keepcart('on', 'ready', () => readyCalls.push('live')) }")
    # (evaluate lets Playwright hand over the held route; a bare sleep would not)
    wait_for(lambda: page.evaluate("readyCalls") == [] and held, message="no config asked for")
    held[0].continue_()
    wait_for(lambda: len(page.evaluate("readyCalls")) == 2, message="a ready callback never ran")
    page.evaluate("() => { keepcart('on', 'ready', () => readyCalls.push('late')) }")
    assert page.evaluate("readyCalls") == ["queued", "live", "late"]


def test_on_before_the_loader_returns_a_working_unsubscribe(page: Page, stack: Stack):
    """keepcart.js's first stage only queues calls, yet keepcart('on', …) returns its
    unsubscribe as the loader's does: called before the hand-over, the callback never runs."""
    held = []
    page.route("**/v1/chunks/main.*", lambda route: held.append(route))
    page.goto(stack.shop_url + "/")
    # the page loaded, the loader proper held (evaluate() lets Playwright run the route handler)
    wait_for(lambda: page.evaluate("document.readyState") == "complete" and held)
    page.evaluate("""() => {
      window.readyCalls = [];
      const off = keepcart('on', 'ready', () => readyCalls.push('dropped'));
      keepcart('on', 'ready', () => readyCalls.push('kept'));
      off();
    }""")
    assert page.evaluate("keepcart.pending") is True
    held[0].continue_()
    wait_for(lambda: page.evaluate("readyCalls.length") > 0, message="never ready")
    page.wait_for_timeout(300)
    assert page.evaluate("readyCalls") == ["kept"]


def test_a_cart_click_before_the_page_has_loaded_sets_up_at_once(page: Page, stack: Stack):
    """Setup waits for the page's load, unless a shopper is waiting: an add to cart clicked
    while the page still loads (an image hangs) fetches the config and opens the drawer."""
    hanging = []
    page.route("**/static/products/*.svg", lambda route: hanging.append(route))
    page.goto(stack.shop_url + "/products/stoneware-mug", wait_until="domcontentloaded")
    wait_for(lambda: page.evaluate("!!window.keepcart?.pending"))  # keepcart.js's first stage
    add_to_cart(page, "Stoneware Mug")  # the drawer opens with the mug's line in it
    assert page.evaluate("document.readyState") != "complete"  # the page never loaded
    assert hanging, "no image hung: the page could have loaded"


def test_a_page_left_before_its_load_counts_its_view_in_the_shoppers_session(
    page: Page, stack: Stack
):
    """keepcart.js's first stage hands over to the loader only after the page's load: a
    shopper who moves on before (an image hangs) still has that page view counted, by beacon,
    in the same session and with the same visitor as the page they go on to."""
    page.route("**/static/products/*.svg", lambda route: None)  # never answered: no load
    page.goto(stack.shop_url + "/products/stoneware-mug", wait_until="domcontentloaded")
    wait_for(lambda: page.evaluate("!!window.keepcart?.pending"))
    assert page.evaluate("document.readyState") != "complete"
    page.unroute("**/static/products/*.svg")
    page.goto(stack.shop_url + "/")  # pagehide on the product page, before its load
    wait_for_loader(page)
    views = wait_for(
        lambda: rows if len(rows := stack.events(type="pageview")) == 2 else None,
        message="the page left before its load was not counted",
    )
    first, second = sorted(views, key=lambda row: row["occurred_at"])
    assert first["url"] == stack.shop_url + "/products/stoneware-mug"
    assert second["url"] == stack.shop_url + "/"
    assert first["session_id"].startswith("s_") and first["visitor_id"].startswith("v_")
    assert (first["session_id"], first["visitor_id"]) == (
        second["session_id"],
        second["visitor_id"],
    )
    assert page.evaluate("localStorage.getItem('keepcart:visits')") == "1"  # one visit


def test_track_after_load_and_flush_on_pagehide(page: Page, stack: Stack):
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    page.evaluate("keepcart('track', 'late-call', {ok: true})")
    page.goto("about:blank")  # pagehide flushes what is still batched
    rows = wait_for(lambda: stack.events(name="late-call"), message="pagehide flush lost it")
    assert json.loads(rows[0]["props"]) == {"ok": True}


def test_strict_csp_page_loads_the_widget_cleanly(page: Page, stack: Stack, problems: PageProblems):
    response = page.goto(stack.shop_url + "/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and f"script-src 'self' {stack.keepcart_url}" in csp
    assert f"connect-src {stack.keepcart_url}" in csp and "style-src 'self'" in csp
    wait_for(lambda: stack.events(type="pageview"))
    wait_for_loader(page)
    assert problems.csp_violations == []
    assert problems.errors == []
    assert problems.console_errors == []


@pytest.mark.shop(ask_consent=True)  # its snippet carries data-consent="required"
def test_consent_mode_sends_no_visitor_id_until_consent(page: Page, stack: Stack):
    page.goto(stack.shop_url + "/")
    banner = page.get_by_role("region", name="Privacy choices")
    expect(banner).to_be_visible()
    views = wait_for(lambda: stack.events(type="pageview"))
    assert views[0]["visitor_id"] is None
    stored = "Object.keys(localStorage).concat(Object.keys(sessionStorage))"
    assert [k for k in page.evaluate(stored) if k.startswith("keepcart")] == []

    banner.get_by_role("button", name="Allow").click()
    expect(banner).to_be_hidden()
    page.evaluate("keepcart('track', 'after-consent')")
    page.get_by_role("link", name="About").first.click()
    after = wait_for(lambda: stack.events(name="after-consent"))
    assert after[0]["visitor_id"].startswith("v_")
    # The next page passes the remembered answer on: page views carry the visitor id.
    wait_for(lambda: len(stack.events(type="pageview")) == 2)
    assert stack.events(type="pageview")[1]["visitor_id"] == after[0]["visitor_id"]


def test_shop_works_when_keepcart_is_down(page: Page, problems: PageProblems):
    dead_keepcart = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    with LiveServer(create_demo_app(dead_keepcart, "pk_unreachable"), free_port()) as shop:
        page.goto(shop.url + "/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.get_by_role("link", name="About").first.click()
        expect(page).to_have_url(shop.url + "/about")
    assert problems.errors == []
    expect(page.locator("#keepcart-root")).to_have_count(0)


def test_widget_stays_quiet_when_the_api_fails(page: Page, stack: Stack, problems: PageProblems):
    # The loader arrives, but its API calls fail: features stay off, the page is untouched.
    page.route("**/v1/stores/**", lambda route: route.abort("connectionrefused"))
    page.route("**/v1/events", lambda route: route.abort("connectionrefused"))
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    page.evaluate("keepcart('track', 'while-offline')")
    page.get_by_role("link", name="About").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert problems.errors == []


def test_demo_store_pages_are_accessible(page: Page, stack: Stack):
    for path in ("/", "/about"):
        page.goto(stack.shop_url + path)
        wait_for(lambda: stack.events(type="pageview"))
        assert serious_violations(page) == [], path
