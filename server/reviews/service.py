"""The rules for reviews, as pure functions: what a review may say, who may write one, the
default display name, the figures a product's reviews add up to, and the public explanation
of how reviews work here, written from the store's real counts.

Publication is one rule for every review: published at once, whatever its rating. Nothing
here, or anywhere, looks at the rating to decide what is shown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from server.characters import check_characters
from server.errors import ValidationFailed
from server.forms import FormReader, parse_line, parse_text
from server.orders.service import local_time
from server.payments.registry import is_test_mode
from server.reviews.model import (
    HIDE_REASONS,
    MAX_BODY,
    MAX_NAME,
    MAX_REPLY,
    MAX_TITLE,
    RATINGS,
    REASON_WORDS,
    RETIRED_REASON_WORDS,
    ReviewInput,
    Summary,
)
from server.reviews.text_checks import check_not_a_name_label, check_not_a_title_label

# Only a shipped order's lines can be reviewed: the buyer has had the product (or is about
# to). A refunded order's lines cannot, even by a link sent before the refund.
REVIEWABLE_STATUSES = frozenset({"fulfilled"})
# A review link works for this long after it was made (the receipt page makes a new one each
# time it is opened, so a buyer who comes back later still finds a working one there: the
# public explanation says the link comes with the order, not how long one link lasts).
REVIEW_LINK_MAX_AGE_DAYS = 365

PAGE_SIZE = 10
_PAGE = re.compile(r"[0-9]{1,6}")
MAX_PAGE = 10_000
SORTS = ("newest", "helpful")
MAX_RATING_SKUS = 50  # SKUs in one star-summaries request


def may_review(order_status: str, payment_method: str) -> bool:
    """A shipped order's line, from a real sale: an order paid in a provider's test mode is
    the merchant rehearsing, and no "Verified buyer" review may come from it."""
    return order_status in REVIEWABLE_STATUSES and not is_test_mode(payment_method)


def default_display_name(shipping_name: str) -> str:
    """ "Aoife Byrne" → "Aoife B.": the first name and the last name's initial, which the
    reviewer may change. One name alone stays as it is; none gives ""."""
    words = shipping_name.split()
    if not words:
        return ""
    first = words[0][:MAX_NAME]
    if len(words) == 1:
        return first
    return f"{first} {words[-1][0].upper()}."[:MAX_NAME]


def read_review(values: Mapping[str, str]) -> ReviewInput:
    """A review form (or an imported row): every field error at once (``FormInvalid``)."""
    form = FormReader(values)
    rating = form.read("rating", parse_rating, 0)
    title = form.read("title", parse_title, "")
    body = form.read("body", parse_body, "")
    name = form.read("name", parse_display_name, "")
    form.done()
    return ReviewInput(rating=rating, title=title, body=body, name=name)


def parse_title(text: str) -> str:
    title = parse_line("a title", 0, MAX_TITLE, check_characters("the title", text))
    return check_not_a_title_label(title)


def parse_body(text: str) -> str:
    return parse_text("your review", 0, MAX_BODY, check_characters("your review", text))


def parse_rating(text: str) -> int:
    cleaned = text.strip()
    if cleaned not in {str(rating) for rating in RATINGS}:
        raise ValueError("Choose a rating from 1 to 5 stars.")
    return int(cleaned)


def parse_display_name(text: str) -> str:
    cleaned = " ".join(check_characters("the name", text).split())
    if not cleaned:
        raise ValueError("Enter the name to show with your review, like “Aoife B.”.")
    return check_not_a_name_label(parse_line("a name", 1, MAX_NAME, cleaned))


def parse_hide_reason(text: str) -> str:
    """One of the fixed reasons; anything else is refused (there is no other way to hide)."""
    if text not in HIDE_REASONS:
        raise ValueError("Choose one of the reasons listed.")
    return text


def parse_reply(text: str) -> str:
    return parse_text("the reply", 1, MAX_REPLY, text)


def summarise(distribution: Mapping[int, int]) -> Summary:
    """Counts by rating → the count, the average in tenths (rounded half up) and every
    rating's count."""
    full = {rating: int(distribution.get(rating, 0)) for rating in RATINGS}
    return Summary(
        count=sum(full.values()),
        average_tenths=average_tenths(sum(r * n for r, n in full.items()), sum(full.values())),
        distribution=full,
    )


def average_tenths(total: int, count: int) -> int:
    """The average rating in tenths, rounded half up, in whole numbers: 13 stars in 3
    reviews → 43 (4.33…); 0 for no reviews."""
    if count <= 0:
        return 0
    return (20 * total + count) // (2 * count)


