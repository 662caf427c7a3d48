"""The background sender: claims due messages, delivers each outside any transaction, records
what happened.

Messages go in two lanes, each with its own claims, slots and rounds (``LANES``): email and
SMS, and webhooks. A merchant's webhook endpoint that never answers (15 s a try) so holds up
only webhooks, never a shopper's email; and at most one delivery per endpoint is in flight,
so one endpoint's backlog takes one slot, not all of them. In the background each lane runs
its own loop; ``run_once`` runs one round of each.

Each round of a lane, in three steps (the email lane's after the schedulers,
``schedulers``: the abandoned-checkout reminders, ``server.recovery.sequence``, have written
what fell due):
1. one write claims up to ``BATCH`` due messages (``sending``, under a lease of ``LEASE_MS``,
   the attempt counted) and parks those of a channel with no server configured
   (``unsent_no_server``);
2. each claimed message is rendered and handed to its channel's transport, ``CONCURRENCY``
   at a time, with no transaction open;
3. one write per message records the outcome, only if its claim is still the one made in
   step 1: sent, or queued again after the backoff, or failed.

A sender killed between 2 and 3 leaves the message ``sending``: once the lease lapses, any
sender claims it again and it is delivered a second time, with the same Message-ID. Several
server processes may each run a sender: a claim is one write transaction, so no message is
claimed by two at once.

The sender runs inside ``keepcart serve`` (the app's lifespan starts and stops it). It looks
for due messages every ``TICK_S`` real seconds; whether a message is due is judged by the
app's Clock, so a test that moves the Clock moves the schedule. Tests drive it with
``run_once``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

import aiosqlite

from server.clock import Clock
from server.db import Database
from server.messages import queries
from server.messages.model import (
    KINDS,
    LEASE_MS,
    QUIET_HOURS,
    SUPPRESSED,
    DeliveryFailed,
    EmailContent,
    EmailSettings,
    Message,
    Outcome,
    after_failure,
)
from server.messages.rendering import (
    HIDDEN_BASE_URL,
    RenderContext,
    Renderers,
    Suppress,
    Unrenderable,
    inert_links,
)
from server.messages.sms import SmsProvider
from server.messages.sms_rules import QuietHours, next_allowed, parse_phone, shopper_zones
from server.messages.smtp import OutgoingEmail, SmtpMailer
from server.messages.suppression import SUPPRESSED_REASON, is_suppressed
from server.security import Signer
from server.stores.directory import StoreDirectory
from server.stores.service import Store, one_line

log = logging.getLogger("keepcart.messages")

CHANNELS = ("email", "sms", "webhook")


@dataclass(frozen=True)
class Lane:
    """Channels claimed and delivered together, apart from the other lane's."""

    name: str
    channels: tuple[str, ...]
    # At most one message in flight per recipient (a webhook's endpoint): a slow one waits
    # its turn instead of taking every slot.
    one_per_recipient: bool = False
    # Runs the schedulers and parks messages no server is configured for, before claiming.
    schedules: bool = False


LANES = (
    Lane("messages", ("email", "sms"), schedules=True),
    Lane("webhooks", ("webhook",), one_per_recipient=True),
)
BATCH = 8  # claimed per round: two rounds of CONCURRENCY fit well inside the lease
CONCURRENCY = 4
# Real seconds between looks for due messages (one indexed read when nothing is due), and
# how long a stopping server lets the attempts in flight finish before cutting them off.
TICK_S = 1.0
STOP_GRACE_S = 5.0

# Work that writes messages when they fall due (abandoned-checkout reminders), run at the
# start of every round with the round's time; each returns how many it wrote.
Scheduler = Callable[[int], Awaitable[int]]


class Suppressed(Exception):
    """A marketing message to an address on the store's suppression list: never sent."""


class Transport(Protocol):
    """A channel's delivery besides email's (a webhook's), handed to the sender by the app:
    ``deliver`` raises DeliveryFailed; ``after_failure`` is the channel's retry schedule."""

    channel: str

    async def deliver(self, message: Message) -> None: ...

    def after_failure(self, attempts: int, reason: str, permanent: bool, now: int) -> Outcome: ...


