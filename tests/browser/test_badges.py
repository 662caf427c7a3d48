"""Trust badges on the demo store, as a shopper's browser shows them: each kind only while its
fact holds (HTTP or HTTPS, the free-shipping threshold, the dispatch cut-off on the test
clock), no layout shift, the details dialogs by keyboard and for screen readers, the holdout
that sees nothing while its exposure counts, social proof only above its threshold, and the
chunk loaded only where a page has somewhere to show badges.

Keepcart's clock is Monday 7 December 2026, 11:46 in Dublin (the demo shop's cut-off is 14:00
that day); the page's clock starts half a minute earlier, so its countdown reads 2 h 14 min.
The browser speaks Irish English: the shopper's likely zone is Ireland's (free over €60).
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from server.trust.holdout import HOLDOUT, arm_for
from server.trust.model import DEFAULT_PLACEMENTS, TrustSettings
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.layout import layout_shifts, watch_layout_shifts
from tests.browser.shopping import (
    add_to_cart,
    assert_clean,
    focused_name,
    open_product,
    order_over_the_api,
    settle,
    start_checkout,
)
from tests.browser.trusting import (
    CONTACT,
    HTTP_SHOP,
    HTTPS_SHOP,
    RETURNS,
    exposures,
    mount,
    ready,
    serve_as,
    strip,
    trust_stack,
)

MONDAY_MORNING = int(datetime(2026, 12, 7, 11, 46, tzinfo=UTC).timestamp() * 1000)
PAGE_START = datetime(2026, 12, 7, 11, 45, 30, tzinfo=UTC)
IRISH = {"locale": "en-IE", "timezone_id": "Europe/Dublin"}
DESKTOP = pytest.mark.browser_context_args(**IRISH, viewport={"width": 1280, "height": 860})
NARROWEST = pytest.mark.browser_context_args(
    **IRISH, viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
)
COUNTDOWN = "Order within 2 h 14 min to get it Tue 8 – Thu 10 Dec"
AFTER_CUTOFF = "Get it Wed 9 – Fri 11 Dec"
PAYMENTS = "We accept: Card (test mode), Bank transfer, Cash on delivery"
CARD = {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"}


@pytest.fixture
def monday(tmp_path: Path) -> Iterator[Stack]:
    """The demo store with no policies written, no contact details, no holdout."""
    with trust_stack(tmp_path, clock_ms=MONDAY_MORNING) as stack:
        yield stack


@pytest.fixture
def written(tmp_path: Path) -> Iterator[Stack]:
    """The merchant has written the returns policy and support hours, and given a contact."""
    with trust_stack(tmp_path, RETURNS, clock_ms=MONDAY_MORNING, contact=CONTACT) as stack:
        yield stack


def shop_at_the_test_time(page: Page, stack: Stack, slug: str = "stoneware-mug") -> None:
    page.clock.install(time=PAGE_START)
    open_product(page, stack, slug)


def says(badge: Locator, words: str | re.Pattern[str]) -> None:
    """Until ``badge`` reads ``words`` (hidden copies left out; the clock, a grid of its value
    and their room, on a line of its own in innerText)."""
    expect(badge).to_have_text(words, use_inner_text=True)


def badge_texts(page: Page, placement: str = "product") -> list[str]:
    """Each badge's words as read (hidden copies left out), without the line breaks
    innerText puts between a badge's flex items."""
    expect(strip(page, placement)).to_be_visible()
    items = strip(page, placement).get_by_role("listitem")
    texts = (re.sub(r"\s+", " ", text) for text in items.all_inner_texts())
    return [re.sub(r"\s+(,|$)", r"\1", text) for text in texts]


# --- each kind only while its fact holds --------------------------------------------------------


@DESKTOP
def test_a_shop_with_nothing_written_shows_only_what_keepcart_knows(
    page: Page, monday: Stack, problems: PageProblems
):
    shop_at_the_test_time(page, monday)
    assert badge_texts(page) == [COUNTDOWN, "Free shipping over €60", PAYMENTS]
    # The footer asks for secure checkout (the page is HTTP), returns and support (not
    # written, no contact): only the payment methods are true.
    mount(page, "footer").scroll_into_view_if_needed()
    assert badge_texts(page, "footer") == [PAYMENTS]
    expect(page.get_by_text("Secure checkout", exact=True)).to_have_count(0)
    # No share is held out: nothing is measured, so nothing is written.
    page.wait_for_load_state("networkidle")
    assert exposures(monday) == []
    assert_clean(problems)


