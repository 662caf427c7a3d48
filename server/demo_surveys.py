"""What ``keepcart demo`` adds for surveys (issue 13): the exit survey with its remedy, the
two confirmation questions, the NPS survey as a draft, and answers, so their results have
something to show from the first visit.

- A remedy-only offer campaign, "Free delivery for a delivery answer" (trigger
  ``survey_answer``: it never shows on its own), free shipping for 30 minutes, no holdout, so
  whoever tries the demo gets it; the admin says no lift is measured without one.
- The exit survey from its template, its "Delivery was too slow or too costly" answer linked
  to that campaign. The demo's "Before you go" offer wins exit intent on a non-empty cart (the
  store's priority stays ``offers``), so the survey shows when a drawer the shopper opened
  closes with items (not one opened by an add), when checkout is left, and on exit intent
  with an empty cart.
- "How checkout felt" and "How shoppers heard of us" on the order confirmation, answered on
  the demo's fulfilled orders (the reviewers', and more, so the checkout score has enough
  answers for its interval): some with the source their links named beside what they said.
- The exit survey's past answers, over eight weeks: some shoppers closed it unanswered. They
  earned no remedy: the campaign starts with the demo.

Seeded once, for a store without surveys: a merchant's edits, and their answers, stay.
Called only from ``prepare_demo``; the browser tests' seeded store has no survey, so none
opens in the middle of a checkout test.
"""

from __future__ import annotations

import dataclasses
import random

import aiosqlite

from server.demo_seed import fulfilled_order
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.queries import save_campaign
from server.surveys.model import Answer, Remedy, Survey
from server.surveys.queries import (
    NewResponse,
    insert_response,
    replace_answers,
    save_survey,
    set_response_status,
)
from server.surveys.templates import from_template

DAY_MS = 86_400_000
HOUR_MS = 3_600_000
WEEKS = 8

REMEDY_CAMPAIGN = Campaign(
    name="Free delivery for a delivery answer",
    status="live",
    trigger=Trigger(kind="survey_answer"),
    targeting=Targeting(),
    frequency=Frequency(mode="once_per_session"),
    holdout_percent=0,
    variants=(
        Variant(
            key="A",
            weight=100,
            headline="Delivery's on us",
            body="Thanks for telling us. Your order ships free if you check out in the next 30"
            " minutes.",
            button_text="Claim free delivery",
            offer=Offer(kind="free_shipping", value=0, expires_minutes=30),
        ),
    ),
)

# How often each reason was given (of 46 answers), and what two shoppers typed for "Other".
EXIT_ANSWERS = {
    "unexpected_costs": 11, "delivery": 9, "just_browsing": 8, "payment_missing": 4,
    "cheaper_elsewhere": 4, "card_trust": 3, "checkout_too_long": 3, "site_errors": 2,
    "other": 2,
}  # fmt: skip
OTHER_TEXTS = ("Wanted to ask about the apron sizes first", "Coming back on payday")
EXIT_CLOSED_UNANSWERED = 24
EXIT_SIGNALS = ("exit_top", "exit_top", "scroll_up", "drawer_close", "checkout_exit")
PAGES = ("/", "/products/fernhill-mug", "/products/pour-over", "/products/wool-throw", "/about")

# Customers of the orders beyond the reviewers', who answered at the confirmation.
CUSTOMERS = (
    "Orla Byrne", "Declan Moore", "Saoirse Kavanagh", "Eoin Brennan", "Clara Weber",
    "Fiachra Nolan", "Ana Ribeiro", "Liam Gallagher", "Ines Martin", "Conor Hayes",
    "Maeve Lynch", "Jonas Berg", "Aisling Foley", "Pádraig Burke", "Sofia Rossi",
    "Ruairí Dunne", "Hannah Keane", "Matteo Bianchi", "Gráinne Power", "Luca Ferrari",
    "Caoimhe Daly", "Elena Costa", "Darragh Quinn", "Freya Nilsson",
)  # fmt: skip
SKUS = ("FH-MUG-01", "FH-POUR-01", "FH-CNDL-01", "FH-BRD-01", "FH-KTL-01", "FH-COF-WB")
# Checkout ease, 1–7, mostly easy; and what a few said could be better.
CES_SCORES = (7, 6, 7, 5, 6, 7, 4, 7, 6, 6, 7, 3, 6, 7, 5, 7, 6, 7, 2, 6, 7, 6, 5, 7, 6, 7, 4,
              6, 7, 7, 6, 5, 7)  # fmt: skip
