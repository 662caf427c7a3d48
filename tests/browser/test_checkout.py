"""The one-page checkout on the demo store, as a shopper's browser runs it: what the shopper
sees in the drawer, the checkout and the confirmation, and what lands in the database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.layout import layout_shifts, watch_layout_shifts
from tests.browser.merchant import sign_in
from tests.browser.shopping import (
    CARD,
    DESKTOP,
    GOOD_CARD,
    PHONE,
    SHOPPER,
    add_to_cart,
    assert_clean,
    back_to_the_cart,
    cart_drawer,
    chunk_requests,
    confirmation,
    fill_card,
    fill_details,
    focused_name,
    mug_in_checkout,
    mug_ready_to_pay,
    nth_checkout_post,
    on_checkout_posts,
    open_product,
    order_over_the_api,
    orders,
    pay,
    settle,
    start_checkout,
    wait_for_loader,
)

DECLINED_CARD = "4000 0000 0000 0002"


# --- what a shopper does ------------------------------------------------------------------------


def tab_to(page: Page, name: str | re.Pattern[str], limit: int = 40) -> None:
    """Press Tab until the focused element is called ``name``, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused_name(page)
        if now == name if isinstance(name, str) else name.search(now):
            return
    raise AssertionError(f"{name!r} was not reached with Tab (last: {focused_name(page)!r})")


# --- a purchase, on a desktop and on a phone ---------------------------------------------------


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_card_purchase_lands_in_the_database_and_the_admin(
    page: Page, stack: Stack, problems: PageProblems, screen: str
):
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")
    expect(drawer.get_by_role("list", name="Items in your cart")).to_contain_text("€24.00")
    checkout = start_checkout(page, drawer)
    if screen == "phone":
        # The summary folds away behind a bar that keeps the total in view.
        summary = checkout.get_by_role("button", name=re.compile("Show order summary"))
        expect(summary).to_contain_text("€28.95")
    else:
        expect(checkout.get_by_role("heading", name="Order summary")).to_be_visible()
        expect(checkout.get_by_role("complementary")).to_contain_text("€4.95")
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€28.95")

    done = confirmation(page)
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_focused()
    [order] = orders(stack)
    expect(done).to_contain_text(f"Order #{order['number']} · aoife@example.com")
    expect(done).to_contain_text("paid with Visa ending in 4242")
    assert order["status"] == "paid" and order["email"] == "aoife@example.com"
    assert (order["subtotal"], order["shipping_total"], order["total"]) == (2400, 495, 2895)
    assert order["tax_total"] == 449 + 93  # 23% VAT included, line by line: mug, shipping
    assert (order["card_brand"], order["card_last4"]) == ("Visa", "4242")
    assert stack.query("SELECT status FROM carts")[0]["status"] == "ordered"
    assert page.evaluate("localStorage.getItem('keepcart:cart')") is None
    assert_clean(problems)
    assert problems.console_errors == []

    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/orders")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"#{order['number']}"))
    expect(row).to_contain_text("aoife@example.com")
    expect(row).to_contain_text("€28.95")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"Order #{order['number']}", level=1)).to_be_visible()
    items = page.get_by_role("table")
    expect(items.get_by_role("row", name=re.compile("Stoneware Mug"))).to_contain_text("FH-MUG-01")
    expect(items.get_by_role("row", name=re.compile("^Total"))).to_contain_text("€28.95")
    expect(page.get_by_role("region", name="Payment")).to_contain_text("ending in 4242")


# --- when things go wrong -----------------------------------------------------------------------


