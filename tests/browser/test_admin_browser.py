"""A merchant signs in, copies the snippet and watches the install work."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack
from tests.browser.merchant import sign_in
from tests.conftest import MERCHANT_EMAIL


def test_merchant_sees_snippet_and_live_counts(page: Page, stack: Stack):
    sign_in(page, stack)
    expect(page.get_by_role("heading", name="Fernhill Goods", level=1)).to_be_visible()
    snippet = page.locator("#snippet")
    expect(snippet).to_contain_text(f'data-store="{stack.store.public_key}"')
    expect(snippet).to_contain_text(f"{stack.keepcart_url}/v1/keepcart.js")
    page_views = page.locator('[data-stat="page_views"]')
    expect(page_views).to_have_text("0")
    expect(page.locator('[data-stat="last_event"]')).to_have_text("No events yet")

    shop = page.context.new_page()
    shop.goto(stack.shop_url + "/")
    shop.goto(stack.shop_url + "/about")
    shop.close()

    # The counts refresh by themselves, without a reload.
    expect(page_views).to_have_text("2", timeout=15_000)
    expect(page.locator('[data-stat="last_event"]')).to_have_text("just now")


def test_wrong_password_is_announced_next_to_the_form(page: Page, stack: Stack):
    page.goto(stack.keepcart_url + "/admin/login")
    page.get_by_label("Email").fill(MERCHANT_EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("do not match")


def test_copy_button_reports_what_it_did(page: Page, stack: Stack):
    sign_in(page, stack)
    page.get_by_role("button", name="Copy snippet").click()
    expect(page.locator('[data-copy-status="snippet"]')).not_to_be_empty()


def test_admin_pages_are_accessible(page: Page, stack: Stack):
    page.goto(stack.keepcart_url + "/admin/login")
    assert serious_violations(page) == []
    sign_in(page, stack)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert serious_violations(page) == []
    page.goto(stack.keepcart_url + "/admin/stores")
    assert serious_violations(page) == []
