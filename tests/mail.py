"""A real SMTP server (aiosmtpd) on a free port, for the tests to read what Keepcart sent.

It runs in a thread of its own, as a mail server would be a process of its own. It can be
told to refuse (a reply such as "451 4.3.0 Try again later" to every message) and to ask for
a sign-in. ``by_message_id`` is what a receiver that de-duplicates by Message-ID keeps.

It can speak TLS as a real mail server does, with a certificate for 127.0.0.1 and localhost
from a test CA of its own (trustme): ``tls="starttls"`` (offered after EHLO, port 587's way)
or ``tls="implicit"`` (TLS from the first byte, port 465's way). In both, AUTH is accepted
over TLS only (aiosmtpd's ``auth_require_tls``, a real server's default). The system does not
trust the test CA: a client trusts it through ``trusting_url``.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import warnings
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, Literal

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.process import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    tls: str | None = None  # the session's TLS version ("TLSv1.3"), None in the clear
    signed_in: bool = False

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
        # The transport as it is now: after STARTTLS, the TLS one.
        tls = server.transport.get_extra_info("ssl_object")
        received = Received(
            envelope.mail_from, list(envelope.rcpt_tos), message,
            tls.version() if tls else None, bool(session.authenticated),
        )  # fmt: skip
        with self.lock:
            self.received.append(received)
        return "250 2.0.0 Message accepted for delivery"


Tls = Literal["none", "starttls", "implicit"]


class MailServer:
    def __init__(
        self, port: int | None = None, login: tuple[str, str] | None = None, tls: Tls = "none",
        smtputf8: bool = True,  # False: a relay that takes no address with non-ASCII characters
    ):  # fmt: skip
        self.port = port or free_port()
        self.inbox = Inbox()
        self.login = login
        self.tls = tls
        self.sign_ins = 0  # AUTH commands it was sent, right or wrong
        self.ca = trustme.CA()
        options: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}
        if login:
            # In the clear, the tests' server takes AUTH all the same (on 127.0.0.1 nobody
            # listens in); over TLS it keeps a real server's rule: AUTH only over TLS.
            options |= {"authenticator": self._authenticate, "auth_require_tls": tls != "none"}
        if tls == "starttls":
            options["tls_context"] = self._server_context()
        elif tls == "implicit":
            options["ssl_context"] = self._server_context()
        self.controller = _Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    @property
    def url(self) -> str:
        """KEEPCART_SMTP_URL for this server, TLS as it speaks it; no CA given, so a client
        trusts only what the system trusts (not the test CA)."""
        who = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        scheme = "smtps" if self.tls == "implicit" else "smtp"
        options = {"starttls": "?starttls=1", "none": "?starttls=0" if self.login else ""}.get(
            self.tls, ""
        )  # signing in without TLS: said outright, as a relay on this machine may be
        return f"{scheme}://{who}127.0.0.1:{self.port}{options}"

    def trusting_url(self, folder: Path) -> str:
        """``url`` with ``cafile`` naming the test CA, written in ``folder``."""
        cafile = folder / "mail-ca.pem"
        self.ca.cert_pem.write_to_path(str(cafile))
        return f"{self.url}{'&' if '?' in self.url else '?'}cafile={cafile}"

    def _server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        return context

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
        self.sign_ins += 1
        good = isinstance(auth_data, LoginPassword) and self.login == (
            auth_data.login.decode(), auth_data.password.decode())  # fmt: skip
        return AuthResult(success=good, handled=False)


class _TlsFromTheStart(SMTP):
    """aiosmtpd counts only STARTTLS as TLS (aio-libs/aiosmtpd#281): on a connection that is
    TLS from the first byte, ``auth_require_tls`` hides AUTH and answers it 538. Such a
    connection meets that requirement already."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if transport.get_extra_info("ssl_object") is not None:
            self._auth_require_tls = False


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _TlsFromTheStart(self.handler, **self.SMTP_kwargs)
