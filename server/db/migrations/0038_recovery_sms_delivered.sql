-- A reminder counts as delivered when its email or its SMS went (a checkout given by phone
-- alone has no email): the results' "delivered" and the click rate over it count both.

-- Each trigger body is one line: migrations are split into statements at ";" + newline.
CREATE TRIGGER recovery_step_texted AFTER UPDATE OF state ON messages WHEN new.state = 'sent' AND new.kind = 'recovery_sms' BEGIN
    UPDATE recovery_steps SET delivered_at = coalesce(delivered_at, new.sent_at) WHERE contact_id = json_extract(new.inputs, '$.contact') AND step = json_extract(new.inputs, '$.step'); END;

-- The texts sent before this migration: one pass over the outbox's SMS.
UPDATE recovery_steps SET delivered_at = texted.sent_at
    FROM (SELECT json_extract(inputs, '$.contact') AS contact_id, json_extract(inputs, '$.step') AS step, min(sent_at) AS sent_at
          FROM messages WHERE kind = 'recovery_sms' AND state = 'sent' GROUP BY 1, 2) AS texted
    WHERE recovery_steps.contact_id = texted.contact_id AND recovery_steps.step = texted.step
        AND recovery_steps.delivered_at IS NULL;
