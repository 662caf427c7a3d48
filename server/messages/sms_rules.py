"""The rules every SMS Keepcart sends keeps, as pure functions (time comes in as an argument):

- only with the shopper's explicit SMS consent, its wording recorded (``has_sms_consent``);
- only to a number that takes a text at a normal rate (``may_text``): a mobile, or a number
  that may be one (the US and Canada do not tell them apart); never a premium-rate, shared-cost,
  toll-free, satellite, VoIP, pager or landline number (SMS pumping earns on those);
- at most one recovery SMS per cart, and per number across carts, in 48 hours
  (``within_cap``), and a store's few a day (``model.RECOVERY_SMS_PER_DAY``);
- never in the quiet hours of the shopper's day (default 21:00 to 08:00, per store): a
  message due then is moved to the next minute allowed (``next_allowed``), not dropped.

The shopper's day is read in the time zones of their phone number (``shopper_zones``):
libphonenumber's zones for its country and area code (one for +1 212, New York; several for
some numbers). A minute is allowed only when it is allowed in every one of them; when no
minute in two days is (a number whose zones are half a day apart), in the first of them.
The next allowed minute is worked out from each zone's allowed spells around the due time,
a few conversions a zone (a +1 800 number has 42 zones; a minute-by-minute search took 0.4 s).
One reading differs from the local clock's minute: a quiet end set inside the hour a clock
going back repeats starts the allowed spell at its first occurrence.
A number with no known zone is read in the store's zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from phonenumbers import timezone as phone_zones

MINUTE_MS = 60_000
RECOVERY_SMS_GAP_MS = 48 * 3_600_000
# How far ahead next_allowed looks for a minute every zone allows before it settles for the
# first zone alone (a window of one zone always comes round within a day).
_SEARCH_MS = 48 * 3_600_000
_KNOWN_ZONES = available_timezones()


def has_sms_consent(wording: str | None) -> bool:
    """Consent counts only when the shopper ticked a box whose exact words were recorded."""
    return bool(wording and wording.strip())


# libphonenumber's types of a number that receives texts at a mobile's rate. VOIP is refused:
# NANP numbers of VoIP carriers are typed FIXED_LINE_OR_MOBILE anyway (the library cannot
# tell them apart), so the type marks only the dedicated VoIP ranges (UK 056, Ireland 076),
# few of which take an SMS.
_TEXTABLE = frozenset({phonenumbers.PhoneNumberType.MOBILE,
                       phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})  # fmt: skip
_NON_GEOGRAPHIC = "001"  # +800, +808, +870, +881, +882, +883…: satellite and global services


def may_text(number: phonenumbers.PhoneNumber) -> bool:
    """Whether a text to ``number`` costs what a text to a mobile does."""
    return (
        phonenumbers.number_type(number) in _TEXTABLE
        and phonenumbers.region_code_for_number(number) != _NON_GEOGRAPHIC
    )


def within_cap(others: Iterable[int], due: int, gap_ms: int = RECOVERY_SMS_GAP_MS) -> bool:
    """Whether an SMS due at ``due`` keeps ``gap_ms`` from the cart's other recovery SMS
    (``others``: when each is due, or was sent), before and after it."""
    return all(abs(due - other) >= gap_ms for other in others)


@dataclass(frozen=True)
class QuietHours:
    """SMS may go from ``end`` up to ``start`` (minutes of the local day); the rest of the day
    is quiet. ``start`` may be before ``end`` (a quiet spell in the afternoon) and equal to it
    (no quiet hours)."""

    start: int = 21 * 60
    end: int = 8 * 60

    def allows(self, minute_of_day: int) -> bool:
        if self.start == self.end:
            return True
        return (minute_of_day - self.end) % 1440 < (self.start - self.end) % 1440


def next_allowed(due: int, zones: Sequence[str], quiet: QuietHours) -> int:
    """``due`` when it is outside the quiet hours in every zone; otherwise the first whole
    minute after it that is (or, failing that within two days, the first in ``zones[0]``).
    Worked out from each zone's allowed spells of the days around ``due`` (a few conversions
    a zone), not by trying minutes: a +1 800 number has 42 zones."""
    if quiet.start == quiet.end:
        return due
    for candidates in (zones, zones[:1]):
        found = _first_allowed(due, candidates, quiet)
        if found is not None:
            return found
    raise ValueError("quiet hours that never end")  # QuietHours always allows some minute


Spell = tuple[int, int]  # [from, until) in epoch ms


def _first_allowed(due: int, zones: Sequence[str], quiet: QuietHours) -> int | None:
    common = _allowed_spells(due, zones[0], quiet)
    for zone in zones[1:]:
        common = _intersect(common, _allowed_spells(due, zone, quiet))
    for begin, until in common:
        if until > due and begin <= due + _SEARCH_MS:
            return max(begin, due)
    return None


def _allowed_spells(due: int, zone: str, quiet: QuietHours) -> list[Spell]:
    """The zone's allowed spells that begin on the local days from the one before ``due`` to
    two after it: from ``quiet.end`` to the next ``quiet.start`` on the local clock."""
    tz = ZoneInfo(zone)
    today = datetime.fromtimestamp(due / 1000, UTC).astimezone(tz).date()
    overnight = quiet.start <= quiet.end  # the allowed spell runs past midnight
    spells = []
    for offset in range(-1, 3):
        day = today + timedelta(days=offset)
        begin = _instant(day, quiet.end, tz)
        until = _instant(day + timedelta(days=1 if overnight else 0), quiet.start, tz)
        if until > begin:
            spells.append((begin, until))
    return spells


def _instant(day: date, minute: int, tz: ZoneInfo) -> int:
    """Epoch ms of ``minute`` (of the local day) on ``day``: its first occurrence when a clock
    going back repeats it; when a clock going forward skips it, the moment of the jump (the
    first at which the local clock reads past it)."""
    local = datetime.combine(day, time(minute // 60, minute % 60), tz)
    after = int(local.timestamp() * 1000)
    before = int(local.replace(fold=1).timestamp() * 1000)
    if before >= after:  # not skipped: fold=1 is the repeat, or the same instant
        return after
    # Skipped: the offset changes between ``before`` and ``after``; find the minute it does.
    offset = datetime.fromtimestamp(after / 1000, tz).utcoffset()
    while after - before > MINUTE_MS:
        middle = before + (after - before) // 2 // MINUTE_MS * MINUTE_MS
        if datetime.fromtimestamp(middle / 1000, tz).utcoffset() == offset:
            after = middle
        else:
            before = middle
    return after


def _intersect(ours: list[Spell], theirs: list[Spell]) -> list[Spell]:
    return [(max(a, c), min(b, d)) for a, b in ours for c, d in theirs if max(a, c) < min(b, d)]


def parse_phone(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    """A valid number, read in ``region`` (the store's country) when written without +."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shopper_zones(number: phonenumbers.PhoneNumber, store_zone: str) -> tuple[str, ...]:
    """The time zones the number's owner is likely in; the store's when none is known."""
    zones = tuple(
        zone for zone in phone_zones.time_zones_for_number(number) if zone in _KNOWN_ZONES
    )
    return zones or (store_zone,)
