"""The Messages page as a merchant uses it, with a real mail server behind Keepcart: the
emails an order sent, one of them shown in its sandboxed frame, a test email sent from the
form, the email settings; a cart reminder by SMS waiting for the morning, read as an SMS;
axe on each page at desktop and phone widths, and on an email's own HTML."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from starlette.applications import Starlette

from server.messages.smtp import SmtpMailer
from server.services import attach, services
from server.settings import smtp_server
from tests.browser.axe import serious_violations
from tests.browser.conftest import Stack, live_stack, wait_for
from tests.browser.merchant import sign_in
from tests.browser.messaging import PHONE, waiting_sms
from tests.browser.shopping import order_over_the_api
from tests.mail import MailServer

CARD = {"method": "test_card", "card": {"number": "4242424242424242", "expiry": "12/34",
                                        "cvc": "123"}}  # fmt: skip


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_stack(tmp_path, mail: MailServer) -> Iterator[Stack]:
    def send_through(app: Starlette) -> None:  # as KEEPCART_SMTP_URL would
        server = smtp_server(mail.url)
        assert server is not None
        built = services(app)
        attach(app, dataclasses.replace(built, settings=dataclasses.replace(
            built.settings, smtp_url=mail.url)))  # fmt: skip
        built.sender.mailer = SmtpMailer(server)

    with live_stack(tmp_path, prepare_app=send_through) as stack:
        yield stack


def test_the_merchant_reads_what_was_sent_and_sends_a_test(page: Page, mail_stack: Stack,
                                                           mail: MailServer):  # fmt: skip
    stack = mail_stack
    order = order_over_the_api(stack, {"FH-MUG-01": 1}, {"method": "bank_transfer"})
    wait_for(lambda: len(mail.received) == 2, message="the confirmation and the instructions")
    order_over_the_api(stack, {"FH-MUG-01": 1}, CARD)
    wait_for(lambda: len(mail.received) == 3, message="the second confirmation")
    base = f"{stack.keepcart_url}/admin/stores/{stack.store.id}/messages"
    found: dict[str, list[str]] = {}

    sign_in(page, stack)
    page.get_by_role("navigation", name=stack.store.name).get_by_role(
        "link", name="Messages").click()  # fmt: skip
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    rows = page.get_by_role("row").filter(has_text="Payment instructions")
    expect(rows).to_have_count(1)
    expect(rows.get_by_text("Sent", exact=True)).to_be_visible()
    found |= checked(page, "list")

    page.get_by_role("link", name="Payment instructions").click()
    expect(page.get_by_role("heading", name="Payment instructions", level=1)).to_be_visible()
    email = page.frame_locator("iframe.email-preview")
    expect(email.get_by_role("heading", name=f"How to pay for order #{order['number']}")
           ).to_be_visible()  # fmt: skip
    # The order's link is inert here: the shopper's email holds the working one.
    expect(email.get_by_role("link", name="View your order")).to_have_attribute("href", "#")
    page.get_by_text("The plain-text part").click()
    expect(page.get_by_text("Order number to quote:")).to_be_visible()
    expect(page.get_by_text("View your order: (link hidden in the admin)")).to_be_visible()
    found |= checked(page, "message")

    page.goto(base)
    page.get_by_label("Send it to").fill("me@owner.test")
    page.get_by_role("button", name="Send a test email").click()
    expect(page.get_by_role("status")).to_have_text(
        "Test email queued: it is sent within a few seconds.")  # fmt: skip
    wait_for(lambda: len(mail.received) == 4, message="the test email")
    assert mail.received[-1].message["Subject"] == f"Test email from {stack.store.name}"

    page.goto(base)
    page.get_by_label("Send it to").fill("not an address")
    page.get_by_role("button", name="Send a test email").click()
    expect(page.get_by_role("textbox", name="Send it to")).to_have_attribute("aria-invalid", "true")
    found |= checked(page, "test email with an error")

    page.get_by_role("link", name="Email settings").click()
    expect(page.get_by_role("heading", name="Email settings", level=1)).to_be_visible()
    expect(page.get_by_role("checkbox", name="Order shipped")).to_be_checked()
    found |= checked(page, "email settings")

    page.set_content(mail.received[0].part("html"))  # the email itself, as a client shows it
    found |= checked(page, "an email")
    assert found == {}


SMS_URL = "https://AC0123:never-shown@sms.example.test"  # never reached: nothing is sent


@pytest.fixture
def texting_stack(tmp_path) -> Iterator[Stack]:
    def with_sms(app: Starlette) -> None:  # as KEEPCART_SMS_URL and KEEPCART_SMS_FROM would
        built = services(app)
        attach(app, dataclasses.replace(built, settings=dataclasses.replace(
            built.settings, sms_url=SMS_URL, sms_from="+15005550006")))  # fmt: skip

    with live_stack(tmp_path, prepare_app=with_sms) as stack:
        yield stack


def test_an_sms_waiting_for_the_morning_reads_as_an_sms(page: Page, texting_stack: Stack):
    stack = texting_stack
    waiting_sms(stack)
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/messages")
    row = page.get_by_role("row").filter(has_text=PHONE)
    expect(row.get_by_text("Queued", exact=True)).to_be_visible()
    expect(row).to_contain_text("after the shopper’s quiet hours")
    found = checked(page, "list with an SMS")

    row.get_by_role("link", name="Cart reminder by SMS").click()
    expect(page.get_by_role("heading", name="Cart reminder by SMS", level=1)).to_be_visible()
    expect(page.get_by_text("SMS go through https://sms.example.test")).to_be_visible()
    text = page.locator(".sms-text")
    expect(text).to_contain_text("It is saved for you here: (link hidden in the admin)")
    expect(page.get_by_text("SMS segment")).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)
    assert "never-shown" not in page.content() and "AC0123" not in page.content()
    found |= checked(page, "an SMS")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
    assert found == {}


def checked(page: Page, name: str) -> dict[str, list[str]]:
    """axe's serious violations on the page at 1366 px, then at 390 px (a phone)."""
    found = {}
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        if violations := serious_violations(page):
            found[f"{name} at {width} px"] = violations
    page.set_viewport_size({"width": 1366, "height": 900})
    return found
