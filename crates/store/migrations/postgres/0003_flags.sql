CREATE TABLE flag_overrides (
    key                TEXT PRIMARY KEY,
    enabled            BOOLEAN,
    rollout_percentage INTEGER CHECK (rollout_percentage BETWEEN 0 AND 100),
    allowed_users      TEXT,
    updated_at         TIMESTAMPTZ NOT NULL,
    updated_by         TEXT NOT NULL
);

CREATE TABLE flag_audit (
    id     TEXT PRIMARY KEY,
    key    TEXT NOT NULL,
    at     TIMESTAMPTZ NOT NULL,
    actor  TEXT NOT NULL,
    before TEXT NOT NULL,
    after  TEXT NOT NULL
);
CREATE INDEX flag_audit_at ON flag_audit (at);
