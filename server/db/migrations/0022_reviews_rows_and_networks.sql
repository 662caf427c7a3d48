-- Reviews, after their second read-only review's fixes (issue 12).

-- An imported review's row of its file, as SHA-256 of the store, the product, the rating, the
-- words, the name and the date AS WRITTEN IN THE FILE (server.reviews.importing.row_hash),
-- computed once at import. It is what a re-import compares (so neither a change of the
-- store's timezone nor a key rotation makes a row new again), and what a removal at the
-- writer's request leaves behind (review_removed_imports). NULL for a review written through
-- an order's link, for a review removed at its writer's request (its tombstone holds it),
-- and for one imported before this migration: SQLite can compute neither SHA-256 nor the
-- store's local date, so those are derived when read (from the date in the store's timezone,
-- which reads the same as the file's date because imported reviews are dated noon).
ALTER TABLE reviews ADD COLUMN import_row_hash TEXT;

-- A helpful vote's network: for an IPv6 client, a keyed hash of its /48 (a site's prefix,
-- which one person can hold whole), counted against a second, higher daily cap. NULL for an
-- IPv4 client (its address is its network) and for votes cast before this migration.
ALTER TABLE review_votes ADD COLUMN network TEXT;

CREATE INDEX review_votes_by_network ON review_votes (network, created_at)
    WHERE network IS NOT NULL
