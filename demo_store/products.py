"""The Fernhill Goods catalogue: a fixed, in-memory list of products.

SKUs are the contract with Keepcart's checkout (they are what `data-keepcart-add`
sends), so they must stay stable and unique. Change names, copy and prices freely;
never rename a SKU that a store may already have sold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

CURRENCY = "EUR"


class Variant(NamedTuple):
    """One purchasable option of a product (a size, a grind...).

    A NamedTuple so it is a plain `(sku, label)` pair that also unpacks:
    `for sku, label in product.variants`.
    """

    sku: str
    label: str


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    slug: str
    name: str
    tagline: str
    description: str
    price: int  # minor units (cents), in CURRENCY
    compare_at_price: int | None  # original price when on sale, else None
    image: str  # filename under static/products/
    weight_grams: int
    category: str
    variants: tuple[Variant, ...] = ()
    # What the variants differ by ("Size", "Grind"); the label of the variant picker.
    option_name: str = "Option"
    # Alt text for the product image, for people who cannot see it.
    image_alt: str = ""

    @property
    def default_sku(self) -> str:
        """The SKU an add-to-cart button starts with: the first variant's, if any."""
        return self.variants[0].sku if self.variants else self.sku

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


PRODUCTS: tuple[Product, ...] = (
    Product(
        sku="FH-POUR-01",
        slug="ceramic-pour-over",
        name="Ceramic Pour-Over Dripper",
        tagline="Slow coffee, made simply.",
        description=(
            "Wheel-thrown in our studio from speckled stoneware, this single-cup dripper "
            "has spiral ribs that keep the filter from sticking, so water flows evenly "
            "through the grounds. Fits standard No. 2 paper filters and sits steadily on "
            "most mugs and carafes. Glazed inside, left raw at the base."
        ),
        price=3200,
        compare_at_price=None,
        image="pour-over.svg",
        image_alt="Speckled cream ceramic pour-over dripper resting on a terracotta mug",
        weight_grams=420,
        category="Coffee",
    ),
    Product(
        sku="FH-MUG-01",
        slug="stoneware-mug",
        name="Stoneware Mug",
        tagline="A generous 350 ml, with a thumb rest.",
        description=(
            "Our everyday mug, dipped by hand in a soft sage glaze that breaks to warm "
            "brown at the rim. The wide handle fits three fingers, and a small thumb rest "
            "makes it easy to hold on a slow morning. Dishwasher and microwave safe."
        ),
        price=2400,
        compare_at_price=None,
        image="mug.svg",
        image_alt="Sage green stoneware mug with a brown rim and a thumb rest on the handle",
        weight_grams=380,
        category="Kitchen",
    ),
    Product(
        sku="FH-APR-01",
        slug="linen-apron",
        name="Linen Cross-Back Apron",
        tagline="Stonewashed linen that softens with every wash.",
        description=(
            "Cut from heavyweight European linen and stonewashed for a lived-in feel from "
            "the first wear. The cross-back straps spread the weight across your shoulders "
            "and there is no neck tie to tug. Two deep front pockets hold a phone, a "
            "thermometer or a notebook."
        ),
        price=4800,
        compare_at_price=5600,
        image="apron.svg",
        image_alt="Olive linen cross-back apron with two front pockets, hanging on a peg",
        weight_grams=310,
        category="Textiles",
        variants=(
            Variant(sku="FH-APR-S", label="Small"),
            Variant(sku="FH-APR-M", label="Medium"),
            Variant(sku="FH-APR-L", label="Large"),
        ),
        option_name="Size",
    ),
    Product(
        sku="FH-CNDL-01",
        slug="beeswax-candle",
        name="Beeswax Pillar Candle",
        tagline="Honey-scented, 40 hours of clean light.",
        description=(
            "Poured from pure beeswax collected by a small apiary two valleys over. "
            "Beeswax burns slowly and cleanly with a warm, golden flame and a faint scent "
            "of honey. Cotton wick, no added fragrance or dyes. Trim the wick to 5 mm "
            "before each burn."
        ),
        price=1800,
        compare_at_price=None,
        image="candle.svg",
        image_alt="Lit honey-coloured beeswax pillar candle on a small ceramic dish",
        weight_grams=450,
        category="Home",
    ),
    Product(
        sku="FH-COF-01",
        slug="fernhill-house-blend",
        name="Fernhill House Blend, 250 g",
        tagline="Chocolate, hazelnut and a hint of plum.",
        description=(
            "A medium roast of washed Colombian and natural Ethiopian beans, roasted in "
            "small batches every Tuesday and shipped within two days. Sweet and rounded "
            "as a pour-over, rich enough for espresso. Choose whole beans, or tell us how "
            "you brew and we will grind it for you."
        ),
        price=1450,
        compare_at_price=None,
        image="coffee.svg",
        image_alt="Kraft paper bag of Fernhill House Blend coffee with a few loose beans",
        weight_grams=270,
        category="Coffee",
        variants=(
            Variant(sku="FH-COF-WB", label="Whole bean"),
            Variant(sku="FH-COF-FLT", label="Ground for filter"),
            Variant(sku="FH-COF-ESP", label="Ground for espresso"),
        ),
        option_name="Grind",
    ),
    Product(
        sku="FH-BRD-01",
        slug="oak-serving-board",
        name="Oak Serving Board",
        tagline="Solid European oak, oiled by hand.",
        description=(
            "Made from a single piece of FSC-certified oak, finished with food-safe "
            "linseed oil and a leather hanging loop. Big enough for bread, cheese and "
            "a few olives; handsome enough to leave out on the counter. Wash by hand and "
            "re-oil now and then."
        ),
        price=5900,
        compare_at_price=6900,
        image="board.svg",
        image_alt="Oak serving board with a leather loop, a wedge of cheese and olives",
        weight_grams=1350,
        category="Kitchen",
    ),
    Product(
        sku="FH-THR-01",
        slug="wool-throw",
        name="Lambswool Throw",
        tagline="Woven herringbone, 130 \N{MULTIPLICATION SIGN} 180 cm.",
        description=(
            "Woven on a century-old loom from soft lambswool in a classic herringbone "
            "pattern, with hand-knotted fringes. Warm without weight, it is the blanket "
            "everyone reaches for on the sofa. Dry clean, or air it outside on a crisp day."
        ),
        price=12900,
        compare_at_price=None,
        image="throw.svg",
        image_alt="Folded oatmeal herringbone wool throw with rust stripes and fringed edges",
        weight_grams=1100,
        category="Textiles",
    ),
    Product(
        sku="FH-KTL-01",
        slug="enamel-kettle",
        name="Enamel Stovetop Kettle",
        tagline="1.5 litres, works on every hob.",
        description=(
            "A classic enamel-on-steel kettle with a beech handle that stays cool and a "
            "gentle whistle that tells you when the water is ready. Suitable for gas, "
            "electric and induction hobs. Holds enough for a full pot of tea or two "
            "pour-overs."
        ),
        price=6400,
        compare_at_price=None,
        image="kettle.svg",
        image_alt="Cream enamel stovetop kettle with a navy rim and a beech handle",
        weight_grams=1250,
        category="Kitchen",
    ),
    Product(
        sku="FH-TWL-03",
        slug="tea-towel-set",
        name="Striped Tea Towels, Set of 3",
        tagline="Cotton-linen, absorbent from day one.",
        description=(
            "Three towels in a cotton and linen blend, woven with a simple stripe in "
            "terracotta, sage and indigo. Linen dries glasses without lint, cotton makes "
            "them soft and thirsty. Each one has a loop for hanging. "
            "50 \N{MULTIPLICATION SIGN} 70 cm."
        ),
        price=2200,
        compare_at_price=None,
        image="tea-towels.svg",
        image_alt="Three striped tea towels in terracotta, sage and indigo on a rail",
        weight_grams=240,
        category="Textiles",
    ),
    Product(
        sku="FH-NTB-01",
        slug="field-notebook",
        name="Cloth-Bound Notebook",
        tagline="A5, 192 dotted pages that lie flat.",
        description=(
            "Bound in forest-green book cloth with a lay-flat sewn spine, so every page "
            "opens fully. The 100 gsm cream paper takes fountain pen without bleeding. "
            "Numbered pages, two ribbon markers and a pocket inside the back cover."
        ),
        price=1600,
        compare_at_price=1900,
        image="notebook.svg",
        image_alt="Forest green cloth-bound notebook with ribbon markers, beside a pencil",
        weight_grams=330,
        category="Stationery",
    ),
)

_PRODUCTS_BY_SLUG: dict[str, Product] = {product.slug: product for product in PRODUCTS}


def find_product(slug: str) -> Product | None:
    return _PRODUCTS_BY_SLUG.get(slug)
