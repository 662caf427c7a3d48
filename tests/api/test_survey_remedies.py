"""A survey answer's remedy: the offer linked to an answer is given with the completing answer
(in the same write as it), claimed on the offers' own path, and its orders attributed to the
campaign ("After a survey answer"), to the survey's remedy table and on the order's page."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest

from server.admin.orders.pages import answer_words
from server.admin.pages import templates
from server.admin.surveys import remedy_queries
from server.admin.surveys.remedy_queries import remedy_results, remedy_table
from server.offers.model import Campaign, Offer, Targeting, Trigger
from server.offers.queries import REMEDY_GIVEN
from server.offers.service import variant_json
from server.orders.receipt_link import status_url
from server.services import services
from server.surveys.model import Answer, Option, Question, Remedy, Survey
from server.surveys.templates import attribution_survey, exit_survey
from tests.api.admin_client import sign_in
from tests.api.offering import claim, expose, live_campaign, visitor_in
from tests.api.ordering import insert_order
from tests.api.plans import query_plans
from tests.api.shopping import HEADERS, new_cart, order_body, place
from tests.api.surveying import answer, live_survey, rows, set_survey_settings, start, stored

pytestmark = pytest.mark.anyio

DELIVERY = "Delivery was too slow or too costly"
T0 = 1_790_000_000_000


REMEDY_ONLY = Trigger(kind="survey_answer")


async def remedy_campaign(
    app, store, *, holdout_percent=0, trigger=REMEDY_ONLY, **changes
) -> Campaign:
    """A remedy-only campaign (unless given a ``trigger`` of its own): free shipping, shown
    only after a survey answer."""
    return await live_campaign(
        app, store.id, Offer("free_shipping", 0), holdout_percent=holdout_percent,
        trigger=trigger, name="Free delivery", **changes,
    )  # fmt: skip


def linking(question: Question, **remedies: Remedy) -> Question:
    """``question`` with each named option linked to its remedy."""
    options = tuple(
        dataclasses.replace(o, remedy=remedies[o.key]) if o.key in remedies else o
        for o in question.options
    )
    return dataclasses.replace(question, options=options)


async def exit_survey_with(app, store, **remedies: Remedy) -> Survey:
    """The exit survey, live, with ``remedies`` on its reasons."""
    [reasons] = exit_survey().questions
    return await live_survey(app, store.id, "exit", questions=(linking(reasons, **remedies),))


async def answered(client, survey: Survey, visitor: str, value) -> dict:
    """The visitor is shown the survey and answers its one question: the answer's reply."""
    shown = await start(client, survey, visitor)
    assert shown.status_code == 201, shown.text
    reply = await answer(client, survey, shown.json(), "q1", value)
    assert reply.status_code == 200, reply.text
    assert reply.json()["done"] is True
    return reply.json()


async def remedy_of(app, visitor: str) -> dict:
    [row] = await rows(app, "SELECT remedy_campaign_id, remedy_arm, remedy_at, status"
                            " FROM survey_responses WHERE visitor_id = ?", (visitor,))  # fmt: skip
    return row


async def exposures(app, campaign: Campaign) -> list[dict]:
    return await rows(app, "SELECT visitor_id, arm, signal, session_id, created_at"
                           " FROM exposures WHERE campaign_id = ?", (campaign.id,))  # fmt: skip


# ---- given with the answer -----------------------------------------------------------------


async def test_the_linked_answer_gives_its_offer_at_once_and_it_is_claimed_as_any_offer(
    app, client, shop
):
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    reply = await answered(client, survey, "v-delivery", "delivery")

    [variant] = campaign.variants
    assert reply["remedy"] == {
        "campaign": campaign.public_id,
        "arm": "A",
        "variant": variant_json(variant, "EUR"),
    }
    [exposure] = await exposures(app, campaign)
    assert exposure | {"created_at": 0} == {
        "visitor_id": "v-delivery", "arm": "A", "signal": "survey", "session_id": "s1",
        "created_at": 0,
    }  # fmt: skip
    assert await remedy_of(app, "v-delivery") == {
        "remedy_campaign_id": campaign.id, "remedy_arm": "A",
        "remedy_at": exposure["created_at"], "status": "completed",
    }  # fmt: skip

    cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
    claimed = await claim(client, campaign, "v-delivery", cart=cart)
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["coupon"]["kind"] == "free_shipping"


