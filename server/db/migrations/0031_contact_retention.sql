-- A checkout contact's details are kept until a while after its sequence ended
-- (server/privacy/retention.py): the hourly maintenance finds the rows still holding any, by
-- when their sequence ended, without walking every contact of every store. Erased and
-- cleared rows leave the index.
CREATE INDEX checkout_contacts_ended
    ON checkout_contacts (coalesce(stopped_at, abandoned_at, updated_at))
    WHERE next_due_at IS NULL
        AND (email IS NOT NULL OR phone IS NOT NULL OR cart_snapshot <> '[]');
