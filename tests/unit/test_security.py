import os

import pytest

from server.security import (
    InvalidToken,
    Purpose,
    Signer,
    hash_password,
    load_or_create_secret,
    new_public_id,
    verify_password,
)


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


def test_public_ids_are_prefixed_and_random():
    ids = {new_public_id("pk") for _ in range(100)}
    assert len(ids) == 100
    assert all(i.startswith("pk_") and "-" not in i for i in ids)