async def test_another_answer_gives_nothing_and_records_nothing(app, client, shop):
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    assert (await answered(client, survey, "v-browsing", "just_browsing"))["remedy"] is None
    assert await exposures(app, campaign) == []
    assert (await remedy_of(app, "v-browsing"))["remedy_arm"] is None
    # Never shown, so never claimable.
    refused = await claim(client, campaign, "v-browsing")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_exposed"


async def test_the_holdout_gets_no_offer_but_is_counted_from_the_same_moment(app, client, shop):
    campaign = await remedy_campaign(app, shop, holdout_percent=50)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    held = visitor_in(campaign, "holdout")
    assert (await answered(client, survey, held, "delivery"))["remedy"] is None

    [exposure] = await exposures(app, campaign)
    assert (exposure["visitor_id"], exposure["arm"], exposure["signal"]) == (
        held, "holdout", "survey",
    )  # fmt: skip
    assert (await remedy_of(app, held))["remedy_arm"] == "holdout"
    refused = await claim(client, campaign, held)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_offered"


async def test_the_answer_and_its_remedy_are_one_write(app, client, shop, monkeypatch):
    """A fault after the exposure is written, before the answer's write ends, leaves the
    answer unsaved too: nothing is half-written, and the shopper may answer again."""
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    shown = (await start(client, survey, "v-fault")).json()
    before = await stored(app)

    def fault(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr("server.surveys.remedies.variant_json", fault)
    with pytest.raises(RuntimeError, match="injected fault"):
        await answer(client, survey, shown, "q1", "delivery")
    assert await stored(app) == before

    monkeypatch.undo()
    retried = await answer(client, survey, shown, "q1", "delivery")
    assert retried.json()["remedy"]["arm"] == "A"


# ---- only ever as a remedy -----------------------------------------------------------------


async def test_a_remedy_only_campaign_is_never_shown_or_claimed_on_its_own(app, client, shop):
    """Its id is in every remedy reply: knowing it, a new visitor id is neither shown the
    offer (arm, exposure, debug exposure: 404 as for a campaign that doesn't run) nor can
    claim it, while the survey that gives it is paused or not."""
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    await answered(client, survey, "v-answered", "delivery")
    await set_status_of_survey(app, survey, "paused")
    before = await stored(app)

    arm = await client.get(f"/v1/offers/{campaign.public_id}/arm?visitor=v-farmer", headers=HEADERS)
    refused = [arm]
    for signal in ("exit_top", "debug"):
        refused.append(await expose(client, campaign, "v-farmer", signal=signal))
    for reply in refused:
        assert reply.status_code == 404, reply.text
        assert reply.json() == {"error": {"code": "campaign_not_found",
                                          "message": "That offer isn't running.",
                                          "field": None}}  # fmt: skip
    claimed = await claim(client, campaign, "v-farmer")
    assert claimed.status_code == 409 and claimed.json()["error"]["code"] == "not_exposed"
    assert await stored(app) == before
    assert await rows(app, "SELECT code FROM discounts WHERE campaign_id = ?", (campaign.id,)) == []

    # The shopper the answer gave it to still claims it.
    assert (await claim(client, campaign, "v-answered")).status_code == 201


async def farmed(app, campaign: Campaign, visitor: str, *, signal="exit_top", arm="A"):
    """An exposure on the remedy-only campaign that no answer's remedy wrote: as the
    exposures endpoint recorded one before it refused such campaigns (the arm it computed)."""
    await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, session_id, created_at)"
            " VALUES (?, ?, ?, ?, 's1', ?)",
            (campaign.id, visitor, arm, signal, T0),
        )
    )


async def farmed_by_the_old_endpoint(app, client, shop, campaign, visitor):
    await farmed(app, campaign, visitor)


async def survey_signal_without_an_answer(app, client, shop, campaign, visitor):
    await farmed(app, campaign, visitor, signal="survey")


async def an_answer_remedied_by_another_campaign(app, client, shop, campaign, visitor):
    """The visitor's answer earned another campaign's remedy; this one's exposure came
    another way."""
    other = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(other.public_id, "A"))
    await answered(client, survey, visitor, "delivery")
    await farmed(app, campaign, visitor, signal="survey")


async def an_answer_remedied_in_another_arm(app, client, shop, campaign, visitor):
    """The answer's remedy put the visitor in the holdout; the exposure says variant A."""
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    await answered(client, survey, visitor, "delivery")

    async def rewrite(conn):
        await conn.execute("UPDATE survey_responses SET remedy_arm = 'holdout'")

    await services(app).db.write(rewrite)


