"""Everything a store holds about one shopper, kind by kind, each row as the export writes it:
human-meaningful names, money as minor units with its currency, times in ISO 8601 in the
store's timezone.

The shopper is named by the email they gave and/or a visitor id (the widget's, from their
browser). Their orders are those placed with that email, and those placed from that browser
with that email (or none): a browser can be shared, and an order placed from it with another
email is that email's person's. Those are listed apart, for the owner to see (``Orders``), and
left out of the export and the erasure unless the owner names their email too. Their visitor
ids are the one named and those their own orders came from: what the browser recorded
(events, offers and badges seen, coupons, helpful votes) is found by them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from server.db import Reader, Row
from server.messages.model import STATE_LABELS, kind_label
from server.offers.results import arm_label
from server.orders.service import STATUS_LABELS, OrderEvent, local_time, payment_label
from server.privacy import queries, recovery
from server.privacy.model import KINDS, Found, ShopperKey
from server.reviews.queries import reviews_of_orders
from server.stores.service import Store
from server.surveys import privacy as surveys
from server.surveys.privacy import AnswerRow, ShopperResponse

CHANNELS = {"email": "email", "sms": "SMS", "webhook": "webhook"}
TRUST_ELEMENTS = {"badges": "trust badges", "proof": "social proof"}
TRUST_ARMS = {"shown": "shown", "holdout": "held out, shown nothing"}


@dataclass(frozen=True)
class Orders:
    """The orders found for a shopper: theirs, and those placed from the browser named with
    an email not named (someone else's, as far as the store can tell)."""

    theirs: list[Row]
    others: list[Row]


async def shopper_orders(db: Reader, store_id: int, key: ShopperKey) -> Orders:
    found = await queries.shopper_orders(db, store_id, key.email, key.visitor_id)
    # An order without an email (one erased before) names nobody else.
    theirs = [row for row in found if row["email"] in ("", key.email)]
    return Orders(theirs, [row for row in found if row["email"] not in ("", key.email)])


def visitor_ids_of(key: ShopperKey, orders: Sequence[Row]) -> tuple[str, ...]:
    """The visitor id named, then those their own orders came from, each once."""
    found = [key.visitor_id] + [row["visitor_id"] or "" for row in orders]
    return tuple(dict.fromkeys(visitor for visitor in found if visitor))


async def find_shopper(db: Reader, store: Store, key: ShopperKey) -> Found:
    split = await shopper_orders(db, store.id, key)
    orders = split.theirs
    visitors = visitor_ids_of(key, orders)
    order_ids = [row["id"] for row in orders]
    numbers = {row["id"]: row["number"] for row in orders}
    when = _Times(store.timezone)
    carts = await queries.shopper_carts(db, store.id, order_ids, key.email)
    contacts = await recovery.shopper_contacts(db, store.id, key.email, carts)
    carts = sorted({*carts, *(row["cart_id"] for row in contacts)})
    sections: dict[str, list[dict[str, Any]]] = {
        "orders": await _orders(db, orders, when),
        "discount_codes_used": await _codes_used(db, order_ids, when),
        "messages": await _messages(db, store.id, key.email, order_ids, carts, when),
        "cart_email_requests": await _cart_requests(db, store.id, key.email, when),
        "checkout_contacts": await recovery.export_contacts(db, contacts, store.currency, when),
        "unsubscribes": recovery.export_unsubscribes(
            await recovery.unsubscribes(db, store.id, key.email), when
        ),
        "reviews": await _reviews(db, store.id, numbers, when),
    }
    responses = await surveys.shopper_responses(db, store.id, key.email, visitors, order_ids)
    sections["survey_responses"] = [_response(r, when) for r in responses]
    sections["checkout_answers"] = await _checkout_answers(db, order_ids, when)
    events = await queries.event_ids(db, store.id, visitors)
    sections |= await _by_visitor(db, store.id, visitors, events, when)
    counts = {kind: len(items) for kind, items in sections.items()}
    counts["events"] = len(events.ids)
    if len(responses) == surveys.MAX_RESPONSES:
        counts["survey_responses"] = await surveys.count_shopper_responses(
            db, store.id, key.email, visitors, order_ids
        )
    others = tuple((row["number"], row["email"]) for row in split.others)
    return Found(key, visitors, tuple(numbers.values()), counts, sections, others)


class _Times:
    """Moments as ISO 8601 with the store's offset: ``2025-07-01T13:00:00+01:00``."""

    def __init__(self, timezone: str):
        self.timezone = timezone

    def __call__(self, ms: int | None) -> str | None:
        if ms is None:
            return None
        return local_time(ms, self.timezone).isoformat(timespec="seconds")


def _money(amount: int, currency: str) -> dict[str, Any]:
    return {"minor_units": amount, "currency": currency}


async def _orders(db: Reader, orders: Sequence[Row], when: _Times) -> list[dict[str, Any]]:
    ids = [row["id"] for row in orders]
    lines = await queries.order_lines(db, ids) if ids else []
    history = await queries.order_history(db, ids) if ids else []
    return [
        _order(
            row,
            [line for line in lines if line["order_id"] == row["id"]],
            [event for event in history if event["order_id"] == row["id"]],
            when,
        )
        for row in orders
    ]


def _order(row: Row, lines: list[Row], history: list[Row], when: _Times) -> dict[str, Any]:
    currency = row["currency"]
    card = None
    if row["card_brand"] or row["card_last4"]:
        card = {"brand": row["card_brand"], "last_four_digits": row["card_last4"]}
    return {
        "number": row["number"],
        "reference": row["public_id"],
        "placed_at": when(row["created_at"]),
        "status": STATUS_LABELS.get(row["status"], row["status"]),
        "email": row["email"],
        "phone": row["phone"],
        "name": row["shipping_name"],
        "shipping_address": _address(row["shipping_address"]),
        "shipping_method": row["shipping_method"],
        "delivery_window": {"from": row["delivery_from"], "to": row["delivery_to"]},
        "payment_method": payment_label(row["payment_method"]),
        "card": card,
        "discount_code": row["discount_code"],
        "prices_include_tax": bool(row["prices_include_tax"]),
        "subtotal": _money(row["subtotal"], currency),
        "discount": _money(row["discount_total"], currency),
        "shipping": _money(row["shipping_total"], currency),
        "shipping_waived_by_code": _money(row["shipping_discount"], currency),
        "tax": _money(row["tax_total"], currency),
        "total": _money(row["total"], currency),
        "visitor_id": row["visitor_id"],
        "lines": [_line(line, currency) for line in lines],
        "history": [
            {"what": OrderEvent(event["kind"], "", 0).label, "at": when(event["created_at"])}
            for event in history
        ],
    }


def _address(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _line(row: Row, currency: str) -> dict[str, Any]:
    return {
        "sku": row["sku"],
        "product": row["name"],
        "variant": row["variant"],
        "unit_price": _money(row["unit_price"], currency),
        "quantity": row["quantity"],
        "subtotal": _money(row["subtotal"], currency),
        "discount": _money(row["discount"], currency),
        "tax": _money(row["tax"], currency),
    }


async def _codes_used(db: Reader, order_ids: list[int], when: _Times) -> list[dict[str, Any]]:
    rows = await queries.redemptions(db, order_ids) if order_ids else []
    return [
        {"code": row["code"], "order_number": row["number"], "email": row["email"],
         "discount": _money(row["amount"], row["currency"]), "used_at": when(row["created_at"])}
        for row in rows
    ]  # fmt: skip


async def _messages(
    db: Reader, store_id: int, email: str, order_ids: list[int], carts: list[int], when: _Times
) -> list[dict[str, Any]]:
    rows = await queries.shopper_messages(db, store_id, order_ids, email, carts)
    return [
        {"what": kind_label(row["kind"]), "by": CHANNELS.get(row["channel"], row["channel"]),
         "order_number": row["number"], "to": row["recipient"],
         "state": STATE_LABELS.get(row["state"], row["state"]),
         "queued_at": when(row["created_at"]), "sent_at": when(row["sent_at"])}
        for row in rows
    ]  # fmt: skip


async def _cart_requests(
    db: Reader, store_id: int, email: str, when: _Times
) -> list[dict[str, Any]]:
    rows = await queries.cart_requests(db, store_id, email) if email else []
    carts = [row["cart_id"] for row in rows if row["cart_id"] is not None]
    lines = await queries.cart_lines(db, carts) if carts else []
    return [
        {"requested_at": when(row["created_at"]), "email": row["email"],
         "wording_agreed_to": row["wording"], "campaign": row["campaign"],
         "cart": [{"product": line["name"], "variant": line["variant"],
                   "quantity": line["quantity"]}
                  for line in lines if line["cart_id"] == row["cart_id"]]}
        for row in rows
    ]  # fmt: skip


async def _reviews(
    db: Reader, store_id: int, numbers: dict[int, int], when: _Times
) -> list[dict[str, Any]]:
    """Their reviews but those already removed at their request (nothing of those is kept)."""
    found = await reviews_of_orders(db, store_id, list(numbers))
    return [
        {"reference": review.public_id, "product": review.product_name,
         "order_number": numbers.get(review.order_id or 0), "written_at": when(review.created_at),
         "rating": review.rating, "title": review.title, "text": review.body,
         "name_shown": review.name, "status": review.status,
         "shop_reply": None if review.reply is None else
         {"text": review.reply.body, "at": when(review.reply.at)}}
        for review in found
        if review.status != "removed"
    ]  # fmt: skip


def _response(response: ShopperResponse, when: _Times) -> dict[str, Any]:
    return {
        "reference": response.public_id,
        "survey": response.survey_name,
        "shown_at": when(response.shown_at),
        "status": response.status,
        "page": response.page,
        "order_number": response.order_number,
        "answers": answers_in_words(response),
    }


def answers_in_words(response: ShopperResponse) -> list[dict[str, Any]]:
    """Each question answered (as asked now; its key if removed since), with the options'
    labels, the score, the text and the wording of any consent given."""
    asked = {question.key: question for question in response.questions}
    grouped: dict[str, list[AnswerRow]] = {}
    for row in response.answers:
        grouped.setdefault(row[0], []).append(row)
    described = []
    for key, rows in grouped.items():
        question = asked.get(key)
        answer: dict[str, Any] = {"question": question.prompt if question else key}
        chosen = [option for _, option, _, _, _ in rows if option]
        if chosen:
            labels = [question.option(o) if question else None for o in chosen]
            answer["chosen"] = [x.label if x else o for x, o in zip(labels, chosen, strict=True)]
        for name, index in (("score", 2), ("text", 3), ("consent_wording", 4)):
            values = [row[index] for row in rows if row[index] is not None]
            if values:
                answer[name] = values[0]
        answer["skipped"] = len(answer) == 1
        described.append(answer)
    return described


async def _checkout_answers(db: Reader, order_ids: list[int], when: _Times) -> list[dict[str, Any]]:
    rows = await queries.checkout_answers(db, order_ids) if order_ids else []
    return [{"order_number": row["number"], "kept_since": when(row["created_at"])} for row in rows]


async def _by_visitor(
    db: Reader, store_id: int, visitors: tuple[str, ...], events: queries.EventIds, when: _Times
) -> dict[str, list[dict[str, Any]]]:
    # SQLite reads ``IN ()`` as false: a shopper named by an email alone, without orders
    # from a known browser, finds none of these.
    newest = events.ids[-queries.MAX_EVENTS :]
    return {
        "events": [_event(row, when) for row in await queries.events_by_id(db, newest)],
        "offer_exposures": [
            {"campaign": row["campaign"], "variant": arm_label(row["arm"]),
             "shown_on": row["signal"], "at": when(row["created_at"]),
             "visitor_id": row["visitor_id"]}
            for row in await queries.offer_exposures(db, store_id, visitors)
        ],
        "trust_exposures": [
            {"element": TRUST_ELEMENTS.get(row["element"], row["element"]),
             "arm": TRUST_ARMS.get(row["arm"], row["arm"]), "at": when(row["created_at"]),
             "visitor_id": row["visitor_id"]}
            for row in await queries.trust_exposures(db, store_id, visitors)
        ],
        "coupons_claimed": [
            {"code": row["code"], "campaign": row["campaign"],
             "claimed_at": when(row["created_at"]), "expires_at": when(row["expires_at"]),
             "used": row["times_used"] > 0,
             "visitor_id": row["visitor_id"]}
            for row in await queries.coupons(db, store_id, visitors)
        ],
        "helpful_votes": [
            {"review": row["public_id"], "product": row["product"], "at": when(row["created_at"]),
             "visitor_id": row["visitor_id"]}
            for row in await queries.helpful_votes(db, store_id, visitors)
        ],
    }  # fmt: skip


def _event(row: Row, when: _Times) -> dict[str, Any]:
    try:
        details = json.loads(row["props"])
    except ValueError:
        details = row["props"]
    return {
        "at": when(row["occurred_at"]),
        "type": row["type"],
        "name": row["name"],
        "page": row["url"],
        "referrer": row["referrer"],
        "visit": row["session_id"],
        "visitor_id": row["visitor_id"],
        "details": details,
    }


def export_document(found: Found, store: Store, now: int) -> dict[str, Any]:
    """The shopper's data as one JSON document: a section per kind, after what it is."""
    when = _Times(store.timezone)
    document: dict[str, Any] = {
        "about": f"Everything {store.name} holds about one shopper, as of the time below."
        " Times are in the store's timezone; money is in minor units of its currency (cents"
        " of a euro or a dollar).",
        "store": store.name,
        "generated_at": when(now),
        "timezone": store.timezone,
        "shopper": {"email": found.key.email or None, "visitor_ids": list(found.visitor_ids)},
        "counts": {kind.key: found.counts.get(kind.key, 0) for kind in KINDS},
    }
    for kind in KINDS:
        document[kind.key] = found.sections.get(kind.key, [])
    short = [kind for kind in KINDS if len(document[kind.key]) < document["counts"][kind.key]]
    if short:
        document["not_listed"] = [
            f"{kind.many.capitalize()}: the newest {len(document[kind.key])} of"
            f" {document['counts'][kind.key]} are listed here."
            for kind in short
        ]
    return document
