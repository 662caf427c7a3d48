-- foreign_keys: off
-- Reviews, after their read-only review (issue 12).

-- "Helpful" votes: one per review and visitor id, and one per review and client address. The
-- address is kept only as a keyed hash of the store and the address (HMAC under the app's
-- secret, server.security Purpose.HELPFUL_VOTER), never as itself; NULL on older votes.
ALTER TABLE review_votes ADD COLUMN address TEXT;

CREATE UNIQUE INDEX review_votes_one_per_address ON review_votes (review_id, address);

-- An address's votes of the last day (its daily cap).
CREATE INDEX review_votes_by_address ON review_votes (address, created_at)
