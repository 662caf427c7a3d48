"""Runtime rules of offers: visitor ids, page patterns, labels, coupon codes and claims."""

import json
import re
import shutil
import subprocess

import pytest

from server.errors import BadRequest, Conflict, Unprocessable, ValidationFailed
from server.events.visitors import parse_visitor
from server.offers.model import Campaign, Frequency, Offer, Targeting, Trigger, Variant
from server.offers.service import (
    CouponClaim,
    arm_for,
    campaign_config,
    check_claimable,
    coupon_expiry,
    coupon_token,
    glob_to_regex,
    new_coupon_code,
    offer_label,
    parse_claim,
    parse_signal,
    read_coupon_token,
    variant_json,
)
from server.security import Purpose, Signer

NOW = 1_790_000_000_000
SIGNER = Signer(("unit-test-key",))


def campaign(holdout_percent=10, **targeting) -> Campaign:
    return Campaign(
        id=7,
        public_id="cmp_test",
        name="Exit",
        trigger=Trigger(),
        targeting=Targeting(**targeting),
        frequency=Frequency(),
        variants=(
            Variant("A", 1, "Wait", "", "Claim", Offer("percent", 10)),
            Variant("B", 3, "Free shipping", "", "Claim", Offer("free_shipping", 0)),
        ),
        holdout_percent=holdout_percent,
    )


# --- visitor ids and signals ----------------------------------------------------------------


@pytest.mark.parametrize("visitor", ["a", "s:3f9a-b_c.d", "x" * 64, "V:ABC:123"])
def test_visitor_ids_that_are_accepted(visitor):
    assert parse_visitor(visitor) == visitor


@pytest.mark.parametrize("visitor", ["", "x" * 65, "a b", "a/b", "é", None, 5, ["a"], "a\n"])
def test_visitor_ids_that_are_refused(visitor):
    with pytest.raises(ValidationFailed) as refused:
        parse_visitor(visitor)
    assert refused.value.field == "visitor"


def test_signals_are_a_closed_list():
    assert parse_signal("back_button") == "back_button"
    with pytest.raises(ValidationFailed):
        parse_signal("exit")


# --- page patterns --------------------------------------------------------------------------

PATTERN_CASES = [
    (("*/products/*",), "https://shop.test/products/mug", True),
    (("*/products/*",), "https://shop.test/product", False),
    (("https://shop.test/",), "https://shop.test/", True),
    (("https://shop.test/",), "https://shop.test/about", False),  # anchored at the end
    (("https://shop.test/",), "xhttps://shop.test/", False),  # and at the start
    (("*.test/a?b=(1)*",), "http://x.test/a?b=(1)&c", True),  # ? and ( ) are literal
    (("*.test/a?b=(1)*",), "http://x.test/ab=(1)", False),
    (("*shop.test*",), "https://shopXtest/", False),  # the dot is literal
    (("*[x]{2}+$^|\\*",), "u[x]{2}+$^|\\", True),
    (("*/a/*", "*/b/*"), "https://s.test/b/c", True),  # any pattern of several
    (("*/a/*", "*/b/*"), "https://s.test/c/d", False),
]


@pytest.mark.parametrize("patterns, url, matches", PATTERN_CASES)
def test_globs_compile_to_anchored_regexes(patterns, url, matches):
    assert bool(re.search(glob_to_regex(patterns), url)) is matches


def test_no_patterns_means_no_regex():
    assert glob_to_regex(()) is None


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run JavaScript")
def test_the_regexes_mean_the_same_in_javascript():
    cases = [[glob_to_regex(p), url] for p, url, _ in PATTERN_CASES]
    script = (
        "const cases = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(cases.map(([src, url]) => new RegExp(src).test(url))));"
    )
    result = subprocess.run(
        ["node", "-e", script, json.dumps(cases)], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == [matches for _, _, matches in PATTERN_CASES]


def test_campaign_config_carries_patterns_and_no_copy():
    config = campaign(include_urls=("*/p/*",), exclude_urls=())
    listed = campaign_config(config)
    assert listed["id"] == "cmp_test" and listed["holdout_percent"] == 10
    assert listed["pages"] == {"include": r"^(?:.*\/p\/.*)$", "exclude": None}
    assert "Wait" not in json.dumps(listed)


# --- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "offer, currency, gift, label",
    [
        (Offer("percent", 15), "EUR", "", "15% off"),
        (Offer("fixed", 500), "EUR", "", "€5.00 off"),
        (Offer("fixed", 500), "JPY", "", "¥500 off"),
        (Offer("free_shipping", 0), "EUR", "", "Free shipping"),
        (Offer("free_gift", 0, gift_sku="M"), "EUR", "Enamel Mug", "Free gift: Enamel Mug"),
        (Offer("free_gift", 0, gift_sku="M"), "EUR", "", "Free gift"),
        (Offer("none", 0, email_cart=True), "EUR", "", ""),
    ],
)
def test_offer_labels(offer, currency, gift, label):
    assert offer_label(offer, currency, gift) == label


