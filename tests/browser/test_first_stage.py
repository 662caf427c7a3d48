"""keepcart.js's first stage (widget/src/boot.js) on the demo store: what a page left, hidden
or still loading gets from it before the loader proper takes over after the page's load."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Route

from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.shopping import LOADER_STARTED, assert_clean, wait_for_loader

PRODUCT = "/products/stoneware-mug"
FIRST_STAGE = "!!window.keepcart?.pending"
# Every click's fate, read after Keepcart's listener (on document) has seen it.
WATCH_CLICKS = """() => {
  window.clicks = [];
  addEventListener("click", (event) => clicks.push(event.defaultPrevented));
}"""


def open_still_loading(page: Page, stack: Stack, path: str = PRODUCT) -> None:
    """Open a shop page whose product images never answer: its load event never comes, so
    the first stage never hands over on its own."""
    page.route("**/static/products/*.svg", lambda route: None)
    page.goto(stack.shop_url + path, wait_until="domcontentloaded")
    wait_for(lambda: page.evaluate(FIRST_STAGE))
    assert page.evaluate("document.readyState") != "complete"


def move_on(page: Page, stack: Stack) -> None:
    """Leave for the shop's home page (it loads: its own loader starts)."""
    page.unroute("**/static/products/*.svg")
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)


def views_of(stack: Stack, path: str) -> list:
    return [row for row in stack.events(type="pageview") if row["url"] == stack.shop_url + path]


def test_a_track_call_made_before_the_hand_over_leaves_with_the_page_view(page: Page, stack: Stack):
    open_still_loading(page, stack)  # shop.js tracks product_view at DOMContentLoaded
    page.evaluate("() => { keepcart('track', 'early-call', {ok: true, bad: {nested: 1}}) }")
    move_on(page, stack)
    [view] = wait_for(lambda: views_of(stack, PRODUCT), message="the view was not sent")
    early = wait_for(lambda: stack.events(name="early-call"), message="the track was lost")
    product_views = stack.events(name="product_view")
    assert len(early) == 1 and len(product_views) == 1
    assert json.loads(early[0]["props"]) == {"ok": True}  # the nested one dropped, as ever
    for row in (early[0], product_views[0]):
        assert (row["session_id"], row["visitor_id"]) == (view["session_id"], view["visitor_id"])


def test_a_page_hidden_then_left_counts_its_view_once(page: Page, stack: Stack):
    """Hidden (a phone's tab switched away), shown again, set up on a click, then left: one
    page view, sent when it was first hidden; the loader does not record it again."""
    open_still_loading(page, stack)
    for call in ("first-look", "second-look"):  # hidden twice (back/forward cache and back)
        page.evaluate(f"() => {{ keepcart('track', '{call}') }}")
        page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")
    wait_for(lambda: views_of(stack, PRODUCT), message="the view was not sent when hidden")
    for call in ("first-look", "second-look"):  # each sent once, the later one too
        assert len(wait_for(lambda c=call: stack.events(name=c), message=call)) == 1
    page.get_by_role("button", name="Add to cart").first.click()  # the hand-over, at once
    wait_for(lambda: page.evaluate(LOADER_STARTED))
    move_on(page, stack)
    wait_for(lambda: views_of(stack, "/"))
    assert len(views_of(stack, PRODUCT)) == 1
    assert [len(stack.events(name=c)) for c in ("first-look", "second-look")] == [1, 1]


def test_consent_withdrawn_before_the_hand_over_forgets_the_stored_ids(page: Page, stack: Stack):
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    old = wait_for(lambda: page.evaluate("localStorage.getItem('keepcart:vid')"))
    open_still_loading(page, stack)
    page.evaluate("() => { keepcart('consent', false) }")
    move_on(page, stack)
    [view] = wait_for(lambda: views_of(stack, PRODUCT))
    assert view["visitor_id"] is None
    # The next page starts afresh (consent is the default on this shop): a new visitor.
    new = wait_for(lambda: page.evaluate("localStorage.getItem('keepcart:vid')"))
    assert new != old


