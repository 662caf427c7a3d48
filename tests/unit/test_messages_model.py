"""The outbox's rules, without a server: the retry schedule, what a failure leads to, which
kinds a store sends, the accent colour's readable text, KEEPCART_SMTP_URL, the email as it
goes on the wire, how an SMTP error is read, and when a queued message goes next and why."""

from __future__ import annotations

import random
import ssl

import aiosmtplib
import pytest
import trustme

from server.app import MESSAGE_RENDERERS
from server.logs import log_settings
from server.messages import model
from server.messages.model import (
    KINDS,
    MAX_ATTEMPTS,
    QUIET_HOURS,
    EmailContent,
    EmailSettings,
    Message,
    NextTry,
    after_failure,
    contrast,
    link_colour,
    next_try,
    parse_colour,
    retry_delay_ms,
    text_on,
)
from server.messages.smtp import OutgoingEmail, build_email, failure_of
from server.settings import Settings, SmtpServer, smtp_server


def middle() -> float:
    """A random source pinned at the middle of its range: no jitter at all."""
    return 0.5


def test_retries_back_off_four_times_longer_each_time_up_to_two_hours():
    delays = [retry_delay_ms(attempts, middle) for attempts in range(1, MAX_ATTEMPTS)]
    assert delays[:6] == [5_000, 20_000, 80_000, 320_000, 1_280_000, 5_120_000]
    assert delays[6:] == [7_200_000] * (MAX_ATTEMPTS - 7)
    assert sum(delays) == 28_425_000  # about 7.9 hours from the first attempt to the last


@pytest.mark.parametrize(("draw", "factor"), [(0.0, 0.8), (0.25, 0.9), (1 - 2**-53, 1.2)])
def test_each_delay_is_spread_by_a_fifth_either_way(draw, factor):
    delays = [retry_delay_ms(attempts, lambda: draw) for attempts in range(1, MAX_ATTEMPTS)]
    steps = [retry_delay_ms(attempts, middle) for attempts in range(1, MAX_ATTEMPTS)]
    assert delays == [round(step * factor) for step in steps]
    # the whole schedule, from the first attempt to the last: 6.3 to 9.5 hours
    assert sum(delays) == round(28_425_000 * factor)


def test_messages_failing_together_do_not_come_back_together():
    # The module's own random source: a mail server down for a moment fails a whole batch at
    # once, and its retries must not all arrive in the same second.
    delays = {retry_delay_ms(3) for _ in range(20)}
    assert len(delays) > 10 and all(64_000 <= delay <= 96_000 for delay in delays)
    # Two failing in the same millisecond, late in the schedule (2 hours ± 24 minutes):
    first, second = (after_failure(MAX_ATTEMPTS - 1, "451", False, 0) for _ in range(2))
    assert first.next_attempt_at != second.next_attempt_at


def test_the_jitter_source_can_be_pinned_for_a_whole_app(monkeypatch):
    monkeypatch.setattr(model, "jitter_source", random.Random(7))
    first = [retry_delay_ms(n) for n in range(1, MAX_ATTEMPTS)]
    monkeypatch.setattr(model, "jitter_source", random.Random(7))
    assert [retry_delay_ms(n) for n in range(1, MAX_ATTEMPTS)] == first


def test_a_failure_is_retried_until_the_last_attempt_or_failed_when_for_good():
    assert after_failure(1, "451 later", False, 1_000).state == "queued"
    assert after_failure(1, "451 later", False, 1_000, middle).next_attempt_at == 6_000
    last = after_failure(MAX_ATTEMPTS, "451 later", False, 1_000)
    assert (last.state, last.last_error) == ("failed", "451 later (gave up after 10 attempts)")
    assert after_failure(1, "550 no such user", True, 1_000).state == "failed"


def queued(**changes) -> Message:
    fields = dict(id=1, public_id="msg_1", store_id=1, channel="sms", kind="recovery_sms",
                  recipient="+353871234567", inputs={}, state="queued", attempts=0,
                  next_attempt_at=5_000, last_error=None, order_id=None, cart_id=1,
                  created_at=1_000, updated_at=1_000, sent_at=None)  # fmt: skip
    return Message(**(fields | changes))


