"""A real SMTP server (aiosmtpd) on a free port, for the tests to read what Keepcart sent.

It runs in a thread of its own, as a mail server would be a process of its own. It can be
told to refuse (a reply such as "451 4.3.0 Try again later" to every message) and to ask for
a sign-in. ``by_message_id`` is what a receiver that de-duplicates by Message-ID keeps.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.process import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        """The text of the ``text/<subtype>`` part."""
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype, subtype
        return str(found.get_content())  # pyright: ignore[reportAttributeAccessIssue]


class Inbox:
    """The server's handler: keeps every message accepted, or refuses as told."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refusal: str | None = None  # an SMTP reply given instead of accepting
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refusal:
            return self.refusal
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted for delivery"


class MailServer:
    def __init__(self, port: int | None = None, login: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.login = login
        options: dict[str, Any] = {}
        if login:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    @property
    def url(self) -> str:
        who = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{who}127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        with warnings.catch_warnings():
            # aiosmtpd warns that AUTH without TLS is unsafe: on 127.0.0.1 in a test it is not.
            warnings.simplefilter("ignore")
            self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def refuse(self, reply: str | None) -> None:
        self.inbox.refusal = reply

    @property
    def received(self) -> list[Received]:
        with self.inbox.lock:
            return list(self.inbox.received)

    def by_message_id(self) -> dict[str, Received]:
        """What a receiver that de-duplicates by Message-ID keeps: one per id."""
        return {each.message_id: each for each in self.received}

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:  # fmt: skip
        good = isinstance(auth_data, LoginPassword) and self.login == (
            auth_data.login.decode(), auth_data.password.decode())  # fmt: skip
        return AuthResult(success=good, handled=False)
