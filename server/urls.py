"""Web addresses merchants type: shop origins and image URLs, checked once, the same way.

``urllib.parse`` splits almost anything and raises on some of it (an unclosed IPv6 bracket,
a port out of range or not a number), so every address is parsed here, where each such
problem becomes a message for the person who typed it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

import idna

MAX_URL_LENGTH = 2000
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\\]")  # never part of an address a browser would send


_IMAGE_URL_HINT = (
    "Enter an http(s) URL, like https://cdn.example.com/mug.png, or a path like /mug.png."
)


class BadAddress(ValueError):
    """An address that isn't one; the message says what is wrong, for the person who typed it."""


def normalize_origin(raw: str) -> str:
    """``https://Shop.example.com/`` → ``https://shop.example.com``, spelled as browsers send
    it in ``Origin`` (lower-case host, IPv6 in brackets, the port only when not the default)."""
    text = raw.strip()
    parts = _split(text, f"{text!r} is not an origin like https://shop.example.com.")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or "@" in parts.netloc:
        raise BadAddress(f"{text!r} has more than an origin: leave out paths and queries.")
    return _scheme_host_port(parts)


def normalize_image_url(raw: str) -> str:
    """Empty, an http(s) URL, or a path on the shop (``/images/mug.png``)."""
    text = raw.strip()
    if not text:
        return ""
    if len(text) > MAX_URL_LENGTH or _UNSAFE.search(text):
        raise BadAddress(_IMAGE_URL_HINT)
    if text.startswith("/") and not text.startswith("//"):
        return text
    parts = _split(text, _IMAGE_URL_HINT)
    if "@" in parts.netloc:
        raise BadAddress("Leave the user name and password out of the image URL.")
    return text


def _split(text: str, problem: str) -> SplitResult:
    """``text`` split as an absolute http(s) URL with a host, or BadAddress saying why not."""
    if _UNSAFE.search(text) or len(text) > MAX_URL_LENGTH:
        raise BadAddress(problem)
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 — reading it checks it: not a number, or out of range
    except ValueError as exc:
        raise BadAddress(f"{problem.rstrip('.')} ({_explain(exc, text)}).") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise BadAddress(problem)
    if parts.netloc.count("[") + parts.netloc.count("]") not in {0, 2}:
        raise BadAddress(f"{problem.rstrip('.')} ({_explain(ValueError(), parts.netloc)}).")
    if parts.port == 0:
        raise BadAddress(f"{problem.rstrip('.')} ({_PORT_RANGE}).")
    return parts


def _scheme_host_port(parts: SplitResult) -> str:
    host = _browser_host(parts.hostname or "")
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port not in {None, default} else ""
    return f"{parts.scheme}://{host}{port}"


def _browser_host(host: str) -> str:
    """``host`` as a browser writes it in ``Origin``: IDNA (punycode) for an international
    name, an IPv6 address compressed and bracketed, an IPv4 address in full."""
    if ":" in host:
        if "%" in host:
            raise BadAddress("Leave the zone (the part after %) out of the IPv6 address.")
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise BadAddress("What is in the brackets is not an IPv6 address.") from None
    if "*" in host:
        raise BadAddress(
            "A * can't stand for subdomains: list each address the shop is served from."
        )
    if "%" in host:
        raise BadAddress("Type the domain as it reads (bücher.de), not %-encoded.")
    if host.endswith("."):
        raise BadAddress("Leave out the dot at the end of the domain.")
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return str(ipaddress.IPv4Address(host))
        except ValueError:
            raise BadAddress("Write the IP address in full, like 203.0.113.7.") from None
    if not host.isascii():
        try:
            return idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise BadAddress(
                f"Keepcart can't read {host!r} as a domain name: enter its xn-- form, as your"
                " browser's address bar shows it."
            ) from None
    if "" in host.split("."):
        raise BadAddress(f"{host!r} is not a domain name a browser can open.")
    return host.lower()


# What browsers read as an IPv4 address in one of its short or hexadecimal spellings.
_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?", re.IGNORECASE)


_PORT_RANGE = "the port must be a number from 1 to 65535"


def _explain(exc: ValueError, text: str) -> str:
    if "port" in str(exc).lower():
        return _PORT_RANGE
    if text.count("[") != text.count("]"):
        return "an IPv6 address needs both its brackets, like http://[::1]:8001"
    if "[" in text:
        return "what is in the brackets is not an IPv6 address"
    return "it can't be read as a web address"
