"""Surveys in the admin: the list and the store's survey settings, a new survey from each
template, the survey form (422 with every error and the values kept), status changes, the live
preview, the results under each filter (against responses written straight into the
database), the written answers' search and the CSV. One shopper's answers are found, exported
and erased with the rest of their data: tests/api/test_shopper_data.py."""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re

import pytest

from server.admin.campaigns.campaign_prefill import campaign_values
from server.admin.surveys.survey_prefill import survey_values
from server.offers.queries import list_campaigns
from server.services import services
from server.surveys.model import Answer
from server.surveys.queries import (
    NewResponse,
    insert_response,
    list_surveys,
    load_survey,
    replace_answers,
    set_response_status,
)
from tests.api.admin_client import csrf_from, field_error
from tests.api.attribution import DAY, T0, insert_exposure
from tests.api.plans import query_plans
from tests.api.surveying import live_survey, row_counts

pytestmark = pytest.mark.anyio


@pytest.fixture
def admin_section() -> str:
    """The `admin` fixture (tests/api/conftest.py) posts to the surveys pages here."""
    return "surveys"


@pytest.fixture
def at_t0(app):
    services(app).clock.set(T0)


async def create(app, store, post, template="exit"):
    response = await post("", {"template": template})
    assert response.status_code == 303, response.text
    [newest, *_] = await list_surveys(services(app).db, store.id)
    assert response.headers["location"].endswith(f"/surveys/{newest.public_id}?saved=created")
    return newest


def form_of(survey, store, **changes) -> dict[str, str]:
    """The survey's form as the edit page fills it and a browser posts it (an unticked box
    is not sent), with ``changes``."""
    values = survey_values(survey, store.currency, store.timezone)
    posted = values | {"status_shown": survey.status} | changes
    return {name: value for name, value in posted.items() if value != "false"}


async def respond(app, survey, visitor, answers=None, *, at=T0 - DAY, status=None, page="/",
                  device="desktop", cart_value=None, signal="exit_top", order_id=None):  # fmt: skip
    """A response written as the public API writes one: shown, then each answer."""
    new = NewResponse(survey.id, survey.store_id, visitor, "sess", order_id, signal, page,
                      device, cart_value, "newsletter")  # fmt: skip

    async def write(conn):
        response = await insert_response(conn, new, at)
        for key, answer in (answers or {}).items():
            await replace_answers(conn, response.id, survey.question(key), answer, at)
        done = status or ("completed" if answers else "shown")
        if done != "shown":
            await set_response_status(conn, response.id, done, at)
        return response

    return await services(app).db.write(write)


