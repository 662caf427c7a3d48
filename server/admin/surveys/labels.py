"""What the survey pages call things: moments, question types, recontact rules, signals and
devices, in the merchant's words."""

from __future__ import annotations

from server.admin.campaigns.reports import SIGNALS as OFFER_SIGNALS

MOMENT_LABELS = {
    "exit_intent": "Exit intent: the shopper is about to leave",
    "time_on_page": "Time on the page",
    "scroll_depth": "Scrolled down the page",
    "cart_idle": "Cart left idle",
    "drawer_close": "Cart drawer closed with items in it",
    "checkout_exit": "Checkout left without ordering",
    "confirmation": "Order confirmation, after paying",
    "order_status": "Order-status page, after delivery",
}
TYPE_LABELS = {
    "single": "One choice",
    "multiple": "Several choices",
    "rating": "Rating (numbers or stars)",
    "nps": "Net Promoter Score, 0 to 10",
    "ces": "Customer effort, 1 to 7",
    "csat": "Satisfaction score",
    "short_text": "Short text",
    "long_text": "Long text",
    "email": "Email address, with consent",
}
RECONTACT_LABELS = {
    "once": "Once: never again after it was shown",
    "until_answered": "Until answered: again, until the visitor completes it",
    "every_n_days": "At most every few days",
}
PRIORITY_LABELS = {
    "offers": "Offers: an offer due at the same moment shows, the survey waits",
    "surveys": "Surveys: a survey due at the same moment shows, the offer waits",
}
SIGNAL_LABELS = {
    **{key: label for key, label in OFFER_SIGNALS.items() if key in (
        "exit_top", "scroll_up", "back_button", "tab_return", "inactivity", "time_on_page",
        "scroll_depth", "cart_idle")},
    "drawer_close": "Cart drawer closed with items",
    "checkout_exit": "Checkout left",
    "confirmation": "Order confirmation",
    "order_status": "Order-status page",
}  # fmt: skip
DEVICE_LABELS = {"desktop": "Desktop", "phone": "Phone", "unknown": "Unknown"}
STATUS_WORDS = {"shown": "Shown", "started": "Started", "completed": "Completed"}
