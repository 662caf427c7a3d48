"""The Messages page: every message a store's outbox holds (emails, SMS and webhook
deliveries), with its state, when a queued one goes next and why, its attempts and last
error; one message with what it says (an SMS as its text, with its length in SMS segments);
a resend for one that failed or was never sent; and, for owners, a test email.

Staff see messages as they see orders (the recipients are the orders' customers) and may
resend one; the test email, which checks the mail set-up, is the owners' (STAFF_PAGES).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import aiosqlite
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from server.admin.forms import FormPage, check_post, nothing
from server.admin.orders.pages import page_from
from server.admin.pages import Merchant, found, login_required, render, store_for_request
from server.emails import normalize_email
from server.errors import NotFound, ValidationFailed
from server.forms import FormReader, format_local_display
from server.messages import queries
from server.messages.model import STATE_LABELS, EmailContent, Message, next_try
from server.messages.outbox import enqueue
from server.messages.rendering import HIDDEN_NOTE, Unrenderable
from server.messages.sms_segments import SmsSize, sms_size
from server.services import services
from server.stores.service import Store

PAGE_SIZE = 50
# Test emails go through the operator's mail server to any address, and any login may create
# a store and own it: a few an hour per store check a set-up, and relay no campaign.
TEST_EMAILS_PER_HOUR = 5
HOUR_MS = 3_600_000
NOTICES = {
    "resent": "Queued again: it is sent within a few seconds.",
    "test": "Test email queued: it is sent within a few seconds.",
}
# The preview is the email's own HTML, shown in a sandboxed frame: its inline styles apply,
# nothing in it runs, and it loads nothing (a link in it opens nothing either).
PREVIEW_HEADERS = {
    "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline';"
    " img-src data:; frame-ancestors 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def base_url(store: Store) -> str:
    return f"/admin/stores/{store.id}/messages"


# ---- the list, with the test email form -----------------------------------------------------


@login_required
async def message_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = {"recipient": merchant.email}
    return await _render_list(request, merchant, store, None, values, None)


async def _render_list(
    request: Request, merchant: Merchant, store: Store, loaded: None,
    values: dict[str, str], errors: dict[str, str] | None,
) -> Response:  # fmt: skip
    db, state = services(request).db, state_from(request)
    matching = await queries.count_messages(db, store.id, state)
    pages = max(1, -(-matching // PAGE_SIZE))
    page = page_from(request.query_params.get("page"), pages)
    offset = (page - 1) * PAGE_SIZE
    context = {
        "merchant": merchant,
        "store": store,
        "messages": await queries.list_messages(
            db, store.id, state, limit=PAGE_SIZE, offset=offset
        ),
        "state": state,
        "states": STATE_LABELS,
        "matching": matching,
        "first_shown": offset + 1,
        "page": page,
        "pages": pages,
        "previous_url": list_url(state, page - 1) if page > 1 else None,
        "next_url": list_url(state, page + 1) if page < pages else None,
        "values": values,
        "errors": errors or {},
        "notice": None if errors else NOTICES.get(request.query_params.get("saved", "")),
        "channel": None,  # every channel's: what the list says of the servers
        **server_facts(request),
        **formatters(request, store),
    }
    status = 422 if errors else 200
    return render(request, "messages/list.html", context, session=merchant.session, status=status)


def state_from(request: Request) -> str | None:
    """The state filter; anything unknown means every state, so a stale link shows all."""
    state = request.query_params.get("state")
    return state if state in STATE_LABELS else None


def list_url(state: str | None, page: int = 1) -> str:
    params = {"state": state or "", "page": page if page > 1 else ""}
    kept = {key: value for key, value in params.items() if value}
    return "?" + urlencode(kept) if kept else ""


def server_facts(request: Request) -> dict[str, Any]:
    """Whether email and SMS can go out at all, and where they go (never a password, an
    account sid or a token)."""
    settings = services(request).settings
    smtp, sms = settings.smtp, settings.sms
    return {
        "email_configured": smtp is not None,
        "mail_server": smtp.describe() if smtp else "",
        "sms_configured": sms is not None,
        "sms_provider": sms.describe_provider() if sms else "",
    }


def formatters(request: Request, store: Store) -> dict[str, Any]:
    now = services(request).clock.now_ms()
    return {
        "when": lambda epoch_ms: format_local_display(epoch_ms, store.timezone),
        "next_try": lambda message: next_try(message, now),
    }


def read_test_email(values: dict[str, str]) -> str:
    form = FormReader(values)
    recipient = form.check(
        lambda: normalize_email(values.get("recipient", ""), field="recipient"), ""
    )
    form.done()
    return recipient


async def queue_test_email(
    conn: aiosqlite.Connection, store: Store, recipient: str, now: int
) -> str:
    """The test email queued; ValidationFailed past ``TEST_EMAILS_PER_HOUR`` for the store."""
    if (
        await queries.count_kind_since(conn, store.id, "test", now - HOUR_MS)
        >= TEST_EMAILS_PER_HOUR
    ):
        raise ValidationFailed(
            f"A store sends at most {TEST_EMAILS_PER_HOUR} test emails an hour: try again later.",
            field="recipient",
        )
    public_id = await enqueue(conn, store.id, "test", recipient, now)
    assert public_id is not None  # a test email is never switched off, nor tied to an order
    return public_id


test_email = FormPage(
    load=nothing,
    initial=lambda loaded, store: {},
    fields=("recipient",),
    read=lambda values, store, loaded: read_test_email(values),
    write=lambda conn, store, loaded, recipient, now: queue_test_email(conn, store, recipient, now),
    render=_render_list,
    done=lambda store, loaded, public_id: f"{base_url(store)}/{public_id}?saved=test",
)


# ---- one message ----------------------------------------------------------------------------


@login_required
async def message_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    message = await message_for_request(request, store)
    return await _render_message(request, merchant, store, message)


async def message_for_request(request: Request, store: Store) -> Message:
    public_id = request.path_params["message"]
    return found(
        await queries.find_message(services(request).db, store.id, public_id),
        "There is no such message.",
    )


async def rendered(request: Request, store: Store, message: Message) -> EmailContent | str:
    """What the message says, rendered now with its links inert; or why it cannot be shown."""
    try:
        return await services(request).sender.preview(message, store)
    except Unrenderable as exc:
        return str(exc)
    except KeyError:
        return "Keepcart cannot show this kind of message."


async def _render_message(
    request: Request, merchant: Merchant, store: Store, message: Message,
    error: str | None = None, status: int = 200,
) -> Response:  # fmt: skip
    content = await rendered(request, store, message)
    shown = content if isinstance(content, EmailContent) else None
    context = {
        "merchant": merchant,
        "store": store,
        "message": message,
        "channel": message.channel,
        "content": shown,
        "unshown": content if isinstance(content, str) else None,
        "preview_url": f"{base_url(store)}/{message.public_id}/preview",
        "size": await sms_size_sent(request, store, message) if shown else None,
        "hides_link": shown is not None and HIDDEN_NOTE in shown.text,
        "order_number": await order_number(request, message),
        "errors": {"resend": error} if error else {},
        "notice": None if error else NOTICES.get(request.query_params.get("saved", "")),
        **server_facts(request),
        **formatters(request, store),
    }
    return render(request, "messages/detail.html", context, session=merchant.session,
                  status=status)  # fmt: skip


async def sms_size_sent(request: Request, store: Store, message: Message) -> SmsSize | None:
    """An SMS's length as it is sent, its link included (the page shows the text with the
    link hidden, and a link is most of a reminder's length); None for any other message."""
    if message.channel != "sms":
        return None
    try:
        sent = await services(request).sender.render(message, store)
    except (Unrenderable, KeyError):
        return None
    return sms_size(sent.text)


