-- Invitations: an owner invites an email to a store, and the login with that email becomes a
-- member only when it accepts. Until then the store is not theirs to see, and the owner's
-- answer is the same whether or not the email has a login (no way to probe for accounts).
-- AUTOINCREMENT: an id is never reused, so an Accept button left open on a page for an
-- invitation since cancelled can never accept a later one that happens to take its id.

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    email TEXT NOT NULL,  -- lower-cased by server.emails.normalize_email, as logins' are
    role TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    invited_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (store_id, email)
);

-- A login's Stores page lists the invitations waiting for its email.
CREATE INDEX invitations_by_email ON invitations (email);
