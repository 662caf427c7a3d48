"""The rules for reviews (server/reviews/service.py): what a review may say, the default
display name, the figures, and the "How reviews work here" sentences from real counts."""

from __future__ import annotations

from datetime import date

import pytest

from server.errors import ValidationFailed
from server.forms import FormInvalid
from server.reviews.model import HIDE_REASONS, MAX_BODY, MAX_NAME, MAX_TITLE, ReviewInput
from server.reviews.public import average_text, product_jsonld, summary_json
from server.reviews.service import (
    MAX_RATING_SKUS,
    ReviewFacts,
    average_tenths,
    default_display_name,
    how_reviews_work,
    local_date,
    may_review,
    pages_for,
    parse_hide_reason,
    parse_page,
    parse_skus,
    parse_sort,
    read_review,
    summarise,
)

GOOD = {"rating": "4", "title": "Lovely mug", "body": "Holds heat well.", "name": "Aoife B."}


def test_a_review_is_read_with_its_text_tidied():
    values = GOOD | {"title": "  Lovely \n mug ", "body": " Holds\r\nheat. ", "name": " Aoife  B. "}
    assert read_review(values) == ReviewInput(4, "Lovely mug", "Holds\nheat.", "Aoife B.")


def test_title_and_text_may_be_left_out():
    assert read_review(GOOD | {"title": "", "body": ""}) == ReviewInput(4, "", "", "Aoife B.")


def test_every_field_error_comes_at_once():
    bad = {"rating": "6", "title": "x" * (MAX_TITLE + 1), "body": "y" * (MAX_BODY + 1), "name": " "}
    with pytest.raises(FormInvalid) as refused:
        read_review(bad)
    assert set(refused.value.errors) == {"rating", "title", "body", "name"}


@pytest.mark.parametrize("rating", ["", "0", "6", "4.5", "four", "+4", "04", " 3 x"])
def test_a_rating_is_a_whole_number_of_stars_from_1_to_5(rating):
    with pytest.raises(FormInvalid) as refused:
        read_review(GOOD | {"rating": rating})
    assert refused.value.errors == {"rating": "Choose a rating from 1 to 5 stars."}


def test_limits_are_inclusive():
    longest = {"title": "t" * MAX_TITLE, "body": "b" * MAX_BODY, "name": "n" * MAX_NAME}
    assert read_review(GOOD | longest).name == "n" * MAX_NAME
    with pytest.raises(FormInvalid):
        read_review(GOOD | {"name": "n" * (MAX_NAME + 1)})


@pytest.mark.parametrize(
    ("shipping_name", "shown"),
    [
        ("Aoife Byrne", "Aoife B."),
        ("  aoife   de   burca ", "aoife B."),
        ("Madonna", "Madonna"),
        ("", ""),
        ("Ó Súilleabháin Seán Óg", "Ó Ó."),
        ("x" * 80 + " Byrne", "x" * MAX_NAME),
    ],
)
def test_the_default_display_name_is_the_first_name_and_an_initial(shipping_name, shown):
    assert default_display_name(shipping_name) == shown


def test_only_a_shipped_order_from_a_real_sale_can_be_reviewed():
    assert may_review("fulfilled", "bank_transfer")
    for status in ("awaiting_payment", "paid", "refunded"):
        assert not may_review(status, "bank_transfer")
    assert not may_review("fulfilled", "test_card")  # the merchant rehearsing


def test_hiding_takes_only_a_reason_from_the_fixed_list():
    assert set(HIDE_REASONS) == {"personal_data", "abusive", "off_topic", "different_product"}
    for reason in HIDE_REASONS:
        assert parse_hide_reason(reason) == reason
    # "About the shop or the delivery" was too broad (16 CFR 465.7): no longer a reason.
    for other in ("", "negative", "low_rating", "spam", "Abusive", "not_about_product"):
        with pytest.raises(ValueError):
            parse_hide_reason(other)


def test_the_average_is_in_tenths_rounded_half_up():
    assert average_tenths(13, 3) == 43  # 4.333…
    assert average_tenths(9, 2) == 45  # 4.5 exactly
    assert average_tenths(29, 6) == 48  # 4.8333…
    assert average_tenths(37, 8) == 46  # 4.625 → 4.6 (tenths: 46.25)
    assert average_tenths(9, 4) == 23  # 2.25 → 2.3 (tenths: 22.5, half up)
    assert average_tenths(0, 0) == 0


