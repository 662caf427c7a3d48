"""What a review is: its fields and limits, the fixed list of reasons to hide one, and the
moderation log's entries. The rules that use them are ``server.reviews.service``."""

from __future__ import annotations

from dataclasses import dataclass

MAX_TITLE = 120
MAX_BODY = 5000
MAX_NAME = 60
MAX_REPLY = 2000
RATINGS = range(1, 6)

ORDER = "order"  # written by the buyer of an order line: "Verified buyer"
IMPORTED = "imported"  # brought from another platform by the merchant: "Imported"
SOURCES = (ORDER, IMPORTED)
PUBLISHED = "published"
HIDDEN = "hidden"  # by the shop, for a reason from HIDE_REASONS
REMOVED = "removed"  # at its writer's request: its words and name erased
STATUSES = (PUBLISHED, HIDDEN, REMOVED)
MAX_REMOVAL_NOTE = 500

# The only reasons a shop may hide a review for (FTC 16 CFR 465.7, the EU Omnibus directive):
# none of them is about the rating or the opinion. There is no other way to hide one. A
# review about the shop, its delivery or its service is about what the shop offers: it is
# answered with a reply, never hidden (465.7 exempts only reviews wholly unrelated to the
# products or services the business offers).
HIDE_REASONS = {
    "personal_data": "It contains personal data",
    "abusive": "It is abusive, hateful or obscene",
    "off_topic": "It is off topic (spam, or about something else entirely)",
    "different_product": "It is about a different product or service",
}
HIDE_HINT = (
    "Only a review wholly about something this shop doesn't sell is about a different product"
    " or service. A complaint about the shop, its delivery or its service is not a reason to"
    " hide a review: reply to it instead."
)
# Reasons no longer offered, which reviews hidden before still carry: read as what they were.
RETIRED_REASONS = {
    "not_about_product": "It was about the shop or the delivery (a reason no longer offered)",
}
REASON_LABELS = HIDE_REASONS | RETIRED_REASONS
# The same reasons in a shopper's words, for the public "How reviews work here".
REASON_WORDS = {
    "personal_data": "personal data",
    "abusive": "abuse",
    "off_topic": "being off topic",
    "different_product": "being about a different product or service",
}
RETIRED_REASON_WORDS = {
    "not_about_product": "being about the shop or the delivery (a reason no longer used)",
}

# Moderation log actions, as the admin reads them.
ACTIONS = {
    "publish": "Published (from an order, automatically)",
    "import": "Imported",
    "hide": "Hidden",
    "unhide": "Shown again",
    "reply": "Replied",
    "remove_reply": "Reply removed",
    "remove_on_request": "Removed at the writer's request",
    "remove_import": "Import removed",
}


@dataclass(frozen=True)
class ReviewInput:
    """A review as its writer (or an imported file) gives it, checked."""

    rating: int
    title: str
    body: str
    name: str


@dataclass(frozen=True)
class Reply:
    body: str
    at: int  # ms


@dataclass(frozen=True)
class Review:
    id: int
    public_id: str
    store_id: int
    product_id: int
    sku: str  # the product's SKU
    product_name: str
    source: str  # ORDER or IMPORTED
    order_id: int | None
    import_id: int | None  # an imported review's import
    rating: int | None  # None once removed at its writer's request
    title: str
    body: str
    name: str  # the display name the writer chose
    status: str  # PUBLISHED, HIDDEN or REMOVED
    hidden_reason: str | None
    helpful: int
    reply: Reply | None
    created_at: int  # ms; an imported review's original date

    @property
    def verified(self) -> bool:
        return self.source == ORDER


@dataclass(frozen=True)
class ModerationEntry:
    review_public_id: str | None  # None once the review was removed with its import
    action: str
    reason: str | None
    detail: str
    by: str | None  # the member's email; None for a publication, which nobody decides
    at: int
    import_file: str | None = None  # an import's, or a removed import's, file

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason or "", "")


@dataclass(frozen=True)
class ImportBatch:
    """One CSV import, as the merchant sees it and may undo it."""

    id: int
    file_name: str
    platform: str
    imported: int
    by: str | None  # the member's email
    at: int
    removed_by: str | None
    removed_at: int | None


@dataclass(frozen=True)
class Summary:
    """A product's published reviews in figures."""

    count: int
    average_tenths: int  # 43 = 4.3; 0 with no reviews
    distribution: dict[int, int]  # rating → count, every rating 1–5 present


@dataclass(frozen=True)
class ReviewLine:
    """An order line a review link is for, as read now."""

    store_id: int
    order_id: int
    order_public_id: str
    order_number: int
    order_status: str
    payment_method: str
    product_id: int
    sku: str
    product_name: str
    variant: str
    shipping_name: str
    review: Review | None  # the line's review, once written
