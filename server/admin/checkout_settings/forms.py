"""What every checkout settings page shares: reading a submitted form (CSRF first),
collecting every field error at once, rendering with 422 when there are errors, and the
redirect after a successful POST."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.auth import check_csrf
from server.admin.pages import Merchant, render_store_form
from server.stores.service import Store

T = TypeVar("T")

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


class FormInvalid(Exception):
    """A form that cannot be saved: ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


class FormReader:
    """Reads fields one by one and keeps every error, so the merchant sees them all at once."""

    def __init__(self, values: Mapping[str, str]):
        self.values = values
        self.errors: dict[str, str] = {}

    def read(self, name: str, parse: Callable[[str], T], default: T) -> T:
        try:
            return parse(self.values.get(name, ""))
        except ValueError as exc:
            self.errors.setdefault(name, str(exc))
            return default

    def optional(self, name: str, parse: Callable[[str], T]) -> T | None:
        """Empty means None; anything else must parse."""
        if not self.values.get(name, "").strip():
            return None
        return self.read(name, parse, None)

    def flag(self, name: str) -> bool:
        return self.values.get(name) == "true"

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def done(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)


async def submitted(
    request: Request,
    merchant: Merchant,
    fields: Iterable[str],
    flags: Iterable[str] = (),
) -> dict[str, str]:
    """The posted text fields, and checkboxes as "true"/"false", after the CSRF check."""
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = {name: str(form.get(name, "")) for name in fields}
    return values | {name: "true" if form.get(name) else "false" for name in flags}


async def check_post(request: Request, merchant: Merchant) -> None:
    """For buttons that post nothing but the CSRF token (delete, deactivate)."""
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))


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


def saved(store: Store, path: str, notice: str) -> Response:
    assert notice in NOTICES
    return RedirectResponse(f"{settings_url(store, path)}?saved={notice}", 303)
