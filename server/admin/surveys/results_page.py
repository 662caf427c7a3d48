"""A survey's results page, its text answers, and its CSV, all under one filter read from the
query string: the range (the overview's presets, or from–to dates), and optionally the page,
the device, the cart value and the signal that showed the survey.

Top to bottom: the funnel shown → started → completed; per question its chart and figure;
the weeks; for an exit survey its reasons beside the store's cart abandonment in the range;
the remedies' results (``remedy_queries``).

Emails shoppers gave with consent are the owners' to read (``sees_emails``): staff get the
same pages and CSV with each email answer withheld, and no search of an email question,
whose matches would spell an email out a letter at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from server.admin.overview import figures
from server.admin.overview import queries as overview_queries
from server.admin.overview.periods import CUSTOM, PRESETS, Window, choose_window, window
from server.admin.pages import Merchant, login_required, store_for_request
from server.admin.surveys import export, remedy_queries, results_queries, results_view
from server.admin.surveys.editing import render_surveys, survey_for_request
from server.admin.surveys.labels import DEVICE_LABELS, SIGNAL_LABELS
from server.admin.surveys.results_queries import ResponseFilter
from server.db import Database
from server.errors import ValidationFailed
from server.forms import format_local_display
from server.money import example_amount, parse_major_units
from server.services import services
from server.stores.service import Store
from server.surveys.inputs import SIGNALS
from server.surveys.model import DEVICES, SCALE_TYPES, TEXT_TYPES, Survey

ANSWERS_PAGE_SIZE = 50
MAX_SEARCH = 100
MAX_PAGE_FILTER = 300
FILTER_FIELDS = ("range", "from", "to", "page", "device", "cart_min", "cart_max", "signal")
# Moments at which a shopper is leaving: a survey asked there is an exit survey, read beside
# the store's cart abandonment.
EXIT_MOMENTS = {"exit_intent", "drawer_close", "checkout_exit"}


@dataclass(frozen=True)
class Filtered:
    """The filter the query asks for, the form's values, and what could not be read."""

    window: Window
    wanted: ResponseFilter
    values: dict[str, str]
    errors: dict[str, str]

    def query(self, **more: str) -> str:
        """The filter (as typed) in a query string, with ``more``."""
        kept = {k: v for k, v in self.values.items() if v} | more
        return urlencode(kept)


def filter_from(request: Request, store: Store, now: int) -> Filtered:
    params = request.query_params
    values = {name: params.get(name, "").strip() for name in FILTER_FIELDS}
    values["range"] = values["range"] if values["range"] in (*PRESETS, CUSTOM) else "30d"
    errors: dict[str, str] = {}
    try:
        chosen = choose_window(params, now, store.timezone)
    except ValidationFailed as exc:
        fallback = choose_window({}, now, store.timezone)
        chosen = window(CUSTOM, fallback.current.first_day, fallback.current.last_day, now,
                        ZoneInfo(store.timezone))  # fmt: skip
        errors[exc.field or "from"] = exc.message
    if chosen.key != CUSTOM or "from" not in params:
        values["from"] = chosen.current.first_day.isoformat()
        values["to"] = chosen.current.last_day.isoformat()
    cart = {}
    for name in ("cart_min", "cart_max"):
        try:
            cart[name] = parse_major_units(values[name], store.currency) if values[name] else None
        except ValueError as exc:
            errors[name], cart[name] = str(exc), None
    wanted = ResponseFilter(
        since=chosen.current.start_ms,
        until=chosen.current.end_ms,
        page=values["page"][:MAX_PAGE_FILTER],
        device=values["device"] if values["device"] in DEVICES else "",
        cart_min=cart["cart_min"],
        cart_max=cart["cart_max"],
        signal=values["signal"] if values["signal"] in SIGNALS else "",
    )
    return Filtered(chosen, wanted, values, errors)


def filter_choices(store: Store) -> dict[str, Any]:
    return {
        "ranges": [(key, label) for key, (label, _days) in PRESETS.items()] + [(CUSTOM, "Dates")],
        "devices": [("", "Any device"), *((d, DEVICE_LABELS[d]) for d in DEVICES)],
        "signals": [("", "Any"), *((s, SIGNAL_LABELS[s]) for s in SIGNALS)],
        "money_example": example_amount(store.currency),
    }


def sees_emails(merchant: Merchant) -> bool:
    """Whether the login reads the emails shoppers gave: the store's owners, who answer for
    them (they alone find, hand over and delete one shopper's answers)."""
    return merchant.role == "owner"


# ---- the results page -----------------------------------------------------------------------


