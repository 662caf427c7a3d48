"""A store's settings page (owners only): its name, shop origins, locale, time zone, contact
details and, while it has no orders, its currency.

Saving changes what the widget is told and which origins get CORS answers at once: the
store directory's cache is dropped with the write.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.admin.auth import check_csrf
from server.admin.pages import Merchant, login_required, render_store_form, store_for_request
from server.money import CURRENCY_EXPONENTS
from server.stores.editing import change_store, currency_locked_message
from server.stores.queries import has_orders
from server.stores.service import (
    Store,
    StoreSettingsInvalid,
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


@login_required
async def settings_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    return await _render(request, merchant, store, form_values_of(store))


@login_required
async def save_settings(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = {name: str(form.get(name, "")) for name in FIELDS}
    if "currency" not in form:  # the page shows it read-only once there are orders
        values["currency"] = store.currency
    try:
        new = validate_store_settings(
            values["name"],
            values["origins"].replace(",", " ").split(),
            values["currency"],
            values["locale"],
            values["timezone"],
            values["contact_email"],
            values["contact_phone"],
        )
        await change_store(request.app.state.db, store.id, new)
    except StoreSettingsInvalid as exc:
        return await _render(request, merchant, store, values, exc.errors)
    request.app.state.stores.invalidate()
    return RedirectResponse(settings_url(store) + "?saved=settings", 303)


def form_values_of(store: Store) -> dict[str, str]:
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
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    locked = await has_orders(request.app.state.db, store.id)
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


routes = [
    Route("/stores/{store_id:id}/settings", settings_page, methods=["GET"]),
    Route("/stores/{store_id:id}/settings", save_settings, methods=["POST"]),
]
