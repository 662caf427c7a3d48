"""0023 adds surveys to a database as 0022 left it: stores, campaigns and orders keep their
rows, and the new tables hold what the constraints allow and nothing else."""

from __future__ import annotations

import asyncio
import sqlite3

import aiosqlite
import pytest

from server.db import migrations
from server.db.migrations import apply_migrations, available_migrations
from tests.unit.migrating import migrate_before

BEFORE = [
    "INSERT INTO stores (id, public_key, name, currency, locale, timezone, created_at)"
    " VALUES (1, 'pk_a', 'A', 'EUR', 'en-IE', 'UTC', 100)",
    "INSERT INTO campaigns (id, public_id, store_id, name, trigger, targeting, frequency,"
    " created_at, updated_at) VALUES (5, 'cmp_a', 1, 'C', '{}', '{}', '{}', 100, 100)",
]
SURVEY = (
    "INSERT INTO surveys (id, public_id, store_id, name, moments, trigger, targeting,"
    " recontact, questions, created_at, updated_at) VALUES (1, 'srv_a', 1, 'S',"
    " '[\"exit_intent\"]', '{}', '{}', '{}', '[]', 200, 200)"
)
RESPONSE = (
    "INSERT INTO survey_responses (id, public_id, survey_id, store_id, visitor_id, signal,"
    " remedy_campaign_id, shown_at, updated_at) VALUES ({id}, 'rsp_{id}', 1, 1, 'v', 'exit_top',"
    " 5, 300, 300)"
)


def migrate(tmp_path, monkeypatch, *after: str) -> dict[str, list[tuple]]:
    async def run():
        conn = await aiosqlite.connect(tmp_path / "k.db", isolation_level=None)
        await conn.execute("PRAGMA foreign_keys = ON")
        try:
            await migrate_before(conn, monkeypatch, 23)
            for statement in BEFORE:
                await conn.execute(statement)
            with monkeypatch.context() as patch:  # 0023 alone: later ones are not its to test
                up_to_23 = [m for m in available_migrations() if m.version <= 23]
                patch.setattr(migrations, "available_migrations", lambda: up_to_23)
                assert await apply_migrations(conn) == [23]
            for statement in after:
                await conn.execute(statement)
            queries = {
                "stores": "SELECT id, name FROM stores",
                "campaigns": "SELECT id, public_id FROM campaigns",
                "surveys": "SELECT public_id, status, template, sample_percent, thanks"
                " FROM surveys",
                "responses": "SELECT public_id, status, device, page, remedy_campaign_id"
                " FROM survey_responses ORDER BY id",
                "answers": "SELECT response_id, question, option FROM survey_answers",
                "fk": "PRAGMA foreign_key_check",
            }
            return {k: await conn.execute_fetchall(sql) for k, sql in queries.items()}
        finally:
            await conn.close()

    return {k: [tuple(r) for r in rows] for k, rows in asyncio.run(run()).items()}


def test_0023_keeps_what_was_there_and_takes_a_survey_with_its_defaults(tmp_path, monkeypatch):
    found = migrate(
        tmp_path,
        monkeypatch,
        SURVEY,
        RESPONSE.format(id=1),
        "INSERT INTO survey_answers (response_id, question, option, created_at)"
        " VALUES (1, 'q1', 'delivery', 400)",
    )
    assert found["stores"] == [(1, "A")]
    assert found["campaigns"] == [(5, "cmp_a")]
    assert found["surveys"] == [("srv_a", "draft", "blank", 100, "")]
    assert found["responses"] == [("rsp_1", "shown", "unknown", "", 5)]
    assert found["answers"] == [(1, "q1", "delivery")]
    assert found["fk"] == []


def test_0023_a_deleted_campaign_leaves_the_response_without_its_remedy(tmp_path, monkeypatch):
    found = migrate(
        tmp_path, monkeypatch, SURVEY, RESPONSE.format(id=1), "DELETE FROM campaigns WHERE id = 5"
    )
    assert found["responses"] == [("rsp_1", "shown", "unknown", "", None)]


@pytest.mark.parametrize(
    "bad",
    [
        "UPDATE surveys SET status = 'archived'",
        "UPDATE surveys SET sample_percent = 0",
        "UPDATE survey_responses SET status = 'dismissed'",
        "UPDATE survey_responses SET device = 'tablet'",
        "INSERT INTO survey_settings (store_id, min_gap_days, updated_at) VALUES (1, 400, 1)",
        "INSERT INTO survey_settings (store_id, priority, updated_at) VALUES (1, 'badges', 1)",
        # One response per survey and order.
        "INSERT INTO orders (id, public_id, store_id, number, status, email, shipping_name,"
        " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
        " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
        " payment_method, created_at, updated_at) VALUES (9, 'ord_a', 1, 1, 'paid', 'a@b.test',"
        " 'A', '{}', 'Post', '2024-01-01', '2024-01-02', 'EUR', 1, 0, 0, 0, 0, 0, 'card', 1, 1);"
        " UPDATE survey_responses SET order_id = 9",
    ],
    ids=["status", "sample", "response-status", "device", "gap", "priority", "order-twice"],
)
def test_0023_refuses_what_the_model_cannot_be(tmp_path, monkeypatch, bad):
    statements = [SURVEY, RESPONSE.format(id=1), RESPONSE.format(id=2), *bad.split("; ")]
    with pytest.raises(sqlite3.IntegrityError):
        migrate(tmp_path, monkeypatch, *statements)