@pytest.mark.shop(ask_consent=True)  # its snippet carries data-consent="required"
def test_in_consent_mode_a_page_left_early_sends_no_visitor_and_stores_nothing(
    page: Page, stack: Stack
):
    open_still_loading(page, stack)
    move_on(page, stack)
    [view] = wait_for(lambda: views_of(stack, PRODUCT))
    assert view["visitor_id"] is None and view["session_id"].startswith("s_")
    stored = page.evaluate(
        "[...Object.keys(localStorage), ...Object.keys(sessionStorage)]"
        ".filter((key) => key.startsWith('keepcart:'))"
    )
    assert stored == []


@pytest.mark.shop(ask_consent=True)
def test_in_consent_mode_a_page_hidden_early_keeps_one_session(page: Page, stack: Stack):
    """Nothing is stored without consent, so the loader keeps the session id the first
    stage's beacon carried: the page's later events are in the view's session."""
    open_still_loading(page, stack)
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")  # hidden, then back
    [view] = wait_for(lambda: views_of(stack, PRODUCT))
    page.get_by_role("button", name="Add to cart").first.click()  # the hand-over, at once
    wait_for(lambda: page.evaluate(LOADER_STARTED))
    page.evaluate("() => { keepcart('track', 'after-return') }")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")  # the loader's flush
    [later] = wait_for(lambda: stack.events(name="after-return"))
    assert later["session_id"] == view["session_id"]
    assert later["visitor_id"] is None


@pytest.mark.shop(ask_consent=True)
def test_in_consent_mode_consent_given_before_the_hand_over_counts_the_visitor(
    page: Page, stack: Stack
):
    open_still_loading(page, stack)
    page.evaluate("() => { keepcart('consent', true) }")
    move_on(page, stack)
    [view] = wait_for(lambda: views_of(stack, PRODUCT))
    assert view["visitor_id"].startswith("v_")
    assert page.evaluate("localStorage.getItem('keepcart:visits')") == "1"


def test_a_kept_reference_to_the_first_stage_reaches_the_loader(page: Page, stack: Stack):
    held: list[Route] = []
    page.route("**/v1/chunks/main.*", lambda route: held.append(route))
    page.goto(stack.shop_url + "/")
    wait_for(lambda: page.evaluate("document.readyState") == "complete" and held)
    page.evaluate("window.kept = keepcart")
    held[0].continue_()
    wait_for_loader(page)
    page.evaluate("() => { kept('track', 'through-kept', {}) }")
    page.goto("about:blank")  # pagehide flushes the batch
    wait_for(lambda: stack.events(name="through-kept"), message="the call was lost")


def test_a_page_left_while_its_config_is_on_the_way_still_sends_its_view_and_calls(
    page: Page, stack: Stack
):
    """Leaving cancels the config's request; its rejection used to come between two pagehide
    listeners and turn Keepcart off (dropping the queue) before the loader's beacon left."""
    page.route("**/v1/stores/*/config", lambda route: None)  # never answers
    page.goto(stack.shop_url + PRODUCT)
    wait_for_loader(page)
    page.evaluate("() => { keepcart('track', 'before-the-config', {}) }")
    page.goto("about:blank")
    wait_for(lambda: stack.events(name="before-the-config"), message="the call was lost")
    assert len(views_of(stack, PRODUCT)) == 1


