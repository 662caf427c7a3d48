"""Trust exposures no result counts any more (recorded before their element's measurement
restarted) are pruned by the server's maintenance; those of a running measurement stay."""

from __future__ import annotations

import pytest

from server.accounts import create_store
from server.app import run_maintenance
from server.clock import now_ms
from server.services import services
from server.stores.service import validate_new_store
from server.trust import queries, retention
from server.trust.model import TrustSettings

pytestmark = pytest.mark.anyio
T0 = 1_780_000_000_000
DAY_MS = 86_400_000


async def save(app, store, settings: TrustSettings) -> None:
    await services(app).db.write(
        lambda conn: queries.save_trust_settings(conn, store.id, settings, T0)
    )


async def expose(app, store, element: str, visitors: range, at: int) -> None:
    await services(app).db.write(
        lambda conn: conn.executemany(
            "INSERT INTO trust_exposures (store_id, element, visitor_id, arm, created_at)"
            " VALUES (?, ?, ?, 'shown', ?)",
            [(store.id, element, f"v_{n}", at) for n in visitors],
        )
    )


async def kept(app) -> set[tuple[int, str, str]]:
    rows = await services(app).db.fetch_all(
        "SELECT store_id, element, visitor_id FROM trust_exposures"
    )
    return {(row["store_id"], row["element"], row["visitor_id"]) for row in rows}


async def test_maintenance_prunes_exposures_from_before_each_measurement_began(app, store):
    other = await create_store(
        services(app).db,
        validate_new_store("Other Shop", ["http://other.test"], "EUR", "en-IE", "UTC"),
        now=now_ms(),
    )
    # The badges' share changed a day in; social proof's never did (it measures from 0).
    await save(app, store, TrustSettings(badges_holdout=10, badges_since=T0 + DAY_MS,
                                         social_proof=True, proof_holdout=10))  # fmt: skip
    await save(app, other, TrustSettings(badges_holdout=10, badges_since=T0))
    await expose(app, store, "badges", range(0, 3), T0)  # before the restart: never counted
    await expose(app, store, "badges", range(3, 5), T0 + DAY_MS)  # since it: counted
    await expose(app, store, "proof", range(0, 2), T0)
    await expose(app, other, "badges", range(0, 2), T0)
    await run_maintenance(services(app))
    assert await kept(app) == {
        (store.id, "badges", "v_3"), (store.id, "badges", "v_4"),
        (store.id, "proof", "v_0"), (store.id, "proof", "v_1"),
        (other.id, "badges", "v_0"), (other.id, "badges", "v_1"),
    }  # fmt: skip


async def test_pruning_goes_in_batches_until_none_is_left(app, store):
    await save(app, store, TrustSettings(badges_holdout=0, badges_since=T0 + DAY_MS))
    stale = retention.PRUNE_BATCH * 2 + 7
    await expose(app, store, "badges", range(stale), T0)
    assert await retention.prune_stale_exposures(services(app).db) == stale
    assert await kept(app) == set()
