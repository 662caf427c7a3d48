-- Tenancy and revocable admin sessions.
-- A login reaches a store only through a membership: an owner manages members and the
-- store's checkout settings, staff work orders, products, discount codes and campaigns.

CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    store_id INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'staff')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, store_id)
);

CREATE INDEX memberships_by_store ON memberships (store_id);

-- Until now every login could reach every store: upgrading keeps exactly that, as owners.
-- A login is a member since it and the store both existed.
INSERT INTO memberships (user_id, store_id, role, created_at)
SELECT u.id, s.id, 'owner',
       CASE WHEN u.created_at > s.created_at THEN u.created_at ELSE s.created_at END
FROM users u CROSS JOIN stores s;

-- A signed-in admin session. The browser's cookie carries a random session id; only its
-- SHA-256 is kept here, so a copy of the database holds no usable session. Deleting the row
-- ends the session wherever the cookie went.
CREATE TABLE admin_sessions (
    id INTEGER PRIMARY KEY,
    sid_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    device TEXT NOT NULL DEFAULT ''  -- e.g. "Firefox on macOS", from the User-Agent at sign-in
);

CREATE INDEX admin_sessions_by_user ON admin_sessions (user_id);
