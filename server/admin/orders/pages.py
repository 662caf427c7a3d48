"""Admin pages for orders: a filterable list, the detail page, status changes and CSV export.
(The status rules are ``server.orders.service``, a change's write ``server.orders.status_changes``.)

Orders are written by checkout; the merchant only moves them along (paid, fulfilled,
refunded). Each change and its entry in the order's history are one transaction.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import check_post
from server.admin.orders.export import orders_csv
from server.admin.pages import (
    Merchant,
    found,
    login_required,
    render,
    store_for_request,
)
from server.admin.reviews.order_lines import order_review_lines
from server.admin.surveys.export import WITHHELD
from server.admin.surveys.remedy_queries import order_remedies
from server.admin.surveys.results_page import sees_emails
from server.emails import mailto
from server.errors import Conflict, NotFound
from server.forms import format_local_display
from server.messages.queries import messages_of_order
from server.money import format_amount
from server.orders import queries
from server.orders.service import (
    STATUS_LABELS,
    OfferShown,
    Order,
    OrderFilter,
    OrderSource,
    action_for,
    actions_allowed,
    country_name,
    delivery_wording,
    local_time,
    payment_label,
    readable_events,
)
from server.orders.status_changes import apply_action
from server.services import services
from server.stores.service import Store
from server.surveys.model import SCALE_TYPES, Answer, Question
from server.surveys.queries import answers_for_order, list_surveys

PAGE_SIZE = 50
MAX_ORDER_NUMBER = 2**63 - 1


# ---- list ---------------------------------------------------------------------------------


@login_required
async def order_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    db = services(request).db
    wanted = filter_from(request)
    matching = await queries.count_orders(db, store.id, wanted)
    pages = max(1, -(-matching // PAGE_SIZE))
    page = page_from(request.query_params.get("page"), pages)
    offset = (page - 1) * PAGE_SIZE
    orders = await queries.list_orders(db, store.id, wanted, limit=PAGE_SIZE, offset=offset)
    context = {
        "merchant": merchant,
        "store": store,
        "orders": orders,
        "wanted": wanted,
        "statuses": STATUS_LABELS,
        "matching": matching,
        "short_query": queries.too_short_to_search(wanted),
        "first_shown": offset + 1,
        "page": page,
        "pages": pages,
        "previous_url": list_url(wanted, page - 1) if page > 1 else None,
        "next_url": list_url(wanted, page + 1) if page < pages else None,
        "export_url": f"/admin/stores/{store.id}/orders.csv{list_url(wanted)}",
        **formatters(store),
    }
    return render(request, "orders/list.html", context, session=merchant.session)


def filter_from(request: Request) -> OrderFilter:
    params = request.query_params
    return OrderFilter.from_params(params.get("status"), params.get("q"))


def page_from(raw: str | None, pages: int) -> int:
    """The page asked for, kept within 1..pages; anything unreadable means page 1."""
    number = int(raw) if raw and raw.isdecimal() and len(raw) < 10 else 1
    return min(max(number, 1), pages)


def list_url(wanted: OrderFilter, page: int = 1) -> str:
    """The query string for a filter and page, leaving out what is at its default."""
    params = {"status": wanted.status or "", "q": wanted.query, "page": page if page > 1 else ""}
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else ""


def formatters(store: Store) -> dict[str, Any]:
    return {
        "money": format_amount,
        "mailto": mailto,
        "when": lambda epoch_ms: format_local_display(epoch_ms, store.timezone),
        "iso": lambda epoch_ms: local_time(epoch_ms, store.timezone).isoformat(timespec="seconds"),
    }


# ---- detail and status changes ------------------------------------------------------------


@login_required
async def order_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    order = await order_for_request(request, store)
    return await _render_order(request, merchant, store, order)


@login_required
async def change_status(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    await check_post(request, merchant)
    action = action_for(request.path_params["action"])
    number = order_number(request)
    note = f"By {merchant.email}"
    now = services(request).clock.now_ms()
    try:
        await services(request).db.write(
            lambda conn: apply_action(conn, store.id, number, action, note, now)
        )
    except Conflict as exc:
        order = await order_for_request(request, store)
        return await _render_order(request, merchant, store, order, exc.message, 409)
    return RedirectResponse(f"/admin/stores/{store.id}/orders/{number}", 303)


def order_number(request: Request) -> int:
    number = request.path_params["number"]
    if number > MAX_ORDER_NUMBER:  # larger than SQLite's integers: no such order
        raise NotFound("There is no such order.")
    return number


async def order_for_request(request: Request, store: Store) -> Order:
    number = order_number(request)
    return found(
        await queries.find_order(services(request).db, store.id, number),
        "There is no such order.",
    )


async def _render_order(
    request: Request,
    merchant: Merchant,
    store: Store,
    order: Order,
    error: str | None = None,
    status: int = 200,
) -> Response:
    db = services(request).db
    context = {
        "merchant": merchant,
        "store": store,
        "order": order,
        "items": await queries.order_items(db, order.id),
        "events": readable_events(await queries.order_events(db, order.id), order.payment_method),
        "country_name": country_name,
        "source": await order_source(request, store, order),
        "campaigns_url": f"/admin/stores/{store.id}/campaigns",
        "actions": actions_allowed(order.status),
        "status_label": STATUS_LABELS.get(order.status, order.status),
        "payment": payment_label(order.payment_method),
        "delivery": delivery_wording(order.delivery_from, order.delivery_to),
        "review_lines": await order_review_lines(request, store, order),
        "survey_answers": await survey_answers(request, store, order, sees_emails(merchant)),
        "survey_remedies": await order_remedies(db, order.id),
        "messages": await messages_of_order(db, order.id),
        "messages_url": f"/admin/stores/{store.id}/messages",
        "errors": {"status": error} if error else {},
        **formatters(store),
    }
    return render(request, "orders/detail.html", context, session=merchant.session, status=status)


async def order_source(request: Request, store: Store, order: Order) -> OrderSource:
    db = services(request).db
    origin = None
    if order.discount_code:
        origin = await queries.code_origin(db, store.id, order.discount_code)
    seen = await queries.exposures_before(db, order.id)
    return OrderSource(
        code=order.discount_code,
        code_offer=_offer_of_code(origin),
        code_known=origin is not None,
        offers_seen=tuple(OfferShown(row["name"], row["public_id"], row["arm"]) for row in seen),
    )


def _offer_of_code(origin: Any) -> OfferShown | None:
    """The offer a claimed coupon came from; None for a code the merchant made."""
    if origin is None or origin["arm"] is None:
        return None
    name = origin["campaign_name"] or "an offer campaign since deleted"
    return OfferShown(name, origin["campaign_public_id"], origin["arm"])


# ---- what the shopper said in surveys -----------------------------------------------------


async def survey_answers(
    request: Request, store: Store, order: Order, emails: bool
) -> list[dict[str, Any]]:
    """The order's survey responses (the confirmation's, the order-status page's), each
    question's answer in words, with the source the shopper's links named (``utm_source``);
    without ``emails`` (staff), each email answer is ``WITHHELD``, as on the surveys' pages."""
    db = services(request).db
    given = await answers_for_order(db, order.id)
    if not given:
        return []
    surveys = {survey.id: survey for survey in await list_surveys(db, store.id)}
    described = []
    for each in given:
        survey = surveys.get(each.response.survey_id)
        questions = survey.questions if survey else ()
        known = {q.key for q in questions}
        asked = [q for q in questions if q.key in each.answers]
        # A question removed since the answer: its key stands in for its prompt.
        asked += [Question(key, "short_text", key) for key in each.answers if key not in known]
        described.append({
            "survey": each.survey_name,
            "status": each.response.status,
            "utm_source": each.utm_source,
            "answers": [
                (q.prompt, answer_words(q, each.answers[q.key], emails=emails)) for q in asked
            ],
        })  # fmt: skip
    return described


