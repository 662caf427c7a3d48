-- Stores become editable after creation: a contact email and phone for the store (both
-- optional, empty until an owner sets them). And an index the admin's order page needs to
-- find which offers a shopper saw before ordering: exposures were only reachable by
-- campaign, so looking them up by visitor scanned every exposure of every campaign.

ALTER TABLE stores ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';

ALTER TABLE stores ADD COLUMN contact_phone TEXT NOT NULL DEFAULT '';

CREATE INDEX exposures_by_visitor ON exposures (visitor_id, created_at);
