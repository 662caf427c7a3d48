"""``/v1/surveys/{srv}/…``: whether a visitor is due a survey, showing it (a response), and
its answers one by one.

    GET  /v1/surveys/{srv}/state?store=&visitor=      → {survey, show, reason, response}
    POST /v1/surveys/{srv}/responses                  → 201 {id, token, answers, next}
         {store, visitor, session, signal, page, device, cart_value, utm, order?}
         (200 with the same shape when an open response is resumed)
    POST /v1/surveys/{srv}/responses/{rsp}/answers    → {next, done, remedy}
         {store, token, question, value, consent?}

Bodies may be ``text/plain`` JSON, so the widget needs no CORS preflight. A survey that is
unknown, a draft, or another store's (by the optional ``store`` key, or by an Origin the store
doesn't allow) is a 404 ``survey_not_found``; one paused, ended or outside its schedule a 409
``survey_closed``. A visitor not due the survey gets 409 ``survey_not_due`` whose ``field`` is
the reason (``answered``, ``shown``, ``recent``, ``gap``, ``sampled_out``): decided inside the
write that would show it. An order-linked survey (the confirmation) sends the order's status
token as ``order`` (never in a URL, which access logs keep) and skips ``state``; the
order-status survey is answered only on its own page (the signal is a 422
``signal_not_allowed`` here). An answer must be to the response's next question or one already
on its path (else 409 ``question_not_next``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.errors import BadRequest, Conflict, NotFound, ValidationFailed
from server.events.visitors import parse_visitor
from server.orders.queries import find_order_by_public_id
from server.orders.receipt_link import public_id_from
from server.services import services
from server.stores.service import Store
from server.surveys import inputs, queries, service
from server.surveys.model import ORDER_MOMENTS, Answer, Survey, SurveyResponse
from server.surveys.queries import NewResponse
from server.surveys.responding import record_answer, start_response
from server.web import enforce_rate_limit, json_response, read_json_body, store_cors

MAX_BODY = 12 * 1024
NO_STORE = {"Cache-Control": "no-store"}


async def get_state(request: Request) -> Response:
    """Whether the visitor is due the survey now, and the open response it would resume.
    Records nothing."""
    store, survey = await _open_survey(request, request.query_params.get("store"))
    visitor = parse_visitor(request.query_params.get("visitor"))
    state = services(request)
    now = state.clock.now_ms()
    history = await queries.visitor_history(state.db, store.id, visitor)
    assert survey.id is not None
    latest = None if survey.order_linked else history.latest.get(survey.id)
    response = None
    reason: str | None = None
    if service.resumable(latest, now):
        assert latest is not None
        response = await _response_json(request, store, survey, latest)
    else:
        settings = await queries.load_settings(state.db, store.id)
        last_other = history.last_shown_other_than(survey.id)
        reason = service.not_due(
            survey, latest, last_other, settings, visitor, now, for_order=survey.order_linked
        )
    body = {
        "survey": service.survey_json(survey),
        "show": reason is None,
        "reason": reason,
        "response": response,
    }
    return json_response(body, headers=store_cors(request, store) | NO_STORE)


async def start(request: Request) -> Response:
    """Show the survey: a new response, or the visitor's (or order's) open one resumed."""
    body = await _body(request)
    store, survey = await _open_survey(request, body.get("store"))
    assert survey.id is not None
    visitor = parse_visitor(body.get("visitor"))
    signal = inputs.parse_signal(survey, body.get("signal"))
    new = NewResponse(
        survey_id=survey.id,
        store_id=store.id,
        visitor_id=visitor,
        session_id=inputs.parse_session(body.get("session")),
        order_id=await _order_id(request, store, signal, body.get("order")),
        signal=signal,
        page=inputs.parse_page(body.get("page")),
        device=inputs.parse_device(body.get("device")),
        cart_value=inputs.parse_cart_value(body.get("cart_value")),
        utm_source=inputs.parse_utm(body.get("utm")),
    )
    state = services(request)
    settings = await queries.load_settings(state.db, store.id)
    opened = await start_response(
        state.db, survey=survey, settings=settings, new=new, now=state.clock.now_ms()
    )
    answer = await _response_json(request, store, survey, opened.response, opened.answers)
    status = 200 if opened.resumed else 201
    return json_response(answer, status, store_cors(request, store) | NO_STORE)


async def answer(request: Request) -> Response:
    """Save one answer; say what to ask next, whether the survey is done, and its remedy."""
    body = await _body(request)
    store, survey = await _open_survey(request, body.get("store"))
    state = services(request)
    claim = service.read_response_token(state.signer, body.get("token"))
    service.check_claim(claim, store.id, survey, request.path_params["response"])
    question = survey.question(str(body.get("question")))
    if question is None:
        raise NotFound(
            "This survey has no such question.", field="question", code="question_not_found"
        )
    given = service.parse_answer(question, body.get("value"), body.get("consent"))
    result = await record_answer(
        state.db, store=store, survey=survey, claim=claim, question=question, answer=given,
        now=state.clock.now_ms(),
    )  # fmt: skip
    reply = {"next": result.next, "done": result.done, "remedy": result.remedy}
    return json_response(reply, headers=store_cors(request, store) | NO_STORE)


async def _open_survey(request: Request, store_key: object) -> tuple[Store, Survey]:
    """The survey in the path, running. The store's rate limit is counted before the survey
    is read: from the cached store key when sent, else after the one indexed look-up that
    names the survey's store."""
    state = services(request)
    public_id = request.path_params["survey"]
    if isinstance(store_key, str):
        store = await state.stores.by_key(store_key)
    else:
        store_id = await queries.store_of_survey(state.db, public_id)
        store = None if store_id is None else await state.stores.by_id(store_id)
    if store is not None:
        enforce_rate_limit(request, state.api_limiter, store.id)
    survey = None if store is None else await queries.load_survey(state.db, store.id, public_id)
    origin = request.headers.get("origin")
    if (
        store is None
        or survey is None
        or survey.status == "draft"
        or (store_key is not None and store_key != store.public_key)
        or (origin is not None and not store.allows_origin(origin))
    ):
        raise NotFound("That survey isn't running.", code="survey_not_found")
    if not survey.is_running(state.clock.now_ms()):
        raise Conflict("This survey has closed.", code="survey_closed")
    return store, survey


