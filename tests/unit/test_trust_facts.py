"""Badges derived from facts: each kind only while its fact holds, and the delivery promise
from the store's cut-off, working days and per-zone transit."""

from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest

from server.pricing.delivery import DeliveryRules
from server.trust.facts import (
    SECURE_DETAILS,
    STRIP_ORDER,
    TrustInputs,
    ZoneShipping,
    badge_facts,
    badge_money,
    delivery_promise,
    main_zone,
    next_cutoff_ms,
    support_words,
    trust_config,
)
from server.trust.model import DEFAULT_PLACEMENTS, KINDS, TrustSettings

DUBLIN = DeliveryRules(timezone="Europe/Dublin", cutoff=time(14, 0))
IRELAND = ZoneShipping("Ireland", ("IE",), 5000, "Standard", 1, 3)
WORLD = ZoneShipping("Rest of world", ("*",), None, "International", 5, 10)
HTTPS_SHOP = ["https://shop.example"]


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


# Monday 7 December 2026, 11:46 in Dublin (UTC in winter).
MONDAY_MORNING = ms(2026, 12, 7, 11, 46)


def inputs(**changes) -> TrustInputs:
    base = TrustInputs(
        settings=TrustSettings(
            returns_days=30, money_back=True, returns_policy="Send it back within 30 days.",
            support_hours="Mon–Fri 9:00–17:00",
        ),
        payment_methods=[("test_card", "Card"), ("bank_transfer", "Bank transfer")],
        zones=[IRELAND, WORLD],
        home_country="IE",
        rules=DUBLIN,
        contact_email="help@shop.example",
        contact_phone="",
        api_https=True,
        currency="EUR",
        locale="en-IE",
    )  # fmt: skip
    return replace(base, **changes)


def facts(**changes) -> dict[str, tuple[bool, str]]:
    return {
        fact.kind: (fact.shown, fact.text)
        for fact in badge_facts(inputs(**changes), HTTPS_SHOP, MONDAY_MORNING)
    }


def test_every_kind_shows_while_its_fact_holds():
    config = trust_config(inputs(), MONDAY_MORNING)
    assert {"secure", "payments", "free_shipping", "delivery", "returns", "support"} <= set(config)
    assert all(shown for shown, _ in facts().values())
    assert config["payments"] == [
        {"id": "test_card", "label": "Card"},
        {"id": "bank_transfer", "label": "Bank transfer"},
    ]
    assert config["zones"] == [
        {"countries": ["IE"], "free_over": 5000, "free_over_words": "€50"},
        {"countries": ["*"], "free_over": None, "free_over_words": None},
    ]
    assert config["returns"] == {
        "days": 30, "words": "30-day returns", "money_back": True,
        "policy": "Send it back within 30 days.",
    }  # fmt: skip
    assert config["support"]["hours"] == "Mon–Fri 9:00–17:00"
    assert config["support"]["words"] == "Help Mon–Fri"
    assert config["secure"] == SECURE_DETAILS


def test_secure_checkout_needs_https_for_keepcart_and_the_page():
    assert "secure" not in trust_config(inputs(api_https=False), MONDAY_MORNING)
    shown, why = facts(api_https=False)["secure"]
    assert not shown and "Keepcart itself is served over HTTP" in why
    plain = badge_facts(inputs(), ["http://shop.example"], MONDAY_MORNING)[0]
    assert (plain.kind, plain.shown) == ("secure", False)
    assert plain.text == "Hidden: this page is served over HTTP (http://shop.example)."
    mixed = badge_facts(inputs(), ["http://a.example", "https://b.example"], MONDAY_MORNING)[0]
    assert mixed.shown and "hidden on http://a.example" in mixed.text


def test_payments_hidden_without_an_enabled_method():
    assert "payments" not in trust_config(inputs(payment_methods=[]), MONDAY_MORNING)
    assert facts(payment_methods=[])["payments"] == (
        False, "Hidden: no payment method is enabled.",
    )  # fmt: skip


