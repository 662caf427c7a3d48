"""The Content-Security-Policy a careful merchant would serve alongside Keepcart.

The demo store is deliberately strict (no inline scripts or styles) so that Keepcart
is exercised under the same constraints as a real, security-conscious storefront.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def normalise_origin(url: str) -> str:
    """Return `url` as a bare origin ("http://host:port"), rejecting anything else.

    The value ends up inside a response header and a <script src>, so refuse
    anything that is not a plain http(s) origin rather than risk a broken policy.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"keepcart_url must be an http(s) origin, got {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"keepcart_url must be an origin without a path, got {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(keepcart_origin: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' {keepcart_origin}; "
        f"connect-src {keepcart_origin}; "
        "style-src 'self'"
    )