class Sender:
    def __init__(
        self, db: Database, clock: Clock, stores: StoreDirectory, signer: Signer,
        base_url: str, renderers: Renderers, mailer: SmtpMailer | None,
        sms: SmsProvider | None = None,
        transports: Mapping[str, Transport] | None = None,
        schedulers: tuple[Scheduler, ...] = (),
    ):  # fmt: skip
        self.db = db
        self.clock = clock
        self.stores = stores
        self.signer = signer
        self.base_url = base_url
        self.renderers = renderers
        self.mailer = mailer
        self.sms = sms
        self.transports = dict(transports or {})
        self.schedulers = schedulers
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def channels(self) -> tuple[str, ...]:
        """The channels a transport is configured for (email: KEEPCART_SMTP_URL, sms:
        KEEPCART_SMS_URL; webhook: always)."""
        configured = {"email": self.mailer, "sms": self.sms}
        return (*(c for c, transport in configured.items() if transport), *self.transports)

    # ---- running in the background --------------------------------------------------------

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="keepcart-sender")

    async def stop(self) -> None:
        """Let the round in flight finish (for up to ``STOP_GRACE_S``), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(task, STOP_GRACE_S)
        except TimeoutError:
            log.warning("stopped with messages mid-delivery; they are sent again later")

    async def _run(self) -> None:
        await asyncio.gather(*(self._run_lane(lane) for lane in LANES))

    async def _run_lane(self, lane: Lane) -> None:
        while not self._stopping.is_set():
            try:
                claimed = await self._round(lane)
            except Exception as exc:  # the database busy or gone: the next look tries again
                log.warning("the sender could not look for %s (%s)", lane.name,
                            type(exc).__name__)  # fmt: skip
                claimed = 0
            # A full batch (or, one per recipient, any): more may be due, so look again at once.
            if claimed < (1 if lane.one_per_recipient else BATCH):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), TICK_S)

    # ---- one round ------------------------------------------------------------------------

    async def run_once(self) -> int:
        """One round of each lane, side by side: write the messages that fell due (the
        schedulers), then deliver those due now (a batch a lane); how many were claimed."""
        return sum(await asyncio.gather(*(self._round(lane) for lane in LANES)))

    async def _round(self, lane: Lane) -> int:
        now = self.clock.now_ms()
        if lane.schedules:
            await self._schedule(now)
        if not await queries.any_due(self.db, now, lane.channels):
            return 0
        channels = [channel for channel in lane.channels if channel in self.channels]
        unserved = [channel for channel in lane.channels if channel not in self.channels]

        async def claim(conn: aiosqlite.Connection) -> list[Message]:
            parked = await queries.park_without_server(conn, unserved, now)
            if parked:
                log.info("%d message(s) not sent: no server configured for their channel", parked)
            return await queries.claim_due(
                conn, channels, now, LEASE_MS, BATCH, one_per_recipient=lane.one_per_recipient
            )

        claimed = await self.db.write(claim)
        turns = asyncio.Semaphore(CONCURRENCY)

        async def attempt(message: Message) -> None:
            async with turns:
                await self._attempt(message)

        await asyncio.gather(*(attempt(message) for message in claimed))
        return len(claimed)

    async def _schedule(self, now: int) -> None:
        for scheduler in self.schedulers:
            try:
                await scheduler(now)
            except Exception as exc:  # one scheduler's fault never stops delivery
                log.warning("a message scheduler failed (%s); it runs again next round",
                            type(exc).__name__)  # fmt: skip

    async def _attempt(self, message: Message) -> None:
        try:
            await self._deliver(message)
        except Suppressed:
            now = self.clock.now_ms()
            outcome = Outcome(SUPPRESSED, now, SUPPRESSED_REASON)
            await self._record(message, SUPPRESSED, lambda conn: queries.record_failure(
                conn, message, outcome, now))  # fmt: skip
            return
        except DeliveryFailed as failure:
            await self._record_failure(message, failure)
            return
        except Suppress as suppressed:
            await self._record_suppressed(message, str(suppressed))
            return
        except Deferred as deferred:
            await self._record_deferral(message, deferred.until, deferred.reason)
            return
        log.debug("message %s (%s) sent", message.public_id, message.kind)
        await self._record(message, "sent", lambda conn: queries.record_sent(
            conn, message, self.clock.now_ms()))  # fmt: skip

    async def _deliver(self, message: Message) -> None:
        store = await self.stores.by_id(message.store_id)
        if store is None:
            raise DeliveryFailed("The store no longer exists.", code="no_store", permanent=True)
        if message.channel in self.transports:
            await self.transports[message.channel].deliver(message)
            return
        kind = KINDS.get(message.kind)
        if (
            kind
            and kind.marketing
            and await is_suppressed(self.db, store.id, message.recipient, self.signer)
        ):
            raise Suppressed
        settings = await queries.email_settings(self.db, store.id)
        if message.channel == "sms":
            return await self._deliver_sms(message, store, settings)
        content = await self._render_for_delivery(message, store)
        sender_email = settings.sender_email or store.contact_email
        if not sender_email:
            raise DeliveryFailed(
                "The store has no sender address: set one in the email settings (or a"
                " contact email in the store settings).",
                code="no_sender",
            )
        assert self.mailer is not None  # claimed only for a channel with a transport
        await self.mailer.send(OutgoingEmail(
            message_id=self.message_id(message),
            sender_name=one_line(settings.sender_name or store.name),
            sender_email=sender_email, recipient=message.recipient, content=content,
            sent_at_ms=self.clock.now_ms(), reply_to=store.contact_email,
        ))  # fmt: skip

    async def _deliver_sms(self, message: Message, store: Store, settings: EmailSettings) -> None:
        """Send the SMS, unless the shopper's quiet hours began since it was queued (a retry
        after a failure may fall in them): then it waits for their end, not counted as an
        attempt."""
        now = self.clock.now_ms()
        number = parse_phone(message.recipient, None)
        zones = shopper_zones(number, store.timezone) if number else (store.timezone,)
        allowed = next_allowed(now, zones, QuietHours(settings.sms_quiet_start,
                                                      settings.sms_quiet_end))  # fmt: skip
        if allowed > now:
            raise Deferred(allowed, QUIET_HOURS)
        content = await self._render_for_delivery(message, store)
        assert self.sms is not None  # claimed only for a channel with a transport
        await self.sms.send(message.recipient, content.text, message.public_id)

    async def _record_deferral(self, message: Message, until: int, reason: str) -> None:
        await self._record(message, "deferred", lambda conn: queries.record_deferral(
            conn, message, until, reason, self.clock.now_ms()))  # fmt: skip

    async def _record_suppressed(self, message: Message, reason: str) -> None:
        log.info("message %s (%s) not sent: nothing left to say", message.public_id, message.kind)
        now = self.clock.now_ms()
        outcome = Outcome(SUPPRESSED, now, reason)
        await self._record(message, SUPPRESSED, lambda conn: queries.record_failure(
            conn, message, outcome, now))  # fmt: skip

    async def _record_failure(self, message: Message, failure: DeliveryFailed) -> None:
        now = self.clock.now_ms()
        transport = self.transports.get(message.channel)
        rule = transport.after_failure if transport is not None else after_failure
        outcome = rule(message.attempts, failure.reason, failure.permanent, now)
        if outcome.state == "failed":
            log.warning("message %s (%s) failed after %d attempt(s) (%s)", message.public_id,
                        message.kind, message.attempts, failure.code)  # fmt: skip
        else:
            log.warning("message %s (%s): attempt %d failed (%s); next in %d s", message.public_id,
                        message.kind, message.attempts, failure.code,
                        (outcome.next_attempt_at - now) // 1000)  # fmt: skip
        await self._record(message, outcome.state, lambda conn: queries.record_failure(
            conn, message, outcome, now))  # fmt: skip

    async def _record(
        self, message: Message, what: str, write: Callable[[aiosqlite.Connection], Awaitable[bool]]
    ) -> None:
        try:
            recorded = await self.db.write(write)
        except Exception as exc:
            # Delivered (or not) all the same: the claim lapses and the message is tried again.
            log.warning("could not record message %s as %s (%s); it is tried again later",
                        message.public_id, what, type(exc).__name__)  # fmt: skip
            return
        if not recorded:
            log.warning("message %s: its claim lapsed before it was recorded as %s",
                        message.public_id, what)  # fmt: skip

    # ---- rendering ------------------------------------------------------------------------

    async def render(self, message: Message, store: Store) -> EmailContent:
        """The message as it is sent now. Raises Unrenderable when what it is about is gone,
        KeyError for a kind with no renderer."""
        return await self._render(message, store, self.base_url)

    async def preview(self, message: Message, store: Store) -> EmailContent:
        """The message as it is sent now, its links inert: what the admin's pages show (also
        once it may no longer go: a sent reminder stays readable after its sequence stopped)."""
        return inert_links(await self._render(message, store, HIDDEN_BASE_URL, for_display=True))

    async def _render(
        self, message: Message, store: Store, base_url: str, *, for_display: bool = False
    ) -> EmailContent:
        renderer = self.renderers[message.kind]
        # A name saved before check_name made it one line would break the Subject header.
        store = dataclasses.replace(store, name=one_line(store.name))
        context = RenderContext(
            self.db, store, await queries.email_settings(self.db, store.id), self.signer,
            base_url, self.clock.now_ms(), for_display,
        )  # fmt: skip
        return await renderer(message, context)

    async def _render_for_delivery(self, message: Message, store: Store) -> EmailContent:
        try:
            return await self.render(message, store)
        except Suppress:
            raise
        except Unrenderable as exc:
            raise DeliveryFailed(str(exc), code="unrenderable", permanent=True) from None
        except Exception as exc:
            log.exception("message %s (%s) could not be rendered", message.public_id, message.kind)
            raise DeliveryFailed(
                "This message could not be rendered (a fault in Keepcart; see its log).",
                code=type(exc).__name__, permanent=True,
            ) from None  # fmt: skip

    def message_id(self, message: Message) -> str:
        """``<msg_…@host>``: the same on every attempt. The host is KEEPCART_PUBLIC_URL's."""
        host = urlsplit(self.base_url).hostname or "keepcart.localhost"
        return f"<{message.public_id}@{host}>"


class Deferred(Exception):
    """The message may not go yet (an SMS in the shopper's quiet hours): due again at
    ``until``, for ``reason`` (model's QUIET_HOURS), which the admin shows meanwhile."""

    def __init__(self, until: int, reason: str):
        super().__init__(reason)
        self.until = until
        self.reason = reason
