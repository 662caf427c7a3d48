"""What an order's write and the outbox's claim read, held to their indexes: both run on the
one write connection every shopper's order waits for, so a read that walks a store's history
(every checkout contact ever captured, every delivery ever made to an endpoint) delays every
order, more as the store grows (bench/scale.py measured 10 ms and 258 ms of such walks)."""

from __future__ import annotations

import pytest

from server.messages import queries as message_queries
from server.messages.sms_outbox import sms_cap_reached
from server.recovery import stop_queries
from server.services import services
from tests.api.plans import recorded_plans
from tests.api.statistics import GROWN_OUTBOX, GROWN_STORE, use_statistics

pytestmark = pytest.mark.anyio

STATISTICS = pytest.mark.parametrize(
    "statistics", [[], GROWN_STORE + GROWN_OUTBOX], ids=["none", "grown"]
)


def walking(plans: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """The statements whose plan reads a whole table, or a whole store's rows of an index."""
    return [
        (sql, plan)
        for sql, plan in plans
        if any(line.startswith("SCAN") or line.endswith("(store_id=?)") for line in plan)
    ]


@STATISTICS
async def test_an_order_stops_reminders_by_its_cart_and_email_not_by_the_stores_contacts(
    app, store, statistics
):
    await use_statistics(services(app).db, statistics)
    plans = await recorded_plans(
        services(app).db,
        lambda conn: stop_queries.stop_for_order(conn, store.id, 1, "pat@example.com", 0),
    )
    assert len(plans) == 2
    assert walking(plans) == [], [plan for _, plan in walking(plans)]


@STATISTICS
async def test_the_webhook_lane_finds_deliveries_in_flight_without_reading_an_endpoints_history(
    app, store, statistics
):
    await use_statistics(services(app).db, statistics)
    plans = await recorded_plans(
        services(app).db,
        lambda conn: message_queries.claim_due(
            conn, ("webhook",), 0, 1000, 5, one_per_recipient=True
        ),
    )
    ((_, plan),) = plans
    busy = [line for line in plan if " busy " in line]
    assert busy and all("messages_sending" in line for line in busy), plan


@STATISTICS
async def test_a_reminder_falling_due_finds_an_order_of_its_carts_or_email_by_index(
    app, store, statistics
):
    await use_statistics(services(app).db, statistics)
    plans = await recorded_plans(
        services(app).db,
        lambda conn: stop_queries.order_since(conn, store.id, [1, 2], "pat@example.com", 0),
    )
    ((_, plan),) = plans
    assert not any(
        line.startswith("SCAN") or "(store_id=? AND created_at>?)" in line for line in plan
    ), plan


@STATISTICS
async def test_the_sms_caps_read_a_numbers_and_a_days_texts_not_a_stores_outbox(
    app, store, statistics
):
    await use_statistics(services(app).db, statistics)
    plans = await recorded_plans(
        services(app).db,
        lambda conn: sms_cap_reached(conn, store.id, "+353871234567", 10**12, 10**12),
    )
    assert len(plans) == 2
    assert walking(plans) == [], [plan for _, plan in walking(plans)]
    assert "messages_by_recipient" in " ".join(plans[0][1]), plans[0]