@DESKTOP
def test_written_policies_and_contact_become_badges(page: Page, written: Stack):
    shop_at_the_test_time(page, written)
    assert badge_texts(page) == [
        COUNTDOWN, "Free shipping over €60", "30-day returns", PAYMENTS,
    ]  # fmt: skip
    assert badge_texts(page, "footer") == [
        "30-day returns", "Help Mon–Fri", PAYMENTS,
    ]  # fmt: skip


def inside(inner: dict, outer: dict) -> bool:
    """Is bounding box ``inner`` within ``outer`` (a pixel's rounding allowed)?"""
    return (
        inner["x"] >= outer["x"] - 1
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1
    )


@DESKTOP
def test_on_a_470px_mount_every_badge_is_in_words_or_an_icon_with_its_name_in_reach(
    page: Page, written: Stack
):
    shop_at_the_test_time(page, written)
    mount(page).evaluate("(el) => { el.style.width = '470px'; }")  # a buy box's width
    product = strip(page)
    promise = product.get_by_role("button", name=COUNTDOWN)
    # The first badge keeps its words, whole, inside the strip.
    says(promise, COUNTDOWN)
    wait_for(lambda: inside(promise.bounding_box(), product.bounding_box()), message="cut off")
    # The others show their icon alone (about its width), their words kept as their names.
    others = [
        product.get_by_role("button", name=name, exact=True)
        for name in ("Free shipping over €60", "30-day returns", f"{PAYMENTS}")
    ]
    for badge in others[:2]:
        wait_for(lambda badge=badge: badge.bounding_box()["width"] <= 40, message="not icon-only")
    # What does not fit is a scroll away, and the edge it is behind fades.
    assert "kb-r" in product.evaluate("(list) => list.className")
    product.evaluate("(list) => { list.scrollLeft = list.scrollWidth; }")
    for badge in others:
        wait_for(lambda badge=badge: inside(badge.bounding_box(), product.bounding_box()))
    others[0].click()
    details = page.get_by_role("dialog", name="Free shipping")
    expect(details).to_contain_text("Free shipping over €60")


@DESKTOP
def test_the_delivery_details_say_the_dispatch_day_the_method_and_the_cutoff(
    page: Page, monday: Stack
):
    shop_at_the_test_time(page, monday)
    strip(page).get_by_role("button", name=COUNTDOWN).click()
    details = page.get_by_role("dialog", name="Delivery")
    expect(details).to_contain_text(
        "Dispatched today (Mon 7 Dec) by Standard; orders after 14:00 leave Tue 8 Dec"
        " and arrive Wed 9 – Fri 11 Dec."
    )


@DESKTOP
def test_secure_checkout_shows_only_when_the_page_and_keepcart_are_both_https(
    page: Page, tmp_path: Path, problems: PageProblems
):
    with trust_stack(tmp_path, RETURNS, clock_ms=MONDAY_MORNING, https=True) as stack:
        serve_as(page, stack, HTTPS_SHOP)
        page.goto(f"{HTTPS_SHOP}/products/stoneware-mug")
        expect(strip(page, "footer")).to_be_visible()
        assert badge_texts(page, "footer")[:2] == [
            "30-day returns", "Secure checkout",
        ]  # fmt: skip
        secure = strip(page, "footer").get_by_role("button", name="Secure checkout")
        secure.click()
        details = page.get_by_role("dialog", name="Secure checkout")
        expect(details).to_contain_text(
            "Checkout is encrypted (HTTPS) all the way,"
            " and card numbers are never stored by this shop."
        )
        details.get_by_role("button", name="Close").click()
        # Beside the pay button too.
        checkout = start_checkout(page, add_to_cart(page, "Stoneware Mug"))
        expect(checkout.get_by_role("button", name="Secure checkout")).to_be_visible()
        assert_clean(problems)

        # The same store and Keepcart, the shop's page over plain HTTP: not secure.
        page.unroute_all(behavior="wait")
        serve_as(page, stack, HTTP_SHOP)
        page.goto(f"{HTTP_SHOP}/products/stoneware-mug")
        expect(strip(page, "footer")).to_be_visible()
        assert "Secure checkout" not in badge_texts(page, "footer")