def test_cart_buttons_go_back_to_the_page_when_the_loader_never_comes(page: Page, stack: Stack):
    """The loader's file never answers: after the config's time limit (10 s) Keepcart gives
    up, and the shop's cart buttons are its own again."""
    held: list[Route] = []
    page.route("**/v1/chunks/main.*", lambda route: held.append(route))
    page.clock.install()  # the page's time runs as usual until the test moves it on
    page.goto(stack.shop_url + PRODUCT)
    wait_for(lambda: page.evaluate("document.readyState") == "complete" and held)
    page.evaluate(WATCH_CLICKS)
    button = page.get_by_role("button", name="Add to cart").first
    button.click()
    assert page.evaluate("clicks") == [True]  # held for Keepcart, which is on its way
    page.clock.run_for(10_500)
    button.click()
    assert page.evaluate("clicks") == [True, False]
    held[0].continue_()  # the loader, too late: it must not start on a page given up
    page.wait_for_timeout(500)
    assert page.evaluate(FIRST_STAGE)
    assert page.evaluate("typeof keepcart('on', 'ready', () => {})") == "function"
    page.evaluate("() => { keepcart('track', 'after-giving-up') }")
    page.goto("about:blank")
    page.wait_for_timeout(300)
    assert stack.events(name="after-giving-up") == []
    assert views_of(stack, PRODUCT) == []  # Keepcart was off on that page: nothing recorded


def test_a_snippet_without_a_store_leaves_cart_buttons_to_the_page(page: Page, stack: Stack):
    # The demo's tag, its data-store taken off as the parser inserts it (before it runs).
    page.add_init_script("""new MutationObserver(() => {
      for (const tag of document.querySelectorAll("script[data-store]")) {
        tag.removeAttribute("data-store");
      }
    }).observe(document, { childList: true, subtree: true });""")
    open_still_loading(page, stack)  # clicked while loading: before any hand-over was tried
    page.evaluate(WATCH_CLICKS)
    page.get_by_role("button", name="Add to cart").first.click()
    assert page.evaluate("clicks") == [False]
    page.wait_for_timeout(300)
    assert page.evaluate(FIRST_STAGE)  # no loader ever took over


def test_the_first_stage_never_throws_into_the_page(page: Page, stack: Stack):
    open_still_loading(page, stack)
    assert page.evaluate("() => { keepcart(Symbol('odd')); keepcart(); return 'fine' }") == "fine"


def test_consent_withdrawn_after_a_hide_sends_no_visitor_and_forgets_it(page: Page, stack: Stack):
    open_still_loading(page, stack)
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")  # hidden, then back
    [view] = wait_for(lambda: views_of(stack, PRODUCT))
    assert view["visitor_id"].startswith("v_")
    page.evaluate("() => { keepcart('consent', false); keepcart('track', 'after-withdrawal') }")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")  # hidden again
    [track] = wait_for(lambda: stack.events(name="after-withdrawal"))
    assert track["visitor_id"] is None and track["session_id"] == view["session_id"]
    assert page.evaluate("localStorage.getItem('keepcart:vid')") is None


def test_consent_withdrawn_and_given_again_before_the_hand_over_keeps_the_new_visitor(
    page: Page, stack: Stack
):
    """Applied once, in order, by whichever stage runs first: the visitor the first stage's
    beacon carried (a new one: the old was forgotten) is the one the loader goes on with."""
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    old = wait_for(lambda: page.evaluate("localStorage.getItem('keepcart:vid')"))
    open_still_loading(page, stack)
    page.evaluate("() => { keepcart('consent', false); keepcart('consent', true) }")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")
    [view] = wait_for(lambda: views_of(stack, PRODUCT))
    assert view["visitor_id"].startswith("v_") and view["visitor_id"] != old
    page.get_by_role("button", name="Add to cart").first.click()  # the hand-over
    wait_for(lambda: page.evaluate(LOADER_STARTED))
    page.evaluate("() => { keepcart('track', 'after-hand-over') }")
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")
    [track] = wait_for(lambda: stack.events(name="after-hand-over"))
    assert track["visitor_id"] == view["visitor_id"]


THROWING_PROPS = "{ get boom() { throw new Error('read me not') } }"