async def order_number(request: Request, message: Message) -> int | None:
    if message.order_id is None:
        return None
    value = await services(request).db.fetch_value(
        "SELECT number FROM orders WHERE id = ? AND store_id = ?",
        (message.order_id, message.store_id),
    )
    return None if value is None else int(value)


@login_required
async def message_preview(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    message = await message_for_request(request, store)
    content = await rendered(request, store, message)
    if not isinstance(content, EmailContent):
        raise NotFound(content)
    return HTMLResponse(content.html, headers=PREVIEW_HEADERS)


@login_required
async def resend(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    await check_post(request, merchant)
    public_id = request.path_params["message"]
    now = services(request).clock.now_ms()
    message, queued = found(
        await services(request).db.write(
            lambda conn: queries.resend(conn, store.id, public_id, now)
        ),
        "There is no such message.",
    )
    if not queued:
        error = (
            f"This message is {message.state_label.lower()}: only a failed or unsent message"
            " can be sent again."
        )
        return await _render_message(request, merchant, store, message, error, 409)
    return RedirectResponse(f"{base_url(store)}/{public_id}?saved=resent", 303)


BASE = "/stores/{store_id:id}/messages"
routes = [
    Route(BASE, message_list, methods=["GET"]),
    Route(BASE + "/test", test_email.save, methods=["POST"]),
    Route(BASE + "/{message}", message_page, methods=["GET"]),
    Route(BASE + "/{message}/preview", message_preview, methods=["GET"]),
    Route(BASE + "/{message}/resend", resend, methods=["POST"]),
]
