"""Quick feedback surveys on the demo store, as a shopper's browser runs them: each moment that
shows one, every question type answered by keyboard alone (branching, shuffling, a bottom
sheet at 320 px), a partial answer resumed after a reload, recontact across sessions with the
server refusing a survey already answered, priority between a survey and an offer sharing a
moment (and the phone's back button, one history entry for both), an answer's remedy all
the way to an attributed order, the confirmation's inline surveys, the order-status page, and
debug mode.

Surveys come from ``survey()`` in tests/browser/surveying.py: exit intent with no minimum time
and no return delay, so a pointer leaving through the top decides at once. Every test watches
the page's problems: no uncaught error, no console error, no CSP violation.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing

import pytest
from playwright.sync_api import Page, expect

from server.offers.model import Offer, Trigger
from server.surveys.model import (
    Option,
    Question,
    Recontact,
    Remedy,
    SurveySettings,
    questions_to_json,
)
from tests.browser.axe import serious_violations
from tests.browser.conftest import PageProblems, Stack, wait_for
from tests.browser.layout import layout_shifts, watch_layout_shifts
from tests.browser.merchant import sign_in
from tests.browser.offering import (
    ARMED,
    allow_interruptions_per_week,
    campaign,
    end_campaign,
    exposures,
    leave_through_the_top,
    next_frame,
    no_offer_dialog,
    offer,
    scroll_to_percent,
    settle_timers,
)
from tests.browser.shopping import (
    DESKTOP,
    PHONE,
    SETTLED,
    add_to_cart,
    assert_clean,
    cart_drawer,
    confirmation,
    fill_card,
    fill_details,
    focused_name,
    open_product,
    order_over_the_api,
    orders,
    pay,
    start_checkout,
    wait_for_loader,
)
from tests.browser.surveying import (
    SURVEYS_READY,
    answers,
    leave_narrow_page,
    no_survey_built,
    no_survey_sheet,
    only_surveys,
    open_shop,
    responses,
    survey,
    survey_events,
    survey_sheet,
)

DELIVERY = "Delivery was too slow or too costly"
CHUNK_FETCHED = """performance.getEntriesByType("resource")
  .some((entry) => entry.name.includes("/v1/chunks/surveys."))"""
HELD = "JSON.parse(localStorage.getItem('keepcart:interruptions'))?.held"
CARD_PAYMENT = {
    "method": "test_card",
    "card": {"number": "4242424242424242", "expiry": "12/34", "cvc": "123"},
}


def clean(problems: PageProblems) -> None:
    assert problems.errors == [] and problems.console_errors == [] and problems.csp_violations == []


def arrow_to(
    page: Page, name: str | re.Pattern[str], key: str = "ArrowDown", most: int = 12
) -> None:
    """Choose ``name`` in a radio group by keyboard: the arrow key until it has focus (moving
    the focus chooses), then Space (the first option may have focus unchosen)."""
    for _ in range(most):
        here = focused_name(page)
        if name.search(here) if isinstance(name, re.Pattern) else here == name:
            page.keyboard.press("Space")
            return
        page.keyboard.press(key)
    raise AssertionError(f"no option {name!r} in the group")


def tab_to(page: Page, name: str, most: int = 30) -> None:
    """Press Tab until the focused control is ``name``."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if focused_name(page) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


# --- an exit answer's remedy, all the way to an attributed order ----------------------------------


