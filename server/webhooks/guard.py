"""The SSRF guard: a webhook goes to the public internet, never to the machine Keepcart runs
on or its private network, unless the server's operator allows private destinations
(KEEPCART_WEBHOOKS_ALLOW_PRIVATE: any login may create a store and own it, so it is never a
store owner's switch).

Checked when an endpoint is saved (``check_url``: the merchant sees why at once) and again
at every delivery (``resolve_destination``), because a name's addresses can change after it
was saved. The delivery then connects to the very address that was checked (the request
goes to the IP, with the name in the Host header and as the TLS server name, so the
certificate is still checked against the name): a second lookup by the HTTP client, which
could answer differently (DNS rebinding), never happens.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL = 2000


class Refused(ValueError):
    """The URL may not be delivered to; the message says why, for the merchant."""


@dataclass(frozen=True)
class Destination:
    """Where one delivery goes: ``url`` (its host an IP address when the guard resolved it),
    and the name the request carries in its Host header and TLS server name."""

    url: str
    host_header: str | None = None
    server_name: str | None = None


def parse_url(text: str) -> SplitResult:
    """The URL's parts, when it is an absolute http(s) URL with a host."""
    url = text.strip()
    if not url:
        raise Refused("Enter the endpoint's URL.")
    if len(url) > MAX_URL:
        raise Refused(f"A URL is at most {MAX_URL} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise Refused("Enter a URL like https://example.com/webhooks.") from None
    if parts.scheme not in ("http", "https"):
        raise Refused("Only http and https URLs can receive webhooks.")
    if not parts.hostname:
        raise Refused("Enter a URL like https://example.com/webhooks.")
    if parts.username or parts.password:
        raise Refused("Leave credentials out of the URL: verify the signature instead.")
    if any(ch.isspace() for ch in url):
        raise Refused("A URL has no spaces.")
    return parts


def forbidden(address: IPAddress) -> bool:
    """Loopback, private, link-local, site-local, multicast, reserved, unspecified or
    otherwise not globally reachable; an IPv6 address that embeds an IPv4 one (mapped, 6to4,
    Teredo) is judged by that one too."""
    if isinstance(address, ipaddress.IPv6Address):
        # fec0::/10: deprecated (RFC 3879), yet Python counts it global, and a network may
        # still route it internally.
        if address.is_site_local:
            return True
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded.extend(address.teredo)
        if any(inner is not None and forbidden(inner) for inner in embedded):
            return True
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` has now (an IP literal is its own)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(f"The name {host} does not resolve.") from None
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    if not found:
        raise Refused(f"The name {host} does not resolve.")
    return found


async def resolve_destination(url: str, allow_private: bool) -> Destination:
    """Where to send a delivery to ``url``: Refused when it is not http(s), or when any of
    its host's addresses is a private one and the server does not allow those (one private
    address among public ones refuses it all: a name cannot smuggle one in)."""
    parts = parse_url(url)
    assert parts.hostname is not None
    if allow_private:
        return Destination(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    addresses = await resolve(parts.hostname, port)
    refused = next((address for address in addresses if forbidden(address)), None)
    if refused is not None:
        raise Refused(
            f"{parts.hostname} is a private network address ({refused}): Keepcart sends"
            " webhooks there only when the server allows private network destinations"
            " (KEEPCART_WEBHOOKS_ALLOW_PRIVATE, its operator's setting)."
        )
    address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    pinned = parts._replace(netloc=netloc).geturl()
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return Destination(pinned, host_header, parts.hostname)


async def check_url(url: str, allow_private: bool) -> str:
    """``url`` cleaned, if a webhook may be sent there now; Refused saying why not."""
    await resolve_destination(url, allow_private)
    return url.strip()
