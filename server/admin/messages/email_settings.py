"""A store's email settings (owners only): who its emails come from, their accent colour, and
which of them go out at all. A kind switched off is not queued from then on; messages
already queued still go."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.forms import FormPage
from server.admin.messages.pages import server_facts
from server.admin.pages import Merchant, render_store_form
from server.emails import normalize_email
from server.forms import FormReader, parse_clock_time, parse_line, whole
from server.messages import queries
from server.messages.model import SWITCHABLE, EmailSettings, parse_colour
from server.services import services
from server.stores.service import Store

NOTICES = {"emails": "Email settings saved. The next emails use them."}
FLAGS = tuple(f"send_{kind.key}" for kind in SWITCHABLE)


def settings_url(store: Store) -> str:
    return f"/admin/stores/{store.id}/settings/emails"


async def load(request: Request, store: Store) -> EmailSettings:
    return await queries.email_settings(services(request).db, store.id)


def initial(settings: EmailSettings, store: Store) -> dict[str, str]:
    values = {
        "sender_name": settings.sender_name,
        "sender_email": settings.sender_email,
        "accent_colour": settings.accent_colour,
        "review_request_days": str(settings.review_request_days),
        "review_reminder_days": str(settings.review_reminder_days),
        "sms_quiet_start": _clock(settings.sms_quiet_start),
        "sms_quiet_end": _clock(settings.sms_quiet_end),
    }
    return values | {f"send_{k.key}": str(k.key in settings.enabled).lower() for k in SWITCHABLE}


def read_email_settings(values: dict[str, str]) -> EmailSettings:
    form = FormReader(values)
    name = form.read("sender_name", lambda text: parse_line("the sender name", 0, 100, text), "")
    email = ""
    if values.get("sender_email", "").strip():
        email = form.check(
            lambda: normalize_email(values["sender_email"], field="sender_email"), ""
        )
    colour = form.read("accent_colour", parse_colour, "")
    days = whole(0, 90, "Enter a number of days from 0 to 90.")
    request_days = form.read("review_request_days", days, 0)
    reminder_days = form.read("review_reminder_days", days, 0)
    quiet_start = form.read("sms_quiet_start", _minute_of_day, 0)
    quiet_end = form.read("sms_quiet_end", _minute_of_day, 0)
    form.done()
    enabled = frozenset(kind.key for kind in SWITCHABLE if form.flag(f"send_{kind.key}"))
    return EmailSettings(
        name, email, colour, enabled, request_days, reminder_days, quiet_end, quiet_start
    )


def _minute_of_day(text: str) -> int:
    at = parse_clock_time(text)
    return at.hour * 60 + at.minute


def _clock(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


async def _render(
    request: Request, merchant: Merchant, store: Store, settings: EmailSettings,
    values: dict[str, str], errors: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    context = {
        "values": values,
        "kinds": SWITCHABLE,
        "action": settings_url(store),
        "messages_url": f"/admin/stores/{store.id}/messages",
        **server_facts(request),
    }
    return render_store_form(
        request, merchant, store, "messages/email_settings.html", context, errors, NOTICES
    )


email_settings_page = FormPage(
    load=load,
    initial=initial,
    fields=(
        "sender_name",
        "sender_email",
        "accent_colour",
        "review_request_days",
        "review_reminder_days",
        "sms_quiet_start",
        "sms_quiet_end",
    ),
    flags=FLAGS,
    read=lambda values, store, loaded: read_email_settings(values),
    write=lambda conn, store, loaded, new, now: queries.save_email_settings(
        conn, store.id, new, now
    ),
    render=_render,
    done=lambda store, loaded, _: settings_url(store) + "?saved=emails",
)

routes = [
    Route("/stores/{store_id:id}/settings/emails", email_settings_page.show, methods=["GET"]),
    Route("/stores/{store_id:id}/settings/emails", email_settings_page.save, methods=["POST"]),
]
