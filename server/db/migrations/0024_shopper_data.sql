-- One shopper's data, exported and erased per shopper (DESIGN's contract; server/privacy).

-- When an order's personal details (email, phone, name, street address, card digits,
-- visitor id) were erased at its shopper's request; NULL while they are there. The order
-- itself stays: its lines, amounts, number, status and dates are the store's accounts.
ALTER TABLE orders ADD COLUMN erased_at INTEGER;

-- Each erasure, for the store's own record of what it did and when: who did it and how many
-- rows of each kind went. Never the shopper's email or visitor id: the record would
-- otherwise keep what was erased.
CREATE TABLE shopper_erasures (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    counts TEXT NOT NULL CHECK (json_valid(counts)),  -- {kind: rows}, server/privacy/model.py
    created_at INTEGER NOT NULL
);

CREATE INDEX shopper_erasures_by_store ON shopper_erasures (store_id, id);

-- What finding one shopper reads: their "email me my cart" requests by email (the table had
-- no index at all), and the rows that hang off their orders (so far reached only by a scan;
-- an order's page reads its history by order too).
CREATE INDEX email_consents_by_email ON email_consents (store_id, email);

CREATE INDEX discount_redemptions_by_order ON discount_redemptions (order_id);

CREATE INDEX order_events_by_order ON order_events (order_id, id);

CREATE INDEX idempotency_keys_by_order ON idempotency_keys (order_id) WHERE order_id IS NOT NULL
