"""Email over TLS, through the real mailer against a real mail server that speaks TLS with a
certificate from a private CA (tests/mail.py): TLS from the start (smtps://) or STARTTLS
(?starttls=1), signed in over TLS only; the CA trusted through ?cafile=, and a certificate
nobody told Keepcart to trust, or a server without the STARTTLS it requires, is not sent to
and tried again later."""

from __future__ import annotations

import pytest

from server.messages import queries
from server.services import services
from tests.api.mailing import app_sending_to, deliver, messages, queue_test_email
from tests.mail import MailServer

pytestmark = pytest.mark.anyio

LOGIN = ("shop@mail.test", "p@ss:word")


@pytest.fixture(params=["implicit", "starttls"])
def tls_server(request):
    """A mail server on TLS (from the start, or by STARTTLS) that signs Keepcart in."""
    server = MailServer(login=LOGIN, tls=request.param).start()
    yield server
    server.stop()


async def test_a_server_on_tls_gets_the_email_intact_from_a_signed_in_keepcart(
    tmp_path, tls_server
):
    async with app_sending_to(tmp_path, tls_server.trusting_url(tmp_path)) as app:
        store = await queue_test_email(app)
        assert await deliver(app) == 1
        [row] = await messages(app)
        message = await queries.find_message(services(app).db, store.id, row["public_id"])
        assert message is not None
        sent = await services(app).sender.render(message, store)

    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 1, None)
    [email] = tls_server.received
    assert email.tls in ("TLSv1.2", "TLSv1.3") and email.signed_in  # seen by the server
    assert email.message_id == f"<{row['public_id']}@127.0.0.1>"
    assert email.rcpt_tos == ["owner@mail.test"]
    assert email.message["Subject"] == sent.subject == "Test email from Mail Shop"
    wire = email.part("plain"), email.part("html")  # lines end in CRLF on SMTP's wire
    assert tuple(part.replace("\r\n", "\n") for part in wire) == (sent.text, sent.html)


async def test_a_certificate_from_a_ca_not_trusted_is_not_sent_to(tmp_path, tls_server):
    # No ?cafile: the system's CAs, which do not know the server's.
    async with app_sending_to(tmp_path, tls_server.url) as app:
        await queue_test_email(app)
        await deliver(app)
        [row] = await messages(app)
        now = services(app).clock.now_ms()
    assert tls_server.received == []
    assert (row["state"], row["attempts"]) == ("queued", 1)  # tried again: a CA can be named
    assert row["next_attempt_at"] > now
    assert row["last_error"].startswith(
        "The mail server's certificate was not trusted (unable to get local issuer certificate)"
    )
    assert LOGIN[1] not in row["last_error"]


async def test_starttls_required_never_sends_in_the_clear(tmp_path, mail_server):
    url = f"smtp://127.0.0.1:{mail_server.port}?starttls=1"  # this server offers no STARTTLS
    async with app_sending_to(tmp_path, url) as app:
        await queue_test_email(app)
        await deliver(app)
        [row] = await messages(app)
        now = services(app).clock.now_ms()
    assert mail_server.received == []
    assert (row["state"], row["attempts"]) == ("queued", 1)  # a server can be fixed
    assert row["next_attempt_at"] > now
    assert row["last_error"] == (
        "The mail server does not offer STARTTLS, which KEEPCART_SMTP_URL requires"
        " (?starttls=1): nothing was sent."
    )


async def test_a_password_never_goes_in_the_clear_when_starttls_is_missing(tmp_path):
    # A server (or a man in the middle stripping STARTTLS) that takes AUTH without TLS: the
    # README's smtp://USER:PASSWORD@HOST, with no ?starttls, requires STARTTLS.
    server = MailServer(login=LOGIN, tls="none").start()
    try:
        url = f"smtp://shop%40mail.test:p%40ss%3Aword@127.0.0.1:{server.port}"
        async with app_sending_to(tmp_path, url) as app:
            await queue_test_email(app)
            await deliver(app)
            [row] = await messages(app)
        assert server.received == [] and server.sign_ins == 0
        assert row["state"] == "queued" and "does not offer STARTTLS" in row["last_error"]
        assert "it signs in" in row["last_error"]
    finally:
        server.stop()
