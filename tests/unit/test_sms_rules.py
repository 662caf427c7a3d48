"""The rules an SMS keeps, without a server: consent, the 48-hour cap per cart, quiet hours in
the shopper's time zones (across midnight and daylight saving), numbers and their zones, and
KEEPCART_SMS_URL read without ever quoting its token."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.messages.sms_rules import (
    QuietHours,
    e164,
    has_sms_consent,
    may_text,
    next_allowed,
    parse_phone,
    shopper_zones,
    within_cap,
)
from server.settings import Settings, sms_account

HOUR = 3_600_000
DEFAULT = QuietHours()  # 21:00 to 08:00 quiet


def at(text: str, zone: str) -> int:
    """Epoch ms of a local wall-clock time (``2026-03-10 22:15``) in ``zone``."""
    local = datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
    return int(local.timestamp() * 1000)


def local(ms: int, zone: str) -> str:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("wording", "consented"),
    [("Text me a reminder", True), ("", False), ("   ", False), (None, False)],
    ids=["wording", "empty", "blank", "none"],
)
def test_consent_counts_only_with_the_wording_the_shopper_saw(wording, consented):
    assert has_sms_consent(wording) is consented


def test_one_recovery_sms_per_cart_in_48_hours_either_side():
    due = 100 * HOUR
    assert within_cap([], due)
    assert within_cap([due - 48 * HOUR], due) and within_cap([due + 48 * HOUR], due)
    assert not within_cap([due - 47 * HOUR], due)
    assert not within_cap([due + HOUR], due)  # one already queued for later
    assert not within_cap([due - 72 * HOUR, due - HOUR], due)


def test_a_message_due_in_daytime_goes_at_once():
    due = at("2026-06-10 12:34:56", "Europe/Dublin")
    assert next_allowed(due, ["Europe/Dublin"], DEFAULT) == due


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-06-10 21:00", "2026-06-11 08:00"),  # the first quiet minute
        ("2026-06-10 23:59", "2026-06-11 08:00"),  # before midnight
        ("2026-06-11 00:30", "2026-06-11 08:00"),  # after midnight
        ("2026-06-11 07:59", "2026-06-11 08:00"),
        ("2026-06-10 20:59", "2026-06-10 20:59"),  # the last allowed minute
    ],
    ids=["at-start", "before-midnight", "after-midnight", "last-quiet-minute", "last-allowed"],
)
def test_quiet_hours_across_midnight_move_the_message_to_eight(due, expected):
    zone = "Europe/Dublin"
    assert local(next_allowed(at(due, zone), [zone], DEFAULT), zone) == expected


def test_a_deferred_message_lands_on_a_whole_minute():
    due = at("2026-06-10 22:15:42.500", "Europe/Dublin")
    moved = next_allowed(due, ["Europe/Dublin"], DEFAULT)
    assert moved % 60_000 == 0 and local(moved, "Europe/Dublin") == "2026-06-11 08:00"


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # Spring forward (2026-03-08, 02:00 → 03:00 in New York): the night is an hour shorter.
        ("2026-03-08 01:30", "2026-03-08 08:00"),
        # Fall back (2026-11-01, 02:00 → 01:00): the night is an hour longer, 08:00 still local.
        ("2026-11-01 01:30", "2026-11-01 08:00"),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_quiet_hours_follow_the_local_clock_across_daylight_saving(due, expected):
    zone = "America/New_York"
    moved = next_allowed(at(due, zone), [zone], DEFAULT)
    assert local(moved, zone) == expected


def test_the_night_is_an_hour_shorter_in_utc_when_the_clocks_go_forward():
    zone = "America/New_York"
    start = at("2026-03-07 21:00", zone)
    assert next_allowed(start, [zone], DEFAULT) - start == 10 * HOUR  # 11 hours less one
    autumn = at("2026-10-31 21:00", zone)
    assert next_allowed(autumn, [zone], DEFAULT) - autumn == 12 * HOUR


def test_a_store_may_set_other_quiet_hours_even_within_the_day():
    afternoon = QuietHours(start=13 * 60, end=14 * 60)  # quiet 13:00 to 14:00 only
    zone = "Europe/Dublin"
    assert local(next_allowed(at("2026-06-10 13:20", zone), [zone], afternoon), zone) == (
        "2026-06-10 14:00"
    )
    assert next_allowed(at("2026-06-10 23:00", zone), [zone], afternoon) == at(
        "2026-06-10 23:00", zone
    )
    never_quiet = QuietHours(start=0, end=0)
    assert next_allowed(at("2026-06-10 03:00", zone), [zone], never_quiet) == at(
        "2026-06-10 03:00", zone
    )


def test_a_minute_must_be_allowed_in_every_zone_of_the_number():
    # 08:00 in Los Angeles is 11:00 in New York: the later morning wins.
    zones = ["America/New_York", "America/Los_Angeles"]
    moved = next_allowed(at("2026-06-10 07:00", "America/New_York"), zones, DEFAULT)
    assert local(moved, "America/Los_Angeles") == "2026-06-10 08:00"
    # 21:00 in New York ends the day, though it is only 18:00 in Los Angeles.
    evening = at("2026-06-10 21:30", "America/New_York")
    assert local(next_allowed(evening, zones, DEFAULT), "America/Los_Angeles") == (
        "2026-06-11 08:00"
    )


def test_zones_whose_days_never_overlap_fall_back_to_the_first():
    office = QuietHours(start=17 * 60, end=9 * 60)  # 09:00 to 17:00 only
    zones = ["Europe/London", "Pacific/Auckland"]  # 11 hours apart in June: no common minute
    due = at("2026-06-10 22:00", zones[0])
    assert local(next_allowed(due, zones, office), zones[0]) == "2026-06-11 09:00"


def test_a_number_in_many_zones_reads_each_zone_a_bounded_number_of_times(monkeypatch):
    # +1 800 maps to 42 zones; the reminder job's write once looked at every minute of two
    # days in each (1.9 s held for 20 contacts).
    import server.messages.sms_rules as rules

    zones = shopper_zones(parse_phone("+1 800 555 0199", None), "Europe/Dublin")  # type: ignore[arg-type]
    assert len(zones) > 30
    looked_up = []

    def counted(zone: str) -> ZoneInfo:
        looked_up.append(zone)
        return ZoneInfo(zone)

    monkeypatch.setattr(rules, "ZoneInfo", counted)
    due = at("2026-06-10 22:00", "America/New_York")
    moved = next_allowed(due, zones, DEFAULT)
    assert len(looked_up) <= 2 * len(zones)
    assert reference_next_allowed(due, zones, DEFAULT) == moved


def reference_next_allowed(due: int, zones, quiet: QuietHours) -> int:
    """The rule read literally: the first whole minute from ``due`` that every zone allows
    (``due`` itself when its minute is allowed), within two days; else in the first zone."""

    def allowed(ms: int, among) -> bool:
        return all(
            quiet.allows(dt.hour * 60 + dt.minute)
            for dt in (
                datetime.fromtimestamp(ms / 1000, UTC).astimezone(ZoneInfo(z)) for z in among
            )
        )

    for among in (zones, zones[:1]):
        if allowed(due, among):
            return due
        minute = due - due % 60_000 + 60_000
        while minute <= due + 48 * HOUR:
            if allowed(minute, among):
                return minute
            minute += 60_000
    raise AssertionError("no minute allowed")


ZONE_SETS = [
    ["Europe/Dublin"],
    ["America/New_York", "America/Los_Angeles"],
    ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix"],
    ["Europe/London", "Pacific/Auckland"],
    ["Asia/Kolkata", "Australia/Adelaide", "America/St_Johns"],  # half hours
    ["Australia/Perth", "Australia/Sydney", "Australia/Lord_Howe"],  # a half-hour DST shift
]


def test_quiet_hours_ending_in_the_hour_a_clock_skips_end_when_it_jumps():
    zone, quiet = "America/New_York", QuietHours(start=21 * 60, end=2 * 60 + 30)
    # 2026-03-08: 01:59 EST is followed by 03:00 EDT; 02:30 never shows, 03:00 is past it.
    moved = next_allowed(at("2026-03-08 01:30", zone), [zone], quiet)
    assert local(moved, zone) == "2026-03-08 03:00"


def test_the_next_allowed_minute_is_the_one_a_minute_by_minute_search_finds():
    pick = random.Random(14)
    quiets = [
        DEFAULT,
        QuietHours(13 * 60, 14 * 60),
        QuietHours(17 * 60, 9 * 60),
        QuietHours(0, 0),
        QuietHours(22 * 60 + 30, 7 * 60 + 15),
        QuietHours(60, 2 * 60 + 30),
        QuietHours(2 * 60 + 15, 13 * 60),
    ]  # the last two: a boundary in the hour a clock skips
    # Around the year's daylight-saving changes in both hemispheres, and at random.
    starts = [at(day, "UTC") for day in ("2026-03-07 00:00", "2026-03-28 00:00",
                                          "2026-04-04 00:00", "2026-10-24 00:00",
                                          "2026-10-31 00:00", "2026-06-10 00:00")]  # fmt: skip
    for _ in range(300):
        due = pick.choice(starts) + pick.randrange(3 * 24 * HOUR)
        zones, quiet = pick.choice(ZONE_SETS), pick.choice(quiets)
        assert next_allowed(due, zones, quiet) == reference_next_allowed(due, zones, quiet), (
            local(due, "UTC"), zones, quiet)  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "region", "number", "zones"),
    [
        ("+1 212 555 0100", None, "+12125550100", ("America/New_York",)),
        ("+1 808 555 0100", "IE", "+18085550100", ("Pacific/Honolulu",)),
        ("087 123 4567", "IE", "+353871234567", None),  # national, read in the store's country
        ("+61 2 9999 9999", None, "+61299999999", ("Australia/Sydney",)),
    ],
    ids=["new-york", "honolulu", "irish-national", "sydney"],
)
def test_a_number_is_read_as_e164_with_its_zones(raw, region, number, zones):
    parsed = parse_phone(raw, region)
    assert parsed is not None and e164(parsed) == number
    found = shopper_zones(parsed, "Europe/Dublin")
    if zones:
        assert found == zones
    else:  # Ireland and Britain keep the same clock
        assert all(local(0, zone) == local(0, "Europe/Dublin") for zone in found)


def test_a_number_that_is_not_one_is_refused():
    assert parse_phone("12345", None) is None
    assert parse_phone("087 123 4567", None) is None  # national, with no country to read it in
    assert parse_phone("call me", "IE") is None


@pytest.mark.parametrize(
    ("raw", "texted"),
    [
        ("+353 87 123 4567", True),  # an Irish mobile
        ("+44 7400 123456", True),  # a British mobile
        ("+1 415 555 0132", True),  # US: mobile or landline, libphonenumber cannot tell
        ("+1 800 555 0199", False),  # toll-free
        ("+1 900 555 0100", False),  # premium rate
        ("+44 909 876 5432", False),  # premium rate
        ("+44 845 464 7000", False),  # shared cost
        ("+44 300 123 4567", False),  # UAN
        ("+44 70 1234 5678", False),  # personal number
        ("+44 76 2345 6789", False),  # pager
        ("+44 56 1234 5678", False),  # VoIP
        ("+881 6 1234 5678", False),  # Iridium satellite (typed MOBILE, non-geographic)
        ("+870 7 7312 3456", False),  # Inmarsat
        ("+353 1 234 5678", False),  # a Dublin landline
    ],
)
def test_only_numbers_texted_at_a_mobiles_rate_may_be_texted(raw, texted):
    number = parse_phone(raw, None)
    assert number is not None and may_text(number) is texted


def test_sms_url_gives_the_account_and_never_quotes_the_token():
    account = sms_account("https://AC123:s3cr%40t@api.example.test:8443/", "+15550001111")
    assert account is not None
    assert (account.base_url, account.account_sid, account.auth_token) == (
        "https://api.example.test:8443", "AC123", "s3cr@t"
    )  # fmt: skip
    assert "s3cr" not in repr(account) and "s3cr" not in account.describe_provider()
    # The admin's pages name the provider, not the account: neither its sid nor its token.
    assert account.describe_provider() == "https://api.example.test:8443 (from +15550001111)"
    assert sms_account("", "") is None
    for bad in ("ftp://a:b@host", "https://host", "https://a:b@host?x=1", "https://a:b@:99999"):
        with pytest.raises(ValueError, match="KEEPCART_SMS_URL") as caught:
            sms_account(bad, "+15550001111")
        assert "b@" not in str(caught.value)
    with pytest.raises(ValueError, match="KEEPCART_SMS_FROM"):
        Settings(sms_url="https://AC1:token@api.example.test")
