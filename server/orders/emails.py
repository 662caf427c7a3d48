"""The order emails: the confirmation, the bank transfer's payment instructions and the
shipping email, each rendered from the order as it is now (the message row keeps no copy of
its personal data), with the receipt page's words, formats and signed status link.

Checkout queues the first two with the order (``server.checkout.placing``), marking an order
fulfilled the third (``server.orders.status_changes``); the sender renders them with
``RENDERERS``, and the admin's Messages page shows them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.checkout.addresses import COUNTRIES
from server.checkout.queries import load_settings
from server.messages.model import EmailContent, Message
from server.messages.rendering import EmailTemplates, RenderContext, Renderer, Unrenderable
from server.orders import queries
from server.orders.receipt import LocalFormats, delivery_promise, shopper_status
from server.orders.receipt_link import status_url
from server.orders.service import Order, OrderItem, local_time, payment_label

TEMPLATES = EmailTemplates(Path(__file__).parent / "templates" / "emails")


@dataclass(frozen=True)
class OrderEmail:
    """What every order email may show of its order."""

    order: Order
    items: list[OrderItem]
    formats: LocalFormats
    status_url: str
    address: list[str]  # the delivery address, line by line
    delivery: str  # the receipt's words for when it arrives
    payment: str  # the payment method's name
    instructions: str  # how to pay, while payment is awaited

    def money(self, minor_units: int) -> str:
        return self.formats.money(minor_units, self.order.currency)


async def order_email(message: Message, context: RenderContext) -> OrderEmail:
    """The message's order, read now; Unrenderable when it is gone."""
    order = None
    if message.order_id is not None:
        order = await queries.order_by_id(context.db, message.order_id)
    if order is None:
        raise Unrenderable("The order of this message no longer exists.")
    store = context.store
    settings = await load_settings(context.db, store.id)
    awaiting = order.status == "awaiting_payment"
    today = local_time(context.now, store.timezone).date()
    return OrderEmail(
        order=order,
        items=await queries.order_items(context.db, order.id),
        formats=LocalFormats(store.locale, store.timezone),
        status_url=status_url(context.signer, context.base_url, order.public_id),
        address=address_lines(order.shipping_address),
        delivery=delivery_promise(order, today),
        payment=payment_label(order.payment_method),
        instructions=settings.instructions_for(order.payment_method) if awaiting else "",
    )


def address_lines(address: dict[str, str]) -> list[str]:
    """The address as the receipt page writes it, a line each."""
    place = address.get("city", "")
    if address.get("region"):
        place += f", {address['region']}"
    if address.get("postal_code"):
        place += f" {address['postal_code']}"
    country = COUNTRIES.get(address.get("country", ""))
    lines = [address.get("name", ""), address.get("line1", ""), address.get("line2", ""), place,
             country.name if country else address.get("country", "")]  # fmt: skip
    return [line.strip() for line in lines if line.strip()]


def _render(name: str, subject: str, context: RenderContext, email: OrderEmail,
            **extra: Any) -> EmailContent:  # fmt: skip
    status = shopper_status(email.order.status, email.order.payment_method)
    return TEMPLATES.render(name, subject, context.look, email=email, status=status, **extra)


async def render_confirmation(message: Message, context: RenderContext) -> EmailContent:
    email = await order_email(message, context)
    subject = f"Your order #{email.order.number} at {context.store.name}"
    return _render("order_confirmation", subject, context, email)


async def render_payment_instructions(message: Message, context: RenderContext) -> EmailContent:
    email = await order_email(message, context)
    subject = f"How to pay for order #{email.order.number} at {context.store.name}"
    return _render("payment_instructions", subject, context, email)


async def render_shipped(message: Message, context: RenderContext) -> EmailContent:
    email = await order_email(message, context)
    subject = f"Your order #{email.order.number} from {context.store.name} is on its way"
    return _render("order_shipped", subject, context, email)


RENDERERS: dict[str, Renderer] = {
    "order_confirmation": render_confirmation,
    "payment_instructions": render_payment_instructions,
    "order_shipped": render_shipped,
}
