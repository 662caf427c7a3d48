"""Pricing: pure functions from a cart and the store's rules to what the shopper pays.

Rounding rule. Money is an integer number of minor units. Every division (a percentage, a
tax) rounds half up to the minor unit. A whole-order amount that belongs to lines (a
discount) is spread over the lines in proportion to their subtotals by the largest-remainder
method, so the parts always add up to the whole. Tax is computed per line on the line's
discounted amount, and once on shipping, at the destination's rate; the order's tax is the
sum of those. With tax-inclusive prices the tax is the part of the price that is tax,
``amount * rate / (1 + rate)``; with tax-exclusive prices it is added, ``amount * rate``.
"""