def test_a_queued_message_not_due_yet_says_when_it_goes_and_why_when_known():
    assert next_try(queued(deferred_reason=QUIET_HOURS), 1_000) == NextTry(5_000, QUIET_HOURS)
    failed_once = queued(channel="email", attempts=1, last_error="451 later")
    assert next_try(failed_once, 1_000) == NextTry(5_000, "retry")
    # A failed attempt that the quiet hours then held back waits for their end.
    held = queued(attempts=1, last_error="429", deferred_reason=QUIET_HOURS)
    assert next_try(held, 1_000) == NextTry(5_000, QUIET_HOURS)
    assert next_try(queued(), 1_000) == NextTry(5_000, None)  # queued to go then, no more known
    assert next_try(queued(), 5_000) is None  # due: it goes in a second or so
    assert next_try(queued(state="sent", deferred_reason=None), 1_000) is None


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
        # A user signs in: never in the clear, so STARTTLS is required, not "when offered".
        ("smtp://u:p@mail.test", SmtpServer("mail.test", 25, "required", "u", "p")),
        ("smtp://u:p@mail.test:587", SmtpServer("mail.test", 587, "required", "u", "p")),
        # A relay on this machine may take a sign-in without TLS, when told so.
        ("smtp://u:p@127.0.0.1:2525?starttls=0", SmtpServer("127.0.0.1", 2525, "never", "u", "p")),
        ("smtp://u:p@localhost?starttls=0", SmtpServer("localhost", 25, "never", "u", "p")),
    ],
)  # fmt: skip
def test_the_mail_server_is_read_from_its_url(url, server):
    assert smtp_server(url) == server


@pytest.mark.parametrize(
    ("url", "words"),
    [("smtp://u:p@mail.test", "smtp://u@mail.test:25 (STARTTLS required: it signs in)"),
     ("smtp://mail.test", "smtp://mail.test:25 (STARTTLS when offered)"),
     ("smtp://u:p@127.0.0.1:2525?starttls=0",
      "smtp://u@127.0.0.1:2525 (no TLS: a relay on this machine)")],
)  # fmt: skip
def test_where_mail_goes_says_how_it_is_protected(url, words):
    server = smtp_server(url)
    assert server is not None and server.describe() == words


def test_a_sign_in_in_the_clear_to_another_machine_refuses_to_start():
    with pytest.raises(ValueError) as refused:
        Settings.from_env({"KEEPCART_SMTP_URL": "smtp://u:hunter22@mail.test:587?starttls=0"})
    problem = str(refused.value)
    assert problem.startswith("KEEPCART_SMTP_URL: ") and "hunter22" not in problem
    assert "?starttls=0 would send the password in the clear" in problem
    assert "127.0.0.1 or localhost" in problem


@pytest.fixture
def relay_ca(tmp_path):
    """A private CA's certificate, as an operator's internal mail relay would use."""
    path = tmp_path / "relay ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


@pytest.mark.parametrize(
    ("url", "tls"),
    [("smtp://u:p@relay.test?starttls=1&cafile={}", "required"),
     ("smtp://u:p@relay.test?cafile={}", "required"),  # it signs in
     ("smtps://u:p@relay.test?cafile={}", "implicit")],
)  # fmt: skip
def test_a_private_ca_is_named_by_its_file(relay_ca, url, tls):
    server = smtp_server(url.format(str(relay_ca).replace(" ", "%20")))
    assert server is not None and (server.tls, server.cafile) == (tls, str(relay_ca))
    assert server.describe().endswith(f", trusting the CA in {relay_ca})")


