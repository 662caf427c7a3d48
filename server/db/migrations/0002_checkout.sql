-- Catalog, carts, discounts, shipping, taxes, orders and idempotency for the one-page
-- checkout. Money columns are integer minor units in the store's currency.

ALTER TABLE stores ADD COLUMN country TEXT NOT NULL DEFAULT 'US';
ALTER TABLE stores ADD COLUMN prices_include_tax INTEGER NOT NULL DEFAULT 1;
ALTER TABLE stores ADD COLUMN phone_required INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stores ADD COLUMN payment_methods TEXT NOT NULL DEFAULT 'test_card';
ALTER TABLE stores ADD COLUMN bank_instructions TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN cod_instructions TEXT NOT NULL DEFAULT '';
ALTER TABLE stores ADD COLUMN next_order_number INTEGER NOT NULL DEFAULT 1001;

-- One row per sellable SKU. SKUs sharing a product_group are variants of one product.
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    sku TEXT NOT NULL,
    product_group TEXT NOT NULL,
    name TEXT NOT NULL,
    variant TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    price INTEGER NOT NULL CHECK (price >= 0),
    compare_at_price INTEGER CHECK (compare_at_price IS NULL OR compare_at_price >= 0),
    image_url TEXT NOT NULL DEFAULT '',
    weight_grams INTEGER NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
    track_stock INTEGER NOT NULL DEFAULT 0,
    stock INTEGER NOT NULL DEFAULT 0,
    allow_oversell INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (store_id, sku),
    CHECK (track_stock = 0 OR allow_oversell = 1 OR stock >= 0)
);

CREATE INDEX products_by_group ON products (store_id, product_group);

CREATE TABLE carts (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    discount_code TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'ordered')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE cart_items (
    cart_id INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 999),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

-- Discount codes typed by shoppers; later also single-use coupons from offers.
CREATE TABLE discounts (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed', 'free_shipping')),
    value INTEGER NOT NULL DEFAULT 0 CHECK (value >= 0),
    min_subtotal INTEGER NOT NULL DEFAULT 0 CHECK (min_subtotal >= 0),
    starts_at INTEGER,
    expires_at INTEGER,
    usage_limit INTEGER CHECK (usage_limit IS NULL OR usage_limit >= 0),
    times_used INTEGER NOT NULL DEFAULT 0,
    once_per_email INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    UNIQUE (store_id, code),
    CHECK (usage_limit IS NULL OR times_used <= usage_limit)
);

CREATE TABLE shipping_zones (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    countries TEXT NOT NULL  -- space-separated ISO 3166 codes, or '*' for everywhere else
);

-- kind: flat (rate), subtotal_tiers or weight_tiers (tiers: JSON [[from, price], …]).
CREATE TABLE shipping_methods (
    id INTEGER PRIMARY KEY,
    zone_id INTEGER NOT NULL REFERENCES shipping_zones (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('flat', 'subtotal_tiers', 'weight_tiers')),
    rate INTEGER NOT NULL DEFAULT 0 CHECK (rate >= 0),
    tiers TEXT NOT NULL DEFAULT '[]',
    free_over INTEGER CHECK (free_over IS NULL OR free_over >= 0),
    min_days INTEGER NOT NULL CHECK (min_days >= 0),
    max_days INTEGER NOT NULL CHECK (max_days >= min_days),
    position INTEGER NOT NULL DEFAULT 0
);

-- rate in basis points (2100 = 21%); region '' is the country's default rate.
CREATE TABLE tax_rates (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    rate INTEGER NOT NULL CHECK (rate BETWEEN 0 AND 10000),
    name TEXT NOT NULL DEFAULT 'Tax',
    UNIQUE (store_id, country, region)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    cart_id INTEGER REFERENCES carts (id),
    status TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'paid', 'fulfilled', 'refunded')),
    email TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    shipping_name TEXT NOT NULL,
    shipping_address TEXT NOT NULL,  -- JSON object, as validated
    shipping_method TEXT NOT NULL,
    delivery_from TEXT NOT NULL,     -- ISO dates in the store's timezone
    delivery_to TEXT NOT NULL,
    currency TEXT NOT NULL,
    prices_include_tax INTEGER NOT NULL,
    subtotal INTEGER NOT NULL,
    discount_total INTEGER NOT NULL,
    shipping_total INTEGER NOT NULL,
    tax_total INTEGER NOT NULL,
    total INTEGER NOT NULL,
    discount_code TEXT,
    payment_method TEXT NOT NULL,
    card_brand TEXT,
    card_last4 TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (store_id, number)
);

CREATE INDEX orders_by_store_time ON orders (store_id, created_at);
CREATE INDEX orders_by_email ON orders (store_id, email);

CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    variant TEXT NOT NULL,
    unit_price INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    subtotal INTEGER NOT NULL,
    discount INTEGER NOT NULL,
    tax INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE TABLE discount_redemptions (
    discount_id INTEGER NOT NULL REFERENCES discounts (id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    amount INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (discount_id, order_id)
);

CREATE INDEX redemptions_by_email ON discount_redemptions (discount_id, email);

-- A successful checkout's answer, replayed for a retry with the same key and payload.
CREATE TABLE idempotency_keys (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    response TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, key)
);

CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

ALTER TABLE stores ADD COLUMN floating_cart_button INTEGER NOT NULL DEFAULT 0
