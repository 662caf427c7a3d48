"""Money formatting for templates: prices live as integer cents, people read euros."""

from __future__ import annotations


def format_price(minor_units: int) -> str:
    """Format euro cents for display: 2400 -> "€24.00", 129000 -> "€1,290.00"."""
    sign = "-" if minor_units < 0 else ""
    euros, cents = divmod(abs(minor_units), 100)
    return f"{sign}€{euros:,}.{cents:02d}"
