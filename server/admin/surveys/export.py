"""A survey's responses as CSV: one row per response the results' filters match, newest
first, one column per question, streamed from the export's own thread and connection
(``server.db.export_reader``) in batches, formula-safe (``csv_chunks``).

An answer in its column: the chosen options' labels joined by "; " (an "Other" as
"Other: what they wrote"), a score as its number, a text as written, an email only when it
was given with consent (every stored email was; the check stays so one never leaks) and the
download is an owner's: staff get ``WITHHELD`` in its place.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from starlette.responses import Response

from server.admin.pages import csv_download
from server.admin.surveys.results_queries import (
    ExportedResponse,
    ResponseFilter,
    exported_responses,
)
from server.catalog.csv_io import csv_chunks
from server.db import Database
from server.db.export_reader import start_export
from server.money import format_major_units
from server.orders.service import local_time
from server.stores.service import Store
from server.surveys.model import Question, Survey

RESPONSE_COLUMNS = (
    "response", "shown_at", "status", "signal", "page", "device", "cart_value", "utm_source",
    "order_number", "remedy_campaign", "remedy_arm",
)  # fmt: skip
# One stored answer row: question, option, number, text, consent.
AnswerRow = tuple[str, str, "int | None", "str | None", "str | None"]
# An email answer as staff see it: a shopper gave their email to the store, whose owners
# answer for it (they alone find, hand over and delete a shopper's answers: shopper.py).
WITHHELD = "(owners only)"


async def responses_csv(
    db: Database, store: Store, survey: Survey, wanted: ResponseFilter, *, emails: bool
) -> Response:
    """The download, started: a database failure before its first rows is raised here.
    Without ``emails``, each email answer is ``WITHHELD``."""
    assert survey.id is not None
    survey_id = survey.id
    header = (*RESPONSE_COLUMNS, *(f"{q.key}: {q.prompt}" for q in survey.questions))

    def chunks(conn: sqlite3.Connection) -> Iterator[bytes]:
        rows = (
            response_cells(found, survey, store, emails=emails)
            for found in exported_responses(conn, survey_id, wanted)
        )
        return csv_chunks(header, rows)

    export = await start_export(db.path, chunks, "survey responses CSV")
    return csv_download(f"store-{store.id}-survey-{survey.public_id}.csv", export)


def response_cells(
    found: ExportedResponse, survey: Survey, store: Store, *, emails: bool
) -> list[str]:
    row = found.row
    cart = row["cart_value"]
    shown = local_time(row["shown_at"], store.timezone).isoformat(timespec="seconds")
    cells = [
        row["public_id"], shown, row["status"], row["signal"], row["page"], row["device"],
        "" if cart is None else format_major_units(cart, store.currency), row["utm_source"],
        "" if row["order_number"] is None else str(row["order_number"]),
        row["remedy_campaign"] or "", row["remedy_arm"] or "",
    ]  # fmt: skip
    by_question: dict[str, list[AnswerRow]] = {}
    for answer in found.answers:
        by_question.setdefault(answer[0], []).append(answer)
    answers = [answer_text(q, by_question.get(q.key, []), emails=emails) for q in survey.questions]
    return cells + answers


def answer_text(
    question: Question | None, rows: Sequence[AnswerRow], *, emails: bool = True
) -> str:
    """One question's stored answer rows as one cell (empty: not answered, or skipped);
    without ``emails``, an email answer is ``WITHHELD``."""
    if question is not None and question.type == "email" and not emails:
        return WITHHELD if any(text for *_, text, _consent in rows) else ""
    parts: list[str] = []
    for _question, option, number, text, consent in rows:
        if option:
            chosen = question.option(option) if question else None
            label = chosen.label if chosen else option
            parts.append(f"{label}: {text}" if text else label)
        elif number is not None:
            parts.append(str(number))
        elif text is not None and (question is None or question.type != "email" or consent):
            parts.append(text)
    return "; ".join(parts)