def test_a_summary_counts_every_rating_the_same_way():
    summary = summarise({5: 3, 1: 2})
    assert (summary.count, summary.average_tenths) == (5, 34)
    assert summary.distribution == {1: 2, 2: 0, 3: 0, 4: 0, 5: 3}
    as_json = summary_json(summary, "en-IE")
    assert as_json["distribution"] == {"5": 3, "4": 0, "3": 0, "2": 0, "1": 2}
    assert (as_json["average_tenths"], as_json["average"]) == (34, "3.4")


def test_the_average_is_written_as_the_stores_locale_writes_numbers():
    assert [average_text(43, locale) for locale in ("en-IE", "de-DE", "fr-FR")] == [
        "4.3", "4,3", "4,3"
    ]  # fmt: skip
    assert average_text(50, "en-US") == "5.0" and average_text(0, "xx-NOPE") == "0.0"


def test_how_reviews_work_says_what_is_true_for_the_product():
    none_imported = how_reviews_work(ReviewFacts(published=4, imported=0))
    text = " ".join(none_imported)
    assert text.startswith("Reviews come from orders: each buyer gets a link with their order")
    assert "once it has shipped" in text
    assert "a year" not in text and "reward" not in text and "imported" not in text
    assert "Keepcart publishes every review by the same rules whatever its rating" in text
    for words in ("personal data", "abuse", "being off topic",
                  "being about a different product or service"):  # fmt: skip
        assert words in text
    assert "keeps a log of every decision" in text
    assert "No review of this product has been hidden." in text

    hidden_two = {"abusive": 1, "personal_data": 1}
    some = " ".join(how_reviews_work(ReviewFacts(4, 3, hidden_two, 0, ("Etsy",), ("Etsy",))))
    assert "some were imported from Etsy and are labelled “Imported”" in some
    assert "3 reviews of this product were imported from Etsy and are labelled Imported" in some
    hidden = "The shop has hidden 2 reviews of this product: 1 for abuse, 1 for personal data."
    assert hidden in some
    facts = ReviewFacts(1, 1, {"off_topic": 1}, 2, ("Etsy",), ("Amazon", "Etsy", "eBay"))
    one = " ".join(how_reviews_work(facts))
    assert "some were imported from Amazon, Etsy and eBay" in one
    assert "1 review of this product was imported from Etsy and is labelled Imported" in one
    assert "hidden 1 review of this product: 1 for being off topic." in one
    assert "2 reviews of this product were removed at their writers' request." in one
    elsewhere = " ".join(how_reviews_work(ReviewFacts(2, 0, store_platforms=("Etsy",))))
    assert "some were imported from Etsy" in elsewhere
    assert "None of this product's reviews was imported." in elsewhere


def test_sorts_pages_and_sku_lists_refuse_what_they_do_not_know():
    assert parse_sort(None) == "newest" and parse_sort("helpful") == "helpful"
    assert parse_page(None) == 1 and parse_page("3") == 3
    for bad_sort in ("oldest", "rating", "HELPFUL"):
        with pytest.raises(ValidationFailed):
            parse_sort(bad_sort)
    for bad_page in ("0", "-1", "1.5", "x", "99999999", "١"):
        with pytest.raises(ValidationFailed):
            parse_page(bad_page)
    assert parse_skus(" a, b ,a,,c") == ["a", "b", "c"]
    for bad_skus in ("", ",", ",".join(f"s{i}" for i in range(MAX_RATING_SKUS + 1)), "x" * 65):
        with pytest.raises(ValidationFailed):
            parse_skus(bad_skus)
    assert pages_for(0) == 1 and pages_for(10) == 1 and pages_for(11) == 2


def test_json_ld_has_a_rating_only_once_there_are_reviews():
    empty = product_jsonld("Mug", "MUG-1", summarise({}), [], "Europe/Dublin")
    assert empty == {"@context": "https://schema.org", "@type": "Product", "name": "Mug",
                     "sku": "MUG-1"}  # fmt: skip
    rated = product_jsonld("Mug", "MUG-1", summarise({5: 2, 4: 1}), [], "Europe/Dublin")
    assert rated["aggregateRating"] == {
        "@type": "AggregateRating", "ratingValue": "4.7", "bestRating": "5", "worstRating": "1",
        "ratingCount": 3, "reviewCount": 3,
    }  # fmt: skip


def test_dates_are_local_to_the_store():
    # 23:30 UTC on 30 June 2025 is already 1 July in Dublin (summer time).
    assert local_date(1751326200000, "Europe/Dublin") == date(2025, 7, 1)
    assert local_date(1751326200000, "UTC") == date(2025, 6, 30)
