"""Exit-intent offers in the browser tier: the campaign the offer tests save (exit intent with
no minimum time and no return delay, so a pointer leaving through the top decides at once),
what the shopper's browser does to see one, and the exposures and offer events stored."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

from playwright.sync_api import Locator, Page

from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from tests.browser.conftest import Stack, wait_for
from tests.browser.shopping import wait_for_loader

HEADLINE = "Before you go: 10% off"
OTHER_HEADLINE = "Still deciding? Free shipping"


def campaign(
    name: str = "Exit offer",
    headline: str = HEADLINE,
    offer: Offer | None = None,
    trigger: Trigger | None = None,
    frequency: Frequency | None = None,
    targeting: Targeting | None = None,
) -> Campaign:
    return Campaign(
        name=name,
        trigger=trigger or Trigger(kind="exit_intent", min_seconds=0, return_delay_ms=0),
        targeting=targeting or Targeting(),
        frequency=frequency or Frequency(mode="until_converted", max_impressions=5),
        holdout_percent=0,
        variants=(
            Variant(
                key="A",
                weight=100,
                headline=headline,
                body="Take 10% off your order for the next 30 minutes.",
                button_text="Claim 10% off",
                offer=offer or Offer(kind="percent", value=10, expires_minutes=30),
            ),
        ),
    )


# How many campaigns' arms the offers chunk has fetched (answered, then a task later, so the
# answers are read). It builds no dialog before a trigger fires, so this is what "ready" is.
# (setTimeout and a buffered PerformanceObserver: page.clock fakes requestIdleCallback and
# performance.getEntriesByType.)
ARMED = """() => new Promise((resolve) => setTimeout(() => {
  const observer = new PerformanceObserver(() => {});
  observer.observe({ type: "resource", buffered: true });
  const entries = observer.takeRecords();
  observer.disconnect();
  resolve(entries.filter((entry) => entry.name.includes("/arm?") && entry.responseEnd > 0).length);
}))"""


def open_shop(page: Page, stack: Stack, path: str = "/", campaigns: int = 1) -> None:
    """Open a shop page and wait until the offers chunk has every campaign's arm."""
    page.goto(stack.shop_url + path)
    wait_for_loader(page)
    # Setup (after the page's load, when idle) is done: this page's visit is counted.
    page.evaluate("new Promise((resolve) => keepcart('on', 'ready', () => resolve(true)))")
    wait_for(lambda: page.evaluate(ARMED) >= campaigns, message="the offers never got ready")


def leave_through_the_top(page: Page) -> None:
    """The pointer moves from the page up and out of the window."""
    page.mouse.move(600, 200)
    page.mouse.move(600, 5, steps=4)
    page.mouse.move(600, -20)


def end_campaign(stack: Stack, cmp: str) -> None:
    """The merchant ends the campaign (in the admin, while a shopper's page has it)."""
    with closing(sqlite3.connect(stack.db_path, timeout=10)) as conn, conn:
        conn.execute("UPDATE campaigns SET status = 'ended' WHERE public_id = ?", (cmp,))


def settle_timers(page: Page) -> None:
    """Until timers already queued in the page (a 0 ms return delay) have run."""
    page.evaluate("new Promise((resolve) => setTimeout(resolve, 0))")


def offer(page: Page, headline: str = HEADLINE) -> Locator:
    return page.get_by_role("dialog", name=headline)


def exposures(stack: Stack) -> list[dict]:
    rows = stack.query(
        "SELECT c.public_id AS campaign, e.visitor_id, e.arm, e.signal FROM exposures e"
        " JOIN campaigns c ON c.id = e.campaign_id ORDER BY e.created_at"
    )
    return [dict(row) for row in rows]


def offer_events(stack: Stack) -> list[tuple[str, dict]]:
    return [(row["name"], json.loads(row["props"])) for row in stack.events(type="offer")]


def no_offer_dialog(page: Page) -> bool:
    return not page.evaluate("""() => {
      const root = document.getElementById("keepcart-root")?.shadowRoot;
      return !!root?.querySelector("dialog.kco[open]");
    }""")


def switch_app(page: Page, hidden: bool) -> None:
    """The shopper switches to another app (``hidden``) or back. Playwright keeps every page
    visible (microsoft/playwright#2286), so this plays the browser's part: the visibility
    state changes, then ``visibilitychange`` is dispatched on the document."""
    page.evaluate(
        """(hidden) => {
          for (const [name, value] of [["hidden", hidden], ["visibilityState",
              hidden ? "hidden" : "visible"]]) {
            Object.defineProperty(document, name, {configurable: true, get: () => value});
          }
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def allow_interruptions_per_week(stack: Stack, count: int) -> None:
    """The merchant's budget setting, so that a test of one campaign's frequency over several
    sessions is not stopped by the shared weekly budget (2 by default)."""
    with closing(sqlite3.connect(stack.db_path, timeout=10)) as conn, conn:
        conn.execute(
            "UPDATE stores SET interruptions_per_week = ? WHERE id = ?", (count, stack.store.id)
        )


def next_frame(page: Page) -> None:
    """Until the page has rendered twice: scroll events are dispatched before a frame."""
    page.evaluate("new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def scroll_to_percent(page: Page, percent: int) -> None:
    """Scroll with the mouse wheel until ``percent`` of the scrollable height is above."""
    target = page.evaluate(
        f"Math.round((document.documentElement.scrollHeight - innerHeight) * {percent} / 100)"
    )
    page.mouse.move(640, 400)
    page.mouse.wheel(0, target - page.evaluate("scrollY"))
    wait_for(lambda: abs(page.evaluate("scrollY") - target) <= 1, message="did not scroll")
    next_frame(page)
