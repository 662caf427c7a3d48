"""Signing, secrets and password hashing.

Anything a browser holds as proof is signed with itsdangerous, each purpose under its own
salt so a token minted for one purpose is worthless for another. Keys rotate: the newest key
signs, every listed key verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer


class Purpose(StrEnum):
    SESSION = "keepcart.admin-session"
    CSRF = "keepcart.csrf"
    CART = "keepcart.cart"
    COUPON = "keepcart.coupon"
    RECOVERY = "keepcart.recovery-link"


class InvalidToken(Exception):
    """A token was forged, tampered with, signed for another purpose, or has expired."""


class Signer:
    def __init__(self, keys: tuple[str, ...]):
        if not keys:
            raise ValueError("at least one secret key is needed")
        # itsdangerous signs with the last key and verifies with all of them.
        self._keys = list(reversed(keys))
        self._serializers: dict[Purpose, URLSafeTimedSerializer] = {}

    def sign(self, purpose: Purpose, value: Any) -> str:
        return self._serializer(purpose).dumps(value)

    def unsign(self, purpose: Purpose, token: str, *, max_age: int | None = None) -> Any:
        try:
            return self._serializer(purpose).loads(token, max_age=max_age)
        except BadSignature as exc:
            raise InvalidToken(str(exc)) from None

    def _serializer(self, purpose: Purpose) -> URLSafeTimedSerializer:
        if purpose not in self._serializers:
            self._serializers[purpose] = URLSafeTimedSerializer(self._keys, salt=purpose.value)
        return self._serializers[purpose]


def load_or_create_secret(path: Path) -> str:
    """The key kept beside the database; created once (mode 0600) when missing."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


# scrypt parameters: n=2**14, r=8, p=1 costs ~16 MB and tens of milliseconds per check.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    params = f"{_SCRYPT['n']}:{_SCRYPT['r']}:{_SCRYPT['p']}"
    return f"scrypt${params}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, params, salt_hex, digest_hex = stored.split("$")
        n, r, p = (int(part) for part in params.split(":"))
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        password.encode(), salt=bytes.fromhex(salt_hex), dklen=32, n=n, r=r, p=p
    )
    return hmac.compare_digest(digest.hex(), digest_hex)


def new_public_id(prefix: str, nbytes: int = 12) -> str:
    """A random public identifier such as ``pk_…`` or ``ord_…``."""
    return f"{prefix}_{secrets.token_urlsafe(nbytes).replace('-', 'x').replace('_', 'y')}"