@DESKTOP
def test_exit_survey_by_keyboard_leads_to_its_remedy_and_an_attributed_order(
    page: Page, stack: Stack, problems: PageProblems
):
    remedy = campaign(
        "Free delivery for a delivery answer",
        headline="Free delivery on this order",
        trigger=Trigger(kind="survey_answer"),
        offer=Offer(kind="free_shipping", value=0),
    )
    [cmp] = stack.only_campaigns(remedy)
    exit_survey = survey(moments=("exit_intent",))
    [question] = exit_survey.questions
    options = tuple(
        dataclasses.replace(option, remedy=Remedy(cmp, "A")) if option.key == "delivery" else option
        for option in question.options
    )
    linked = dataclasses.replace(question, options=options)
    [srv] = only_surveys(stack, dataclasses.replace(exit_survey, questions=(linked,)))
    open_product(page, stack)
    wait_for(lambda: page.evaluate(SURVEYS_READY) >= 1)
    add_to_cart(page, "Stoneware Mug")
    page.keyboard.press("Escape")
    expect(cart_drawer(page)).to_be_hidden()
    leave_through_the_top(page)

    sheet = survey_sheet(page)
    expect(sheet).to_be_visible()
    expect(sheet).to_have_attribute("aria-modal", "true")
    arrow_to(page, DELIVERY)
    page.keyboard.press("Enter")
    # The survey makes way for the remedy, which the server chose and recorded with the answer.
    dialog = offer(page, "Free delivery on this order")
    expect(dialog).to_be_visible()
    expect(sheet).to_be_hidden()
    tab_to(page, "Claim 10% off")
    page.keyboard.press("Enter")
    claimed = offer(page, "Offer claimed")
    expect(claimed.get_by_role("button", name="View cart")).to_be_focused()
    page.keyboard.press("Enter")
    checkout = start_checkout(page, cart_drawer(page))
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€24.00")  # the €4.95 shipping taken off
    expect(confirmation(page)).to_be_visible()

    visitor = page.evaluate("localStorage.getItem('keepcart:vid')")
    [order] = orders(stack)
    assert order["visitor_id"] == visitor and order["total"] == 2400 and order["discount_code"]
    assert exposures(stack) == [
        {"campaign": cmp, "visitor_id": visitor, "arm": "A", "signal": "survey"}
    ]
    [response] = responses(stack)
    assert (response["survey"], response["status"], response["signal"]) == (
        srv,
        "completed",
        "exit_top",
    )
    assert response["remedy_arm"] == "A"
    assert [(a["question"], a["option"]) for a in answers(stack)] == [("q1", "delivery")]
    events = wait_for(lambda: len(survey_events(stack)) >= 5 and survey_events(stack))
    assert events[:5] == [
        ("survey:trigger", {"survey": srv, "signal": "exit_top"}),
        ("survey:shown", {"survey": srv}),
        ("survey:answered", {"survey": srv, "question": "q1"}),  # never the answer itself
        ("survey:completed", {"survey": srv}),
        ("survey:remedy", {"survey": srv, "campaign": cmp, "arm": "A"}),
    ]
    clean(problems)

    # The merchant sees the order in the campaign's results, attributed to variant A.
    sign_in(page, stack)
    page.goto(f"{stack.keepcart_url}/admin/stores/{stack.store.id}/campaigns/{cmp}/results")
    attributed = page.get_by_role("region", name=re.compile("^Newest first"))
    row = attributed.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"#{order['number']}")
    )
    expect(row.get_by_role("cell").first).to_have_text("Variant A")


# --- every question type, by keyboard, on a phone-sized screen ------------------------------------

OTHER = Option("other", "Other", other=True)
EVERY_TYPE = (
    Question(
        "q1",
        "single",
        "Which did you come for?",
        options=(*(Option(k.lower(), k) for k in ("Mugs", "Bowls", "Plates", "Jugs")), OTHER),
        shuffle=True,
    ),
    Question(
        "q2",
        "multiple",
        "What would you buy together?",
        options=(
            Option("tea", "Tea"),
            Option("gift", "A gift box", next="q4"),
            Option("cloth", "Cloths"),
        ),
    ),
    Question("q3", "short_text", "Why no gift box?"),  # skipped: the gift box jumps to q4
    Question("q4", "rating", "How do you rate our photos?", style="stars", points=5),
    Question("q5", "nps", "How likely are you to recommend us?", low_label="No", high_label="Yes"),
    Question("q6", "ces", "How easy was it to find things?"),
    Question("q7", "csat", "How satisfied are you today?", points=5),
    Question("q8", "short_text", "Anything missing?", required=False),
    Question("q9", "long_text", "Tell us more", required=False),
    Question("q10", "email", "May we write to you about it?", required=False),
)


