"""An exit answer's remedy: the offer campaign variant a merchant linked to an option, shown
right after the completing answer (WP-D fills this in; until then no answer has a remedy).

``offer_remedy`` runs inside the completing answer's write: it picks the visitor's arm (the
campaign's holdout or the linked variant), records the campaign's exposure
(``signal='survey'``) and the response's ``remedy_*`` columns, and returns what the widget
shows: ``{"campaign", "arm", "variant"}``, or None (no remedy linked, or the holdout).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiosqlite

from server.stores.service import Store
from server.surveys.model import Answer, Survey, SurveyResponse


async def offer_remedy(
    conn: aiosqlite.Connection,
    *,
    store: Store,
    survey: Survey,
    response: SurveyResponse,
    answers: Mapping[str, Answer],
    now: int,
) -> dict[str, Any] | None:
    """The remedy the completed response's answers earn, written with them; None for none."""
    return None
