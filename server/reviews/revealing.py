"""A line's review link shown in the admin, for the merchant to send to its buyer. Whoever
sees the link could write the line's "Verified buyer" review themself, so each showing is
recorded (who, when), and a review later written through that line's link says so in its
publish entry of the moderation log (``server.reviews.publishing``).

The customer's receipt link carries a fresh review link for every line once the order has
shipped, and never expires: showing it in the admin is recorded too, for the whole order
(``reveal_receipt``), whatever the order's state."""

from __future__ import annotations

import aiosqlite

from server.errors import Conflict, NotFound
from server.reviews import queries, reveal_queries
from server.reviews.links import LineKey
from server.reviews.model import ReviewLine
from server.reviews.service import may_review


async def reveal_link(
    conn: aiosqlite.Connection, store_id: int, number: int, product_id: int, user_id: int, now: int
) -> ReviewLine:
    """The line of order ``number`` whose link a member asks to see, once the showing is
    recorded; 404 for a line that takes no review (not shipped, a test sale, not there),
    409 once it has its review."""
    public_id = await reveal_queries.order_public_id(conn, store_id, number)
    line = None
    if public_id is not None:
        line = await queries.find_line(conn, LineKey(store_id, public_id, product_id))
    if line is None or not may_review(line.order_status, line.payment_method):
        raise NotFound("This order has no item that can be reviewed there.")
    if line.review is not None:
        raise Conflict("This item has been reviewed already.", code="already_reviewed")
    await reveal_queries.record_reveal(conn, store_id, line.order_id, product_id, user_id, now)
    return line


async def reveal_receipt(
    conn: aiosqlite.Connection, store_id: int, number: int, user_id: int, now: int
) -> str:
    """The public id of order ``number``, whose receipt link a member asks to see, once the
    showing is recorded for every line of it; 404 for no such order."""
    order = await reveal_queries.find_order(conn, store_id, number)
    if order is None:
        raise NotFound("There is no such order.")
    order_id, public_id = order
    await reveal_queries.record_reveal(conn, store_id, order_id, None, user_id, now)
    return public_id


def publish_note(reveals: reveal_queries.Reveals) -> str:
    """The publish entry's words for a review written through a link the admin showed: every
    member it was shown to, each once."""
    if not reveals.members:
        return ""
    names = [member or "a member" for member in reveals.members]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    shown = "its review link"
    if reveals.through_receipt:
        shown = "its review link, or the order's receipt link that carries it,"
    return f"Written after {shown} was shown in the admin to {listed}."
