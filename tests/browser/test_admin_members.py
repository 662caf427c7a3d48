"""An owner invites a staff member on the Members page, who accepts on their Stores page; an
owner signs out their other browsers from the Account page. Every page on the way passes axe
with zero serious or critical violations."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Browser, Page, expect

from server.accounts import create_user
from server.clock import now_ms
from server.db import Database
from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack
from tests.browser.merchant import sign_in

STAFF_EMAIL = "sam@fernhill.test"
STAFF_PASSWORD = "sam's long password"


def create_login(stack: Stack, email: str, password: str) -> None:
    async def create() -> None:
        db = Database(stack.db_path)
        await db.open()
        try:
            await create_user(db, email, password, now=now_ms())
        finally:
            await db.close()

    with ThreadPoolExecutor(1) as pool:  # Playwright owns this thread's event loop
        pool.submit(asyncio.run, create()).result()


def sign_in_as(page: Page, stack: Stack, email: str, password: str) -> None:
    page.goto(stack.keepcart_url + "/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_owner_invites_a_staff_member_who_accepts(page: Page, stack: Stack, browser: Browser):
    create_login(stack, STAFF_EMAIL, STAFF_PASSWORD)
    sign_in(page, stack)
    page.get_by_role("navigation", name="Fernhill Goods").get_by_role(
        "link", name="Members"
    ).click()
    expect(page.get_by_role("heading", name="Members", level=1)).to_be_visible()
    expect(page.get_by_text("the invitation waits on their Stores page")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("button", name="Invite member").click()  # nothing filled in
    expect(page.get_by_label("Their email")).to_have_attribute("aria-invalid", "true")
    assert serious_violations(page) == []

    page.get_by_label("Their email").fill(STAFF_EMAIL)
    page.get_by_label("Role", exact=True).select_option("staff")
    page.get_by_role("button", name="Invite member").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation saved")
    pending = page.get_by_role("table", name="Invitations waiting to be accepted")
    row = pending.get_by_role("row").filter(has_text=STAFF_EMAIL)
    expect(row).to_contain_text("Invited · waiting for them to accept")
    expect(row.get_by_role("button", name=f"Cancel invitation for {STAFF_EMAIL}")).to_be_visible()
    assert serious_violations(page) == []

    staff_browser = browser.new_context()
    try:
        staff = staff_browser.new_page()
        sign_in_as(staff, stack, STAFF_EMAIL, STAFF_PASSWORD)
        expect(staff.get_by_role("heading", name="Stores", level=1)).to_be_visible()
        invitations = staff.get_by_role("region", name="Invitations")
        expect(invitations).to_contain_text("Fernhill Goods invites you as staff")
        assert serious_violations(staff) == []

        invitations.get_by_role("button", name="Accept the invitation to Fernhill Goods").click()
        expect(staff.get_by_role("heading", name="Fernhill Goods", level=1)).to_be_visible()
        store_nav = staff.get_by_role("navigation", name="Fernhill Goods")
        expect(store_nav.get_by_role("link", name="Discount codes")).to_be_visible()
        expect(store_nav.get_by_role("link", name="Members")).to_have_count(0)
        expect(store_nav.get_by_role("link", name="Checkout settings")).to_have_count(0)
    finally:
        staff_browser.close()

    page.reload()
    members = page.get_by_role("table", name="Members of Fernhill Goods")
    expect(members.get_by_label(f"Role of {STAFF_EMAIL}")).to_have_value("staff")
    expect(page.get_by_role("table", name="Invitations waiting to be accepted")).to_have_count(0)
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
