"""An exit answer's remedy: the offer campaign variant a merchant linked to an option, shown
right after the completing answer.

``offer_remedy`` runs inside the completing answer's write, so the answer, the campaign's
exposure and the response's ``remedy_*`` columns are stored together or not at all. It takes
the first chosen option (questions in the survey's order, options in the question's) whose
remedy can still be given, and

- puts the visitor in the campaign's holdout or in the linked variant (``remedy_arm``);
- records the campaign's exposure with ``signal='survey'`` (the holdout's too, so the
  campaign's results compare the two arms from the same moment, and count the orders that
  follow as any exposure's: server/admin/campaigns/queries.py);
- writes ``remedy_campaign_id``, ``remedy_arm`` and ``remedy_at`` on the response (a
  remedy-only campaign's claim needs both: server/offers/claiming.py);
- returns what the widget shows, ``{"campaign", "arm", "variant"}``, or None for the holdout.

A remedy can no longer be given when its campaign is not running (paused, ended, outside its
schedule, deleted), no longer has the linked variant, or has already been shown to this
visitor: a campaign keeps one exposure per visitor and a claim uses its arm, so a visitor
exposed before (on its own trigger, or by an earlier answer) gets no second one, which also
stops a shopper farming codes by answering again. Surveys after an order (the confirmation,
the order-status page) offer no remedy: the shopper has bought, and the order-status page
knows no visitor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import aiosqlite

from server.catalog.queries import find_by_sku
from server.offers.bucketing import HOLDOUT, bucket
from server.offers.model import Campaign, Targeting, Variant
from server.offers.queries import exposed_arm, load_campaign, record_exposure
from server.offers.service import SURVEY_SIGNAL, variant_json, variant_of
from server.stores.service import Store
from server.surveys.model import Answer, Remedy, Survey, SurveyResponse


@dataclass(frozen=True)
class LinkedRemedy:
    """A chosen option's remedy: the question and option that earned it."""

    question: str
    option: str
    remedy: Remedy


def remedy_arm(campaign: Campaign, variant_key: str, visitor: str) -> str:
    """``HOLDOUT`` for a visitor in the campaign's holdout, else the linked variant's key.

    The holdout is the same slice of visitors the campaign holds out on its own trigger
    (``offers.bucketing.assign``); the rest see the variant the merchant linked, whatever the
    campaign's weights, because the merchant chose it for this answer."""
    assert campaign.id is not None
    if bucket(campaign.id, visitor) < campaign.holdout_percent * 100:
        return HOLDOUT
    return variant_key


def linked_remedies(survey: Survey, answers: Mapping[str, Answer]) -> Iterator[LinkedRemedy]:
    """The remedies of the chosen options, questions in the survey's order and options in
    the question's (not the order the shopper saw them shuffled in)."""
    for question in survey.questions:
        answer = answers.get(question.key)
        if answer is None:
            continue
        for option in question.options:
            if option.remedy is not None and option.key in answer.options:
                yield LinkedRemedy(question.key, option.key, option.remedy)


async def offer_remedy(
    conn: aiosqlite.Connection,
    *,
    store: Store,
    survey: Survey,
    response: SurveyResponse,
    answers: Mapping[str, Answer],
    now: int,
) -> dict[str, Any] | None:
    """The remedy the completed response's answers earn, written with them; None for none
    (nothing linked, nothing that can still be given, or the holdout)."""
    if response.order_id is not None or not response.visitor_id:
        return None
    for linked in linked_remedies(survey, answers):
        found = await _givable(conn, store.id, linked.remedy, response.visitor_id, now)
        if found is None or not audience_allows(found[0].targeting, response):
            continue
        campaign, variant = found
        return await _give(conn, store, campaign, variant, response, now)
    return None


def audience_allows(targeting: Targeting, response: SurveyResponse) -> bool:
    """Whether the campaign's audience ("Who sees it") takes the shopper as the response saw
    them: device, cart (empty or not, its subtotal) and link source. What the server cannot
    know (new or returning, visit counts: the browser's) is left to the survey's own
    targeting, and the pages are the survey's pages.

    The link source is the session's, which the widget sends (and the response stores) only
    when it may remember the shopper: one who has not consented where the shop asks first
    has none, so an audience of some sources never takes them. The admin says so where the
    sources are chosen and where an answer is linked to such a campaign."""
    value = response.cart_value or 0
    if response.device != "unknown" and response.device not in targeting.devices:
        return False
    if (targeting.cart == "empty" and value > 0) or (targeting.cart == "not_empty" and value <= 0):
        return False
    if targeting.subtotal_min is not None and value < targeting.subtotal_min:
        return False
    if targeting.subtotal_max is not None and value > targeting.subtotal_max:
        return False
    sources = {source.casefold() for source in targeting.utm_sources}
    return not sources or response.utm_source.casefold() in sources


async def _givable(
    conn: aiosqlite.Connection, store_id: int, remedy: Remedy, visitor: str, now: int
) -> tuple[Campaign, Variant] | None:
    """The remedy's campaign and variant while it may be shown to ``visitor``."""
    campaign = await load_campaign(conn, store_id, remedy.campaign)
    if campaign is None or campaign.id is None or not campaign.is_running(now):
        return None
    variant = variant_of(campaign, remedy.variant)
    if variant is None or await exposed_arm(conn, campaign.id, visitor) is not None:
        return None
    return campaign, variant


async def _give(
    conn: aiosqlite.Connection,
    store: Store,
    campaign: Campaign,
    variant: Variant,
    response: SurveyResponse,
    now: int,
) -> dict[str, Any] | None:
    assert campaign.id is not None
    arm = await record_exposure(
        conn, campaign_id=campaign.id, visitor_id=response.visitor_id,
        arm=remedy_arm(campaign, variant.key, response.visitor_id), signal=SURVEY_SIGNAL,
        session_id=response.session_id, now_ms=now,
    )  # fmt: skip
    await conn.execute(
        "UPDATE survey_responses SET remedy_campaign_id = ?, remedy_arm = ?, remedy_at = ?"
        " WHERE id = ?",
        (campaign.id, arm, now, response.id),
    )
    if arm == HOLDOUT:
        return None
    gift_name = await _gift_name(conn, store.id, variant)
    return {
        "campaign": campaign.public_id,
        "arm": arm,
        "variant": variant_json(variant, store.currency, gift_name),
    }


async def _gift_name(conn: aiosqlite.Connection, store_id: int, variant: Variant) -> str:
    if variant.offer.kind != "free_gift":
        return ""
    product = await find_by_sku(conn, store_id, variant.offer.gift_sku)
    return product.name if product else ""
