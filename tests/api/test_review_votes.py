"""Helpful votes can't be stuffed (server/routes/reviews.py, server/reviews/voting.py): one vote
per review per visitor id AND per client address (kept only as a keyed hash, never as the
address), from the store's own origins only, and a daily cap per address."""

from __future__ import annotations

import dataclasses
import hashlib
import logging

import httpx
import pytest

from server.app import create_app
from server.services import services
from tests.api.ordering import JULY_1_NOON_UTC
from tests.api.reviewing import client_at, fulfilled_line, import_rows, publish
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio

ORIGIN = {"Origin": SHOP_ORIGIN}
HOME = "203.0.113.7"  # one household's address
OFFICE = "2001:db8:5::42"
NEW_KEY = "a-newer-test-secret-key-of-32-bytes-or-more"


async def vote(client, store, review_id: str, visitor: str, headers=ORIGIN) -> httpx.Response:
    return await client.post(
        f"/v1/reviews/{review_id}/helpful",
        content=f'{{"store": "{store.public_key}", "visitor": "{visitor}"}}',
        headers={"Content-Type": "text/plain;charset=UTF-8", **headers},
    )


async def a_review(app, store):
    services(app).clock.set(JULY_1_NOON_UTC)
    return await publish(app, await fulfilled_line(app, store, 1001), 5, title="Lovely")


async def helpful(app, review) -> int:
    return await services(app).db.fetch_value(
        "SELECT helpful FROM reviews WHERE public_id = ?", (review.public_id,)
    )


async def test_one_address_counts_once_whatever_visitor_ids_it_sends(app, store, merchant):
    review = await a_review(app, store)
    async with client_at(app, HOME) as home:
        first = await vote(home, store, review.public_id, "v_1")
        assert first.json() == {"helpful": 1, "counted": True}
        for n in range(2, 30):  # a script inventing a visitor id for every vote
            answer = await vote(home, store, review.public_id, f"v_{n}")
            assert answer.status_code == 200
            assert answer.json() == {"helpful": 1, "counted": False}
    async with client_at(app, OFFICE) as office:
        assert (await vote(office, store, review.public_id, "v_office")).json()["counted"]
    assert await helpful(app, review) == 2


async def test_one_visitor_counts_once_from_any_address(app, store, merchant):
    review = await a_review(app, store)
    async with client_at(app, HOME) as home:
        assert (await vote(home, store, review.public_id, "v_1")).json()["counted"]
    async with client_at(app, OFFICE) as office:
        assert (await vote(office, store, review.public_id, "v_1")).json() == {
            "helpful": 1,
            "counted": False,
        }


async def test_the_address_is_kept_only_as_a_keyed_hash_and_never_logged(
    app, store, merchant, caplog
):
    review = await a_review(app, store)
    caplog.set_level(logging.DEBUG)
    async with client_at(app, HOME) as home:
        await vote(home, store, review.public_id, "v_1")
    async with client_at(app, OFFICE) as office:
        await vote(office, store, review.public_id, "v_2")
    rows = await services(app).db.fetch_all("SELECT * FROM review_votes")
    stored = " ".join(str(value) for row in rows for value in tuple(row))
    hashes = {row["address"] for row in rows}
    assert len(hashes) == 2 and all(len(value) == 64 for value in hashes)
    for address in (HOME, OFFICE, "203.0.113", "2001:db8:5"):
        assert address not in stored
        assert address not in caplog.text
    # Keyed: the plain SHA-256 of the address (which anyone could compute) is not what is kept.
    assert hashlib.sha256(HOME.encode()).hexdigest() not in hashes


async def test_a_vote_needs_one_of_the_stores_origins(app, store, merchant):
    review = await a_review(app, store)
    async with client_at(app, HOME) as home:
        for headers in ({}, {"Origin": "https://evil.test"}, {"Origin": "null"}):
            answer = await vote(home, store, review.public_id, "v_1", headers)
            assert answer.status_code == 403, headers
            assert answer.json()["error"]["code"] == "origin_not_allowed"
    assert await services(app).db.fetch_value("SELECT count(*) FROM review_votes") == 0


async def test_an_address_has_a_daily_cap(app, store, merchant):
    from server.reviews.voting import VOTES_PER_ADDRESS_PER_DAY

    clock = services(app).clock
    await a_review(app, store)
    titles = [f"Imported {n}" for n in range(VOTES_PER_ADDRESS_PER_DAY)]
    await import_rows(app, store, *[("MUG-1", 4, title) for title in titles])
    rows = await services(app).db.fetch_all("SELECT public_id FROM reviews ORDER BY id")
    ids = [row["public_id"] for row in rows]
    assert len(ids) == VOTES_PER_ADDRESS_PER_DAY + 1
    async with client_at(app, HOME) as home:
        for n, review_id in enumerate(ids[:-1]):
            assert (await vote(home, store, review_id, f"v_{n}")).json()["counted"]
        over = await vote(home, store, ids[-1], "v_last")
        assert over.status_code == 429 and over.json()["error"]["code"] == "daily_vote_limit"
        assert int(over.headers["retry-after"]) > 0
        async with client_at(app, OFFICE) as office:  # another address is not held back
            assert (await vote(office, store, ids[-1], "v_office")).json()["counted"]
        clock.advance(24 * 3_600_000)
        later = await vote(home, store, ids[-1], "v_last")
        assert later.status_code == 200, later.text
        assert later.json()["counted"]


