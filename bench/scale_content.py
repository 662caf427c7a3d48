"""The scale bench's reviews, exit survey and trust exposures: what ``bench/scale.py``'s
``grow`` adds for the pages built since it was written, as the app writes them (bulk SQL in
grow's one transaction, the app's own JSON and hashing functions for the values).

- REVIEWS reviews of fulfilled orders' lines, each published with its log entry, a few
  hidden for a reason, some replied to, a few removed at their writer's request;
- a live exit survey (reasons with "Other", a score, a comment) with SURVEY_RESPONSES
  responses over the 90 days, a free-delivery remedy on one reason (its campaign, with a
  holdout, and each remedy's exposure);
- the badges' and social proof's holdouts (10 %) measured since the span began, with the
  store's visitors' exposures to each.
"""

from __future__ import annotations

import base64
import random
import sqlite3
from typing import Any

from server.demo_surveys import REMEDY_CAMPAIGN
from server.offers.bucketing import HOLDOUT, bucket
from server.offers.model import to_json as offer_json
from server.offers.service import SURVEY_SIGNAL
from server.reviews.model import HIDE_REASONS
from server.reviews.service import default_display_name
from server.surveys.model import (
    Option,
    Question,
    Recontact,
    Remedy,
    moments_to_json,
    questions_to_json,
)
from server.surveys.model import to_json as survey_json
from server.surveys.templates import EXIT_REASONS, exit_survey
from server.trust.holdout import arm_for
from server.webhooks.emitting import iso_time

DAY_MS, HOUR_MS, MINUTE_MS = 86_400_000, 3_600_000, 60_000
REVIEWS, SURVEY_RESPONSES = 20_000, 20_000
BADGE_EXPOSURES, PROOF_EXPOSURES = 150_000, 60_000
TRUST_HOLDOUT = 10
REMEDY_HOLDOUT = 10  # the remedy is measured: a tenth of those who earn it get none
Event = tuple[int, str, dict[str, Any]]  # when, webhook event type, its data


def public_id(rng: random.Random, prefix: str, nbytes: int = 12) -> str:
    """``new_public_id``'s shape (``prefix_`` and URL-safe base64), from the seed's rng."""
    token = base64.urlsafe_b64encode(rng.randbytes(nbytes)).rstrip(b"=").decode()
    return f"{prefix}_{token.replace('-', 'x').replace('_', 'y')}"


# --- reviews --------------------------------------------------------------------------------

RATINGS = (5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1, 1)
SAID = {
    5: ("Love it", "Exactly as described, and it arrived two days after I ordered."),
    4: ("Very good", "Does the job well. The colour is a little darker than the photos."),
    3: ("It's fine", "Decent for the price, though I expected a sturdier finish."),
    2: ("Not great", "The size runs small and the stitching came loose after a week."),
    1: ("Disappointed", "It broke the second time I used it. Sent it back."),
}
REPLY = "Thank you for taking the time to write this: we've passed it on to our workshop."


