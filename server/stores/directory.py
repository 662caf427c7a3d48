"""A short-lived in-memory view of all stores, for the hot paths (config and ingest).

Self-hosted Keepcart serves a handful of stores, so the whole table is cached and re-read
after ``ttl`` seconds or as soon as the admin changes a store. The re-read always runs in the
public read lane, whoever's request sets it off: every shopper's request may wait on it, so it
must never queue behind an admin page's slow reads.
"""

from __future__ import annotations

import asyncio

from server.clock import Clock
from server.db import Database, ReadLane, read_lane
from server.stores.queries import list_stores
from server.stores.service import Store


class StoreDirectory:
    def __init__(self, db: Database, clock: Clock, ttl: float = 5.0):
        self._db = db
        self._clock = clock
        self._ttl = ttl
        self._by_key: dict[str, Store] = {}
        self._by_id: dict[int, Store] = {}
        self._origins: frozenset[str] = frozenset()
        self._loaded_at = -float("inf")
        self._lock = asyncio.Lock()

    async def by_key(self, key: str) -> Store | None:
        await self._refresh()
        return self._by_key.get(key)

    async def by_id(self, store_id: int) -> Store | None:
        await self._refresh()
        return self._by_id.get(store_id)

    async def all(self) -> list[Store]:
        await self._refresh()
        return list(self._by_id.values())

    async def is_known_origin(self, origin: str | None) -> bool:
        await self._refresh()
        return origin is not None and origin in self._origins

    def invalidate(self) -> None:
        self._loaded_at = -float("inf")

    async def _refresh(self) -> None:
        if self._clock.monotonic() - self._loaded_at < self._ttl:
            return
        async with self._lock:
            if self._clock.monotonic() - self._loaded_at < self._ttl:
                return
            with read_lane(ReadLane.PUBLIC):
                stores = await list_stores(self._db)
            self._by_key = {s.public_key: s for s in stores}
            self._by_id = {s.id: s for s in stores}
            self._origins = frozenset(o for s in stores for o in s.origins)
            self._loaded_at = self._clock.monotonic()
