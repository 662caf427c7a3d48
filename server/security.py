"""Signing, secrets and password hashing.

Anything a browser holds as proof is signed with itsdangerous, each purpose under its own
salt so a token minted for one purpose is worthless for another. Keys rotate: the newest key
signs, every listed key verifies. Every key is at least 32 bytes (``signing_keys``): a short
or empty one could be guessed, and with it any admin session forged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from server.db.files import make_private_folder, warn_if_readable_by_others


class Purpose(StrEnum):
    SESSION = "keepcart.admin-session"
    CSRF = "keepcart.csrf"
    CART = "keepcart.cart"
    COUPON = "keepcart.coupon"
    RECOVERY = "keepcart.recovery-link"  # a reminder's link that rebuilds a cart; expires
    # What a recovery link hands the shop's page: exchanged once, within minutes, for a cart.
    RECOVERY_CLAIM = "keepcart.recovery-claim"
    UNSUBSCRIBE = "keepcart.unsubscribe"  # a reminder's one-click unsubscribe (RFC 8058)
    ORDER_STATUS = "keepcart.order-status"  # a shopper's receipt link; never expires
    REVIEW = "keepcart.review-link"  # one order line's review link; expires (server/reviews)
    HELPFUL_VOTER = "keepcart.helpful-voter"  # a client address, hashed for its helpful votes
    # An imported row removed at its writer's request, as migration 0021 kept it (since 0022,
    # an unkeyed hash that outlasts key rotations: server.reviews.importing.row_hash).
    REMOVED_REVIEW = "keepcart.removed-review"
    # A survey response's proof of whose it is: answers to it are taken only with it.
    SURVEY_RESPONSE = "keepcart.survey-response"
    # An erased shopper's unsubscribe, kept only as this keyed hash of their address.
    SUPPRESSED_EMAIL = "keepcart.suppressed-email"


class InvalidToken(Exception):
    """A token was forged, tampered with, signed for another purpose, or has expired."""


class Signer:
    def __init__(self, keys: tuple[str, ...]):
        if not keys:
            raise ValueError("at least one secret key is needed")
        # itsdangerous signs with the last key and verifies with all of them.
        self._keys = list(reversed(keys))
        self._serializers: dict[Purpose, URLSafeTimedSerializer] = {}

    def sign(self, purpose: Purpose, value: Any, *, now_ms: int | None = None) -> str:
        """``value`` signed for ``purpose``, stamped with the system's time, or with ``now_ms``
        (the app's Clock) for a token whose expiry a test moves with the clock."""
        return self._serializer(purpose, now_ms).dumps(value)

    def unsign(
        self,
        purpose: Purpose,
        token: str,
        *,
        max_age: int | None = None,
        now_ms: int | None = None,
    ) -> Any:
        """The value ``token`` was signed with for ``purpose``; ``InvalidToken`` when it was
        not, or when it is older than ``max_age`` seconds at ``now_ms`` (default: the system's
        time), or stamped later than then."""
        try:
            return self._serializer(purpose, now_ms).loads(token, max_age=max_age)
        except BadSignature as exc:
            raise InvalidToken(str(exc)) from None

    def keyed_hash(self, purpose: Purpose, value: str) -> str:
        """HMAC-SHA256 of ``value`` under the newest key and ``purpose`` (hex): the same value
        always gives the same hash, which no one without the key can compute or reverse from
        a guessed value (a client address is kept only as this). Rotating keys changes it:
        look a stored hash up with ``keyed_hashes``."""
        return self.keyed_hashes(purpose, value)[0]

    def keyed_hashes(self, purpose: Purpose, value: str) -> tuple[str, ...]:
        """``value``'s keyed hash under every key, the newest first: a hash stored before a
        rotation is still found while its key is listed (as a token it signed still
        verifies), and no longer once that key is dropped."""
        return tuple(_hmac_hex(purpose, key, value) for key in reversed(self._keys))

    def _serializer(self, purpose: Purpose, now_ms: int | None = None) -> URLSafeTimedSerializer:
        if now_ms is not None:
            # One use only: a serializer whose timestamps are the moment given.
            return URLSafeTimedSerializer(
                self._keys,
                salt=purpose.value,
                signer=_TimestampAt,
                signer_kwargs={"now_s": now_ms // 1000},
            )
        if purpose not in self._serializers:
            self._serializers[purpose] = URLSafeTimedSerializer(self._keys, salt=purpose.value)
        return self._serializers[purpose]


def _hmac_hex(purpose: Purpose, key: str, value: str) -> str:
    derived = hashlib.sha256(f"{purpose.value}\0{key}".encode()).digest()
    return hmac.new(derived, value.encode(), hashlib.sha256).hexdigest()


class _TimestampAt(TimestampSigner):
    """itsdangerous's timestamp signer at a given moment rather than the system's time: the
    same tokens, signed and checked against the app's Clock."""

    def __init__(self, *args: Any, now_s: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._now_s = now_s

    def get_timestamp(self) -> int:
        return self._now_s


MIN_KEY_BYTES = 32
_NEW_KEY_BYTES = 48  # random bytes; 64 characters once encoded
_GENERATE_HINT = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class WeakSecretKey(Exception):
    """A signing key is too short, or its file unreadable: Keepcart must not start with it.

    The message names where the key came from and never the key itself.
    """


def signing_keys(configured: tuple[str, ...], key_file: Path) -> tuple[str, ...]:
    """The keys to sign with: those configured (``KEEPCART_SECRET_KEYS``), or else the one
    kept in ``key_file``, created on first use. Every key must be at least 32 bytes."""
    if configured:
        for number, key in enumerate(configured, start=1):
            _check_key_length(key, f"key {number} of {len(configured)} in KEEPCART_SECRET_KEYS")
        return configured
    return (load_or_create_secret(key_file),)


def load_or_create_secret(path: Path) -> str:
    """The key kept beside the database, created once (mode 0600) when missing.

    An existing file that is empty or holds a short key is refused rather than replaced: a
    new key would log every merchant out and void every signed link, and the file may be a
    damaged copy of a key someone can still restore.
    """
    if not os.path.lexists(path):  # a link to a file not there (yet) is not "missing"
        try:
            _create_key_file(path)
        except OSError as exc:
            raise WeakSecretKey(
                f"cannot create the signing key file {path}: {exc.strerror or exc}; set"
                f" KEEPCART_SECRET_KEYS, or put the database where Keepcart can write"
            ) from None
    try:
        warn_if_readable_by_others(path, "The signing key file")
        key = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise WeakSecretKey(f"cannot read the signing key file {path}: {exc}") from None
    _check_key_length(
        key,
        f"the key in the signing key file {path}",
        remedy="delete the file to have a new key generated at the next start (this logs "
        "everyone out and voids signed links), or restore it from a backup",
    )
    return key


def _check_key_length(key: str, source: str, *, remedy: str = "") -> None:
    size = len(key.encode("utf-8"))
    if size < MIN_KEY_BYTES:
        remedy = remedy or f"generate one with: {_GENERATE_HINT}"
        raise WeakSecretKey(
            f"{source} is {size} bytes long; a signing key needs at least {MIN_KEY_BYTES}, "
            f"or it can be guessed and an admin session forged. To fix: {remedy}."
        )


def _create_key_file(path: Path) -> None:
    """Write a new key to ``path`` atomically: whole, synced, and never over another file.

    The key is written and synced under a temporary name in the same folder, then linked to
    ``path``: a crash leaves either no key file or a complete one, never an empty one. When
    another Keepcart starting at the same moment linked its key first, that one is kept.
    """
    make_private_folder(path.parent)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp makes it 0600
            handle.write(secrets.token_urlsafe(_NEW_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        _link_unless_present(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)  # gone already when it was renamed
    _sync_folder(path.parent)


def _link_unless_present(source: str, target: Path) -> None:
    try:
        os.link(source, target)
    except FileExistsError:
        pass  # a concurrent start won the race: its key stands
    except OSError:
        # A file system without hard links: rename instead, still never over a key file.
        if not target.exists():
            os.replace(source, target)


def _sync_folder(folder: Path) -> None:
    """fsync the folder, so the new name survives a power cut (where the system allows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the key itself is synced
    finally:
        os.close(fd)


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
