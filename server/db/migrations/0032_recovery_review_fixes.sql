-- Review 14's recovery fixes.

-- A recovery link's claim (server/recovery/links.py) is exchanged once for the cart it
-- builds: its random id, kept with that cart. Rows from before have none.
ALTER TABLE recovered_carts ADD COLUMN claim TEXT;

CREATE UNIQUE INDEX recovered_carts_by_claim ON recovered_carts (claim) WHERE claim IS NOT NULL;

-- Every claim exchanged, whatever came of it (a cart built, the shopper's own cart given the
-- reminder's code, or kept): each counts its click once. Pruned past the claim's minutes.
CREATE TABLE recovery_claims_used (claim TEXT PRIMARY KEY, used_at INTEGER NOT NULL) WITHOUT ROWID;

CREATE INDEX recovery_claims_used_by_age ON recovery_claims_used (used_at);

-- Orders credited to the checkout they recovered: rebuilt carts by the cart they came from.
CREATE INDEX recovered_carts_by_source ON recovered_carts (source_cart_id);

-- The order that recovered a checkout, written once in that order's write (server/recovery/
-- webhook_data.attribute_order): the results read it by id, so a recovery stays counted once
-- the retention or an erasure clears the contact's email. A checkout from before gets the
-- order the results matched it to then: the first paid or fulfilled order within 30 days
-- (model.ATTRIBUTION_MS) for its cart, a cart its link built, or its email.
ALTER TABLE checkout_contacts ADD COLUMN recovered_order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL;

UPDATE checkout_contacts SET recovered_order_id = (SELECT o.id FROM orders o WHERE o.store_id = checkout_contacts.store_id AND o.created_at >= checkout_contacts.abandoned_at AND o.created_at < checkout_contacts.abandoned_at + 2592000000 AND o.status IN ('paid', 'fulfilled') AND (o.cart_id = checkout_contacts.cart_id OR o.cart_id IN (SELECT r.cart_id FROM recovered_carts r WHERE r.contact_id = checkout_contacts.id) OR (checkout_contacts.email IS NOT NULL AND o.email = checkout_contacts.email)) ORDER BY o.created_at, o.id LIMIT 1)
    WHERE abandoned_at IS NOT NULL;

UPDATE checkout_contacts SET recovered_at = coalesce(recovered_at, (SELECT o.created_at FROM orders o WHERE o.id = recovered_order_id))
    WHERE recovered_order_id IS NOT NULL;

-- Each reminder keeps the address it went to (an unsubscribe takes that address off the
-- list, whatever the checkout holds since) and when it was delivered: the outbox prunes its
-- messages after 90 days, and the results still count what was delivered.
ALTER TABLE recovery_steps ADD COLUMN sent_to TEXT;

ALTER TABLE recovery_steps ADD COLUMN delivered_at INTEGER;

-- An erasure finds the reminders sent to the address (a checkout's email can change since).
CREATE INDEX recovery_steps_by_address ON recovery_steps (sent_to) WHERE sent_to IS NOT NULL;

UPDATE recovery_steps SET
    sent_to = (SELECT m.recipient FROM messages m WHERE m.public_id = recovery_steps.message_public_id),
    delivered_at = (SELECT m.sent_at FROM messages m WHERE m.public_id = recovery_steps.message_public_id AND m.state = 'sent');

CREATE INDEX recovery_steps_by_message ON recovery_steps (message_public_id);

-- Each trigger body is one line: migrations are split into statements at ";" + newline.
CREATE TRIGGER recovery_step_delivered AFTER UPDATE OF state ON messages WHEN new.state = 'sent' AND new.kind = 'recovery' BEGIN
    UPDATE recovery_steps SET delivered_at = coalesce(delivered_at, new.sent_at) WHERE message_public_id = new.public_id; END;

-- Stores that existed before recovery had no say in it: off until their owner chooses
-- (a store made from now on has no row, so the defaults: consent mode). The texts are
-- model.DEFAULT_NOTICE and DEFAULT_CONSENT; steps '[]' reads back as the default steps.
INSERT INTO recovery_settings (store_id, mode, notice_text, consent_text, shop_url, holdout_percent, steps, updated_at)
    SELECT s.id, 'off', 'If you leave before paying, we may email you a reminder of your cart. Every reminder has a link to unsubscribe.', 'Email me a reminder of my cart if I don’t finish my order.', '', 10, '[]', 0
    FROM stores s WHERE NOT EXISTS (SELECT 1 FROM recovery_settings r WHERE r.store_id = s.id);
