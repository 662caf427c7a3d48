"""What every checkout settings page shares: its address, the notices a saved form announces,
and rendering with 422 when there are errors (the form flow itself is ``server.admin.forms``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.pages import Merchant, render_store_form
from server.stores.service import Store

# What a redirect's ``?saved=`` may announce; anything else in the URL is ignored.
NOTICES = {
    "general": "Checkout settings saved.",
    "discount": "Discount code saved.",
    "deactivated": "Discount code deactivated. Shoppers can no longer use it.",
    "activated": "Discount code activated.",
    "zone": "Shipping zone saved.",
    "zone-deleted": "Shipping zone deleted, with its methods.",
    "method": "Shipping method saved.",
    "method-deleted": "Shipping method deleted.",
    "delivery": "Delivery dates saved.",
    "tax": "Tax rate saved.",
    "tax-deleted": "Tax rate deleted.",
}


def render_settings(
    request: Request,
    merchant: Merchant,
    store: Store,
    template: str,
    context: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"checkout_base": settings_url(store), **context}
    return render_store_form(
        request, merchant, store, f"checkout/{template}", context, errors, NOTICES
    )


def settings_url(store: Store, path: str = "") -> str:
    return f"/admin/stores/{store.id}/checkout{path}"


def saved_url(store: Store, path: str, notice: str) -> str:
    assert notice in NOTICES
    return f"{settings_url(store, path)}?saved={notice}"


def saved(store: Store, path: str, notice: str) -> Response:
    return RedirectResponse(saved_url(store, path, notice), 303)