@pytest.mark.browser_context_args(locale="en-US", timezone_id="America/New_York")
def test_a_shopper_whose_zone_never_ships_free_is_promised_no_free_shipping(
    page: Page, monday: Stack
):
    shop_at_the_test_time(page, monday)
    # The United States are in the "Rest of world" zone: International, 5 to 10 days.
    [promise, payments] = badge_texts(page)
    assert promise == "Order within 2 h 14 min to get it Mon 14 – Mon 21 Dec"
    assert payments == PAYMENTS


@DESKTOP
def test_free_shipping_counts_down_to_the_threshold_and_says_when_it_is_reached(
    page: Page, monday: Stack
):
    shop_at_the_test_time(page, monday)
    free = strip(page).get_by_role("listitem").filter(has_text="free shipping")
    says(free, "Free shipping over €60")
    drawer = add_to_cart(page, "Stoneware Mug")  # €24.00
    says(free, "€36 away from free shipping")  # whole: no ".00"
    # The drawer's strip is narrow: the arrival alone (the countdown is in the details).
    expect(drawer.get_by_role("list", name="Good to know")).to_contain_text(
        "Get it Tue 8 – Thu 10 Dec", use_inner_text=True
    )
    drawer.get_by_role("button", name="Increase quantity of Stoneware Mug").click()
    drawer.get_by_role("button", name="Increase quantity of Stoneware Mug").click()
    says(strip(page).get_by_role("listitem").nth(1), "Your order ships free")

    # A returning shopper's page knows the cart from the start.
    page.reload()
    says(strip(page).get_by_role("listitem").nth(1), "Your order ships free")


@DESKTOP
def test_the_delivery_promise_counts_down_to_the_cutoff_then_promises_the_next_dispatch(
    page: Page, tmp_path: Path
):
    # In the footer too, where the strip is wide enough to show what comes after the promise.
    placements = {**DEFAULT_PLACEMENTS, "footer": ("delivery", "returns", "payments")}
    settings = dataclasses.replace(RETURNS, placements=placements)
    with trust_stack(tmp_path, settings, clock_ms=MONDAY_MORNING) as stack:
        watch_layout_shifts(page)
        shop_at_the_test_time(page, stack)
        mount(page, "footer").scroll_into_view_if_needed()
        promises = [strip(page, at).get_by_role("listitem").first for at in ("product", "footer")]
        for promise in promises:
            says(promise, COUNTDOWN)
        # From here the page's time moves only as the test moves it.
        page.clock.pause_at(datetime(2026, 12, 7, 12, 45, 30, tzinfo=UTC))
        says(promises[1], re.compile(r"^Order within\s+1 h 14 min\s+to get it Tue 8"))
        page.clock.run_for("01:14:00")  # 13:59:30: the last hour ticks each second
        says(promises[1], re.compile(r"^Order within\s+00 min 30 s\s+to get it Tue 8"))
        page.clock.run_for("00:20")
        says(promises[1], re.compile(r"^Order within\s+00 min 10 s\s+to get it Tue 8"))
        page.clock.run_for("00:11")  # 14:00:01
        for promise in promises:
            says(promise, AFTER_CUTOFF)
        # Ticking, and the change at the cut-off, moved nothing beside the promise.
        assert layout_shifts(page) == []


@DESKTOP
def test_after_the_cutoff_the_page_says_the_later_dispatch_without_a_countdown(
    page: Page, monday: Stack
):
    page.clock.install(time=datetime(2026, 12, 7, 14, 30, tzinfo=UTC))
    open_product(page, monday)
    assert badge_texts(page)[0] == AFTER_CUTOFF


@DESKTOP
def test_beside_the_pay_button_the_badges_follow_the_country_chosen_in_checkout(
    page: Page, tmp_path: Path
):
    placements = dict(DEFAULT_PLACEMENTS, checkout=("delivery",))
    with trust_stack(
        tmp_path, TrustSettings(placements=placements), clock_ms=MONDAY_MORNING
    ) as stack:
        shop_at_the_test_time(page, stack)
        checkout = start_checkout(page, add_to_cart(page, "Stoneware Mug"))
        beside_pay = checkout.get_by_role("list", name="Good to know")
        # Ireland, the checkout's first country: Standard, 1 to 3 days.
        expect(beside_pay).to_contain_text("Tue 8 – Thu 10 Dec", use_inner_text=True)
        checkout.get_by_label("Country").select_option("US")
        # The United States are the rest of the world's: International, 5 to 10 days.
        expect(beside_pay).to_contain_text("Mon 14 – Mon 21 Dec", use_inner_text=True)
        expect(beside_pay).not_to_contain_text("Thu 10 Dec", use_inner_text=True)
        checkout.get_by_label("Country").select_option("IE")
        expect(beside_pay).to_contain_text("Tue 8 – Thu 10 Dec", use_inner_text=True)


