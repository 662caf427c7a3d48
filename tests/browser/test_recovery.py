"""Abandoned-checkout recovery as a shopper lives it, with a real mail server: the shopper
ticks the reminder box under the email field and leaves; an hour later (the test clock) the
reminder arrives; its link, opened in another browser, lands on the shop with the cart in
the drawer and the price change said; the shopper pays there."""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from starlette.applications import Starlette

from server.messages.smtp import SmtpMailer
from server.recovery.model import DEFAULT_CONSENT, DEFAULT_SMS_CONSENT, HOUR_MS
from server.security import Purpose, Signer
from server.services import attach, services
from server.settings import smtp_server
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, live_stack, wait_for
from tests.browser.merchant import sign_in
from tests.browser.shopping import (
    DESKTOP,
    assert_clean,
    cart_drawer,
    confirmation,
    fill_card,
    fill_details,
    mug_in_checkout,
    start_checkout,
    wait_for_loader,
)
from tests.mail import MailServer

SHOPPER = "aoife@example.com"


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def held() -> dict[str, Starlette]:
    return {}


@pytest.fixture
def mail_stack(tmp_path, mail: MailServer, held: dict[str, Starlette]) -> Iterator[Stack]:
    def send_through(app: Starlette) -> None:  # as KEEPCART_SMTP_URL would
        server = smtp_server(mail.url)
        assert server is not None
        built = services(app)
        attach(app, dataclasses.replace(built, settings=dataclasses.replace(
            built.settings, smtp_url=mail.url)))  # fmt: skip
        built.sender.mailer = SmtpMailer(server)
        held["app"] = app

    with live_stack(tmp_path, prepare_app=send_through) as stack:
        # The hour and the day of the defaults (the demo's are minutes), and no holdout.
        write(stack, "INSERT OR REPLACE INTO recovery_settings (store_id, mode, notice_text,"
              " consent_text, holdout_percent, steps, updated_at) SELECT ?, 'consent', 'n', ?,"
              " 0, '[{\"delay_minutes\": 60}, {\"delay_minutes\": 1440}]', 0",
              (stack.store.id, DEFAULT_CONSENT))  # fmt: skip
        yield stack


def write(stack: Stack, sql: str, params: tuple = ()) -> None:
    with sqlite3.connect(stack.db_path, timeout=10) as conn:
        conn.execute(sql, params)


@DESKTOP
def test_a_shopper_who_left_gets_the_reminder_and_pays_from_another_browser(
    page: Page, browser: Browser, mail_stack: Stack, mail: MailServer, held, problems: PageProblems
):
    stack = mail_stack
    checkout = mug_in_checkout(page, stack)
    box = checkout.get_by_role("checkbox", name=DEFAULT_CONSENT)
    expect(box).not_to_be_checked()
    checkout.get_by_label("Email", exact=True).fill(SHOPPER)
    box.check()
    wait_for(lambda: stack.query("SELECT email FROM checkout_contacts"), message="contact kept")
    [contact] = stack.query("SELECT email, wording, mode FROM checkout_contacts")
    assert tuple(contact) == (SHOPPER, DEFAULT_CONSENT, "consent")
    assert_clean(problems)
    page.close()  # the shopper leaves

    services(held["app"]).clock.advance(HOUR_MS)
    wait_for(lambda: mail.received, timeout=15, message="the first reminder")
    [email] = mail.received
    link = re.search(r"http://\S+/r/[\w.-]+", email.part("plain"))
    assert link and email.rcpt_tos == [SHOPPER]
    write(stack, "UPDATE products SET price = 2600 WHERE sku = 'FH-MUG-01'")

    other = browser.new_context(viewport={"width": 1280, "height": 860})  # another device
    try:
        shop = other.new_page()
        shop.goto(link.group(0))
        wait_for_loader(shop)
        drawer = cart_drawer(shop)
        expect(drawer).to_be_visible()
        expect(drawer.get_by_role("status").filter(has_text="changed")).to_have_text(
            "The price of Stoneware Mug changed from €24.00 to €26.00."
        )
        expect(
            drawer.get_by_role("button", name="Increase quantity of Stoneware Mug")
        ).to_be_visible()
        assert "#" not in shop.url and shop.url.startswith(stack.shop_url)

        paying = start_checkout(shop, drawer)
        fill_details(paying)
        fill_card(paying)
        paying.get_by_role("button", name=re.compile(r"^Pay €")).click()
        expect(confirmation(shop)).to_be_visible()
    finally:
        other.close()
    [order] = stack.query("SELECT email, subtotal FROM orders")
    assert tuple(order) == (SHOPPER, 2600)

    # The order stopped the sequence in its own write: no second reminder can be written.
    assert stack.query("SELECT 1 FROM checkout_contacts WHERE stop_reason = 'ordered'")
    services(held["app"]).clock.advance(24 * HOUR_MS)  # the second reminder's moment: none
    wait_for(lambda: stack.query("SELECT 1 FROM checkout_contacts WHERE stop_reason = 'ordered'"),
             timeout=15, message="the sequence stopped by the order")  # fmt: skip
    # The order's confirmation goes out from the background sender, in its own time.
    wait_for(lambda: len(mail.received) >= 2, timeout=15, message="the order's confirmation")
    assert [e.message["Subject"].split()[0] for e in mail.received] == ["You", "Your"]