BETTER = {
    3: "Let me pay with PayPal.",
    6: "The postcode field didn't like my Eircode at first.",
    11: "Delivery cost only showed up at the end.",
    18: "Took three tries to get the card number accepted.",
    26: "Apple Pay would be quicker on my phone.",
}
HEARD = ("search", "social", "friend", "search", "advert", "social", "friend", "podcast_blog")
# What the links of some of those shoppers named (their session's utm_source), beside
# what they said: a friend's share arrives as "instagram", a podcast's as "newsletter".
LINK_SOURCES = {"social": "instagram", "advert": "google_ads", "podcast_blog": "newsletter"}


async def seed_demo_surveys(conn: aiosqlite.Connection, store_id: int, now_ms: int) -> None:
    """The demo's surveys and their answers: once, for a store without surveys."""
    async with conn.execute("SELECT count(*) FROM surveys WHERE store_id = ?", (store_id,)) as c:
        row = await c.fetchone()
    assert row is not None  # count(*) always returns a row
    if row[0]:
        return
    since = now_ms - WEEKS * 7 * DAY_MS
    remedy = await save_campaign(
        conn, dataclasses.replace(REMEDY_CAMPAIGN, store_id=store_id), now_ms
    )
    assert remedy.public_id is not None
    surveys = {
        name: await save_survey(conn, survey, since)
        for name, survey in _demo_surveys(store_id, Remedy(remedy.public_id, "A")).items()
    }
    picks = random.Random(13)  # the same demo every time
    await _exit_answers(conn, surveys["exit"], since, now_ms, picks)
    await _confirmation_answers(conn, surveys, store_id, now_ms, picks)


def _demo_surveys(store_id: int, delivery_remedy: Remedy) -> dict[str, Survey]:
    exit_survey = from_template("exit", store_id)
    [reasons] = exit_survey.questions
    linked = tuple(
        dataclasses.replace(o, remedy=delivery_remedy) if o.key == "delivery" else o
        for o in reasons.options
    )
    exit_question = dataclasses.replace(reasons, options=linked)
    return {
        "exit": dataclasses.replace(exit_survey, status="live", questions=(exit_question,)),
        "checkout_experience": _live(from_template("checkout_experience", store_id)),
        "attribution": _live(from_template("attribution", store_id)),
        "nps": from_template("nps", store_id),  # a draft: the merchant turns it on
    }


def _live(survey: Survey) -> Survey:
    return dataclasses.replace(survey, status="live")