async def _order_id(request: Request, store: Store, signal: str, token: object) -> int | None:
    """The order an order moment's response is for, from its status token (this store's);
    a page moment's response has none."""
    if signal not in ORDER_MOMENTS:
        if token is not None:
            raise ValidationFailed("Only an order's survey takes an order.", field="order")
        return None
    state = services(request)
    public_id = public_id_from(state.signer, token) if isinstance(token, str) else None
    found = None if public_id is None else await find_order_by_public_id(state.db, public_id)
    if found is None or found[0] != store.id:
        raise BadRequest("That order link isn't valid.", field="order", code="order_invalid")
    return found[1].id


async def _response_json(
    request: Request,
    store: Store,
    survey: Survey,
    response: SurveyResponse,
    answers: dict[str, Answer] | None = None,
) -> dict[str, Any]:
    if answers is None:
        answers = await queries.load_answers(services(request).db, response.id)
    assert survey.public_id is not None
    claim = service.ResponseClaim(store.id, survey.public_id, response.public_id,
                                  response.visitor_id)  # fmt: skip
    return {
        "id": response.public_id,
        "token": service.response_token(services(request).signer, claim),
        "answers": service.answers_json(survey, answers),
        "next": service.resume_point(survey, answers),
    }


async def _body(request: Request) -> dict[str, Any]:
    body = await read_json_body(request, max_bytes=MAX_BODY)
    if not isinstance(body, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return body


routes = [
    Route("/v1/surveys/{survey}/state", get_state, methods=["GET"]),
    Route("/v1/surveys/{survey}/responses", start, methods=["POST"]),
    Route("/v1/surveys/{survey}/responses/{response}/answers", answer, methods=["POST"]),
]
