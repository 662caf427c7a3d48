-- Review 14, finding 7: an unsubscribe link works for ever (server/recovery/links.py), but the
-- retention (30 days after a sequence ended) and an erasure clear the address each reminder
-- went to. ``sent_to_hash`` keeps what the link needs without keeping the address: its keyed
-- hash, spelt as an erased suppression holds it (server/messages/suppression.py: 'hmac:' and
-- the HMAC under the app's newest key), written when ``sent_to`` is cleared. A link then puts
-- that hash on the store's list. Reminders cleared before this migration have neither: their
-- link says it can no longer unsubscribe anyone.
ALTER TABLE recovery_steps ADD COLUMN sent_to_hash TEXT;
