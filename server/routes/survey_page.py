"""``GET /orders/{token}/survey`` and ``POST /orders/{token}/survey``: the store's order-status
survey (NPS after delivery), on Keepcart's own origin beside the receipt page that links to it.

The token is the receipt's (``Purpose.ORDER_STATUS``). One question per step, without script:
each POST saves its answer (the first begins the order's one response) and answers 303 back to
the page, which then asks the next question, or says thank you once the survey is done. A
forged or altered token, or a store without a running order-status survey, gets a 404 page;
an order not yet delivered (fulfilled, and past the last day of its delivery window) a 409
page; an answer that doesn't fit, the question again with the error, 422. Opening the page
records nothing: a link previewer fetching it is not a shopper shown a survey.

The URL is the secret: the page is never cached or indexed, sends no Referer, and loads
nothing from anywhere else (the review page's CSP; its form posts only to itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from server.db import Database
from server.errors import RateLimited, Unprocessable
from server.orders.queries import find_order_by_public_id
from server.orders.receipt_link import public_id_from
from server.orders.service import Order, local_time
from server.routes.private_page import TOO_MANY, PrivatePages, told_to_wait
from server.services import services
from server.stores.service import Store
from server.surveys import queries
from server.surveys.model import CHOICE_TYPES, SCALE_TYPES, Answer, Question, Survey
from server.surveys.queries import NewResponse
from server.surveys.responding import (
    QuestionNotNext,
    ResponseCompleted,
    SurveyNotDue,
    answer_for_order,
)
from server.surveys.service import delivered, in_sample, parse_answer, resume_point
from server.web import enforce_rate_limit

HERE = Path(__file__).parent.parent / "surveys"
pages = PrivatePages.at(
    HERE / "templates",
    "default-src 'none'; style-src 'self'; img-src data:; base-uri 'none'; form-action 'self';"
    " frame-ancestors 'none'",
)
MAX_FORM_BYTES = 16 * 1024  # a 2,000-character answer in any script, with room to spare
_WHOLE = re.compile(r"[0-9]{1,3}")


@dataclass(frozen=True)
class OrderSurvey:
    store: Store
    order: Order
    survey: Survey
    visitor: str  # the order's visitor id ('' when the widget sent none)


async def survey_page(request: Request) -> Response:
    found = await _survey_for_request(request)
    if found is None:
        return pages.render(request, "survey_missing.html", {}, 404)
    if not _delivered(request, found):
        return pages.render(request, "survey_not_yet.html", _context(found), 409)
    db = services(request).db
    assert found.survey.id is not None
    response = await queries.response_for_order(db, found.survey.id, found.order.id)
    answers = {} if response is None else await queries.load_answers(db, response.id)
    key = resume_point(found.survey, answers)
    question = None if key is None else found.survey.question(key)
    if question is None or (response is not None and response.status == "completed"):
        return pages.render(request, "survey_thanks.html", _context(found))
    return _render_question(request, found, question, _values(question, answers))


async def submit_answer(request: Request) -> Response:
    found = await _survey_for_request(request)
    if found is None:
        return pages.render(request, "survey_missing.html", {}, 404)
    if not _delivered(request, found):
        return pages.render(request, "survey_not_yet.html", _context(found), 409)
    state = services(request)
    async with request.form(max_files=0, max_fields=40) as form:
        posted = _posted(form)
    question = found.survey.question(posted["question"])
    if question is None:  # a stale page after the survey changed: ask again from where it is
        return RedirectResponse(request.url.path, status_code=303)
    try:
        enforce_rate_limit(request, state.api_limiter, ("survey", found.store.id))
    except RateLimited as exc:  # the question again, the answer given kept
        errors = {"send": f"{TOO_MANY} then send your answer again."}
        return told_to_wait(_render_question(request, found, question, posted, errors, 429), exc)
    try:
        answer = parse_answer(question, _raw_value(question, posted), posted["consent"])
        await answer_for_order(
            state.db, store=found.store, survey=found.survey,
            new=_new_response(found), question=question, answer=answer,
            now=state.clock.now_ms(),
        )  # fmt: skip
    except Unprocessable as exc:
        errors = {exc.field or "value": exc.message}
        return _render_question(request, found, question, posted, errors)
    except (SurveyNotDue, ResponseCompleted):  # answered meanwhile, in another tab
        return pages.render(request, "survey_thanks.html", _context(found), 409)
    except QuestionNotNext:  # the survey changed, or another tab took another branch
        return RedirectResponse(request.url.path, status_code=303)
    return RedirectResponse(request.url.path, status_code=303)


async def _survey_for_request(request: Request) -> OrderSurvey | None:
    """The order the token is for, its store, and the store's order-status survey for it."""
    state = services(request)
    public_id = public_id_from(state.signer, request.path_params["token"])
    found = None if public_id is None else await find_order_by_public_id(state.db, public_id)
    store = None if found is None else await state.stores.by_id(found[0])
    if found is None or store is None:
        return None
    order = found[1]
    visitor = await queries.order_visitor(state.db, order.id)
    survey = await order_status_survey(state.db, store.id, visitor, state.clock.now_ms())
    return None if survey is None else OrderSurvey(store, order, survey, visitor)


