"""Turning a message into what its channel sends: for an email, a subject, a plain-text part
and an HTML part, from a pair of Jinja templates that extend one layout in the store's name
and accent colour.

The renderers of each kind live with the domain the message is about (the order emails in
``server.orders.emails``) and are handed to the sender by the app (``Renderers``); this
module has the layout, the context every renderer gets, and the test email's renderer.

HTML emails are written for mail clients: tables for layout (``role="presentation"``, so
screen readers skip them as tables), inline styles, real text and no images, a ``lang``, a
title, and one ``role="article"`` wrapper named by the subject.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from server.db import Database
from server.emails import mailto
from server.forms import format_local_display
from server.messages.model import EmailContent, EmailSettings, Message, link_colour, text_on
from server.security import Signer
from server.stores.service import Store

HERE = Path(__file__).parent
_BLANK_LINES = re.compile(r"\n\s*\n(\s*\n)+")
FONT = "font-family:Arial,Helvetica,sans-serif;"  # inline, as many mail clients drop <style>


@dataclass(frozen=True)
class Look:
    """What every email of a store shows of the store."""

    store_name: str
    accent: str  # the header band and buttons
    accent_text: str  # text on the accent
    link: str  # links on white
    contact_email: str
    contact_phone: str
    lang: str  # the emails are written in English, whatever the store's locale

    @classmethod
    def of(cls, store: Store, settings: EmailSettings) -> Look:
        accent = settings.accent_colour
        return cls(
            store.name, accent, text_on(accent), link_colour(accent), store.contact_email,
            store.contact_phone, "en",
        )  # fmt: skip


@dataclass(frozen=True)
class RenderContext:
    """Everything a renderer may use besides the message: the database to read what the
    message is about, the store and its email settings, the signer and public URL for links
    (signed when rendered, so a rotated key or a new KEEPCART_PUBLIC_URL applies), and the
    time. ``for_display``: rendered for the admin to read, not to send, so a check whether it
    may still go (a cart reminder's sequence stopped since) does not apply."""

    db: Database
    store: Store
    settings: EmailSettings
    signer: Signer
    base_url: str
    now: int
    for_display: bool = False

    @property
    def look(self) -> Look:
        return Look.of(self.store, self.settings)


# The admin's pages show an email with its links inert: a link there would be a working
# review, receipt, cart or unsubscribe link in the hands of whoever opens the page (staff
# too), unrecorded. The admin renders with this as the public URL, so every link a renderer
# builds (now or later) starts with it; ``inert_links`` then turns each into ``#`` (an HTML
# link keeps its words) or the note (anywhere else). The signed part never leaves the server.
HIDDEN_BASE_URL = "keepcart-link-hidden-in-the-admin:"
HIDDEN_NOTE = "(link hidden in the admin)"
_HIDDEN_HREF = re.compile(r'href="' + re.escape(HIDDEN_BASE_URL) + r'[^"]*"')
_HIDDEN = re.compile(re.escape(HIDDEN_BASE_URL) + r"[^\s\"'<>]*")


def inert_links(content: EmailContent) -> EmailContent:
    """``content`` (rendered with ``HIDDEN_BASE_URL``) with none of its links working."""

    def hide(part: str) -> str:
        return _HIDDEN.sub(HIDDEN_NOTE, part)

    return replace(
        content,
        text=hide(content.text),
        html=hide(_HIDDEN_HREF.sub('href="#"', content.html)),
        headers=tuple((name, hide(value)) for name, value in content.headers),
    )


class Unrenderable(Exception):
    """The message cannot be rendered any more (what it is about is gone): it fails for good,
    with this as its reason."""


class Suppress(Unrenderable):
    """The message is not to be sent after all (a review reminder when every line has been
    reviewed since it was queued): it ends suppressed, with this as its reason. (An
    Unrenderable, so what shows a message, the admin's page, shows the reason instead.)"""


Renderer = Callable[[Message, RenderContext], Awaitable[EmailContent]]
Renderers = Mapping[str, Renderer]


class EmailTemplates:
    """``NAME.html`` and ``NAME.txt`` in ``folders`` (and the layouts here), rendered into
    one email. HTML is escaped; the text part is not (it is text)."""

    def __init__(self, *folders: Path):
        self.env = Environment(
            loader=FileSystemLoader([*folders, HERE / "templates"]),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.globals["mailto"] = mailto
        self.env.globals["font"] = FONT

    def render(self, name: str, subject: str, look: Look, **context: Any) -> EmailContent:
        values = {"subject": subject, "look": look, **context}
        html = self.env.get_template(f"{name}.html").render(values)
        text = self.env.get_template(f"{name}.txt").render(values)
        # One blank line between paragraphs, however the template's blocks fall out.
        return EmailContent(subject, _BLANK_LINES.sub("\n\n", text.strip()) + "\n", html)


TEMPLATES = EmailTemplates()


async def render_test(message: Message, context: RenderContext) -> EmailContent:
    """The "send a test email" email: proof that the store's mail reaches an inbox, in the
    store's look."""
    store = context.store
    return TEMPLATES.render(
        "test",
        f"Test email from {store.name}",
        context.look,
        sent_at=format_local_display(message.created_at, store.timezone),
        recipient=message.recipient,
    )


RENDERERS: dict[str, Renderer] = {"test": render_test}
