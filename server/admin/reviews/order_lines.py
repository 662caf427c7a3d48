"""The reviews part of the admin's order page: each line's review once written, or, once the
order has shipped, a button that shows its review link (``links``: the showing is recorded,
so the page itself carries no link)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from server.orders.service import Order
from server.reviews.model import ReviewLine
from server.reviews.queries import lines_of_order
from server.reviews.service import may_review
from server.services import services
from server.stores.service import Store


@dataclass(frozen=True)
class LineReview:
    line: ReviewLine
    can_show_link: bool  # shipped, a real sale, and not reviewed yet
    review_url: str | None  # the review's admin page, once written


async def order_review_lines(request: Request, store: Store, order: Order) -> list[LineReview]:
    reviewable = may_review(order.status, order.payment_method)
    found = []
    for line in await lines_of_order(services(request).db, order.id):
        page = None
        if line.review is not None:
            page = f"/admin/stores/{store.id}/reviews/{line.review.public_id}"
        found.append(LineReview(line, reviewable and line.review is None, page))
    return found
