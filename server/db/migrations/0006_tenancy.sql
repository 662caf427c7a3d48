-- Revocable admin sessions.

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