def seed_reviews(conn: sqlite3.Connection, rng: random.Random, store_id: int, owner_id: int,
                 now: int) -> list[Event]:  # fmt: skip
    """REVIEWS of fulfilled orders' lines, written 5–25 days after the order; their
    ``review.created`` events."""
    lines = conn.execute(
        "SELECT i.order_id, i.product_id, i.sku, i.name, o.public_id, o.shipping_name,"
        " o.created_at FROM order_items i JOIN orders o ON o.id = i.order_id"
        " WHERE o.store_id = ? AND o.status = 'fulfilled' AND o.created_at < ?",
        (store_id, now - 6 * DAY_MS),
    ).fetchall()
    (review_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM reviews").fetchone()
    reviews, log, events = [], [], []
    for order_id, product_id, sku, name, order, shopper, ordered in rng.sample(lines, REVIEWS):
        review_id += 1
        at = min(now - HOUR_MS, ordered + rng.randrange(5 * DAY_MS, 25 * DAY_MS))
        rating = rng.choice(RATINGS)
        title, body = SAID[rating]
        row: dict[str, Any] = {
            "id": review_id, "public_id": public_id(rng, "rev"), "store_id": store_id,
            "product_id": product_id, "order_id": order_id, "rating": rating, "title": title,
            "body": body, "display_name": default_display_name(shopper), "status": "published",
            "hidden_reason": None, "reply": None, "reply_at": None, "created_at": at,
        }  # fmt: skip
        log.append((review_id, store_id, "publish", None, "", None, at))
        events.append((at, "review.created", _review_data(row, sku, name, order)))
        log += _moderate(rng, row, owner_id, now)
        reviews.append(row)
    conn.executemany(
        "INSERT INTO reviews (id, public_id, store_id, product_id, source, order_id, rating,"
        " title, body, display_name, status, hidden_reason, reply, reply_at, created_at)"
        " VALUES (:id, :public_id, :store_id, :product_id, 'order', :order_id, :rating, :title,"
        " :body, :display_name, :status, :hidden_reason, :reply, :reply_at, :created_at)",
        reviews,
    )
    conn.executemany(
        "INSERT INTO review_moderation (review_id, store_id, action, reason, detail, user_id,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        sorted(log, key=lambda entry: entry[-1]),  # the log's ids in time order, as written
    )
    return events


def _moderate(rng: random.Random, row: dict[str, Any], owner_id: int, now: int
              ) -> list[tuple[Any, ...]]:  # fmt: skip
    """A review's later moderation, changed in ``row``: one in 200 removed at its writer's
    request, one in 50 hidden, one in 16 replied to. Its log entries."""
    later = min(now - MINUTE_MS, row["created_at"] + rng.randrange(HOUR_MS, 4 * DAY_MS))
    entry = (row["id"], row["store_id"])
    roll = rng.random()
    if roll < 0.005:
        row.update(status="removed", rating=None, title="", body="", display_name="")
        return [(*entry, "remove_on_request", None, "Asked by email.", owner_id, later)]
    if roll < 0.025:
        reason = rng.choice(("personal_data", "personal_data", *HIDE_REASONS))
        row.update(status="hidden", hidden_reason=reason)
        return [(*entry, "hide", reason, "", owner_id, later)]
    if roll < 0.09:
        row.update(reply=REPLY, reply_at=later)
        return [(*entry, "reply", None, REPLY, owner_id, later)]
    return []


def _review_data(row: dict[str, Any], sku: str, name: str, order: str) -> dict[str, Any]:
    """``review.created``'s data, as ``server.reviews.webhook_data`` writes it at publishing."""
    return {
        "review_id": row["public_id"], "product": {"sku": sku, "name": name},
        "order_id": order, "verified_buyer": True, "rating": row["rating"],
        "title": row["title"], "body": row["body"], "display_name": row["display_name"],
        "status": "published", "created_at": iso_time(row["created_at"]),
    }  # fmt: skip


# --- the exit survey ------------------------------------------------------------------------

# How often each reason is given (of 100 answers), as the demo's exit answers run.
REASONS = {
    "unexpected_costs": 24, "delivery": 19, "just_browsing": 17, "payment_missing": 8,
    "cheaper_elsewhere": 9, "card_trust": 6, "checkout_too_long": 7, "site_errors": 4,
    "other": 6,
}  # fmt: skip
OTHERS = ("Wanted to ask about sizes first", "Coming back on payday", "Gift for later")
COMMENTS = ("Show delivery costs on the product page.", "Add PayPal please.",
            "The size guide was hard to find.", "Took too long to load on my phone.")  # fmt: skip
SIGNALS = ("exit_top", "exit_top", "exit_top", "scroll_up", "back_button", "drawer_close",
           "checkout_exit")  # fmt: skip
PAGES = ("/", "/collections/all", "/products/bench-product", "/cart", "/about")


def exit_questions(remedy: Remedy) -> tuple[Question, ...]:
    """The exit template's reasons (the delivery answer earning the remedy), then how the
    visit felt and what to fix: a merchant's three-question exit survey."""
    reasons = tuple(
        Option(key, label, remedy=remedy if key == "delivery" else None)
        for key, label in EXIT_REASONS
    )
    return (
        Question("q1", "single", "What stopped you today?",
                 options=(*reasons, Option("other", "Other", other=True)), shuffle=True),
        Question("q2", "csat", "How was your visit overall?", required=False),
        Question("q3", "long_text", "What could we do better?", required=False),
    )  # fmt: skip


def seed_survey(conn: sqlite3.Connection, rng: random.Random, store_id: int,
                visitors: list[tuple[str, int]], now: int, span_ms: int) -> None:  # fmt: skip
    """The live exit survey, its remedy's campaign, and SURVEY_RESPONSES responses from as
    many visitors, each at their visit: some only shown, some started, most completed."""
    started = now - span_ms
    campaign_id, campaign = _remedy_campaign(conn, rng, store_id, started)
    template = exit_survey()
    cursor = conn.execute(
        "INSERT INTO surveys (public_id, store_id, name, template, status, moments, trigger,"
        " targeting, recontact, sample_percent, questions, thanks, created_at, updated_at)"
        " VALUES (?, ?, ?, 'exit', 'live', ?, ?, ?, ?, 100, ?, ?, ?, ?)",
        (public_id(rng, "srv"), store_id, template.name, moments_to_json(template.moments),
         survey_json(template.trigger), survey_json(template.targeting),
         survey_json(Recontact("until_answered")),
         questions_to_json(exit_questions(Remedy(campaign, "A"))), template.thanks, started,
         started),
    )  # fmt: skip
    survey_id = cursor.lastrowid
    (response_id,) = conn.execute("SELECT coalesce(max(id), 0) FROM survey_responses").fetchone()
    responses, answers, exposures = [], [], []
    for visitor, at in rng.sample(visitors, SURVEY_RESPONSES):
        response_id += 1
        signal = rng.choice(SIGNALS)
        row: dict[str, Any] = {
            "id": response_id, "public_id": public_id(rng, "rsp"), "survey_id": survey_id,
            "store_id": store_id, "visitor_id": visitor, "session_id": f"s{visitor[1:]}",
            "signal": signal, "page": "/checkout" if signal == "checkout_exit"
            else rng.choice(PAGES), "device": rng.choice(("desktop", "phone", "phone")),
            "cart_value": None if signal == "exit_top" else rng.randrange(1_500, 20_000, 100),
            "status": "shown", "remedy_campaign_id": None, "remedy_arm": None, "remedy_at": None,
            "shown_at": at, "updated_at": at, "completed_at": None,
        }  # fmt: skip
        given, reason = _answer(rng, row)
        answers += given
        if row["status"] == "completed" and reason == "delivery":
            arm = HOLDOUT if bucket(campaign_id, visitor) < REMEDY_HOLDOUT * 100 else "A"
            row.update(remedy_campaign_id=campaign_id, remedy_arm=arm,
                       remedy_at=row["completed_at"])  # fmt: skip
            exposures.append((campaign_id, visitor, arm, SURVEY_SIGNAL, row["session_id"],
                              row["completed_at"]))  # fmt: skip
        responses.append(row)
    _insert_responses(conn, responses, answers, exposures)


def _remedy_campaign(conn: sqlite3.Connection, rng: random.Random, store_id: int, at: int
                     ) -> tuple[int, str]:  # fmt: skip
    """The demo's remedy-only campaign (free delivery for a delivery answer), with a
    holdout: (its id, its public id)."""
    campaign, code = REMEDY_CAMPAIGN, public_id(rng, "cmp")
    cursor = conn.execute(
        "INSERT INTO campaigns (public_id, store_id, name, status, trigger, targeting,"
        " frequency, holdout_percent, created_at, updated_at)"
        " VALUES (?, ?, ?, 'live', ?, ?, ?, ?, ?, ?)",
        (code, store_id, campaign.name, offer_json(campaign.trigger),
         offer_json(campaign.targeting), offer_json(campaign.frequency), REMEDY_HOLDOUT,
         at, at),
    )  # fmt: skip
    variant = campaign.variants[0]
    conn.execute(
        "INSERT INTO campaign_variants (campaign_id, key, weight, headline, body, button_text,"
        " offer) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (cursor.lastrowid, variant.key, variant.weight, variant.headline, variant.body,
         variant.button_text, offer_json(variant.offer)),
    )  # fmt: skip
    assert cursor.lastrowid is not None
    return cursor.lastrowid, code


