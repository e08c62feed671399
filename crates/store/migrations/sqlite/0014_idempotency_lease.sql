-- A claimed idempotency key is held by one request (`token`) until `locked_until`: a retry
-- after a crash runs the request again once the lease has run out, and the answer is recorded
-- only by the request that still holds the claim, in the transaction that makes its effect.
ALTER TABLE idempotency_keys ADD COLUMN token TEXT;
ALTER TABLE idempotency_keys ADD COLUMN locked_until TEXT;
