-- Orders from a store's platform: when the source last changed each one (an older delivery or
-- file never overwrites a newer one) and the platform's id for it (fulfilments name it).
ALTER TABLE orders ADD COLUMN updated_at TEXT;
ALTER TABLE orders ADD COLUMN platform_id TEXT;
UPDATE orders SET updated_at = placed_at;
CREATE INDEX orders_by_platform_id ON orders (platform_id);
CREATE INDEX orders_by_placed_at ON orders (placed_at);

-- Every webhook a platform sends, written before it is answered and processed from here.
CREATE TABLE integration_inbox (
    id              TEXT PRIMARY KEY,
    source          TEXT NOT NULL,
    delivery_id     TEXT NOT NULL,
    topic           TEXT NOT NULL,
    body            TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until   TEXT,
    processed_at    TEXT,
    failure         TEXT,
    last_error      TEXT,
    UNIQUE (source, delivery_id)
);
CREATE INDEX integration_inbox_due ON integration_inbox (next_attempt_at) WHERE processed_at IS NULL;
CREATE INDEX integration_inbox_processed ON integration_inbox (processed_at) WHERE processed_at IS NOT NULL;
-- The set-aside gauge counts these; without the index it would read a week of deliveries.
CREATE INDEX integration_inbox_failed ON integration_inbox (processed_at) WHERE failure IS NOT NULL;

-- When the platform last changed each product, as its webhooks say: an older delivery, or one
-- after the product was deleted, changes nothing.
CREATE TABLE product_sync (
    platform_id TEXT PRIMARY KEY,
    updated_at  TEXT NOT NULL,
    deleted     BOOLEAN NOT NULL
);

-- API tokens, by the SHA-256 of their secret.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    user_id      TEXT,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
