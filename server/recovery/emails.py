"""The recovery emails, rendered when sent from what they are about as it is then: a
reminder of an abandoned checkout (kind ``recovery``, marketing: it carries a one-click
unsubscribe, RFC 8058) and the one email an offer's "email me my cart" asked for (kind
``cart_email``). Each holds a signed link that rebuilds the cart (``server.recovery.links``).
The sequence queues the reminders (``server.recovery.sequence``), an offer's claim the cart
email (``server.offers.claiming``); ``app.py`` hands these renderers to the sender."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server.carts.queries import load_cart
from server.carts.service import Cart
from server.messages.model import EmailContent, Message
from server.messages.rendering import (
    EmailTemplates,
    RenderContext,
    Renderer,
    Suppress,
    Unrenderable,
)
from server.orders.receipt import LocalFormats
from server.recovery import claim_queries, queries, step_queries, stop_queries
from server.recovery.links import LinkTarget, recovery_url, unsubscribe_url
from server.recovery.model import LINK_DAYS, SUPPRESSED_BECAUSE

TEMPLATES = EmailTemplates(Path(__file__).parent / "templates" / "emails")
HEADLINES = {
    1: "You left something in your cart",
    2: "Your cart is still waiting",
    3: "Still thinking it over?",
}
SUBJECTS = {
    1: "You left something in your cart at {store}",
    2: "Your cart at {store} is still waiting",
    3: "Still thinking it over? Your cart at {store}",
}


async def render_reminder(message: Message, context: RenderContext) -> EmailContent:
    store = context.store
    contact_id, step = message.inputs.get("contact"), message.inputs.get("step")
    contact = await queries.find_contact(context.db, contact_id) if contact_id else None
    if contact is None or contact.email is None or not isinstance(step, int):
        raise Unrenderable("The checkout of this reminder is gone, or its email was withdrawn.")
    # Checked again before it goes: a retry or a resend can come hours after the reminder was
    # written. Not for the admin's reading: a sent one stays readable after the sequence stops.
    if not context.for_display:
        settings = await queries.load_settings(context.db, store.id)
        reason = await stop_queries.stop_reason(context.db, contact, settings, context.signer)
        if reason is not None:
            raise Suppress(SUPPRESSED_BECAUSE.get(reason, reason))
    cart = await _cart(context, contact.cart_public_id)
    target = LinkTarget(store.id, contact.id, step)
    unsubscribe = unsubscribe_url(context.signer, context.base_url, target)
    formats = LocalFormats(store.locale, store.timezone)
    values: dict[str, Any] = {
        "headline": HEADLINES.get(step, HEADLINES[1]),
        "link": recovery_url(context.signer, context.base_url, target, context.now),
        "unsubscribe": unsubscribe,
        "mode": contact.mode,
        "code": None,
        **_cart_values(cart, formats, store.currency),
    }
    discount_id = message.inputs.get("discount")
    code = await step_queries.incentive(context.db, discount_id) if discount_id else None
    if code is not None:
        values |= {
            "code": code["code"],
            "saving": _saving(code["kind"], code["value"], formats, store.currency),
            "code_expires": formats.moment(code["expires_at"]),
        }
    subject = SUBJECTS.get(step, SUBJECTS[1]).format(store=store.name)
    content = TEMPLATES.render("recovery", subject, context.look, **values)
    headers = (
        ("List-Unsubscribe", f"<{unsubscribe}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    return EmailContent(content.subject, content.text, content.html, headers)


async def render_cart_email(message: Message, context: RenderContext) -> EmailContent:
    store = context.store
    public_id = None
    if message.cart_id is not None:
        public_id = await claim_queries.cart_public_id(context.db, message.cart_id)
    if public_id is None:
        raise Unrenderable("The cart of this email no longer exists.")
    cart = await _cart(context, public_id)
    target = LinkTarget(store.id, cart_public_id=public_id)
    formats = LocalFormats(store.locale, store.timezone)
    return TEMPLATES.render(
        "cart_email", f"Your cart at {store.name}", context.look, days=LINK_DAYS,
        link=recovery_url(context.signer, context.base_url, target, context.now),
        **_cart_values(cart, formats, store.currency),
    )  # fmt: skip


async def _cart(context: RenderContext, public_id: str) -> Cart:
    cart = await load_cart(context.db, public_id)
    if cart is None:
        raise Unrenderable("The cart of this email no longer exists.")
    return cart


def _cart_values(cart: Cart, formats: LocalFormats, currency: str) -> dict[str, Any]:
    return {
        "lines": [line for line in cart.lines if line.gift_of is None],
        "money": lambda minor: formats.money(minor, currency),
    }


def _saving(kind: str, value: int, formats: LocalFormats, currency: str) -> str:
    if kind == "percent":
        return f"{value} %"
    if kind == "fixed":
        return formats.money(value, currency)
    return "the shipping"


RENDERERS: dict[str, Renderer] = {"recovery": render_reminder, "cart_email": render_cart_email}
