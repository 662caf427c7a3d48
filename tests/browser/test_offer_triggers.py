"""The offers' other triggers, targeting rules and per-campaign frequency on the demo store, as
a shopper's browser runs them: time on page, scroll depth, an idle cart, a phone shopper
leaving the app and coming back or going quiet; UTM source, visit count, the cart and the
page address; "every N days", "until converted" and at most N impressions across sessions.

Campaigns come from ``campaign()`` in tests/browser/offering.py: exit intent with no minimum
time and no return delay, so a pointer leaving through the top decides at once and absence
is asserted without sleeping. Minutes and days pass on Playwright's clock (``page.clock``),
never in real time. A new tab is a new session of the same visitor.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from server.offers.model import Frequency, Targeting, Trigger
from tests.browser.conftest import Stack, wait_for
from tests.browser.offering import (
    ARMED,
    HEADLINE,
    OTHER_HEADLINE,
    allow_interruptions_per_week,
    campaign,
    exposures,
    leave_through_the_top,
    no_offer_dialog,
    offer,
    offer_events,
    open_shop,
    scroll_to_percent,
    settle_timers,
    switch_app,
)
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    add_to_cart,
    cart_drawer,
    chunk_requests,
    confirmation,
    fill_card,
    fill_details,
    pay,
    start_checkout,
)

MUG = "/products/stoneware-mug"  # €24.00
DAY_S = 24 * 60 * 60


def signals(stack: Stack) -> list[str]:
    return [row["signal"] for row in exposures(stack)]


def shown(stack: Stack, count: int) -> list[str]:
    """The campaigns of the offers shown (sorted: tabs send their events in their own time),
    once ``count`` are recorded. (Exposures keep only a visitor's first one per campaign.)"""

    def campaigns() -> list[str]:
        return sorted(
            props["campaign"] for name, props in offer_events(stack) if name == "offer:shown"
        )

    return wait_for(lambda: len(campaigns()) >= count and campaigns())


def nothing_shows(page: Page) -> bool:
    """No offer is open once the timers already queued in the page have run."""
    settle_timers(page)
    return no_offer_dialog(page)


def cart_count(page: Page) -> Locator:
    """The header's cart count, which the shop keeps live from Keepcart's cart:change."""
    return page.locator("header [data-cart-count]")


def open_cart(page: Page) -> Locator:
    page.locator("header").get_by_role("button", name=re.compile("^Cart")).click()
    drawer = cart_drawer(page)
    expect(drawer).to_be_visible()
    return drawer


def close_cart(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(cart_drawer(page)).to_be_hidden()


def change_quantity(page: Page, button: str, items: int) -> None:
    """In the cart drawer, press ``button`` (e.g. "Increase") on the mug's line once."""
    drawer = open_cart(page)
    drawer.get_by_role("button", name=f"{button} quantity of Stoneware Mug").click()
    expect(cart_count(page)).to_have_text(str(items))
    close_cart(page)


# --- triggers other than the pointer leaving -----------------------------------------------------


@DESKTOP
def test_time_on_page_shows_the_offer_when_the_seconds_have_passed(page: Page, stack: Stack):
    stack.only_campaigns(campaign(trigger=Trigger(kind="time_on_page", seconds=60)))
    page.clock.install()
    open_shop(page, stack)
    page.clock.run_for("00:50")
    assert nothing_shows(page)
    page.clock.run_for("00:11")
    expect(offer(page)).to_be_visible()
    assert wait_for(lambda: signals(stack)) == ["time_on_page"]


@DESKTOP
def test_scroll_depth_shows_the_offer_past_the_configured_share_of_the_page(
    page: Page, stack: Stack
):
    stack.only_campaigns(campaign(trigger=Trigger(kind="scroll_depth", percent=50)))
    open_shop(page, stack)
    scroll_to_percent(page, 40)
    assert nothing_shows(page)
    scroll_to_percent(page, 60)
    expect(offer(page)).to_be_visible()
    assert wait_for(lambda: signals(stack)) == ["scroll_depth"]


@DESKTOP
def test_a_cart_left_untouched_for_the_idle_minutes_shows_the_offer(page: Page, stack: Stack):
    stack.only_campaigns(campaign(trigger=Trigger(kind="cart_idle", idle_minutes=3)))
    page.clock.install()
    requested = chunk_requests(page, "offers")
    open_shop(page, stack, MUG, campaigns=0)
    page.clock.run_for("10:00")  # an empty cart is never idle
    assert nothing_shows(page)
    assert requested == []  # so no offers code loads until the cart has something in it
    add_to_cart(page, "Stoneware Mug")
    close_cart(page)
    # (the offers chunk mounts after this first change: it counts the minutes from then)
    wait_for(lambda: page.evaluate(ARMED) == 1, message="no offers once the cart had the mug")
    page.clock.run_for("02:30")
    assert nothing_shows(page)
    change_quantity(page, "Increase", 2)  # touching the cart starts the minutes again
    page.clock.run_for("02:30")
    assert nothing_shows(page)
    page.clock.run_for("00:40")
    expect(offer(page)).to_be_visible()
    assert wait_for(lambda: signals(stack)) == ["cart_idle"]


@PHONE
def test_phone_leaving_the_app_and_coming_back_shows_the_offer_once_armed(page: Page, stack: Stack):
    trigger = Trigger(kind="exit_intent", min_seconds=30, phone_signals=("tab_return",))
    stack.only_campaigns(campaign(trigger=trigger))
    page.clock.install()
    open_shop(page, stack)
    switch_app(page, hidden=True)
    switch_app(page, hidden=False)
    assert nothing_shows(page)  # before the minimum time on the page
    page.clock.run_for("00:30")
    switch_app(page, hidden=True)
    assert nothing_shows(page)  # leaving alone is not enough: it shows on the way back
    switch_app(page, hidden=False)
    expect(offer(page)).to_be_visible()
    assert wait_for(lambda: signals(stack)) == ["tab_return"]


@PHONE
def test_phone_inactivity_shows_the_offer_and_a_touch_starts_the_wait_again(
    page: Page, stack: Stack
):
    trigger = Trigger(kind="exit_intent", phone_signals=("inactivity",), inactivity_seconds=45)
    stack.only_campaigns(campaign(trigger=trigger))
    page.clock.install()
    open_shop(page, stack)
    page.clock.run_for("00:40")
    assert nothing_shows(page)
    page.get_by_role("heading", name="Goods for slow mornings").tap()
    page.clock.run_for("00:40")
    assert nothing_shows(page)
    page.clock.run_for("00:06")
    expect(offer(page)).to_be_visible()
    assert wait_for(lambda: signals(stack)) == ["inactivity"]


# --- targeting -----------------------------------------------------------------------------------


@DESKTOP
def test_utm_source_targeting_holds_for_the_session_the_source_came_with(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    [cmp] = stack.only_campaigns(campaign(targeting=Targeting(utm_sources=("newsletter",))))
    open_shop(page, stack, "/?utm_source=google")
    leave_through_the_top(page)
    assert nothing_shows(page)

    # From the newsletter (any case), then on to a page without the parameter.
    tab = new_tab()
    open_shop(tab, stack, "/?utm_source=Newsletter")
    open_shop(tab, stack, "/about")
    leave_through_the_top(tab)
    expect(offer(tab)).to_be_visible()

    # The next session came with no source.
    third = new_tab()
    open_shop(third, stack, "/about")
    leave_through_the_top(third)
    assert nothing_shows(third)
    assert shown(stack, 1) == [cmp]


@DESKTOP
def test_source_and_visits_count_on_pages_where_no_campaign_runs(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    """The loader counts them on every page, not only where the offers chunk loads."""
    allow_interruptions_per_week(stack, 14)
    on_products = ("*/products/*",)
    newsletter, third_visit = stack.only_campaigns(
        campaign("Newsletter", "Readers save 10%", targeting=Targeting(
            utm_sources=("newsletter",), include_urls=on_products)),
        campaign("Third visit", "Third time lucky", targeting=Targeting(
            min_visits=3, include_urls=on_products)),
    )  # fmt: skip
    # Visit 1 lands from the newsletter on the home page, where no campaign runs, then
    # opens a product: the session's source came with the home page.
    open_shop(page, stack, "/?utm_source=newsletter", campaigns=0)
    open_shop(page, stack, MUG, campaigns=2)
    leave_through_the_top(page)
    expect(offer(page, "Readers save 10%")).to_be_visible()
    # Visit 2 sees the home page only; visit 3 opens a product.
    open_shop(new_tab(), stack, "/", campaigns=0)
    third = new_tab()
    open_shop(third, stack, MUG, campaigns=2)
    leave_through_the_top(third)
    expect(offer(third, "Third time lucky")).to_be_visible()
    assert shown(stack, 2) == sorted([newsletter, third_visit])


@DESKTOP
def test_new_returning_and_visit_count_targeting_count_sessions_not_pages(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    allow_interruptions_per_week(stack, 14)
    third, first, back = stack.only_campaigns(
        campaign("Third visit", "Third time lucky", targeting=Targeting(min_visits=3)),
        campaign("New", "Welcome: 10% off", targeting=Targeting(visitor="new")),
        campaign("Returning", "Welcome back", targeting=Targeting(visitor="returning")),
    )
    open_shop(page, stack, campaigns=3)
    open_shop(page, stack, "/about", campaigns=3)  # another page, the same visit
    leave_through_the_top(page)
    expect(offer(page, "Welcome: 10% off")).to_be_visible()
    for headline in ("Welcome back", "Third time lucky"):  # the second and third visits
        tab = new_tab()
        open_shop(tab, stack, campaigns=3)
        leave_through_the_top(tab)
        expect(offer(tab, headline)).to_be_visible()
    assert shown(stack, 3) == sorted([first, back, third])


@DESKTOP
def test_cart_targeting_follows_the_cart_subtotal_as_it_changes(page: Page, stack: Stack):
    targeting = Targeting(cart="not_empty", subtotal_min=3000, subtotal_max=6000)
    stack.only_campaigns(campaign(targeting=targeting))
    requested = chunk_requests(page, "offers")
    open_shop(page, stack, MUG, campaigns=0)
    page.evaluate("new Promise((resolve) => requestIdleCallback(resolve))")  # idle loads too
    leave_through_the_top(page)
    assert nothing_shows(page)  # empty
    assert requested == []  # and no offer can show to an empty cart: no offers code loaded
    add_to_cart(page, "Stoneware Mug")
    close_cart(page)
    wait_for(lambda: page.evaluate(ARMED) == 1, message="no offers once the cart had the mug")
    assert len(requested) == 1
    leave_through_the_top(page)
    assert nothing_shows(page)  # €24.00: under the minimum
    change_quantity(page, "Increase", 2)
    change_quantity(page, "Increase", 3)
    leave_through_the_top(page)
    assert nothing_shows(page)  # €72.00: over the maximum
    change_quantity(page, "Decrease", 2)
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()  # €48.00
    assert len(shown(stack, 1)) == 1


@DESKTOP
def test_a_cart_campaign_loaded_by_the_first_add_sees_that_cart(page: Page, stack: Stack):
    """The offers code loads on the cart's first change (nothing could show before); it
    still counts the item that change added, with no further change to the cart."""
    stack.only_campaigns(campaign(targeting=Targeting(cart="not_empty")))
    open_shop(page, stack, MUG, campaigns=0)
    add_to_cart(page, "Stoneware Mug")
    close_cart(page)
    wait_for(lambda: page.evaluate(ARMED) == 1, message="no offers once the cart had the mug")
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()


@DESKTOP
def test_debug_mode_shows_a_cart_campaign_on_an_empty_cart(page: Page, stack: Stack):
    """?keepcart_debug=exit fires the page's first campaign whatever its targeting, so the
    offers code loads for it even when every campaign needs a cart; so does the command."""
    stack.only_campaigns(campaign(targeting=Targeting(cart="not_empty")))
    page.goto(stack.shop_url + MUG + "?keepcart_debug=exit")
    expect(offer(page)).to_be_visible()
    open_shop(page, stack, MUG, campaigns=0)
    page.evaluate("new Promise((resolve) => requestIdleCallback(resolve))")
    assert nothing_shows(page)
    page.evaluate("keepcart('debug', 'exit')")
    expect(offer(page)).to_be_visible()


@DESKTOP
def test_an_empty_cart_campaign_skips_a_returning_cart_until_it_is_emptied(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    stack.only_campaigns(campaign(targeting=Targeting(cart="empty")))
    open_shop(page, stack, MUG)
    add_to_cart(page, "Stoneware Mug")
    close_cart(page)

    tab = new_tab()  # the cart is still there in the next session
    open_shop(tab, stack, MUG)
    expect(cart_count(tab)).to_have_text("1")
    leave_through_the_top(tab)
    assert nothing_shows(tab)
    open_cart(tab).get_by_role("button", name="Remove Stoneware Mug").click()
    expect(cart_count(tab)).to_be_hidden()
    close_cart(tab)
    leave_through_the_top(tab)
    expect(offer(tab)).to_be_visible()


@DESKTOP
def test_page_address_patterns_include_and_exclude_pages(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    allow_interruptions_per_week(stack, 14)
    products = Targeting(include_urls=("*/products/*",), exclude_urls=("*/products/linen-*",))
    on_products, anywhere = stack.only_campaigns(
        campaign("Products", HEADLINE, targeting=products),
        campaign("Anywhere", OTHER_HEADLINE),
    )
    for tab, path, headline in (
        (page, "/", OTHER_HEADLINE),
        (new_tab(), MUG, HEADLINE),
        (new_tab(), "/products/linen-apron", OTHER_HEADLINE),
    ):
        open_shop(tab, stack, path)
        leave_through_the_top(tab)
        expect(offer(tab, headline)).to_be_visible()
    assert shown(stack, 3) == sorted([anywhere, on_products, anywhere])


# --- per-campaign frequency across sessions ------------------------------------------------------


@DESKTOP
def test_every_n_days_shows_a_dismissed_offer_again_only_after_the_days(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    frequency = Frequency(mode="every_n_days", days=2, max_impressions=None)
    stack.only_campaigns(campaign(frequency=frequency))
    open_shop(page, stack)
    leave_through_the_top(page)
    offer(page).get_by_role("button", name="Close").click()
    expect(offer(page)).to_be_hidden()

    tab = new_tab()  # the next session, the same day
    open_shop(tab, stack)
    leave_through_the_top(tab)
    assert nothing_shows(tab)

    page.context.clock.install(time=time.time() + 2 * DAY_S + 60)
    later = new_tab()
    open_shop(later, stack)
    leave_through_the_top(later)
    expect(offer(later)).to_be_visible()
    assert len(shown(stack, 2)) == 2


@DESKTOP
def test_at_most_the_configured_impressions_per_visitor(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    allow_interruptions_per_week(stack, 14)
    frequency = Frequency(mode="until_converted", max_impressions=2)
    stack.only_campaigns(campaign(frequency=frequency))
    for session in (page, new_tab()):  # seen, not dismissed: it may show again
        open_shop(session, stack)
        leave_through_the_top(session)
        expect(offer(session)).to_be_visible()
    third = new_tab()
    open_shop(third, stack)
    leave_through_the_top(third)
    assert nothing_shows(third)
    assert len(shown(stack, 2)) == 2


@DESKTOP
def test_until_converted_stops_after_the_visitor_buys(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    stack.only_campaigns(campaign(frequency=Frequency(mode="until_converted", max_impressions=5)))
    open_shop(page, stack, MUG)
    add_to_cart(page, "Stoneware Mug")
    close_cart(page)
    leave_through_the_top(page)
    offer(page).get_by_role("button", name="Claim 10% off").click()
    offer(page, "Offer claimed").get_by_role("button", name="View cart").click()
    checkout = start_checkout(page, cart_drawer(page))
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€26.55")
    expect(confirmation(page)).to_be_visible()

    tab = new_tab()
    open_shop(tab, stack)
    leave_through_the_top(tab)
    assert nothing_shows(tab)
    assert len(shown(stack, 1)) == 1