@DESKTOP
def test_every_question_type_by_keyboard_in_a_bottom_sheet_at_320_px(
    page: Page, stack: Stack, problems: PageProblems
):
    [srv] = only_surveys(stack, survey("blank", questions=EVERY_TYPE, thanks="Thanks a lot!"))
    page.set_viewport_size({"width": 320, "height": 640})
    page.emulate_media(reduced_motion="reduce")
    watch_layout_shifts(page)
    open_shop(page, stack)
    leave_narrow_page(page)

    def step(number: int, prompt: str):
        sheet = survey_sheet(page, f"Question {number} of 10 {prompt}")
        expect(sheet).to_be_visible()
        assert serious_violations(page) == [], prompt
        return sheet

    sheet = step(1, "Which did you come for?")
    assert page.evaluate(SETTLED) == 0  # nothing moves
    box = sheet.bounding_box()
    assert box and (box["x"], box["width"], round(box["y"] + box["height"])) == (0, 320, 640)
    *choices, box_label = sheet.locator("label").all_inner_texts()
    assert (
        sorted(choices) == ["Bowls", "Jugs", "Mugs", "Other", "Plates"] and choices[-1] == "Other"
    )
    # The Other box says what it is for, in words a sighted shopper sees (as on the order page).
    assert box_label == "If other, tell us"
    other = sheet.get_by_label("If other, tell us", exact=True)
    expect(other).to_be_visible()
    expect(sheet.get_by_role("radio").first).to_be_focused()
    arrow_to(page, "Other")
    page.keyboard.press("Tab")
    expect(other).to_be_focused()
    page.keyboard.type("Teapots")
    page.keyboard.press("Enter")

    step(2, "What would you buy together?")
    page.keyboard.press("Space")  # Tea
    page.keyboard.press("Tab")
    assert focused_name(page) == "A gift box"
    page.keyboard.press("Space")
    tab_to(page, "Next")
    page.keyboard.press("Enter")

    step(4, "How do you rate our photos?")  # the gift box jumped over question 3
    arrow_to(page, re.compile("4 of 5$"), "ArrowRight")
    page.keyboard.press("Enter")
    step(5, "How likely are you to recommend us?")
    arrow_to(page, "9", "ArrowRight")
    page.keyboard.press("Enter")
    step(6, "How easy was it to find things?")
    arrow_to(page, "6", "ArrowRight")
    page.keyboard.press("Enter")
    step(7, "How satisfied are you today?")
    arrow_to(page, "5", "ArrowRight")
    page.keyboard.press("Enter")

    step(8, "Anything missing?")
    tab_to(page, "Skip")  # an optional question may be skipped
    page.keyboard.press("Enter")
    step(9, "Tell us more")
    page.keyboard.type("More teapots, please.")
    tab_to(page, "Next")
    page.keyboard.press("Enter")
    step(10, "May we write to you about it?")
    page.keyboard.type("aoife@example.com")
    page.keyboard.press("Enter")
    # Without the box ticked the server refuses the email, and says why.
    expect(page.get_by_role("alert")).to_have_text(re.compile("agree"))
    tab_to(page, "You may email me about my answers.")
    page.keyboard.press("Space")
    tab_to(page, "Send")
    page.keyboard.press("Enter")
    thanks = survey_sheet(page, "Thanks a lot!")
    expect(thanks).to_be_visible()
    assert serious_violations(page) == []

    [response] = responses(stack)
    assert (response["survey"], response["status"], response["device"]) == (
        srv,
        "completed",
        "desktop",
    )
    given = {(a["question"], a["option"]): (a["number"], a["text"]) for a in answers(stack)}
    assert given == {
        ("q1", "other"): (None, "Teapots"),
        ("q2", "gift"): (None, None),
        ("q2", "tea"): (None, None),
        ("q4", ""): (4, None),
        ("q5", ""): (9, None),
        ("q6", ""): (6, None),
        ("q7", ""): (5, None),
        ("q8", ""): (None, None),  # skipped
        ("q9", ""): (None, "More teapots, please."),
        ("q10", ""): (None, "aoife@example.com"),
    }
    # The sheet grows and shrinks with each question, each time right after the shopper's
    # answer: nothing moves by itself (the page behind it, never).
    assert layout_shifts(page, excused=False) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.keyboard.press("Escape")
    expect(thanks).to_be_hidden()
    # The browser's own line for the 422 this test asked for (the email without consent).
    assert problems.console_errors == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
    assert problems.errors == [] and problems.csp_violations == []


# --- a partial answer, and recontact --------------------------------------------------------------

TWO_STEPS = (
    Question("q1", "ces", "How easy was it to find things?"),
    Question(
        "q2", "single", "Did you find it?", options=(Option("yes", "Yes"), Option("no", "No"))
    ),
)


