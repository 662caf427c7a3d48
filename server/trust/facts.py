"""What each badge may say, derived from what Keepcart knows: pure functions of the store's
settings, its shipping and delivery rules, and the clock.

``trust_config`` is what the widget receives (a kind is left out while its fact does not
hold, so the widget can never show it), worded here wherever the words do not depend on the
shopper's clock or cart: money in the store's locale (the first Intl formatter a page makes
costs a slow phone a long task), days, and each badge's short words. ``badge_facts`` is the
same reasoning in words for the merchant: each badge's fact, or why it is hidden right now.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import format_currency

from server.money import CURRENCY_EXPONENTS
from server.orders.receipt import LocalFormats
from server.pricing.delivery import (
    DeliveryRules,
    arrival_wording,
    delivery_window,
    dispatch_date,
    next_working_day,
)
from server.trust.model import KIND_LABELS, KINDS, TrustSettings

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EVERYWHERE = "*"
# The order a strip shows its badges in, whatever order the merchant chose them in: what decides
# a purchase first, the payment marks (recognisable even when scrolled to) last.
STRIP_ORDER = ("delivery", "free_shipping", "returns", "secure", "support", "payments")
SECURE_DETAILS = (
    "Checkout is encrypted (HTTPS) all the way, and card numbers are never stored by this shop."
)


@dataclass(frozen=True)
class ZoneShipping:
    """One shipping zone as the badges need it: its countries (``("*",)`` for the rest of the
    world), the lowest free-shipping threshold of its methods (0: always free; None: never),
    and its first method (the one checkout offers first), whose transit the promise uses."""

    name: str
    countries: tuple[str, ...]
    free_over: int | None
    method: str | None = None
    min_days: int = 0
    max_days: int = 0


@dataclass(frozen=True)
class TrustInputs:
    settings: TrustSettings
    payment_methods: Sequence[tuple[str, str]]  # (id, label) of the enabled methods
    zones: Sequence[ZoneShipping]
    home_country: str  # the store's own country: its zone is the main one
    rules: DeliveryRules
    contact_email: str
    contact_phone: str
    api_https: bool  # is Keepcart itself served over HTTPS
    currency: str  # the store's, for the money the badges state
    locale: str  # the store's, for the same


@dataclass(frozen=True)
class BadgeFact:
    kind: str
    label: str
    shown: bool
    text: str  # the fact when shown, else why the badge is hidden right now


def main_zone(zones: Sequence[ZoneShipping], country: str) -> ZoneShipping | None:
    """The zone naming ``country``, else the rest-of-world zone, else the first."""
    named = [z for z in zones if country in z.countries]
    fallback = [z for z in zones if EVERYWHERE in z.countries]
    return (named or fallback or list(zones) or [None])[0]


def trust_config(inputs: TrustInputs, now_ms: int) -> dict[str, Any]:
    """The widget's ``config.trust``: the placements (each in STRIP_ORDER), and each kind's
    data only where its fact holds (``secure`` still needs the page itself on HTTPS, which
    the browser checks) and some placement shows it: the store's contact is published only
    once the merchant places the support badge."""
    config = _every_kind(inputs, now_ms)
    placed = {kind for kinds in inputs.settings.placements.values() for kind in kinds}
    for kind in set(KINDS) - placed:
        config.pop(kind, None)
    # Each placement lists only kinds that can show, so the drawer and checkout reserve no
    # room for badges that would never come.
    config["placements"] = {
        name: [kind for kind in kinds if kind in config]
        for name, kinds in config["placements"].items()
    }
    return config


def _every_kind(inputs: TrustInputs, now_ms: int) -> dict[str, Any]:
    settings = inputs.settings
    config: dict[str, Any] = {
        "holdout": settings.badges_holdout,
        # When the holdout's share last changed: the widget sends it back with an exposure, and
        # one decided under an older share is not counted.
        "since": settings.badges_since,
        "placements": {
            name: [kind for kind in STRIP_ORDER if kind in kinds]
            for name, kinds in settings.placements.items()
        },
        "home": inputs.home_country,
    }
    if inputs.api_https:
        config["secure"] = SECURE_DETAILS  # what its details say
    if inputs.payment_methods:
        config["payments"] = [{"id": id_, "label": label} for id_, label in inputs.payment_methods]
    zones = [zone_json(zone, inputs.currency, inputs.locale) for zone in inputs.zones]
    if any(zone["free_over"] is not None for zone in zones):
        config["free_shipping"] = True
    if delivery := delivery_promise(inputs.rules, inputs.zones, now_ms):
        config["delivery"] = delivery
    config["zones"] = zones
    if returns := returns_json(settings):
        config["returns"] = returns
    if support := support_json(inputs):
        config["support"] = support
    if settings.social_proof:
        config["proof"] = {
            "holdout": settings.proof_holdout,
            "since": settings.proof_since,
            "hours": settings.proof_hours,
        }
    return config


def zone_json(zone: ZoneShipping, currency: str, locale: str) -> dict[str, Any]:
    """A zone's countries and free-shipping threshold, the threshold also worded ("€60")."""
    words = None if zone.free_over is None else badge_money(zone.free_over, currency, locale)
    return {
        "countries": list(zone.countries),
        "free_over": zone.free_over,
        "free_over_words": words,
    }


