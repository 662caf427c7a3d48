"""Reviews in a real browser: a buyer reviewing what they bought with the keyboard alone,
through the link on their order's page; the demo product page's reviews (summary, labels,
replies, helpful votes, more reviews) and the cards' stars, without moving the page; hidden
reviews absent from the shop with their log entry in the admin; axe on every new screen."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect
from starlette.applications import Starlette

from server.ratelimit import RateLimiter
from server.services import attach, services
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, live_stack, wait_for
from tests.browser.layout import layout_shifts, watch_layout_shifts
from tests.browser.merchant import sign_in
from tests.browser.reviewing import (
    MOUNT_SIZES,
    REVIEWS_HEIGHT,
    STARS_HEIGHT,
    WATCH_MOUNT_SIZES,
    fulfil,
    import_mug_reviews,
    reviews_mount,
    seed_reviews,
    use_up_todays_votes,
)
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    assert_clean,
    focused_name,
    open_product,
    order_over_the_api,
)

# A real sale (a test-card order is a rehearsal, never a verified purchase).
CARD = {"method": "bank_transfer"}


def tab_to(page: Page, name: str, limit: int = 40) -> None:
    """Press Tab until the element whose text ends with ``name`` has the focus, as a keyboard
    user would (a star's label begins with its stars, drawn as glyphs)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_name(page).endswith(name):
            return
    raise AssertionError(f"Tab never reached {name!r}; last focus: {focused_name(page)!r}")


# ---- a buyer's review, from their order's page ------------------------------------------------


@DESKTOP
def test_a_buyer_reviews_with_the_keyboard_alone_from_their_order_page(
    page: Page, stack: Stack, problems: PageProblems
):
    order = order_over_the_api(stack, {"FH-MUG-01": 1}, CARD)
    page.goto(order["status_url"])
    expect(page.get_by_text("You can review what you bought here once your order")).to_be_visible()
    fulfil(stack, order["number"])
    page.reload()
    assert serious_violations(page) == [], "receipt with review links"

    tab_to(page, "Review Stoneware Mug")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review Stoneware Mug")).to_be_visible()
    assert serious_violations(page) == [], "review form"

    tab_to(page, "5 stars")  # into the rating group: its first star
    page.keyboard.press("ArrowDown")  # moves to, and chooses, 4 stars
    expect(page.get_by_role("radio", name="4 stars")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.type("Keeps coffee hot")
    page.keyboard.press("Tab")
    page.keyboard.type("A good weight, and the glaze is lovely.")
    page.keyboard.press("Tab")
    name = page.get_by_label("Name shown with your review")
    expect(name).to_be_focused()
    expect(name).to_have_value("Niamh W.")  # "Niamh Walsh" on the order
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Niamh from Galway")
    page.keyboard.press("Tab")
    assert focused_name(page) == "Publish review"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Thank you: your review is published")).to_be_visible()
    expect(page.get_by_text("Rated 4 out of 5 · Verified buyer")).to_be_visible()
    assert serious_violations(page) == [], "thank-you page"
    stored = stack.query("SELECT rating, title, display_name, source, status FROM reviews")
    assert [tuple(row) for row in stored] == [
        (4, "Keeps coffee hot", "Niamh from Galway", "order", "published")
    ]

    page.goto(order["status_url"])
    expect(page.get_by_text("reviewed, thank you (4 out of 5)")).to_be_visible()
    assert_clean(problems)


@DESKTOP
def test_a_reused_or_forged_link_is_refused(page: Page, stack: Stack):
    order = order_over_the_api(stack, {"FH-MUG-01": 1}, CARD)
    fulfil(stack, order["number"])
    page.goto(order["status_url"])
    link = page.get_by_role("link", name="Review Stoneware Mug").get_attribute("href")
    assert link
    page.goto(stack.keepcart_url + link)
    page.get_by_role("radio", name="2 stars").check()
    page.get_by_role("button", name="Publish review").click()
    expect(page.get_by_role("heading", name="Thank you: your review is published")).to_be_visible()

    again = page.goto(stack.keepcart_url + link)
    assert again and again.status == 409
    expect(page.get_by_role("heading", name="You have reviewed this already")).to_be_visible()
    expect(page.get_by_role("button", name="Publish review")).to_have_count(0)
    assert serious_violations(page) == [], "reviewed already"

    token = link.rsplit("/", 1)[1]
    forged = page.goto(f"{stack.keepcart_url}/reviews/{token[:-4]}AAAA")
    assert forged and forged.status == 404
    expect(page.get_by_role("heading", name="This review link doesn’t work")).to_be_visible()
    assert serious_violations(page) == [], "link not found"
    assert len(stack.query("SELECT id FROM reviews")) == 1


@DESKTOP
def test_the_review_form_says_what_is_wrong_and_keeps_what_was_typed(page: Page, stack: Stack):
    order = order_over_the_api(stack, {"FH-MUG-01": 1}, CARD)
    fulfil(stack, order["number"])
    page.goto(order["status_url"])
    page.get_by_role("link", name="Review Stoneware Mug").click()
    page.get_by_label("Title").fill("No stars chosen")
    page.get_by_label("Name shown with your review").fill("")
    page.get_by_role("button", name="Publish review").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose a rating from 1 to 5 stars.")
    expect(page.get_by_label("Title")).to_have_value("No stars chosen")
    expect(page.get_by_label("Name shown with your review")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert serious_violations(page) == [], "form with errors"
    summary.get_by_role("link", name=re.compile("Choose a rating")).click()
    expect(page.get_by_role("radio", name="5 stars")).to_be_focused()
    assert stack.query("SELECT id FROM reviews") == []


# ---- the product page's reviews -------------------------------------------------------------


@DESKTOP
def test_the_product_page_shows_its_reviews_labels_replies_and_helpful_votes(
    page: Page, stack: Stack, problems: PageProblems
):
    seed_reviews(stack)
    open_product(page, stack)
    mount = reviews_mount(page)
    expect(mount.get_by_text("Customer reviews: Rated 3.8 out of 5, 4 reviews")).to_be_attached()
    expect(mount.get_by_text("5 stars: 1 review")).to_be_attached()
    expect(mount.get_by_text("4 stars: 2 reviews")).to_be_attached()
    assert serious_violations(page) == [], "summary"

    mount.get_by_text("How reviews work here").click()
    expect(mount.get_by_text(re.compile("^Reviews come from orders"))).to_be_visible()
    expect(mount).to_contain_text(
        "1 review of this product was imported from the shop's old website"
    )

    mount.get_by_role("button", name="Show 4 reviews").click()
    hide = mount.get_by_role("button", name="Hide reviews")
    expect(hide).to_have_attribute("aria-expanded", "true")
    reviews = mount.get_by_role("article")
    expect(reviews).to_have_count(4)
    chipped = reviews.filter(has_text="Chipped on arrival")
    expect(chipped).to_contain_text("Verified buyer")
    expect(chipped).to_contain_text("Rated 2 out of 5")
    expect(chipped).to_contain_text("Reply from Fernhill Goods")
    expect(chipped).to_contain_text("a replacement is on its way")
    expect(reviews.filter(has_text="Lovely glaze")).to_contain_text("Imported")
    assert serious_violations(page) == [], "the list"

    helpful = chipped.get_by_role("button", name="Helpful (0)")
    helpful.click()
    expect(chipped.get_by_role("button", name="Helpful (1)")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(mount.get_by_role("status")).to_have_text("Thank you: marked as helpful.")
    mount.get_by_role("button", name="Most helpful").click()
    expect(reviews.first).to_contain_text("Chipped on arrival")
    assert len(stack.query("SELECT * FROM review_votes")) == 1
    assert_clean(problems)


def test_helpful_past_the_daily_cap_says_so(page: Page, stack: Stack):
    """A 429 on Helpful is the connection's daily cap: "try again" would be untrue today."""
    seed_reviews(stack)
    use_up_todays_votes(stack)
    open_product(page, stack)
    mount = reviews_mount(page)
    mount.get_by_role("button", name=re.compile(r"^Show \d+ reviews$")).click()
    mount.get_by_role("button", name="Helpful (0)").first.click()
    expect(mount.get_by_role("status")).to_have_text(
        "This connection has reached today's limit of helpful votes."
    )
    assert mount.get_by_role("button", name="Helpful (0)").first.get_attribute("aria-disabled")


def test_helpful_past_the_per_minute_limit_may_be_tried_again(page: Page, tmp_path: Path):
    """The per-minute limiter's 429 is not the daily cap: the vote may be sent again, and the
    shopper is not told about a limit for the day."""
    apps: list[Starlette] = []

    def no_refill(app: Starlette) -> None:  # a drained limit stays drained while the test runs
        state = services(app)
        limiter = RateLimiter(state.settings.api_rate_limit, 10**9, state.clock)
        attach(app, dataclasses.replace(state, api_limiter=limiter))
        apps.append(app)

    with live_stack(tmp_path, no_refill) as stack:
        seed_reviews(stack)
        open_product(page, stack)
        mount = reviews_mount(page)
        mount.get_by_role("button", name=re.compile(r"^Show \d+ reviews$")).click()
        limiter = services(apps[0]).api_limiter
        while not limiter.hit((("helpful", stack.store.id), "127.0.0.1")):
            pass  # the browser's connection has sent as many votes as it may this minute
        helpful = mount.get_by_role("button", name="Helpful (0)").first
        helpful.click()
        expect(mount.get_by_role("status")).to_have_text("Your vote could not be sent. Try again.")
        expect(helpful).not_to_have_attribute("aria-disabled", "true")


@DESKTOP
def test_more_reviews_load_on_a_click_and_take_the_focus(page: Page, stack: Stack):
    seed_reviews(stack)
    import_mug_reviews(stack, 10)  # 14 in all: a second page
    open_product(page, stack)
    mount = reviews_mount(page)
    mount.get_by_role("button", name="Show 14 reviews").click()
    reviews = mount.get_by_role("article")
    expect(reviews).to_have_count(10)
    mount.get_by_role("button", name="More reviews").click()
    expect(reviews).to_have_count(14)
    expect(reviews.nth(10)).to_be_focused()
    expect(mount.get_by_role("button", name="More reviews")).to_be_hidden()
    expect(mount.get_by_role("status")).to_have_text("Showing 14 of 14 reviews")


@DESKTOP
def test_a_hidden_review_is_absent_from_the_shop_and_in_the_admins_log(page: Page, stack: Stack):
    seed_reviews(stack)  # hides a pour-over review that gave a phone number
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/reviews")
    hidden = page.get_by_role("article").filter(has_text="Ring me about it")
    expect(hidden).to_contain_text("Hidden: It contains personal data")
    assert serious_violations(page) == [], "admin reviews"
    # Hide another one, in the admin, for a reason from the list.
    awful = page.get_by_role("article").filter(has_text="Too small for a bed")
    awful.get_by_label(re.compile("Reason to hide")).select_option("different_product")
    awful.get_by_role("button", name=re.compile("^Hide")).click()
    expect(page.get_by_role("status")).to_contain_text("The review is hidden")
    page.get_by_role("link", name="Moderation log").click()
    log = page.get_by_role("table")
    expect(log.get_by_role("row").filter(has_text="Hidden").filter(
        has_text="It contains personal data")).to_have_count(1)  # fmt: skip
    expect(log.get_by_role("row").filter(has_text="a different product")).to_contain_text(
        "owner@shop.test"
    )
    assert serious_violations(page) == [], "moderation log"

    open_product(page, stack, "ceramic-pour-over")
    mount = reviews_mount(page)
    expect(mount).to_contain_text("hidden 1 review of this product: 1 for personal data")
    mount.get_by_role("button", name="Show 2 reviews").click()
    expect(mount.get_by_role("article")).to_have_count(2)
    expect(mount).not_to_contain_text("Ring me about it")
    open_product(page, stack, "wool-throw")
    mount = reviews_mount(page)
    expect(mount.get_by_text("Customer reviews: Rated 5.0 out of 5, 1 review")).to_be_attached()
    expect(mount).not_to_contain_text("Too small for a bed")


# ---- no layout shift, and the stars ----------------------------------------------------------


def assert_reviews_fit_what_the_page_reserved(page: Page, stack: Stack) -> None:
    """The product page opened at its reviews (in view as they fill in): every mount keeps the
    size the page gave it before Keepcart loaded, and nothing shifts."""
    watch_layout_shifts(page)
    page.add_init_script(WATCH_MOUNT_SIZES)
    page.goto(f"{stack.shop_url}/products/stoneware-mug#reviews-title")
    mount = reviews_mount(page)
    wait_for(lambda: page.evaluate(
        "[...document.querySelectorAll('[data-keepcart-stars=FH-POUR-01]')]"
        ".every((el) => el.shadowRoot)"))  # fmt: skip
    reserved = page.evaluate("window.__reserved")
    assert reserved and page.evaluate(MOUNT_SIZES) == reserved
    box = mount.bounding_box()
    assert box and round(box["height"]) == REVIEWS_HEIGHT  # the summary fills it exactly
    stars = page.locator("[data-keepcart-stars]")
    for index in range(stars.count()):
        star_box = stars.nth(index).bounding_box()
        assert star_box and round(star_box["height"]) == STARS_HEIGHT
    page.mouse.wheel(0, 2000)  # scrolling is not input that excuses a shift
    wait_for(lambda: page.evaluate("scrollY") > 0)
    assert layout_shifts(page, excused=False) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@DESKTOP
def test_the_reviews_and_stars_cause_no_layout_shift(page: Page, stack: Stack):
    seed_reviews(stack)
    assert_reviews_fit_what_the_page_reserved(page, stack)


@PHONE
def test_the_reviews_cause_no_layout_shift_on_a_phone(page: Page, stack: Stack):
    seed_reviews(stack)
    assert_reviews_fit_what_the_page_reserved(page, stack)
    assert serious_violations(page) == []


@DESKTOP
def test_320_px_wide_the_summary_still_fits(page: Page, stack: Stack):
    seed_reviews(stack)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_reviews_fit_what_the_page_reserved(page, stack)
    mount = reviews_mount(page)
    mount.get_by_role("button", name="Show 4 reviews").click()
    expect(mount.get_by_role("article")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


# A name as long as a name may be (60 characters), in one word: nothing to break it at.
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft"[:60]

# The demo's CSP allows no inline style: a constructed sheet sets the width.
RESERVE_JUST_120_PX = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync("[data-keepcart-stars] { width: 120px; }");
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""

INSIDE = """([inner, outer]) => {
  const a = inner.getBoundingClientRect(), b = outer.getBoundingClientRect();
  const uncut = inner.scrollWidth <= inner.clientWidth;
  return a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && uncut;
}"""


def fits_inside(inner: Locator, outer: Locator) -> bool:
    """Whether ``inner`` is drawn within ``outer``'s box, its own text not cut."""
    return inner.evaluate("(el, outer) => (" + INSIDE + ")([el, outer])", outer.element_handle())


@DESKTOP
def test_320_px_wide_a_big_count_and_a_long_name_still_fit(page: Page, stack: Stack):
    """The summary's count, a long byline and a card's stars stay whole in their boxes at
    320 px: nothing cut, nothing spilling."""
    seed_reviews(stack)
    import_mug_reviews(stack, 1230, name=LONG_NAME)  # 1,234 reviews of the mug in all
    page.set_viewport_size({"width": 320, "height": 640})
    open_product(page, stack)
    mount = reviews_mount(page)
    header = mount.locator(".hd")
    count = mount.get_by_text(re.compile(r"· 1,?234 reviews"))
    expect(count).to_be_visible()
    assert fits_inside(count, header), "the summary's count is cut"
    mount.get_by_role("button", name=re.compile(r"Show 1,?234 reviews")).click()
    byline = mount.locator(".by").filter(has_text=LONG_NAME).first
    expect(byline).to_be_visible()
    assert fits_inside(byline, mount.get_by_role("article").first), "the byline overflows"
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.goto(stack.shop_url + "/")
    # A merchant who reserved just what the README asks: 120 × 20.
    page.evaluate(RESERVE_JUST_120_PX)
    card = page.locator("[data-keepcart-stars=FH-MUG-01]").first
    stars = card.locator(".ks")
    expect(stars).to_contain_text(re.compile(r"\(1,?234\)"))
    assert fits_inside(stars, card), "the card's stars spill out of their box"


@DESKTOP
def test_helpful_keeps_the_keyboard_focus(page: Page, stack: Stack, problems: PageProblems):
    seed_reviews(stack)
    open_product(page, stack)
    mount = reviews_mount(page)
    mount.get_by_role("button", name="Show 4 reviews").focus()
    page.keyboard.press("Enter")
    expect(mount.get_by_role("article")).to_have_count(4)
    tab_to(page, "Helpful (0)")
    page.keyboard.press("Enter")
    expect(mount.get_by_role("status")).to_have_text("Thank you: marked as helpful.")
    assert focused_name(page) == "Helpful (1)"  # the focus stays where it was
    helpful = mount.get_by_role("button", name="Helpful (1)")
    expect(helpful).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")  # a second press sends nothing more
    page.keyboard.press("Tab")
    assert focused_name(page) != "Helpful (1)"  # and Tab goes on from there
    assert len(stack.query("SELECT * FROM review_votes")) == 1
    assert_clean(problems)


@DESKTOP
def test_the_cards_stars_come_from_one_request_and_say_their_rating(page: Page, stack: Stack):
    seed_reviews(stack)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/ratings?" in r.url else None)
    page.goto(stack.shop_url + "/")
    kettle = page.locator("[data-keepcart-stars=FH-KTL-01]")
    expect(kettle.get_by_text("Rated 4.0 out of 5, 1 review")).to_be_attached()
    expect(page.locator("[data-keepcart-stars=FH-MUG-01]").get_by_text(
        "Rated 3.8 out of 5, 4 reviews")).to_be_attached()  # fmt: skip
    assert len(requests) == 1
    skus = urlsplit(requests[0]).query
    assert "FH-MUG-01" in skus and "FH-BRD-01" in skus
    assert serious_violations(page) == []


@DESKTOP
def test_a_page_without_mounts_never_loads_the_reviews(page: Page, stack: Stack):
    seed_reviews(stack)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(stack.shop_url + "/about")
    open_product(page, stack)  # a page with mounts, to know the chunk does load there
    reviews_mount(page)
    chunk = [url for url in requests if re.search(r"/chunks/reviews\.", url)]
    assert len(chunk) == 1


# ---- the admin's pages -----------------------------------------------------------------------


@DESKTOP
def test_the_admins_review_pages_are_accessible(page: Page, stack: Stack):
    seed_reviews(stack)
    sign_in(page, stack)
    base = f"{stack.keepcart_url}/admin/stores/{stack.store.id}"
    page.goto(f"{base}/reviews")
    page.get_by_role("link", name=re.compile("Edit reply, log")).first.click()
    expect(page.get_by_role("heading", name="Public reply")).to_be_visible()
    assert serious_violations(page) == [], "a review's page"
    page.get_by_role("button", name=re.compile("Save reply")).click()
    page.get_by_label("Your reply").fill("")
    page.get_by_role("button", name=re.compile("Save reply")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert serious_violations(page) == [], "a review's page with an error"
    page.goto(f"{base}/reviews/import")
    assert serious_violations(page) == [], "import"
    number = stack.query("SELECT number FROM orders WHERE store_id = ? ORDER BY id LIMIT 1",
                         (stack.store.id,))[0][0]  # fmt: skip
    page.goto(f"{base}/orders/{number}")
    expect(page.get_by_role("heading", name="Reviews")).to_be_visible()
    assert serious_violations(page) == [], "an order's page"
