-- Merchant webhooks (issue 14): endpoints a store posts its events to, following Standard
-- Webhooks. Each delivery is an outbox message (messages.channel = 'webhook', its recipient
-- the endpoint's public id); rules in server/webhooks/model.py.

CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,  -- ep_…, a message's recipient
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    event_types TEXT NOT NULL DEFAULT '',  -- space-separated: order.created order.paid …
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    disabled_reason TEXT,  -- why Keepcart disabled it (a 410, every delivery failing)
    -- The last delivery the endpoint answered with a 2xx: an endpoint with none since a
    -- message's first attempt, when that message fails for good, is disabled.
    last_success_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX webhook_endpoints_by_store ON webhook_endpoints (store_id, created_at);

-- An endpoint's signing secrets: the newest, and while a rotation overlaps, older ones until
-- their expiry. Every live secret signs each delivery (one v1,… each in webhook-signature).
CREATE TABLE webhook_secrets (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,  -- whsec_ + base64 of 32 random bytes
    created_at INTEGER NOT NULL,
    expires_at INTEGER  -- NULL: the current secret
);

CREATE INDEX webhook_secrets_by_endpoint ON webhook_secrets (endpoint_id, created_at);

-- The delivery log: one row per attempt (what the endpoint answered, how long it took, the
-- first bytes of its answer). Deleted with its message by the outbox's retention.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,  -- NULL: no answer (refused destination, timeout, connection error)
    error TEXT,  -- why the attempt failed, for the merchant; never a secret
    response_snippet TEXT NOT NULL DEFAULT ''  -- up to 500 bytes of the answer, as text
);

CREATE INDEX webhook_attempts_by_endpoint ON webhook_attempts (endpoint_id, started_at);

CREATE INDEX webhook_attempts_by_message ON webhook_attempts (message_id, attempt);

-- A store's webhook settings; a store without a row has the defaults (nothing private).
CREATE TABLE webhook_settings (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    -- Deliveries to loopback, private, link-local … addresses: off unless the owner allows
    -- them (a receiver on the shop's own network; the tests and the demo).
    allow_private_network INTEGER NOT NULL DEFAULT 0 CHECK (allow_private_network IN (0, 1)),
    updated_at INTEGER NOT NULL
);
