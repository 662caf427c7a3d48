"""What a shopper does on the demo store in a real browser (open a product, fill the cart, check
out, pay) and what the tests read back: the orders stored, a clean console. Also a purchase
made by another shopper through the public API, and the screens the tests run on."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Locator, Page, Request, Route, expect

from tests.browser.conftest import PageProblems, Stack, wait_for

DESKTOP = pytest.mark.browser_context_args(viewport={"width": 1280, "height": 860})
PHONE = pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
)

GOOD_CARD = "4242 4242 4242 4242"
SHOPPER = {
    "Email": "aoife@example.com",
    "Phone (optional)": "+353 1 234 5678",
    "Full name": "Aoife Byrne",
    "Address": "12 Harbour Road",
    "City": "Dublin",
}
CARD = {"Expiry (MM/YY)": "12 / 34", "Security code": "123"}
API_SHOPPER = {
    "email": "other@example.com",
    "phone": "+353 1 765 4321",
    "address": {"name": "Niamh Walsh", "line1": "1 Quay Street", "city": "Galway", "country": "IE"},
}

# The deepest focused element (through shadow roots) named the way a person would read it.
FOCUSED_NAME = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el) return "";
  const label = el.getAttribute("aria-label") || el.labels?.[0]?.textContent || el.textContent;
  return label.trim().replace(/\\s+/g, " ");
}"""


LOADER_STARTED = "typeof keepcart === 'function' && !!keepcart.version && !keepcart.pending"


def wait_for_loader(page: Page) -> None:
    """Until the loader proper has replaced the queue stub and keepcart.js's first stage (whose
    keepcart() only queues: `pending`). A string predicate would need eval, which the demo
    store's CSP forbids, so poll from here."""
    wait_for(lambda: page.evaluate(LOADER_STARTED))


def open_product(page: Page, stack: Stack, slug: str = "stoneware-mug") -> None:
    page.goto(f"{stack.shop_url}/products/{slug}")
    wait_for_loader(page)


def cart_drawer(page: Page) -> Locator:
    return page.get_by_role("dialog", name=re.compile(r"^Your cart"))


def add_to_cart(page: Page, product: str) -> Locator:
    """Click the product page's "Add to cart"; the drawer opens with the line in it."""
    page.get_by_role("button", name="Add to cart").first.click()
    drawer = cart_drawer(page)
    expect(drawer.get_by_role("button", name=f"Increase quantity of {product}")).to_be_visible()
    return drawer


def start_checkout(page: Page, drawer: Locator) -> Locator:
    drawer.get_by_role("button", name="Checkout").click()
    checkout = page.get_by_role("dialog", name="Checkout")
    expect(checkout.get_by_label("Email", exact=True)).to_be_focused()
    return checkout


def back_to_the_cart(page: Page) -> Locator:
    """Close the checkout and open the cart from the shop's header."""
    page.get_by_role("button", name="Close checkout").click()
    page.get_by_role("button", name=re.compile(r"^Cart\b")).click()
    return cart_drawer(page)


def fill_details(checkout: Locator, email: str = SHOPPER["Email"]) -> None:
    for label, value in {**SHOPPER, "Email": email}.items():
        checkout.get_by_label(label, exact=True).fill(value)


def fill_card(checkout: Locator, number: str = GOOD_CARD) -> None:
    checkout.get_by_label("Card number").fill(number)
    for label, value in CARD.items():
        checkout.get_by_label(label).fill(value)


def mug_in_checkout(page: Page, stack: Stack) -> Locator:
    """The most common start: one Stoneware Mug (€24.00) in the cart and the checkout open."""
    open_product(page, stack)
    return start_checkout(page, add_to_cart(page, "Stoneware Mug"))


def mug_ready_to_pay(page: Page, stack: Stack) -> Locator:
    """A mug in the checkout, the shopper's details and the good card filled in."""
    checkout = mug_in_checkout(page, stack)
    fill_details(checkout)
    fill_card(checkout)
    return checkout


def pay(checkout: Locator, total: str) -> None:
    """Pay, once the button shows the total the shopper is about to be charged."""
    checkout.get_by_role("button", name=f"Pay {total}").click()


def confirmation(page: Page) -> Locator:
    return page.get_by_role("dialog", name="Thank you! Your order is confirmed")


def orders(stack: Stack) -> list[dict]:
    rows = stack.query("SELECT * FROM orders ORDER BY id")
    return [dict(row) for row in rows]


def focused_name(page: Page) -> str:
    return page.evaluate(FOCUSED_NAME)


SETTLED = """() => {
  // document.getAnimations() leaves out shadow trees: ask the widget's root as well.
  const root = document.getElementById("keepcart-root")?.shadowRoot;
  const all = [...document.getAnimations(), ...(root ? root.getAnimations() : [])];
  const finite = all.filter((a) => a.effect?.getTiming().iterations !== Infinity);
  return Promise.all(finite.map((a) => a.finished)).then(() => finite.length);
}"""


def settle(page: Page) -> None:
    """Until the sheets' opening animations are over (mid-fade text is not what people read)."""
    page.evaluate(SETTLED)


def assert_clean(problems: PageProblems) -> None:
    assert problems.errors == []
    assert problems.csp_violations == []


def order_over_the_api(
    stack: Stack, items: dict[str, int], payment: dict, code: str | None = None,
    email: str = API_SHOPPER["email"],
) -> dict:  # fmt: skip
    """A whole purchase through the public API (as a widget would place it), by another shopper
    unless ``email`` says otherwise; returns the order as the server answered it."""
    with httpx.Client(base_url=stack.keepcart_url, headers={"Origin": stack.shop_url}) as client:
        token = client.post("/v1/carts", json={"store": stack.store.public_key}).json()["token"]
        for sku, quantity in items.items():
            added = client.post(f"/v1/carts/{token}/items", json={"sku": sku, "quantity": quantity})
            assert added.status_code == 200, added.text
        if code:
            applied = client.put(f"/v1/carts/{token}/discount", json={"code": code})
            assert applied.status_code == 200, applied.text
        body = {**API_SHOPPER, "email": email, "cart": token, "shipping_method": 1,
                "payment": payment}  # fmt: skip
        key = {"Idempotency-Key": f"other-{secrets.token_hex(8)}"}
        placed = client.post("/v1/checkout", json=body, headers=key)
        assert placed.status_code == 201, placed.text
        return placed.json()["order"]


def nth_checkout_post(stack: Stack, n: int) -> Callable[[Request], bool]:
    """A predicate for page.expect_request(): true on the ``n``th POST /v1/checkout it sees."""
    seen: list[Request] = []

    def check(request: Request) -> bool:
        if request.method == "POST" and request.url == checkout_url(stack):
            seen.append(request)
        return len(seen) == n

    return check


def checkout_url(stack: Stack) -> str:
    return f"{stack.keepcart_url}/v1/checkout"


def on_checkout_posts(page: Page, stack: Stack, answer: Callable[[Route], None]) -> None:
    """Hand every POST /v1/checkout to ``answer`` (anything else, a CORS preflight, goes on)."""
    page.route(checkout_url(stack), lambda route: answer(route) if route.request.method == "POST"
               else route.fallback())  # fmt: skip


def chunk_requests(page: Page, name: str) -> list[str]:
    """URLs of the page's requests for feature chunk ``name``, kept up to date."""
    seen: list[str] = []

    def record(request: Request) -> None:
        if re.search(rf"/v1/chunks/{name}\.[^/]*\.js$", request.url):
            seen.append(request.url)

    page.on("request", record)
    return seen