@pytest.mark.parametrize(
    "exposed",
    [
        farmed_by_the_old_endpoint,
        survey_signal_without_an_answer,
        an_answer_remedied_by_another_campaign,
        an_answer_remedied_in_another_arm,
    ],
)
async def test_an_exposure_no_answers_remedy_wrote_claims_nothing(app, client, shop, exposed):
    """Before the exposures endpoint refused remedy-only campaigns, anyone who knew one's id
    could record an exposure and claim its code: a remedy-only campaign's claim needs the
    exposure a survey answer's remedy wrote, and the response that names it."""
    campaign = await remedy_campaign(app, shop)
    await exposed(app, client, shop, campaign, "v-farmer")
    before = await stored(app)

    refused = await claim(client, campaign, "v-farmer")
    assert refused.status_code == 409, refused.text
    assert refused.json() == {"error": {
        "code": "remedy_not_earned",
        "message": "This offer comes only as the answer to a survey, and no answer of yours"
                   " earned it.",
        "field": None,
    }}  # fmt: skip
    assert await stored(app) == before
    assert await rows(app, "SELECT code FROM discounts WHERE campaign_id = ?", (campaign.id,)) == []


async def test_the_remedy_an_answer_wrote_is_claimed(app, client, shop):
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    await answered(client, survey, "v-earned", "delivery")
    claimed = await claim(client, campaign, "v-earned")
    assert claimed.status_code == 201, claimed.text
    assert claimed.json()["coupon"]["kind"] == "free_shipping"


async def set_status_of_survey(app, survey: Survey, status: str) -> None:
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE surveys SET status = ? WHERE id = ?", (status, survey.id))
    )


# ---- none when it can no longer be given ---------------------------------------------------


async def test_a_visitor_shown_the_offer_before_gets_none(app, client, shop):
    """On its own trigger, or by an earlier answer: one exposure per visitor, so no second
    code for answering again."""
    campaign = await remedy_campaign(app, shop, trigger=Trigger(kind="exit_intent"))
    remedy = Remedy(campaign.public_id, "A")
    first = await exit_survey_with(app, shop, delivery=remedy)
    second = await exit_survey_with(app, shop, unexpected_costs=remedy)
    await set_survey_settings(app, shop.id, min_gap_days=0)  # both surveys, one after the other
    assert (await expose(client, campaign, "v-seen")).status_code == 200
    assert (await answered(client, first, "v-seen", "delivery"))["remedy"] is None

    assert (await answered(client, first, "v-again", "delivery"))["remedy"]["arm"] == "A"
    assert (await answered(client, second, "v-again", "unexpected_costs"))["remedy"] is None

    assert sorted((e["visitor_id"], e["signal"]) for e in await exposures(app, campaign)) == [
        ("v-again", "survey"), ("v-seen", "exit_top"),
    ]  # fmt: skip
    linked = await rows(app, "SELECT visitor_id, survey_id FROM survey_responses"
                             " WHERE remedy_campaign_id IS NOT NULL")  # fmt: skip
    assert linked == [{"visitor_id": "v-again", "survey_id": first.id}]


async def pause(app, campaign: Campaign) -> None:
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE campaigns SET status = 'paused' WHERE id = ?", (campaign.id,)
        )
    )


async def remove_variant_a(app, campaign: Campaign) -> None:
    await services(app).db.write(
        lambda conn: conn.execute(
            "DELETE FROM campaign_variants WHERE campaign_id = ? AND key = 'A'", (campaign.id,)
        )
    )


async def delete(app, campaign: Campaign) -> None:
    await services(app).db.write(
        lambda conn: conn.execute("DELETE FROM campaigns WHERE id = ?", (campaign.id,))
    )


@pytest.mark.parametrize("change", [pause, remove_variant_a, delete])
async def test_a_campaign_paused_without_the_variant_or_deleted_gives_none(
    app, client, shop, change
):
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    await change(app, campaign)
    assert (await answered(client, survey, "v-late", "delivery"))["remedy"] is None
    assert await rows(app, "SELECT * FROM exposures") == []
    assert (await remedy_of(app, "v-late"))["remedy_campaign_id"] is None


