"""Signing in costs the same hashing whether or not the email has a login."""

from __future__ import annotations

import hashlib

import pytest

from server.accounts import NO_SUCH_LOGIN_HASH
from server.security import hash_password
from tests.api.test_admin import sign_in

pytestmark = pytest.mark.anyio


# ---- login timing -------------------------------------------------------------------------


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[int]:
    """Counts calls to hashlib.scrypt (and still runs it): the cost of a sign-in attempt."""
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(kwargs.get("n", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return calls


async def test_an_unknown_email_costs_the_same_hashing_as_a_wrong_password(
    client, merchant, scrypt_calls
):
    assert (await sign_in(client, password="wrong password")).status_code == 422
    known = list(scrypt_calls)
    scrypt_calls.clear()
    assert (await sign_in(client, email="nobody@shop.test")).status_code == 422
    assert scrypt_calls == known and len(known) == 1


def test_the_stand_in_hash_costs_what_a_real_one_does():
    def parameters(stored: str) -> str:
        return stored.split("$")[1]

    assert parameters(NO_SUCH_LOGIN_HASH) == parameters(hash_password("anything at all"))