@DESKTOP
def test_a_partial_answer_survives_a_reload_and_the_survey_goes_on_where_it_stopped(
    page: Page, stack: Stack, problems: PageProblems
):
    [srv] = only_surveys(stack, survey("blank", questions=TWO_STEPS))
    open_shop(page, stack)
    leave_through_the_top(page)
    expect(survey_sheet(page, "Question 1 of 2 How easy was it to find things?")).to_be_visible()
    arrow_to(page, "5", "ArrowRight")
    page.keyboard.press("Enter")
    expect(survey_sheet(page, "Question 2 of 2 Did you find it?")).to_be_visible()
    wait_for(lambda: answers(stack), message="the first answer was not saved")

    page.reload()  # the page goes away mid-survey (not dismissed)
    open_shop(page, stack)
    leave_through_the_top(page)
    expect(survey_sheet(page, "Question 2 of 2 Did you find it?")).to_be_visible()
    page.keyboard.press("Enter")  # "Yes" is focused, not yet chosen: required
    expect(page.get_by_role("alert")).to_have_text("Please answer this question.")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(survey_sheet(page, "Thank you for your answer.")).to_be_visible()

    [response] = responses(stack)  # one response, resumed, then completed
    assert (response["survey"], response["status"]) == (srv, "completed")
    assert [(a["question"], a["option"], a["number"]) for a in answers(stack)] == [
        ("q1", "", 5),
        ("q2", "yes", None),
    ]
    clean(problems)


# --- the survey edited while a shopper is in the middle of it -----------------------------------

MISSING = Question(
    "qx", "single", "Was anything missing?", options=(Option("yes", "Yes"), Option("no", "No"))
)
LAST = Question("q3", "short_text", "Anything else?", required=False)


def edit_questions(stack: Stack, srv: str, questions: tuple[Question, ...]) -> None:
    """The merchant's edit of a running survey: its questions, as the admin saves them."""
    with closing(sqlite3.connect(stack.db_path, timeout=10)) as conn, conn:
        conn.execute(
            "UPDATE surveys SET questions = ? WHERE public_id = ?",
            (questions_to_json(questions), srv),
        )


@DESKTOP
@pytest.mark.parametrize(
    ("edit", "refused", "then_asked", "stored"),
    [
        # A question put before the one showing: the server refuses that one (409
        # question_not_next) and asks the new one next, then the one showing again.
        pytest.param(
            (TWO_STEPS[0], MISSING, TWO_STEPS[1]),
            "409 (Conflict)",
            ["Question 2 of 3 Was anything missing?", "Question 3 of 3 Did you find it?"],
            [("q1", "", 5), ("q2", "yes", None), ("qx", "yes", None)],
            id="question-put-before",
        ),
        # The question showing taken out (404 question_not_found): the one after it is next.
        pytest.param(
            (TWO_STEPS[0], LAST),
            "404 (Not Found)",
            ["Question 2 of 2 Anything else?"],
            [("q1", "", 5), ("q3", "", None)],
            id="question-taken-out",
        ),
    ],
)
def test_a_survey_edited_mid_way_goes_on_from_the_question_the_server_says_is_next(
    page: Page,
    stack: Stack,
    problems: PageProblems,
    edit: tuple[Question, ...],
    refused: str,
    then_asked: list[str],
    stored: list[tuple[str, str, int | None]],
):
    [srv] = only_surveys(stack, survey("blank", questions=(*TWO_STEPS, LAST)))
    open_shop(page, stack)
    leave_through_the_top(page)
    expect(survey_sheet(page, "Question 1 of 3 How easy was it to find things?")).to_be_visible()
    arrow_to(page, "5", "ArrowRight")
    page.keyboard.press("Enter")
    expect(survey_sheet(page, "Question 2 of 3 Did you find it?")).to_be_visible()
    wait_for(lambda: answers(stack), message="the first answer was not saved")

    edit_questions(stack, srv, edit)
    page.keyboard.press("Space")  # "Yes": no longer the survey's next question
    page.keyboard.press("Enter")
    for prompt in then_asked:
        sheet = survey_sheet(page, prompt)
        expect(sheet).to_be_visible()
        expect(sheet.get_by_role("alert")).to_be_hidden()
        page.keyboard.press("Space")  # its first option, or a space typed in the text box
        page.keyboard.press("Enter")
    expect(survey_sheet(page, "Thank you for your answer.")).to_be_visible()

    [response] = responses(stack)
    assert (response["survey"], response["status"]) == (srv, "completed")
    assert [(a["question"], a["option"], a["number"]) for a in answers(stack)] == stored
    # The refused answer is the browser's only complaint (it logs every failed request).
    assert problems.console_errors == [
        f"Failed to load resource: the server responded with a status of {refused}"
    ]
    assert problems.errors == [] and problems.csp_violations == []