async def test_the_first_chosen_option_whose_offer_can_be_given_wins(app, client, shop):
    paused = await remedy_campaign(app, shop)
    live = await remedy_campaign(app, shop)
    await pause(app, paused)
    question = Question(
        "q1", "multiple", "What stopped you?",
        options=(
            Option("costs", "Costs", remedy=Remedy(paused.public_id, "A")),
            Option("delivery", "Delivery", remedy=Remedy(live.public_id, "A")),
            Option("trust", "Trust", remedy=Remedy(paused.public_id, "A")),
        ),
    )  # fmt: skip
    survey = await live_survey(app, shop.id, "exit", questions=(question,))
    reply = await answered(client, survey, "v-many", ["trust", "delivery", "costs"])
    assert reply["remedy"]["campaign"] == live.public_id
    assert [e["visitor_id"] for e in await exposures(app, live)] == ["v-many"]
    assert await exposures(app, paused) == []


async def test_a_survey_after_an_order_offers_no_remedy(app, client, shop):
    campaign = await remedy_campaign(app, shop)
    [sources] = attribution_survey().questions
    linked = linking(sources, social=Remedy(campaign.public_id, "A"))
    survey = await live_survey(app, shop.id, "attribution", questions=(linked,))
    await insert_order(app, shop, 1001, visitor_id="v-bought")
    shown = await start(client, survey, "v-bought", signal="confirmation",
                        order=order_token(app, 1001))  # fmt: skip
    reply = await answer(client, survey, shown.json(), "q1", "social")
    assert reply.json() == {"next": None, "done": True, "remedy": None}
    assert await exposures(app, campaign) == []


# ---- attributed ----------------------------------------------------------------------------


async def test_the_remedys_order_is_attributed_to_the_campaign_the_survey_and_the_order(
    app, client, shop, merchant
):
    campaign = await remedy_campaign(app, shop)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    await answered(client, survey, "v-buyer", "delivery")
    cart = await new_cart(client, shop.public_key, FH_MUG_01=1)
    claimed = (await claim(client, campaign, "v-buyer", cart=cart)).json()
    placed = await place(client, order_body(claimed["cart_token"], visitor="v-buyer"))
    assert placed.status_code == 201, placed.text
    order = placed.json()["order"]
    assert order["discount_code"] == claimed["coupon"]["code"]

    await sign_in(client)
    results = (
        await client.get(f"/admin/stores/{shop.id}/campaigns/{campaign.public_id}/results")
    ).text
    signals = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)</td>\s*'
                         r'<td class="num">(\d+)</td>', results)  # fmt: skip
    assert signals == [("After a survey answer", "1", "1")]
    assert f"#{order['number']}" in results

    [remedy] = await remedy_results(services(app).db, survey)
    assert (remedy.earned_by.label, remedy.campaign_public_id, remedy.variant, remedy.orders) == (
        DELIVERY, campaign.public_id, "A", 1,
    )  # fmt: skip
    [variant_a, holdout] = remedy.arms
    assert (variant_a.arm, variant_a.exposed, variant_a.converted) == ("A", 1, 1)
    assert variant_a.revenue == order["totals"]["total"]
    assert (holdout.arm, holdout.exposed) == ("holdout", 0)

    page = (await client.get(f"/admin/stores/{shop.id}/orders/{order['number']}")).text
    [remedies] = re.findall(r"<ul data-remedies>(.*?)</ul>", page, re.S)
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", remedies)).split())
    assert words.startswith(f"“{DELIVERY}” in {survey.name} → Free delivery : results · Variant A")


async def test_the_remedy_table_compares_the_offer_with_the_holdout_per_answer(app, shop):
    """Straight into the database: 30 shoppers given the offer for one answer (19 order), 31
    held out (7 order); a second answer linked to the same campaign has its own row."""
    campaign = await remedy_campaign(app, shop, holdout_percent=50)
    remedy = Remedy(campaign.public_id, "A")
    survey = await exit_survey_with(app, shop, delivery=remedy, unexpected_costs=remedy)
    db = services(app).db
    number = 2000
    for n in range(62):
        arm = "A" if n % 2 else "holdout"
        reason = "unexpected_costs" if n == 59 else "delivery"
        visitor = f"v-{n}"
        await given(app, survey, campaign, visitor, arm, reason, at=T0 + n)
        if n % 10 in (0, 1, 3, 5):
            number += 1
            await insert_order(app, shop, number, visitor_id=visitor, total=1000,
                               created_at=T0 + n + 1)  # fmt: skip

    # In the survey's order of options: the costs reason comes first.
    [costs, delivery] = await remedy_results(db, survey)
    assert (costs.earned_by.option, delivery.earned_by.option) == ("unexpected_costs", "delivery")
    assert [(a.arm, a.exposed, a.converted, a.revenue) for a in delivery.arms] == [
        ("A", 30, 19, 19_000), ("holdout", 31, 7, 7_000),
    ]  # fmt: skip
    assert [(a.arm, a.exposed, a.converted) for a in costs.arms] == [("A", 1, 0), ("holdout", 0, 0)]
    assert (delivery.orders, costs.orders) == (26, 0)

    rendered = templates.get_template("surveys/_remedies.html").render(
        remedies=await remedy_table(db, survey, "EUR"), store=shop
    )
    assert f"“{DELIVERY}”" in html.unescape(rendered)
    assert 'data-col="orders">26<' in rendered
    assert "Variant A lifts conversion by 18.1–63.4 points; significant." in rendered


