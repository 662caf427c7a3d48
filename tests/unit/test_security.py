import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from server.security import (
    MIN_KEY_BYTES,
    InvalidToken,
    Purpose,
    Signer,
    WeakSecretKey,
    hash_password,
    load_or_create_secret,
    new_public_id,
    signing_keys,
    verify_password,
)

STRONG = "k" * MIN_KEY_BYTES


def test_round_trip_per_purpose():
    signer = Signer(("k1",))
    token = signer.sign(Purpose.CART, {"cart": "cart_1"})
    assert signer.unsign(Purpose.CART, token) == {"cart": "cart_1"}


def test_token_for_one_purpose_is_refused_for_another():
    signer = Signer(("k1",))
    token = signer.sign(Purpose.CART, "cart_1")
    with pytest.raises(InvalidToken):
        signer.unsign(Purpose.COUPON, token)


def test_tampered_token_is_refused():
    signer = Signer(("k1",))
    token = signer.sign(Purpose.SESSION, {"uid": 1})
    with pytest.raises(InvalidToken):
        signer.unsign(Purpose.SESSION, token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])


def test_rotation_newest_signs_all_verify():
    old = Signer(("old",)).sign(Purpose.SESSION, "x")
    rotated = Signer(("new", "old"))
    assert rotated.unsign(Purpose.SESSION, old) == "x"
    fresh = rotated.sign(Purpose.SESSION, "y")
    assert Signer(("new",)).unsign(Purpose.SESSION, fresh) == "y"
    with pytest.raises(InvalidToken):
        Signer(("old",)).unsign(Purpose.SESSION, fresh)


def test_passwords_are_salted_scrypt_hashes():
    first, second = hash_password("hunter22"), hash_password("hunter22")
    assert first != second and first.startswith("scrypt$")
    assert "hunter22" not in first
    assert verify_password("hunter22", first)
    assert not verify_password("hunter23", first)
    assert not verify_password("hunter22", "garbage")


def test_secret_file_is_created_once_with_private_mode(tmp_path):
    path = tmp_path / "keepcart.db.secret"
    key = load_or_create_secret(path)
    assert len(key) >= 40
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert load_or_create_secret(path) == key


def test_configured_keys_shorter_than_32_bytes_are_refused_without_showing_them(tmp_path):
    key_file = tmp_path / "k.db.secret"
    with pytest.raises(WeakSecretKey, match=r"key 2 of 2 in KEEPCART_SECRET_KEYS is 9 bytes") as e:
        signing_keys((STRONG, "too-short"), key_file)
    assert "too-short" not in str(e.value)
    with pytest.raises(WeakSecretKey, match="key 1 of 1 in KEEPCART_SECRET_KEYS is 1 bytes"):
        signing_keys(("x",), key_file)
    assert not key_file.exists()  # configured keys never fall back to the file


def test_key_length_is_counted_in_utf8_bytes(tmp_path):
    assert signing_keys(("ü" * 16,), tmp_path / "k.db.secret") == ("ü" * 16,)  # 32 bytes
    with pytest.raises(WeakSecretKey, match="is 31 bytes"):
        signing_keys(("k" * 31,), tmp_path / "k.db.secret")


def test_without_configured_keys_the_key_file_is_created_and_reused(tmp_path):
    key_file = tmp_path / "new-folder" / "k.db.secret"
    [key] = signing_keys((), key_file)
    assert len(key.encode()) >= MIN_KEY_BYTES
    assert key_file.read_text() == key + "\n"
    assert os.stat(key_file.parent).st_mode & 0o777 == 0o700
    assert [p.name for p in key_file.parent.iterdir()] == ["k.db.secret"]  # no temporary left
    assert signing_keys((), key_file) == (key,)


@pytest.mark.parametrize("content", ["", "\n", "short-key\n"], ids=["empty", "blank", "short"])
def test_an_empty_or_short_key_file_is_refused_and_left_alone(tmp_path, content):
    key_file = tmp_path / "k.db.secret"
    key_file.write_text(content)
    with pytest.raises(WeakSecretKey, match=f"signing key file {key_file} is") as e:
        load_or_create_secret(key_file)
    assert "delete the file" in str(e.value)
    assert "short-key" not in str(e.value)
    assert key_file.read_text() == content


def test_a_key_file_readable_by_others_is_warned_about(tmp_path, caplog):
    key_file = tmp_path / "k.db.secret"
    key_file.write_text(STRONG + "\n")
    os.chmod(key_file, 0o644)
    assert load_or_create_secret(key_file) == STRONG
    assert any(
        "readable by other users" in r.getMessage() and str(key_file) in r.getMessage()
        for r in caplog.records
    )
    assert os.stat(key_file).st_mode & 0o777 == 0o644  # told, not changed behind one's back


def first_starts_at_once(key_file: Path, starters: int = 8) -> tuple[list[str], list[Exception]]:
    """``load_or_create_secret`` from several threads released at the same moment."""
    start = threading.Barrier(starters)
    keys: list[str] = []
    errors: list[Exception] = []

    def first_start() -> None:
        start.wait()
        try:
            keys.append(load_or_create_secret(key_file))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first_start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return keys, errors


def test_concurrent_first_starts_agree_on_one_key(tmp_path):
    for attempt in range(10):  # the race is won and lost differently each time
        key_file = tmp_path / f"{attempt}.db.secret"
        keys, errors = first_starts_at_once(key_file)
        assert errors == []
        assert len(set(keys)) == 1
        assert key_file.read_text() == keys[0] + "\n"


_CRASH_AS_THE_KEY_IS_WRITTEN = """
import os, sys
from pathlib import Path
from server import security
os.fdopen = lambda *args, **kwargs: os._exit(9)  # the process dies as it starts to write
security.load_or_create_secret(Path(sys.argv[1]))
"""


def test_a_crash_while_the_key_is_written_leaves_no_key_file(tmp_path):
    key_file = tmp_path / "k.db.secret"
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASH_AS_THE_KEY_IS_WRITTEN, str(key_file)],
        cwd=Path(__file__).parents[2],
        timeout=60,
        check=False,
    )
    assert crashed.returncode == 9
    assert not key_file.exists()  # an empty one would be taken for a key, or refused
    assert len(load_or_create_secret(key_file).encode()) >= MIN_KEY_BYTES


def test_public_ids_are_prefixed_and_random():
    ids = {new_public_id("pk") for _ in range(100)}
    assert len(ids) == 100
    assert all(i.startswith("pk_") and "-" not in i for i in ids)


def test_a_token_stamped_by_a_given_clock_expires_by_that_clock():
    signer = Signer(("k" * 32,))
    at = 1_750_000_000_000
    token = signer.sign(Purpose.REVIEW, [1, "ord_x", 2], now_ms=at)
    assert signer.unsign(Purpose.REVIEW, token, max_age=60, now_ms=at + 60_000) == [1, "ord_x", 2]
    with pytest.raises(InvalidToken):
        signer.unsign(Purpose.REVIEW, token, max_age=60, now_ms=at + 61_000)
    with pytest.raises(InvalidToken):  # stamped later than the clock says it is
        signer.unsign(Purpose.REVIEW, token, max_age=60, now_ms=at - 1_000)
    # The same token as the system's clock would make: checked without a given clock too.
    assert signer.unsign(Purpose.REVIEW, token) == [1, "ord_x", 2]
    with pytest.raises(InvalidToken):
        signer.unsign(Purpose.ORDER_STATUS, token, now_ms=at)
