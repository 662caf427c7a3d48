"""``keepcart demo``: Keepcart and its demo store on two origins, in one command.

Creates or migrates the demo database, makes sure the demo store and a merchant login exist,
then serves Keepcart and the demo store side by side until Ctrl-C stops both.

Every email the demo sends is delivered for real: unless KEEPCART_SMTP_URL names a mail
server, the demo starts a small SMTP server of its own on a free local port (aiosmtpd, the
``demo`` extra) and points Keepcart at it. It keeps what arrives in a Maildir beside the demo
database, and the admin's Messages page shows each email as sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib.util
import logging
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiosqlite
import uvicorn

from server.accounts import add_member, create_store, create_user
from server.app import create_app
from server.clock import now_ms
from server.db import Database
from server.demo_seed import seed_demo_reviews, seed_demo_store
from server.demo_surveys import seed_demo_surveys
from server.messages import queries as message_queries
from server.messages.model import SWITCHABLE
from server.settings import Settings
from server.stores.queries import list_stores
from server.stores.service import Store, validate_new_store

DEMO_EMAIL = "merchant@demo.keepcart.test"
DEMO_PASSWORD = "keepcart-demo"
DEMO_STORE_NAME = "Fernhill Goods"


async def prepare_demo(settings: Settings) -> Store:
    """The demo store (created on first run, its catalog refreshed on every run), the demo
    login, with its password reset, as the store's owner, and (once) its reviewed orders and
    its surveys with their answers."""
    demo_origins = (
        f"http://127.0.0.1:{settings.demo_port}",
        f"http://localhost:{settings.demo_port}",
    )
    db = Database(settings.db)
    await db.open()
    try:
        for store in await list_stores(db):
            if demo_origins[0] in store.origins:
                break
        else:
            new = validate_new_store(
                DEMO_STORE_NAME, list(demo_origins), "EUR", "en-IE", "Europe/Dublin"
            )
            store = await create_store(db, new, now=now_ms())
        shop_url = demo_origins[0]
        await db.write(lambda conn: seed_demo_store(conn, store.id, shop_url, now_ms()))
        await create_user(db, DEMO_EMAIL, DEMO_PASSWORD, now=now_ms())
        await add_member(db, store.id, DEMO_EMAIL, "owner", replace_role=True, now=now_ms())
        merchant_id = await db.fetch_value("SELECT id FROM users WHERE email = ?", (DEMO_EMAIL,))
        await db.write(lambda conn: seed_demo_reviews(conn, store.id, merchant_id, now_ms()))
        # After the reviews: the confirmation surveys' answers are on their orders.
        await db.write(lambda conn: seed_demo_surveys(conn, store.id, now_ms()))
        await db.write(lambda conn: send_every_email(conn, store.id, now_ms()))
    finally:
        await db.close()
    return store


async def send_every_email(conn: aiosqlite.Connection, store_id: int, now: int) -> None:
    """Every kind of email on (review requests are off in a new store), the review request
    with the shipping email so a person trying the demo sees one at once, its reminder a day
    later; once: what the merchant sets afterwards stays."""
    cursor = await conn.execute("SELECT 1 FROM email_settings WHERE store_id = ?", (store_id,))
    if await cursor.fetchone() is not None:
        return
    emails = frozenset(kind.key for kind in SWITCHABLE if kind.channel == "email")
    settings = dataclasses.replace(
        await message_queries.email_settings(conn, store_id),
        enabled=emails, review_request_days=0, review_reminder_days=1,
    )  # fmt: skip
    await message_queries.save_email_settings(conn, store_id, settings, now)


@dataclasses.dataclass(frozen=True)
class MailCatcher:
    """The demo's own mail server: where it listens, and the Maildir it keeps mail in."""

    port: int
    maildir: Path

    @property
    def smtp_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=0"  # on this machine only: no TLS


@contextlib.asynccontextmanager
async def mail_catcher(maildir: Path) -> AsyncIterator[MailCatcher]:
    """An SMTP server on a free port of 127.0.0.1, in this event loop, that accepts every
    email and adds it to ``maildir``."""
    from aiosmtpd.handlers import Mailbox
    from aiosmtpd.smtp import SMTP

    maildir.parent.mkdir(parents=True, exist_ok=True)
    # aiosmtpd logs each sender and recipient at info: shoppers' addresses, never logged.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    handler = Mailbox(maildir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="keepcart-demo"),
                                      "127.0.0.1", 0)  # fmt: skip
    try:
        yield MailCatcher(server.sockets[0].getsockname()[1], maildir)
    finally:
        server.close()
        await server.wait_closed()


def for_the_demo(settings: Settings) -> Settings:
    """The demo's settings: its webhooks may go to a receiver on this machine (a person trying
    it runs one on localhost), which a real server refuses unless its operator allows it."""
    return dataclasses.replace(settings, webhooks_allow_private=True)


def with_mail_catcher(settings: Settings, catcher: MailCatcher) -> Settings:
    """The demo's settings sending mail to ``catcher``."""
    return dataclasses.replace(settings, smtp_url=catcher.smtp_url)


def catcher_maildir(settings: Settings) -> Path:
    return settings.db.with_name(settings.db.stem + "-mail")


class _Server(uvicorn.Server):
    # Two servers share one process: the demo installs one signal handler for both.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def run_demo(settings: Settings) -> None:
    settings = for_the_demo(settings)
    if settings.smtp_url:  # the operator's own mail server: the demo's emails go there
        return await serve_demo(settings, "sent through KEEPCART_SMTP_URL")
    if importlib.util.find_spec("aiosmtpd") is None:
        return await serve_demo(settings, "not sent: pip install 'keepcart[demo]' to catch them")
    async with mail_catcher(catcher_maildir(settings)) as catcher:
        where = f"caught on 127.0.0.1:{catcher.port}, kept in {catcher.maildir}/new"
        await serve_demo(with_mail_catcher(settings, catcher), where)


async def serve_demo(settings: Settings, mail: str) -> None:
    from demo_store import create_demo_app

    store = await prepare_demo(settings)
    keepcart_url = settings.base_url
    servers = [
        _Server(uvicorn.Config(create_app(settings), host=settings.host, port=settings.port,
                               log_level="warning", access_log=False, log_config=None)),
        _Server(uvicorn.Config(create_demo_app(keepcart_url, store.public_key), host=settings.host,
                               port=settings.demo_port, log_level="warning", log_config=None)),
    ]  # fmt: skip
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: [setattr(s, "should_exit", True) for s in servers])
    print(
        f"\nKeepcart is running.\n"
        f"  Demo store:  http://{settings.host}:{settings.demo_port}/\n"
        f"  Admin:       {keepcart_url}/admin/\n"
        f"  Login:       {DEMO_EMAIL} / {DEMO_PASSWORD}\n"
        f"  Database:    {settings.db}\n"
        f"  Emails:      {mail} (admin: Messages)\n"
        f"Press Ctrl-C to stop.\n",
        flush=True,
    )
    await asyncio.gather(*(server.serve() for server in servers))