async def given(app, survey, campaign, visitor, arm, reason, at):
    """A completed response whose answer earned the remedy in ``arm``, as remedies.py
    writes it."""

    async def write(conn):
        cursor = await conn.execute(
            "INSERT INTO survey_responses (public_id, survey_id, store_id, visitor_id, signal,"
            " status, remedy_campaign_id, remedy_arm, remedy_at, shown_at, updated_at,"
            " completed_at) VALUES (?, ?, ?, ?, 'exit_top', 'completed', ?, ?, ?, ?, ?, ?)",
            (f"rsp_{visitor}", survey.id, survey.store_id, visitor, campaign.id, arm, at, at,
             at, at),
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO survey_answers (response_id, question, option, created_at)"
            " VALUES (?, 'q1', ?, ?)",
            (cursor.lastrowid, reason, at),
        )
        await conn.execute(
            "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, created_at)"
            " VALUES (?, ?, ?, 'survey', ?)",
            (campaign.id, visitor, arm, at),
        )

    await services(app).db.write(write)


# ---- the order page ------------------------------------------------------------------------


def order_token(app, number: int) -> str:
    return status_url(services(app).signer, "", f"ord_test{number}").removeprefix("/orders/")


def section(page: str) -> str:
    """The order page's survey section as text, tags dropped."""
    found = re.search(r'<section class="card" aria-labelledby="survey-answers-title">(.*?)'
                      r"</section>", page, re.S)  # fmt: skip
    assert found, "no survey section"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found[1])).split())


async def test_the_order_page_shows_what_its_shopper_answered_beside_its_code_and_source(
    app, client, store, merchant
):
    heard = await live_survey(app, store.id, "attribution", name="<i>Heard of us</i>")
    felt = await live_survey(app, store.id, "checkout_experience")
    await insert_order(app, store, 1001, visitor_id="v-1")  # with the code WELCOME10
    await insert_order(app, store, 1002, visitor_id="v-2", discount_code=None)
    body = {"signal": "confirmation", "order": order_token(app, 1001), "utm": "newsletter"}
    shown = (await start(client, heard, "v-1", **body)).json()
    other = {"option": "other", "text": "<b>A billboard</b>"}
    assert (await answer(client, heard, shown, "q1", other)).json()["done"] is True
    shown = (await start(client, felt, "v-1", **body | {"utm": ""})).json()
    assert (await answer(client, felt, shown, "q1", 6)).json()["done"] is False

    await sign_in(client)
    page = (await client.get(f"/admin/stores/{store.id}/orders/1001")).text
    assert "<i>" not in page and "<b>" not in page  # the merchant's and the shopper's text
    assert section(page) == (
        "What the shopper told us"
        " <i>Heard of us</i> How did you hear about us? Other: <b>A billboard</b>"
        " How checkout felt · not finished How easy was checkout? 6 of 7"
        " Source in their links newsletter (utm_source) Discount code WELCOME10"
        " A source is known when the shopper's visit began on a link tagged with utm_source"
        " and the widget may remember it (the shop's consent setting). Answers hold no"
        " personal data unless a question asked for an email, with consent."
    )
    unasked = (await client.get(f"/admin/stores/{store.id}/orders/1002")).text
    assert "What the shopper told us" not in unasked
    await insert_order(app, store, 1003, visitor_id="v-3", discount_code=None)
    await start(client, felt, "v-3", signal="confirmation", order=order_token(app, 1003))
    left = section((await client.get(f"/admin/stores/{store.id}/orders/1003")).text)
    assert left.startswith("What the shopper told us How checkout felt Shown, not answered."
                           " Source in their links none known Discount code none")  # fmt: skip