def test_free_shipping_only_with_a_threshold():
    never = [replace(IRELAND, free_over=None), WORLD]
    assert "free_shipping" not in trust_config(inputs(zones=never), MONDAY_MORNING)
    assert facts(zones=never)["free_shipping"][0] is False
    assert (
        "no shipping method has a free-shipping threshold" in facts(zones=never)["free_shipping"][1]
    )


def test_returns_need_days_and_a_written_policy():
    no_policy = TrustSettings(returns_days=30)
    assert "returns" not in trust_config(inputs(settings=no_policy), MONDAY_MORNING)
    assert facts(settings=no_policy)["returns"] == (
        False, "Hidden: write the return policy shoppers will read.",
    )  # fmt: skip
    assert facts(settings=TrustSettings())["returns"][0] is False


def test_support_needs_a_contact_and_hours():
    assert "support" not in trust_config(inputs(contact_email=""), MONDAY_MORNING)
    assert "no contact email or phone" in facts(contact_email="")["support"][1]
    no_hours = TrustSettings(returns_days=30, returns_policy="x")
    assert facts(settings=no_hours)["support"][0] is False


def test_social_proof_is_off_by_default():
    assert "proof" not in trust_config(inputs(), MONDAY_MORNING)
    on = TrustSettings(social_proof=True, proof_holdout=10, proof_since=MONDAY_MORNING)
    assert trust_config(inputs(settings=on), MONDAY_MORNING)["proof"] == {
        "holdout": 10, "since": MONDAY_MORNING, "hours": 48,
    }  # fmt: skip


def test_before_the_cutoff_the_order_leaves_today():
    promise = delivery_promise(DUBLIN, [IRELAND, WORLD], MONDAY_MORNING)
    assert promise is not None
    assert promise["deadline"] == ms(2026, 12, 7, 14, 0)
    assert promise["cutoff"] == "14:00"
    assert promise["dispatch"] == {
        "date": "2026-12-07", "words": "Mon 7 Dec",
        "from": ms(2026, 12, 7, 0, 0), "to": ms(2026, 12, 8, 0, 0),
    }  # fmt: skip
    assert promise["later"] == {
        "date": "2026-12-08", "words": "Tue 8 Dec", "until": ms(2026, 12, 8, 14, 0),
        "from": ms(2026, 12, 8, 0, 0), "to": ms(2026, 12, 9, 0, 0),
    }  # fmt: skip
    assert promise["arrivals"][0] == {
        "method": "Standard",
        "arrives": "Arrives Tue 8 – Thu 10 Dec",
        "later": "Arrives Wed 9 – Fri 11 Dec",
    }
    assert promise["arrivals"][1]["arrives"] == "Arrives Mon 14 – Mon 21 Dec"


def test_after_the_cutoff_the_next_working_day_counts():
    friday_evening = ms(2026, 12, 11, 16, 0)
    assert next_cutoff_ms(friday_evening, DUBLIN) == ms(2026, 12, 14, 14, 0)
    promise = delivery_promise(DUBLIN, [IRELAND], friday_evening)
    assert promise is not None
    assert promise["dispatch"]["words"] == "Mon 14 Dec"
    assert promise["later"]["words"] == "Tue 15 Dec"
    assert promise["later"]["until"] == ms(2026, 12, 15, 14, 0)


def test_holidays_and_handling_days_move_the_promise():
    rules = replace(DUBLIN, handling_days=1, holidays=frozenset({date(2026, 12, 8)}))
    promise = delivery_promise(rules, [IRELAND], MONDAY_MORNING)
    assert promise is not None
    assert promise["deadline"] == ms(2026, 12, 7, 14, 0)
    assert promise["dispatch"]["words"] == "Wed 9 Dec"  # ready Mon, one handling day, Tue off


def test_the_cutoff_follows_the_local_clock_across_daylight_saving():
    summer = ms(2026, 7, 1, 8, 0)  # 09:00 in Dublin
    assert next_cutoff_ms(summer, DUBLIN) == ms(2026, 7, 1, 13, 0)  # 14:00 IST
    promise = delivery_promise(DUBLIN, [IRELAND], summer)
    assert promise is not None  # the local day runs from 23:00 UTC the evening before
    assert (promise["dispatch"]["from"], promise["dispatch"]["to"]) == (
        ms(2026, 6, 30, 23, 0), ms(2026, 7, 1, 23, 0),
    )  # fmt: skip


