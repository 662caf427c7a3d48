"""What the public API says of reviews: the list's JSON, a product's summary, and the
schema.org ``Product`` with its ``AggregateRating`` for the merchant's own page templates.

Only published reviews ever reach here (the queries select them); every string is data for
the widget to put in text nodes, and JSON-LD is served as its own document, never inlined.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal

from server.orders.receipt import LocalFormats
from server.reviews.model import ORDER, Review, Summary
from server.reviews.service import local_date

LABELS = {ORDER: "verified", "imported": "imported"}
JSONLD_REVIEWS = 5


def average_text(tenths: int, locale: str) -> str:
    """The average as the store's locale writes it with one decimal: 43 → "4.3" (en), "4,3"
    (de). Formatted here, with the receipt's CLDR data, so the widget needs no Intl number
    format on the page (making its first one costs ~20 ms of a slow phone's main thread)."""
    babel = LocalFormats(locale, "UTC").locale
    return format_decimal(Decimal(tenths).scaleb(-1), format="0.0", locale=babel)


def summary_json(summary: Summary, locale: str) -> dict[str, Any]:
    return {
        "count": summary.count,
        "average_tenths": summary.average_tenths,
        "average": average_text(summary.average_tenths, locale),
        "distribution": {str(rating): summary.distribution[rating] for rating in (5, 4, 3, 2, 1)},
    }


def review_json(review: Review, timezone: str) -> dict[str, Any]:
    reply = review.reply
    return {
        "id": review.public_id,
        "rating": review.rating,
        "title": review.title,
        "body": review.body,
        "name": review.name,
        "date": local_date(review.created_at, timezone).isoformat(),
        "label": LABELS[review.source],
        "helpful": review.helpful,
        "reply": None
        if reply is None
        else {"body": reply.body, "date": local_date(reply.at, timezone).isoformat()},
    }


def product_jsonld(
    name: str, sku: str, summary: Summary, reviews: list[Review], timezone: str
) -> dict[str, Any]:
    """schema.org ``Product``: ``aggregateRating`` once there is a review (search engines
    refuse one with a count of 0), and the newest few reviews, each as its reader sees it."""
    product: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "sku": sku,
    }
    if summary.count:
        product["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{summary.average_tenths // 10}.{summary.average_tenths % 10}",
            "bestRating": "5",
            "worstRating": "1",
            "ratingCount": summary.count,
            "reviewCount": summary.count,
        }
        product["review"] = [_review_ld(review, timezone) for review in reviews[:JSONLD_REVIEWS]]
    return product


def _review_ld(review: Review, timezone: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@type": "Review",
        "author": {"@type": "Person", "name": review.name},
        "datePublished": local_date(review.created_at, timezone).isoformat(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": str(review.rating),
            "bestRating": "5",
            "worstRating": "1",
        },
    }
    if review.title:
        item["name"] = review.title
    if review.body:
        item["reviewBody"] = review.body
    return item
