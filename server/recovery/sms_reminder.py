"""The recovery SMS (kind ``recovery_sms``), rendered when sent: short, with the store's name
and the signed recovery link of its reminder. It does not go (it ends suppressed, saying
why) when the sequence would stop now (an order, an emptied cart, the switch off), even if
the sequence has not looked since: an SMS may wait hours for the shopper's quiet hours to
end. "Reply STOP" and opting out by reply are the SMS provider's (README, "SMS")."""

from __future__ import annotations

from server.messages.model import EmailContent, Message
from server.messages.rendering import RenderContext, Renderer, Suppress, Unrenderable
from server.messages.sms import sms_content
from server.messages.sms_outbox import RECOVERY_SMS
from server.recovery import queries
from server.recovery.links import LinkTarget, recovery_url
from server.recovery.sequence import why_stop

STOPPED = {
    "ordered": "an order was placed",
    "emptied": "the cart was emptied",
    "unsubscribed": "the shopper unsubscribed",
    "forgotten": "the shopper took their consent back",
    "switched_off": "cart recovery was switched off",
}


async def render_recovery_sms(message: Message, context: RenderContext) -> EmailContent:
    contact_id, step = message.inputs.get("contact"), message.inputs.get("step")
    contact = await queries.find_contact(context.db, contact_id) if contact_id else None
    if contact is None or not isinstance(step, int):
        raise Unrenderable("The checkout of this reminder is gone.")
    if contact.phone is None:
        raise Suppress("Not sent: the shopper took their consent to SMS back.")
    if not context.for_display:  # the admin reads a sent one after the sequence stopped
        settings = await queries.load_settings(context.db, contact.store_id)
        reason = await why_stop(context.db, contact, settings, context.signer)
        if reason is not None:
            raise Suppress(f"Not sent: {STOPPED.get(reason, reason)} since it was queued.")
    link = recovery_url(
        context.signer, context.base_url, LinkTarget(contact.store_id, contact.id, step),
        context.now,
    )  # fmt: skip
    return sms_content(
        "Cart reminder by SMS",
        f"{context.store.name}: you left something in your cart. It is saved for you here: {link}",
    )


RENDERERS: dict[str, Renderer] = {RECOVERY_SMS: render_recovery_sms}
