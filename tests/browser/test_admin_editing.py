"""The admin's editing pages in a browser: the campaign editor (fields that apply, folded
variants, colour pickers, a save bar in view, a preview that follows the variant being
edited), a product's variants edited together, shipping countries picked by name, and the
store settings, each axe clean at desktop and phone widths."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.merchant import open_new_campaign, sign_in
from tests.browser.shopping import assert_clean

PHONE = {"width": 390, "height": 844}


def preview_variant(page: Page) -> list[str] | None:
    src = page.locator("#offer-preview").get_attribute("src") or ""
    return parse_qs(urlsplit(src).query).get("variant")


def test_the_preview_reloading_never_takes_the_focus_from_the_field_being_typed_in(
    page: Page, stack: Stack, problems: PageProblems
):
    # The preview's dialog takes the focus inside its frame when it opens; the merchant, who is
    # typing in the editor, keeps theirs (it took their keystrokes before).
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, stack)
    preview = open_new_campaign(page, stack)  # the first preview is up
    headline = page.get_by_role("group", name="Variant A").get_by_role("textbox", name="Headline")
    headline.fill("")
    headline.press_sequentially("Wait")
    expect(preview.get_by_role("dialog", name="Wait")).to_be_visible()  # reloaded, opened
    page.wait_for_timeout(300)  # what stays: the focus a moment after the dialog opened
    expect(headline).to_be_focused()
    headline.press_sequentially("!")
    expect(headline).to_have_value("Wait!")

    # Tabbing into the preview on purpose still works: its dialog can be explored.
    page.get_by_label("Variant shown").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "offer-preview"
    assert_clean(problems)


def test_the_campaign_editor_shows_what_applies_and_keeps_saving_in_reach(
    page: Page, stack: Stack, problems: PageProblems
):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, stack)
    open_new_campaign(page, stack)
    expect(page.get_by_role("heading", name="New campaign", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollHeight") < 4500  # was 6,800 px

    variant_a = page.get_by_role("group", name="Variant A")
    offer = variant_a.get_by_role("combobox", name="Offer", exact=True)
    value = variant_a.get_by_role("textbox", name="Offer value")
    gift = variant_a.get_by_role("combobox", name="Gift product")
    email_cart = variant_a.get_by_role("checkbox", name="Offer “email me my cart”")
    consent = variant_a.get_by_role("textbox", name="Consent wording")
    expires = variant_a.get_by_role("textbox", name="Coupon expires after (minutes)")

    # Only the settings of the offer chosen show.
    offer.select_option("percent")
    expect(value).to_be_visible()
    expect(gift).to_be_hidden()
    expect(email_cart).to_be_hidden()
    offer.select_option("free_gift")
    expect(gift).to_be_visible()
    expect(value).to_be_hidden()
    expect(expires).to_be_visible()
    offer.select_option("none")
    expect(expires).to_be_hidden()
    expect(email_cart).to_be_visible()
    expect(consent).to_be_hidden()
    email_cart.check()
    expect(consent).to_be_visible()

    # Only the chosen trigger's settings, and "days between" only for "every few days".
    seconds = page.get_by_role("textbox", name="Time on page (seconds)")
    armed = page.get_by_role("textbox", name="Armed after (seconds)")
    expect(seconds).to_be_hidden()
    armed.fill("9")
    page.get_by_role("radio", name="Time on the page").check()
    expect(seconds).to_be_visible()
    expect(armed).to_be_hidden()

    # An unused variant is folded; including it unfolds it.
    variant_c = page.get_by_role("group", name="Variant C")
    headline_c = variant_c.get_by_role("textbox", name="Headline")
    expect(headline_c).to_be_hidden()
    variant_c.get_by_role("checkbox", name="Include variant C").check()
    expect(headline_c).to_be_visible()

    # A colour picker, in step with the hex text the form sends.
    hex_a = variant_a.get_by_role("textbox", name="Brand colour", exact=True)
    picker = variant_a.get_by_label("Pick the brand colour of variant A")
    expect(picker).to_be_visible()
    picker.fill("#aa3355")
    expect(hex_a).to_have_value("#aa3355")
    # (the preview reloads with it and its dialog takes the focus in its frame: wait for that,
    # as the merchant sees it, before the next field is filled)
    # (page.title() lets Playwright bring its list of frames up to date between polls)
    reloaded = wait_for(
        lambda: page.title() and next((f for f in page.frames if "aa3355" in f.url), None)
    )
    expect(reloaded.get_by_role("dialog")).to_be_visible()
    hex_a.fill("#123456")
    expect(picker).to_have_value("#123456")

    # Editing variant C's fields previews variant C.
    headline_c.fill("Last chance")
    expect(page.get_by_label("Variant shown")).to_have_value("C")
    wait_for(lambda: preview_variant(page) == ["C"], message="the preview stayed on A")
    variant_a.get_by_role("textbox", name="Headline").click()
    wait_for(lambda: preview_variant(page) == ["A"], message="the preview stayed on C")

    # The save bar stays at the bottom of the window while the form scrolls by.
    save = page.get_by_role("button", name="Create campaign")
    page.get_by_role("heading", name="Who sees it").scroll_into_view_if_needed()
    page.mouse.wheel(0, 400)
    expect(save).to_be_in_viewport(ratio=1)
    box = save.bounding_box()
    assert box is not None and box["y"] + box["height"] > 900 - 80
    assert serious_violations(page) == []

    # Saving sends the whole form as before: settings hidden from view included.
    page.get_by_role("textbox", name="Name", exact=True).fill("Folded but saved")
    save.click()
    expect(page.get_by_role("status")).to_have_text("Campaign saved.")
    [row] = stack.query("SELECT trigger FROM campaigns WHERE name = 'Folded but saved'")
    trigger = json.loads(row["trigger"])
    assert (trigger["kind"], trigger["min_seconds"]) == ("time_on_page", 9)
    assert problems.errors == [] and problems.csp_violations == []


def test_the_campaign_editor_without_script_shows_every_field(browser: Browser, stack: Stack):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, stack)
        page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns/new")
        variant_a = page.get_by_role("group", name="Variant A")
        expect(variant_a.get_by_role("textbox", name="Offer value")).to_be_visible()
        expect(variant_a.get_by_role("combobox", name="Gift product")).to_be_visible()
        expect(page.get_by_role("textbox", name="Time on page (seconds)")).to_be_visible()
        # A folded variant opens as any <details> does.
        variant_c = page.get_by_role("group", name="Variant C")
        variant_c.get_by_text("Variant C's copy, look and offer").click()
        expect(variant_c.get_by_role("textbox", name="Headline")).to_be_visible()
    finally:
        context.close()


def test_a_products_variants_are_edited_together(page: Page, stack: Stack):
    small = stack.query("SELECT id FROM products WHERE sku = 'FH-APR-S'")[0]["id"]
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/products?q=apron")
    page.get_by_role("link", name="Edit variants together").click()
    expect(page.get_by_role("heading", name="Linen Cross-Back Apron · variants")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("textbox", name="Price, SKU FH-APR-M").fill("45.00")
    page.get_by_role("textbox", name="SKU, new variant").fill("FH-APR-XL")
    page.get_by_role("textbox", name="Variant, new variant").fill("Size: Extra large")
    page.get_by_role("textbox", name="Price, new variant").fill("52.00")
    page.get_by_role("button", name="Add another variant").click()
    second = page.get_by_role("textbox", name="SKU, new variant").nth(1)
    expect(second).to_be_focused()
    second.fill("FH-APR-XS")
    page.get_by_role("textbox", name="Price, new variant").nth(1).fill("44.00")
    page.get_by_role("button", name="Save all variants").click()

    expect(page.get_by_role("status")).to_have_text("Saved every variant.")
    assert page.url.endswith(f"/products/{small}/variants?saved=1")
    rows = stack.query(
        "SELECT sku, price FROM products WHERE product_group = 'FH-APR-01' ORDER BY sku"
    )
    assert [(r["sku"], r["price"]) for r in rows] == [
        ("FH-APR-L", 4800), ("FH-APR-M", 4500), ("FH-APR-S", 4800), ("FH-APR-XL", 5200),
        ("FH-APR-XS", 4400),
    ]  # fmt: skip


def test_shipping_countries_are_picked_by_name_from_a_filtered_list(page: Page, stack: Stack):
    page.set_viewport_size(PHONE)
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/checkout/shipping")
    form = page.locator("form", has=page.get_by_role("button", name="Add zone"))
    form.get_by_role("textbox", name="Zone name").fill("Poland")
    find = form.get_by_role("searchbox", name="Find a country")
    find.fill("pol")
    poland = form.get_by_role("checkbox", name="Poland", exact=True)
    expect(poland).to_be_visible()
    expect(form.get_by_role("checkbox", name="Portugal · in EU")).to_be_hidden()
    expect(form.get_by_text(re.compile(r"^1 of \d+ shown$"))).to_be_visible()
    poland.check()
    find.fill("spa")
    expect(form.get_by_role("checkbox", name="Spain · in EU")).to_be_visible()
    expect(poland).to_be_visible()  # ticked: it stays in view whatever the filter
    assert serious_violations(page) == []
    form.get_by_role("button", name="Add zone").click()
    expect(page.get_by_role("status")).to_have_text("Shipping zone saved.")
    [zone] = stack.query("SELECT countries FROM shipping_zones WHERE name = 'Poland'")
    assert zone["countries"] == "PL"


def test_store_settings_at_a_phone_and_a_desktop(page: Page, stack: Stack):
    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role(
        "link", name="Store settings"
    ).click()
    expect(page.get_by_role("heading", name="Store settings", level=1)).to_be_visible()
    page.get_by_role("textbox", name="Store name").fill("Fernhill & Daughters")
    page.get_by_role("combobox", name="Time zone").fill("Europe/Lisbon")
    page.get_by_role("textbox", name="Contact email").fill("hello@fernhill.example")
    page.get_by_role("button", name="Save store settings").click()
    expect(page.get_by_role("status")).to_contain_text("Store settings saved.")
    expect(page.get_by_role("navigation", name="Fernhill & Daughters")).to_be_visible()
    assert serious_violations(page) == []
    page.set_viewport_size(PHONE)
    page.get_by_role("textbox", name="Contact phone").fill("not a phone")
    page.get_by_role("button", name="Save store settings").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a phone number")
    expect(page.get_by_role("textbox", name="Contact phone")).to_have_attribute(
        "aria-invalid", "true"
    )
    assert serious_violations(page) == []
    [store] = stack.query("SELECT name, timezone FROM stores")
    assert (store["name"], store["timezone"]) == ("Fernhill & Daughters", "Europe/Lisbon")


def test_the_gift_picker_finds_a_product_by_name_and_saves_its_sku(
    page: Page, stack: Stack, problems: PageProblems
):
    # The gift is a SKU field (a store may have thousands of products): typing part of a name
    # lists matching products from the store's search; choosing one fills in its SKU.
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, stack)
    open_new_campaign(page, stack)
    page.get_by_role("textbox", name="Name").fill("Gift picker")
    variant_a = page.get_by_role("group", name="Variant A")
    variant_a.get_by_role("combobox", name="Offer", exact=True).select_option("free_gift")
    gift = variant_a.get_by_role("combobox", name="Gift product")
    expect(page.locator("#f-variant_A_gift_sku-options option")).to_have_count(0)
    gift.press_sequentially("stonew")
    options = page.locator("#f-variant_A_gift_sku-options option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "FH-MUG-01"
    assert options.first.get_attribute("label") == "Stoneware Mug"
    gift.fill("FH-MUG-01")  # what choosing the option does: the field takes its SKU
    expect(page.locator("#f-variant_A_gift_sku-name")).to_have_text("Stoneware Mug")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("status")).to_have_text("Campaign saved.")
    assert_clean(problems)
