"""Answers that arrive late: a quote, a cart load or change, a claim, answered after the
shopper has moved on (paid, closed the checkout, changed something newer). The widget keeps
what the shopper sees now; a late answer never takes it back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, Request, Route, expect

from tests.browser.conftest import PageProblems, Stack
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    assert_clean,
    cart_drawer,
    fill_card,
    fill_details,
    mug_in_checkout,
    mug_ready_to_pay,
    nth_checkout_post,
    on_checkout_posts,
    orders,
)

QUOTE = re.compile(r"/v1/carts/[^/?]+/quote(\?|$)")
# What the Pay button says, and the confirmation's title, for each way of paying.
PAYMENTS = {
    "card": ("Pay €28.95", "Thank you! Your order is confirmed"),
    "bank transfer": ("Place order", "Thank you! Your order is placed"),
    "cash on delivery": ("Place order", "Thank you! Your order is placed"),
}

# For `ms` milliseconds, everything the shopper could see go wrong after the confirmation:
# it leaves the screen, the cart drawer opens (empty or not), the header counts items again.
WATCH_CONFIRMATION = """(ms) => new Promise((resolve) => {
  const root = document.getElementById("keepcart-root").shadowRoot;
  const header = document.querySelector("[data-cart-count]");
  const seen = new Set();
  const look = () => {
    const open = [...root.querySelectorAll("dialog[open]")];
    const showing = (text) => open.some((sheet) => sheet.textContent.includes(text));
    if (!showing("Thank you!")) seen.add("confirmation gone");
    if (showing("Your cart is empty")) seen.add("Your cart is empty");
    if (open.some((sheet) => sheet.classList.contains("kc-drawer"))) seen.add("cart drawer open");
    if (header && !header.hidden) seen.add(`header counts ${header.textContent} item(s)`);
  };
  const observer = new MutationObserver(look);
  const all = {subtree: true, childList: true, attributes: true, characterData: true};
  observer.observe(root, all);
  if (header) observer.observe(header, all);
  look();
  setTimeout(() => { observer.disconnect(); look(); resolve([...seen]); }, ms);
})"""
TICK = "() => new Promise((done) => setTimeout(done, 10))"


def choose_payment(checkout: Locator, payment: str) -> None:
    if payment == "card":
        fill_card(checkout)
    else:
        checkout.get_by_role("radio", name=re.compile(f"^{payment}", re.IGNORECASE)).check()


def held_posts(page: Page, pattern: re.Pattern[str]) -> list[Route]:
    """Hold back every POST matching ``pattern`` (preflights go on) until the test lets it go."""
    held: list[Route] = []
    page.route(
        pattern,
        lambda route: held.append(route) if route.request.method == "POST" else route.fallback(),
    )
    return held


def until_held(page: Page, held: list[Route]) -> Route:
    """The first held request, once there is one (route handlers run while Playwright is)."""
    for _ in range(500):
        if held:
            return held[0]
        page.evaluate(TICK)
    raise AssertionError("no request was held")


def deliver(page: Page, route: Route, **answer: object) -> None:
    """Let a held request go on (to the shop, or answered with ``answer``) and wait until the
    page has its answer, or has itself given up on the request (aborted it)."""
    request: Request = route.request
    if answer:
        route.fulfill(**answer)
    else:
        route.continue_()
    for _ in range(500):
        if request.failure is not None:
            return
        if (response := request.response()) is not None:
            response.finished()
            return
        page.evaluate(TICK)
    raise AssertionError("the held request never finished")


def pay_as_the_postal_code_is_quoted(
    page: Page, stack: Stack, pay_button: Locator
) -> tuple[Route, Route]:
    """Edit the postal code last and press Pay at once, as a shopper does: the code's quote is
    asked for (after the usual short pause) while the order is being placed. Returns both
    requests, held back: (the quote, the order)."""
    quotes = held_posts(page, QUOTE)
    placing: list[Route] = []
    on_checkout_posts(page, stack, placing.append)
    page.get_by_role("dialog", name="Checkout").get_by_label("Eircode").fill("D02 X285")
    with page.expect_request(QUOTE), page.expect_request(nth_checkout_post(stack, 1)):
        pay_button.click()
    return until_held(page, quotes), until_held(page, placing)


@pytest.mark.parametrize("payment", list(PAYMENTS))
@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_a_quote_answered_after_the_order_never_replaces_the_confirmation(
    page: Page, stack: Stack, problems: PageProblems, screen: str, payment: str
):
    button, thanks = PAYMENTS[payment]
    checkout = mug_in_checkout(page, stack)
    fill_details(checkout)
    choose_payment(checkout, payment)
    pay_button = checkout.get_by_role("button", name=button)
    expect(pay_button).to_be_visible()

    quote, placing = pay_as_the_postal_code_is_quoted(page, stack, pay_button)
    placing.continue_()

    done = page.get_by_role("dialog", name=thanks)
    expect(done.get_by_role("heading", name=thanks)).to_be_focused()
    [order] = orders(stack)
    assert order["email"] == "aoife@example.com"
    # The quote reaches the shop only now: the cart is ordered, the answer is late.
    deliver(page, quote)
    assert page.evaluate(WATCH_CONFIRMATION, 2000) == []
    expect(done).to_contain_text(f"Order #{order['number']}")
    expect(cart_drawer(page)).to_be_hidden()
    expect(page.get_by_role("button", name="Cart", exact=True)).to_be_visible()
    assert page.evaluate("localStorage.getItem('keepcart:cart')") is None
    assert len(orders(stack)) == 1
    assert_clean(problems)


@DESKTOP
def test_a_quote_answered_before_the_order_but_delivered_after_it_changes_nothing(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_ready_to_pay(page, stack)
    pay_button = checkout.get_by_role("button", name="Pay €28.95")
    expect(pay_button).to_be_visible()

    quote, placing = pay_as_the_postal_code_is_quoted(page, stack, pay_button)
    # The shop answers the quote while the cart is still open (it has the mug in it)…
    answer = quote.fetch()
    assert answer.status == 200 and answer.json()["cart"]["item_count"] == 1
    placing.continue_()
    done = page.get_by_role("dialog", name="Thank you! Your order is confirmed")
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_focused()
    # …and the answer reaches the shopper's browser only after the order.
    deliver(page, quote, response=answer)
    assert page.evaluate(WATCH_CONFIRMATION, 2000) == []
    expect(page.get_by_role("button", name="Cart", exact=True)).to_be_visible()
    assert page.evaluate("localStorage.getItem('keepcart:cart')") is None
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Cart", exact=True).click()
    expect(cart_drawer(page).get_by_text("Your cart is empty.")).to_be_visible()
    assert_clean(problems)
