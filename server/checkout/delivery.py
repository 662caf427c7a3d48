"""A store's delivery rule as it is stored (columns of ``stores``, see migration 0009), and
the delivery estimate the quote, checkout and the confirmation show for a method."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import aiosqlite

from server.db import Reader, read_one
from server.pricing.delivery import DeliveryRules, Transit, arrival_wording, delivery_window

# Stored weekday names, in date.weekday() order.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def working_days_text(days: frozenset[int]) -> str:
    return " ".join(DAY_NAMES[d] for d in sorted(days))


def holidays_text(days: frozenset[date]) -> str:
    return " ".join(day.isoformat() for day in sorted(days))


def rules_from_row(row: Any, timezone: str) -> DeliveryRules:
    """The rule from its columns; anything unreadable in the stored text is skipped (the
    admin form only ever saves valid values)."""
    minutes = row["dispatch_cutoff_minutes"]
    holidays = set()
    for text in row["holidays"].split():
        try:
            holidays.add(date.fromisoformat(text))
        except ValueError:
            continue
    days = frozenset(DAY_NAMES.index(d) for d in row["working_days"].split() if d in DAY_NAMES)
    return DeliveryRules(
        timezone=timezone,
        cutoff=time(minutes // 60, minutes % 60),
        handling_days=row["handling_days"],
        working_days=days or DeliveryRules.working_days,
        holidays=frozenset(holidays),
    )


async def load_delivery_rules(conn: Reader, store_id: int, timezone: str) -> DeliveryRules:
    row = await read_one(
        conn,
        "SELECT dispatch_cutoff_minutes, handling_days, working_days, holidays FROM stores"
        " WHERE id = ?",
        (store_id,),
    )
    return rules_from_row(row, timezone) if row else DeliveryRules(timezone=timezone)


async def save_delivery_rules(
    conn: aiosqlite.Connection, store_id: int, rules: DeliveryRules
) -> None:
    """Store the rule (its timezone is the store's own, kept with the store)."""
    await conn.execute(
        "UPDATE stores SET dispatch_cutoff_minutes = ?, handling_days = ?, working_days = ?,"
        " holidays = ? WHERE id = ?",
        (rules.cutoff.hour * 60 + rules.cutoff.minute, rules.handling_days,
         working_days_text(rules.working_days), holidays_text(rules.holidays), store_id),
    )  # fmt: skip


def delivery_json(now_ms: int, rules: DeliveryRules, method: Transit) -> dict[str, str]:
    """The estimate for an order placed now: ISO dates (store's timezone) and its wording."""
    window = delivery_window(now_ms, rules, method)
    return {
        "dispatch": window.dispatch.isoformat(),
        "from": window.earliest.isoformat(),
        "to": window.latest.isoformat(),
        "text": arrival_wording(window.earliest, window.latest),
    }
