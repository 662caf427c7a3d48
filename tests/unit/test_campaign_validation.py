"""The campaign form, read into a Campaign: a valid form, and every field's error."""

from datetime import UTC, datetime

import pytest

from server.admin.campaigns.campaign_form import (
    FormInvalid,
    StoreTerms,
    form_values,
    parse_url_patterns,
    read_campaign,
)
from server.admin.campaigns.campaign_prefill import NEW_CAMPAIGN, campaign_values
from server.offers.model import Offer

TERMS = StoreTerms("EUR", "Europe/Dublin", {"FH-MUG-01": "Enamel Mug"})
YEN = StoreTerms("JPY", "Asia/Tokyo", {"FH-MUG-01": "Enamel Mug"})


def form(**changes: str) -> dict[str, str]:
    values = {
        "name": "Leaving already?",
        "status": "live",
        "starts_at": "2030-03-01T09:00",
        "ends_at": "2030-04-01T09:00",
        "trigger_kind": "exit_intent",
        "min_seconds": "3",
        "sensitivity_px": "20",
        "return_delay_ms": "300",
        "phone_signals": "scroll_up back_button inactivity",
        "inactivity_seconds": "45",
        "seconds": "20",
        "percent": "50",
        "idle_minutes": "3",
        "cart": "not_empty",
        "subtotal_min": "10",
        "subtotal_max": "200.50",
        "include_urls": "*/products/*\n\nhttps://shop.test/sale*",
        "exclude_urls": "*/account*",
        "devices": "desktop phone",
        "visitor": "returning",
        "min_visits": "2",
        "max_visits": "9",
        "utm_sources": "Newsletter, google",
        "frequency_mode": "every_n_days",
        "frequency_days": "3",
        "max_impressions": "",
        "holdout_percent": "20",
    }
    variants = {
        "A": {"offer_kind": "percent", "offer_value": "10", "min_subtotal": "25.00"},
        "B": {"offer_kind": "fixed", "offer_value": "5.50"},
        "C": {"offer_kind": "free_gift", "gift_sku": "FH-MUG-01"},
    }
    for key, offer in variants.items():
        values |= {
            f"variant_{key}_include": "true",
            f"variant_{key}_weight": "30",
            f"variant_{key}_headline": f"Headline {key}",
            f"variant_{key}_body": "",
            f"variant_{key}_button_text": "Claim",
            f"variant_{key}_image_url": "https://cdn.shop.test/offer.png",
            f"variant_{key}_brand_colour": "#112233",
            f"variant_{key}_offer_value": "",
            f"variant_{key}_gift_sku": "",
            f"variant_{key}_min_subtotal": "",
            f"variant_{key}_expires_minutes": "30",
            f"variant_{key}_email_cart": "false",
            f"variant_{key}_consent_text": "",
        }
        values |= {f"variant_{key}_{name}": text for name, text in offer.items()}
    return values | changes


def utc_ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp()) * 1000


def errors_of(values: dict[str, str], terms: StoreTerms = TERMS) -> dict[str, str]:
    with pytest.raises(FormInvalid) as caught:
        read_campaign(values, terms)
    return caught.value.errors


def test_a_valid_form_becomes_the_campaign():
    campaign = read_campaign(form(), TERMS)
    assert campaign.name == "Leaving already?" and campaign.status == "live"
    assert campaign.starts_at == utc_ms(2030, 3, 1, 9)  # Dublin is on UTC in March
    assert campaign.ends_at == utc_ms(2030, 4, 1, 8)  # and on UTC+1 in April
    assert campaign.trigger.kind == "exit_intent" and campaign.trigger.min_seconds == 3
    assert campaign.trigger.phone_signals == ("scroll_up", "back_button", "inactivity")
    t = campaign.targeting
    assert (t.cart, t.subtotal_min, t.subtotal_max) == ("not_empty", 1000, 20050)
    assert t.include_urls == ("*/products/*", "https://shop.test/sale*")
    assert t.exclude_urls == ("*/account*",)
    assert t.devices == ("desktop", "phone") and t.visitor == "returning"
    assert (t.min_visits, t.max_visits) == (2, 9)
    assert t.utm_sources == ("newsletter", "google")
    f = campaign.frequency
    assert (f.mode, f.days, f.max_impressions) == ("every_n_days", 3, None)
    assert campaign.holdout_percent == 20
    a, b, c = campaign.variants
    assert a.offer == Offer("percent", 10, min_subtotal=2500, expires_minutes=30)
    assert (b.offer.kind, b.offer.value) == ("fixed", 550)
    assert (c.offer.kind, c.offer.gift_sku, c.offer.value) == ("free_gift", "FH-MUG-01", 0)
    assert a.brand_colour == "#112233" and a.image_url == "https://cdn.shop.test/offer.png"


