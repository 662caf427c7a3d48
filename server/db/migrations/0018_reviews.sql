-- Reviews (issue 12). A review comes from one order line (source 'order': its order and
-- product, one review per line) or was imported by the merchant from another platform
-- (source 'imported': no order line, labelled so). Every review is published by the same rule
-- whatever its rating; it can be hidden only for a reason from a fixed list, and every
-- decision (and each publication) is kept in review_moderation.

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,                 -- rev_…
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id),
    source TEXT NOT NULL CHECK (source IN ('order', 'imported')),
    order_id INTEGER,                               -- with product_id: the order line
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title TEXT NOT NULL DEFAULT '' CHECK (length(title) <= 120),
    body TEXT NOT NULL DEFAULT '' CHECK (length(body) <= 5000),
    display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 60),
    status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'hidden')),
    hidden_reason TEXT CHECK (hidden_reason IN ('personal_data', 'abusive', 'off_topic', 'not_about_product')),
    helpful INTEGER NOT NULL DEFAULT 0 CHECK (helpful >= 0),  -- rows of review_votes, kept
    reply TEXT CHECK (length(reply) BETWEEN 1 AND 2000),
    reply_at INTEGER,
    created_at INTEGER NOT NULL,                    -- an imported review: its original date
    UNIQUE (order_id, product_id),
    FOREIGN KEY (order_id, product_id) REFERENCES order_items (order_id, product_id) ON DELETE CASCADE,
    CHECK ((source = 'order') = (order_id IS NOT NULL)),
    CHECK ((status = 'hidden') = (hidden_reason IS NOT NULL)),
    CHECK ((reply IS NULL) = (reply_at IS NULL))
);

-- A product's published reviews, newest first (the public list, its summary, the JSON-LD).
CREATE INDEX reviews_by_product ON reviews (product_id, status, created_at);
-- The admin's list, newest first, filtered or not.
CREATE INDEX reviews_by_store ON reviews (store_id, created_at);

-- "Helpful" votes: one per visitor id and review.
CREATE TABLE review_votes (
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    visitor_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (review_id, visitor_id)
) WITHOUT ROWID;

-- The moderation log: every publication, import, hide (with its reason), unhide and reply,
-- by whom (a member; NULL for a publication, which no one decides) and when. Never updated.
CREATE TABLE review_moderation (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN ('publish', 'import', 'hide', 'unhide', 'reply', 'remove_reply')),
    reason TEXT CHECK (reason IN ('personal_data', 'abusive', 'off_topic', 'not_about_product')),
    detail TEXT NOT NULL DEFAULT '',                -- a reply's text as written
    user_id INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    CHECK ((action = 'hide') = (reason IS NOT NULL))
);

CREATE INDEX review_moderation_by_review ON review_moderation (review_id, id);
CREATE INDEX review_moderation_by_store ON review_moderation (store_id, id)
