-- Why a queued message waits past the moment it was due, so the admin's Messages pages say
-- so rather than guess (model.next_try). 'quiet_hours': an SMS moved to the end of the
-- shopper's quiet hours, when it was queued (server/messages/sms_outbox.py) or when the
-- sender found it due in them (sender.Deferred). NULL: it waits for nothing but its time; a
-- retry's wait is told by its attempts and last error. Cleared when the message is claimed.
ALTER TABLE messages ADD COLUMN deferred_reason TEXT CHECK (deferred_reason IN ('quiet_hours'));

-- The SMS waiting for the quiet hours to end as this runs: those the sender deferred (it
-- wrote the wait in last_error, which is no error, so it leaves), and those queued at night,
-- due later than they were queued with no attempt made and no error (the recovery SMS, the
-- only kind, is queued due at once otherwise; a resent one keeps its last error).
UPDATE messages SET deferred_reason = 'quiet_hours', last_error = NULL
    WHERE state = 'queued' AND channel = 'sms'
        AND (last_error = 'Waiting for the end of the shopper''s quiet hours.'
             OR (attempts = 0 AND last_error IS NULL AND next_attempt_at > created_at));
