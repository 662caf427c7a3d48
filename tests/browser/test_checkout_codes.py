"""Discount codes in the checkout. A code that doesn't apply by the time the shopper pays: the
order goes through without it, the shopper is told why, and is never charged a total they
haven't seen. A claimed offer's code: its clock runs in the checkout as in the cart."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import Locator, Page, expect

from server.offers.model import Trigger
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.offering import ARMED, campaign, leave_through_the_top, offer, switch_app
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    add_to_cart,
    assert_clean,
    back_to_the_cart,
    cart_drawer,
    confirmation,
    fill_card,
    fill_details,
    mug_in_checkout,
    open_product,
    order_over_the_api,
    orders,
    pay,
    settle,
    start_checkout,
)

EXPIRED = "That code has expired."
MINIMUM = "That code needs a subtotal of at least €40.00."


def write(stack: Stack, sql: str, params: tuple = ()) -> None:
    """Change the shop's data behind the shopper's back (another tab, the merchant, time)."""
    with sqlite3.connect(stack.db_path, timeout=10) as conn:
        conn.execute(sql, params)


def expire(stack: Stack, code: str) -> None:
    write(stack, "UPDATE discounts SET expires_at = 1 WHERE code = ?", (code,))


def unfold_summary(checkout: Locator) -> None:
    """On a phone the summary is folded behind a bar: unfold it (nothing to do on a desktop)."""
    fold = checkout.get_by_role("button", name=re.compile("Show order summary"))
    if fold.is_visible():
        fold.click()


def apply_code(checkout: Locator, code: str, saving: str) -> None:
    unfold_summary(checkout)
    checkout.get_by_role("textbox", name="Discount code").fill(code)
    checkout.get_by_role("button", name="Apply").click()
    expect(summary_of(checkout)).to_contain_text(saving)


def summary_of(checkout: Locator) -> Locator:
    return checkout.get_by_role("complementary")


def reopen_checkout(page: Page) -> Locator:
    return start_checkout(page, back_to_the_cart(page))


def carts_code(stack: Stack) -> str | None:
    return stack.query("SELECT discount_code FROM carts ORDER BY id DESC LIMIT 1")[0][0]


# --- the quote says "Not applied": Pay takes the order without it ------------------------------


def code_below_its_minimum(page: Page, stack: Stack) -> Locator:
    """TAKE5 (€40 minimum) on two mugs, then one mug taken out in the cart."""
    drawer = add_to_cart(page, "Stoneware Mug")
    drawer.get_by_role("button", name="Increase quantity of Stoneware Mug").click()
    expect(drawer.get_by_role("textbox", name="Quantity of Stoneware Mug")).to_have_value("2")
    checkout = start_checkout(page, drawer)
    apply_code(checkout, "TAKE5", "You save €5.00")
    back_to_the_cart(page)
    drawer.get_by_role("button", name="Decrease quantity of Stoneware Mug").click()
    expect(drawer.get_by_role("textbox", name="Quantity of Stoneware Mug")).to_have_value("1")
    expect(drawer).to_contain_text("Free shipping to Ireland on orders over €60.00")
    settle(page)
    assert serious_violations(page) == [], "drawer"
    return start_checkout(page, drawer)


def code_expired_since(page: Page, stack: Stack) -> Locator:
    """WELCOME10 applied, then expired while the checkout was closed."""
    checkout = start_checkout(page, add_to_cart(page, "Stoneware Mug"))
    apply_code(checkout, "WELCOME10", "You save €2.40")
    expire(stack, "WELCOME10")
    return reopen_checkout(page)


LEFT_OUT = {
    "minimum": ("TAKE5", MINIMUM, code_below_its_minimum),
    "expired": ("WELCOME10", EXPIRED, code_expired_since),
}


@pytest.mark.parametrize("why, screen", [
    pytest.param("minimum", "desktop", marks=DESKTOP),
    pytest.param("expired", "desktop", marks=DESKTOP),
    pytest.param("minimum", "phone", marks=PHONE),
])  # fmt: skip
def test_a_code_shown_as_not_applied_no_longer_blocks_pay_and_the_order_says_why(
    page: Page, stack: Stack, problems: PageProblems, why: str, screen: str
):
    code, reason, arrange = LEFT_OUT[why]
    open_product(page, stack)
    checkout = arrange(page, stack)
    unfold_summary(checkout)
    summary = summary_of(checkout)
    expect(summary).to_contain_text("Not applied")
    expect(checkout.get_by_role("textbox", name="Discount code")).to_have_accessible_description(
        reason
    )
    expect(summary.locator("dl")).not_to_contain_text("Discount")
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€28.95")  # the total shown leaves the code out: that is what is charged

    done = confirmation(page)
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_focused()
    expect(done).to_contain_text(f"Code {code} wasn't applied: {reason}")
    [order] = orders(stack)
    assert (order["discount_code"], order["discount_total"], order["total"]) == (None, 0, 2895)
    assert stack.query("SELECT count(*) FROM discount_redemptions")[0][0] == 0
    settle(page)
    assert serious_violations(page) == [], "confirmation"
    assert_clean(problems)


# --- checkout refuses the code: it comes off, the new total shows, Pay again -------------------


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_a_once_per_customer_code_this_email_has_used_comes_off_with_the_new_total(
    page: Page, stack: Stack, problems: PageProblems, screen: str
):
    first = order_over_the_api(
        stack, {"FH-MUG-01": 1}, {"method": "bank_transfer"}, "WELCOME10", "aoife@example.com"
    )
    checkout = mug_in_checkout(page, stack)
    # A quote can't tell who used a code (anyone may ask for one): it applies, until checkout.
    apply_code(checkout, "WELCOME10", "You save €2.40")
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€26.55")

    alert = checkout.get_by_role("alert").filter(has_text="WELCOME10")
    expect(alert).to_have_text(
        "WELCOME10 can be used once per customer and aoife@example.com has used it."
        " Your total is now €28.95."
    )
    pay_button = checkout.get_by_role("button", name="Pay €28.95")
    expect(pay_button).to_be_visible()
    expect(summary_of(checkout).locator("dl")).not_to_contain_text("Discount")
    assert [order["public_id"] for order in orders(stack)] == [first["id"]]  # nothing charged
    assert carts_code(stack) is None
    settle(page)
    assert serious_violations(page) == []

    pay_button.click()  # the shopper has seen €28.95: that is what they pay
    done = confirmation(page)
    expect(done).to_contain_text("paid with Visa ending in 4242")
    mine = orders(stack)[-1]
    assert (mine["email"], mine["discount_code"], mine["total"]) == (
        "aoife@example.com",
        None,
        2895,
    )
    assert_clean(problems)


@DESKTOP
def test_a_code_that_expires_between_the_quote_and_pay_comes_off_with_the_new_total(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_in_checkout(page, stack)
    apply_code(checkout, "WELCOME10", "You save €2.40")
    fill_details(checkout)
    fill_card(checkout)
    expect(checkout.get_by_role("button", name="Pay €26.55")).to_be_visible()
    expire(stack, "WELCOME10")
    pay(checkout, "€26.55")

    expect(checkout.get_by_role("alert").filter(has_text="WELCOME10")).to_have_text(
        f"Code WELCOME10 wasn't applied: {EXPIRED} Your total is now €28.95."
    )
    assert orders(stack) == []
    pay(checkout, "€28.95")
    expect(confirmation(page)).to_be_visible()
    [order] = orders(stack)
    assert (order["discount_code"], order["total"]) == (None, 2895)
    assert_clean(problems)


# --- a claimed offer's clock in the checkout ---------------------------------------------------

CLOCK = re.compile(r"^(30:00|29:[0-5]\d)$")
# Every text the checkout's live region (role=status, polite) is given, in order.
RECORD_ANNOUNCEMENTS = """() => {
  const root = document.getElementById("keepcart-root").shadowRoot;
  const region = root.querySelector("dialog.kc-checkout > [role=status]");
  window.__announced = [];
  new MutationObserver(() => {
    if (region.textContent) window.__announced.push(region.textContent);
  }).observe(region, {subtree: true, childList: true, characterData: true});
}"""


def checkout_with_a_claimed_offer(page: Page, stack: Stack) -> Locator:
    """The checkout, opened from the cart after claiming a 10%-off offer (30 minutes), shown
    the way a shopper meets it: leaving through the top on a desktop, coming back to the tab
    on a phone (debug mode would only preview the claim, issuing no code)."""
    trigger = Trigger(kind="exit_intent", min_seconds=0, return_delay_ms=0,
                      phone_signals=("tab_return",))  # fmt: skip
    stack.only_campaigns(campaign(trigger=trigger))
    open_product(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1)
    drawer = add_to_cart(page, "Stoneware Mug")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    if page.viewport_size and page.viewport_size["width"] < 600:
        switch_app(page, hidden=True)
        switch_app(page, hidden=False)
    else:
        leave_through_the_top(page)
    offer(page).get_by_role("button", name="Claim 10% off").click()
    offer(page, "Offer claimed").get_by_role("button", name="View cart").click()
    return start_checkout(page, cart_drawer(page))


def box(locator: Locator) -> tuple[float, float, float, float]:
    found = locator.bounding_box()
    assert found is not None
    return (found["x"], found["y"], found["width"], found["height"])


@DESKTOP
def test_a_claimed_offers_clock_ticks_in_the_summary_without_moving_it_or_chattering(
    page: Page, stack: Stack, problems: PageProblems
):
    page.clock.install()  # the page's own time, to jump to the last minutes below
    checkout = checkout_with_a_claimed_offer(page, stack)
    summary = summary_of(checkout)
    expect(summary.locator("dl")).to_contain_text("Discount (")
    row = summary.locator(".kc-row").filter(has_text="Offer expires in")
    timer = row.get_by_role("timer")
    expect(timer).to_have_text(CLOCK)
    total = summary.locator(".kc-grand")
    settle(page)  # (the sheet has finished sliding in)
    before = (box(row), box(total), timer.text_content())
    expect(timer).not_to_have_text(before[2])  # it runs…
    assert (box(row), box(total)) == before[:2]  # …and nothing moves while it does
    settle(page)
    assert serious_violations(page) == []

    # The clock is no live region: screen readers hear it at 5 minutes left and at 1.
    page.evaluate(RECORD_ANNOUNCEMENTS)
    page.clock.fast_forward("25:00")
    expect(timer).to_have_text(re.compile(r"^4:[0-5]\d$"))
    expect(checkout.get_by_role("status").first).to_have_text("Your offer expires in 5 minutes.")
    page.clock.fast_forward("04:00")
    expect(checkout.get_by_role("status").first).to_have_text("Your offer expires in 1 minute.")
    announced = page.evaluate("window.__announced")
    assert announced == ["Your offer expires in 5 minutes.", "Your offer expires in 1 minute."]
    assert_clean(problems)


@PHONE
def test_on_a_phone_the_offers_clock_is_by_the_pay_button(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = checkout_with_a_claimed_offer(page, stack)
    summary = checkout.get_by_role("button", name=re.compile("Show order summary"))
    expect(summary).to_contain_text("€26.55")
    # The summary is folded away: the clock shows by the total, above Pay.
    timer = checkout.get_by_role("timer")  # (the summary's own is hidden with it)
    expect(timer).to_have_text(CLOCK)
    clock = checkout.locator("p").filter(has=page.get_by_role("timer"))
    expect(clock).to_have_text(re.compile(r"^Offer expires in (30:00|29:[0-5]\d)$"))
    pay_button = checkout.get_by_role("button", name="Pay €26.55")
    pay_button.scroll_into_view_if_needed()
    expect(clock).to_be_in_viewport()
    assert box(clock)[1] < box(pay_button)[1]
    settle(page)
    assert serious_violations(page) == []
    assert_clean(problems)
