-- foreign_keys: off
-- Reviews, after their read-only review (issue 12).

-- "Helpful" votes: one per review and visitor id, and one per review and client address. The
-- address is kept only as a keyed hash of the store and the address (HMAC under the app's
-- secret, server.security Purpose.HELPFUL_VOTER), never as itself; NULL on older votes.
ALTER TABLE review_votes ADD COLUMN address TEXT;

CREATE UNIQUE INDEX review_votes_one_per_address ON review_votes (review_id, address);

-- An address's votes of the last day (its daily cap).
CREATE INDEX review_votes_by_address ON review_votes (address, created_at);

-- Each import of a CSV file, so that the merchant can see and undo it: when, which file, from
-- which platform, how many reviews, by whom, and when it was removed and by whom.
CREATE TABLE review_imports (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL DEFAULT '' CHECK (length(file_name) <= 255),
    platform TEXT NOT NULL DEFAULT 'another platform' CHECK (length(platform) BETWEEN 1 AND 60),
    imported INTEGER NOT NULL CHECK (imported >= 0),
    user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    removed_at INTEGER,
    removed_by INTEGER REFERENCES users (id)
);

CREATE INDEX review_imports_by_store ON review_imports (store_id, id);

-- Reviews imported before imports were kept: one import per store holding them all, dated by
-- the last of their "import" log entries.
INSERT INTO review_imports (store_id, imported, created_at)
SELECT r.store_id, count(*), coalesce((SELECT max(m.created_at) FROM review_moderation m
    WHERE m.store_id = r.store_id AND m.action = 'import'), 0)
FROM reviews r WHERE r.source = 'imported' GROUP BY r.store_id;

-- The reviews table is rebuilt (SQLite changes a CHECK only so: its documented procedure,
-- foreign keys off), and its moderation log after it:
-- * The hide reason "about the shop or the delivery, not the product" was too broad: 16 CFR
--   465.7 lets a shop leave out only reviews wholly unrelated to the products or services it
--   offers, so the reason offered now is 'different_product' (a different product or
--   service). 'not_about_product' stays a value the tables hold: reviews hidden for it
--   before keep it, and read as what it was.
-- * An imported review names its import (NULL only for rows written outside an import).
-- * A review removed at its writer's request ('removed') keeps its rating, product and date
--   for the counts, and nothing it said: its title, text, name and the shop's reply are
--   erased, which the CHECKs hold to.
CREATE TABLE reviews_rebuilt (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,                 -- rev_…
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    source TEXT NOT NULL CHECK (source IN ('order', 'imported')),
    order_id INTEGER,                               -- with product_id: the order line
    import_id INTEGER REFERENCES review_imports (id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 120),
    body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 5000),
    display_name TEXT NOT NULL CHECK (length(display_name) <= 60),
    status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'hidden', 'removed')),
    hidden_reason TEXT CHECK (hidden_reason IN ('personal_data', 'abusive', 'off_topic',
        'different_product', 'not_about_product')),
    helpful INTEGER NOT NULL DEFAULT 0 CHECK (helpful >= 0),  -- rows of review_votes, kept
    reply TEXT CHECK (length(reply) BETWEEN 1 AND 2000),
    reply_at INTEGER,
    created_at INTEGER NOT NULL,                    -- an imported review: its original date
    UNIQUE (order_id, product_id),
    FOREIGN KEY (order_id, product_id) REFERENCES order_items (order_id, product_id) ON DELETE CASCADE,
    CHECK ((source = 'order') = (order_id IS NOT NULL)),
    CHECK (source = 'imported' OR import_id IS NULL),
    CHECK ((status = 'hidden') = (hidden_reason IS NOT NULL)),
    CHECK ((reply IS NULL) = (reply_at IS NULL)),
    CHECK (status = 'removed' OR length(display_name) >= 1),
    CHECK (status <> 'removed' OR (title = '' AND body = '' AND display_name = ''
        AND reply IS NULL AND helpful = 0))
);

INSERT INTO reviews_rebuilt (id, public_id, store_id, product_id, source, order_id,
    import_id, rating, title, body, display_name, status, hidden_reason, helpful, reply,
    reply_at, created_at)
SELECT id, public_id, store_id, product_id, source, order_id,
    CASE source WHEN 'imported' THEN
        (SELECT i.id FROM review_imports i WHERE i.store_id = reviews.store_id) END,
    rating, title, body, display_name, status, hidden_reason, helpful, reply, reply_at,
    created_at
FROM reviews;

DROP TABLE reviews;

ALTER TABLE reviews_rebuilt RENAME TO reviews;

CREATE INDEX reviews_by_product ON reviews (product_id, status, created_at);

CREATE INDEX reviews_by_store ON reviews (store_id, created_at);

CREATE INDEX reviews_by_import ON reviews (import_id) WHERE import_id IS NOT NULL;

-- The moderation log keeps every entry: a review removed with its import leaves its entries
-- (review_id NULL), and the import's removal is an entry of its own (import_id). Removal at
-- the writer's request is an entry apart from any hide, its note kept in detail.

CREATE TABLE review_moderation_rebuilt (
    id INTEGER PRIMARY KEY,
    review_id INTEGER REFERENCES reviews (id) ON DELETE SET NULL,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    import_id INTEGER REFERENCES review_imports (id),
    action TEXT NOT NULL CHECK (action IN ('publish', 'import', 'hide', 'unhide', 'reply',
        'remove_reply', 'remove_on_request', 'remove_import')),
    reason TEXT CHECK (reason IN ('personal_data', 'abusive', 'off_topic', 'different_product',
        'not_about_product')),
    detail TEXT NOT NULL DEFAULT '',                -- a reply's text; a removal's note
    user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    CHECK ((action = 'hide') = (reason IS NOT NULL)),
    CHECK (action <> 'remove_import' OR import_id IS NOT NULL)
);

INSERT INTO review_moderation_rebuilt (id, review_id, store_id, import_id, action, reason,
    detail, user_id, created_at)
SELECT id, review_id, store_id,
    CASE action WHEN 'import' THEN (SELECT r.import_id FROM reviews r WHERE r.id = review_id) END,
    action, reason, detail, user_id, created_at
FROM review_moderation;

DROP TABLE review_moderation;

ALTER TABLE review_moderation_rebuilt RENAME TO review_moderation;

CREATE INDEX review_moderation_by_review ON review_moderation (review_id, id);

CREATE INDEX review_moderation_by_store ON review_moderation (store_id, id);

-- Each time a member had a line's review link shown in the admin (to send it to the buyer):
-- a review later written through that line's link is marked so in its publish entry, since
-- whoever saw the link could have written it.
CREATE TABLE review_link_reveals (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    FOREIGN KEY (order_id, product_id) REFERENCES order_items (order_id, product_id) ON DELETE CASCADE
);

CREATE INDEX review_link_reveals_by_line ON review_link_reveals (order_id, product_id, id)