OTHER = Option("o", "Other", other=True)


@pytest.mark.parametrize(
    ("question", "answer_", "words"),
    [
        (Question("q", "multiple", "?", options=(Option("a", "Apples"), OTHER)),
         Answer(options=("a", "o"), text="pears"), "Apples; Other: pears"),
        (Question("q", "single", "?", options=(Option("a", "Apples"),)),
         Answer(options=("gone",)), "gone"),  # an option removed since: its key
        (Question("q", "single", "?", options=(Option("a", "Apples"),)),
         Answer(options=("o",), text="pears"), "o; pears"),  # its Other removed since
        (Question("q", "nps", "?"), Answer(number=0), "0 of 10"),
        (Question("q", "rating", "?", points=5), Answer(number=4), "4 of 5"),
        (Question("q", "long_text", "?"), Answer(text="Fine"), "Fine"),
        (Question("q", "email", "?"), Answer(text="a@b.test", consent="You may email me."),
         "a@b.test (agreed: “You may email me.”)"),
        (Question("q", "long_text", "?", required=False), Answer(), "Skipped"),
    ],
)  # fmt: skip
def test_each_kind_of_answer_in_words(question, answer_, words):
    assert answer_words(question, answer_, emails=True) == words


# ---- plans -----------------------------------------------------------------------------------


async def test_the_remedy_queries_read_every_table_by_an_index(app, store):
    """A survey's remedies read its responses, each one's exposure and its visitor's orders;
    an order's, its visitor's exposures and responses; a remedy's claim, the visitor's
    exposure and responses: none of them a whole table."""
    statements = [
        (remedy_queries.REMEDIED, (1,)),
        (remedy_queries.REMEDIED_CHOICES, (1,)),
        (remedy_queries.ORDER_REMEDIES, (1,)),
        (REMEDY_GIVEN, (1, 1, "v-1", "A", "survey")),
    ]
    for details in await query_plans(services(app).db, statements):
        scans = [d for d in details if d.startswith("SCAN")]
        assert scans == [], "\n".join(details)


# ---- only to the campaign's audience --------------------------------------------------------
# A remedy reaches only the shoppers its campaign's "Who sees it" takes, as far as the server
# knows them from the response (device, cart, its subtotal, the link source): a "free
# delivery on carts of €50 or more" offer is no answer to a €5 cart.

FROM_50_ON_DESKTOP = Targeting(cart="not_empty", subtotal_min=5000, devices=("desktop",),
                               utm_sources=("Newsletter",))  # fmt: skip


async def test_a_shopper_outside_the_campaigns_audience_gets_no_remedy(app, client, shop):
    campaign = await remedy_campaign(app, shop, targeting=FROM_50_ON_DESKTOP)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    for visitor, shopper in [
        ("v-phone", {"device": "phone", "cart_value": 9000, "utm": "newsletter"}),
        ("v-small", {"device": "desktop", "cart_value": 500, "utm": "newsletter"}),
        ("v-empty", {"device": "desktop", "utm": "newsletter"}),
        ("v-other-link", {"device": "desktop", "cart_value": 9000, "utm": "ads"}),
        # Not consented (a session's visitor id): the widget sends no source, whatever the
        # link, so the shopper has none (the campaign and survey forms say so).
        ("s:sess-unremembered", {"device": "desktop", "cart_value": 9000, "utm": ""}),
    ]:
        shown = await start(client, survey, visitor, **shopper)
        assert shown.status_code == 201, shown.text
        reply = await answer(client, survey, shown.json(), "q1", "delivery")
        assert reply.status_code == 200 and reply.json()["remedy"] is None, (visitor, reply.text)
    assert await exposures(app, campaign) == []  # none of them counts in its results


async def test_a_shopper_in_the_audience_gets_it(app, client, shop):
    campaign = await remedy_campaign(app, shop, targeting=FROM_50_ON_DESKTOP)
    survey = await exit_survey_with(app, shop, delivery=Remedy(campaign.public_id, "A"))
    shown = await start(client, survey, "v-fits", device="desktop", cart_value=9000,
                        utm="newsletter")  # fmt: skip
    reply = await answer(client, survey, shown.json(), "q1", "delivery")
    assert reply.json()["remedy"]["arm"] == "A"
    assert [e["visitor_id"] for e in await exposures(app, campaign)] == ["v-fits"]
