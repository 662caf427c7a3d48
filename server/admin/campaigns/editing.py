"""The campaigns list, the campaign form (new and edit), status changes, and the store's
offer settings. Every write is one transaction; a form with errors comes back with 422."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import partial
from typing import Any

import aiosqlite
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from server.admin.campaigns import performance_queries, queries
from server.admin.campaigns.campaign_form import (
    VARIANT_FIELDS,
    VARIANT_FLAGS,
    VARIANT_KEYS,
    StoreTerms,
    form_values,
    read_campaign,
    variant_field,
)
from server.admin.campaigns.campaign_prefill import NEW_CAMPAIGN, campaign_values
from server.admin.campaigns.performance import list_standing
from server.admin.forms import FormPage
from server.admin.lifecycle import (
    STATUS_LABELS,
    settled_status,
    status_actions,
    status_change,
    status_choices,
)
from server.admin.pages import (
    Merchant,
    found,
    render_store_form,
)
from server.errors import NotFound
from server.forms import FormInvalid, FormReader, whole
from server.money import example_amount, format_amount
from server.offers import queries as campaign_queries
from server.offers.model import Campaign
from server.services import services
from server.stores.service import Store

NOTICES = {
    "campaign": "Campaign saved.",
    "live": "Campaign is live.",
    "paused": "Campaign paused. Shoppers no longer see it.",
    "ended": "Campaign ended. Its results stay here.",
    "settings": "Offer settings saved.",
    "request_deleted": "Request deleted.",
}


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
    return found(
        await campaign_queries.load_campaign(
            services(request).db, store.id, request.path_params["campaign"]
        ),
        "There is no such campaign.",
    )


async def store_terms(request: Request, store: Store, gift_skus: Iterable[str]) -> StoreTerms:
    """What a campaign form is read against; of the catalog, only the gifts among
    ``gift_skus`` (the form's), which may be thousands of products."""
    gifts = await queries.gift_names(services(request).db, store.id, gift_skus)
    return StoreTerms(store.currency, store.timezone, gifts)


async def posted_gift_skus(request: Request) -> set[str]:
    """The gift SKUs a posted campaign form names (none for the form's GET): the only ones its
    reading checks. Starlette parses the form once, and ``save`` checks its CSRF token before
    anything of it is read into a campaign or written."""
    if request.method != "POST":
        return set()
    return gift_skus(form_values(await request.form()))


# ---- list and offer settings --------------------------------------------------------------


async def offer_settings(request: Request, store: Store) -> queries.OfferSettings:
    return await queries.offer_settings(services(request).db, store.id)


def settings_values(settings: queries.OfferSettings, store: Store) -> dict[str, str]:
    return {name: str(value) for name, value in dataclasses.asdict(settings).items()}


def read_offer_settings(values: dict[str, str]) -> queries.OfferSettings:
    reader = FormReader(values)
    settings = queries.OfferSettings(
        attribution_days=reader.read("attribution_days", whole(1, 90), 7),
        interruptions_per_week=reader.read("interruptions_per_week", whole(1, 14), 2),
    )
    reader.done()
    return settings


async def _render_list(
    request: Request,
    merchant: Merchant,
    store: Store,
    saved: queries.OfferSettings,
    settings: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    db = services(request).db
    campaigns = await campaign_queries.list_campaigns(db, store.id)
    totals = await performance_queries.arm_totals_by_campaign(db, store.id)
    money = partial(_money, store.currency)
    rows = [
        {
            "campaign": campaign,
            "standing": list_standing(campaign, totals.get(campaign.id or 0, []), money),
            "actions": status_actions(campaign.status),
        }
        for campaign in campaigns
    ]
    context = {"rows": rows, "settings": settings}
    return render_offers(request, merchant, store, "list.html", context, errors)


def _money(currency: str, amount: float) -> str:
    return format_amount(round(amount), currency)


# ---- create and edit ----------------------------------------------------------------------


async def new_campaign_terms(request: Request, store: Store) -> StoreTerms:
    return await store_terms(request, store, await posted_gift_skus(request))


async def campaign_and_terms(request: Request, store: Store) -> tuple[Campaign, StoreTerms]:
    campaign = await campaign_for_request(request, store)
    return campaign, await store_terms(request, store, await posted_gift_skus(request))


def read_new_campaign(values: dict[str, str], terms: StoreTerms) -> Campaign:
    campaign = read_campaign(values, terms)
    if campaign.status not in dict(status_choices("draft", new=True)):
        raise FormInvalid({"status": "Start a new campaign as a draft, or live."})
    return campaign


async def insert_campaign(
    conn: aiosqlite.Connection, store: Store, campaign: Campaign, now: int
) -> None:
    new = dataclasses.replace(campaign, store_id=store.id)
    await campaign_queries.save_campaign(conn, new, now)


def edited_form(form: FormData) -> dict[str, str]:
    """The campaign form, and the status it showed when it was opened."""
    return form_values(form) | {"status_shown": str(form.get("status_shown", ""))}


async def save_edit(
    conn: aiosqlite.Connection,
    store: Store,
    current: Campaign,
    campaign: Campaign,
    shown: str,
    now: int,
) -> None:
    assert current.public_id is not None  # it was loaded to be edited, so it has its ids
    # Read inside the write: another tab may have changed the status since the form opened.
    stored = await campaign_queries.load_campaign(conn, store.id, current.public_id)
    if stored is None:
        raise NotFound("There is no such campaign.")
    status = settled_status(stored.status, campaign.status, shown, "campaign")
    edited = dataclasses.replace(
        campaign, id=stored.id, public_id=stored.public_id, store_id=store.id, status=status
    )
    await campaign_queries.save_campaign(conn, edited, now)


def gift_skus(values: dict[str, str]) -> set[str]:
    return {values.get(variant_field(key, "gift_sku"), "").strip() for key in VARIANT_KEYS}


async def _render_form(
    request: Request,
    merchant: Merchant,
    store: Store,
    campaign: Campaign | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    db = services(request).db
    preview_id = campaign.public_id if campaign else "new"
    exposed = await queries.exposed_visitors(db, campaign.id) if campaign and campaign.id else 0
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
        # Only the names of the gifts chosen: the picker searches the rest as the merchant types.
        "gift_names": await queries.gift_names(db, store.id, gift_skus(values)),
        "gift_search_url": offers_url(store, "/gifts"),
        "money_example": example_amount(store.currency),
        "preview_url": offers_url(store, f"/{preview_id}/preview"),
        "action": offers_url(store, f"/{campaign.public_id}" if campaign else ""),
        "status_choices": status_choices(
            campaign.status if campaign else "draft", new=campaign is None
        ),
    }
    return render_offers(request, merchant, store, "form.html", context, errors)


# The list's status buttons.
change_status = status_change(
    "campaign", campaign_queries.load_campaign, campaign_queries.set_status, offers_url
)


settings_form = FormPage(
    load=offer_settings,
    initial=settings_values,
    fields=("attribution_days", "interruptions_per_week"),
    read=lambda values, store, saved: read_offer_settings(values),
    write=lambda conn, store, saved, settings, now: queries.save_offer_settings(
        conn, store.id, settings
    ),
    render=_render_list,
    done=lambda store, saved, _: offers_url(store, "?saved=settings"),
    changes_store=True,
)
new_campaign = FormPage(
    load=new_campaign_terms,
    initial=lambda terms, store: campaign_values(NEW_CAMPAIGN, store.currency, store.timezone),
    submitted=lambda form, store: form_values(form),
    read=lambda values, store, terms: read_new_campaign(values, terms),
    write=lambda conn, store, terms, campaign, now: insert_campaign(conn, store, campaign, now),
    render=lambda request, merchant, store, terms, values, errors: _render_form(
        request, merchant, store, None, values, errors
    ),
    done=lambda store, terms, _: offers_url(store, "?saved=campaign"),
)
edit_campaign = FormPage(
    load=campaign_and_terms,
    initial=lambda found, store: campaign_values(found[0], store.currency, store.timezone),
    submitted=lambda form, store: edited_form(form),
    read=lambda values, store, found: (read_campaign(values, found[1]), values["status_shown"]),
    write=lambda conn, store, found, edit, now: save_edit(conn, store, found[0], *edit, now),
    render=lambda request, merchant, store, found, values, errors: _render_form(
        request, merchant, store, found[0], values, errors
    ),
    done=lambda store, found, _: offers_url(store, "?saved=campaign"),
    reload_after_conflict=True,  # shows the status as it is now
)