@DESKTOP
def test_a_dismissed_survey_returns_next_session_and_an_answered_one_never_even_without_memory(
    page: Page, stack: Stack, problems: PageProblems, new_tab: Callable[[], Page]
):
    only_surveys(stack, survey(recontact=Recontact("until_answered")))
    open_shop(page, stack)
    leave_through_the_top(page)
    sheet = survey_sheet(page)
    expect(sheet).to_be_visible()
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    leave_through_the_top(page)
    assert no_survey_sheet(page)  # one interruption a session

    second = new_tab()  # a new session of the same visitor
    open_shop(second, stack)
    leave_through_the_top(second)
    expect(survey_sheet(second)).to_be_visible()
    arrow_to(second, DELIVERY)
    second.keyboard.press("Enter")
    expect(survey_sheet(second, "Thank you: that helps us fix it.")).to_be_visible()
    [response] = responses(stack)  # the dismissed response, answered
    assert response["status"] == "completed"

    # The shopper clears Keepcart's memory of it: the server still knows, and says no.
    third = new_tab()
    third.add_init_script("localStorage.removeItem('keepcart:interruptions')")
    with third.expect_response(re.compile(r"/v1/surveys/.+/state\?")) as state:
        open_shop(third, stack)
    assert (state.value.json()["show"], state.value.json()["reason"]) == (False, "answered")
    leave_through_the_top(third)
    next_frame(third)  # (input events reach the page with its next frame)
    settle_timers(third)
    assert no_survey_built(third)  # not even shown and then closed by the server's refusal
    assert len(responses(stack)) == 1
    names = [
        name
        for name, _ in wait_for(lambda: len(survey_events(stack)) >= 6 and survey_events(stack))
    ]
    assert "survey:dismissed" in names
    clean(problems)


# --- the checkout's moments, and the other page moments -------------------------------------------


@DESKTOP
def test_leaving_checkout_and_closing_the_drawer_with_items_show_the_survey(
    page: Page, stack: Stack, problems: PageProblems, new_tab: Callable[[], Page]
):
    only_surveys(stack, survey(moments=("drawer_close", "checkout_exit")))
    open_product(page, stack)
    drawer = add_to_cart(page, "Stoneware Mug")  # the chunk loads once the cart has something
    wait_for(lambda: page.evaluate(SURVEYS_READY) >= 1)
    # The drawer opened on the add: closing it is going on shopping, not a moment.
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    next_frame(page)
    next_frame(page)
    expect(survey_sheet(page)).to_have_count(0)
    page.locator("header").get_by_role("button", name=re.compile("^Cart")).click()
    drawer = cart_drawer(page)
    checkout = start_checkout(page, drawer)  # the drawer closes to open checkout: not a moment
    page.keyboard.press("Escape")
    expect(checkout).to_be_hidden()
    sheet = survey_sheet(page)
    expect(sheet).to_be_visible()
    page.get_by_role("button", name="Close survey").click()

    second = new_tab()  # the next session: the cart kept, the drawer closed with it
    open_product(second, stack)
    wait_for(lambda: second.evaluate(SURVEYS_READY) >= 1)
    second.locator("header").get_by_role("button", name=re.compile("^Cart")).click()
    expect(cart_drawer(second)).to_be_visible()
    second.keyboard.press("Escape")
    expect(survey_sheet(second)).to_be_visible()
    assert [
        r["signal"] for r in wait_for(lambda: len(responses(stack)) == 1 and responses(stack))
    ] == ["checkout_exit"]  # the second showing resumed the first response: the visitor's open one
    events = wait_for(lambda: len(survey_events(stack)) >= 5 and survey_events(stack))
    shown = sorted(props["signal"] for name, props in events if name == "survey:trigger")
    assert shown == ["checkout_exit", "drawer_close"]
    clean(problems)