def badge_money(minor_units: int, currency: str, locale: str) -> str:
    """Money as a badge says it, in the store's locale: whole amounts without their zeros
    ("€60", "60 €"; not "€60.00"), a strip's room being short; others to the cent ("€12.50")."""
    formats = LocalFormats(locale, "UTC")
    exponent = CURRENCY_EXPONENTS.get(currency, 2)
    if minor_units % 10**exponent:
        return formats.money(minor_units, currency)
    # The locale's own pattern without its fraction: "¤#,##0.00" → "¤#,##0".
    pattern = formats.locale.currency_formats["standard"].pattern
    whole = re.sub(r"\.0+", "", pattern)
    return format_currency(
        minor_units // 10**exponent, currency, whole, locale=formats.locale, currency_digits=False
    )


def delivery_promise(
    rules: DeliveryRules, zones: Sequence[ZoneShipping], now_ms: int
) -> dict[str, Any] | None:
    """The promise for an order placed now and for one placed after the next cut-off:
    ``deadline`` (ms) is that cut-off, ``dispatch``/``later`` the days each leaves, and per
    zone (in ``zones`` order) the arrival wording of its first method, before and after."""
    with_method = [z for z in zones if z.method is not None]
    if not with_method:
        return None
    deadline = next_cutoff_ms(now_ms, rules)
    arrivals = []
    for zone in zones:
        if zone.method is None:
            arrivals.append(None)
            continue
        before = delivery_window(now_ms, rules, zone)
        after = delivery_window(deadline, rules, zone)
        arrivals.append(
            {
                "method": zone.method,
                "arrives": arrival_wording(before.earliest, before.latest),
                "later": arrival_wording(after.earliest, after.latest),
            }
        )
    dispatch, later = dispatch_date(now_ms, rules), dispatch_date(deadline, rules)
    zone = ZoneInfo(rules.timezone)
    return {
        "deadline": deadline,
        "cutoff": f"{rules.cutoff:%H:%M}",  # the store's local time, as the details say it
        "dispatch": {"date": dispatch.isoformat(), "words": day_words(dispatch)}
        | day_span(dispatch, zone),
        # ``until``: the cut-off after ``deadline``, past which this promise says nothing true
        # any more (a tab left open a day; a page restored from the back/forward cache).
        "later": {
            "date": later.isoformat(),
            "words": day_words(later),
            "until": next_cutoff_ms(deadline, rules),
        }
        | day_span(later, zone),
        "arrivals": arrivals,
    }


def day_span(day: date, zone: ZoneInfo) -> dict[str, int]:
    """When ``day`` begins and ends in the store's timezone (ms): the widget tells "today" and
    "tomorrow" from these, with no time-zone formatter of its own (the first one a page makes
    costs a long task on a slow phone)."""
    start = datetime.combine(day, time(0), zone)
    end = datetime.combine(day + timedelta(days=1), time(0), zone)
    return {"from": int(start.timestamp() * 1000), "to": int(end.timestamp() * 1000)}


def next_cutoff_ms(now_ms: int, rules: DeliveryRules) -> int:
    """The next moment an order's dispatch day moves: the cut-off (local time) of today when
    today is a working day before it, else of the next working day."""
    zone = ZoneInfo(rules.timezone)
    local = datetime.fromtimestamp(now_ms / 1000, zone)
    today = local.date()
    if rules.is_working_day(today) and local.time() < rules.cutoff:
        ready = today
    else:
        ready = next_working_day(today + timedelta(days=1), rules)
    cutoff = datetime.combine(ready, rules.cutoff, zone)
    return int(cutoff.timestamp() * 1000)


