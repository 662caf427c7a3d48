-- Stores (tenants), their allowed origins, merchant logins and the event log.
-- Times are UTC: *_at columns hold milliseconds since the Unix epoch.

CREATE TABLE stores (
    id INTEGER PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    locale TEXT NOT NULL,
    timezone TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE store_origins (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    PRIMARY KEY (store_id, origin)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    url TEXT NOT NULL,
    referrer TEXT NOT NULL,
    visitor_id TEXT,
    session_id TEXT NOT NULL,
    props TEXT NOT NULL
);

CREATE INDEX events_by_store_time ON events (store_id, received_at);