@DESKTOP
def test_time_on_page_scroll_depth_and_an_idle_cart_show_their_surveys(
    page: Page, stack: Stack, problems: PageProblems, new_tab: Callable[[], Page]
):
    # One survey a moment, each shown once (Playwright's clock is the browser context's: the
    # time on page of one tab would be the next tab's too), no gap between two, three sessions.
    allow_interruptions_per_week(stack, 5)
    trigger = Trigger(kind="time_on_page", seconds=600, percent=50, idle_minutes=3)
    once = {"trigger": trigger, "recontact": Recontact("once")}
    only_surveys(
        stack,
        *(
            survey(moments=(moment,), **once)
            for moment in ("time_on_page", "scroll_depth", "cart_idle")
        ),
        settings=SurveySettings(min_gap_days=0),
    )

    def shows(tab: Page) -> None:
        sheet = survey_sheet(tab)
        expect(sheet).to_be_visible()
        tab.keyboard.press("Escape")
        expect(sheet).to_be_hidden()

    page.clock.install()
    open_shop(page, stack, surveys=2)  # (the idle cart's loads once there is a cart)
    page.clock.run_for("09:50")
    assert no_survey_sheet(page)
    page.clock.run_for("00:11")
    shows(page)

    scrolling = new_tab()
    open_shop(scrolling, stack)
    scroll_to_percent(scrolling, 40)
    assert no_survey_sheet(scrolling)
    scroll_to_percent(scrolling, 60)
    shows(scrolling)

    idle = new_tab()
    open_product(idle, stack)
    add_to_cart(idle, "Stoneware Mug")
    wait_for(lambda: idle.evaluate(SURVEYS_READY) >= 1)
    idle.keyboard.press("Escape")
    idle.clock.run_for("02:50")
    assert no_survey_sheet(idle)
    idle.clock.run_for("00:11")
    shows(idle)

    def triggers() -> list[str]:
        return sorted(p["signal"] for n, p in survey_events(stack) if n == "survey:trigger")

    assert wait_for(lambda: len(triggers()) == 3 and triggers()) == [
        "cart_idle",
        "scroll_depth",
        "time_on_page",
    ]
    clean(problems)


# --- after the order ------------------------------------------------------------------------------


@DESKTOP
def test_the_confirmation_asks_its_surveys_inline_and_stores_them_with_the_order(
    page: Page, stack: Stack, problems: PageProblems
):
    ces, attribution = only_surveys(stack, survey("checkout_experience"), survey("attribution"))
    watch_layout_shifts(page)
    page.goto(f"{stack.shop_url}/products/stoneware-mug?utm_source=newsletter")
    wait_for_loader(page)
    checkout = start_checkout(page, add_to_cart(page, "Stoneware Mug"))
    fill_details(checkout)
    fill_card(checkout)
    # (the surveys chunk came with the cart's first item: the confirmation surveys need a cart)
    wait_for(lambda: page.evaluate(CHUNK_FETCHED), message="no surveys chunk")
    pay(checkout, "€28.95")
    done = confirmation(page)
    expect(done).to_be_visible()
    # What this test measures starts here: the checkout's own shifts are test_checkout's.
    confirmed = page.evaluate("performance.now()")
    first = done.get_by_role("group", name="Question 1 of 2 How easy was checkout?")
    expect(first).to_be_visible()
    assert serious_violations(page) == []
    tab_to(page, "1")
    arrow_to(page, "6", "ArrowRight")
    page.keyboard.press("Enter")
    expect(done.get_by_role("group", name="Question 2 of 2 What could be better?")).to_be_visible()
    tab_to(page, "Skip")
    page.keyboard.press("Enter")
    expect(done.get_by_text("Thank you for telling us.")).to_be_focused()
    second = done.get_by_role("group", name="How did you hear about us?")
    expect(second).to_be_visible()
    tab_to(page, "Search engine")
    arrow_to(page, "A friend or family member")
    page.keyboard.press("Enter")
    expect(done.get_by_text("Thank you!", exact=True)).to_be_focused()
    assert serious_violations(page) == []
    # The surveys fill the slot under everything: nothing moved but right after an answer.
    assert layout_shifts(page, excused=False, since=confirmed) == []

    [order] = orders(stack)
    completed = lambda: [r for r in responses(stack) if r["status"] == "completed"]  # noqa: E731
    stored = wait_for(lambda: len(completed()) == 2 and completed())
    assert [(r["survey"], r["signal"], r["order_id"], r["utm_source"]) for r in stored] == [
        (ces, "confirmation", order["id"], "newsletter"),
        (attribution, "confirmation", order["id"], "newsletter"),
    ]
    assert [(a["question"], a["option"], a["number"]) for a in answers(stack)] == [
        ("q1", "", 6),
        ("q2", "", None),  # skipped
        ("q1", "friend", None),
    ]
    clean(problems)