def day_words(day: Any) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def returns_json(settings: TrustSettings) -> dict[str, Any] | None:
    if not settings.returns_days or not settings.returns_policy:
        return None
    return {
        "days": settings.returns_days,
        "words": f"{settings.returns_days}-day returns",  # the guarantee is in the details
        "money_back": settings.money_back,
        "policy": settings.returns_policy,
    }


def support_json(inputs: TrustInputs) -> dict[str, str] | None:
    hours = inputs.settings.support_hours
    if not hours or not (inputs.contact_email or inputs.contact_phone):
        return None
    return {
        "email": inputs.contact_email,
        "phone": inputs.contact_phone,
        "hours": hours,
        "words": support_words(hours),
    }


def support_words(hours: str) -> str:
    """The support badge's words: "Help Mon–Fri" for hours "Mon–Fri 9–17", the words before
    the first that starts with a digit (the full hours are in the details); all of them when
    that leaves none ("24/7")."""
    hours = hours.strip()
    days = re.split(r"\s+(?=[0-9])", hours)[0]
    return f"Help {hours if re.match('[0-9]', days) else days}"


def badge_facts(inputs: TrustInputs, origins: Sequence[str], now_ms: int) -> list[BadgeFact]:
    """Each kind's fact as the merchant reads it: what it says, or why it is hidden now."""
    config = trust_config(inputs, now_ms)
    return [
        BadgeFact(kind, KIND_LABELS[kind], *_fact(kind, config, inputs, origins)) for kind in KINDS
    ]


def _fact(
    kind: str, config: dict[str, Any], inputs: TrustInputs, origins: Sequence[str]
) -> tuple[bool, str]:
    if kind == "secure":
        return _secure_fact(inputs.api_https, origins)
    if kind == "payments":
        if not inputs.payment_methods:
            return False, "Hidden: no payment method is enabled."
        labels = ", ".join(label for _, label in inputs.payment_methods)
        return True, f"Accepts {labels}."
    if kind == "free_shipping":
        return _free_shipping_fact(inputs)
    if kind == "delivery":
        return _delivery_fact(config.get("delivery"), inputs)
    if kind == "returns":
        if not inputs.settings.returns_days:
            return False, "Hidden: set the number of days shoppers have to return an order."
        if not inputs.settings.returns_policy:
            return False, "Hidden: write the return policy shoppers will read."
        days = inputs.settings.returns_days
        money = " with a money-back guarantee" if inputs.settings.money_back else ""
        return True, f"{days}-day returns{money}."
    if not (inputs.contact_email or inputs.contact_phone):
        return False, "Hidden: the store has no contact email or phone (Store settings)."
    if not inputs.settings.support_hours:
        return False, "Hidden: write the hours shoppers can reach you."
    contact = " and ".join(c for c in (inputs.contact_email, inputs.contact_phone) if c)
    return True, f"Support at {contact}, {inputs.settings.support_hours}."


def _secure_fact(api_https: bool, origins: Sequence[str]) -> tuple[bool, str]:
    if not api_https:
        return False, "Hidden: Keepcart itself is served over HTTP, so checkout is not secure."
    plain = [origin for origin in origins if origin.startswith("http://")]
    if plain and len(plain) == len(origins):
        return False, "Hidden: this page is served over HTTP (" + ", ".join(plain) + ")."
    if plain:
        return True, "Shown on HTTPS pages only; hidden on " + ", ".join(plain) + " (HTTP)."
    return True, "Checkout is encrypted (HTTPS) all the way; card numbers are never stored."


def _free_shipping_fact(inputs: TrustInputs) -> tuple[bool, str]:
    if not inputs.zones:
        return False, "Hidden: the store has no shipping zones."
    free = [zone for zone in inputs.zones if zone.free_over is not None]
    if not free:
        return False, "Hidden: no shipping method has a free-shipping threshold."
    names = ", ".join(zone.name for zone in free)
    return True, f"Free-shipping thresholds in {names} (each shopper sees their zone's)."


def _delivery_fact(delivery: dict[str, Any] | None, inputs: TrustInputs) -> tuple[bool, str]:
    if delivery is None:
        return False, "Hidden: the store has no shipping method to promise a delivery with."
    zone = main_zone(inputs.zones, inputs.home_country)
    index = list(inputs.zones).index(zone) if zone is not None else 0
    arrival = delivery["arrivals"][index] or next(a for a in delivery["arrivals"] if a)
    return True, (
        f"Ordered now: dispatched {delivery['dispatch']['words']}, "
        f"{arrival['arrives'][0].lower()}{arrival['arrives'][1:]} ({arrival['method']})."
    )