async def order_status_survey(db: Database, store_id: int, visitor: str, now: int) -> Survey | None:
    """The store's running order-status survey (the oldest, with questions), when the order's
    visitor is in its sample."""
    running = await queries.running_surveys(db, store_id, now)
    return next(
        (s for s in running if "order_status" in s.moments and s.questions
         and in_sample(s, visitor)),
        None,
    )  # fmt: skip


async def survey_link(request: Request, store: Store, order: Order) -> str | None:
    """The receipt's link to the survey page: once the order is delivered, while the store
    has an order-status survey the order hasn't completed. ``request`` is the receipt's."""
    state = services(request)
    now = state.clock.now_ms()
    if not delivered(order.status, order.delivery_to, local_time(now, store.timezone).date()):
        return None
    visitor = await queries.order_visitor(state.db, order.id)
    survey = await order_status_survey(state.db, store.id, visitor, now)
    if survey is None or survey.id is None:
        return None
    response = await queries.response_for_order(state.db, survey.id, order.id)
    if response is not None and response.status == "completed":
        return None
    return f"{request.url.path}/survey"


def _delivered(request: Request, found: OrderSurvey) -> bool:
    today = local_time(services(request).clock.now_ms(), found.store.timezone).date()
    return delivered(found.order.status, found.order.delivery_to, today)


def _new_response(found: OrderSurvey) -> NewResponse:
    assert found.survey.id is not None
    return NewResponse(
        survey_id=found.survey.id, store_id=found.store.id, visitor_id=found.visitor, session_id="",
        order_id=found.order.id, signal="order_status", page="", device="unknown",
        cart_value=None, utm_source="",
    )  # fmt: skip


def _posted(form: FormData) -> dict[str, Any]:
    return {
        "question": str(form.get("question", "")),
        "value": [str(v) for v in form.getlist("value")],
        "other_text": str(form.get("other_text", "")),
        "consent": form.get("consent") == "yes",
    }


def _raw_value(question: Question, posted: dict[str, Any]) -> object:
    """The form's fields as the public API's ``value`` (``service`` module docstring)."""
    values: list[str] = posted["value"]
    text = posted["other_text"].strip() or None
    if question.type == "multiple":
        return {"options": values, "text": text} if values else None
    first = values[0] if values else ""
    if question.type == "single":
        return {"option": first, "text": text} if first else None
    if question.type in SCALE_TYPES:
        return int(first) if _WHOLE.fullmatch(first) else first or None
    return first or None


def _values(question: Question, answers: dict[str, Answer]) -> dict[str, Any]:
    """The form's fields filled from an earlier answer to ``question`` (after a reload)."""
    answer = answers.get(question.key, Answer())
    if question.type in CHOICE_TYPES:
        value = list(answer.options)
    elif answer.number is not None:
        value = [str(answer.number)]
    else:
        value = [answer.text] if answer.text and question.type != "email" else []
    other = answer.text or "" if question.type in CHOICE_TYPES else ""
    return {"question": question.key, "value": value, "other_text": other, "consent": False}


def _context(found: OrderSurvey) -> dict[str, Any]:
    return {"store": found.store, "order": found.order, "survey": found.survey}


def _render_question(
    request: Request,
    found: OrderSurvey,
    question: Question,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status: int | None = None,
) -> Response:
    keys = [q.key for q in found.survey.questions]
    context = _context(found) | {
        "question": question,
        "step": keys.index(question.key) + 1,
        "steps": len(keys),
        "values": values,
        "errors": errors or {},
        "scale": range(question.scale[0], question.scale[1] + 1),
    }
    return pages.render(request, "survey_form.html", context, status or (422 if errors else 200))


routes = [
    Mount("/surveys/static", StaticFiles(directory=HERE / "static"), name="survey-static"),
    Route("/orders/{token}/survey", survey_page, methods=["GET"]),
    Route("/orders/{token}/survey", submit_answer, methods=["POST"], max_body_size=MAX_FORM_BYTES),
]
