"""What a shopper's request to show a survey may carry (``POST /v1/surveys/{srv}/responses``):
each field checked, or a 400 naming it (a 422 for the order-status signal, which only the
order's page may show). Nothing personal is kept: a page is its path without
the query, and the UTM source is the campaign's name as the link gave it."""

from __future__ import annotations

from server.errors import Unprocessable, ValidationFailed
from server.events.visitors import parse_visitor
from server.surveys.model import Survey

# Signals that show a survey: the offers' exit and page signals, and the survey's own moments.
SIGNALS = (
    "exit_top", "scroll_up", "back_button", "tab_return", "inactivity", "time_on_page",
    "scroll_depth", "cart_idle", "drawer_close", "checkout_exit", "confirmation", "order_status",
)  # fmt: skip
_EXIT_SIGNALS = ("exit_top", "scroll_up", "back_button", "tab_return", "inactivity")


def moment_of(signal: str) -> str:
    """The moment a signal belongs to: every way of leaving is exit intent."""
    return "exit_intent" if signal in _EXIT_SIGNALS else signal


# Shown only by the order's own page (server/routes/survey_page.py), which checks that the order
# was delivered and is the visitor's and in the sample; the widget never sends this signal.
PAGE_ONLY_SIGNAL = "order_status"


def parse_signal(survey: Survey, raw: object) -> str:
    """A signal of one of the survey's moments that the public API may show it at."""
    if raw == PAGE_ONLY_SIGNAL:
        raise Unprocessable(
            "The order-status survey is answered on the order's own page.",
            field="signal",
            code="signal_not_allowed",
        )
    if raw not in SIGNALS or moment_of(str(raw)) not in survey.moments:
        moments = ", ".join(survey.moments)
        raise ValidationFailed(
            f"signal must be one of this survey's moments ({moments}).", field="signal"
        )
    return str(raw)


def parse_session(raw: object) -> str:
    return "" if raw is None or raw == "" else parse_visitor(raw, field="session")


MAX_PAGE = 300
MAX_UTM = 100
MAX_CART_VALUE = 10**12


def parse_page(raw: object) -> str:
    """A page's path: its query and fragment dropped (they may hold personal data)."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationFailed("page must be the page's path.", field="page")
    path = raw.split("?", 1)[0].split("#", 1)[0]
    if len(path) > MAX_PAGE or not path.isprintable():
        raise ValidationFailed(f"page must be a path of {MAX_PAGE} characters at most.",
                               field="page")  # fmt: skip
    return path


def parse_device(raw: object) -> str:
    if raw is None:
        return "unknown"
    if raw not in ("desktop", "phone", "unknown"):
        raise ValidationFailed("device must be desktop, phone or unknown.", field="device")
    return str(raw)


def parse_cart_value(raw: object) -> int | None:
    if raw is None:
        return None
    if type(raw) is not int or not 0 <= raw <= MAX_CART_VALUE:
        raise ValidationFailed("cart_value must be a whole number of minor units.",
                               field="cart_value")  # fmt: skip
    return raw


def parse_utm(raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str) or len(raw) > MAX_UTM or not raw.isprintable():
        raise ValidationFailed(f"utm must be text of {MAX_UTM} characters at most.",
                               field="utm")  # fmt: skip
    return raw
