"""The one place Keepcart reads the wall clock; rules take the time as an argument."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def start_of_day_ms(now: int, timezone: str) -> int:
    """Milliseconds at the start of the local day that contains ``now``, in ``timezone``."""
    local = datetime.fromtimestamp(now / 1000, ZoneInfo(timezone))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return int(midnight.timestamp() * 1000)