# --- the host page's main thread ------------------------------------------------------------------

# Every Intl.NumberFormat the page makes, with the stack that made it.
COUNT_MONEY_FORMATTERS = """
window.moneyFormatters = [];
Intl.NumberFormat = new Proxy(Intl.NumberFormat, {
  construct(target, args) {
    window.moneyFormatters.push(new Error().stack || "");
    return Reflect.construct(target, args);
  },
});
"""


@DESKTOP
def test_without_a_cart_the_badges_make_no_money_formatter(page: Page, monday: Stack):
    # The first one a page makes costs a slow phone 10-16 ms: the server words the threshold.
    page.add_init_script(COUNT_MONEY_FORMATTERS)
    shop_at_the_test_time(page, monday)
    free = strip(page).get_by_role("listitem").filter(has_text="free shipping")
    says(free, "Free shipping over €60")
    mount(page, "footer").scroll_into_view_if_needed()
    expect(strip(page, "footer")).to_be_visible()
    made = page.evaluate("window.moneyFormatters")
    assert [stack for stack in made if "/chunks/badges." in stack] == []


# The order strips are put in their mounts, and each timer task that ran in between.
LOG_STRIPS_AND_TASKS = """
window.stripsAndTasks = [];
const nativeSetTimeout = window.setTimeout;
window.setTimeout = function (fn, ...rest) {
  const task = typeof fn === "function"
    ? function (...args) { window.stripsAndTasks.push("task"); return fn.apply(this, args); }
    : fn;
  return nativeSetTimeout.call(this, task, ...rest);
};
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const placement = this.getAttribute("data-keepcart-badges");
  if (placement) window.stripsAndTasks.push(placement);
  return attachShadow.call(this, init);
};
"""


@DESKTOP
def test_the_page_gets_the_main_thread_back_between_two_strips(page: Page, monday: Stack):
    page.add_init_script(LOG_STRIPS_AND_TASKS)
    open_product(page, monday)
    expect(strip(page, "footer")).to_be_visible()
    log = page.evaluate("window.stripsAndTasks")
    between = log[log.index("product") + 1 : log.index("footer")]
    assert "task" in between, log


# --- no layout shift -----------------------------------------------------------------------------


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("narrowest", marks=NARROWEST)])  # fmt: skip
def test_badges_arrive_without_moving_anything_on_the_page_in_the_drawer_or_in_checkout(
    page: Page, written: Stack, problems: PageProblems, screen: str
):
    watch_layout_shifts(page)
    shop_at_the_test_time(page, written)
    expect(strip(page)).to_be_visible()
    # One line, exactly the height the page reserved for it, at any width.
    for placement in ("product", "footer"):
        assert mount(page, placement).bounding_box()["height"] == 40
        assert strip(page, placement).bounding_box()["height"] == 40
    # What does not fit scrolls inside the strip, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") == page.viewport_size["width"]
    drawer = add_to_cart(page, "Stoneware Mug")
    expect(drawer.get_by_role("list", name="Good to know")).to_be_visible()
    checkout = start_checkout(page, drawer)
    beside_pay = checkout.get_by_role("list", name="Good to know")
    expect(beside_pay).to_contain_text("30-day returns")
    beside_pay.scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=f"/tmp/i12-badges-checkout-{screen}.png")
    assert layout_shifts(page) == []
    assert_clean(problems)


# --- details: keyboard, screen readers ----------------------------------------------------------


