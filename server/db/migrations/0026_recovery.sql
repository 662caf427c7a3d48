-- Abandoned-checkout recovery (issue 14): the email a shopper gave in checkout, with the
-- exact wording they were shown; the reminder sequence each abandoned checkout runs; the
-- carts its signed link rebuilt; and the per-store list of addresses that asked for no more
-- marketing. Rules: server/recovery/model.py.

-- A store's recovery settings; a store without a row has the defaults (model.DEFAULTS).
CREATE TABLE recovery_settings (
    store_id INTEGER PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('off', 'notice', 'consent')),
    notice_text TEXT NOT NULL,
    consent_text TEXT NOT NULL,
    shop_url TEXT NOT NULL DEFAULT '',  -- where a recovery link lands; empty: the first origin
    holdout_percent INTEGER NOT NULL CHECK (holdout_percent BETWEEN 0 AND 50),
    steps TEXT NOT NULL,  -- JSON list of up to 3 steps (model.Step)
    updated_at INTEGER NOT NULL
);

-- What a shopper gave in checkout for their cart, one row per cart. The SMS columns are the
-- SMS sender's (issue 14, part 4). ``email`` is NULL once the shopper took their consent
-- back (consent mode, box unticked) while the row is kept for an abandonment it counts in.
CREATE TABLE checkout_contacts (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    cart_id INTEGER NOT NULL UNIQUE REFERENCES carts (id) ON DELETE CASCADE,
    email TEXT,  -- normalised (server.emails.normalize_email)
    wording TEXT,  -- the exact notice or consent text shown with it
    mode TEXT CHECK (mode IN ('notice', 'consent')),
    phone TEXT,
    sms_consent_wording TEXT,
    -- The cart's lines when it was abandoned (JSON: sku, name, quantity, unit_price), so a
    -- rebuilt cart can say which price changed since.
    cart_snapshot TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    -- The sequence. ``next_due_at``: when the job next looks at this row (step 1's delay
    -- after capture, then each later step's); NULL once stopped or finished.
    abandoned_at INTEGER,
    holdout INTEGER NOT NULL DEFAULT 0 CHECK (holdout IN (0, 1)),
    next_step INTEGER NOT NULL DEFAULT 1,
    next_due_at INTEGER,
    stopped_at INTEGER,
    stop_reason TEXT  -- model.STOP_REASONS
);

-- The job's one look a second: due rows only.
CREATE INDEX checkout_contacts_due ON checkout_contacts (next_due_at)
    WHERE next_due_at IS NOT NULL;

-- "An order for that email stops the sequence", and a shopper's export.
CREATE INDEX checkout_contacts_by_email ON checkout_contacts (store_id, email);

-- The results page, by when checkouts were abandoned.
CREATE INDEX checkout_contacts_abandoned ON checkout_contacts (store_id, abandoned_at)
    WHERE abandoned_at IS NOT NULL;

-- Each reminder written: its message, its incentive code, and the clicks on its link.
CREATE TABLE recovery_steps (
    contact_id INTEGER NOT NULL REFERENCES checkout_contacts (id) ON DELETE CASCADE,
    step INTEGER NOT NULL CHECK (step BETWEEN 1 AND 3),
    message_public_id TEXT,  -- its msg_… (the outbox prunes old messages; this stays)
    discount_id INTEGER REFERENCES discounts (id) ON DELETE SET NULL,
    written_at INTEGER NOT NULL,
    clicks INTEGER NOT NULL DEFAULT 0,
    first_click_at INTEGER,
    PRIMARY KEY (contact_id, step)
) WITHOUT ROWID;

-- A cart a recovery link built, from which cart, and what the shopper is told about it once
-- (a price changed, an item gone): JSON list of sentences.
CREATE TABLE recovered_carts (
    cart_id INTEGER PRIMARY KEY REFERENCES carts (id) ON DELETE CASCADE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    source_cart_id INTEGER REFERENCES carts (id) ON DELETE SET NULL,
    contact_id INTEGER REFERENCES checkout_contacts (id) ON DELETE SET NULL,
    step INTEGER,
    notices TEXT NOT NULL DEFAULT '[]',
    notices_shown INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

CREATE INDEX recovered_carts_by_contact ON recovered_carts (contact_id);

-- Addresses a store sends no more marketing to (an unsubscribe); transactional emails (an
-- order's) still go. ``step``: the reminder whose link unsubscribed, for the results.
CREATE TABLE email_suppressions (
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    step INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (store_id, email)
) WITHOUT ROWID;
