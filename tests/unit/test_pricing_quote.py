"""The whole price of an order: known cases worked by hand, and properties over random carts."""

from fractions import Fraction
from math import floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.pricing.quote import Line, PricedLine, Quote, Totals, find_tax_rate, price_order, tax_on
from server.pricing.rules import Discount, ShippingMethod, TaxRate

VAT_DE = TaxRate("DE", "", 1900, "VAT")
TEN_PERCENT = Discount(id=1, code="TEN", kind="percent", value=10)
FLAT_495 = ShippingMethod(id=1, zone="EU", name="Standard", kind="flat", rate=495)


# --- tax_on ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "inclusive", "expected"),
    [
        (4320, 1900, True, 690),  # 4320 * 1900 / 11900 = 689.75
        (1000, 1900, False, 190),
        (12100, 2100, True, 2100),  # exact: 21% of 10000 is inside 12100
        (10000, 2100, False, 2100),
        (1200, 2000, True, 200),
        (495, 1900, True, 79),  # 79.03
        (3, 2000, True, 1),  # exactly 0.5 rounds up
        (9, 2000, True, 2),  # exactly 1.5 rounds up
        (2, 2000, True, 0),  # 0.33
        (5, 1000, False, 1),  # exactly 0.5 rounds up
        (15, 1000, False, 2),  # exactly 1.5 rounds up
        (4, 1000, False, 0),  # 0.4
        (50, 2100, False, 11),  # 10.5
        (0, 2100, True, 0),
        (0, 2100, False, 0),
        (99_999, 0, True, 0),
        (99_999, 0, False, 0),
    ],
)
def test_tax_on(amount, rate, inclusive, expected):
    assert tax_on(amount, rate, inclusive) == expected


# --- find_tax_rate -----------------------------------------------------------------------

RATES = [
    TaxRate("DE", "", 1900, "VAT"),
    TaxRate("US", "CA", 725, "Sales tax"),
    TaxRate("US", "NY", 400, "Sales tax"),
    TaxRate("CA", "", 500, "GST"),
    TaxRate("CA", "ON", 1300, "HST"),
]


@pytest.mark.parametrize(
    ("country", "region", "expected"),
    [
        ("DE", "", RATES[0]),
        ("DE", "BY", RATES[0]),  # no regional rate: the country's
        ("US", "CA", RATES[1]),
        ("US", "NY", RATES[2]),
        ("US", "TX", None),  # only regional rates and not this region
        ("US", "", None),
        ("CA", "ON", RATES[4]),  # the region's own rate wins over the country's
        ("CA", "QC", RATES[3]),
        ("CA", "", RATES[3]),
        ("FR", "", None),
    ],
)
def test_find_tax_rate(country, region, expected):
    assert find_tax_rate(RATES, country, region) == expected


def test_find_tax_rate_region_defaults_to_the_country():
    assert find_tax_rate(RATES, "DE") is RATES[0]
    assert find_tax_rate([], "DE") is None


# --- price_order: known cases ------------------------------------------------------------


def test_ten_percent_off_with_inclusive_vat():
    quote = price_order(
        [Line("MUG", 4800, 1)],
        discount=TEN_PERCENT,
        shipping_method=None,
        tax_rate=VAT_DE,
        prices_include_tax=True,
    )
    assert quote.totals == Totals(
        subtotal=4800,
        discount=480,
        shipping=0,
        tax=690,  # 4320 * 1900 / 11900 = 689.75
        total=4320,
        prices_include_tax=True,
        tax_label="VAT",
    )
    assert quote.lines == (PricedLine(Line("MUG", 4800, 1), discount=480, tax=690),)
    assert quote.shipping_tax == 0


def test_inclusive_vat_on_shipping_is_inside_the_shipping_price():
    quote = price_order(
        [Line("MUG", 4800, 1)],
        discount=TEN_PERCENT,
        shipping_method=FLAT_495,
        tax_rate=VAT_DE,
        prices_include_tax=True,
    )
    assert quote.shipping_tax == 79  # 495 * 1900 / 11900 = 79.03
    assert quote.totals.shipping == 495
    assert quote.totals.tax == 690 + 79
    assert quote.totals.total == 4320 + 495  # tax is inside the prices, not added