def parse_sort(raw: str | None) -> str:
    if raw is None or raw == "":
        return SORTS[0]
    if raw not in SORTS:
        raise ValidationFailed("Sort by newest or helpful.", field="sort")
    return raw


def parse_page(raw: str | None) -> int:
    if raw is None or raw == "":
        return 1
    if not _PAGE.fullmatch(raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise ValidationFailed(f"Ask for a page from 1 to {MAX_PAGE}.", field="page")
    return int(raw)


def pages_for(count: int, page_size: int = PAGE_SIZE) -> int:
    return max(1, -(-count // page_size))


def parse_skus(raw: str | None) -> list[str]:
    """``a,b,c`` → the distinct SKUs, in order; 1 to MAX_RATING_SKUS of them."""
    skus = list(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    if not skus or len(skus) > MAX_RATING_SKUS:
        raise ValidationFailed(
            f"Send 1 to {MAX_RATING_SKUS} SKUs, separated by commas.", field="skus"
        )
    if any(len(sku) > 64 for sku in skus):
        raise ValidationFailed("A SKU is at most 64 characters.", field="skus")
    return skus


# ---- how reviews work here, said from the facts -----------------------------------------


@dataclass(frozen=True)
class ReviewFacts:
    """What the explanation is written from: one product's reviews as they are now, and where
    the store's imported reviews come from."""

    published: int
    imported: int  # of the published, how many were imported
    hidden: dict[str, int] = field(default_factory=dict)  # hide reason → count
    removed: int = 0  # removed at their writers' request (not the shop's doing: apart)
    platforms: tuple[str, ...] = ()  # where this product's imported reviews come from
    store_platforms: tuple[str, ...] = ()  # where any of the store's come from; () for none


def how_reviews_work(facts: ReviewFacts) -> list[str]:
    """The "How reviews work here" sentences, true for this store and product as they are:
    nothing Keepcart cannot know (whether anyone offered a reward) is said."""
    words = list(REASON_WORDS.values())
    reasons = ", ".join(words[:-1]) + " or " + words[-1]
    return [
        _collected_sentence(facts.store_platforms),
        # Said as it is: the link proves an order of the product, not who used the link.
        "A review labelled “Verified buyer” was written through the review link of an order "
        "of this product.",
        *_imported_sentence(facts),
        "Keepcart publishes every review by the same rules whatever its rating; the shop can "
        f"hide one only for {reasons}, and keeps a log of every decision.",
        _hidden_sentence(facts.hidden),
        *_removed_sentence(facts.removed),
    ]


def _collected_sentence(store_platforms: tuple[str, ...]) -> str:
    link = (
        "each buyer gets a link with their order once it has shipped, to review each item "
        "they bought once"
    )
    if not store_platforms:
        return f"Reviews come from orders: {link}."
    return (
        f"Reviews come from orders ({link}), and some were imported from "
        f"{_listed(store_platforms)} and are labelled “Imported”."
    )


def _imported_sentence(facts: ReviewFacts) -> list[str]:
    if facts.imported == 0:
        return ["None of this product's reviews was imported."] if facts.store_platforms else []
    were = "review of this product was" if facts.imported == 1 else "reviews of this product were"
    where = _listed(facts.platforms or ("another platform",))
    return [
        f"{facts.imported} {were} imported from {where} and {_are(facts.imported)} labelled "
        "Imported: the shop cannot check who wrote them."
    ]


def _listed(names: tuple[str, ...]) -> str:
    """ "Etsy", "Etsy and Amazon", "Etsy, Amazon and eBay"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _hidden_sentence(hidden: Mapping[str, int]) -> str:
    total = sum(hidden.values())
    if total == 0:
        return "No review of this product has been hidden."
    words = REASON_WORDS | RETIRED_REASON_WORDS
    parts = ", ".join(
        f"{count} for {words[reason]}"
        for reason, count in sorted(hidden.items())
        if count and reason in words
    )
    noun = "review" if total == 1 else "reviews"
    return f"The shop has hidden {total} {noun} of this product: {parts}."


def _removed_sentence(removed: int) -> list[str]:
    if removed == 0:
        return []
    if removed == 1:
        return ["1 review of this product was removed at its writer's request."]
    return [f"{removed} reviews of this product were removed at their writers' request."]


def _are(count: int) -> str:
    return "is" if count == 1 else "are"


def local_date(epoch_ms: int, timezone: str) -> date:
    """The day ``epoch_ms`` falls on in the store's timezone."""
    return local_time(epoch_ms, timezone).date()
