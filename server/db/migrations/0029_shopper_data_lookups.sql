-- What finding and erasing one shopper's data look up (server/privacy), by index.

-- Survey responses that gave an email (an email question answered with consent), by that
-- email: only those answers, so the index stays small, and an erasure's write finds them
-- without walking every response of the store.
CREATE INDEX survey_answers_by_email ON survey_answers (text) WHERE consent IS NOT NULL;

-- Messages sent to a shopper that no order of theirs names (a cart's recovery email or SMS),
-- by their address.
CREATE INDEX messages_by_recipient ON messages (store_id, recipient);
