"""A merchant sets up trust badges by keyboard alone: the Trust page's form, its errors tied
to their fields, the snippet copied; the live preview of the real widget is on the page,
records nothing and never takes the focus; every state of the page passes axe-core."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.merchant import sign_in
from tests.browser.shopping import LOADER_STARTED


def trust_settings(stack: Stack):
    [row] = stack.query("SELECT * FROM trust_settings WHERE store_id = ?", (stack.store.id,))
    return row


def retype(page: Page, label: str, text: str) -> None:
    """Focus a field and replace its text from the keyboard."""
    page.get_by_role("textbox", name=label).or_(page.get_by_role("spinbutton", name=label)).focus()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(text)


def test_a_merchant_sets_up_trust_by_keyboard_alone(
    page: Page, stack: Stack, problems: PageProblems
):
    found: dict[str, list[str]] = {}

    def check(state: str) -> None:
        if violations := serious_violations(page):
            found[state] = violations

    sign_in(page, stack)
    navigation = page.get_by_role("navigation", name="Fernhill Goods")
    navigation.get_by_role("link", name="Trust", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Trust", level=1)).to_be_visible()
    # The demo's badges: every fact holds but secure checkout's, on this plain-HTTP server.
    expect(
        page.get_by_text("Secure checkout is hidden: Keepcart itself is served over HTTP")
    ).to_be_visible()
    expect(
        page.get_by_text("Returns and money-back guarantee is shown: 30-day returns")
    ).to_be_visible()
    check("page")

    # A badge for the cart drawer, the support hours and a new holdout share, by keyboard.
    drawer = page.get_by_role("group", name="Cart drawer")
    drawer.get_by_role("checkbox", name="Customer support").focus()
    page.keyboard.press("Space")
    expect(drawer.get_by_role("checkbox", name="Customer support")).to_be_checked()
    retype(page, "Support hours", "Mon–Fri 9:00–17:00")
    retype(page, "Visitors held out from badges, %", "99")
    page.keyboard.press("Enter")  # submits the form

    # Refused: the summary links to the field, which says what is wrong.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("from 0 to 50")
    check("refused")
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    holdout = page.get_by_role("spinbutton", name="Visitors held out from badges, %")
    expect(holdout).to_be_focused()
    expect(holdout).to_have_attribute("aria-invalid", "true")
    expect(holdout).to_have_accessible_description("Changing it restarts the badges' results"
                                                   " from the moment you save. The holdout must"
                                                   " be a whole number from 0 to 50.")  # fmt: skip
    # What was typed came back with it.
    expect(page.get_by_role("textbox", name="Support hours")).to_have_value("Mon–Fri 9:00–17:00")
    expect(
        page.get_by_role("group", name="Cart drawer").get_by_role(
            "checkbox", name="Customer support"
        )
    ).to_be_checked()

    retype(page, "Visitors held out from badges, %", "20")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="results start again")).to_be_visible()
    saved = trust_settings(stack)
    assert (saved["badges_holdout"], saved["support_hours"]) == (20, "Mon–Fri 9:00–17:00")
    assert "support" in saved["placements"] and saved["badges_since"] > 0
    check("saved")

    # The footer's snippet, copied with the keyboard.
    page.get_by_role("button", name="Copy: Footer").focus()
    page.keyboard.press("Enter")
    expect(page.locator('[data-copy-status="badges-footer"]')).not_to_be_empty()

    assert found == {}
    assert problems.errors == [] and problems.csp_violations == []


def test_the_preview_shows_on_the_page_records_nothing_and_leaves_the_focus(
    page: Page, stack: Stack, problems: PageProblems
):
    sent: list[str] = []
    warnings: list[str] = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    page.on("request", lambda r: sent.append(r.url) if "/v1/events" in r.url else None)
    page.on("request", lambda r: sent.append(r.url) if "/v1/trust" in r.url else None)
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/trust")
    field = page.get_by_role("textbox", name="Support hours")
    field.focus()
    frame = page.frame_locator("#trust-preview")
    preview = page.get_by_title("Preview of your badges, as shoppers see them")
    preview.scroll_into_view_if_needed()
    expect(preview).to_be_visible()
    # The real widget, with one mount per placement, has started inside the frame.
    expect(frame.get_by_role("heading", name="Your shop")).to_be_visible()
    for placement in ("product", "footer", "drawer", "checkout"):
        expect(frame.locator(f'[data-keepcart-badges="{placement}"]')).to_be_attached()
    inner = page.frame(url=lambda url: url.endswith("/trust/widget-preview"))
    assert inner is not None
    wait_for(lambda: inner.evaluate(LOADER_STARTED), message="the widget did not start")
    # The demo's saved settings, drawn by the real badges chunk.
    expect(frame.get_by_text("30-day returns", exact=True).first).to_be_visible()
    # The merchant's focus stays in the form; nothing in the frame took it.
    expect(field).to_be_focused()
    assert inner.evaluate("document.activeElement === document.body")
    page.goto("about:blank")  # pagehide: a shopper's page would flush its events now
    assert sent == []
    assert stack.query("SELECT count(*) FROM trust_exposures")[0][0] == 0
    assert problems.errors == [] and problems.csp_violations == []
    assert warnings == []  # the offers chunk, loaded on any preview, stays quiet on this one
