-- Trust badges and honest social proof (issue 12). A store's trust settings: what its badges
-- say that Keepcart cannot know by itself (the return policy the merchant writes, support
-- hours), which badges each placement shows, and the shares of visitors held out to measure
-- them. A store without a row has the defaults (server/trust/model.py). Every badge is shown
-- only while its fact holds; these settings choose, they never assert.
CREATE TABLE trust_settings (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    -- {placement: [kind, ...]}: the badges each placement shows, in order.
    placements TEXT NOT NULL,
    returns_days INTEGER NOT NULL DEFAULT 0 CHECK (returns_days BETWEEN 0 AND 365),
    money_back INTEGER NOT NULL DEFAULT 0 CHECK (money_back IN (0, 1)),
    returns_policy TEXT NOT NULL DEFAULT '',
    support_hours TEXT NOT NULL DEFAULT '',
    badges_holdout INTEGER NOT NULL DEFAULT 0 CHECK (badges_holdout BETWEEN 0 AND 50),
    social_proof INTEGER NOT NULL DEFAULT 0 CHECK (social_proof IN (0, 1)),
    proof_min_buyers INTEGER NOT NULL DEFAULT 5 CHECK (proof_min_buyers BETWEEN 2 AND 1000),
    proof_hours INTEGER NOT NULL DEFAULT 48 CHECK (proof_hours BETWEEN 1 AND 720),
    proof_low_stock INTEGER NOT NULL DEFAULT 5 CHECK (proof_low_stock BETWEEN 0 AND 100),
    proof_holdout INTEGER NOT NULL DEFAULT 0 CHECK (proof_holdout BETWEEN 0 AND 50),
    -- When a holdout share last changed: each element's results count exposures since then
    -- (a visitor's arm follows the share, so exposures before a change measured another test).
    badges_since INTEGER NOT NULL DEFAULT 0,
    proof_since INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

-- A visitor's first exposure to an element (badges, social proof) since the store's
-- measurement began: the arm the server computed (shown or holdout), never the browser's.
CREATE TABLE trust_exposures (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    element TEXT NOT NULL CHECK (element IN ('badges', 'proof')),
    visitor_id TEXT NOT NULL,
    arm TEXT NOT NULL CHECK (arm IN ('shown', 'holdout')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, element, visitor_id)
);

CREATE INDEX trust_exposures_by_time ON trust_exposures (store_id, element, created_at, arm);

-- Social proof counts a product's recent paid orders: order lines by SKU and store.
CREATE INDEX order_items_by_sku ON order_items (sku, order_id);
