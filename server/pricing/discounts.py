"""Whether a discount code may be used now, and how much it takes off."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from server.errors import Unprocessable
from server.pricing.rounding import div_round_half_up
from server.pricing.rules import Discount


class DiscountRefused(Unprocessable):
    """A code the shopper typed cannot be used; ``code`` says why, the message says what to do."""

    def __init__(self, message: str, code: str):
        super().__init__(message, field="code", code=code)


def check_discount(
    discount: Discount | None,
    *,
    subtotal: int,
    now_ms: int,
    email_has_used_it: bool = False,
    format_money: Callable[[int], str] = str,
    cart_id: int | None = None,
) -> Discount:
    """The discount if it applies to this cart now; raises DiscountRefused otherwise.

    A coupon claimed from an offer is refused in any cart but its own, before anything else
    about it is revealed; one whose cart row is gone (``cart_id`` null) is refused everywhere.
    """
    if discount is None or not discount.active:
        raise DiscountRefused("That code isn't valid. Check the spelling.", "discount_invalid")
    bound = discount.cart_id is not None or discount.campaign_id is not None
    if bound and (discount.cart_id is None or discount.cart_id != cart_id):
        raise DiscountRefused("That code belongs to another shopper.", "discount_foreign")
    if discount.starts_at is not None and now_ms < discount.starts_at:
        raise DiscountRefused("That code isn't active yet.", "discount_invalid")
    if discount.expires_at is not None and now_ms >= discount.expires_at:
        raise DiscountRefused("That code has expired.", "discount_expired")
    if discount.usage_limit is not None and discount.times_used >= discount.usage_limit:
        raise DiscountRefused("That code has been used up.", "discount_used_up")
    if discount.once_per_email and email_has_used_it:
        raise DiscountRefused(
            "That code can be used once per customer, and this email has used it.",
            "discount_used_up",
        )
    if subtotal < discount.min_subtotal:
        raise DiscountRefused(
            f"That code needs a subtotal of at least {format_money(discount.min_subtotal)}.",
            "discount_min_subtotal",
        )
    return discount


def merchandise_discount(discount: Discount | None, subtotal: int, gift_price: int = 0) -> int:
    """What the discount takes off the merchandise (never more than the subtotal).

    ``gift_price`` is the unit price of a free gift's line in the cart (0 when it isn't
    there): a free gift takes exactly one unit of it off, and only while it is in the cart.
    """
    if discount is None:
        return 0
    if discount.kind == "percent":
        return min(subtotal, div_round_half_up(subtotal * min(discount.value, 100), 100))
    if discount.kind == "fixed":
        return min(subtotal, discount.value)
    if discount.kind == "free_gift":
        return min(subtotal, gift_price)
    return 0


def gift_line_index(discount: Discount | None, skus: Iterable[str]) -> int | None:
    """Which line (by position) is the free gift's, if the discount is a gift in the cart."""
    if discount is None or discount.kind != "free_gift" or not discount.gift_sku:
        return None
    return next((i for i, sku in enumerate(skus) if sku == discount.gift_sku), None)


def gift_refusal(gift_lines: int) -> DiscountRefused | None:
    """Why a cart holding free-gift lines of a coupon that no longer applies can't be charged."""
    if not gift_lines:
        return None
    return DiscountRefused(
        "Your free gift's code no longer applies, so the gift isn't free any more."
        " Remove the gift or the code to continue.",
        "gift_not_free",
    )


def savings(discount: Discount, subtotal: int, gift_price: int, shipping: int) -> int:
    """What a discount saves on a cart: merchandise off, or the shipping it makes free."""
    if discount.kind == "free_shipping":
        return shipping
    return merchandise_discount(discount, subtotal, gift_price)
