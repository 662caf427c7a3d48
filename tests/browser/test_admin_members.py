"""An owner adds a staff member on the Members page, and signs out their other browsers from
the Account page; both pages pass axe with zero serious or critical violations."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Browser, Page, expect

from server.accounts import create_user
from server.db import Database
from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack
from tests.browser.test_admin_browser import sign_in

STAFF_EMAIL = "sam@fernhill.test"


def create_login(stack: Stack, email: str, password: str) -> None:
    async def create() -> None:
        db = Database(stack.db_path)
        await db.open()
        try:
            await create_user(db, email, password)
        finally:
            await db.close()

    with ThreadPoolExecutor(1) as pool:  # Playwright owns this thread's event loop
        pool.submit(asyncio.run, create()).result()


def test_an_owner_adds_a_staff_member(page: Page, stack: Stack):
    create_login(stack, STAFF_EMAIL, "sam's long password")
    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role(
        "link", name="Members"
    ).click()
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Add member").click()  # nothing filled in
    expect(page.get_by_label("Email of their login")).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []

    page.get_by_label("Email of their login").fill(STAFF_EMAIL)
    page.get_by_label("Role", exact=True).select_option("staff")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_role("status")).to_contain_text("Member added")
    row = page.get_by_role("row").filter(has_text=STAFF_EMAIL)
    expect(row.get_by_label(f"Role of {STAFF_EMAIL}")).to_have_value("staff")
    assert serious_violations(page) == []


def test_the_account_page_signs_out_other_browsers(page: Page, stack: Stack, browser: Browser):
    other_browser = browser.new_context()
    try:
        other = other_browser.new_page()
        sign_in(other, stack)
        expect(other.get_by_role("heading", name="Fernhill Goods", level=1)).to_be_visible()

        sign_in(page, stack)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
        expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
        sessions = page.get_by_role("table", name="Active sessions, most recently used first")
        expect(sessions.get_by_role("row")).to_have_count(3)  # a header row and two sessions
        expect(sessions).to_contain_text("(this browser)")
        assert serious_violations(page) == []

        page.get_by_role("button", name="Sign out everywhere else").click()
        expect(page.get_by_role("status")).to_contain_text("Signed out everywhere else")
        expect(sessions.get_by_role("row")).to_have_count(2)
        assert serious_violations(page) == []

        other.reload()
        expect(other.get_by_role("heading", name="Sign in to Keepcart")).to_be_visible()
    finally:
        other_browser.close()
