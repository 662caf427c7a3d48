"""The reviews part of the admin's order page: each line's review link once the order has
shipped (to copy into a message to the buyer), or its review once written."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from server.orders.service import Order
from server.reviews.links import LineKey, review_url
from server.reviews.model import ReviewLine
from server.reviews.queries import lines_of_order
from server.reviews.service import may_review
from server.services import services
from server.stores.service import Store


@dataclass(frozen=True)
class LineReview:
    line: ReviewLine
    link: str | None  # the line's review link; None before shipping or once reviewed
    review_url: str | None  # the review's admin page, once written


async def order_review_lines(request: Request, store: Store, order: Order) -> list[LineReview]:
    state = services(request)
    now = state.clock.now_ms()
    reviewable = may_review(order.status, order.payment_method)
    found = []
    for line in await lines_of_order(state.db, order.id):
        key = LineKey(store.id, order.public_id, line.product_id)
        link = None
        if reviewable and line.review is None:
            link = review_url(state.signer, state.settings.base_url, key, now)
        page = None
        if line.review is not None:
            page = f"/admin/stores/{store.id}/reviews/{line.review.public_id}"
        found.append(LineReview(line, link, page))
    return found