async def _exit_answers(
    conn: aiosqlite.Connection, survey: Survey, since: int, now_ms: int, picks: random.Random
) -> None:
    """The exit survey's showings: each reason as often as EXIT_ANSWERS says, and some closed
    unanswered, spread over the weeks."""
    reasons = [key for key, times in EXIT_ANSWERS.items() for _ in range(times)]
    given: list[str | None] = [*reasons, *([None] * EXIT_CLOSED_UNANSWERED)]
    picks.shuffle(given)
    question = survey.questions[0]
    others = iter(OTHER_TEXTS)
    for n, reason in enumerate(given):
        at = since + picks.randrange(now_ms - since - DAY_MS)
        signal = picks.choice(EXIT_SIGNALS)
        phone = signal == "scroll_up" or picks.random() < 0.4
        response = await insert_response(
            conn,
            NewResponse(
                survey_id=_id(survey), store_id=_store(survey), visitor_id=f"v_demo{n:03d}",
                session_id=f"s_demo{n:03d}", order_id=None, signal=signal,
                page="/checkout" if signal == "checkout_exit" else picks.choice(PAGES),
                device="phone" if phone else "desktop",
                cart_value=None if signal == "exit_top" else picks.randrange(1800, 9000, 100),
                utm_source="",
            ),
            at,
        )  # fmt: skip
        if reason is None:
            continue
        text = next(others) if reason == "other" else None
        answered = at + picks.randrange(4_000, 30_000)
        await replace_answers(conn, response.id, question, Answer((reason,), text=text), answered)
        await set_response_status(conn, response.id, "completed", answered)


async def _confirmation_answers(
    conn: aiosqlite.Connection,
    surveys: dict[str, Survey],
    store_id: int,
    now_ms: int,
    picks: random.Random,
) -> None:
    """Checkout ease on each of the demo's fulfilled orders, and, on most, how they heard of
    the shop: the reviewers' orders, and orders of CUSTOMERS placed over the weeks (never in
    the last three days, which the trust badges' "bought recently" would count)."""
    for n, name in enumerate(CUSTOMERS):
        placed = now_ms - (3 + (n * (WEEKS * 7 - 4)) // len(CUSTOMERS)) * DAY_MS - 5 * HOUR_MS
        await fulfilled_order(conn, store_id, name, SKUS[n % len(SKUS)], placed)
    async with conn.execute(
        "SELECT id, created_at FROM orders WHERE store_id = ? AND status = 'fulfilled'"
        " ORDER BY created_at, id",
        (store_id,),
    ) as cursor:
        orders = list(await cursor.fetchall())
    ces, heard = surveys["checkout_experience"], surveys["attribution"]
    for n, (order_id, placed) in enumerate(orders):
        visitor = f"v_buyer{n:03d}"
        await conn.execute("UPDATE orders SET visitor_id = ? WHERE id = ?", (visitor, order_id))
        score = CES_SCORES[n % len(CES_SCORES)]
        better = BETTER.get(n)
        await _confirmation(conn, ces, order_id, visitor, placed + 20_000, "", [
            Answer(number=score), Answer(text=better),
        ])  # fmt: skip
        source = HEARD[n % len(HEARD)]
        link = LINK_SOURCES.get(source, "") if n % 3 else ""
        other = Answer(("other",), text="Saw the shop at a craft fair")
        said = [] if n % 5 == 4 else [other if n == 8 else Answer((source,))]  # some left it
        await _confirmation(conn, heard, order_id, visitor, placed + 60_000, link, said)


async def _confirmation(
    conn: aiosqlite.Connection,
    survey: Survey,
    order_id: int,
    visitor: str,
    at: int,
    utm_source: str,
    answers: list[Answer],
) -> None:
    """A confirmation response for the order, its answers given a few seconds apart; without
    any, shown and left."""
    response = await insert_response(
        conn,
        NewResponse(
            survey_id=_id(survey), store_id=_store(survey), visitor_id=visitor,
            session_id="", order_id=order_id, signal="confirmation",
            page="/checkout", device="desktop", cart_value=None, utm_source=utm_source,
        ),
        at,
    )  # fmt: skip
    asked = zip(survey.questions, answers, strict=False)
    for step, (question, answer) in enumerate(asked, start=1):
        await replace_answers(conn, response.id, question, answer, at + step * 8_000)
    if answers:
        status = "completed" if len(answers) == len(survey.questions) else "started"
        await set_response_status(conn, response.id, status, at + len(answers) * 8_000)


def _id(survey: Survey) -> int:
    assert survey.id is not None
    return survey.id


def _store(survey: Survey) -> int:
    assert survey.store_id is not None
    return survey.store_id
