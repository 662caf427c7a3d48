"""The outbox's rules, without a server: the retry schedule, what a failure leads to, which
kinds a store sends, the accent colour's readable text, KEEPCART_SMTP_URL, the email as it
goes on the wire, and how an SMTP error is read."""

from __future__ import annotations

import aiosmtplib
import pytest

from server.app import MESSAGE_RENDERERS
from server.logs import log_settings
from server.messages.model import (
    KINDS,
    MAX_ATTEMPTS,
    EmailContent,
    EmailSettings,
    after_failure,
    contrast,
    link_colour,
    parse_colour,
    retry_delay_ms,
    text_on,
)
from server.messages.smtp import OutgoingEmail, build_email, failure_of
from server.settings import Settings, SmtpServer, smtp_server


def test_retries_back_off_four_times_longer_each_time_up_to_two_hours():
    delays = [retry_delay_ms(attempts) for attempts in range(1, MAX_ATTEMPTS)]
    assert delays[:6] == [5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000]
    assert delays[6:] == [7_200_000] * (MAX_ATTEMPTS - 7)
    assert sum(delays) == 28_425_000  # about 8 hours from the first attempt to the last


def test_a_failure_is_retried_until_the_last_attempt_or_failed_when_for_good():
    assert after_failure(1, "451 later", False, 1_000).state == "queued"
    assert after_failure(1, "451 later", False, 1_000).next_attempt_at == 6_000
    last = after_failure(MAX_ATTEMPTS, "451 later", False, 1_000)
    assert (last.state, last.last_error) == ("failed", "451 later (gave up after 10 attempts)")
    assert after_failure(1, "550 no such user", True, 1_000).state == "failed"


def test_every_kind_has_a_renderer_and_a_known_channel():
    assert set(MESSAGE_RENDERERS) == set(KINDS)
    assert {kind.channel for kind in KINDS.values()} <= {"email", "sms", "webhook"}


def test_a_store_sends_what_is_switched_on_and_always_a_test():
    nothing = EmailSettings(enabled=frozenset())
    assert not nothing.sends("order_confirmation") and nothing.sends("test")
    assert EmailSettings().sends("order_shipped")
    assert not EmailSettings().sends("no_such_kind")


@pytest.mark.parametrize(
    ("accent", "text", "link"),
    [
        ("#1f6f5c", "#ffffff", "#1f6f5c"),  # the default green: white text, green links
        ("#ffd700", "#000000", "#1b2421"),  # gold: black text, links in a dark ink
        ("#000000", "#ffffff", "#000000"),
    ],
)
def test_text_on_the_accent_reads(accent, text, link):
    assert (text_on(accent), link_colour(accent)) == (text, link)
    assert contrast(accent, text) >= 4.5


@pytest.mark.parametrize("text", ["gold", "#fff", "#12345g", "1f6f5c", ""])
def test_a_colour_is_six_hex_digits(text):
    with pytest.raises(ValueError, match=r"Enter a colour like #1f6f5c\."):
        parse_colour(text)


# ---- KEEPCART_SMTP_URL ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("", None),
        ("smtp://mail.test", SmtpServer("mail.test", 25, "when_offered")),
        ("smtp://u:p@mail.test?starttls=1", SmtpServer("mail.test", 587, "required", "u", "p")),
        ("smtp://mail.test:2525?starttls=0", SmtpServer("mail.test", 2525, "never")),
        ("smtps://a%40b.test:p%3Aw%2F@mail.test", SmtpServer("mail.test", 465, "implicit",
                                                            "a@b.test", "p:w/")),
    ],
)  # fmt: skip
def test_the_mail_server_is_read_from_its_url(url, server):
    assert smtp_server(url) == server


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://user:hunter22@mail.test", "it must start with smtp:// or smtps://"),
        ("smtp://user:hunter22@:25", "it names no host"),
        ("smtp://user:hunter22@mail.test:99999", "its port is not a number"),
        ("smtp://user:hunter22@mail.test?tls=1", "the only option it takes"),
        ("smtps://user:hunter22@mail.test?starttls=1", "drop ?starttls"),
        ("smtp://user:hunter22@mail.test?starttls=maybe", "?starttls takes 1 or 0"),
    ],
)
def test_an_unreadable_mail_server_refuses_to_start_without_quoting_the_password(url, problem):
    with pytest.raises(ValueError) as refused:
        Settings.from_env({"KEEPCART_SMTP_URL": url})
    assert problem in str(refused.value) and "KEEPCART_SMTP_URL" in str(refused.value)
    assert "hunter22" not in str(refused.value)


def test_the_password_is_in_no_repr_and_no_log_line(caplog):
    settings = Settings(smtp_url="smtp://shop:hunter22@mail.test:587?starttls=1")
    assert "hunter22" not in repr(settings) and "hunter22" not in repr(settings.smtp)
    with caplog.at_level("DEBUG", logger="keepcart"):
        log_settings(settings)
    assert "smtp_url=smtp://shop@mail.test:587 (STARTTLS required)" in caplog.text
    assert "hunter22" not in caplog.text


# ---- the email on the wire --------------------------------------------------------------------


def outgoing(**changes) -> OutgoingEmail:
    content = EmailContent("Your order #1001", "Thanks.\n", "<p>Thanks.</p>")
    values = {
        "message_id": "<msg_abc@keepcart.test>", "sender_name": "Fern & Hearth",
        "sender_email": "orders@fern.test", "recipient": "aoife@example.test",
        "content": content, "sent_at_ms": 1_780_000_000_000, "reply_to": "hello@fern.test",
    }  # fmt: skip
    return OutgoingEmail(**(values | changes))


def test_the_email_has_a_text_and_an_html_part_and_its_headers():
    message = build_email(outgoing())
    assert message["Message-ID"] == "<msg_abc@keepcart.test>"
    assert message["Reply-To"] == "hello@fern.test"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"] == "Thu, 28 May 2026 20:26:40 +0000"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert build_email(outgoing(reply_to="orders@fern.test"))["Reply-To"] is None


def test_a_line_break_in_a_header_is_refused_rather_than_sent():
    content = EmailContent("Order\nBcc: everyone@example.test", "x", "x")
    with pytest.raises(ValueError):
        build_email(outgoing(content=content))


@pytest.mark.parametrize(
    ("error", "permanent", "code"),
    [
        (aiosmtplib.SMTPDataError(451, "4.3.0 Try later"), False, "SMTP 451"),
        (aiosmtplib.SMTPDataError(550, "5.7.1 Rejected"), True, "SMTP 550"),
        (aiosmtplib.SMTPRecipientsRefused(
            [aiosmtplib.SMTPRecipientRefused(550, "5.1.1 Unknown user", "a@b.test")]),
         True, "SMTP 550"),
        (aiosmtplib.SMTPAuthenticationError(535, "5.7.8 Bad credentials"), False, "SMTP 535"),
        (aiosmtplib.SMTPConnectError("Error connecting to mail.test on port 25"), False,
         "SMTPConnectError"),
        (aiosmtplib.SMTPReadTimeoutError("Timed out"), False, "timeout"),
        (ConnectionRefusedError(111, "Connection refused"), False, "ConnectionRefusedError"),
    ],
)  # fmt: skip
def test_smtp_errors_are_read_as_for_now_or_for_good(error, permanent, code):
    failure = failure_of(error)
    assert (failure.permanent, failure.code) == (permanent, code)