@DESKTOP
def test_the_order_status_survey_by_keyboard_at_320_px(
    page: Page, stack: Stack, problems: PageProblems
):
    only_surveys(stack, survey("nps", moments=("order_status",)))
    placed = order_over_the_api(stack, {"FH-MUG-01": 1}, CARD_PAYMENT)
    with closing(sqlite3.connect(stack.db_path, timeout=10)) as conn, conn:
        conn.execute(
            "UPDATE orders SET status = 'fulfilled', delivery_to = '2020-01-01'"
            " WHERE public_id = ?",
            (placed["id"],),
        )
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(placed["status_url"])
    page.get_by_role("link", name=re.compile("^Tell .+ in a question or two")).click()
    expect(
        page.get_by_role("group", name="How likely are you to recommend us to a friend?")
    ).to_be_visible()
    assert serious_violations(page) == []
    tab_to(page, "0")
    arrow_to(page, "9", "ArrowRight")
    tab_to(page, "Next")
    page.keyboard.press("Enter")
    reason = page.get_by_label(re.compile("^What is the main reason for your score"))
    expect(reason).to_be_visible()
    assert serious_violations(page) == []
    tab_to(page, "What is the main reason for your score? (optional)")
    page.keyboard.type("Lovely mugs.")
    tab_to(page, "Send")
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile("Thank you"))).to_be_visible()
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    [response] = responses(stack)
    assert (response["signal"], response["status"]) == ("order_status", "completed")
    clean(problems)


# --- priority, and debug mode ---------------------------------------------------------------------


@DESKTOP
@pytest.mark.parametrize("priority", ["surveys", "offers"])
def test_the_store_decides_whether_a_survey_or_an_offer_sharing_its_moment_shows(
    page: Page, stack: Stack, problems: PageProblems, priority: str
):
    # The one the store did not choose decides at once, the other 200 ms after the pointer
    # left: by their timing alone, the wrong one would show.
    at_once, later = (
        Trigger(min_seconds=0, return_delay_ms=0),
        Trigger(min_seconds=0, return_delay_ms=200),
    )
    surveys_first = priority == "surveys"
    stack.only_campaigns(campaign(trigger=at_once if surveys_first else later))
    only_surveys(
        stack,
        survey(trigger=later if surveys_first else at_once),
        settings=SurveySettings(priority=priority),
    )
    page.clock.install()
    open_shop(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1)
    if priority == "surveys":  # once the server said the survey is due, it holds the budget
        wait_for(lambda: page.evaluate(HELD))
    leave_through_the_top(page)
    page.clock.run_for(1000)  # the survey's wait for the offer's return delay is over
    if priority == "surveys":
        expect(survey_sheet(page)).to_be_visible()
        assert no_offer_dialog(page) and exposures(stack) == []
    else:
        expect(offer(page)).to_be_visible()
        assert no_survey_sheet(page) and responses(stack) == []
    clean(problems)


# --- an offer and a survey watching the phone's back button ------------------------------------
# Each chunk is one file with its own copy of the back-button trigger: the copies share one
# history entry, and it is given back once.

BACK_ONLY = Trigger(
    kind="exit_intent", min_seconds=0, return_delay_ms=0, phone_signals=("back_button",)
)
MARKED = "!!history.state?.keepcart_offer"
GIVEN_BACK = "history.state?.keepcart_offer === undefined"  # (the page's own entry again)


def offer_and_survey_on_the_back_button(stack: Stack) -> None:
    """A live exit offer and a live exit survey, both watching the back button (only)."""
    stack.only_campaigns(campaign(trigger=BACK_ONLY))
    only_surveys(stack, survey(trigger=BACK_ONLY))


def open_untouched(page: Page, stack: Stack) -> None:
    """Open the home page and wait until both chunks watch (each asked the server about its
    campaign or survey), with no page.evaluate: Playwright runs one as a user gesture, and the
    shopper's first gesture must come after, as it does when the chunks load while idle."""
    offers_ready = page.expect_response(lambda response: "/arm?" in response.url)
    surveys_ready = page.expect_response(lambda response: "/state?" in response.url)
    with offers_ready, surveys_ready:
        page.goto(stack.shop_url + "/")


@PHONE
def test_one_tap_adds_one_history_entry_and_one_back_shows_one_interruption(
    page: Page, stack: Stack, problems: PageProblems
):
    offer_and_survey_on_the_back_button(stack)
    open_untouched(page, stack)
    url, length = page.url, page.evaluate("history.length")
    page.get_by_role("heading", name="Goods for slow mornings").tap()  # the first gesture
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    assert page.evaluate("history.length") == length + 1
    page.go_back()
    expect(offer(page)).to_be_visible()  # offers go first (the store's default priority)
    assert page.url == url
    assert [row["signal"] for row in wait_for(lambda: exposures(stack))] == ["back_button"]
    assert no_survey_sheet(page) and responses(stack) == []
    clean(problems)


