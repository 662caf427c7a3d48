"""Delivering a webhook: the outbox sender's transport for the ``webhook`` channel.

One attempt: find the endpoint, check its destination (``guard``), POST the stored body with
the Standard Webhooks headers (signed by every live secret), and record the attempt in the
delivery log together with what it means for the endpoint (a 2xx: its last success; a 410,
a refused destination, or a message failing for good with no success since it was first
tried: disabled), in one write. The sender then records the message's own outcome with
``after_failure`` (the spec's schedule).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

import aiosqlite
import httpx

from server.clock import Clock
from server.db import Database
from server.messages.model import DeliveryFailed, Message, Outcome, tls_context
from server.webhooks import model, queries
from server.webhooks.guard import Destination, Refused, resolve_destination
from server.webhooks.model import Endpoint

log = logging.getLogger("keepcart.webhooks")

USER_AGENT = "Keepcart-Webhooks/1.0"
# Seconds to connect, within the attempt's 15: an address that drops the connection attempt
# gives up soon instead of holding a slot for the whole attempt.
CONNECT_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Answer:
    """What one attempt got: a status code (None: no answer) and the start of the body, or
    the failure the sender records."""

    status_code: int | None = None
    snippet: str = ""
    failure: DeliveryFailed | None = None
    disable_reason: str | None = None  # the endpoint is disabled at once, saying why


def body_of(message: Message) -> bytes:
    """The delivery's body: the message's stored event, the same bytes on every attempt."""
    return json.dumps(message.inputs, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookTransport:
    channel = "webhook"

    def __init__(
        self, db: Database, clock: Clock, *, allow_private: bool = False,
        timeout_s: float = model.TIMEOUT_S,
    ) -> None:  # fmt: skip
        self.db = db
        self.clock = clock
        self.allow_private = allow_private  # KEEPCART_WEBHOOKS_ALLOW_PRIVATE
        self.timeout_s = timeout_s  # the spec's 15 s; tests make it short

    def after_failure(self, attempts: int, reason: str, permanent: bool, now: int) -> Outcome:
        return model.after_failure(attempts, reason, permanent, now)

    async def deliver(self, message: Message) -> None:
        """POST the message to its endpoint; DeliveryFailed saying why it did not arrive."""
        endpoint = await queries.find_endpoint(self.db, message.store_id, message.recipient)
        if endpoint is None:
            raise DeliveryFailed("The endpoint was deleted.", code="no_endpoint", permanent=True)
        if not endpoint.enabled:
            raise DeliveryFailed(
                "The endpoint is disabled: enable it, then resend.", code="disabled",
                permanent=True,
            )  # fmt: skip
        started, clock_start = self.clock.now_ms(), self.clock.monotonic()
        answer = await self._attempt(message, endpoint)
        duration_ms = round((self.clock.monotonic() - clock_start) * 1000)
        await self.db.write(lambda conn: self._record(conn, message, endpoint, started,
                                                      duration_ms, answer))  # fmt: skip
        if answer.failure is not None:
            raise answer.failure

    async def _attempt(self, message: Message, endpoint: Endpoint) -> Answer:
        try:
            destination = await resolve_destination(endpoint.url, self.allow_private)
        except Refused as exc:
            failure = DeliveryFailed(str(exc), code="refused_destination", permanent=True)
            return Answer(failure=failure, disable_reason=str(exc))
        secrets = await queries.live_secrets(self.db, endpoint.id, self.clock.now_ms())
        return await self._post(destination, message, secrets)

    async def _post(self, destination: Destination, message: Message, secrets: list[str]) -> Answer:
        body, timestamp = body_of(message), self.clock.now_ms() // 1000
        headers = {
            "webhook-id": message.public_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": model.signature_header(
                secrets, message.public_id, timestamp, body
            ),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }
        extensions = {}
        if destination.host_header:
            headers["host"] = destination.host_header
        if destination.server_name:
            extensions["sni_hostname"] = destination.server_name
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._send(destination.url, body, headers, extensions)
        except TimeoutError:
            return _failed(f"The endpoint did not answer within {self.timeout_s:g} s.", "timeout")
        except httpx.HTTPError as exc:
            return _failed(f"Could not reach the endpoint ({type(exc).__name__}).",
                           type(exc).__name__)  # fmt: skip

    async def _send(
        self, url: str, body: bytes, headers: dict[str, str], extensions: dict[str, str]
    ) -> Answer:
        # trust_env off: a proxy from the environment would connect somewhere the guard
        # never checked.
        timeout = httpx.Timeout(self.timeout_s, connect=min(CONNECT_TIMEOUT_S, self.timeout_s))
        async with httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, trust_env=False, verify=tls_context()
        ) as client:
            request = client.build_request(
                "POST", url, content=body, headers=headers, extensions=extensions
            )
            response = await client.send(request, stream=True)
            try:
                snippet = await _first_bytes(response, model.SNIPPET_BYTES)
            finally:
                await response.aclose()
        return judged(response.status_code, snippet)

    async def _record(
        self, conn: aiosqlite.Connection, message: Message, endpoint: Endpoint, started: int,
        duration_ms: int, answer: Answer,
    ) -> None:  # fmt: skip
        failure = answer.failure
        await queries.record_attempt(
            conn, message_id=message.id, endpoint_id=endpoint.id, attempt=message.attempts,
            started_at=started, duration_ms=duration_ms, status_code=answer.status_code,
            error=failure.reason if failure else None, snippet=answer.snippet,
        )  # fmt: skip
        if failure is None:
            await queries.mark_success(conn, endpoint.id, started)
            return
        reason = answer.disable_reason
        final = model.is_final(message.attempts, failure.permanent)
        if reason is None and model.disables_endpoint(
            final, endpoint.last_success_at, message.created_at
        ):
            reason = model.FAILING_REASON
        if reason is not None:
            log.warning("webhook endpoint %s disabled (%s)", endpoint.public_id, failure.code)
            await queries.set_enabled(conn, endpoint.id, False, reason, started)


def judged(status_code: int, snippet: str) -> Answer:
    """A 2xx delivered it; a 410 refuses it for good and disables the endpoint; anything else
    (a redirect too: none is followed) is tried again."""
    if 200 <= status_code < 300:
        return Answer(status_code, snippet)
    if status_code == 410:
        failure = DeliveryFailed(model.GONE_REASON, code="410", permanent=True)
        return Answer(status_code, snippet, failure, model.GONE_REASON)
    reason = f"The endpoint answered {status_code}."
    if 300 <= status_code < 400:
        reason = f"The endpoint answered {status_code}, a redirect: webhooks follow none."
    return Answer(status_code, snippet, DeliveryFailed(reason, code=str(status_code)))


def _failed(reason: str, code: str) -> Answer:
    return Answer(failure=DeliveryFailed(reason, code=code))


async def _first_bytes(response: httpx.Response, limit: int) -> str:
    """Up to ``limit`` bytes of the answer, as text (what cannot be decoded replaced): the
    rest is never read."""
    taken = bytearray()
    async for chunk in response.aiter_bytes():
        taken.extend(chunk[: limit - len(taken)])
        if len(taken) >= limit:
            break
    return taken.decode("utf-8", errors="replace")
