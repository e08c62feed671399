-- Which instance runs each background job (webhook delivery, the inbox, the email outbox, the
-- idle-conversation sweep, the retention purges): the holder renews its lease before every round
-- and every side effect; another instance takes it over only once it has run out. `token` (the
-- fencing token) grows by one at each change of holder.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    token      BIGINT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
