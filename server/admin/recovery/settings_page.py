"""The owners' "Cart recovery" page: whether and how a checkout's email is asked for
reminders, the exact words shown, the sequence of up to three reminders with their delays
and incentives, the holdout, and the page a reminder's link opens. Saving new words makes
the checkouts already open ask again (their PUT answers 409 wording_changed)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.admin.forms import FormPage
from server.admin.pages import Merchant, render_store_form
from server.admin.recovery.settings_form import FIELDS, FLAGS, initial, read_settings
from server.recovery import queries
from server.recovery.links import shop_page
from server.recovery.model import INCENTIVE_KINDS, MAX_STEPS, MODE_LABELS, RecoverySettings
from server.services import services
from server.stores.service import Store

NOTICES = {"recovery": "Cart recovery saved. New checkouts show the new words at once."}
INCENTIVE_LABELS = {
    "none": "No code",
    "percent": "A percent off the cart",
    "fixed": "An amount off the cart",
    "free_shipping": "Free shipping",
}
assert set(INCENTIVE_LABELS) == {"none", *INCENTIVE_KINDS}


def page_url(store: Store) -> str:
    return f"/admin/stores/{store.id}/recovery"


async def load(request: Request, store: Store) -> RecoverySettings:
    return await queries.load_settings(services(request).db, store.id)


async def _render(
    request: Request, merchant: Merchant, store: Store, settings: RecoverySettings,
    values: dict[str, str], errors: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    context = {
        "values": values,
        "modes": list(MODE_LABELS.items()),
        "incentives": list(INCENTIVE_LABELS.items()),
        "step_numbers": range(1, MAX_STEPS + 1),
        "action": page_url(store),
        "results_url": page_url(store) + "/results",
        "landing": shop_page(store, ""),  # where an empty field lands
    }
    return render_store_form(
        request, merchant, store, "recovery/settings.html", context, errors, NOTICES
    )


settings_page = FormPage(
    load=load,
    initial=initial,
    fields=FIELDS,
    flags=FLAGS,
    read=lambda values, store, loaded: read_settings(values, store),
    write=lambda conn, store, loaded, new, now: queries.save_settings(conn, store.id, new, now),
    render=_render,
    done=lambda store, loaded, _: page_url(store) + "?saved=recovery",
)

routes = [
    Route("/stores/{store_id:id}/recovery", settings_page.show, methods=["GET"]),
    Route("/stores/{store_id:id}/recovery", settings_page.save, methods=["POST"]),
]