def test_exclusive_tax_is_added_per_line_on_the_discounted_amount_and_on_shipping():
    lines = [Line("A", 1000, 1), Line("B", 333, 3)]  # 1000 + 999 = 1999
    shipping = ShippingMethod(id=2, zone="US", name="Ground", kind="flat", rate=500, free_over=2000)
    quote = price_order(
        lines,
        discount=TEN_PERCENT,
        shipping_method=shipping,
        tax_rate=TaxRate("US", "CA", 825, "Sales tax"),
        prices_include_tax=False,
    )
    # 10% of 1999 = 199.9 → 200, split [100, 100] (100.05 and 99.95 by largest remainder).
    # Line taxes: 900 * 8.25% = 74.25 → 74; 899 * 8.25% = 74.17 → 74.
    # Merchandise 1799 is under free_over 2000, so shipping 500 with tax 41.25 → 41.
    assert quote.lines == (
        PricedLine(lines[0], discount=100, tax=74),
        PricedLine(lines[1], discount=100, tax=74),
    )
    assert quote.shipping_tax == 41
    assert quote.totals == Totals(
        subtotal=1999,
        discount=200,
        shipping=500,
        tax=189,
        total=1799 + 500 + 189,
        prices_include_tax=False,
        tax_label="Sales tax",
    )


def test_tax_is_rounded_per_line_not_on_the_order():
    # Each line's tax is 0.5 → 1, so the order's tax is 2 (not round(1.0) = 1).
    quote = price_order(
        [Line("A", 5, 1), Line("B", 5, 1)],
        discount=None,
        shipping_method=None,
        tax_rate=TaxRate("XX", "", 1000),
        prices_include_tax=False,
    )
    assert [p.tax for p in quote.lines] == [1, 1]
    assert quote.totals.tax == 2
    assert quote.totals.total == 12


def test_discount_is_capped_at_the_subtotal_and_shipping_still_charged():
    lines = [Line("A", 1000, 1), Line("B", 2000, 1)]
    quote = price_order(
        lines,
        discount=Discount(id=3, code="BIG", kind="fixed", value=5000),
        shipping_method=FLAT_495,
        tax_rate=TaxRate("XX", "", 2000),
        prices_include_tax=False,
    )
    assert [p.discount for p in quote.lines] == [1000, 2000]
    assert [p.tax for p in quote.lines] == [0, 0]
    assert quote.shipping_tax == 99  # 495 * 20% = 99
    assert quote.totals.discount == 3000
    assert quote.totals.total == 0 + 495 + 99


def test_fixed_discount_is_spread_over_lines_by_subtotal():
    lines = [Line("A", 100, 1), Line("B", 100, 1), Line("C", 100, 1)]
    quote = price_order(
        lines,
        discount=Discount(id=4, code="TEN", kind="fixed", value=10),
        shipping_method=None,
        tax_rate=None,
        prices_include_tax=True,
    )
    assert [p.discount for p in quote.lines] == [4, 3, 3]
    assert quote.totals.discount == 10
    assert quote.totals.total == 290


def test_quantity_multiplies_the_unit_price():
    quote = price_order(
        [Line("A", 1250, 4), Line("B", 99, 3)],
        discount=None,
        shipping_method=None,
        tax_rate=None,
        prices_include_tax=True,
    )
    assert quote.totals.subtotal == 5000 + 297
    assert quote.totals.total == 5297


def test_free_shipping_code_takes_nothing_off_merchandise():
    quote = price_order(
        [Line("A", 2000, 1)],
        discount=Discount(id=5, code="SHIP", kind="free_shipping", value=0),
        shipping_method=FLAT_495,
        tax_rate=VAT_DE,
        prices_include_tax=True,
    )
    assert quote.totals.discount == 0
    assert quote.totals.shipping == 0
    assert quote.shipping_tax == 0
    assert quote.totals.tax == 319  # 2000 * 1900 / 11900 = 319.33
    assert quote.totals.total == 2000


def test_without_a_tax_rate_tax_is_zero_and_labelled_tax():
    quote = price_order(
        [Line("A", 2000, 1)],
        discount=None,
        shipping_method=FLAT_495,
        tax_rate=None,
        prices_include_tax=False,
    )
    assert quote.totals.tax == 0
    assert quote.totals.tax_label == "Tax"
    assert quote.totals.total == 2495


def test_empty_cart_without_shipping_costs_nothing():
    quote = price_order(
        [], discount=TEN_PERCENT, shipping_method=None, tax_rate=VAT_DE, prices_include_tax=True
    )
    assert quote == Quote((), Totals(0, 0, 0, 0, 0, True, "VAT"), 0)


def test_totals_as_json():
    totals = Totals(4800, 480, 495, 769, 4815, True, "VAT")
    assert totals.as_json() == {
        "subtotal": 4800,
        "discount": 480,
        "shipping": 495,
        "tax": 769,
        "total": 4815,
        "prices_include_tax": True,
        "tax_label": "VAT",
    }


# --- properties over random carts --------------------------------------------------------

line_specs = st.lists(
    st.tuples(
        st.integers(0, 100_000),  # unit price
        st.integers(1, 50),  # quantity
        st.integers(0, 5_000),  # grams per unit
    ),
    min_size=1,
    max_size=8,
)


def lines_of(specs) -> list[Line]:
    return [Line(f"SKU-{i}", p, q, w) for i, (p, q, w) in enumerate(specs)]