@login_required
async def results_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    survey = await survey_for_request(request, store)
    assert survey.id is not None
    db = services(request).db
    now = services(request).clock.now_ms()
    filtered = filter_from(request, store, now)
    wanted = filtered.wanted
    groups = await results_queries.answer_groups(db, survey.id, wanted)
    answered = await results_queries.answered(db, survey.id, wanted)
    funnel = await results_queries.funnel(db, survey.id, wanted)
    context = {
        "survey": survey,
        "filtered": filtered,
        "values": filtered.values,
        **filter_choices(store),
        "funnel": results_view.funnel_steps(funnel),
        "questions": results_view.question_results(survey, groups, answered),
        "weeks": await _weekly(db, survey, filtered),
        "abandonment": await _abandonment(db, store, survey, filtered, funnel, now),
        "remedies": await remedy_queries.remedy_table(db, survey, store.currency),
        "csv_url": f"results.csv?{filtered.query()}",
        "answers_query": filtered.query(),
        "min_sample": results_view.MIN_SAMPLE,
        "emails_withheld": not sees_emails(merchant),
    }
    return render_surveys(request, merchant, store, "results.html", context, filtered.errors)


async def _weekly(db: Database, survey: Survey, filtered: Filtered) -> Any:
    assert survey.id is not None
    weeks = results_view.weeks_of(filtered.window.current.days)
    counted = await results_queries.weekly(db, survey.id, filtered.wanted, weeks)
    scale = next((q for q in survey.questions if q.type in SCALE_TYPES), None)
    scores = None
    if scale is not None:
        per_week = await results_queries.weekly_scores(
            db, survey.id, filtered.wanted, scale.key, weeks
        )
        scores = [results_view.scale_headline(scale, counts) for counts in per_week]
    return results_view.weekly_chart(weeks, counted, scores)


async def _abandonment(
    db: Database,
    store: Store,
    survey: Survey,
    filtered: Filtered,
    funnel: results_queries.Funnel,
    now: int,
) -> dict[str, Any] | None:
    """For an exit survey: of the sessions that added to cart in the range, the share that
    left without ordering (the overview's funnel), beside how many completed the survey."""
    if not EXIT_MOMENTS & set(survey.moments):
        return None
    where = overview_queries.EventStore(store.id, store.timezone)
    days = filtered.window.current.days
    totals = figures.total(await overview_queries.event_counts(db, where, days, now))
    carts = totals.cart_sessions
    left = None if not carts else max(0.0, 1 - totals.order_sessions / carts)
    return {"cart_sessions": carts, "left": left, "answered": funnel.completed}


# ---- text answers ---------------------------------------------------------------------------


@login_required
async def answers_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    survey = await survey_for_request(request, store)
    assert survey.id is not None
    db = services(request).db
    filtered = filter_from(request, store, services(request).clock.now_ms())
    written = [q for q in survey.questions if q.type in TEXT_TYPES or q.type == "email"
               or any(o.other for o in q.options)]  # fmt: skip
    key = request.query_params.get("question", "")
    question = next((q for q in written if q.key == key), written[0] if written else None)
    withheld = question is not None and question.type == "email" and not sees_emails(merchant)
    search = "" if withheld else request.query_params.get("search", "").strip()[:MAX_SEARCH]
    context: dict[str, Any] = {
        "survey": survey, "filtered": filtered, "values": filtered.values,
        **filter_choices(store), "written": written, "question": question, "search": search,
        "withheld": withheld, "answers": [], "matching": 0, "page": 1, "pages": 1,
    }  # fmt: skip
    if question is not None:
        matching = await results_queries.count_text_answers(
            db, survey.id, filtered.wanted, question.key, search
        )
        pages = max(1, -(-matching // ANSWERS_PAGE_SIZE))
        page = _page_number(request.query_params.get("page"), pages)
        found = await results_queries.text_answers(
            db, survey.id, filtered.wanted, question.key, search,
            limit=ANSWERS_PAGE_SIZE, offset=(page - 1) * ANSWERS_PAGE_SIZE,
        )  # fmt: skip

        def link(number: int) -> str:
            return "?" + filtered.query(question=question.key, search=search, page=str(number))

        context |= {
            "answers": [_answer_row(a, question, store, withheld) for a in found],
            "matching": matching, "page": page, "pages": pages,
            "previous_url": link(page - 1) if page > 1 else None,
            "next_url": link(page + 1) if page < pages else None,
        }  # fmt: skip
    return render_surveys(request, merchant, store, "answers.html", context, filtered.errors)


def _answer_row(
    answer: results_queries.TextAnswer, question: Any, store: Store, withheld: bool
) -> dict[str, str]:
    option = question.option(answer.option) if answer.option else None
    return {
        "text": export.WITHHELD if withheld else answer.text,
        "option": option.label if option else "",
        "shown_at": format_local_display(answer.shown_at, store.timezone),
        "page": answer.page,
        "device": DEVICE_LABELS.get(answer.device, answer.device),
    }


def _page_number(raw: str | None, pages: int) -> int:
    number = int(raw) if raw and raw.isascii() and raw.isdecimal() and len(raw) < 7 else 1
    return min(max(number, 1), pages)


# ---- the CSV ------------------------------------------------------------------------------


@login_required
async def results_csv(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    survey = await survey_for_request(request, store)
    filtered = filter_from(request, store, services(request).clock.now_ms())
    # A filter that does not read is left out, as the page shows it; the dates fall back
    # to the page's default range.
    return await export.responses_csv(
        services(request).db, store, survey, filtered.wanted, emails=sees_emails(merchant)
    )
