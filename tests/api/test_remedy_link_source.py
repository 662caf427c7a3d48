"""A remedy's audience by link source, as the admin tells it. The widget sends a survey
response's link source (the session's utm_source) only when it may remember the shopper, so
where the shop asks for consent first a shopper who has not given it counts as having no link
source: a remedy for some sources never reaches them (server/surveys/remedies.py). The
campaign form says so where the merchant picks the sources, and the survey form where an
answer is linked to such an offer."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from server.offers.model import Offer, Targeting, Trigger
from server.surveys.model import Remedy
from server.surveys.templates import exit_survey
from tests.api.admin_client import sign_in
from tests.api.offering import live_campaign
from tests.api.surveying import live_survey

pytestmark = pytest.mark.anyio

NOT_KNOWN = (
    "After a survey answer the source is known only for shoppers the widget may remember:"
    " where your shop asks for consent first, a shopper who has not given it counts as"
    " having no link source."
)


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def utm_hint(page: str) -> str:
    """The hint the UTM sources field is described by."""
    assert 'aria-describedby="f-utm_sources-hint"' in page
    found = re.search(r'<p class="hint" id="f-utm_sources-hint">(.*?)</p>', page, re.S)
    assert found, "no hint"
    return html.unescape(found[1])


async def test_the_campaign_form_says_who_a_remedy_knows_the_source_of(
    app, client, store, merchant
):
    campaign = await live_campaign(app, store.id, trigger=Trigger(kind="survey_answer"))
    await sign_in(client)
    base = f"/admin/stores/{store.id}/campaigns"
    for path in ("/new", f"/{campaign.public_id}"):
        page = await client.get(base + path)
        assert page.status_code == 200
        assert NOT_KNOWN in utm_hint(page.text)


async def test_the_survey_forms_own_sources_need_no_such_words(app, client, store, merchant):
    """A survey reads the link of the page it is asked on, consent or not."""
    survey = await live_survey(app, store.id, "exit")
    await sign_in(client)
    page = await client.get(f"/admin/stores/{store.id}/surveys/{survey.public_id}")
    assert "only the page their link opened carries its source." in utm_hint(page.text)
    assert "After a survey answer" not in utm_hint(page.text)


async def linked_to(app, store, targeting: Targeting):
    """An exit survey whose "delivery" answer leads to a remedy-only campaign."""
    campaign = await live_campaign(
        app, store.id, Offer("free_shipping", 0), trigger=Trigger(kind="survey_answer"),
        targeting=targeting, name="Free delivery",
    )  # fmt: skip
    [reasons] = exit_survey().questions
    remedy = Remedy(campaign.public_id, "A")
    options = tuple(
        dataclasses.replace(o, remedy=remedy) if o.key == "delivery" else o for o in reasons.options
    )
    question = dataclasses.replace(reasons, options=options)
    return await live_survey(app, store.id, "exit", questions=(question,))


async def test_the_survey_form_warns_of_an_offer_only_for_some_sources(
    app, client, store, merchant
):
    sourced = await linked_to(app, store, Targeting(utm_sources=("newsletter", "<b>ads</b>")))
    anyone = await linked_to(app, store, Targeting())
    await sign_in(client)
    base = f"/admin/stores/{store.id}/surveys"

    page = await client.get(f"{base}/{sourced.public_id}")
    assert "<b>" not in page.text
    [warning] = re.findall(r'<div class="warning" role="note">(.*?)</div>', page.text, re.S)
    assert text_of(warning) == (
        "These offers go only to shoppers from some links"
        " Free delivery: variant A, “Wait A!”: its campaign takes shoppers whose link source"
        " is newsletter or <b>ads</b>. Where your shop asks for consent first, a shopper who"
        " has not given it counts as having no link source, and gets no offer after this"
        " answer."
    )
    assert (
        "only to shoppers from some links"
        not in (await client.get(f"{base}/{anyone.public_id}")).text
    )