@pytest.mark.parametrize("width", [1366, 390], ids=["desktop", "phone"])
def test_the_recovery_pages_and_the_reminder_box_are_accessible(
    page: Page, stack: Stack, width: int
):
    page.set_viewport_size({"width": width, "height": 900})
    found: dict[str, list[str]] = {}
    checkout = mug_in_checkout(page, stack)
    expect(checkout.get_by_role("checkbox", name=DEFAULT_CONSENT)).to_be_visible()
    found["checkout"] = serious_violations(page)

    sign_in(page, stack)
    base = f"{stack.keepcart_url}/admin/stores/{stack.store.id}/recovery"
    for path, heading in ((base, "Cart recovery"), (base + "/results", "Cart recovery results")):
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        found[path] = serious_violations(page)
    page.goto(base)
    page.get_by_label("Holdout (%)").fill("90")
    page.get_by_role("button", name="Save cart recovery").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a whole number from 0 to 50.")
    expect(page.get_by_label("Holdout (%)")).to_have_attribute("aria-invalid", "true")
    found["errors"] = serious_violations(page)

    signer = Signer(("browser-test-key-of-at-least-32-bytes",))
    token = signer.sign(Purpose.UNSUBSCRIBE, {"s": stack.store.id, "c": 1, "n": 1})
    page.goto(f"{stack.keepcart_url}/u/{token}")
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    found["unsubscribe"] = serious_violations(page)
    assert {where: problems for where, problems in found.items() if problems} == {}


@pytest.fixture
def texting_stack(tmp_path) -> Iterator[Stack]:
    """A stack whose Keepcart has an SMS provider (never reached: nothing is sent here) and a
    store with recovery SMS on."""

    def with_sms(app: Starlette) -> None:  # as KEEPCART_SMS_URL would
        built = services(app)
        texting = dataclasses.replace(
            built.settings, sms_url="http://AC1:token@127.0.0.1:9", sms_from="+15005550006"
        )
        attach(app, dataclasses.replace(built, settings=texting))

    with live_stack(tmp_path, prepare_app=with_sms) as stack:
        write(stack, "INSERT INTO message_switches (store_id, kind, enabled) VALUES (?, ?, 1)",
              (stack.store.id, "recovery_sms"))  # fmt: skip
        yield stack


@DESKTOP
def test_a_shopper_ticks_the_sms_box_under_the_phone_and_the_number_is_kept(
    page: Page, texting_stack: Stack, problems: PageProblems
):
    stack = texting_stack
    checkout = mug_in_checkout(page, stack)
    checkout.get_by_label("Email", exact=True).fill(SHOPPER)
    checkout.get_by_role("checkbox", name=DEFAULT_CONSENT).check()
    sms = checkout.get_by_role("checkbox", name=DEFAULT_SMS_CONSENT)
    expect(sms).not_to_be_checked()
    checkout.get_by_label("Phone").fill("087 123 4567")
    sms.check()
    kept = "SELECT phone, sms_consent_wording FROM checkout_contacts WHERE phone IS NOT NULL"
    wait_for(lambda: stack.query(kept), message="the phone kept")
    assert tuple(stack.query(kept)[0]) == ("+353871234567", DEFAULT_SMS_CONSENT)
    assert serious_violations(page) == []
    sms.uncheck()
    wait_for(lambda: not stack.query(kept), message="the phone forgotten")
    assert_clean(problems)
