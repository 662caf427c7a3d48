"""What the snippet does to the page it is pasted into (issue 11): before the page's load
only the loader itself (its config request waits for the load); storage read once; the offer
dialog built only when its trigger fires."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Stack, wait_for
from tests.browser.offering import campaign, leave_through_the_top, offer, open_shop
from tests.browser.shopping import DESKTOP, add_to_cart

# Before any page script: every Storage call, and whether the page's load event had come.
WATCH = """
window.__cost = { storage: [], loaded: false };
for (const method of ["getItem", "setItem", "removeItem", "clear", "key"]) {
  const original = Storage.prototype[method];
  Storage.prototype[method] = function (...args) {
    const area = this === window.sessionStorage ? "session" : "local";
    window.__cost.storage.push({ method, area, key: args[0], beforeLoad: !window.__cost.loaded });
    return original.apply(this, args);
  };
}
addEventListener("load", () => {
  window.__cost.loaded = true;
}, { capture: true });
"""
# The requests the page started before its load event was done, its listeners included (read
# once they have finished).
STARTED_BEFORE_LOAD = """() => {
  const load = performance.getEntriesByType("navigation")[0].loadEventEnd;
  return performance.getEntriesByType("resource")
    .filter((entry) => entry.startTime < load).map((entry) => entry.name);
}"""


def keepcart_requests_before_load(page: Page, stack: Stack) -> list[str]:
    urls = page.evaluate(STARTED_BEFORE_LOAD)
    return [
        url.removeprefix(stack.keepcart_url) for url in urls if url.startswith(stack.keepcart_url)
    ]


@DESKTOP
def test_before_the_load_event_only_the_loader_no_request_and_no_storage(page: Page, stack: Stack):
    stack.only_campaigns(campaign())
    page.add_init_script(WATCH)
    open_shop(page, stack)  # set up, with the campaign's arm: the config did come
    assert keepcart_requests_before_load(page, stack) == ["/v1/keepcart.js"]
    calls = page.evaluate("window.__cost.storage")
    assert calls, "the widget never read its storage"
    assert [call for call in calls if call["beforeLoad"]] == []


@DESKTOP
def test_each_storage_key_is_read_at_most_once_per_page(page: Page, stack: Stack):
    stack.only_campaigns(campaign())
    page.add_init_script(WATCH)
    open_shop(page, stack, "/products/stoneware-mug")
    add_to_cart(page, "Stoneware Mug")  # the checkout chunk and the cart token too
    page.keyboard.press("Escape")
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()  # the offers' interruption memory, read and written
    reads = [
        (call["area"], call["key"])
        for call in page.evaluate("window.__cost.storage")
        if call["method"] == "getItem"
    ]
    assert ("local", "keepcart:cart") in reads and ("local", "keepcart:vid") in reads
    assert len(reads) == len(set(reads)), reads
    # What was written reached storage (after the task that wrote it).
    wait_for(lambda: page.evaluate("localStorage.getItem('keepcart:interruptions')"))
    assert page.evaluate("localStorage.getItem('keepcart:cart')")


@DESKTOP
def test_the_offer_dialog_does_not_exist_before_its_trigger_and_shows_on_it(
    page: Page, stack: Stack
):
    stack.only_campaigns(campaign())
    open_shop(page, stack)  # the offers chunk has the visitor's arm
    built = """() => !!document.getElementById("keepcart-root")?.shadowRoot
      ?.querySelector("dialog.kco")"""
    assert page.evaluate(built) is False
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()
    assert page.evaluate(built) is True


@DESKTOP
def test_offer_chunks_are_fetched_with_a_low_priority_hint(page: Page, stack: Stack):
    stack.only_campaigns(campaign())
    open_shop(page, stack)
    hints = page.evaluate("""() => [...document.querySelectorAll('link[rel=modulepreload]')]
      .map((link) => [new URL(link.href).pathname.split('.')[0], link.fetchPriority])""")
    assert ["/v1/chunks/offers", "low"] in hints


# Marks, from the offers chunk's first listener until a task after it, the task that sets up
# its watches, and records for each arm request whether it started in that task.
WATCH_THE_SETUP_TASK = """
window.armInSetup = [];
const listen = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (...args) {
  if (!window.inSetup && /chunks\\/offers\\./.test(new Error().stack)) {
    window.inSetup = true;
    setTimeout(() => { window.inSetup = false });
  }
  return listen.apply(this, args);
};
const fetchNow = window.fetch;
window.fetch = function (...args) {
  if (String(args[0]).includes("/arm?")) armInSetup.push(window.inSetup === true);
  return fetchNow.apply(this, args);
};
"""


@DESKTOP
def test_the_offers_ask_for_their_arms_in_a_task_after_setting_up_their_watches(
    page: Page, stack: Stack
):
    """Reading the offers' memory, the watches' listeners and a first fetch() each cost the
    page several ms at 4× CPU: in one task they made a long task on the host-page bench."""
    stack.only_campaigns(campaign())
    page.add_init_script(WATCH_THE_SETUP_TASK)
    open_shop(page, stack)
    assert page.evaluate("armInSetup") == [False]
