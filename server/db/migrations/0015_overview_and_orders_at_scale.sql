-- The overview and the orders list at a grown store (1M events, 100k orders, 200k
-- exposures): what offers brought walked every exposure of the period and looked its
-- visitor's orders up one by one (~2.4 s for 90 days), the status filter had no index, and
-- the email search read every order. Every plan here holds with and without sqlite_stat1.

-- exposures_by_time (campaign_id, created_at, arm) and the covering orders_by_visitor that
-- the overview reads come from the campaign pages' migration 0014.

-- A visitor's exposures by time, with their campaign and arm in the index: the overview
-- meets each attributable order's visitor here without reading the exposure's row. Same
-- leading columns as before, so the order page's "offers seen" still uses it.
DROP INDEX exposures_by_visitor;
CREATE INDEX exposures_by_visitor ON exposures (visitor_id, created_at, campaign_id, arm);

-- The orders list filtered by status (newest first) and its count; the overview's revenue
-- per day reads its two counted statuses here too.
CREATE INDEX orders_by_status ON orders (store_id, status, created_at, total);

-- The orders search: any 3 or more characters of an email address or of the name on the
-- order, any case, from a trigram index kept by the triggers below in the same transaction
-- as the order's own write (whoever writes it).
CREATE VIRTUAL TABLE orders_search USING fts5 (
    email, shipping_name, content = 'orders', content_rowid = 'id', tokenize = 'trigram'
);

INSERT INTO orders_search (rowid, email, shipping_name) SELECT id, email, shipping_name FROM orders;

-- Each trigger body is one line: migrations are split into statements at ";" + newline.
CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_search (rowid, email, shipping_name) VALUES (new.id, new.email, new.shipping_name); END;

CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    INSERT INTO orders_search (orders_search, rowid, email, shipping_name) VALUES ('delete', old.id, old.email, old.shipping_name); END;

CREATE TRIGGER orders_search_update AFTER UPDATE OF email, shipping_name ON orders BEGIN
    INSERT INTO orders_search (orders_search, rowid, email, shipping_name) VALUES ('delete', old.id, old.email, old.shipping_name); INSERT INTO orders_search (rowid, email, shipping_name) VALUES (new.id, new.email, new.shipping_name); END;

-- Visitors first exposed to each campaign on finished local days, counted once and kept,
-- as event_days keeps sessions: an exposure's time is the server's clock when it was
-- recorded, so a day that ended never changes. One row per campaign of the store at the time
-- of counting, zeros included (a campaign made later has no exposure on an earlier day).
CREATE TABLE exposure_days (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    timezone TEXT NOT NULL,
    day TEXT NOT NULL,                  -- ISO date in that timezone
    visitors INTEGER NOT NULL,          -- first exposed that day, every arm
    held INTEGER NOT NULL,              -- of them, in the holdout
    PRIMARY KEY (campaign_id, timezone, day)
) WITHOUT ROWID
