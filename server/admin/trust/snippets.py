"""The markup a merchant pastes for the inline badge placements, and the one CSS line that
reserves their room so nothing on the page moves when the badges arrive.

The attribute names are the widget's contract (``data-keepcart-badges``, ``data-keepcart-sku``:
widget/README.md, ``BADGE_MOUNTS`` in server/routes/stores.py). The cart drawer and checkout
are Keepcart's own: it draws their badges itself, so there is nothing to paste for them.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.trust.model import PLACEMENT_LABELS

# The room a mount keeps for its badges. A placeholder until widget/README.md documents the
# height the badges chunk renders into (the badges work lands it); keep the two the same.
RESERVE_CSS = "[data-keepcart-badges]{display:block;min-height:40px}"  # widget/README.md
DRAWN_BY_KEEPCART = ("drawer", "checkout")


@dataclass(frozen=True)
class Snippet:
    id: str  # the element the copy button copies
    label: str
    markup: str
    hint: str


def inline_snippets() -> list[Snippet]:
    return [
        Snippet(
            id="badges-product",
            label=PLACEMENT_LABELS["product"],
            markup='<div data-keepcart-badges="product" data-keepcart-sku="YOUR-SKU"></div>',
            hint="Near the add-to-cart button of each product page, with YOUR-SKU replaced by"
            " the product's SKU (social proof counts that product's orders and stock).",
        ),
        Snippet(
            id="badges-footer",
            label=PLACEMENT_LABELS["footer"],
            markup='<div data-keepcart-badges="footer"></div>',
            hint="In your theme's footer, so it is on every page.",
        ),
        Snippet(
            id="badges-css",
            label="CSS that keeps their room",
            markup=RESERVE_CSS,
            hint="In your shop's stylesheet: each mount keeps its height while the badges load,"
            " so nothing on the page moves.",
        ),
    ]
