"""The whole price of an order: lines, discount, shipping, tax and total."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from server.pricing.discounts import gift_line_index, merchandise_discount
from server.pricing.rounding import allocate, div_round_half_up
from server.pricing.rules import Discount, ShippingMethod, TaxRate
from server.pricing.shipping import shipping_price


@dataclass(frozen=True)
class Line:
    sku: str
    unit_price: int
    quantity: int
    weight_grams: int = 0

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class PricedLine:
    line: Line
    discount: int
    tax: int


@dataclass(frozen=True)
class Totals:
    subtotal: int
    discount: int
    shipping: int
    tax: int
    total: int
    prices_include_tax: bool
    tax_label: str

    def as_json(self) -> dict[str, object]:
        return {
            "subtotal": self.subtotal,
            "discount": self.discount,
            "shipping": self.shipping,
            "tax": self.tax,
            "total": self.total,
            "prices_include_tax": self.prices_include_tax,
            "tax_label": self.tax_label,
        }


@dataclass(frozen=True)
class Quote:
    lines: tuple[PricedLine, ...]
    totals: Totals
    shipping_tax: int


def tax_on(amount: int, rate: int, inclusive: bool) -> int:
    """Tax in ``amount`` (inclusive prices) or on it (exclusive); ``rate`` in basis points."""
    if inclusive:
        return div_round_half_up(amount * rate, 10_000 + rate)
    return div_round_half_up(amount * rate, 10_000)


def find_tax_rate(rates: Sequence[TaxRate], country: str, region: str = "") -> TaxRate | None:
    """The region's own rate when there is one, else the country's."""
    by_place = {(r.country, r.region): r for r in rates}
    return by_place.get((country, region)) or by_place.get((country, ""))


def price_order(
    lines: Sequence[Line],
    *,
    discount: Discount | None,
    shipping_method: ShippingMethod | None,
    tax_rate: TaxRate | None,
    prices_include_tax: bool,
) -> Quote:
    subtotal = sum(line.subtotal for line in lines)
    line_discounts = _line_discounts(discount, lines, subtotal)
    discount_total = sum(line_discounts)
    merchandise = subtotal - discount_total
    weight = sum(line.weight_grams * line.quantity for line in lines)
    shipping = 0
    # Nothing to ship, nothing to charge for shipping.
    if (
        lines
        and shipping_method is not None
        and not (discount and discount.kind == "free_shipping")
    ):
        shipping = shipping_price(shipping_method, merchandise, weight)

    rate = tax_rate.rate if tax_rate else 0
    priced = tuple(
        PricedLine(line, share, tax_on(line.subtotal - share, rate, prices_include_tax))
        for line, share in zip(lines, line_discounts, strict=True)
    )
    shipping_tax = tax_on(shipping, rate, prices_include_tax)
    tax = sum(p.tax for p in priced) + shipping_tax
    total = merchandise + shipping + (0 if prices_include_tax else tax)
    totals = Totals(
        subtotal=subtotal,
        discount=discount_total,
        shipping=shipping,
        tax=tax,
        total=total,
        prices_include_tax=prices_include_tax,
        tax_label=tax_rate.name if tax_rate else "Tax",
    )
    return Quote(priced, totals, shipping_tax)


def _line_discounts(discount: Discount | None, lines: Sequence[Line], subtotal: int) -> list[int]:
    """Each line's share of the discount: a free gift is one unit of its own line; any other
    discount is spread over the lines in proportion to their subtotals."""
    gift = gift_line_index(discount, (line.sku for line in lines))
    if gift is not None:
        off = merchandise_discount(discount, subtotal, lines[gift].unit_price)
        return [off if i == gift else 0 for i in range(len(lines))]
    return allocate(merchandise_discount(discount, subtotal), [line.subtotal for line in lines])