def test_no_promise_without_a_shipping_method():
    assert delivery_promise(DUBLIN, [replace(IRELAND, method=None)], MONDAY_MORNING) is None
    shown, why = facts(zones=[])["delivery"]
    assert not shown and "no shipping method" in why


@pytest.mark.parametrize(("country", "zone"), [("IE", "Ireland"), ("FR", "Rest of world")])
def test_the_main_zone_is_the_countrys_or_the_rest_of_the_world(country, zone):
    found = main_zone([IRELAND, WORLD], country)
    assert found is not None and found.name == zone


def test_the_merchant_reads_the_delivery_fact_in_words():
    assert facts()["delivery"] == (
        True, "Ordered now: dispatched Mon 7 Dec, arrives Tue 8 – Thu 10 Dec (Standard).",
    )  # fmt: skip


def test_a_kind_no_placement_shows_is_not_published():
    only_delivery = TrustSettings(
        placements={"product": ("delivery",)}, returns_days=30, returns_policy="x",
        support_hours="9–5",
    )  # fmt: skip
    config = trust_config(inputs(settings=only_delivery), MONDAY_MORNING)
    assert "delivery" in config
    assert not {"support", "returns", "payments", "secure", "free_shipping"} & set(config)
    # The merchant still reads every fact.
    assert facts(settings=only_delivery)["support"][0] is True


# --- worded here, so the widget makes no formatter of its own -------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "words"),
    [
        (6000, "EUR", "en-IE", "€60"),  # whole: without its zeros, the strip's room being short
        (1250, "EUR", "en-IE", "€12.50"),
        (6000, "EUR", "de-DE", "60\u00a0€"),
        (600000, "EUR", "en-IE", "€6,000"),
        (6000, "JPY", "en-IE", "JP¥6,000"),  # no minor unit
        (6000, "EUR", "xx-XX", "€60"),  # a locale CLDR does not know: English
    ],
)
def test_money_is_worded_in_the_stores_locale(amount, currency, locale, words):
    assert badge_money(amount, currency, locale) == words


def test_each_zones_free_shipping_threshold_comes_worded_in_the_stores_locale():
    zones = trust_config(inputs(currency="EUR", locale="de-DE"), MONDAY_MORNING)["zones"]
    assert [zone["free_over_words"] for zone in zones] == ["50\u00a0€", None]


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        ("Mon–Fri 9–17", "Help Mon–Fri"),
        (" Mon–Sat 9:00–17:00, Sun 10–14", "Help Mon–Sat"),
        ("24/7", "Help 24/7"),
        ("9am–5pm weekdays", "Help 9am–5pm weekdays"),
    ],
)
def test_support_says_the_days_of_its_hours_or_all_of_them_when_they_start_with_a_time(
    hours, words
):
    assert support_words(hours) == words


def test_the_config_says_since_when_each_share_is_measured():
    settings = TrustSettings(
        badges_holdout=10, badges_since=111, social_proof=True, proof_holdout=5, proof_since=222
    )
    config = trust_config(inputs(settings=settings), MONDAY_MORNING)
    assert (config["since"], config["proof"]["since"]) == (111, 222)


def test_each_placement_lists_its_kinds_in_the_order_a_strip_shows_them():
    assert sorted(STRIP_ORDER) == sorted(KINDS)
    everything = TrustSettings(
        placements={**DEFAULT_PLACEMENTS, "footer": KINDS}, returns_days=30, returns_policy="x",
        support_hours="9–5",
    )  # fmt: skip
    config = trust_config(inputs(settings=everything), MONDAY_MORNING)
    assert config["placements"]["footer"] == list(STRIP_ORDER)
    assert config["placements"]["product"] == ["delivery", "free_shipping", "returns", "payments"]
