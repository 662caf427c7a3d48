"""Estimated delivery dates, counted in business days in the store's timezone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def add_business_days(start: date, days: int) -> date:
    current = start
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:  # Monday to Friday
            added += 1
    return current


def delivery_window(now_ms: int, timezone: str, min_days: int, max_days: int) -> tuple[date, date]:
    """First and last likely delivery dates for an order placed at ``now_ms``.

    Days are business days (Monday to Friday) counted after the day of the order.
    """
    today = datetime.fromtimestamp(now_ms / 1000, ZoneInfo(timezone)).date()
    return add_business_days(today, max(1, min_days)), add_business_days(today, max(1, max_days))
