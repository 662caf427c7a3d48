-- Cart recovery wired to SMS and webhooks (issue 14, part 5).

-- The words of the checkout's "text me a reminder" box, per store; NULL: the default
-- (server.recovery.model.DEFAULT_SMS_CONSENT).
ALTER TABLE recovery_settings ADD COLUMN sms_text TEXT;

-- When an order recovered this abandoned checkout (the first order within the attribution
-- window for its cart, a cart its link built, or its email): set once, in that order's
-- write, which emits checkout.recovered then.
ALTER TABLE checkout_contacts ADD COLUMN recovered_at INTEGER;