def answer_words(question: Question, answer: Answer, *, emails: bool) -> str:
    """An answer as the merchant reads it: the options' labels, a score out of its scale's
    top, the text, or an email with the wording its shopper agreed to (``WITHHELD`` without
    ``emails``)."""
    if answer.skipped:
        return "Skipped"
    # An email is known by its consent too: its question may be removed (or its key reused).
    if not emails and (question.type == "email" or answer.consent is not None):
        return WITHHELD
    if answer.options:
        return "; ".join(_choice_words(question, answer))
    if answer.number is not None:
        top = question.scale[1] if question.type in SCALE_TYPES else None
        return f"{answer.number} of {top}" if top is not None else str(answer.number)
    if answer.consent:
        return f"{answer.text} (agreed: “{answer.consent}”)"
    return answer.text or ""


def _choice_words(question: Question, answer: Answer) -> list[str]:
    """The chosen options' labels, "Other" with its text; an option removed since, by key."""
    words, text_shown = [], False
    for key in answer.options:
        option = question.option(key)
        if option is not None and option.other and answer.text is not None:
            words.append(f"{option.label}: {answer.text}")
            text_shown = True
        else:
            words.append(option.label if option else key)
    if answer.text is not None and not text_shown:  # its Other option was removed since
        words.append(answer.text)
    return words


# ---- CSV ----------------------------------------------------------------------------------


@login_required
async def export_orders(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return await orders_csv(services(request).db, store, filter_from(request))


BASE = "/stores/{store_id:id}/orders"
routes = [
    Route(BASE, order_list, methods=["GET"]),
    Route(BASE + ".csv", export_orders, methods=["GET"]),
    Route(BASE + "/{number:id}", order_page, methods=["GET"]),
    Route(BASE + "/{number:id}/{action}", change_status, methods=["POST"]),
]
