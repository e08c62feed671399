-- Rate limits every instance shares (GCRA): each key's theoretical arrival time, in nanoseconds
-- since the epoch, with the interval and tolerance of its rate. Unlogged: no WAL and no fsync on
-- the shopper API's hottest write; a crash of the database server forgets them, which only
-- gives every key a fresh budget. Rows whose time has passed are deleted every minute.
CREATE UNLOGGED TABLE rate_limits (
    key       TEXT PRIMARY KEY,
    tat       BIGINT NOT NULL,
    interval_ns  BIGINT NOT NULL,
    tolerance_ns BIGINT NOT NULL
);
