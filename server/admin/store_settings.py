"""A store's settings page (owners only): its name, shop origins, locale, time zone, contact
details and, while it has no orders, its currency.

Saving changes what the widget is told and which origins get CORS answers at once: the
store directory's cache is dropped with the write.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.forms import FormPage, form_text, nothing
from server.admin.pages import Merchant, render_store_form
from server.money import CURRENCY_EXPONENTS
from server.services import services
from server.stores.editing import currency_locked_message, write_store_settings
from server.stores.queries import has_orders
from server.stores.service import (
    Store,
    StoreSettings,
    settings_of,
    time_zones,
    validate_store_settings,
)

FIELDS = ("name", "origins", "currency", "locale", "timezone", "contact_email", "contact_phone")
NOTICES = {"settings": "Store settings saved. The widget and CORS follow them now."}
# Locales offered as suggestions; any well-formed one is accepted.
COMMON_LOCALES = (
    "en-US", "en-GB", "en-IE", "en-AU", "en-CA", "en-NZ", "de-DE", "de-AT", "de-CH", "fr-FR",
    "fr-BE", "fr-CA", "fr-CH", "es-ES", "es-MX", "it-IT", "nl-NL", "nl-BE", "pt-PT", "pt-BR",
    "da-DK", "sv-SE", "nb-NO", "fi-FI", "pl-PL", "cs-CZ", "hu-HU", "ja-JP", "ko-KR",
)  # fmt: skip


def settings_url(store: Store) -> str:
    return f"/admin/stores/{store.id}/settings"


def submitted_settings(form: FormData, store: Store) -> dict[str, str]:
    values = form_text(form, FIELDS)
    if "currency" not in form:  # the page shows it read-only once there are orders
        values["currency"] = store.currency
    return values


def read_settings(values: dict[str, str]) -> StoreSettings:
    return validate_store_settings(
        values["name"],
        values["origins"].replace(",", " ").split(),
        values["currency"],
        values["locale"],
        values["timezone"],
        values["contact_email"],
        values["contact_phone"],
    )


def form_values_of(loaded: None, store: Store) -> dict[str, str]:
    settings = settings_of(store)
    return {
        "name": settings.name,
        "origins": "\n".join(settings.origins),
        "currency": settings.currency,
        "locale": settings.locale,
        "timezone": settings.timezone,
        "contact_email": settings.contact_email,
        "contact_phone": settings.contact_phone,
    }


async def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    loaded: None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    locked = await has_orders(services(request).db, store.id)
    context = {
        "values": values,
        "currencies": [(code, code) for code in sorted(CURRENCY_EXPONENTS)],
        "currency_locked": currency_locked_message(store.currency) if locked else None,
        "time_zones": sorted(time_zones()),
        "locales": COMMON_LOCALES,
        "action": settings_url(store),
    }
    return render_store_form(
        request, merchant, store, "store_settings.html", context, errors, NOTICES
    )


settings_page = FormPage(
    load=nothing,
    initial=form_values_of,
    submitted=submitted_settings,
    read=lambda values, store, _: read_settings(values),
    write=lambda conn, store, _, new, now: write_store_settings(conn, store.id, new),
    render=_render,
    done=lambda store, _, __: settings_url(store) + "?saved=settings",
    changes_store=True,
)

routes = [
    Route("/stores/{store_id:id}/settings", settings_page.show, methods=["GET"]),
    Route("/stores/{store_id:id}/settings", settings_page.save, methods=["POST"]),
]
