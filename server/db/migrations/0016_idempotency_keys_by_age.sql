-- Idempotency keys are pruned a week after their reservation, a few hundred per transaction:
-- this index finds the oldest without reading the table (~1.2 KB a row, with its stored answer).

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (reserved_at)
