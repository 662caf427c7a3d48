-- foreign_keys: off
-- Review 14, finding 3 (rest) and 4: a cart may hold more than one checkout contact. Once a
-- checkout is abandoned, a different email given for its cart starts a contact of its own
-- (the reminders already sent stay with the address they went to, and that sequence stops:
-- "replaced"), so a cart's rows are one per address given after an abandonment. At most one
-- of them is not yet abandoned, which is the one a capture updates. The table is rebuilt
-- (SQLite drops a column's UNIQUE only so); ids are kept, so the reminders, rebuilt carts and
-- webhooks that name a contact still do.
CREATE TABLE checkout_contacts_rebuilt (
    id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    cart_id INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
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
    stop_reason TEXT,  -- model.STOP_REASONS
    recovered_at INTEGER,
    -- The order that recovered it, written in that order's write (0032).
    recovered_order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL
);

INSERT INTO checkout_contacts_rebuilt (id, store_id, cart_id, email, wording, mode, phone,
    sms_consent_wording, cart_snapshot, created_at, updated_at, abandoned_at, holdout,
    next_step, next_due_at, stopped_at, stop_reason, recovered_at, recovered_order_id)
SELECT id, store_id, cart_id, email, wording, mode, phone, sms_consent_wording, cart_snapshot,
    created_at, updated_at, abandoned_at, holdout, next_step, next_due_at, stopped_at,
    stop_reason, recovered_at, recovered_order_id
FROM checkout_contacts;

DROP TABLE checkout_contacts;

ALTER TABLE checkout_contacts_rebuilt RENAME TO checkout_contacts;

-- A cart's contacts; the one not yet abandoned is the one a capture updates.
CREATE INDEX checkout_contacts_by_cart ON checkout_contacts (cart_id);

CREATE UNIQUE INDEX checkout_contacts_live ON checkout_contacts (cart_id)
    WHERE abandoned_at IS NULL;

-- The job's one look a second: due rows only.
CREATE INDEX checkout_contacts_due ON checkout_contacts (next_due_at)
    WHERE next_due_at IS NOT NULL;

-- "An order for that email stops the sequence", a shopper's export, one running sequence
-- per address and its daily cap.
CREATE INDEX checkout_contacts_by_email ON checkout_contacts (store_id, email);

-- The results page, by when checkouts were abandoned.
CREATE INDEX checkout_contacts_abandoned ON checkout_contacts (store_id, abandoned_at)
    WHERE abandoned_at IS NOT NULL;

-- The retention sweep (0031).
CREATE INDEX checkout_contacts_ended
    ON checkout_contacts (coalesce(stopped_at, abandoned_at, updated_at))
    WHERE next_due_at IS NULL
        AND (email IS NOT NULL OR phone IS NOT NULL OR cart_snapshot <> '[]');