@DESKTOP
def test_declined_card_keeps_cart_and_form_then_a_good_card_pays(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_in_checkout(page, stack)
    fill_details(checkout)
    fill_card(checkout, DECLINED_CARD)
    pay(checkout, "€28.95")

    card = checkout.get_by_label("Card number")
    declined = "Your card was declined. Try another card or payment method."
    expect(card).to_have_accessible_description(declined)
    expect(card).to_have_attribute("aria-invalid", "true")
    expect(card).to_be_focused()
    expect(checkout.get_by_label("Email", exact=True)).to_have_value("aoife@example.com")
    expect(checkout.get_by_label("City")).to_have_value("Dublin")
    expect(checkout.get_by_role("list", name="Items")).to_contain_text("Stoneware Mug")
    assert orders(stack) == []
    assert stack.query("SELECT status FROM carts")[0]["status"] == "open"

    card.fill(GOOD_CARD)
    expect(card).not_to_have_attribute("aria-invalid", "true")
    pay(checkout, "€28.95")
    expect(confirmation(page)).to_contain_text("paid with Visa ending in 4242")
    [order] = orders(stack)
    assert (order["status"], order["total"], order["card_last4"]) == ("paid", 2895, "4242")
    assert_clean(problems)


@DESKTOP
def test_discount_code_saving_is_shown_and_charged_and_an_expired_code_is_refused(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_in_checkout(page, stack)
    code = checkout.get_by_role("textbox", name="Discount code")
    code.fill("SUMMER24")
    code.press("Enter")
    expect(code).to_have_accessible_description("That code has expired.")
    expect(code).to_have_attribute("aria-invalid", "true")

    code.fill("welcome10")
    checkout.get_by_role("button", name="Apply").click()
    summary = checkout.get_by_role("complementary")
    expect(summary.get_by_text("You save €2.40")).to_be_visible()
    expect(summary.locator("dl")).to_contain_text("Discount (WELCOME10)−€2.40")
    expect(code).not_to_have_attribute("aria-invalid", "true")
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€26.55")  # €24.00 − 10% + €4.95 shipping

    expect(confirmation(page)).to_contain_text("Discount (WELCOME10)−€2.40")
    [order] = orders(stack)
    assert (order["discount_code"], order["discount_total"]) == ("WELCOME10", 240)
    assert (order["subtotal"], order["shipping_total"], order["total"]) == (2400, 495, 2655)
    redeemed = stack.query("SELECT email FROM discount_redemptions")
    assert [row["email"] for row in redeemed] == ["aoife@example.com"]
    assert_clean(problems)


@DESKTOP
def test_free_shipping_progress_and_free_shipping_over_the_threshold(
    page: Page, stack: Stack, problems: PageProblems
):
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")
    # The shopper hasn't said where they live: the store's own zone's offer, told as the
    # store's offer, not as a promise to them.
    free = drawer.get_by_text(re.compile("free shipping", re.IGNORECASE))
    expect(free).to_have_text("Free shipping to Ireland on orders over €60.00: add €36.00 more")
    more = drawer.get_by_role("button", name="Increase quantity of Stoneware Mug")
    quantity = drawer.get_by_role("textbox", name="Quantity of Stoneware Mug")
    more.click()
    expect(quantity).to_have_value("2")
    expect(free).to_have_text("Free shipping to Ireland on orders over €60.00: add €12.00 more")
    more.click()
    expect(quantity).to_have_value("3")
    expect(free).to_have_text("Your order qualifies for free shipping to Ireland")

    checkout = start_checkout(page, drawer)
    summary = checkout.get_by_role("complementary")
    expect(summary.get_by_role("listitem")).to_contain_text("3 × €24.00")  # unit price
    totals = summary.locator("dl")
    expect(totals).to_contain_text("Subtotal€72.00")
    fill_details(checkout)
    expect(totals).to_contain_text("ShippingFree")
    standard = checkout.get_by_role("radio", name=re.compile(r"^Standard\b.*\bFree$"))
    expect(standard).to_be_checked()
    fill_card(checkout)
    pay(checkout, "€72.00")
    expect(confirmation(page)).to_be_visible()
    [order] = orders(stack)
    assert (order["subtotal"], order["shipping_total"], order["total"]) == (7200, 0, 7200)
    assert_clean(problems)


@DESKTOP
def test_free_shipping_speaks_of_the_shoppers_country_once_they_say_where_they_live(
    page: Page, stack: Stack, problems: PageProblems
):
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")
    free = drawer.get_by_text(re.compile("free shipping", re.IGNORECASE))
    expect(free).to_have_text("Free shipping to Ireland on orders over €60.00: add €36.00 more")
    checkout = start_checkout(page, drawer)
    checkout.get_by_label("Country").select_option("DE")
    expect(checkout.get_by_role("radio", name=re.compile(r"^Standard\b.*€7\.95$"))).to_be_checked()
    back_to_the_cart(page)
    expect(free).to_have_text("Add €36.00 more for free shipping to Germany")

    # Nothing ships free to the United States: no line at all (not Ireland's offer).
    checkout = start_checkout(page, drawer)
    checkout.get_by_label("Country").select_option("US")
    expect(checkout.get_by_role("radio", name=re.compile(r"^International\b"))).to_be_checked()
    back_to_the_cart(page)
    expect(drawer.get_by_role("button", name="Checkout")).to_be_visible()
    expect(free).to_be_hidden()

    # Remembered details: the next visit's cart speaks of Germany from the first item.
    checkout = start_checkout(page, drawer)
    checkout.get_by_label("Country").select_option("DE")
    fill_details(checkout)
    checkout.get_by_label("Postal code").fill("10115")
    checkout.get_by_label("Remember my details on this device").check()
    fill_card(checkout)
    pay(checkout, "€31.95")
    expect(confirmation(page)).to_be_visible()
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")
    expect(drawer.get_by_text(re.compile("free shipping", re.IGNORECASE))).to_have_text(
        "Add €36.00 more for free shipping to Germany"
    )
    assert_clean(problems)


def checkout_with_two_throws(page: Page, stack: Stack) -> Locator:
    """The checkout, filled in and ready to pay for two of the three Lambswool Throws."""
    open_product(page, stack, "wool-throw")
    page.get_by_label("Quantity", exact=True).fill("2")
    drawer = add_to_cart(page, "Lambswool Throw")
    expect(drawer.get_by_role("textbox", name="Quantity of Lambswool Throw")).to_have_value("2")
    checkout = start_checkout(page, drawer)
    fill_details(checkout)
    fill_card(checkout)
    return checkout


def throws_in_stock(stack: Stack) -> int:
    return stack.query("SELECT stock FROM products WHERE sku = 'FH-THR-01'")[0]["stock"]


def sold_out_line(page: Page, stack: Stack) -> Locator:
    """Another shopper buys the last three throws while this one's checkout is open; this
    shopper then pays. Returns the summary's line for the throws."""
    checkout = checkout_with_two_throws(page, stack)
    order_over_the_api(stack, {"FH-THR-01": 3}, {"method": "bank_transfer"})
    pay(checkout, "€258.00")
    return checkout.get_by_role("list", name="Items").get_by_role("listitem")


@DESKTOP
def test_last_throws_sold_while_checkout_is_open_are_flagged_on_the_line_uncharged(
    page: Page, stack: Stack, problems: PageProblems
):
    line = sold_out_line(page, stack)
    expect(line).to_contain_text("Not enough in stock.")
    expect(line.get_by_role("button", name="Remove Lambswool Throw")).to_be_visible()
    checkout = page.get_by_role("dialog", name="Checkout")
    expect(checkout.get_by_role("alert").filter(has_text="Lambswool Throw")).to_have_text(
        "Sorry, Lambswool Throw has sold out. Update your cart and try again;"
        " you have not been charged."
    )
    # Nothing charged: the other shopper's order is the only one, and this cart is still open.
    assert [order["email"] for order in orders(stack)] == ["other@example.com"]
    assert throws_in_stock(stack) == 0
    mine = stack.query("SELECT status FROM carts WHERE id = (SELECT min(id) FROM carts)")
    assert mine[0]["status"] == "open"
    expect(checkout.get_by_label("Email", exact=True)).to_have_value("aoife@example.com")
    assert_clean(problems)


@DESKTOP
def test_removing_the_sold_out_line_leaves_nothing_to_pay_for(page: Page, stack: Stack):
    line = sold_out_line(page, stack)
    line.get_by_role("button", name="Remove Lambswool Throw").click()
    # The cart is empty now: the shopper is back at the (empty) cart, with no "Pay" for
    # shipping alone.
    expect(page.get_by_role("dialog", name="Checkout")).to_be_hidden()
    expect(cart_drawer(page).get_by_text("Your cart is empty.")).to_be_visible()
    mine = "SELECT count(*) FROM cart_items WHERE cart_id = (SELECT min(id) FROM carts)"
    assert stack.query(mine)[0][0] == 0


@DESKTOP
def test_fewer_left_than_wanted_is_fixed_in_the_summary_then_paid(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = checkout_with_two_throws(page, stack)
    other = order_over_the_api(stack, {"FH-THR-01": 2}, {"method": "bank_transfer"})
    pay(checkout, "€258.00")
    expect(checkout.get_by_role("alert").filter(has_text="Lambswool Throw")).to_contain_text(
        "Sorry, Lambswool Throw has only 1 left."
    )
    line = checkout.get_by_role("list", name="Items").get_by_role("listitem")
    expect(line).to_contain_text("Not enough in stock.")
    assert [order["public_id"] for order in orders(stack)] == [other["id"]]

    line.get_by_role("button", name="Change quantity of Lambswool Throw to 1").click()
    expect(line).to_contain_text("€129.00")
    pay(checkout, "€129.00")
    expect(confirmation(page)).to_contain_text("Lambswool Throw")
    mine = orders(stack)[-1]
    assert (mine["email"], mine["total"]) == ("aoife@example.com", 12900)
    assert throws_in_stock(stack) == 0
    assert_clean(problems)


# --- a busy or unreachable shop: retried with the same Idempotency-Key ------------------------


def shop_answers(stack: Stack, status: int, code: str) -> dict:
    """route.fulfill() arguments for an API error the shop answers with, readable by the widget
    (CORS), with Retry-After."""
    message = {"database_busy": "The shop is busy; try again in a moment.",
               "in_progress": "This order is still being placed; wait a moment."}[code]  # fmt: skip
    return {
        "status": status,
        "headers": {
            "Access-Control-Allow-Origin": stack.shop_url,
            "Access-Control-Expose-Headers": "Retry-After",
            "Retry-After": "1",
        },
        "json": {"error": {"code": code, "message": message, "field": None}},
    }


FIRST_ANSWERS = {
    "busy": lambda route, stack: route.fulfill(**shop_answers(stack, 503, "database_busy")),
    "in_progress": lambda route, stack: route.fulfill(**shop_answers(stack, 409, "in_progress")),
    # The connection drops: the request may or may not have reached the shop.
    "network": lambda route, stack: route.abort("connectionreset"),
}


@DESKTOP
@pytest.mark.parametrize("first", list(FIRST_ANSWERS))
def test_a_busy_or_unreachable_shop_is_retried_with_the_same_key_and_orders_once(
    page: Page, stack: Stack, problems: PageProblems, first: str
):
    checkout = mug_ready_to_pay(page, stack)
    expect(checkout.get_by_role("button", name="Pay €28.95")).to_be_visible()
    keys: list[str] = []
    held: list[Route] = []  # the retry, until the test has seen what the shopper sees

    def answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            FIRST_ANSWERS[first](route, stack)
        else:
            held.append(route)

    on_checkout_posts(page, stack, answer)
    # (A quote on its way while the order is placed: test_checkout_late_answers.py.)
    with page.expect_request(nth_checkout_post(stack, 2)):
        pay(checkout, "€28.95")
    expect(checkout.get_by_role("button", name="Still placing your order…")).to_be_visible()
    held[0].continue_()

    done = confirmation(page)
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_focused()
    [order] = orders(stack)
    expect(done).to_contain_text(f"Order #{order['number']} · aoife@example.com")
    assert len(keys) == 2 and keys[0] == keys[1], keys
    assert len(orders(stack)) == 1
    assert_clean(problems)


@DESKTOP
def test_after_the_last_retry_pay_works_again_with_the_key_of_that_payload(
    page: Page, stack: Stack, problems: PageProblems
):
    checkout = mug_ready_to_pay(page, stack)
    keys: list[str] = []
    busy = True

    def answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if busy:
            route.fulfill(**shop_answers(stack, 503, "database_busy"))
        else:
            route.continue_()

    on_checkout_posts(page, stack, answer)
    pay_button = checkout.get_by_role("button", name="Pay €28.95")

    def pay_until_given_up() -> list[str]:
        """Pay; the shop stays busy through every retry. The keys sent."""
        already = len(keys)
        pay_button.click()
        expect(pay_button).to_have_attribute("aria-disabled", "false")
        expect(checkout.get_by_role("alert")).to_have_text(
            "The shop couldn't confirm your order yet. Try again in a moment:"
            " you won't be charged twice."
        )
        return keys[already:]

    first = pay_until_given_up()
    assert 2 <= len(first) <= 5 and len(set(first)) == 1, first  # a few tries, one key
    # Another email is another order: it gets a key of its own.
    checkout.get_by_label("Email", exact=True).fill("aoife.byrne@example.com")
    second = pay_until_given_up()
    assert len(set(second)) == 1 and second[0] != first[0], (first, second)
    assert orders(stack) == []

    busy = False
    pay_button.click()
    expect(confirmation(page)).to_contain_text("aoife.byrne@example.com")
    assert keys[-1] == second[0]
    [order] = orders(stack)
    assert order["email"] == "aoife.byrne@example.com"
    assert_clean(problems)


# --- access: keyboard, screen readers, the host page --------------------------------------------


@DESKTOP
def test_keyboard_only_purchase(page: Page, stack: Stack, problems: PageProblems):
    open_product(page, stack)
    tab_to(page, "Add to cart")
    page.keyboard.press("Enter")
    drawer = cart_drawer(page)
    expect(drawer.get_by_role("button", name="Increase quantity of Stoneware Mug")).to_be_visible()
    tab_to(page, "Checkout")
    page.keyboard.press("Enter")
    checkout = page.get_by_role("dialog", name="Checkout")
    expect(checkout.get_by_label("Email", exact=True)).to_be_focused()

    page.keyboard.type(SHOPPER["Email"])
    for label, value in {**SHOPPER, "Card number": GOOD_CARD, **CARD}.items():
        if label != "Email":
            tab_to(page, label)
            page.keyboard.type(value)
    tab_to(page, re.compile("^Pay"))
    expect(checkout.get_by_role("button", name="Pay €28.95")).to_be_focused()
    page.keyboard.press("Enter")

    done = confirmation(page)
    expect(done.get_by_role("heading", name="Thank you! Your order is confirmed")).to_be_focused()
    [order] = orders(stack)
    assert (order["status"], order["total"]) == ("paid", 2895)
    page.keyboard.press("Escape")
    expect(done).to_be_hidden()
    # Focus goes back to where the shopper started: the product's "Add to cart".
    assert focused_name(page) == "Add to cart"
    assert_clean(problems)


@DESKTOP
def test_drawer_checkout_and_confirmation_have_no_serious_axe_violations(page: Page, stack: Stack):
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")
    expect(drawer).to_contain_text("Free shipping to Ireland on orders over €60.00")
    settle(page)
    assert serious_violations(page) == [], "drawer"

    checkout = start_checkout(page, drawer)
    expect(checkout.get_by_role("button", name="Pay €28.95")).to_be_visible()
    settle(page)
    assert serious_violations(page) == [], "checkout"
    pay(checkout, "€28.95")  # nothing filled in: every field says what it needs
    expect(checkout.get_by_label("Email", exact=True)).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == [], "checkout with errors"

    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€28.95")
    expect(confirmation(page)).to_be_visible()
    settle(page)
    assert serious_violations(page) == [], "confirmation"


HOST_GEOMETRY = """() => {
  const box = document.body.getBoundingClientRect();
  return {scroll: [scrollX, scrollY], body: [box.x, box.y, box.width, box.height],
          width: document.documentElement.clientWidth};
}"""


@DESKTOP
def test_two_quick_taps_on_plus_add_two(page: Page, stack: Stack):
    """The second tap lands while the first change is on its way: it adds one more to what
    the shopper asked for, not to what the server last said (it used to ask for 2 twice)."""
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")
    held: list[Route] = []
    page.route("**/items/**", lambda route: route.continue_() if held else held.append(route))
    plus = drawer.get_by_role("button", name="Increase quantity of Stoneware Mug")
    plus.click()
    wait_for(lambda: held, page=page)
    plus.click()
    quantity = drawer.get_by_role("textbox", name="Quantity of Stoneware Mug")
    expect(quantity).to_have_value("3")  # at once, as asked
    held[0].continue_()
    expect(drawer).to_contain_text("€72.00")
    expect(quantity).to_have_value("3")


@DESKTOP
def test_at_320_px_the_demo_header_keeps_logo_and_cart_on_one_row(page: Page, stack: Stack):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(stack.shop_url + "/")
    brand = page.locator(".brand").bounding_box()
    cart = page.get_by_role("button", name=re.compile(r"^Cart\b")).bounding_box()
    assert brand and cart and cart["y"] < brand["y"] + brand["height"]  # not on a row below
    assert cart["x"] + cart["width"] <= 320


@DESKTOP
def test_drawer_causes_no_layout_shift_on_the_host_page(page: Page, stack: Stack):
    watch_layout_shifts(page)
    open_product(page, stack)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.mouse.wheel(0, 300)
    wait_for(lambda: page.evaluate("scrollY") == 300)
    before = page.evaluate(HOST_GEOMETRY)

    drawer = add_to_cart(page, "Stoneware Mug")  # the first open: the chunk loads and mounts
    assert page.evaluate(HOST_GEOMETRY) == before
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    page.get_by_role("button", name=re.compile(r"^Cart\b")).click()
    expect(drawer).to_be_visible()
    assert page.evaluate(HOST_GEOMETRY) == before
    drawer.get_by_role("button", name="Close cart").click()
    expect(drawer).to_be_hidden()
    page.evaluate("keepcart('open')")  # no user input at all: nothing may be excused
    expect(drawer).to_be_visible()
    assert page.evaluate(HOST_GEOMETRY) == before
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()

    assert layout_shifts(page, excused=False) == []
    assert page.evaluate(HOST_GEOMETRY) == before


@DESKTOP
def test_chunk_loads_on_first_cart_interaction_and_esc_returns_focus(page: Page, stack: Stack):
    requested = chunk_requests(page, "checkout")
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    # A function, so Playwright does not call what keepcart('on', …) returns (the unsubscribe).
    page.evaluate("() => { keepcart('on', 'ready', () => { window.__keepcartReady = true }) }")
    wait_for(lambda: page.evaluate("window.__keepcartReady === true"), message="never ready")
    page.evaluate("new Promise((resolve) => requestIdleCallback(resolve))")  # idle loads too
    cart_button = page.get_by_role("button", name="Cart", exact=True)
    expect(cart_button).to_be_visible()
    assert requested == []

    cart_button.click()
    drawer = cart_drawer(page)
    expect(drawer.get_by_text("Your cart is empty.")).to_be_visible()
    assert len(requested) == 1

    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(cart_button).to_be_focused()