carts = line_specs.map(lines_of)

discounts = st.one_of(
    st.none(),
    st.builds(Discount, id=st.just(1), code=st.just("P"), kind=st.just("percent"),
              value=st.integers(1, 100)),
    st.builds(Discount, id=st.just(2), code=st.just("F"), kind=st.just("fixed"),
              value=st.integers(1, 5_000_000)),
    st.just(Discount(id=3, code="S", kind="free_shipping", value=0)),
)  # fmt: skip

free_over = st.one_of(st.none(), st.integers(0, 1_000_000))
ascending_tiers = st.lists(
    st.tuples(st.integers(0, 500_000), st.integers(0, 5_000)),
    max_size=4,
    unique_by=lambda t: t[0],
).map(lambda tiers: tuple(sorted(tiers)))

shipping_methods = st.one_of(
    st.none(),
    st.builds(ShippingMethod, id=st.just(1), zone=st.just("Z"), name=st.just("Flat"),
              kind=st.just("flat"), rate=st.integers(0, 5_000), free_over=free_over),
    st.builds(ShippingMethod, id=st.just(2), zone=st.just("Z"), name=st.just("By value"),
              kind=st.just("subtotal_tiers"), rate=st.integers(0, 5_000), tiers=ascending_tiers,
              free_over=free_over),
    st.builds(ShippingMethod, id=st.just(3), zone=st.just("Z"), name=st.just("By weight"),
              kind=st.just("weight_tiers"), rate=st.integers(0, 5_000), tiers=ascending_tiers,
              free_over=free_over),
)  # fmt: skip

tax_rates = st.one_of(
    st.none(),
    st.builds(TaxRate, country=st.just("XX"), region=st.just(""), rate=st.integers(0, 2700),
              name=st.just("VAT")),
)  # fmt: skip

modes = st.booleans()


def price(lines, discount, method, rate, inclusive) -> Quote:
    return price_order(
        lines,
        discount=discount,
        shipping_method=method,
        tax_rate=rate,
        prices_include_tax=inclusive,
    )


