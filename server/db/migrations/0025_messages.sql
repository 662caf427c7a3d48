-- The outbox (issue 14): every message Keepcart sends (an email now; SMS and webhooks later),
-- written in the same transaction as the change that causes it and delivered afterwards by
-- the background sender (server/messages/). Rules and states: server/messages/model.py.

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    -- msg_…: the message's idempotency id, the same on every attempt (an email's Message-ID,
    -- a webhook's webhook-id, an SMS request's Idempotency-Key).
    public_id TEXT NOT NULL UNIQUE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    kind TEXT NOT NULL,  -- model.KINDS: order_confirmation, order_shipped, test, …
    recipient TEXT NOT NULL,  -- an email address (a phone number, an endpoint)
    -- What the message is rendered from besides the rows it links to (JSON object): the
    -- renderers read the order itself, so its personal data is not copied here.
    inputs TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN
        ('queued', 'sending', 'sent', 'failed', 'suppressed', 'unsent_no_server')),
    attempts INTEGER NOT NULL DEFAULT 0,  -- counted when an attempt starts (claimed)
    -- queued: when it is due; sending: when its claim's lease ends (a sender that died
    -- mid-attempt leaves it to be claimed again then). Unused in the final states.
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,  -- what the last attempt was told, for the merchant; never a secret
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    cart_id INTEGER REFERENCES carts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    sent_at INTEGER
);

-- What the sender looks for every second: the due rows, and only those.
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE state IN ('queued', 'sending');

-- The admin's Messages page, newest first, with or without a state filter.
CREATE INDEX messages_by_store ON messages (store_id, created_at, id);

CREATE INDEX messages_by_store_state ON messages (store_id, state, created_at, id);

-- One message of a kind per order and recipient, whatever writes it twice.
CREATE UNIQUE INDEX messages_once_per_order ON messages (order_id, kind, recipient)
    WHERE order_id IS NOT NULL;

-- Retention (maintenance) deletes final messages by age.
CREATE INDEX messages_by_age ON messages (created_at) WHERE state NOT IN ('queued', 'sending');

-- A store's email settings; a store without a row has the defaults (model.EmailSettings).
CREATE TABLE email_settings (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    sender_name TEXT NOT NULL DEFAULT '',  -- empty: the store's name
    sender_email TEXT NOT NULL DEFAULT '',  -- empty: the store's contact email
    accent_colour TEXT NOT NULL DEFAULT '#1f6f5c',
    updated_at INTEGER NOT NULL
);

-- Which kinds of message a store sends; a kind without a row has its default
-- (model.KINDS[kind].on_by_default).
CREATE TABLE message_switches (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (store_id, kind)
) WITHOUT ROWID;
