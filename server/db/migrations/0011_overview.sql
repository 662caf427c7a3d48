-- The store overview (/admin/stores/{id}) reads figures over ranges of days, within the
-- admin page budget at 1M events and 100k orders: indexed range queries, no full scans.

-- Revenue and order counts per day come from the index alone (status and total are in it),
-- never from a lookup of each order's row. Same leading columns as before: the order list's
-- queries use it as they did.
DROP INDEX orders_by_store_time;
CREATE INDEX orders_by_store_time ON orders (store_id, created_at, status, total);

-- A campaign's exposures in a range of time (what offers brought in a chosen period).
CREATE INDEX exposures_by_time ON exposures (campaign_id, created_at);

-- Session counts of finished local days, counted once from the event log and kept.
-- An event's day is the store's local day of its received_at, which is the server's clock at
-- arrival, so a day that ended (with a margin for commits in flight) never changes. Only
-- counts are kept, no visitor or session ids. Keyed by the timezone the days are local to.
CREATE TABLE event_days (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    timezone TEXT NOT NULL,
    day TEXT NOT NULL,                         -- ISO date in that timezone
    sessions INTEGER NOT NULL,                 -- distinct session ids with a pageview
    product_view_sessions INTEGER NOT NULL,    -- … with a `product_view` event
    cart_sessions INTEGER NOT NULL,            -- … with a `cart_add` event
    checkout_sessions INTEGER NOT NULL,        -- … with a `checkout_start` event
    page_views INTEGER NOT NULL,
    PRIMARY KEY (store_id, timezone, day)
)
