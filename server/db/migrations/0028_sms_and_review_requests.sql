-- SMS and review requests (issue 14): a store's delays for its review request and reminder,
-- and the quiet hours its SMS keep (model.EmailSettings holds the defaults and their words).

-- Days after an order is marked fulfilled that its review request is due; days after that
-- its one reminder is due (0: no reminder).
ALTER TABLE email_settings ADD COLUMN review_request_days INTEGER NOT NULL DEFAULT 7
    CHECK (review_request_days BETWEEN 0 AND 90);
ALTER TABLE email_settings ADD COLUMN review_reminder_days INTEGER NOT NULL DEFAULT 7
    CHECK (review_reminder_days BETWEEN 0 AND 90);

-- SMS go only from sms_quiet_end to sms_quiet_start, in minutes of the shopper's day.
ALTER TABLE email_settings ADD COLUMN sms_quiet_end INTEGER NOT NULL DEFAULT 480
    CHECK (sms_quiet_end BETWEEN 0 AND 1439);
ALTER TABLE email_settings ADD COLUMN sms_quiet_start INTEGER NOT NULL DEFAULT 1260
    CHECK (sms_quiet_start BETWEEN 0 AND 1439);

-- At most one recovery SMS per cart in 48 hours: the cart's messages of a kind, at hand.
CREATE INDEX messages_by_cart ON messages (cart_id, kind) WHERE cart_id IS NOT NULL;
