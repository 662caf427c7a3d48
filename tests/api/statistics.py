"""Planner statistics set by a test, so a query plan can be checked in each state a store's
database may be in: none yet, a small store's, a grown store's."""

from __future__ import annotations

from collections.abc import Sequence

from server.db import Database

# sqlite_stat1 as ANALYZE wrote it at the scale bench's store (1M events, 100k orders, 200k
# exposures in 4 campaigns, 51k coupons) on a server with many stores: what a database looks
# like once the server's maintenance has run ANALYZE. Plans must hold with these as well as
# with none.
GROWN_STORE = [
    ("campaigns", "campaigns_by_store", "4 4 2"),
    ("campaigns", "sqlite_autoindex_campaigns_1", "4 1"),
    ("discounts", "discounts_by_campaign", "51004 10201 1"),
    ("discounts", "sqlite_autoindex_discounts_1", "51004 51004 1"),
    ("events", "events_by_store_time", "1000000 1000000 1"),
    ("exposure_counts", "sqlite_autoindex_exposure_counts_1", "48 12 4 1"),
    ("exposures", "exposures_by_campaign_visitor", "200000 50000 1 1 1 1"),
    ("exposures", "exposures_by_time", "200000 50000 1 1"),
    ("exposures", "exposures_by_visitor", "200000 2 1 1 1"),
    ("exposures", "sqlite_autoindex_exposures_1", "200000 50000 1"),
    ("orders", "orders_by_email", "100001 100001 3"),
    ("orders", "orders_by_status", "100001 100001 25001 1 1"),
    ("orders", "orders_by_store_time", "100001 100001 1 1 1"),
    ("orders", "orders_by_visitor", "100001 100001 4 1 1 1 1 1 1 1"),
    ("orders", "sqlite_autoindex_orders_1", "100001 1"),
    ("orders", "sqlite_autoindex_orders_2", "100001 100001 1"),
    ("stores", None, "1000"),
]

# sqlite_stat1 for cart recovery and the outbox at the scale bench's store (bench/scale.py since
# its seed version 2: 27k checkout contacts, 64k reminders, 210k messages of which 56k webhook
# deliveries to 2 endpoints): with GROWN_STORE, what a long-running store's planner sees.
GROWN_OUTBOX = [
    ("carts", "sqlite_autoindex_carts_1", "128642 1"),
    ("checkout_contacts", "checkout_contacts_by_cart", "27263 1"),
    ("checkout_contacts", "checkout_contacts_by_email", "27263 27263 3"),
    ("checkout_contacts", "checkout_contacts_ended", "9936 1"),
    ("checkout_contacts", "checkout_contacts_live", "1137 1"),
    ("checkout_contacts", "checkout_contacts_results", "26126 26126 13063 8 1"),
    ("email_suppressions", "email_suppressions", "1166 1166 1"),
    ("messages", "messages_by_age", "209873 2"),
    ("messages", "messages_by_cart", "66808 3 3"),
    ("messages", "messages_by_recipient", "209874 209874 4"),
    ("messages", "messages_by_store", "209874 209874 2 1"),
    ("messages", "messages_by_store_state", "209874 209874 41975 2 1"),
    ("messages", "messages_due", "1 1"),
    ("messages", "messages_once_per_order", "87484 2 1 1"),
    ("messages", "sqlite_autoindex_messages_1", "209874 1"),
    ("recovered_carts", "recovered_carts_by_claim", "2182 1"),
    ("recovered_carts", "recovered_carts_by_contact", "2182 1"),
    ("recovered_carts", "recovered_carts_by_source", "2182 1"),
    ("recovery_steps", "recovery_steps", "63808 3 1"),
    ("recovery_steps", "recovery_steps_by_address", "21695 3"),
    ("recovery_steps", "recovery_steps_by_message", "63808 1"),
]


async def use_statistics(db: Database, rows: Sequence[tuple[str, str | None, str]] = ()) -> None:
    """Replace sqlite_stat1 with ``rows`` (none: no statistics, as before any ANALYZE; the
    server analyses at open, so a test wanting none takes them away). Plans are then read on
    the writer (``db.write``), which reloads them here."""

    async def replace(conn):
        await conn.execute("DELETE FROM sqlite_stat1")
        await conn.executemany("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", rows)
        await conn.execute("ANALYZE sqlite_schema")  # the planner reads them again

    await db.write(replace)
    assert await db.fetch_value("SELECT count(*) FROM sqlite_stat1") == len(rows)
