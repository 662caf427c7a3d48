"""Webhooks' rules without a server: secrets and signatures as the reference package reads
them, the spec's retry schedule, when an endpoint is disabled, which addresses the SSRF
guard refuses, and which URLs it takes at all."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook

from server.webhooks import guard
from server.webhooks.model import (
    MAX_ATTEMPTS,
    RETRY_DELAYS_MS,
    after_failure,
    disables_endpoint,
    new_secret,
    parse_event_types,
    sign,
    signature_header,
)


def test_a_secret_is_whsec_and_32_random_bytes():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_a_signature_is_the_reference_packages_and_one_per_live_secret():
    old, new, body = new_secret(), new_secret(), b'{"type":"order.created"}'
    at = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    expected = Webhook(new).sign("msg_1", at, body)
    assert sign(new, "msg_1", int(at.timestamp()), body) == expected
    header = signature_header([new, old], "msg_1", int(at.timestamp()), body)
    assert header.split(" ") == [expected, Webhook(old).sign("msg_1", at, body)]


def test_retries_follow_the_spec_schedule_then_fail():
    assert sum(RETRY_DELAYS_MS) == 99_305_000  # 27 h 35 min 5 s from the first attempt
    assert MAX_ATTEMPTS == 8
    now = 1_000
    delays = [after_failure(n, "500", False, now).next_attempt_at - now for n in range(1, 8)]
    assert delays == [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]
    assert after_failure(8, "500", False, now).state == "failed"
    assert after_failure(1, "410", True, now).state == "failed"


def test_an_endpoint_is_disabled_only_when_nothing_got_through_since_the_first_try():
    assert disables_endpoint(True, None, first_try=100)
    assert disables_endpoint(True, 99, first_try=100)
    assert not disables_endpoint(True, 150, first_try=100)
    assert not disables_endpoint(False, None, first_try=100)  # still retrying


def test_event_types_are_known_and_at_least_one():
    assert parse_event_types("review.created order.created") == ("order.created", "review.created")
    with pytest.raises(ValueError, match="Choose at least one"):
        parse_event_types("")
    with pytest.raises(ValueError, match="Unknown event type"):
        parse_event_types("order.created order.deleted")


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.0.1", True),
        ("169.254.169.254", True), ("100.64.0.1", True), ("0.0.0.0", True),
        ("224.0.0.1", True), ("240.0.0.1", True), ("255.255.255.255", True),
        ("::1", True), ("::", True), ("fe80::1", True), ("fc00::1", True), ("ff02::1", True),
        ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", True), ("2002:7f00:1::", True),
        ("fec0::1", True), ("feff:ffff::1", True),  # site-local (deprecated, still routed)
        ("8.8.8.8", False), ("2606:4700:4700::1111", False),
        ("::ffff:8.8.8.8", True),  # IPv4-mapped: Python counts the whole range private
    ],
    ids=lambda value: str(value),
)  # fmt: skip
def test_the_guard_refuses_every_address_that_is_not_public(address, refused):
    assert guard.forbidden(ipaddress.ip_address(address)) is refused


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the endpoint's URL."),
        ("ftp://example.com/in", "Only http and https URLs can receive webhooks."),
        ("file:///etc/passwd", "Only http and https URLs can receive webhooks."),
        ("https:///in", "Enter a URL like https://example.com/webhooks."),
        ("https://user:pass@example.com/in", "Leave credentials out of the URL"),
        ("https://example.com:99999/in", "Enter a URL like https://example.com/webhooks."),
        ("https://exa mple.com/in", "A URL has no spaces."),
    ],
    ids=["empty", "ftp", "file", "no-host", "credentials", "bad-port", "space"],
)
def test_only_absolute_http_urls_are_taken(url, message):
    with pytest.raises(guard.Refused, match=message.replace(".", r"\.")):
        guard.parse_url(url)


def test_a_delivery_connects_to_the_address_it_checked_under_the_name():
    destination = asyncio.run(guard.resolve_destination("https://8.8.8.8:8443/in?a=1", False))
    assert destination.url == "https://8.8.8.8:8443/in?a=1"
    named = asyncio.run(guard.resolve_destination("http://localhost:9/in", True))
    assert named.url == "http://localhost:9/in"  # allowed: no pinning needed
    with pytest.raises(guard.Refused, match="private network address"):
        asyncio.run(guard.resolve_destination("http://localhost:9/in", False))