def half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def model(lines, discount, method, rate, inclusive) -> tuple[list[int], tuple[int, ...]]:
    """An independent reading of the rounding rule in server/pricing/__init__.py."""
    subtotal = sum(line.unit_price * line.quantity for line in lines)
    off = 0
    if discount is not None and discount.kind == "percent":
        off = min(subtotal, half_up(Fraction(subtotal * discount.value, 100)))
    elif discount is not None and discount.kind == "fixed":
        off = min(subtotal, discount.value)
    # Largest remainder; earlier lines win ties.
    exact = [Fraction(off * line.subtotal, subtotal) if subtotal else Fraction(0) for line in lines]
    shares = [floor(e) for e in exact]
    by_remainder = sorted(range(len(lines)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: off - sum(shares)]:
        shares[i] += 1
    merchandise = subtotal - off
    shipping = 0
    if method is not None and not (discount is not None and discount.kind == "free_shipping"):
        if method.free_over is not None and merchandise >= method.free_over:
            shipping = 0
        elif method.kind == "flat":
            shipping = method.rate
        else:
            grams = sum(line.weight_grams * line.quantity for line in lines)
            measure = merchandise if method.kind == "subtotal_tiers" else grams
            reached = [p for start, p in method.tiers if start <= measure]
            shipping = reached[-1] if reached else method.rate
    bp = rate.rate if rate else 0
    factor = Fraction(bp, 10_000 + bp) if inclusive else Fraction(bp, 10_000)
    tax = sum(half_up((line.subtotal - s) * factor) for line, s in zip(lines, shares, strict=True))
    tax += half_up(shipping * factor)
    total = merchandise + shipping + (0 if inclusive else tax)
    return shares, (subtotal, off, shipping, tax, total)


@settings(max_examples=200, deadline=None)
@given(carts, discounts, shipping_methods, tax_rates, modes)
def test_quote_invariants(lines, discount, method, rate, inclusive):
    quote = price(lines, discount, method, rate, inclusive)
    t = quote.totals
    amounts = [t.subtotal, t.discount, t.shipping, t.tax, t.total, quote.shipping_tax]
    amounts += [p.discount for p in quote.lines] + [p.tax for p in quote.lines]
    assert all(type(a) is int and a >= 0 for a in amounts)

    assert t.subtotal == sum(line.unit_price * line.quantity for line in lines)
    assert t.discount <= t.subtotal
    assert t.total == t.subtotal - t.discount + t.shipping + (0 if inclusive else t.tax)
    assert sum(p.discount for p in quote.lines) == t.discount
    assert all(p.discount <= p.line.subtotal for p in quote.lines)
    assert t.tax == sum(p.tax for p in quote.lines) + quote.shipping_tax
    assert [p.line for p in quote.lines] == list(lines)
    assert t.prices_include_tax is inclusive
    assert t.tax_label == (rate.name if rate else "Tax")
    if inclusive:
        assert t.tax <= t.total
        assert all(p.tax <= p.line.subtotal - p.discount for p in quote.lines)
        assert quote.shipping_tax <= t.shipping
    if discount is not None and discount.kind == "free_shipping":
        assert t.shipping == 0
        assert t.discount == 0
    if rate is None or rate.rate == 0:
        assert t.tax == 0


@settings(max_examples=200, deadline=None)
@given(carts, discounts, shipping_methods, tax_rates, modes)
def test_quote_matches_an_independent_model_of_the_rounding_rule(
    lines, discount, method, rate, inclusive
):
    quote = price(lines, discount, method, rate, inclusive)
    t = quote.totals
    shares, totals = model(lines, discount, method, rate, inclusive)
    assert [p.discount for p in quote.lines] == shares
    assert (t.subtotal, t.discount, t.shipping, t.tax, t.total) == totals


@settings(max_examples=100, deadline=None)
@given(carts, discounts, shipping_methods, tax_rates, modes)
def test_price_order_is_deterministic(lines, discount, method, rate, inclusive):
    first = price(lines, discount, method, rate, inclusive)
    second = price(list(lines), discount, method, rate, inclusive)
    assert first == second


@settings(max_examples=200, deadline=None)
@given(st.data(), carts, discounts, shipping_methods, tax_rates, modes)
def test_line_order_does_not_change_subtotal_discount_or_shipping(
    data, lines, discount, method, rate, inclusive
):
    shuffled = data.draw(st.permutations(lines))
    a = price(lines, discount, method, rate, inclusive).totals
    b = price(shuffled, discount, method, rate, inclusive)
    assert (b.totals.subtotal, b.totals.discount, b.totals.shipping) == (
        a.subtotal,
        a.discount,
        a.shipping,
    )
    assert sum(p.discount for p in b.lines) == a.discount
    # Line order only decides which of the lines tied on remainder gets a leftover unit of the
    # discount, so each line's share moves by at most 1 and its tax by at most 1.
    assert abs(b.totals.tax - a.tax) <= len(lines)
    if a.discount == 0:  # nothing to allocate: tax is exactly the same
        assert b.totals.tax == a.tax
    if inclusive:  # the total never contains the tax separately
        assert b.totals.total == a.total
    else:
        assert abs(b.totals.total - a.total) <= len(lines)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text("ABCDEFGHJK", min_size=1, max_size=4),
        st.tuples(st.integers(0, 100_000), st.integers(0, 5_000)),
        min_size=1,
        max_size=8,
    ),
    st.data(),
    discounts,
    shipping_methods,
    tax_rates,
    modes,
)
def test_totals_come_from_catalog_prices_and_quantities_only(
    catalog, data, discount, method, rate, inclusive
):
    skus = sorted(catalog)
    picked = data.draw(st.lists(st.sampled_from(skus), min_size=1, max_size=8, unique=True))
    quantities = data.draw(st.lists(st.integers(1, 50), min_size=len(picked), max_size=len(picked)))
    client_prices = st.one_of(st.integers(-(10**9), 10**9), st.none(), st.text(max_size=5))

    def submitted_cart() -> list[dict[str, object]]:
        return [
            {"sku": sku, "quantity": qty, "unit_price": data.draw(client_prices)}
            for sku, qty in zip(picked, quantities, strict=True)
        ]

    def lines_from_catalog(cart) -> list[Line]:
        return [
            Line(item["sku"], catalog[item["sku"]][0], item["quantity"], catalog[item["sku"]][1])
            for item in cart
        ]

    first = price(lines_from_catalog(submitted_cart()), discount, method, rate, inclusive)
    second = price(lines_from_catalog(submitted_cart()), discount, method, rate, inclusive)
    assert first == second
    assert first.totals.subtotal == sum(
        catalog[sku][0] * qty for sku, qty in zip(picked, quantities, strict=True)
    )

    # The SKU string itself plays no part in the price: renaming every line changes nothing.
    renamed = [
        Line(f"other-{i}", line.unit_price, line.quantity, line.weight_grams)
        for i, line in enumerate(lines_from_catalog(submitted_cart()))
    ]
    assert price(renamed, discount, method, rate, inclusive).totals == first.totals


def test_an_empty_cart_is_not_charged_for_shipping():
    from server.pricing.rules import ShippingMethod

    method = ShippingMethod(1, "Ireland", "Standard", "flat", rate=495)
    quote = price_order([], discount=None, shipping_method=method, tax_rate=None,
                        prices_include_tax=True)  # fmt: skip
    assert (quote.totals.shipping, quote.totals.total) == (0, 0)
