-- foreign_keys: off
-- Exit-intent offers: campaigns and their variants, exposures for honest A/B results, and
-- claimed coupons, which are rows of `discounts` (one system with typed discount codes).
-- `discounts` is rebuilt (SQLite's documented procedure) to allow kind 'free_gift' and to
-- bind an offer's coupon to its campaign, arm, visitor and cart.

ALTER TABLE stores ADD COLUMN attribution_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE stores ADD COLUMN interruptions_per_week INTEGER NOT NULL DEFAULT 2;

-- trigger, targeting and frequency are JSON objects; server/offers/model.py is their schema.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,  -- cmp_…
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'paused', 'ended')),
    starts_at INTEGER,
    ends_at INTEGER,
    trigger TEXT NOT NULL,
    targeting TEXT NOT NULL,
    frequency TEXT NOT NULL,
    holdout_percent INTEGER NOT NULL DEFAULT 10 CHECK (holdout_percent BETWEEN 0 AND 90),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX campaigns_by_store ON campaigns (store_id, status);

-- One arm of the experiment: its own copy, look and offer (JSON, see model.py).
CREATE TABLE campaign_variants (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    key TEXT NOT NULL,  -- 'A', 'B', …
    weight INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    headline TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    button_text TEXT NOT NULL,
    image_url TEXT NOT NULL DEFAULT '',
    brand_colour TEXT NOT NULL DEFAULT '#1f6f5c',
    offer TEXT NOT NULL,
    UNIQUE (campaign_id, key)
);

-- A visitor's first exposure to a campaign: when its trigger fired (for the holdout: when the
-- offer would have shown). Conversions are attributed from here.
CREATE TABLE exposures (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL,
    arm TEXT NOT NULL,
    signal TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, visitor_id)
);

-- Consent given with "email me my cart": the exact wording the shopper agreed to.
CREATE TABLE email_consents (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    cart_id INTEGER REFERENCES carts (id) ON DELETE SET NULL,
    email TEXT NOT NULL,
    wording TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE discounts_rebuilt (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('percent', 'fixed', 'free_shipping', 'free_gift')),
    value INTEGER NOT NULL DEFAULT 0 CHECK (value >= 0),
    min_subtotal INTEGER NOT NULL DEFAULT 0 CHECK (min_subtotal >= 0),
    starts_at INTEGER,
    expires_at INTEGER,
    usage_limit INTEGER CHECK (usage_limit IS NULL OR usage_limit >= 0),
    times_used INTEGER NOT NULL DEFAULT 0,
    once_per_email INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    -- Set on coupons claimed from an offer; NULL on codes the merchant typed in.
    campaign_id INTEGER REFERENCES campaigns (id) ON DELETE SET NULL,
    arm TEXT,
    visitor_id TEXT,
    cart_id INTEGER REFERENCES carts (id) ON DELETE SET NULL,
    gift_product_id INTEGER REFERENCES products (id),
    UNIQUE (store_id, code),
    CHECK (usage_limit IS NULL OR times_used <= usage_limit),
    CHECK (kind != 'free_gift' OR gift_product_id IS NOT NULL)
);

INSERT INTO discounts_rebuilt (id, store_id, code, kind, value, min_subtotal, starts_at,
    expires_at, usage_limit, times_used, once_per_email, active, created_at)
SELECT id, store_id, code, kind, value, min_subtotal, starts_at, expires_at, usage_limit,
    times_used, once_per_email, active, created_at
FROM discounts;

DROP TABLE discounts;

ALTER TABLE discounts_rebuilt RENAME TO discounts;

CREATE INDEX discounts_by_campaign ON discounts (campaign_id, visitor_id);

-- Who placed the order, for attributing it to an offer's exposure.
ALTER TABLE orders ADD COLUMN visitor_id TEXT;

CREATE INDEX orders_by_visitor ON orders (store_id, visitor_id, created_at)