def test_a_cafile_that_is_missing_or_no_certificate_refuses_to_start(tmp_path):
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    for path, why in [(tmp_path / "missing.pem", "No such file"), (garbage, "no certificate")]:
        with pytest.raises(ValueError) as refused:
            Settings.from_env({"KEEPCART_SMTP_URL": f"smtp://u:hunter22@relay.test?cafile={path}"})
        problem = str(refused.value)
        assert problem.startswith("KEEPCART_SMTP_URL: ") and f"cafile {path}" in problem
        assert why in problem and "hunter22" not in problem


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://user:hunter22@mail.test", "it must start with smtp:// or smtps://"),
        ("smtp://user:hunter22@:25", "it names no host"),
        ("smtp://user:hunter22@mail.test:99999", "its port is not a number"),
        ("smtp://user:hunter22@mail.test?tls=1", "the options it takes are ?starttls="),
        ("smtps://user:hunter22@mail.test?starttls=1", "drop ?starttls"),
        ("smtp://user:hunter22@mail.test?starttls=maybe", "?starttls takes 1 or 0"),
        (
            "smtp://user:hunter22@127.0.0.1?starttls=0&cafile=/etc/ssl/ca.pem",
            "?cafile is for TLS, which ?starttls=0 turns off",
        ),
    ],
)
def test_an_unreadable_mail_server_refuses_to_start_without_quoting_the_password(url, problem):
    with pytest.raises(ValueError) as refused:
        Settings.from_env({"KEEPCART_SMTP_URL": url})
    assert problem in str(refused.value) and "KEEPCART_SMTP_URL" in str(refused.value)
    assert "hunter22" not in str(refused.value)


def test_the_password_is_in_no_repr_and_no_log_line(caplog):
    settings = Settings(
        smtp_url="smtp://shop:hunter22@mail.test:587?starttls=1",
        sms_url="https://AC0123sid:tok3n@api.sms.test", sms_from="+15550001111",
    )  # fmt: skip
    assert "hunter22" not in repr(settings) and "hunter22" not in repr(settings.smtp)
    with caplog.at_level("DEBUG", logger="keepcart"):
        log_settings(settings)
    assert "smtp_url=smtp://shop@mail.test:587 (STARTTLS required: it signs in)" in caplog.text
    assert "hunter22" not in caplog.text
    # The SMS provider as the admin shows it: neither its account sid nor its token.
    assert "sms_url=https://api.sms.test (from +15550001111)" in caplog.text
    assert "AC0123sid" not in caplog.text and "tok3n" not in caplog.text


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


# aiosmtplib's own words when ?starttls=1 meets a server that does not offer STARTTLS
NO_STARTTLS = aiosmtplib.SMTPException("SMTP STARTTLS extension not supported by server.")
NO_SMTPUTF8 = aiosmtplib.SMTPNotSupported(
    "An address containing non-ASCII characters was provided, but SMTPUTF8 is not supported"
    " by this server"
)


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
        (NO_STARTTLS, False, "no STARTTLS"),
        (NO_SMTPUTF8, True, "no SMTPUTF8"),
    ],
)  # fmt: skip
def test_smtp_errors_are_read_as_for_now_or_for_good(error, permanent, code):
    failure = failure_of(error)
    assert (failure.permanent, failure.code) == (permanent, code)


def untrusted() -> ssl.SSLCertVerificationError:
    error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate"
                                         " verify failed: self-signed certificate")  # fmt: skip
    error.verify_message = "self-signed certificate"
    return error


def connect_error_from(cause: Exception) -> Exception:
    """How aiosmtplib reports a failed TLS handshake on connecting (smtps://)."""
    try:
        raise aiosmtplib.SMTPConnectError(f"Error connecting: {cause}") from cause
    except aiosmtplib.SMTPConnectError as error:
        return error


@pytest.mark.parametrize("error", [untrusted(), connect_error_from(untrusted())])
def test_a_certificate_not_trusted_says_so(error):
    failure = failure_of(error)
    assert failure.reason.startswith(
        "The mail server's certificate was not trusted (self-signed certificate)"
    )
    assert "?cafile=" in failure.reason
    assert (failure.permanent, failure.code) == (False, "SSLCertVerificationError")


def test_starttls_missing_says_what_was_required():
    failure = failure_of(NO_STARTTLS)
    assert failure.reason == (
        "The mail server does not offer STARTTLS, which KEEPCART_SMTP_URL requires"
        " (?starttls=1): nothing was sent."
    )
