"""What an erasure did, in words (server/privacy/model.py), and what a redacted order's address
keeps (server/privacy/erasing.py)."""

from __future__ import annotations

import pytest

from server.privacy.erasing import kept_address
from server.privacy.model import KIND_KEYS, counted, describe


def test_an_erasure_is_told_kind_by_kind_in_the_pages_order():
    counts = {"events": 40, "orders": 3, "survey_responses": 1, "reviews": 0}
    assert (
        describe(counts) == "3 orders redacted, 1 survey response deleted and 40 events anonymised"
    )
    assert describe({"cart_email_requests": 2}) == "2 “email me my cart” requests deleted"
    assert describe(dict.fromkeys(KIND_KEYS, 0)) == "nothing"


def test_a_record_read_back_keeps_known_kinds_and_whole_counts_only():
    assert counted({"orders": 2, "emails": 1, "events": -1, "reviews": 1.5, "coupons_claimed": True,
                    "helpful_votes": 0}) == {"orders": 2, "helpful_votes": 0}  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "kept"),
    [
        ('{"name": "Pat", "line1": "1 Road", "city": "Cork", "region": "Munster", "country": "IE"}',
         {"country": "IE", "region": "Munster"}),
        ('{"line1": "1 Road", "country": "IE", "region": ""}', {"country": "IE"}),
        ('{"country": 7}', {}),
        ("[1, 2]", {}),
        ("not json", {}),
    ],
    ids=["full", "no-region", "not-text", "not-an-object", "unreadable"],
)  # fmt: skip
def test_a_redacted_address_keeps_only_its_country_and_region(stored, kept):
    assert kept_address(stored) == kept