def _answer(rng: random.Random, row: dict[str, Any]) -> tuple[list[tuple[Any, ...]], str]:
    """The response's answers and the reason given (its status and times set in ``row``):
    45 % shown and left, 10 % only the reason given, the rest completed (the score and
    comment often skipped: a skipped question's row holds nothing)."""
    roll = rng.random()
    if roll < 0.45:
        return [], ""
    at = row["shown_at"] + rng.randrange(3_000, 20_000)
    reason = rng.choices(list(REASONS), weights=list(REASONS.values()))[0]
    other = rng.choice(OTHERS) if reason == "other" else None
    rows = [(row["id"], "q1", reason, None, other, None, at)]
    if roll < 0.55:
        row.update(status="started", updated_at=at)
        return rows, reason
    score = rng.choice((1, 2, 3, 3, 4, 4, 4, 5, 5)) if rng.random() < 0.8 else None
    comment = rng.choice(COMMENTS) if rng.random() < 0.25 else None
    rows += [(row["id"], "q2", "", score, None, None, at + 6_000),
             (row["id"], "q3", "", None, comment, None, at + 15_000)]  # fmt: skip
    row.update(status="completed", updated_at=at + 15_000, completed_at=at + 15_000)
    return rows, reason


def _insert_responses(conn: sqlite3.Connection, responses: list[dict[str, Any]],
                      answers: list[tuple[Any, ...]], exposures: list[tuple[Any, ...]]
                      ) -> None:  # fmt: skip
    conn.executemany(
        "INSERT INTO survey_responses (id, public_id, survey_id, store_id, visitor_id,"
        " session_id, signal, page, device, cart_value, status, remedy_campaign_id, remedy_arm,"
        " remedy_at, shown_at, updated_at, completed_at) VALUES (:id, :public_id, :survey_id,"
        " :store_id, :visitor_id, :session_id, :signal, :page, :device, :cart_value, :status,"
        " :remedy_campaign_id, :remedy_arm, :remedy_at, :shown_at, :updated_at, :completed_at)",
        responses,
    )
    conn.executemany(
        "INSERT INTO survey_answers (response_id, question, option, number, text, consent,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        answers,
    )
    conn.executemany(
        "INSERT INTO exposures (campaign_id, visitor_id, arm, signal, session_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        exposures,
    )


# --- trust ----------------------------------------------------------------------------------


def seed_trust(conn: sqlite3.Connection, rng: random.Random, store_id: int,
               visitors: list[tuple[str, int]], since: int) -> None:  # fmt: skip
    """Both holdouts at TRUST_HOLDOUT % since ``since``, and the exposures of visitors who
    saw a page with badges (BADGE_EXPOSURES) or a product's social proof (PROOF_EXPOSURES),
    each in the arm ``server.trust.holdout`` gives them, at their visit."""
    conn.execute(
        "UPDATE trust_settings SET badges_holdout = ?, proof_holdout = ?, badges_since = ?,"
        " proof_since = ?, placements_since = ? WHERE store_id = ?",
        (TRUST_HOLDOUT, TRUST_HOLDOUT, since, since, since, store_id),
    )
    for element, count in (("badges", BADGE_EXPOSURES), ("proof", PROOF_EXPOSURES)):
        conn.executemany(
            "INSERT INTO trust_exposures (store_id, element, visitor_id, arm, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(store_id, element, visitor, arm_for(element, visitor, TRUST_HOLDOUT), max(at, since))
             for visitor, at in rng.sample(visitors, count)],
        )  # fmt: skip