def test_a_campaign_round_trips_through_its_form_values():
    campaign = read_campaign(form(), TERMS)
    assert read_campaign(campaign_values(campaign, "EUR", "Europe/Dublin"), TERMS) == campaign
    fresh = campaign_values(NEW_CAMPAIGN, "EUR", "UTC") | {"name": "New"}
    assert read_campaign(fresh, TERMS).variants[0].key == "A"


def test_unticked_variants_are_left_out_and_a_is_always_on():
    campaign = read_campaign(form(variant_B_include="false", variant_C_include="false"), TERMS)
    assert [v.key for v in campaign.variants] == ["A"]

    class Posted(dict):
        def getlist(self, key):
            value = self.get(key)
            return value if isinstance(value, list) else []

    values = form_values(Posted(name="x", devices=["phone", "desktop"], variant_B_include="on"))
    assert values["variant_A_include"] == "true" and values["variant_B_include"] == "true"
    assert values["variant_C_include"] == "false" and values["devices"] == "phone desktop"


def test_settings_a_trigger_does_not_use_are_never_errors():
    campaign = read_campaign(
        form(trigger_kind="time_on_page", percent="x", min_seconds="-1"), TERMS
    )
    assert campaign.trigger.kind == "time_on_page" and campaign.trigger.percent == 50
    assert campaign.trigger.min_seconds == 5  # the default, since "-1" does not parse


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name of 1 to 100"),
        ({"name": "x" * 101}, "name", "Enter a name of 1 to 100"),
        ({"status": "archived"}, "status", "Choose a status"),
        ({"starts_at": "tomorrow"}, "starts_at", "Enter a date and time"),
        ({"ends_at": "2030-02-01T09:00"}, "ends_at", "end after it starts"),
        ({"ends_at": "2030-03-01T09:00"}, "ends_at", "end after it starts"),
        ({"trigger_kind": "hover"}, "trigger_kind", "Choose what triggers"),
        ({"min_seconds": "601"}, "min_seconds", "from 0 to 600"),
        ({"sensitivity_px": "0"}, "sensitivity_px", "from 1 to 200"),
        ({"return_delay_ms": "5001"}, "return_delay_ms", "from 0 to 5000"),
        ({"inactivity_seconds": "4"}, "inactivity_seconds", "from 5 to 600"),
        ({"phone_signals": "shake"}, "phone_signals", "Choose phone signals"),
        ({"phone_signals": ""}, "phone_signals", "at least one phone signal"),
        ({"trigger_kind": "time_on_page", "seconds": "0"}, "seconds", "from 1 to 3600"),
        ({"trigger_kind": "scroll_depth", "percent": "101"}, "percent", "from 1 to 100"),
        ({"trigger_kind": "cart_idle", "idle_minutes": "1.5"}, "idle_minutes", "from 1 to 240"),
        ({"cart": "full"}, "cart", "Choose which carts"),
        ({"subtotal_min": "10.001"}, "subtotal_min", "at most 2 decimal places"),
        ({"subtotal_max": "-5"}, "subtotal_max", "Enter an amount"),
        ({"subtotal_max": "9.99"}, "subtotal_max", "at least the lowest"),
        ({"include_urls": "/products/*"}, "include_urls", "start it with *"),
        ({"exclude_urls": "* /cart"}, "exclude_urls", "not a page address pattern"),
        ({"include_urls": "\n".join(f"*/p{n}" for n in range(21))}, "include_urls", "at most 20"),
        ({"devices": ""}, "devices", "at least one device"),
        ({"devices": "desktop tv"}, "devices", "at least one device"),
        ({"visitor": "vip"}, "visitor", "Choose which visitors"),
        ({"min_visits": "0"}, "min_visits", "from 1 to 1000"),
        ({"max_visits": "1001"}, "max_visits", "from 1 to 1000"),
        ({"max_visits": "1"}, "max_visits", "at least the fewest"),
        ({"utm_sources": "news letter!"}, "utm_sources", "not a UTM source"),
        ({"utm_sources": ",".join(f"s{n}" for n in range(21))}, "utm_sources", "at most 20"),
        ({"frequency_mode": "always"}, "frequency_mode", "Choose how often"),
        ({"frequency_days": "0"}, "frequency_days", "from 1 to 365"),
        ({"max_impressions": "101"}, "max_impressions", "from 1 to 100"),
        ({"holdout_percent": "91"}, "holdout_percent", "from 0 to 90"),
        ({"holdout_percent": ""}, "holdout_percent", "from 0 to 90"),
        ({"variant_A_weight": "0"}, "variant_A_weight", "from 1 to 100"),
        ({"variant_B_weight": "101"}, "variant_B_weight", "from 1 to 100"),
        ({"variant_A_headline": " "}, "variant_A_headline", "headline of 1 to 120"),
        ({"variant_A_body": "x" * 501}, "variant_A_body", "Keep body text to 500"),
        ({"variant_A_button_text": "x" * 41}, "variant_A_button_text", "button text of 1 to 40"),
        ({"variant_A_brand_colour": "#12345"}, "variant_A_brand_colour", "like #1f6f5c"),
        ({"variant_A_brand_colour": "blue"}, "variant_A_brand_colour", "like #1f6f5c"),
        ({"variant_A_image_url": "ftp://x.test/a.png"}, "variant_A_image_url", "https://"),
        ({"variant_A_image_url": "//evil.test/a.png"}, "variant_A_image_url", "https://"),
        ({"variant_A_image_url": "javascript:alert(1)"}, "variant_A_image_url", "https://"),
        ({"variant_A_offer_kind": "bogo"}, "variant_A_offer_kind", "Choose what the offer"),
        ({"variant_A_offer_value": "0"}, "variant_A_offer_value", "from 1 to 100"),
        ({"variant_A_offer_value": "101"}, "variant_A_offer_value", "from 1 to 100"),
        ({"variant_A_offer_value": "12.5"}, "variant_A_offer_value", "from 1 to 100"),
        ({"variant_B_offer_value": "0.00"}, "variant_B_offer_value", "above zero"),
        ({"variant_B_offer_value": "5,50"}, "variant_B_offer_value", "Enter an amount"),
        ({"variant_B_offer_value": "5.555"}, "variant_B_offer_value", "at most 2 decimal"),
        ({"variant_C_gift_sku": "NOPE"}, "variant_C_gift_sku", "active product"),
        ({"variant_C_gift_sku": ""}, "variant_C_gift_sku", "active product"),
        ({"variant_A_expires_minutes": "4"}, "variant_A_expires_minutes", "from 5 to 1440"),
        ({"variant_A_expires_minutes": "1441"}, "variant_A_expires_minutes", "from 5 to 1440"),
        ({"variant_A_min_subtotal": "1e3"}, "variant_A_min_subtotal", "Enter an amount"),
        ({"variant_A_email_cart": "true"}, "variant_A_email_cart", "only with no incentive"),
        (
            {"variant_A_offer_kind": "none", "variant_A_email_cart": "true",
             "variant_A_consent_text": "ok"},
            "variant_A_consent_text",
            "consent wording of 10 to 500",
        ),
    ],
)  # fmt: skip
def test_each_invalid_setting_names_its_field(changes, field, message):
    errors = errors_of(form(**changes))
    assert message in errors.get(field, ""), errors
    assert list(errors) == [field]  # and nothing else is blamed


