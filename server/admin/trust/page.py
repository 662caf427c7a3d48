"""The Trust page (owners only): which badges each placement shows, the policies Keepcart
cannot know by itself, social proof's thresholds and the holdout shares; beside them each
badge's fact or why it is hidden right now, the markup to paste, a live preview of the real
widget, and the holdout's results.

The facts are the very reasoning the widget's config follows (``server.trust.facts``), for
the saved settings, the store's origins and Keepcart's own address. Saving a changed holdout
share restarts that element's results (``server.trust.results.restart_changed_shares``),
decided inside the write's transaction against the settings as stored then.
"""

from __future__ import annotations

from typing import Any

import aiosqlite
from starlette.requests import Request
from starlette.responses import Response

from server.admin.forms import FormPage
from server.admin.pages import Merchant, render_store_form
from server.admin.trust.results_view import describe_results
from server.admin.trust.settings_form import (
    FLAGS,
    PLACEMENT_FIELDS,
    TEXT_FIELDS,
    placement_field,
    read_settings,
    settings_values,
)
from server.admin.trust.snippets import DRAWN_BY_KEEPCART, inline_snippets
from server.services import services
from server.stores.service import Store
from server.trust import queries
from server.trust.facts import BadgeFact, badge_facts
from server.trust.model import (
    ELEMENTS,
    KIND_LABELS,
    KINDS,
    MAX_HOLDOUT,
    PLACEMENT_LABELS,
    PLACEMENTS,
    TrustSettings,
)
from server.trust.results import (
    WINDOW_DAYS,
    changed_shares,
    element_results,
    restart_changed_shares,
)
from server.trust.service import trust_inputs

NOTICES = {
    "trust": "Trust settings saved. Shoppers' pages follow them from their next visit.",
    "restarted": "Trust settings saved. The holdout share changed, so its results start again"
    " from now.",
}


def trust_url(store: Store, path: str = "") -> str:
    return f"/admin/stores/{store.id}/trust{path}"


async def saved_settings(request: Request, store: Store) -> TrustSettings:
    return await queries.load_trust_settings(services(request).db, store.id)


async def write_settings(
    conn: aiosqlite.Connection, store: Store, new: TrustSettings, now: int
) -> bool:
    """Save ``new``; whether a holdout share changed (its results restart now), against the
    settings as stored when the transaction began."""
    stored = await queries.load_trust_settings(conn, store.id)
    await queries.save_trust_settings(conn, store.id, restart_changed_shares(new, stored, now), now)
    return bool(changed_shares(new, stored))


async def _render(
    request: Request,
    merchant: Merchant,
    store: Store,
    saved: TrustSettings,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
) -> Response:
    state = services(request)
    now = state.clock.now_ms()
    inputs = await trust_inputs(
        state.db, store, api_https=state.settings.base_url.startswith("https://"), settings=saved
    )
    facts = badge_facts(inputs, sorted(store.origins), now)
    results = [await element_results(state.db, store.id, saved, element) for element in ELEMENTS]
    context: dict[str, Any] = {
        "values": values,
        "action": trust_url(store),
        "placements": [
            (placement_field(p), PLACEMENT_LABELS[p], values[placement_field(p)].split())
            for p in PLACEMENTS
        ],
        "kind_choices": [(kind, KIND_LABELS[kind]) for kind in KINDS],
        "facts": [describe_fact(fact, saved) for fact in facts],
        "contact": [c for c in (store.contact_email, store.contact_phone) if c],
        "settings_url": f"/admin/stores/{store.id}/settings",
        "max_holdout": MAX_HOLDOUT,
        "social_proof_on": saved.social_proof,
        "snippets": inline_snippets(),
        "drawn_by_keepcart": [PLACEMENT_LABELS[p] for p in DRAWN_BY_KEEPCART],
        "preview_url": trust_url(store, "/widget-preview"),
        "results": [describe_results(r, store.currency, store.timezone) for r in results],
        "window_days": WINDOW_DAYS,
    }
    return render_store_form(request, merchant, store, "trust/page.html", context, errors, NOTICES)


def describe_fact(fact: BadgeFact, settings: TrustSettings) -> dict[str, Any]:
    """A badge's fact in one sentence ("Secure checkout is hidden: …"), and where it is
    placed (a badge whose fact holds still shows nowhere until a placement has it)."""
    placed = [PLACEMENT_LABELS[p] for p in PLACEMENTS if fact.kind in settings.placements[p]]
    return {
        "kind": fact.kind,
        "label": fact.label,
        "shown": fact.shown,
        # The fact's words follow "is shown:" / "is hidden:" here, so their own lead-in goes.
        "reason": fact.text.removeprefix("Hidden: ").removeprefix("Shown "),
        "placed": placed,
    }


trust_page: FormPage[TrustSettings, TrustSettings] = FormPage(
    load=saved_settings,
    initial=lambda saved, store: settings_values(saved),
    fields=TEXT_FIELDS,
    flags=FLAGS,
    lists=PLACEMENT_FIELDS,
    read=lambda values, store, saved: read_settings(values, saved),
    write=lambda conn, store, saved, new, now: write_settings(conn, store, new, now),
    render=_render,
    done=lambda store, saved, restarted: trust_url(
        store, "?saved=" + ("restarted" if restarted else "trust")
    ),
)