def test_a_track_whose_props_throw_costs_no_other_call(page: Page, stack: Stack):
    open_still_loading(page, stack)
    page.evaluate(f"() => {{ keepcart('track', 'bad', {THROWING_PROPS}); "
                  "keepcart('track', 'good-when-hidden') }")  # fmt: skip
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")
    wait_for(lambda: stack.events(name="good-when-hidden"), message="lost with the bad one")
    page.evaluate(f"() => {{ keepcart('track', 'bad', {THROWING_PROPS}); "
                  "keepcart('track', 'good-after-hand-over') }")  # fmt: skip
    page.get_by_role("button", name="Add to cart").first.click()  # the loader replays both
    wait_for(lambda: page.evaluate(LOADER_STARTED))
    page.evaluate("dispatchEvent(new PageTransitionEvent('pagehide'))")
    wait_for(lambda: stack.events(name="good-after-hand-over"), message="the loader stopped")
    assert stack.events(name="bad") == []


# Marks the page's load event from its first listener until a task after it, and records each
# idle callback Keepcart asks for (the hand-over waits for one) with when it was asked:
# "before" the load event, "in" its task, or "after" it.
WATCH_THE_LOAD_TASK = """
addEventListener("load", () => {
  window.inLoad = true;
  setTimeout(() => { window.inLoad = false });
}, true);
window.idleAsked = [];
const askIdle = window.requestIdleCallback;
window.requestIdleCallback = function (...args) {
  if (/keepcart\\.js/.test(new Error().stack)) {
    idleAsked.push({ true: "in", false: "after" }[window.inLoad] || "before");
  }
  return askIdle.apply(this, args);
};
"""


def test_the_hand_over_runs_nothing_in_the_pages_load_event(page: Page, stack: Stack):
    """The page's load task is often long already (its first full layout): a listener of
    Keepcart's in it would make it longer. The first stage waits for the navigation entry,
    which the browser gives out in a task after the load event."""
    page.add_init_script(WATCH_THE_LOAD_TASK)
    page.goto(stack.shop_url + PRODUCT)
    wait_for_loader(page)
    assert page.evaluate("idleAsked") == ["after"]


def test_without_navigation_entries_the_hand_over_still_follows_the_load_event(
    page: Page, stack: Stack
):
    """A browser that cannot observe the navigation entry: the load event starts it."""
    page.add_init_script(
        'Object.defineProperty(PerformanceObserver, "supportedEntryTypes", { get: () => [] });'
        + WATCH_THE_LOAD_TASK
    )
    page.goto(stack.shop_url + PRODUCT)
    wait_for_loader(page)
    assert page.evaluate("idleAsked") == ["in"]


# Navigation entries as some browsers (or a page's wrapper of PerformanceObserver) give them
# out: each must still hand over, after the load event, and never throw into the page.
FAKE_OBSERVER = """
window.PerformanceObserver = class {
  static supportedEntryTypes = ["navigation"];
  constructor(callback) { this.callback = callback; }
  disconnect() {}
  observe() { %s }
};
"""
# Each with when the hand-over may come: in the load event's task (a load listener) or after
# it; never before.
ODD_OBSERVERS = {
    # Safari before 2025: the entry as soon as the document arrived, its loadEventEnd 0, and
    # never again.
    "early": (
        "setTimeout(() => this.callback({ getEntries: () => [{ loadEventEnd: 0 }] }, this))",
        {"in", "after"},
    ),
    # Firefox resisting fingerprinting: never.
    "never": ("", {"after"}),
    # A wrapper that throws, passes the callback nothing, or its list alone.
    "throws": ("throw new TypeError('not here')", {"in"}),
    "nothing": ("setTimeout(() => this.callback())", {"in", "after"}),
    "list alone": (
        "addEventListener('load', () => setTimeout(() => this.callback("
        "{ getEntries: () => [{ loadEventEnd: 1 }] })))",
        {"after"},
    ),
}


@pytest.mark.parametrize("odd", ODD_OBSERVERS)
def test_the_hand_over_follows_the_load_event_whatever_the_observer_does(
    page: Page, stack: Stack, problems: PageProblems, odd: str
):
    observe, when = ODD_OBSERVERS[odd]
    page.add_init_script(FAKE_OBSERVER % observe + WATCH_THE_LOAD_TASK)
    page.goto(stack.shop_url + PRODUCT)
    wait_for_loader(page)
    assert page.evaluate("idleAsked")[0] in when
    assert_clean(problems)
