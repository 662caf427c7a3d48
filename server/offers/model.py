"""What a campaign is: the values behind the `campaigns` and `campaign_variants` rows.

`trigger`, `targeting` and `frequency` (campaigns) and `offer` (variants) are stored as JSON
objects; these dataclasses are their schema. `from_json` reads what `to_json` wrote and fills
defaults for anything missing, so adding a field later needs no migration. Validation of what
a merchant enters lives with the admin form; these types only describe valid campaigns.
Money is in minor units of the store's currency.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

Status = Literal["draft", "live", "paused", "ended"]
# "survey_answer": shown only as a survey answer's remedy (server.surveys.remedies), never on
# a trigger of its own; the store config leaves such campaigns out.
TriggerKind = Literal["exit_intent", "time_on_page", "scroll_depth", "cart_idle", "survey_answer"]
PhoneSignal = Literal["scroll_up", "back_button", "tab_return", "inactivity"]
OfferKind = Literal["percent", "fixed", "free_shipping", "free_gift", "none"]
Device = Literal["desktop", "phone"]

STATUSES: tuple[Status, ...] = ("draft", "live", "paused", "ended")
TRIGGER_KINDS: tuple[TriggerKind, ...] = (
    "exit_intent",
    "time_on_page",
    "scroll_depth",
    "cart_idle",
)
PHONE_SIGNALS: tuple[PhoneSignal, ...] = ("scroll_up", "back_button", "tab_return", "inactivity")
OFFER_KINDS: tuple[OfferKind, ...] = ("percent", "fixed", "free_shipping", "free_gift", "none")


@dataclass(frozen=True)
class Trigger:
    kind: TriggerKind = "exit_intent"
    # exit_intent, desktop: armed after min_seconds on the page; fires when the pointer leaves
    # through the top sensitivity_px band and has not come back within return_delay_ms.
    min_seconds: int = 5
    sensitivity_px: int = 20
    return_delay_ms: int = 300
    # exit_intent, phone: the composite signals that count as leaving.
    phone_signals: tuple[PhoneSignal, ...] = PHONE_SIGNALS
    inactivity_seconds: int = 45
    seconds: int = 20  # time_on_page
    percent: int = 50  # scroll_depth
    idle_minutes: int = 3  # cart_idle: a non-empty cart untouched this long


@dataclass(frozen=True)
class Targeting:
    cart: Literal["any", "empty", "not_empty"] = "any"
    subtotal_min: int | None = None
    subtotal_max: int | None = None
    include_urls: tuple[str, ...] = ()  # glob patterns on the page URL, * matches anything
    exclude_urls: tuple[str, ...] = ()
    devices: tuple[Device, ...] = ("desktop", "phone")
    visitor: Literal["any", "new", "returning"] = "any"
    min_visits: int | None = None
    max_visits: int | None = None
    utm_sources: tuple[str, ...] = ()  # empty: any source


@dataclass(frozen=True)
class Frequency:
    mode: Literal["once_per_session", "every_n_days", "until_converted"] = "once_per_session"
    days: int = 7  # every_n_days
    max_impressions: int | None = 3  # per visitor, over the campaign's life


@dataclass(frozen=True)
class Offer:
    kind: OfferKind = "percent"
    value: int = 10  # percent: whole percent; fixed: minor units; others: 0
    gift_sku: str = ""  # free_gift: the SKU added to the cart at zero price
    min_subtotal: int = 0
    expires_minutes: int = 30  # a claimed coupon's life, shown as a countdown
    email_cart: bool = False  # none: offer "email me my cart", with explicit consent
    consent_text: str = "Email me a link to my cart. I can unsubscribe at any time."

    @property
    def has_coupon(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class Variant:
    key: str  # 'A', 'B', …
    weight: int
    headline: str
    body: str
    button_text: str
    offer: Offer = field(default_factory=Offer)
    image_url: str = ""
    brand_colour: str = "#1f6f5c"
    id: int | None = None


@dataclass(frozen=True)
class Campaign:
    name: str
    trigger: Trigger
    targeting: Targeting
    frequency: Frequency
    variants: tuple[Variant, ...]
    holdout_percent: int = 10
    status: Status = "draft"
    starts_at: int | None = None
    ends_at: int | None = None
    id: int | None = None
    public_id: str | None = None
    store_id: int | None = None

    def is_running(self, now_ms: int) -> bool:
        """Live, and inside its schedule."""
        return live_in_schedule(self.status, self.starts_at, self.ends_at, now_ms)

    @property
    def remedy_only(self) -> bool:
        """Shown only as a survey answer's remedy, never on a trigger of its own."""
        return self.trigger.kind == "survey_answer"


T = TypeVar("T", bound="Trigger | Targeting | Frequency | Offer")


def to_json(value: Trigger | Targeting | Frequency | Offer) -> str:
    return json.dumps(dataclasses.asdict(value), separators=(",", ":"))


def from_json(kind: type[T], text: str | dict[str, Any]) -> T:
    """A Trigger, Targeting, Frequency or Offer from its stored JSON; unknown keys ignored."""
    data = json.loads(text) if isinstance(text, str) else text
    names = {f.name for f in dataclasses.fields(kind)}
    values: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names
    }
    return kind(**values)


def live_in_schedule(status: str, starts_at: int | None, ends_at: int | None, now_ms: int) -> bool:
    """A campaign's or a survey's status and schedule: live, started, not yet ended."""
    return (
        status == "live"
        and (starts_at is None or starts_at <= now_ms)
        and (ends_at is None or now_ms < ends_at)
    )
