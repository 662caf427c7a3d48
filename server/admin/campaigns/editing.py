"""The campaigns list, the campaign form (new and edit), status changes, and the store's
offer settings. Every write is one transaction; a form with errors comes back with 422."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.admin.auth import check_csrf
from server.admin.campaigns import performance_queries, queries
from server.admin.campaigns.performance import list_standing
from server.admin.campaigns.values import NEW_CAMPAIGN, campaign_values
from server.admin.checkout_settings.forms import FormInvalid, FormReader, check_post
from server.admin.checkout_settings.parsing import parse_whole_number
from server.admin.pages import (
    Merchant,
    login_required,
    render_store_form,
    store_for_request,
)
from server.clock import now_ms
from server.errors import Conflict, NotFound
from server.money import example_amount, format_amount
from server.offers import queries as campaign_queries
from server.offers.campaigns import (
    VARIANT_FIELDS,
    VARIANT_FLAGS,
    VARIANT_KEYS,
    StoreTerms,
    form_values,
    read_campaign,
    variant_field,
)
from server.offers.model import Campaign
from server.stores.service import Store

NOTICES = {
    "campaign": "Campaign saved.",
    "live": "Campaign is live.",
    "paused": "Campaign paused. Shoppers no longer see it.",
    "ended": "Campaign ended. Its results stay here.",
    "settings": "Offer settings saved.",
    "request_deleted": "Request deleted.",
}
# Which status a button may move a campaign to, from which statuses.
TRANSITIONS = {
    "live": ("draft", "paused"),
    "paused": ("live",),
    "ended": ("draft", "live", "paused"),
}
STATUS_LABELS = {"draft": "Draft", "live": "Live", "paused": "Paused", "ended": "Ended"}
ACTION_LABELS = {"live": "Go live", "paused": "Pause", "ended": "End"}


def offers_url(store: Store, path: str = "") -> str:
    return f"/admin/stores/{store.id}/campaigns{path}"


def render_offers(
    request: Request,
    merchant: Merchant,
    store: Store,
    template: str,
    context: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> Response:
    context = {"offers_base": offers_url(store), "status_labels": STATUS_LABELS, **context}
    return render_store_form(
        request, merchant, store, f"campaigns/{template}", context, errors, NOTICES
    )


async def campaign_for_request(request: Request, store: Store) -> Campaign:
    campaign = await campaign_queries.load_campaign(
        request.app.state.db, store.id, request.path_params["campaign"]
    )
    if campaign is None:
        raise NotFound("There is no such campaign.")
    return campaign


async def store_terms(request: Request, store: Store) -> StoreTerms:
    gifts = await queries.active_gifts(request.app.state.db, store.id)
    return StoreTerms(store.currency, store.timezone, gifts)


# ---- list and offer settings --------------------------------------------------------------


@login_required
async def campaign_list(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    settings = await queries.offer_settings(request.app.state.db, store.id)
    values = {name: str(value) for name, value in dataclasses.asdict(settings).items()}
    return await _render_list(request, merchant, store, values)


async def _render_list(
    request: Request,
    merchant: Merchant,
    store: Store,
    settings: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    db = request.app.state.db
    campaigns = await campaign_queries.list_campaigns(db, store.id)
    totals = await performance_queries.arm_totals_by_campaign(db, store.id)
    money = partial(_money, store.currency)
    rows = [
        {
            "campaign": campaign,
            "standing": list_standing(campaign, totals.get(campaign.id or 0, []), money),
            "actions": [
                (status, ACTION_LABELS[status])
                for status, sources in TRANSITIONS.items()
                if campaign.status in sources
            ],
        }
        for campaign in campaigns
    ]
    context = {"rows": rows, "settings": settings}
    return render_offers(request, merchant, store, "list.html", context, errors)


@login_required
async def save_settings(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = {name: str(form.get(name, "")) for name in ("attribution_days",
                                                         "interruptions_per_week")}  # fmt: skip
    reader = FormReader(values)
    settings = queries.OfferSettings(
        attribution_days=reader.read("attribution_days", partial(_whole, 1, 90), 7),
        interruptions_per_week=reader.read("interruptions_per_week", partial(_whole, 1, 14), 2),
    )
    if reader.errors:
        return await _render_list(request, merchant, store, values, reader.errors)
    await request.app.state.db.write(
        lambda conn: queries.save_offer_settings(conn, store.id, settings)
    )
    request.app.state.stores.invalidate()
    return RedirectResponse(offers_url(store, "?saved=settings"), 303)


def _money(currency: str, amount: float) -> str:
    return format_amount(round(amount), currency)


def _whole(low: int, high: int, text: str) -> int:
    try:
        return parse_whole_number(text, low, high, str(low))
    except ValueError:
        raise ValueError(f"Enter a whole number from {low} to {high}.") from None


# ---- create and edit ----------------------------------------------------------------------


@login_required
async def new_campaign_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    values = campaign_values(NEW_CAMPAIGN, store.currency, store.timezone)
    return await _render_form(request, merchant, store, None, values)


@login_required
async def create_campaign(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = form_values(form)
    try:
        campaign = read_campaign(values, await store_terms(request, store))
        if campaign.status not in dict(status_choices(None)):
            raise FormInvalid({"status": "Start a new campaign as a draft, or live."})
    except FormInvalid as exc:
        return await _render_form(request, merchant, store, None, values, exc.errors)
    new = dataclasses.replace(campaign, store_id=store.id)
    await request.app.state.db.write(
        lambda conn: campaign_queries.save_campaign(conn, new, now_ms())
    )
    return RedirectResponse(offers_url(store, "?saved=campaign"), 303)


@login_required
async def edit_campaign_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    campaign = await campaign_for_request(request, store)
    values = campaign_values(campaign, store.currency, store.timezone)
    return await _render_form(request, merchant, store, campaign, values)


@login_required
async def update_campaign(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    current = await campaign_for_request(request, store)
    form = await request.form()
    check_csrf(request, merchant.session, form.get("csrf_token"))
    values = form_values(form)
    try:
        campaign = read_campaign(values, await store_terms(request, store))
    except FormInvalid as exc:
        return await _render_form(request, merchant, store, current, values, exc.errors)
    shown = str(form.get("status_shown", ""))

    async def save(conn: Any) -> None:
        # Read inside the write: another tab may have changed the status since the form opened.
        stored = await campaign_queries.load_campaign(conn, store.id, current.public_id)
        if stored is None:
            raise NotFound("There is no such campaign.")
        status = settled_status(stored.status, campaign.status, shown)
        edited = dataclasses.replace(
            campaign, id=stored.id, public_id=stored.public_id, store_id=store.id, status=status
        )
        await campaign_queries.save_campaign(conn, edited, now_ms())

    try:
        await request.app.state.db.write(save)
    except FormInvalid as exc:
        current = await campaign_for_request(request, store)  # as it is now, with its status
        return await _render_form(request, merchant, store, current, values, exc.errors)
    return RedirectResponse(offers_url(store, "?saved=campaign"), 303)


def settled_status(stored: str, submitted: str, shown: str) -> str:
    """The status an edit leaves: the same rules as the status buttons.

    A form that left the status as it showed it keeps whatever is stored now, so an edit
    does not undo a pause or an end made meanwhile in another tab.
    """
    if submitted in (stored, shown):
        return stored
    if stored not in TRANSITIONS.get(submitted, ()):
        raise FormInvalid(
            {"status": f"This campaign is {stored}: it cannot be set to {submitted} from there."}
        )
    return submitted


def status_choices(campaign: Campaign | None) -> list[tuple[str, str]]:
    """The statuses the form offers: a new campaign starts as a draft or live."""
    now = campaign.status if campaign else "draft"
    allowed = {now} | {to for to, sources in TRANSITIONS.items() if now in sources}
    if campaign is None:
        allowed.discard("ended")
    return [(status, label) for status, label in STATUS_LABELS.items() if status in allowed]


async def _render_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    campaign: Campaign | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    db = request.app.state.db
    gifts = await queries.active_gifts(db, store.id)
    preview_id = campaign.public_id if campaign else "new"
    exposed = (await queries.exposure_counts(db, store.id)).get(campaign.id, 0) if campaign else 0
    context = {
        "campaign": campaign,
        "exposed": exposed,
        "values": values,
        "variant_keys": VARIANT_KEYS,
        "field_name": variant_field,
        # Each variant's fields, so one with an error is never folded away.
        "variant_fields": {
            key: [variant_field(key, name) for name in (*VARIANT_FIELDS, *VARIANT_FLAGS)]
            for key in VARIANT_KEYS
        },
        "gifts": list(gifts.items()),
        "money_example": example_amount(store.currency),
        "preview_url": offers_url(store, f"/{preview_id}/preview"),
        "action": offers_url(store, f"/{campaign.public_id}" if campaign else ""),
        "status_choices": status_choices(campaign),
    }
    return render_offers(request, merchant, store, "form.html", context, errors)


# ---- status -------------------------------------------------------------------------------


@login_required
async def change_status(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    await check_post(request, merchant)
    target = request.path_params["status"]
    public_id = request.path_params["campaign"]
    if target not in TRANSITIONS:
        raise NotFound("There is no such page.")

    async def change(conn: Any) -> None:
        # Read inside the write: another tab may have changed the status meanwhile.
        campaign = await campaign_queries.load_campaign(conn, store.id, public_id)
        if campaign is None or campaign.id is None:
            raise NotFound("There is no such campaign.")
        if campaign.status not in TRANSITIONS[target]:
            raise Conflict(
                f"This campaign is {campaign.status}: it cannot be set to {target} from there."
            )
        await campaign_queries.set_status(conn, campaign.id, target, now_ms())  # type: ignore[arg-type]

    await request.app.state.db.write(change)
    return RedirectResponse(offers_url(store, f"?saved={target}"), 303)
