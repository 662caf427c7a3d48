"""Email over SMTP with aiosmtplib: one connection per message, TLS as KEEPCART_SMTP_URL says
(the server's certificate always verified: against the system's CAs, or the ``cafile`` the URL
names), and every way it can fail sorted into "try again later" and "refused for good".

SMTP has no idempotency key of its own. Each message keeps one Message-ID on every attempt,
``<msg_…@host>``: a receiver that de-duplicates by Message-ID (as mail stores and clients
that thread mail do) shows a message sent twice after a crash once.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

import aiosmtplib

from server.messages.model import ATTEMPT_TIMEOUT_S, DeliveryFailed, EmailContent
from server.settings import SmtpServer

# Seconds for each step of a conversation (connecting, each command); the whole attempt is
# bounded by ATTEMPT_TIMEOUT_S.
STEP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class OutgoingEmail:
    message_id: str  # <msg_…@host>, the same on every attempt
    sender_name: str
    sender_email: str
    recipient: str
    content: EmailContent
    sent_at_ms: int
    reply_to: str = ""


def build_email(email: OutgoingEmail) -> EmailMessage:
    """A multipart/alternative message: the plain-text part first, the HTML part last (the
    one a client that shows HTML prefers)."""
    message = EmailMessage()
    message["From"] = formataddr((email.sender_name, email.sender_email))
    message["To"] = email.recipient
    if email.reply_to and email.reply_to != email.sender_email:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.content.subject
    message["Date"] = format_datetime(datetime.fromtimestamp(email.sent_at_ms / 1000, UTC))
    message["Message-ID"] = email.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to it
    for name, value in email.content.headers:
        message[name] = value
    message.set_content(email.content.text)
    message.add_alternative(email.content.html, subtype="html")
    return message


class SmtpMailer:
    """Delivers emails to the one mail server KEEPCART_SMTP_URL names."""

    channel = "email"

    def __init__(self, server: SmtpServer):
        self.server = server
        self.tls_context = server.tls_context()  # None: aiosmtplib's, the system's CAs

    async def send(self, email: OutgoingEmail) -> None:
        """Hand ``email`` to the mail server; ``DeliveryFailed`` saying why it did not go."""
        server = self.server
        try:
            message = build_email(email)
        except ValueError as exc:  # a header the email package refuses (a line break in it)
            raise DeliveryFailed(
                "This message could not be written as an email.", code=type(exc).__name__,
                permanent=True,
            ) from None  # fmt: skip
        try:
            async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
                await aiosmtplib.send(
                    message, hostname=server.host, port=server.port,
                    username=server.username or None, password=server.password or None,
                    use_tls=server.tls == "implicit", start_tls=_START_TLS[server.tls],
                    tls_context=self.tls_context, timeout=STEP_TIMEOUT_S,
                )  # fmt: skip
        except Exception as exc:
            raise failure_of(exc, signs_in=bool(server.username)) from None


_START_TLS = {"implicit": False, "required": True, "when_offered": None, "never": False}


def failure_of(exc: Exception, *, signs_in: bool = False) -> DeliveryFailed:
    """What an aiosmtplib (or network) exception means for the message. A reply in the 5xx
    range refuses it for good (RFC 5321), except a refused sign-in, which the operator can
    fix; anything else is tried again."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused) and exc.recipients:
        exc = exc.recipients[0]
    if untrusted := _certificate_error(exc):
        return DeliveryFailed(
            f"The mail server's certificate was not trusted ({untrusted.verify_message}): if"
            " a private CA signs it, name that CA's file in KEEPCART_SMTP_URL (?cafile=PATH).",
            code="SSLCertVerificationError",
        )
    if type(exc) is aiosmtplib.SMTPException and "STARTTLS" in str(exc):
        why = "it signs in, never in the clear" if signs_in else "?starttls=1"
        return DeliveryFailed(
            f"The mail server does not offer STARTTLS, which KEEPCART_SMTP_URL requires"
            f" ({why}): nothing was sent.", code="no STARTTLS",
        )  # fmt: skip
    if isinstance(exc, aiosmtplib.SMTPNotSupported):  # aiosmtplib's only use: no SMTPUTF8
        # No retry changes what the server supports: the address can never go through it.
        return DeliveryFailed(
            "The mail server cannot deliver to an address with non-ASCII characters"
            " (no SMTPUTF8).", code="no SMTPUTF8", permanent=True,
        )  # fmt: skip
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return DeliveryFailed(
            f"The mail server refused Keepcart's sign-in ({exc.code} {exc.message}): check the"
            " user and password in KEEPCART_SMTP_URL.",
            code=f"SMTP {exc.code}",
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return DeliveryFailed(
            f"The mail server answered {exc.code} {exc.message}".strip(),
            code=f"SMTP {exc.code}",
            permanent=500 <= exc.code < 600,
        )
    if isinstance(exc, TimeoutError):
        return DeliveryFailed("The mail server did not answer in time.", code="timeout")
    return DeliveryFailed(
        f"Could not reach the mail server ({type(exc).__name__}).", code=type(exc).__name__
    )


def _certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The failed certificate check behind ``exc``: raised as it is during STARTTLS, the
    cause of an SMTPConnectError on connecting with TLS from the start."""
    found: BaseException | None = exc
    while found is not None and not isinstance(found, ssl.SSLCertVerificationError):
        found = found.__cause__
    return found
