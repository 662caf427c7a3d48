"""Exit-intent offers on the demo store, as a shopper's browser runs them: what makes the
offer appear (and what must not), the shared interruption budget, the dialog's keyboard and
screen-reader behaviour, and a claimed coupon all the way to a discounted, attributed order.

Every test starts from campaigns it saves itself (the demo seed's campaign is ended), with
no holdout so the arm is a variant, and a ``return_delay_ms`` of 0, so that an exit through
the top decides synchronously. Absence is asserted without sleeping: once the mouse move has
been dispatched the decision is made; ``settle_timers`` also lets any timer already queued
in the page run first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import CDPSession, Page, expect

from server.offers.bucketing import Arm, assign
from server.offers.model import Offer, Targeting, Trigger, Variant
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.layout import layout_shifts, watch_layout_shifts
from tests.browser.merchant import sign_in
from tests.browser.offering import (
    ARMED,
    OTHER_HEADLINE,
    campaign,
    end_campaign,
    exposures,
    leave_through_the_top,
    no_offer_dialog,
    offer,
    offer_events,
    open_shop,
    settle_timers,
)
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    SETTLED,
    add_to_cart,
    assert_clean,
    cart_drawer,
    confirmation,
    fill_card,
    fill_details,
    focused_name,
    open_product,
    orders,
    pay,
    settle,
    start_checkout,
    wait_for_loader,
)

# --- what the shopper's browser does -------------------------------------------------------------


def swipe(cdp: CDPSession, from_y: int, to_y: int, steps: int = 8) -> None:
    """A finger on the touch screen moving from ``from_y`` to ``to_y``, quickly."""
    touch = lambda kind, y: cdp.send(  # noqa: E731
        "Input.dispatchTouchEvent",
        {"type": kind, "touchPoints": [] if y is None else [{"x": 195, "y": y}]},
    )
    touch("touchStart", from_y)
    for step in range(1, steps + 1):
        touch("touchMove", from_y + (to_y - from_y) * step // steps)
    touch("touchEnd", None)


# --- desktop exit intent -------------------------------------------------------------------------


@DESKTOP
def test_pointer_leaving_through_the_top_shows_the_offer(
    page: Page, stack: Stack, problems: PageProblems
):
    [cmp] = stack.only_campaigns(campaign())
    open_shop(page, stack)
    assert no_offer_dialog(page)
    leave_through_the_top(page)

    dialog = offer(page)
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    expect(dialog.get_by_role("button", name="Claim 10% off")).to_be_focused()
    expect(dialog.get_by_text("10% off", exact=True)).to_be_visible()
    settle(page)
    assert serious_violations(page) == []
    visitor = page.evaluate("localStorage.getItem('keepcart:vid')")
    wait_for(lambda: exposures(stack), message="no exposure recorded")
    assert exposures(stack) == [{"campaign": cmp, "visitor_id": visitor, "arm": "A",
                                 "signal": "exit_top"}]  # fmt: skip
    events = wait_for(lambda: len(offer_events(stack)) >= 2 and offer_events(stack))
    assert events[:2] == [
        ("offer:trigger", {"campaign": cmp, "signal": "exit_top", "arm": "A"}),
        ("offer:shown", {"campaign": cmp, "arm": "A"}),
    ]
    assert_clean(problems)
    assert problems.console_errors == []


@DESKTOP
def test_no_offer_while_a_select_dropdown_is_open(page: Page, stack: Stack):
    stack.only_campaigns(campaign())
    open_shop(page, stack)
    sort = page.get_by_label("Sort by")
    sort.click()  # the dropdown opens (the select has focus while it is open)
    expect(sort).to_be_focused()
    leave_through_the_top(page)
    settle_timers(page)
    assert no_offer_dialog(page) and exposures(stack) == []

    # The same move, the dropdown closed and focus elsewhere: the offer shows.
    page.keyboard.press("Escape")
    page.get_by_role("heading", name="Shop the collection").click()
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()
    assert [row["signal"] for row in wait_for(lambda: exposures(stack))] == ["exit_top"]


@DESKTOP
@pytest.mark.parametrize("min_seconds, shown", [(3600, False), (0, True)])
def test_exit_intent_is_armed_only_after_the_minimum_time(
    page: Page, stack: Stack, min_seconds: int, shown: bool
):
    trigger = Trigger(kind="exit_intent", min_seconds=min_seconds, return_delay_ms=0)
    stack.only_campaigns(campaign(trigger=trigger))
    open_shop(page, stack)
    leave_through_the_top(page)
    settle_timers(page)
    if shown:
        expect(offer(page)).to_be_visible()
        return
    assert no_offer_dialog(page) and exposures(stack) == []
    # The campaign is live and eligible: only the time was missing. Debug fires it anyway.
    page.evaluate("keepcart('debug', 'exit')")
    expect(offer(page)).to_be_visible()


# --- phone exit intent ---------------------------------------------------------------------------

# The phone's back button: a history entry, added on the shopper's first interaction, that the
# watches share. A watch that stops alone gives it back (and no other may take that step back
# for the shopper's Back); so does the chunk when an earlier load of the page added it and
# nothing watches now.
BACK_ONLY = Trigger(
    kind="exit_intent", min_seconds=0, return_delay_ms=0, phone_signals=("back_button",)
)
MARKED = "!!history.state?.keepcart_offer"
GIVEN_BACK = "history.state?.keepcart_offer === undefined"  # (the page's own entry again)
HOME_HEADING = "Goods for slow mornings"


@PHONE
def test_phone_back_button_shows_the_offer_and_keeps_the_shopper_on_the_page(
    page: Page, stack: Stack
):
    stack.only_campaigns(campaign())
    open_shop(page, stack)
    url = page.url
    page.get_by_role("heading", name=HOME_HEADING).tap()  # a first interaction
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    page.go_back()
    dialog = offer(page)
    expect(dialog).to_be_visible()
    assert page.url == url
    assert [row["signal"] for row in wait_for(lambda: exposures(stack))] == ["back_button"]
    dialog.get_by_role("button", name="Close").tap()
    expect(dialog).to_be_hidden()


@PHONE
def test_a_campaign_that_fails_to_load_gives_the_entry_back_and_no_other_takes_that_for_a_back(
    page: Page, stack: Stack, problems: PageProblems
):
    ended, _ = stack.only_campaigns(
        campaign(trigger=BACK_ONLY), campaign("Other", OTHER_HEADLINE, trigger=BACK_ONLY)
    )
    held = []
    page.route(re.compile(rf"/v1/offers/{ended}/arm\?"), lambda route: held.append(route))
    # A page to go back to, left once its own offers have asked for their arms (one held
    # here), so that a late request of its own is not taken for the next page's.
    page.goto(stack.shop_url + "/about")
    wait_for_loader(page)
    # (each evaluate lets Playwright run the route handler)
    wait_for(lambda: page.evaluate(ARMED) >= 1 and held, message="the offers never got ready")
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    wait_for(lambda: page.evaluate(ARMED) >= 1 and len(held) == 2, message="no arms asked for")
    page.get_by_role("heading", name=HOME_HEADING).tap()  # the shopper's first interaction
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    end_campaign(stack, ended)
    held[-1].continue_()  # 404: that campaign's watch stops, alone
    wait_for(lambda: page.evaluate(GIVEN_BACK), message="the history entry was kept")
    settle_timers(page)
    assert no_offer_dialog(page) and exposures(stack) == []
    page.go_back()  # one Back leaves the page
    assert page.url == stack.shop_url + "/about"
    assert_clean(problems)


@PHONE
def test_after_a_reload_with_the_budget_spent_the_entry_the_earlier_load_added_is_given_back(
    page: Page, stack: Stack, problems: PageProblems
):
    stack.only_campaigns(campaign(trigger=BACK_ONLY))
    page.goto(stack.shop_url + "/about")
    open_shop(page, stack)
    page.get_by_role("heading", name=HOME_HEADING).tap()
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    # This week's interruptions were spent meanwhile (in the visitor's other sessions).
    page.evaluate(
        "localStorage.setItem('keepcart:interruptions', JSON.stringify({times: [Date.now(),"
        " Date.now()]}))"
    )
    page.reload()  # (never from the back/forward cache)
    wait_for_loader(page)
    wait_for(lambda: page.evaluate(ARMED) >= 1, message="the offers never got ready")
    wait_for(lambda: page.evaluate(GIVEN_BACK), message="the earlier load's entry was kept")
    page.go_back()  # one Back leaves the page
    assert page.url == stack.shop_url + "/about"
    assert_clean(problems)


@PHONE
def test_phone_fast_scroll_up_after_reading_shows_the_offer(page: Page, stack: Stack):
    stack.only_campaigns(campaign())
    open_shop(page, stack)
    cdp = page.context.new_cdp_session(page)
    # Reading down the page (a finger moving up): nothing shows.
    for _ in range(3):
        swipe(cdp, 700, 250)
    wait_for(lambda: page.evaluate("scrollY") > 1000)
    settle_timers(page)
    assert no_offer_dialog(page)
    # A flick back up towards the top of the page.
    swipe(cdp, 250, 700)
    dialog = offer(page)
    expect(dialog).to_be_visible()
    settle(page)
    box = dialog.bounding_box()
    assert box and abs(box["y"] + box["height"] - 844) < 2 and box["width"] == 390  # a bottom sheet
    assert [row["signal"] for row in wait_for(lambda: exposures(stack))] == ["scroll_up"]


# --- frequency and the shared budget -------------------------------------------------------------


@DESKTOP
def test_a_dismissal_is_remembered_across_reloads_and_sessions(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    first, second = stack.only_campaigns(campaign(), campaign("Other", OTHER_HEADLINE))
    open_shop(page, stack, campaigns=2)
    leave_through_the_top(page)
    offer(page).get_by_role("button", name="Close").click()  # waits for the dialog
    expect(offer(page)).to_be_hidden()

    # A new session of the same visitor: the budget allows one again, but not the dismissed
    # campaign; the other one shows.
    tab = new_tab()
    open_shop(tab, stack, campaigns=2)
    leave_through_the_top(tab)
    expect(offer(tab, OTHER_HEADLINE)).to_be_visible()
    assert no_offer_dialog(page)
    shown = wait_for(lambda: len(exposures(stack)) == 2 and exposures(stack))
    assert [row["campaign"] for row in shown] == [first, second]
    events = wait_for(lambda: [e for e in offer_events(stack) if e[0] == "offer:dismissed"])
    assert events == [("offer:dismissed", {"campaign": first, "arm": "A", "how": "close"})]


@DESKTOP
def test_the_budget_allows_one_interruption_per_session_and_two_a_week(
    page: Page, stack: Stack, new_tab: Callable[[], Page]
):
    stack.only_campaigns(campaign(), campaign("Other", OTHER_HEADLINE))
    open_shop(page, stack, campaigns=2)
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()
    page.keyboard.press("Escape")
    expect(offer(page)).to_be_hidden()

    # Same session, after a reload: the other campaign is eligible, the budget is spent.
    open_shop(page, stack, campaigns=2)
    leave_through_the_top(page)
    settle_timers(page)
    assert no_offer_dialog(page)
    assert len(exposures(stack)) == 1

    # A second session this week: one more; a third: none (interruptions_per_week is 2).
    tab = new_tab()
    open_shop(tab, stack, campaigns=2)
    leave_through_the_top(tab)
    expect(offer(tab, OTHER_HEADLINE)).to_be_visible()
    tab.keyboard.press("Escape")
    third = new_tab()
    open_shop(third, stack, campaigns=2)
    leave_through_the_top(third)
    settle_timers(third)
    assert no_offer_dialog(third)
    assert len(wait_for(lambda: exposures(stack))) == 2


# --- the dialog ---------------------------------------------------------------------------------


@DESKTOP
def test_escape_closes_the_offer_and_focus_returns(page: Page, stack: Stack):
    [cmp] = stack.only_campaigns(campaign())
    open_shop(page, stack)
    link = page.get_by_role("link", name="Our story", exact=True)
    link.focus()
    leave_through_the_top(page)
    dialog = offer(page)
    expect(dialog.get_by_role("button", name="Claim 10% off")).to_be_focused()
    # Focus stays in the dialog: Tab goes round its two controls.
    page.keyboard.press("Tab")
    assert focused_name(page) == "Close"
    page.keyboard.press("Tab")
    assert focused_name(page) == "Claim 10% off"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    dismissed = wait_for(lambda: [e for e in offer_events(stack) if e[0] == "offer:dismissed"])
    assert dismissed == [("offer:dismissed", {"campaign": cmp, "arm": "A", "how": "esc"})]


@DESKTOP
def test_a_campaign_waiting_for_its_trigger_adds_no_element_to_the_page(page: Page, stack: Stack):
    """Checking that no dialog is open used to make Keepcart's root (a host element, its
    shadow root and stylesheet: a layout of the whole page) on every page with a campaign."""
    stack.only_campaigns(campaign())
    open_shop(page, stack)
    assert page.evaluate("document.getElementById('keepcart-root')") is None
    page.evaluate("keepcart('debug', 'exit')")
    expect(offer(page)).to_be_visible()  # made when something shows


@DESKTOP
def test_no_exit_offer_over_a_trust_badges_details(page: Page, stack: Stack):
    """A badge's details are a <dialog> in its mount's own shadow root: reaching for the
    browser's bar from it is not leaving, as over the page's own dialogs."""
    stack.only_campaigns(campaign())
    open_shop(page, stack, "/products/stoneware-mug")
    badges = page.locator('[data-keepcart-badges="product"]').get_by_role(
        "list", name="Good to know"
    )
    badges.get_by_role("button").first.click()
    expect(page.get_by_role("dialog").first).to_be_visible()
    leave_through_the_top(page)
    settle_timers(page)
    assert no_offer_dialog(page)
    page.keyboard.press("Escape")
    leave_through_the_top(page)
    expect(offer(page)).to_be_visible()


@DESKTOP
def test_the_offer_is_readable_at_320_px_without_moving_the_page_or_motion(
    page: Page, stack: Stack
):
    stack.only_campaigns(campaign())
    page.set_viewport_size({"width": 320, "height": 640})
    page.emulate_media(reduced_motion="reduce")
    watch_layout_shifts(page)
    open_shop(page, stack)
    page.evaluate("keepcart('debug', 'exit')")
    dialog = offer(page)
    expect(dialog).to_be_visible()
    assert page.evaluate(SETTLED) == 0  # no opening animation for those who asked for less
    box = dialog.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert layout_shifts(page) == []
    assert serious_violations(page) == []


# --- claiming, all the way to an attributed order ------------------------------------------------


@DESKTOP
def test_claimed_coupon_is_in_the_cart_counts_down_and_is_charged_and_attributed(
    page: Page, stack: Stack, problems: PageProblems
):
    [cmp] = stack.only_campaigns(campaign())
    open_product(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1)
    drawer = add_to_cart(page, "Stoneware Mug")
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    leave_through_the_top(page)

    offer(page).get_by_role("button", name="Claim 10% off").click()
    dialog = offer(page, "Offer claimed")
    expect(dialog.get_by_role("button", name="View cart")).to_be_focused()
    timer = dialog.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^Expires in (30:00|29:[0-5]\d)$"))
    first = timer.text_content()
    expect(timer).not_to_have_text(first)  # it runs
    code = stack.query("SELECT code FROM discounts WHERE campaign_id IS NOT NULL")[0]["code"]
    expect(dialog).to_contain_text(code)

    dialog.get_by_role("button", name="View cart").click()
    drawer = page.get_by_role("dialog", name=re.compile(r"^Your cart"))
    expect(drawer).to_contain_text(code)
    expect(drawer).to_contain_text("−€2.40")
    expect(drawer.get_by_role("timer")).to_have_text(re.compile(r"^(30:00|29:[0-5]\d)$"))
    checkout = start_checkout(page, drawer)
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€26.55")  # €24.00 − 10% + €4.95 shipping
    expect(confirmation(page)).to_contain_text(f"Discount ({code})−€2.40")

    [order] = orders(stack)
    visitor = page.evaluate("localStorage.getItem('keepcart:vid')")
    assert (order["discount_code"], order["discount_total"], order["total"]) == (code, 240, 2655)
    assert order["visitor_id"] == visitor
    assert exposures(stack) == [{"campaign": cmp, "visitor_id": visitor, "arm": "A",
                                 "signal": "exit_top"}]  # fmt: skip
    names = [
        name for name, _ in wait_for(lambda: len(offer_events(stack)) >= 3 and offer_events(stack))
    ]
    assert names[:3] == ["offer:trigger", "offer:shown", "offer:claimed"]
    assert_clean(problems)

    # The merchant sees the order in the campaign's results, attributed to variant A.
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns/{cmp}/results")
    attributed = page.get_by_role("region", name=re.compile("^Newest first"))
    link = page.get_by_role("link", name=f"#{order['number']}")
    row = attributed.get_by_role("row").filter(has=link)
    expect(row.get_by_role("cell").first).to_have_text("Variant A")
    expect(row).to_contain_text(code)


# --- who sees nothing, and consent ---------------------------------------------------------------


@DESKTOP
def test_the_holdout_is_exposed_but_sees_nothing(page: Page, stack: Stack):
    [cmp] = stack.only_campaigns(dataclasses.replace(campaign(), holdout_percent=50))
    [row] = stack.query("SELECT id FROM campaigns WHERE public_id = ?", (cmp,))
    # A returning visitor whose id the deterministic bucketing puts in the holdout.
    visitor = next(
        vid
        for vid in (f"v_{n:016x}" for n in range(1000))
        if assign(row["id"], vid, [Arm("A", 100)], 50) == "holdout"
    )
    page.add_init_script(f"localStorage.setItem('keepcart:vid', '{visitor}')")
    # The holdout gets no dialog to get ready: wait for its arm instead.
    with page.expect_response(lambda response: "/arm?" in response.url) as arm:
        page.goto(stack.shop_url + "/")
    assert arm.value.json()["arm"] == "holdout" and arm.value.json()["variant"] is None
    wait_for_loader(page)
    # Until the chunk has read the arm answer a trigger does nothing: leave until it counts.
    shown = wait_for(
        lambda: leave_through_the_top(page) or exposures(stack),
        message="the holdout's exposure was not recorded",
    )
    assert shown == [{"campaign": cmp, "visitor_id": visitor, "arm": "holdout",
                      "signal": "exit_top"}]  # fmt: skip
    assert no_offer_dialog(page)
    events = wait_for(lambda: offer_events(stack))
    assert events == [("offer:trigger", {"campaign": cmp, "signal": "exit_top", "arm": "holdout"})]


@DESKTOP
@pytest.mark.shop(ask_consent=True)  # the snippet carries data-consent="required"
def test_without_consent_the_offer_shows_once_per_tab_and_nothing_lasts(page: Page, stack: Stack):
    [cmp] = stack.only_campaigns(campaign())
    open_shop(page, stack)
    stored = "Object.keys(localStorage).concat(Object.keys(sessionStorage))"
    assert [key for key in page.evaluate(stored) if key.startswith("keepcart")] == []
    leave_through_the_top(page)
    offer(page).get_by_role("button", name="Close").click()
    [shown] = wait_for(lambda: exposures(stack))
    assert shown["campaign"] == cmp and shown["visitor_id"].startswith("s:s_")
    # Only the tab remembers the interruption, and nothing outlives it.
    assert page.evaluate("Object.keys(localStorage)") == []
    assert page.evaluate("Object.keys(sessionStorage)") == ["keepcart:interruptions"]
    open_shop(page, stack)
    leave_through_the_top(page)
    settle_timers(page)
    assert no_offer_dialog(page) and len(exposures(stack)) == 1


# --- an offer without incentive: "email me my cart" ----------------------------------------------


@DESKTOP
def test_email_me_my_cart_needs_the_consent_box_and_stores_its_exact_words(
    page: Page, stack: Stack
):
    wording = "Email me a link to my cart. I can unsubscribe at any time."
    reminder = Offer(kind="none", value=0, email_cart=True, consent_text=wording)
    stack.only_campaigns(campaign(headline="Save your cart for later", offer=reminder))
    open_product(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1)
    add_to_cart(page, "Stoneware Mug")
    page.keyboard.press("Escape")
    leave_through_the_top(page)

    dialog = offer(page, "Save your cart for later")
    expect(dialog).to_contain_text("Your cart has 1 item (€24.00).")
    dialog.get_by_role("textbox", name="Email").fill("aoife@example.com")
    dialog.get_by_role("button", name="Claim 10% off").click()
    consent = dialog.get_by_role("checkbox", name=wording)
    expect(dialog.get_by_role("alert")).to_have_text("Tick the box to say we may email you.")
    expect(consent).to_be_focused()
    assert stack.query("SELECT * FROM email_consents") == []

    consent.check()
    dialog.get_by_role("button", name="Claim 10% off").click()
    expect(dialog).to_contain_text("Saved. The shop will email you about this cart.")
    [row] = stack.query("SELECT email, wording, cart_id FROM email_consents")
    assert (row["email"], row["wording"]) == ("aoife@example.com", wording)
    assert row["cart_id"] is not None


@DESKTOP
def test_the_offer_and_the_checkout_share_the_shadow_root_but_no_id(page: Page, stack: Stack):
    """Each chunk is built on its own, with its own copy of the id counter (widget/build.mjs):
    the offer's email field and the checkout's both stay labelled by their own label (an id
    the two shared would name the first such element in the root)."""
    reminder = Offer(kind="none", value=0, email_cart=True, consent_text="Email me my cart.")
    stack.only_campaigns(campaign(headline="Save your cart for later", offer=reminder))
    open_product(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1)
    add_to_cart(page, "Stoneware Mug")
    page.keyboard.press("Escape")
    leave_through_the_top(page)
    dialog = offer(page, "Save your cart for later")
    offer_email = dialog.get_by_role("textbox", name="Email").get_attribute("id")
    dialog.get_by_role("button", name="Close").click()

    page.get_by_role("button", name=re.compile(r"^Cart\b")).click()
    checkout = start_checkout(page, cart_drawer(page))
    checkout_email = checkout.get_by_role("textbox", name="Email").get_attribute("id")
    ids = page.evaluate(
        "() => [...document.getElementById('keepcart-root').shadowRoot.querySelectorAll('[id]')]"
        ".map((element) => element.id)"
    )
    assert {offer_email, checkout_email} <= set(ids)  # both dialogs are in the root
    assert sorted(ids) == sorted(set(ids))
    # Unique by construction, not by the order things happened to be built in: each id names
    # its chunk (two counters that each start at 0 would otherwise meet sooner or later).
    assert offer_email.startswith("kc-offers-")
    assert checkout_email.startswith("kc-checkout-")


# --- a code claimed on an empty cart --------------------------------------------------------------


@pytest.mark.parametrize("screen", [pytest.param("desktop", marks=DESKTOP),
                                    pytest.param("phone", marks=PHONE)])  # fmt: skip
def test_a_code_claimed_on_an_empty_cart_waits_in_the_drawer_then_applies(
    page: Page, stack: Stack, problems: PageProblems, screen: str
):
    """The popup must not say "applied" to an empty cart, and the drawer must not lose the
    code: it shows with its countdown, then takes its real saving off the first item."""
    stack.only_campaigns(campaign(targeting=Targeting(cart="any")))
    open_product(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1)
    if screen == "desktop":
        leave_through_the_top(page)
    else:  # the back button, after a first tap on the page
        page.get_by_role("heading", name="Stoneware Mug", level=1).tap()
        wait_for(lambda: page.evaluate(MARKED))
        page.go_back()
    dialog = offer(page)
    dialog.get_by_role("button", name="Claim 10% off").click()
    claimed = offer(page, "Offer claimed")
    code = wait_for(lambda: stack.query("SELECT code FROM discounts WHERE campaign_id IS NOT NULL"))
    code = code[0]["code"]
    expect(claimed).to_contain_text(
        f"Your code {code} (10% off) is saved to your cart: it applies as soon as you add"
        " something."
    )
    expect(claimed).not_to_contain_text("applied to your cart")
    settle(page)
    assert serious_violations(page) == []

    claimed.get_by_role("button", name="View cart").click()
    drawer = cart_drawer(page)
    expect(drawer.get_by_text("Your cart is empty.")).to_be_visible()
    saved = drawer.locator(".kc-saving")
    expect(saved).to_have_text(f"{code} · 10% offSaved")
    timer = drawer.get_by_role("timer")
    expect(timer).to_have_text(re.compile(r"^(30:00|29:[0-5]\d)$"))
    first = timer.text_content()
    expect(timer).not_to_have_text(first)  # it runs, a second later still there
    waiting = drawer.get_by_text("Your code applies as soon as you add something.")
    expect(waiting).to_be_visible()
    expect(drawer.get_by_role("button", name="Checkout")).to_be_hidden()
    settle(page)
    assert serious_violations(page) == []
    page.screenshot(path=f"/tmp/i9-offers-empty-cart-code-{screen}.png")

    drawer.get_by_role("button", name="Continue shopping").click()
    expect(drawer).to_be_hidden()
    add_to_cart(page, "Stoneware Mug")
    expect(saved).to_have_text(f"{code} · 10% off−€2.40")
    expect(timer).to_have_text(re.compile(r"^(30:00|29:[0-5]\d)$"))
    expect(waiting).to_be_hidden()
    expect(drawer.get_by_role("button", name="Checkout")).to_be_visible()
    settle(page)
    page.screenshot(path=f"/tmp/i9-offers-code-applied-{screen}.png")
    assert_clean(problems)


# --- debug mode: a chosen arm, a word for the holdout, and nothing counted ------------------------

TWO_ARMS = dataclasses.replace(
    campaign(),
    holdout_percent=50,
    variants=(
        campaign().variants[0],
        Variant(key="B", weight=100, headline=OTHER_HEADLINE, body="On this order.",
                button_text="Claim free shipping", offer=Offer(kind="free_shipping", value=0)),
    ),
)  # fmt: skip


def as_visitor(page: Page, visitor: str) -> None:
    """Every shop page of this tab starts as the returning visitor ``visitor``."""
    page.add_init_script(
        f"if (location.protocol === 'http:') localStorage.setItem('keepcart:vid', '{visitor}')"
    )


def visitor_in(stack: Stack, cmp: str, arm: str) -> str:
    """A visitor id the bucketing puts in ``arm`` of the saved TWO_ARMS campaign ``cmp``."""
    [row] = stack.query("SELECT id FROM campaigns WHERE public_id = ?", (cmp,))
    return next(
        vid
        for vid in (f"v_{n:016x}" for n in range(1000))
        if assign(row["id"], vid, [Arm("A", 100), Arm("B", 100)], 50) == arm
    )


def offer_posts(page: Page) -> list[str]:
    """The paths of every exposure and claim the page sends, kept up to date."""
    seen: list[str] = []
    page.on(
        "request", lambda r: "/v1/offers/" in r.url and r.method == "POST" and seen.append(r.url)
    )
    return seen


def offer_events_sent(page: Page, stack: Stack) -> list[tuple[str, dict]]:
    """Every offer event the page queued, once its batch has reached the server: a marker is
    tracked last and the page left (pagehide sends the batch), then its arrival awaited."""
    page.evaluate("keepcart('track', 'marker')")
    page.goto("about:blank")
    wait_for(lambda: stack.events(name="marker"), message="the page's events never arrived")
    return offer_events(stack)


def two_arm_visitor(page: Page, stack: Stack, arm: str) -> tuple[str, list[str]]:
    """The TWO_ARMS campaign live, this tab a visitor bucketed into ``arm``: the campaign's id
    and the offer posts the page sends."""
    [cmp] = stack.only_campaigns(TWO_ARMS)
    as_visitor(page, visitor_in(stack, cmp, arm))
    return cmp, offer_posts(page)


def assert_nothing_counted(page: Page, stack: Stack, posts: list[str]) -> None:
    """No offer event reached the server, and no exposure or claim was posted or stored."""
    assert offer_events_sent(page, stack) == []
    assert posts == [] and exposures(stack) == []


def results_show_nobody(page: Page, stack: Stack, cmp: str) -> None:
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns/{cmp}/results")
    for arm in ("Variant A", "Variant B", "Holdout"):
        expect(page.locator(f'[data-arm="{arm}"] [data-col="exposed"]')).to_have_text("0")
    expect(page.get_by_text("No visitor has triggered this campaign yet.")).to_be_visible()
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns")
    expect(page.get_by_role("row", name=re.compile("Exit offer"))).to_contain_text("0")


@DESKTOP
def test_debug_mode_tells_a_holdout_visitor_nothing_would_show_and_counts_nothing(
    page: Page, stack: Stack, problems: PageProblems
):
    cmp, posts = two_arm_visitor(page, stack, "holdout")
    page.goto(stack.shop_url + "/?keepcart_debug=exit")
    notice = page.get_by_role("status").filter(has_text="Keepcart debug")
    expect(notice).to_have_text("Keepcart debug · holdout: nothing would show to this visitorClose")
    assert no_offer_dialog(page)
    box = notice.bounding_box()
    assert box and box["height"] < 60 and box["y"] > 700  # small, at the bottom, not a dialog
    page.get_by_role("link", name="Our story", exact=True).click()  # the page stays usable
    expect(page).to_have_url(stack.shop_url + "/about")
    page.go_back()
    expect(notice).to_be_visible()
    assert serious_violations(page) == []
    page.screenshot(path="/tmp/i9-offers-debug-holdout.png")
    notice.get_by_role("button", name="Close").click()
    expect(notice).to_have_count(0)

    assert_nothing_counted(page, stack, posts)
    results_show_nobody(page, stack, cmp)
    assert_clean(problems)


@DESKTOP
def test_debug_mode_shows_the_chosen_arm_and_claiming_it_is_a_preview(
    page: Page, stack: Stack, problems: PageProblems
):
    cmp, posts = two_arm_visitor(page, stack, "A")
    page.goto(stack.shop_url + "/?keepcart_debug=exit:B")
    dialog = offer(page, OTHER_HEADLINE)  # B, though this visitor's own arm is A
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Claim free shipping").click()
    expect(dialog).to_contain_text("Keepcart debug · not counted: no code was issued.")
    settle(page)
    assert serious_violations(page) == []
    page.screenshot(path="/tmp/i9-offers-debug-claim.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # The command does the same, for any arm; the budget was not spent by the first.
    page.evaluate("keepcart('debug', 'exit:A')")
    expect(offer(page)).to_be_visible()
    page.keyboard.press("Escape")
    page.evaluate("keepcart('debug', 'exit:holdout')")
    expect(
        page.get_by_role("status").filter(has_text="holdout: nothing would show")
    ).to_be_visible()

    assert stack.query("SELECT * FROM discounts WHERE campaign_id IS NOT NULL") == []
    assert_nothing_counted(page, stack, posts)
    results_show_nobody(page, stack, cmp)
    assert_clean(problems)


@DESKTOP
def test_a_trigger_while_the_debug_arm_loads_shows_and_counts_nothing(
    page: Page, stack: Stack, problems: PageProblems
):
    # Debug mode starts with the page: an exit gesture made while the chosen arm is still on
    # its way must not show the visitor's own arm as a real, counted exposure.
    cmp, posts = two_arm_visitor(page, stack, "A")
    held = []
    page.route(re.compile(r"/v1/offers/.*/arm\?.*&arm=B"), lambda route: held.append(route))
    page.goto(stack.shop_url + "/?keepcart_debug=exit:B")
    # (each evaluate lets Playwright run the route handler)
    wait_for(lambda: page.evaluate("1") and held, message="the debug arm was never asked for")
    leave_through_the_top(page)
    settle_timers(page)
    assert no_offer_dialog(page)
    held[0].continue_()
    expect(offer(page, OTHER_HEADLINE)).to_be_visible()
    assert_nothing_counted(page, stack, posts)
    results_show_nobody(page, stack, cmp)
    assert_clean(problems)