@DESKTOP
def test_details_open_by_keyboard_in_an_accessible_dialog_and_give_focus_back(
    page: Page, written: Stack
):
    shop_at_the_test_time(page, written)
    expect(strip(page)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Add to cart").first.focus()
    page.keyboard.press("Tab")  # the strip, wider than the buy box: focusable, to scroll it
    expect(strip(page)).to_be_focused()
    page.keyboard.press("ArrowRight")
    wait_for(lambda: strip(page).evaluate("(list) => list.scrollLeft") > 0, message="no scroll")
    page.keyboard.press("Tab")  # the delivery promise: the dispatch in its details
    expect(strip(page).get_by_role("button", name=COUNTDOWN)).to_be_focused()
    page.keyboard.press("Tab")  # free shipping, its icon alone, named by its words
    expect(strip(page).get_by_role("button", name="Free shipping over €60")).to_be_focused()
    page.keyboard.press("Tab")
    returns = strip(page).get_by_role("button", name="30-day returns")
    expect(returns).to_be_focused()
    expect(returns).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    details = page.get_by_role("dialog", name="30-day returns")
    expect(details).to_contain_text("Send anything back unused within 30 days.")
    expect(returns).to_have_attribute("aria-expanded", "true")
    assert focused_name(page) == "Close"
    page.screenshot(path="/tmp/i12-badges-details.png")
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(details).to_have_count(0)
    expect(returns).to_be_focused()
    expect(returns).to_have_attribute("aria-expanded", "false")

    # Support: the hours, and the contact as links.
    support = strip(page, "footer").get_by_role("button", name="Help Mon–Fri")
    support.focus()
    page.keyboard.press("Enter")
    details = page.get_by_role("dialog", name="Customer support")
    email = details.get_by_role("link", name=CONTACT[0])
    expect(email).to_have_attribute("href", f"mailto:{CONTACT[0]}")
    phone = details.get_by_role("link", name=CONTACT[1])
    expect(phone).to_have_attribute("href", "tel:+35315550100")
    page.keyboard.press("Tab")
    expect(phone).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Close
    expect(details).to_have_count(0)
    expect(support).to_be_focused()


# --- the holdout ---------------------------------------------------------------------------------


def held_out_visitor(percent: int) -> str:
    """A visitor id (as the widget makes them) that the server's hash puts in the holdout."""
    return next(
        visitor
        for visitor in (f"v_{n:016x}" for n in range(1000))
        if arm_for("badges", visitor, percent) == HOLDOUT
    )


@DESKTOP
def test_the_holdout_sees_no_badges_and_its_exposure_counts(page: Page, tmp_path: Path):
    # The most the admin allows, set an hour ago: the page hands back the config's since, and
    # an exposure under that share counts.
    half = TrustSettings(badges_holdout=50, badges_since=MONDAY_MORNING - 3_600_000)
    visitor = held_out_visitor(50)
    page.add_init_script(f"localStorage.setItem('keepcart:vid', '{visitor}')")
    with trust_stack(tmp_path, half, clock_ms=MONDAY_MORNING) as stack:
        shop_at_the_test_time(page, stack)
        wait_for(lambda: exposures(stack), message="no exposure was recorded")
        assert exposures(stack) == [{"element": "badges", "visitor_id": visitor, "arm": "holdout"}]
        # The strip would have been drawn as the exposure left: the mounts stay empty, at the
        # size the page reserved for them.
        for placement in ("product", "footer"):
            assert mount(page, placement).evaluate("(el) => el.shadowRoot") is None
            assert mount(page, placement).bounding_box()["height"] == 40


def test_no_room_is_kept_where_no_badge_can_show(page: Page, tmp_path: Path):
    # The drawer and checkout ask only for secure checkout, and the page is plain HTTP.
    placements = dict(DEFAULT_PLACEMENTS, drawer=("secure",), checkout=("secure",))
    with trust_stack(tmp_path, TrustSettings(placements=placements)) as stack:
        open_product(page, stack, "stoneware-mug")
        drawer = add_to_cart(page, "Stoneware Mug")
        checkout = start_checkout(page, drawer)
        expect(checkout.get_by_role("button", name=re.compile("^Pay"))).to_be_visible()
        assert page.locator(".kc-badges").count() == 0


def test_a_held_out_visitor_finds_no_empty_room_in_the_drawer_or_checkout(
    page: Page, tmp_path: Path
):
    page.add_init_script(f"localStorage.setItem('keepcart:vid', '{held_out_visitor(50)}')")
    with trust_stack(tmp_path, dataclasses.replace(RETURNS, badges_holdout=50)) as stack:
        open_product(page, stack, "stoneware-mug")
        drawer = add_to_cart(page, "Stoneware Mug")
        start_checkout(page, drawer)
        assert page.locator(".kc-badges").count() == 0


@DESKTOP
def test_the_admins_preview_shows_every_badge_and_records_nothing(page: Page, tmp_path: Path):
    visitor = held_out_visitor(50)
    page.add_init_script(f"localStorage.setItem('keepcart:vid', '{visitor}')")
    # The admin's preview marker, as its preview pages carry it before the snippet.
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => document.head.append(Object.assign("
        "document.createElement('script'), {type: 'application/json', id: 'keepcart-offer-preview',"
        " textContent: '{}'})))"
    )
    with trust_stack(tmp_path, TrustSettings(badges_holdout=50), clock_ms=MONDAY_MORNING) as stack:
        sent: list[str] = []
        page.on("request", lambda asked: "/v1/trust/" in asked.url and sent.append(asked.url))
        shop_at_the_test_time(page, stack)
        assert badge_texts(page)[0] == COUNTDOWN  # the holdout does not hide the preview
        page.wait_for_load_state("networkidle")
        assert sent == []
        assert exposures(stack) == []


# --- social proof -------------------------------------------------------------------------------


@DESKTOP
def test_social_proof_says_only_what_real_orders_and_stock_show(page: Page, tmp_path: Path):
    proof = TrustSettings(social_proof=True, proof_min_buyers=2, proof_low_stock=5)
    with trust_stack(tmp_path, proof, clock_ms=MONDAY_MORNING) as stack:
        # Test-card orders are the merchant rehearsing: they never count.
        order_over_the_api(stack, {"FH-MUG-01": 1}, {"method": "test_card", "card": CARD})
        bank = {"method": "bank_transfer"}
        order_over_the_api(stack, {"FH-MUG-01": 1}, bank)
        order_over_the_api(stack, {"FH-MUG-01": 2}, bank, email="third@example.com")
        order_over_the_api(stack, {"FH-POUR-01": 1}, bank)  # one buyer: under the threshold
        with closing(sqlite3.connect(stack.db_path)) as conn, conn:  # the transfers arrived
            conn.execute("UPDATE orders SET status = 'paid' WHERE payment_method = 'bank_transfer'")

        shop_at_the_test_time(page, stack)
        assert badge_texts(page)[0] == "2 people bought this in the last 48 hours"
        assert not [text for text in badge_texts(page) if " left" in text]  # stock not tracked

        open_product(page, stack, "ceramic-pour-over")
        assert badge_texts(page)[0] == COUNTDOWN  # nothing bought "by 1 person"

        open_product(page, stack, "wool-throw")  # 3 in stock, tracked
        assert badge_texts(page)[0] == "Only 3 left"
        assert not [text for text in badge_texts(page) if "bought" in text]


# --- loaded only where there is somewhere to show badges ------------------------------------------


@DESKTOP
def test_the_chunk_is_not_loaded_on_a_page_without_mounts_until_the_drawer_shows(
    page: Page, monday: Stack
):
    # The page as a shop without mounts would serve it (gone before Keepcart starts).
    page.add_init_script(
        "document.addEventListener('DOMContentLoaded', () =>"
        " document.querySelectorAll('[data-keepcart-badges]').forEach((el) => el.remove()))"
    )
    chunks: list[str] = []
    page.on("request", lambda asked: "/chunks/badges." in asked.url and chunks.append(asked.url))
    page.goto(f"{monday.shop_url}/")
    ready(page)  # every chunk the loader fetches in the background is asked for by now
    expect(page.locator("[data-keepcart-badges]")).to_have_count(0)
    assert chunks == []
    assert page.locator("link[rel=modulepreload][href*=badges]").count() == 0

    # The cart drawer has a place for badges: they come with it.
    drawer = add_to_cart(page, "Ceramic Pour-Over Dripper")
    expect(drawer.get_by_role("list", name="Good to know")).to_be_visible()
    assert len(chunks) == 1


# --- consent --------------------------------------------------------------------------------------


@DESKTOP
def test_without_consent_the_badges_show_and_nothing_is_recorded(page: Page, tmp_path: Path):
    with trust_stack(tmp_path, clock_ms=MONDAY_MORNING, ask_consent=True) as stack:
        sent: list[str] = []
        page.on("request", lambda request: "/v1/trust/" in request.url and sent.append(request.url))
        shop_at_the_test_time(page, stack)
        expect(strip(page)).to_contain_text(COUNTDOWN, use_inner_text=True)
        expect(strip(page, "footer")).to_contain_text("Card")
        page.wait_for_load_state("networkidle")
        assert sent == []
        assert exposures(stack) == []