@PHONE
def test_an_offer_that_fails_to_load_gives_the_entry_back_and_the_survey_takes_no_back(
    page: Page, stack: Stack, problems: PageProblems
):
    """The offer's watch stops alone (its campaign ended meanwhile: its arm is a 404) and
    steps back off the entry: the survey's watch, in the other chunk, knows that step for the
    offer's own, no shopper's Back (it used to show the survey)."""
    [ended] = stack.only_campaigns(campaign(trigger=BACK_ONLY))
    only_surveys(stack, survey(trigger=BACK_ONLY))
    held = []
    page.route(re.compile(rf"/v1/offers/{ended}/arm\?"), lambda route: held.append(route))
    page.clock.install()
    page.goto(stack.shop_url + "/about")
    page.goto(stack.shop_url + "/")
    wait_for_loader(page)
    # (each evaluate lets Playwright run the route handler)
    wait_for(lambda: page.evaluate(SURVEYS_READY) >= 1 and held, message="never got ready")
    page.get_by_role("heading", name="Goods for slow mornings").tap()  # the first interaction
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    end_campaign(stack, ended)
    held[0].continue_()  # 404: the offer's watch stops, alone
    wait_for(lambda: page.evaluate(GIVEN_BACK), message="the history entry was kept")
    page.clock.run_for(1000)  # a survey fired waits 100 ms for an offer watching its moment
    assert no_survey_sheet(page) and responses(stack) == []
    page.go_back()  # one Back leaves the page
    assert page.url == stack.shop_url + "/about"
    assert_clean(problems)  # (the browser logs the arm's 404 as a console error)


@PHONE
def test_an_offer_shown_at_its_time_gives_back_the_entry_the_survey_watched(
    page: Page, stack: Stack, problems: PageProblems
):
    """The session's one interruption came: the survey stops watching the back button at once,
    and its history entry is given back (it used to stay: the shopper's next Back did nothing)."""
    stack.only_campaigns(campaign(trigger=Trigger(kind="time_on_page", seconds=60)))
    only_surveys(stack, survey(trigger=BACK_ONLY))
    page.clock.install()
    open_shop(page, stack)
    wait_for(lambda: page.evaluate(ARMED) >= 1, message="the offers never got ready")
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    page.clock.run_for("01:01")
    expect(offer(page)).to_be_visible()
    wait_for(lambda: not page.evaluate(MARKED), message="the history entry was kept")
    assert no_survey_sheet(page) and responses(stack) == []
    clean(problems)


@PHONE
def test_paying_on_a_phone_keeps_the_confirmation_on_the_page(
    page: Page, stack: Stack, problems: PageProblems
):
    offer_and_survey_on_the_back_button(stack)
    open_shop(page, stack, "/products/stoneware-mug")
    wait_for(lambda: page.evaluate(ARMED) >= 1, message="the offers never got ready")
    url = page.url
    checkout = start_checkout(page, add_to_cart(page, "Stoneware Mug"))
    wait_for(lambda: page.evaluate(MARKED), message="no history entry added")
    fill_details(checkout)
    fill_card(checkout)
    pay(checkout, "€28.95")
    done = confirmation(page)
    expect(done).to_be_visible()
    # The order stops both watches: the entry is given back once, the shopper stays.
    wait_for(lambda: not page.evaluate(MARKED), message="the history entry was kept")
    page.wait_for_timeout(1000)  # what stays: a second step back would leave the shop by now
    expect(done).to_be_visible()
    assert page.url == url
    assert len(orders(stack)) == 1
    clean(problems)


@DESKTOP
def test_debug_mode_shows_the_survey_at_once_and_records_nothing(
    page: Page, stack: Stack, problems: PageProblems
):
    not_yet = Trigger(kind="exit_intent", min_seconds=3600)
    only_surveys(stack, survey("blank", questions=TWO_STEPS, trigger=not_yet))
    page.goto(f"{stack.shop_url}/?keepcart_debug=survey")
    sheet = survey_sheet(page, "Question 1 of 2 How easy was it to find things?")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_text("Preview: answers are not saved.")).to_be_visible()
    arrow_to(page, "2", "ArrowRight")
    page.keyboard.press("Enter")
    expect(survey_sheet(page, "Question 2 of 2 Did you find it?")).to_be_visible()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect(survey_sheet(page, "Thank you for your answer.")).to_be_visible()
    assert responses(stack) == [] and stack.events(type="survey") == []
    assert page.evaluate("localStorage.getItem('keepcart:interruptions')") is None
    clean(problems)
