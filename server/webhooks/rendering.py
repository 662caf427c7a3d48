"""A webhook delivery as the Messages page shows it: its event type, and the JSON body it
sends (the same bytes on every attempt)."""

from __future__ import annotations

import json
from html import escape

from server.messages.model import EmailContent, Message
from server.messages.rendering import RenderContext, Renderer


async def render_webhook(message: Message, context: RenderContext) -> EmailContent:
    event_type = str(message.inputs.get("type", "webhook"))
    body = json.dumps(message.inputs, indent=2, ensure_ascii=False)
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(event_type)}</title></head>"
        f'<body><pre style="white-space:pre-wrap">{escape(body)}</pre></body></html>'
    )
    return EmailContent(f"Webhook {event_type} to {message.recipient}", body + "\n", html)


RENDERERS: dict[str, Renderer] = {"webhook": render_webhook}