def test_every_error_is_reported_at_once():
    errors = errors_of(form(name="", holdout_percent="99", variant_B_weight="0"))
    assert set(errors) == {"name", "holdout_percent", "variant_B_weight"}


def test_money_follows_the_store_currency():
    values = form(subtotal_min="500", subtotal_max="", variant_B_offer_value="300",
                  variant_A_min_subtotal="")  # fmt: skip
    campaign = read_campaign(values, YEN)
    assert campaign.targeting.subtotal_min == 500
    assert campaign.variants[1].offer.value == 300
    errors = errors_of(form(subtotal_max="", variant_B_offer_value="3.50"), YEN)
    assert "no decimal places" in errors["variant_B_offer_value"]


def test_no_incentive_with_email_keeps_the_exact_consent_wording():
    wording = "Email me my cart, and nothing else. I can unsubscribe at any time."
    values = form(
        variant_A_offer_kind="none",
        variant_A_email_cart="true",
        variant_A_consent_text=f"  {wording} ",
        variant_A_expires_minutes="x",
    )
    offer = read_campaign(values, TERMS).variants[0].offer
    assert (offer.kind, offer.email_cart, offer.consent_text) == ("none", True, wording)
    assert offer.expires_minutes == 30  # no coupon: its life is not asked for


def test_single_line_texts_are_kept_on_one_line():
    campaign = read_campaign(form(name=" Spring\r\n  sale ", variant_A_headline="Wait\nnow"), TERMS)
    assert campaign.name == "Spring sale" and campaign.variants[0].headline == "Wait now"
    body = read_campaign(form(variant_A_body="Line one\r\nLine two"), TERMS).variants[0].body
    assert body == "Line one\nLine two"


def test_url_patterns_drop_blank_lines_and_duplicates():
    assert parse_url_patterns("*/a\n\n  */a \nhttp://x.test/*") == ("*/a", "http://x.test/*")
    assert parse_url_patterns("") == ()