def text_of(page: str) -> str:
    """The page's text, tags dropped and whitespace collapsed, for reading figures."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


# ---- access, list, new --------------------------------------------------------------------


async def test_every_page_needs_a_login(client, merchant, store):
    base = f"/admin/stores/{store.id}/surveys"
    for path in ("", "/new", "/srv_x", "/srv_x/results", "/srv_x/results.csv",
                 "/srv_x/answers", "/srv_x/preview"):  # fmt: skip
        response = await client.get(base + path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/admin/login?next=")


async def test_the_store_navigation_links_to_surveys(client, admin, store):
    page = await client.get(f"/admin/stores/{store.id}")
    assert f'href="/admin/stores/{store.id}/surveys">Surveys</a>' in page.text


@pytest.mark.parametrize("template", ["exit", "checkout_experience", "attribution", "nps", "blank"])
async def test_a_survey_starts_as_a_draft_from_each_template(app, client, store, admin, template):
    base, post = admin
    survey = await create(app, store, post, template)
    assert survey.status == "draft" and survey.template == template
    page = await client.get(f"{base}/{survey.public_id}?saved=created")
    assert page.status_code == 200
    assert "Survey created from its template" in page.text
    for question in survey.questions:
        assert f'value="{html.escape(question.prompt, quote=True)}"' in page.text
    listing = await client.get(base)
    assert html.escape(survey.name) in listing.text and "Draft" in listing.text


async def test_an_unknown_template_is_refused_and_nothing_is_saved(app, client, store, admin):
    _, post = admin
    refused = await post("", {"template": "<b>quiz</b>"})
    assert refused.status_code == 422
    assert "Choose a template" in field_error(refused.text, "template")
    assert "<b>quiz</b>" not in refused.text
    assert await list_surveys(services(app).db, store.id) == []


async def test_forms_without_a_valid_csrf_token_are_refused(app, client, store, admin):
    base, post = admin
    survey = await create(app, store, post)
    for path, data in (("", {"template": "exit"}), ("/settings", {"min_gap_days": "3"}),
                       (f"/{survey.public_id}", form_of(survey, store, name="Forged")),
                       (f"/{survey.public_id}/status/live", {})):  # fmt: skip
        response = await client.post(base + path, data={**data, "csrf_token": "forged"})
        assert response.status_code == 403, path
    assert await list_surveys(services(app).db, store.id) == [survey]


# ---- editing ------------------------------------------------------------------------------


async def test_an_edit_is_saved_with_its_keys_kept(app, client, store, admin):
    _, post = admin
    survey = await create(app, store, post, "nps")
    form = form_of(
        survey, store, name="After delivery", q1_prompt="Recommend us?", q2_required="true",
        moments="order_status", thanks="Ta!", q3_prompt="Your email?", q3_type="email",
        q3_consent_text="Email me back.",
    )  # fmt: skip
    saved = await post(f"/{survey.public_id}", form)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=survey")
    edited = await load_survey(services(app).db, store.id, survey.public_id)
    assert edited.name == "After delivery" and edited.thanks == "Ta!"
    assert [(q.key, q.type, q.required) for q in edited.questions] == [
        ("q1", "nps", True), ("q2", "long_text", True), ("q3", "email", False)
    ]  # fmt: skip
    assert edited.questions[2].consent_text == "Email me back."
    assert edited.status == "draft" and edited.template == "nps"


async def test_a_question_added_after_one_was_removed_gets_a_key_of_its_own(
    app, client, store, admin
):
    """q2 answered, then removed; a question added in a later edit is q3, not q2 again (its
    results would count the old question's answers)."""
    _, post = admin
    survey = await create(app, store, post, "nps")  # q1 score, q2 why
    await respond(app, survey, "v1", {"q1": Answer(number=9), "q2": Answer(text="Fast")})
    removed = form_of(survey, store, q2_prompt="", q2_key="")
    assert (await post(f"/{survey.public_id}", removed)).status_code == 303
    edited = await load_survey(services(app).db, store.id, survey.public_id)
    assert [q.key for q in edited.questions] == ["q1"]
    added = form_of(edited, store, q2_prompt="Your email?", q2_type="email",
                    q2_consent_text="Email me back.")  # fmt: skip
    assert (await post(f"/{survey.public_id}", added)).status_code == 303
    again = await load_survey(services(app).db, store.id, survey.public_id)
    assert [(q.key, q.type) for q in again.questions] == [("q1", "nps"), ("q3", "email")]


async def test_an_answered_question_whose_scale_changes_gets_a_new_key(
    app, client, store, admin, at_t0
):
    """q1 (0 to 10) answered 8, then made a rating of 1 to 5: it becomes q3, and the 8 leaves
    the results instead of reading "8.00 of 5". A question edited otherwise keeps its key."""
    base, post = admin
    survey = await create(app, store, post, "nps")  # q1 score, q2 why
    await respond(app, survey, "v1", {"q1": Answer(number=8), "q2": Answer(text="Fast")})
    rescaled = form_of(survey, store, q1_type="rating", q1_points="5", q2_prompt="Why so?")
    assert (await post(f"/{survey.public_id}", rescaled)).status_code == 303
    edited = await load_survey(services(app).db, store.id, survey.public_id)
    assert [(q.key, q.type) for q in edited.questions] == [("q3", "rating"), ("q2", "long_text")]
    assert edited.questions[0].scale == (1, 5)
    results = text_of((await client.get(f"{base}/{survey.public_id}/results")).text)
    assert "8.00 of 5" not in results
    assert "Rating (numbers or stars) · 0 answered" in results
    assert "Why so? Long text · 1 answered" in results
    # The 8 is kept in the database, under the old key q1.
    stored = await rows_of(app, "SELECT question, number FROM survey_answers ORDER BY question")
    assert stored == [("q1", 8), ("q2", None)]


async def rows_of(app, sql: str) -> list[tuple]:
    return [tuple(row) for row in await services(app).db.fetch_all(sql)]


async def test_a_refused_edit_comes_back_with_every_error_and_the_values(app, client, store, admin):
    _, post = admin
    survey = await create(app, store, post)
    before = await row_counts(app)
    form = form_of(survey, store, name="", q1_prompt="<i>Why</i> leave?", sample_percent="101",
                   moments="", q1_o2_next="question-1")  # fmt: skip
    refused = await post(f"/{survey.public_id}", form)
    assert refused.status_code == 422
    assert "Enter a name" in field_error(refused.text, "name")
    assert "at least one moment" in field_error(refused.text, "moments")
    assert "1 to 100" in field_error(refused.text, "sample_percent")
    assert "later question" in field_error(refused.text, "q1_o2_next")
    assert 'value="&lt;i&gt;Why&lt;/i&gt; leave?"' in refused.text  # kept, and escaped
    assert 'aria-invalid="true"' in refused.text and 'href="#f-sample_percent"' in refused.text
    assert await load_survey(services(app).db, store.id, survey.public_id) == survey
    assert await row_counts(app) == before


async def test_an_edit_warns_once_shoppers_have_answered(app, client, store, admin):
    base, post = admin
    survey = await create(app, store, post)
    await respond(app, survey, "v1", {"q1": Answer(options=("delivery",))})
    await respond(app, survey, "v2")  # shown, never answered: not counted
    page = await client.get(f"{base}/{survey.public_id}")
    assert "1 shopper has answered this survey" in page.text


async def test_an_answer_links_to_a_campaign_variant_and_the_form_warns_of_its_own_trigger(
    app, client, shop, merchant
):
    from tests.api.admin_client import sign_in

    await sign_in(client)
    base = f"/admin/stores/{shop.id}/surveys"
    token = csrf_from((await client.get(base)).text)
    created = await client.post(base, data={"csrf_token": token, "template": "exit"})
    survey = (await list_surveys(services(app).db, shop.id))[0]
    [campaign] = await list_campaigns(services(app).db, shop.id)  # the demo's, on exit intent
    link = f"{campaign.public_id}:B"
    form = form_of(survey, shop, q1_o6_remedy=link, csrf_token=token)
    edit_url = created.headers["location"].split("?")[0]
    assert (await client.post(edit_url, data=form)).status_code == 303
    saved = await load_survey(services(app).db, shop.id, survey.public_id)
    remedy = saved.questions[0].option("delivery").remedy
    assert (remedy.campaign, remedy.variant) == (campaign.public_id, "B")
    page = await client.get(f"{base}/{survey.public_id}")
    assert f'<option value="{link}" selected>' in page.text
    assert "These offers also show on their own trigger" in page.text

    # A campaign that shows only as an answer's remedy: the campaign form takes that trigger,
    # and the survey form no longer warns.
    offers = f"/admin/stores/{shop.id}/campaigns"
    edit = campaign_values(campaign, shop.currency, shop.timezone)
    edit |= {"trigger_kind": "survey_answer", "status_shown": "live", "csrf_token": token}
    edit = {name: value for name, value in edit.items() if value != "false"}
    edit |= {"phone_signals": list(campaign.trigger.phone_signals),
             "devices": list(campaign.targeting.devices)}  # fmt: skip
    moved = await client.post(f"{offers}/{campaign.public_id}", data=edit)
    assert moved.status_code == 303, moved.text
    [remedy_only] = await list_campaigns(services(app).db, shop.id)
    assert remedy_only.trigger.kind == "survey_answer"
    campaign_page = await client.get(f"{offers}/{campaign.public_id}")
    assert 'value="survey_answer" checked' in campaign_page.text
    survey_page = await client.get(f"{base}/{survey.public_id}")
    assert "also show on their own trigger" not in survey_page.text


async def test_a_remedy_must_be_one_of_the_stores_campaign_variants(app, client, store, admin):
    _, post = admin
    survey = await create(app, store, post)
    refused = await post(f"/{survey.public_id}", form_of(survey, store, q1_o6_remedy="cmp_x:A"))
    assert refused.status_code == 422
    assert "offer of this store" in field_error(refused.text, "q1_o6_remedy")


# ---- status and settings --------------------------------------------------------------------


async def test_status_buttons_follow_the_campaign_rules(app, client, store, admin):
    _, post = admin
    survey = await create(app, store, post)
    db = services(app).db
    for target, notice in (("live", "Survey is live."), ("paused", "Survey paused"),
                           ("live", "Survey is live."), ("ended", "Survey ended")):  # fmt: skip
        moved = await post(f"/{survey.public_id}/status/{target}", {})
        assert moved.status_code == 303 and moved.headers["location"].endswith(f"?saved={target}")
        assert (await load_survey(db, store.id, survey.public_id)).status == target
        assert notice in (await client.get(moved.headers["location"])).text
    refused = await post(f"/{survey.public_id}/status/live", {})  # ended stays ended
    assert refused.status_code == 409
    assert (await post(f"/{survey.public_id}/status/deleted", {})).status_code == 404
    assert (await post("/srv_nope/status/live", {})).status_code == 404
    assert (await load_survey(db, store.id, survey.public_id)).status == "ended"


async def test_an_edit_keeps_a_status_changed_in_another_tab(app, client, store, admin):
    _, post = admin
    survey = await create(app, store, post)
    await post(f"/{survey.public_id}/status/live", {})
    await post(f"/{survey.public_id}/status/paused", {})  # while the form showed "draft"
    saved = await post(f"/{survey.public_id}", form_of(survey, store, name="Renamed"))
    assert saved.status_code == 303
    edited = await load_survey(services(app).db, store.id, survey.public_id)
    assert (edited.name, edited.status) == ("Renamed", "paused")


async def test_an_edit_to_a_status_the_survey_can_no_longer_take_says_why(
    app, client, store, admin
):
    _, post = admin
    survey = await create(app, store, post)
    await post(f"/{survey.public_id}/status/ended", {})  # while the form showed "draft"
    refused = await post(f"/{survey.public_id}", form_of(survey, store, status="live"))
    assert refused.status_code == 422
    assert field_error(refused.text, "status") == (
        "This survey is ended: it cannot be set to live from there."
    )
    assert (await load_survey(services(app).db, store.id, survey.public_id)).status == "ended"


async def test_the_store_survey_settings(app, client, store, admin):
    from server.surveys.queries import load_settings

    base, post = admin
    assert 'value="14"' in (await client.get(base)).text  # the default gap
    saved = await post("/settings", {"min_gap_days": "3", "priority": "surveys"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=settings")
    settings = await load_settings(services(app).db, store.id)
    assert (settings.min_gap_days, settings.priority) == (3, "surveys")
    refused = await post("/settings", {"min_gap_days": "-1", "priority": "popups"})
    assert refused.status_code == 422
    assert "0 to 365" in field_error(refused.text, "min_gap_days")
    assert "offers or surveys" in field_error(refused.text, "priority")
    assert await load_settings(services(app).db, store.id) == settings


# ---- merchant text, the preview --------------------------------------------------------------

HOSTILE = '<script>alert("x")</script>'


async def test_merchant_text_is_escaped_on_every_page(app, client, store, admin):
    base, post = admin
    survey = await create(app, store, post)
    form = form_of(survey, store, name=HOSTILE, q1_prompt=HOSTILE, q1_o1_label=HOSTILE)
    saved = await post(f"/{survey.public_id}", form)
    assert saved.status_code == 303, re.findall(r'id="f-([^"]+)-error">([^<]*)<', saved.text)
    await respond(app, survey, "v1", {"q1": Answer(options=("other",), text=HOSTILE)})
    pages = ["", f"/{survey.public_id}", f"/{survey.public_id}/results",
             f"/{survey.public_id}/answers?range=90d", f"/{survey.public_id}/preview"]  # fmt: skip
    for path in pages:
        page = await client.get(base + path)
        assert page.status_code == 200, path
        assert HOSTILE not in page.text, path
        assert "&lt;script&gt;" in page.text or "\\u003cscript\\u003e" in page.text, path


async def test_the_preview_carries_the_saved_or_the_typed_survey(app, client, store, admin):
    base, post = admin
    survey = await create(app, store, post)
    saved = await client.get(f"{base}/{survey.public_id}/preview")
    assert saved.status_code == 200
    assert "frame-ancestors 'self'" in saved.headers["content-security-policy"]
    marker = re.search(r'id="keepcart-offer-preview">(.*?)</script>', saved.text).group(1)
    preview = json.loads(marker)
    assert preview["survey"]["id"] == survey.public_id
    assert preview["survey"]["questions"][0]["prompt"] == "What stopped you today?"
    assert "remedy" not in json.dumps(preview)  # which offer an answer earns is the server's
    typed = await client.get(
        f"{base}/{survey.public_id}/preview",
        params={
            "q1_prompt": "Why go?",
            "q1_type": "single",
            "q1_o1_label": "Price",
            "q1_o2_label": "Time",
            "sample_percent": "oops",
        },
    )
    preview = json.loads(re.search(r'preview">(.*?)</script>', typed.text).group(1))
    [question] = preview["survey"]["questions"]
    assert question["prompt"] == "Why go?"
    assert [o["label"] for o in question["options"]] == ["Price", "Time"]
    assert await load_survey(services(app).db, store.id, survey.public_id) == survey


async def test_the_preview_says_where_an_order_survey_really_shows(app, client, store, admin):
    base, post = admin
    for template, said in [
        ("checkout_experience", "its questions sit inline under the order confirmation"),
        ("nps", "it is a page of its own, linked from the order's status page"),
        ("exit", None),
    ]:
        survey = await create(app, store, post, template)
        page = text_of((await client.get(f"{base}/{survey.public_id}")).text)
        assert "On the shop," not in page if said is None else said in page


# ---- results --------------------------------------------------------------------------------


@pytest.fixture
async def answered_exit(app, store, at_t0):
    """An exit survey with a follow-up text question, and six responses across filters."""
    from server.surveys.model import Question
    from server.surveys.templates import exit_survey

    base = exit_survey()
    follow_up = Question("q2", "long_text", "Anything else?", required=False)
    survey = await live_survey(app, store.id, "exit", questions=(*base.questions, follow_up))
    delivery, browsing = Answer(options=("delivery",)), Answer(options=("just_browsing",))
    await respond(app, survey, "v1", {"q1": delivery, "q2": Answer(text="Shipping 50% of price")},
                  page="/cart", cart_value=4500)  # fmt: skip
    await respond(app, survey, "v2", {"q1": delivery, "q2": Answer(text="too_slow, and 50 euro")},
                  device="phone", cart_value=9000, signal="back_button")  # fmt: skip
    await respond(app, survey, "v3", {"q1": browsing, "q2": Answer()}, page="/cart")
    await respond(app, survey, "v4", {"q1": Answer(options=("other",), text="=cmd|calc"),
                  "q2": Answer(text='=HYPERLINK("x") so slow')}, status="started")  # fmt: skip
    await respond(app, survey, "v5", device="phone")  # shown, not answered
    await respond(app, survey, "v6", {"q1": delivery}, at=T0 - 40 * DAY)  # before 30 days
    return survey


async def test_the_results_count_the_funnel_and_each_answer(client, store, admin, answered_exit):
    base, _ = admin
    page = await client.get(f"{base}/{answered_exit.public_id}/results")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Shown 5 100.0%" in text and "Started: answered a question 4 80.0%" in text
    assert "Completed 3 60.0%" in text
    # Shares of the 4 who answered q1, each option's bar with its value written beside it.
    assert "Delivery was too slow or too costly 50% · 2" in text
    assert "I was just browsing 25% · 1" in text and "Other 25% · 1" in text
    assert "Not enough data yet for intervals of these shares: 4 of the 30 answers" in text
    assert "1. What stopped you today? One choice · 4 answered" in text
    assert "2. Anything else? Long text · 3 answered · 1 skipped" in text
    assert "Read the 3 written answers" in text and "Read the 1 written answer" in text
    assert '<svg class="chart-svg"' in page.text and "<script" not in page.text.split("<main")[1]
    # An exit survey: beside the store's cart abandonment in the range.
    assert "Why shoppers leave, beside how many leave" in text
    assert "No session added to cart in this range. 3 shoppers completed this survey." in text


@pytest.mark.parametrize(
    ("query", "shown", "completed"),
    [
        ({"range": "90d"}, 6, 4),  # the older response comes in
        ({"range": "custom", "from": "2026-09-20", "to": "2026-09-20"}, 5, 3),
        ({"page": "/cart"}, 2, 2),
        ({"device": "phone"}, 2, 1),
        ({"cart_min": "50", "cart_max": "100.00"}, 1, 1),
        ({"signal": "back_button"}, 1, 1),
    ],
)
async def test_each_filter_narrows_the_results(
    client, admin, answered_exit, query, shown, completed
):
    base, _ = admin
    page = await client.get(f"{base}/{answered_exit.public_id}/results", params=query)
    assert page.status_code == 200
    text = text_of(page.text)
    assert re.search(rf"Shown {shown} ", text) and re.search(rf"Completed {completed} ", text)


async def test_a_filter_that_does_not_read_is_left_out_with_a_422(client, admin, answered_exit):
    base, _ = admin
    wrong = {"range": "custom", "from": "someday", "cart_min": "lots"}
    page = await client.get(f"{base}/{answered_exit.public_id}/results", params=wrong)
    assert page.status_code == 422
    assert "Enter a date" in field_error(page.text, "from")
    assert field_error(page.text, "cart_min")
    assert "Shown 5 " in text_of(page.text)  # the default range, no cart filter


async def test_an_nps_survey_shows_its_score_with_an_interval(app, client, store, admin, at_t0):
    base, _ = admin
    survey = await live_survey(app, store.id, "nps")
    scores = [10] * 20 + [8] * 5 + [3] * 5  # 20 promoters, 5 passives, 5 detractors: NPS +50
    for n, score in enumerate(scores):
        await respond(app, survey, f"v{n}", {"q1": Answer(number=score)}, signal="order_status")
    text = text_of((await client.get(f"{base}/{survey.public_id}/results")).text)
    assert "Net Promoter Score +50 95% interval" in text
    assert "10 (Extremely likely) 20" in text and "0 (Not at all likely) 0" in text
    assert "Why shoppers leave" not in text  # not an exit survey
    # Its page records a showing only with the first answer: the funnel says so.
    assert "shoppers who opened the page and left without answering are not counted" in text


async def test_the_results_show_what_an_answers_offer_earned(app, client, store, admin, at_t0):
    """A response whose answer earned its linked offer (as remedies.py records it), and the
    order that followed: the results page's remedy table counts it."""
    from server.offers.model import Offer, Trigger
    from server.surveys.model import Remedy
    from tests.api.attribution import insert_order as insert_paid_order
    from tests.api.offering import live_campaign

    base, _ = admin
    campaign = await live_campaign(app, store.id, Offer("free_shipping", 0), name="Free delivery",
                                   trigger=Trigger(kind="survey_answer"))  # fmt: skip
    [reasons] = (await live_survey(app, store.id, "exit")).questions
    linked = tuple(dataclasses.replace(o, remedy=Remedy(campaign.public_id, "A"))
                   if o.key == "delivery" else o for o in reasons.options)  # fmt: skip
    question = dataclasses.replace(reasons, options=linked)
    survey = await live_survey(app, store.id, "exit", questions=(question,))
    response = await respond(app, survey, "v-buyer", {"q1": Answer(options=("delivery",))})
    db = services(app).db
    await db.write(lambda conn: conn.execute(
        "UPDATE survey_responses SET remedy_campaign_id = ?, remedy_arm = 'A', remedy_at = ?"
        " WHERE id = ?", (campaign.id, T0 - DAY, response.id)))  # fmt: skip
    await insert_exposure(db, campaign.id, "v-buyer", "A", T0 - DAY, signal="survey")
    await insert_paid_order(db, store.id, 1001, "v-buyer", T0 - DAY + 60_000, 2400)
    page = await client.get(f"{base}/{survey.public_id}/results")
    assert "Offers after an answer" in page.text
    assert 'data-col="orders">1<' in page.text
    assert "“Delivery was too slow or too costly”" in html.unescape(page.text)


# ---- written answers ------------------------------------------------------------------------


async def test_written_answers_are_searched_with_like_characters_as_themselves(
    client, admin, answered_exit
):
    base, _ = admin
    url = f"{base}/{answered_exit.public_id}/answers"
    everything = text_of((await client.get(url, params={"question": "q2"})).text)
    assert "3 answers" in everything
    assert "Shipping 50% of price" in everything and "too_slow" in everything
    percent = text_of((await client.get(url, params={"question": "q2", "search": "50%"})).text)
    # "%" and "_" are matched as themselves, not as LIKE's wildcards ("50 euro", "o s").
    assert "1 answer containing “50%”" in percent and "too_slow" not in percent
    underscore = text_of((await client.get(url, params={"question": "q2", "search": "o_s"})).text)
    assert "1 answer containing" in underscore and "too_slow" in underscore
    assert "so slow" not in underscore
    other = text_of((await client.get(url, params={"question": "q1"})).text)
    assert "Other: =cmd|calc" in other


# ---- the CSV --------------------------------------------------------------------------------


async def test_the_csv_has_a_column_per_question_is_formula_safe_and_filtered(
    client, admin, answered_exit
):
    base, _ = admin
    response = await client.get(f"{base}/{answered_exit.public_id}/results.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    header, *body = rows
    assert header == ["response", "shown_at", "status", "signal", "page", "device", "cart_value",
                      "utm_source", "order_number", "remedy_campaign", "remedy_arm",
                      "q1: What stopped you today?", "q2: Anything else?"]  # fmt: skip
    assert len(body) == 5  # the default 30 days
    by_answer = {row[11]: row for row in body}
    first = by_answer["Delivery was too slow or too costly"]
    assert first[3] == "exit_top" and first[7] == "newsletter"
    assert by_answer["Other: =cmd|calc"][12] == '\'=HYPERLINK("x") so slow'  # text, no formula
    assert not any(cell.startswith("=") for row in body for cell in row)
    phones = await client.get(f"{base}/{answered_exit.public_id}/results.csv",
                              params={"device": "phone", "cart_min": "80"})  # fmt: skip
    [only] = list(csv.reader(io.StringIO(phones.text.lstrip("\ufeff"))))[1:]
    assert (only[5], only[6], only[12]) == ("phone", "90.00", "too_slow, and 50 euro")


async def test_the_csv_holds_an_email_only_as_given_with_consent(app, client, store, admin, at_t0):
    from server.surveys.model import Question

    base, _ = admin
    email = Question("q1", "email", "Your email?", required=False)
    survey = await live_survey(app, store.id, "blank", questions=(email,))
    await respond(app, survey, "v1", {"q1": Answer(text="pat@example.test", consent="Yes")})
    await respond(app, survey, "v2", {"q1": Answer(text="sneaky@example.test")})  # no consent
    text = (await client.get(f"{base}/{survey.public_id}/results.csv")).text
    assert "pat@example.test" in text and "sneaky@example.test" not in text


# ---- plans ----------------------------------------------------------------------------------


async def test_the_results_read_the_survey_by_its_index(app, store, answered_exit):
    from server.admin.surveys import results_queries as q

    wanted = q.ResponseFilter(since=0, until=T0, device="phone")
    where, params = q.response_where(answered_exit.id, wanted)
    statements = [
        (sql, params)
        for sql in (q.ANSWER_GROUPS.format(where=where), q.ANSWERED.format(where=where),
                    f"SELECT r.status FROM survey_responses r WHERE {where}")
    ]  # fmt: skip
    for plan in await query_plans(services(app).db, statements):
        searches = [line for line in plan if line.startswith(("SEARCH", "SCAN"))]
        assert searches[0] == (
            "SEARCH r USING INDEX survey_responses_by_survey (survey_id=? AND shown_at>? AND"
            " shown_at<?)"
        ), plan
        assert all(not line.startswith("SCAN") for line in searches), plan
        assert all("survey_answers" not in line or "(response_id=?)" in line
                   for line in searches), plan  # fmt: skip
