-- foreign_keys: off
-- Reviews, after their second read-only review (issue 12).

-- A review removed at its writer's request keeps no rating either: the counts need only how
-- many were removed, and a rating is part of what its writer said. The reviews table is
-- rebuilt (SQLite changes NOT NULL and a CHECK only so), removed reviews' ratings dropped.
CREATE TABLE reviews_rebuilt (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,                 -- rev_…
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    source TEXT NOT NULL CHECK (source IN ('order', 'imported')),
    order_id INTEGER,                               -- with product_id: the order line
    import_id INTEGER REFERENCES review_imports (id),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),  -- NULL once removed at the writer's request
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
    CHECK ((status = 'removed') = (rating IS NULL)),
    CHECK (status = 'removed' OR length(display_name) >= 1),
    CHECK (status <> 'removed' OR (title = '' AND body = '' AND display_name = ''
        AND reply IS NULL AND helpful = 0))
);

INSERT INTO reviews_rebuilt (id, public_id, store_id, product_id, source, order_id,
    import_id, rating, title, body, display_name, status, hidden_reason, helpful, reply,
    reply_at, created_at)
SELECT id, public_id, store_id, product_id, source, order_id, import_id,
    CASE status WHEN 'removed' THEN NULL ELSE rating END,
    title, body, display_name, status, hidden_reason, helpful, reply, reply_at, created_at
FROM reviews;

DROP TABLE reviews;

ALTER TABLE reviews_rebuilt RENAME TO reviews;

CREATE INDEX reviews_by_product ON reviews (product_id, status, created_at);

CREATE INDEX reviews_by_store ON reviews (store_id, created_at);

CREATE INDEX reviews_by_import ON reviews (import_id) WHERE import_id IS NOT NULL;

-- The customer's receipt link, shown in the admin, carries every line's review link (and
-- never expires): showing it is recorded too, for the whole order (product_id NULL).
CREATE TABLE review_link_reveals_rebuilt (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id INTEGER,                             -- NULL: the receipt link, every line
    user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    FOREIGN KEY (order_id, product_id) REFERENCES order_items (order_id, product_id) ON DELETE CASCADE
);

INSERT INTO review_link_reveals_rebuilt (id, store_id, order_id, product_id, user_id, created_at)
SELECT id, store_id, order_id, product_id, user_id, created_at FROM review_link_reveals;

DROP TABLE review_link_reveals;

ALTER TABLE review_link_reveals_rebuilt RENAME TO review_link_reveals;

CREATE INDEX review_link_reveals_by_line ON review_link_reveals (order_id, product_id, id);

-- An imported review removed at its writer's request leaves a keyed hash (HMAC under the
-- app's secret, server.security Purpose.REMOVED_REVIEW) of what makes a row of a file that
-- review (store, product, rating, words, name, date), never the words themselves: importing
-- the same file again leaves that row out.
CREATE TABLE review_removed_imports (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    row_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, row_hash)
) WITHOUT ROWID
