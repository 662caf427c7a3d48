-- foreign_keys: off
-- An Idempotency-Key is reserved before the payment is authorized: its row exists from then
-- on, 'in_flight' (no order or answer yet) until the order is written ('completed'), or is
-- deleted when the order can't be placed. Any process sharing the database sees the
-- reservation, so two requests with one key never both authorize a payment. `attempt` names
-- the request holding the reservation: a request whose reservation was taken over (abandoned
-- for too long) finds it no longer its own and voids its payment instead of ordering.
-- The table is rebuilt (SQLite's documented procedure) because order_id and response become
-- optional; the rows already there are completed checkouts.

CREATE TABLE idempotency_keys_rebuilt (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('in_flight', 'completed')),
    attempt TEXT,
    reserved_at INTEGER NOT NULL,
    order_id INTEGER REFERENCES orders (id) ON DELETE CASCADE,
    response TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, key),
    CHECK (state = 'completed' OR attempt IS NOT NULL),
    CHECK (state = 'in_flight' OR (order_id IS NOT NULL AND response IS NOT NULL))
);

INSERT INTO idempotency_keys_rebuilt (store_id, key, request_hash, state, attempt, reserved_at,
    order_id, response, created_at)
SELECT store_id, key, request_hash, 'completed', NULL, created_at, order_id, response, created_at
FROM idempotency_keys;

DROP TABLE idempotency_keys;

ALTER TABLE idempotency_keys_rebuilt RENAME TO idempotency_keys;

-- The payment provider's reference for the order's authorization (what a refund or a capture
-- names, and how an authorization is matched to its order). NULL on orders placed before.
ALTER TABLE orders ADD COLUMN payment_reference TEXT