def test_variant_json_is_what_the_widget_renders():
    variant = Variant("B", 1, "Free shipping", "Today only", "Claim", Offer("free_shipping", 0))
    shown = variant_json(variant, "EUR")
    assert shown["key"] == "B" and shown["button_text"] == "Claim"
    assert shown["offer"]["label"] == "Free shipping"
    assert set(shown["offer"]) == {
        "kind", "value", "gift_sku", "gift_name", "min_subtotal", "expires_minutes",
        "email_cart", "consent_text", "label",
    }  # fmt: skip


# --- arms and claims ------------------------------------------------------------------------


def test_arms_are_stable_and_follow_the_weights():
    c = campaign(holdout_percent=20)
    arms = [arm_for(c, f"visitor-{n}") for n in range(20_000)]
    assert arms[:50] == [arm_for(c, f"visitor-{n}") for n in range(50)]
    share = {arm: arms.count(arm) / len(arms) for arm in ("holdout", "A", "B")}
    assert share["holdout"] == pytest.approx(0.20, abs=0.015)
    assert share["A"] == pytest.approx(0.20, abs=0.015)  # 1/4 of the other 80 %
    assert share["B"] == pytest.approx(0.60, abs=0.015)


def test_claim_rules():
    c = campaign()
    with pytest.raises(Conflict) as held:
        check_claimable("holdout", None, exposed=True)
    assert held.value.code == "not_offered"
    with pytest.raises(Conflict) as unseen:
        check_claimable("A", c.variants[0], exposed=False)
    assert unseen.value.code == "not_exposed"
    assert check_claimable("A", c.variants[0], exposed=True) is c.variants[0]


def test_coupons_expire_after_the_offers_minutes():
    assert coupon_expiry(Offer("percent", 10, expires_minutes=30), NOW) == NOW + 30 * 60_000


EMAIL_OFFER = Offer("none", 0, email_cart=True)


def test_an_email_is_kept_only_with_explicit_consent():
    body = {"visitor": "v1", "email": "A@Example.com", "consent": True}
    assert parse_claim(body, EMAIL_OFFER).email == "a@example.com"
    for consent in (False, "true", 1, None):
        with pytest.raises(Unprocessable) as refused:
            parse_claim(body | {"consent": consent}, EMAIL_OFFER)
        assert refused.value.field == "consent"


def test_an_email_is_ignored_when_the_offer_does_not_ask_for_one():
    body = {"visitor": "v1", "email": "a@example.com", "consent": True}
    assert parse_claim(body, Offer("percent", 10)).email is None
    assert parse_claim({"visitor": "v1"}, EMAIL_OFFER).email is None


@pytest.mark.parametrize(
    "body, field",
    [({"visitor": "v 1"}, "visitor"), ({"visitor": "v1", "cart": 5}, "cart"),
     ({"visitor": "v1", "session": "a b"}, "session")],
)  # fmt: skip
def test_claim_bodies_are_validated(body, field):
    with pytest.raises(ValidationFailed) as refused:
        parse_claim(body, Offer())
    assert refused.value.field == field


# --- coupon codes and tokens ----------------------------------------------------------------


def test_coupon_codes_are_random_and_readable():
    codes = {new_coupon_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert re.fullmatch(r"KC-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)


def test_coupon_tokens_prove_store_coupon_and_visitor():
    token = coupon_token(SIGNER, CouponClaim(1, 42, "v-1"))
    assert read_coupon_token(SIGNER, token) == CouponClaim(1, 42, "v-1")


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        None,
        Signer(("another-key",)).sign(Purpose.COUPON, [1, 42, "v-1"]),
        SIGNER.sign(Purpose.CART, [1, 42, "v-1"]),  # right key, wrong purpose
        SIGNER.sign(Purpose.COUPON, {"c": 42}),  # right signature, wrong shape
        SIGNER.sign(Purpose.COUPON, [1, "42", "v-1"]),
        SIGNER.sign(Purpose.COUPON, [1, 42, "bad visitor"]),
    ],
    # Stable ids (a signed token carries its time), so parallel workers collect the same tests.
    ids=["garbage", "none", "other-key", "cart-purpose", "wrong-shape", "text-id", "bad-visitor"],
)
def test_forged_or_malformed_coupon_tokens_are_refused(token):
    with pytest.raises(BadRequest) as refused:
        read_coupon_token(SIGNER, token)
    assert refused.value.code == "coupon_invalid" and refused.value.field == "coupon"
