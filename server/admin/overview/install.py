"""Is the snippet's address one that shoppers' browsers can reach? Pure, from the settings."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOCAL_NAMES = {"localhost", "localhost.localdomain", "0.0.0.0", "::"}


def snippet_warnings(public_url: str, base_url: str) -> list[str]:
    """What is wrong with the address in the snippet, in the merchant's words, with the fix."""
    warnings = []
    host = urlsplit(base_url).hostname or ""
    if not public_url:
        warnings.append(
            f"KEEPCART_PUBLIC_URL is not set, so the snippet uses {base_url}, the address this"
            " server listens on. Set KEEPCART_PUBLIC_URL to the address shoppers' browsers"
            " reach Keepcart at (for example https://keepcart.your-shop.com) and restart"
            " Keepcart; then copy the snippet again."
        )
    if is_local_host(host):
        warnings.append(
            f"The snippet points at {host}, which is this machine: it works only in a browser"
            " on this computer, never for your shoppers."
        )
    return warnings


def is_local_host(host: str) -> bool:
    if host.lower() in LOCAL_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
