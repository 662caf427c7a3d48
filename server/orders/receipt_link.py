"""The receipt page's address: the order's public id signed under its own salt
(``Purpose.ORDER_STATUS``), never expiring. The checkout's answer and the admin's order page
link to it; ``server.routes.receipt`` serves it."""

from __future__ import annotations

import re

from server.security import InvalidToken, Purpose, Signer

# What a token this signs looks like: URL-safe base64 in three parts, about 75 characters.
# Anything else is refused before it is checked: itsdangerous skips characters outside ASCII
# when it decodes, so "token\x80" would open the receipt too.
TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MAX_TOKEN_LENGTH = 200


def status_url(signer: Signer, base_url: str, public_id: str) -> str:
    """The absolute address of the order's receipt page (``base_url`` is KEEPCART_PUBLIC_URL)."""
    return f"{base_url}/orders/{signer.sign(Purpose.ORDER_STATUS, public_id)}"


def public_id_from(signer: Signer, token: str) -> str | None:
    """The order's public id the token was signed for; None for anything else."""
    if len(token) > MAX_TOKEN_LENGTH or not TOKEN.fullmatch(token):
        return None
    try:
        value = signer.unsign(Purpose.ORDER_STATUS, token)
    except InvalidToken:
        return None
    return value if isinstance(value, str) else None
