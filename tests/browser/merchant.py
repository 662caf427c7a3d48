"""What a merchant does in the browser tier: sign in to the admin."""

from __future__ import annotations

from playwright.sync_api import FrameLocator, Page, expect

from tests.browser.conftest import Stack
from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD


def sign_in(page: Page, stack: Stack) -> None:
    page.goto(stack.keepcart_url + "/admin/")
    expect(page.get_by_role("heading", name="Sign in to Keepcart")).to_be_visible()
    page.get_by_label("Email").fill(MERCHANT_EMAIL)
    page.get_by_label("Password").fill(MERCHANT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Signed in once the answer's page is there: a test going on at once would race the
    # sign-in's own navigation (a goto it starts can be overtaken by the sign-in's redirect).
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_be_attached()


def open_new_campaign(page: Page, stack: Stack) -> FrameLocator:
    """The new-campaign form, once its first live preview is up (as the merchant sees it
    before typing): the preview's dialog takes the focus inside its frame when it opens, and
    a field filled in that moment would lose the text. Returns the preview frame."""
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns/new")
    preview = page.frame_locator("#offer-preview")
    expect(preview.get_by_role("dialog")).to_be_visible()
    return preview