# ---- an address, as far as it tells who votes ------------------------------------------------


async def test_one_ipv6_host_counts_once_whichever_address_of_its_64_it_takes(app, store, merchant):
    """A host picks any address of its /64 (privacy extensions rotate them): the /64 votes
    once, and another /64 is someone else."""
    review = await a_review(app, store)
    counted = []
    for n in range(1, 40):
        async with client_at(app, f"2001:db8:5::{n:x}:{n:x}") as host:
            counted.append((await vote(host, store, review.public_id, f"v_{n}")).json()["counted"])
    assert counted == [True] + [False] * 38
    async with client_at(app, "2001:db8:6::1") as neighbour:
        assert (await vote(neighbour, store, review.public_id, "v_other")).json()["counted"]
    async with client_at(app, "::ffff:203.0.113.7") as mapped:  # HOME, written as IPv6
        assert (await vote(mapped, store, review.public_id, "v_mapped")).json()["counted"]
    async with client_at(app, HOME) as home:
        assert not (await vote(home, store, review.public_id, "v_home")).json()["counted"]
    assert await helpful(app, review) == 3


async def test_the_daily_cap_holds_across_an_ipv6_64(app, store, merchant):
    from server.reviews.voting import VOTES_PER_ADDRESS_PER_DAY

    await a_review(app, store)
    titles = [f"Imported {n}" for n in range(VOTES_PER_ADDRESS_PER_DAY)]
    await import_rows(app, store, *[("MUG-1", 4, title) for title in titles])
    rows = await services(app).db.fetch_all("SELECT public_id FROM reviews ORDER BY id")
    for n, row in enumerate(rows):
        async with client_at(app, f"2001:db8:5::{n + 1:x}") as host:
            answer = await vote(host, store, row["public_id"], f"v_{n}")
            if n < VOTES_PER_ADDRESS_PER_DAY:
                assert answer.json()["counted"], n
    assert answer.status_code == 429


async def test_an_ipv6_48_has_a_daily_cap_of_its_own(app, store, merchant):
    """One site holds a whole /48, and with it 65,536 /64s: each votes once, but the /48 has
    a higher daily cap of its own; another /48 is not held back."""
    from server.reviews.voting import VOTES_PER_NETWORK_PER_DAY

    await a_review(app, store)
    titles = [f"Imported {n}" for n in range(VOTES_PER_NETWORK_PER_DAY)]
    await import_rows(app, store, *[("MUG-1", 4, title) for title in titles])
    rows = await services(app).db.fetch_all("SELECT public_id FROM reviews ORDER BY id")
    ids = [row["public_id"] for row in rows]
    for n, review_id in enumerate(ids[:-1]):
        async with client_at(app, f"2001:db8:5:{n:x}::1") as host:  # a /64 of its own each
            assert (await vote(host, store, review_id, f"v_{n}")).json()["counted"], n
    async with client_at(app, "2001:db8:5:ffff::1") as host:
        over = await vote(host, store, ids[-1], "v_last")
    assert over.status_code == 429 and over.json()["error"]["code"] == "daily_vote_limit"
    async with client_at(app, "2001:db8:6::1") as neighbour:
        assert (await vote(neighbour, store, ids[-1], "v_other")).json()["counted"]


async def test_a_6to4_address_counts_as_the_ipv4_address_it_carries(app, store, merchant):
    """2002:cb00:7107::/48 is HOME (203.0.113.7) over 6to4: any of its addresses is HOME."""
    review = await a_review(app, store)
    async with client_at(app, HOME) as home:
        assert (await vote(home, store, review.public_id, "v_home")).json()["counted"]
    for n, address in enumerate(("2002:cb00:7107::1", "2002:cb00:7107:1::2", "2002:cb00:7107:2::")):
        async with client_at(app, address) as tunnel:
            answer = await vote(tunnel, store, review.public_id, f"v_{n}")
            assert answer.json() == {"helpful": 1, "counted": False}, address
    async with client_at(app, "2002:cb00:7108::1") as other:  # 203.0.113.8
        assert (await vote(other, store, review.public_id, "v_other")).json()["counted"]


async def test_a_key_rotation_neither_forgets_nor_doubles_an_addresses_votes(
    app, store, merchant, settings
):
    """Votes are kept under the newest key's hash; after a rotation (a new key first, the old
    one still listed) the address's earlier votes are still found under the old key."""
    review = await a_review(app, store)
    async with client_at(app, HOME) as home:
        assert (await vote(home, store, review.public_id, "v_1")).json()["counted"]
    rotated = create_app(
        dataclasses.replace(settings, secret_keys=(NEW_KEY, *settings.secret_keys))
    )
    async with rotated.router.lifespan_context(rotated), client_at(rotated, HOME) as home:
        again = await vote(home, store, review.public_id, "v_2")
        assert again.json() == {"helpful": 1, "counted": False}
        async with client_at(rotated, OFFICE) as office:
            assert (await vote(office, store, review.public_id, "v_3")).json()["counted"]
    hashes = [row["address"] for row in await services(app).db.fetch_all(
        "SELECT address FROM review_votes"
    )]  # fmt: skip
    assert len(set(hashes)) == 2
