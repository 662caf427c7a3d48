"""The review request and its reminder: emails asking the buyer of a fulfilled order to review
each thing it held, with a signed review link per line (the receipt page's links).

Marking an order fulfilled queues both with their due times (``server.orders.status_changes``);
what they say is decided when they are due, from the order and its reviews as they are then.
Neither goes (it ends suppressed, saying why) when the store has switched it off since, the
order can no longer be reviewed (refunded, or paid in a provider's test mode), or every line
has its review; the reminder also not when the request itself did not reach the buyer. The
reminder lists only the lines still without a review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from server.messages import queries as message_queries
from server.messages.model import SENT, EmailContent, Message
from server.messages.rendering import (
    EmailTemplates,
    RenderContext,
    Renderer,
    Suppress,
    Unrenderable,
)
from server.orders import queries as order_queries
from server.orders.service import Order
from server.reviews.links import LineKey, review_url
from server.reviews.model import ReviewLine
from server.reviews.queries import lines_of_order
from server.reviews.service import may_review

TEMPLATES = EmailTemplates(Path(__file__).parent / "templates" / "emails")


@dataclass(frozen=True)
class LineToReview:
    name: str  # the product, with its variant
    url: str  # its signed review link


async def lines_to_review(
    message: Message, context: RenderContext
) -> tuple[Order, list[LineToReview]]:
    """The order and its lines still without a review, each with a fresh link; ``Suppress``
    when the message has nothing left to ask, ``Unrenderable`` when the order is gone."""
    order = None
    if message.order_id is not None:
        order = await order_queries.order_by_id(context.db, message.order_id)
    if order is None:
        raise Unrenderable("The order of this message no longer exists.")
    if not context.settings.sends(message.kind):
        raise Suppress(f"{message.kind_label}s were switched off before this one was due.")
    if not may_review(order.status, order.payment_method):
        raise Suppress(
            "The order can no longer be reviewed (it was refunded, or paid in test mode)."
        )
    open_lines = [
        line for line in await lines_of_order(context.db, order.id) if line.review is None
    ]
    if not open_lines:
        raise Suppress("Every item of the order has been reviewed.")
    return order, [_to_review(line, context) for line in open_lines]


def _to_review(line: ReviewLine, context: RenderContext) -> LineToReview:
    key = LineKey(line.store_id, line.order_public_id, line.product_id)
    name = f"{line.product_name} ({line.variant})" if line.variant else line.product_name
    return LineToReview(name, review_url(context.signer, context.base_url, key, context.now))


async def render_review_request(message: Message, context: RenderContext) -> EmailContent:
    order, lines = await lines_to_review(message, context)
    subject = f"How was your order from {context.store.name}?"
    return TEMPLATES.render("review_request", subject, context.look, order=order, lines=lines,
                            reminder=False)  # fmt: skip


async def render_review_reminder(message: Message, context: RenderContext) -> EmailContent:
    order, lines = await lines_to_review(message, context)
    assert message.order_id is not None  # lines_to_review found its order
    if await message_queries.state_of(context.db, message.order_id, "review_request") != SENT:
        raise Suppress(
            "The review request did not reach the buyer, so there is nothing to remind of."
        )
    subject = f"A reminder: how was your order from {context.store.name}?"
    return TEMPLATES.render("review_request", subject, context.look, order=order, lines=lines,
                            reminder=True)  # fmt: skip


RENDERERS: dict[str, Renderer] = {
    "review_request": render_review_request,
    "review_reminder": render_review_reminder,
}
