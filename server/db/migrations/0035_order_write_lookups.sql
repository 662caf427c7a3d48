-- What an order's write and the outbox's claim look up, by index: both hold the one write
-- connection every order waits for.

-- The webhook lane's "a delivery to this endpoint already in flight?": the few messages
-- sending now, not every delivery ever made to the endpoint (messages_by_recipient).
CREATE INDEX messages_sending ON messages (store_id, recipient, next_attempt_at)
    WHERE state = 'sending';

-- "An order followed for this cart": a reminder falling due, and a reminder shown.
CREATE INDEX orders_by_cart ON orders (cart_id) WHERE cart_id IS NOT NULL;
