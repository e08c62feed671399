-- Per-minute aggregates every instance writes for the workspace's analytics (each instance its
-- own rows, rewritten while the minute is recent), and their per-day sums, rolled up once a
-- day has closed and kept after the minutes are purged. A day's row with series `_rolled`
-- marks it rolled up.
CREATE TABLE metric_minutes (
    minute   BIGINT NOT NULL,
    series   TEXT NOT NULL,
    label    TEXT NOT NULL,
    instance TEXT NOT NULL,
    value    BIGINT NOT NULL,
    PRIMARY KEY (minute, series, label, instance)
);

CREATE TABLE metric_days (
    day    BIGINT NOT NULL,
    series TEXT NOT NULL,
    label  TEXT NOT NULL,
    value  BIGINT NOT NULL,
    PRIMARY KEY (day, series, label)
);
