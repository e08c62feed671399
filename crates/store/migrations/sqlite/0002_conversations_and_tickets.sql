CREATE TABLE conversations (
    id               TEXT PRIMARY KEY,
    visitor_id       TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    last_activity_at TEXT NOT NULL,
    ended_at         TEXT,
    replies          INTEGER NOT NULL DEFAULT 0,
    message_count    INTEGER NOT NULL DEFAULT 0,
    has_ticket       BOOLEAN NOT NULL DEFAULT FALSE,
    state            TEXT NOT NULL
);
CREATE INDEX conversations_open ON conversations (last_activity_at) WHERE ended_at IS NULL;

CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    role            TEXT NOT NULL,
    text            TEXT,
    blocks          TEXT NOT NULL,
    at              TEXT NOT NULL,
    PRIMARY KEY (conversation_id, position)
);

CREATE TABLE tickets (
    reference       TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    conversation_id TEXT REFERENCES conversations (id),
    name            TEXT,
    email           TEXT NOT NULL,
    details         TEXT NOT NULL,
    transcript      TEXT NOT NULL,
    shortlist       TEXT NOT NULL,
    filters         TEXT NOT NULL,
    products_shown  TEXT NOT NULL
);
CREATE INDEX tickets_created ON tickets (created_at);

CREATE TABLE shortlist (
    visitor_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (visitor_id, product_id)
);

CREATE TABLE csat (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
    score           INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment         TEXT,
    at              TEXT NOT NULL
);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    route        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    status       INTEGER,
    response     TEXT,
    PRIMARY KEY (scope, route, key)
);

CREATE TABLE webhook_outbox (
    id              TEXT PRIMARY KEY,
    ticket_ref      TEXT NOT NULL REFERENCES tickets (reference),
    payload         TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    delivered_at    TEXT,
    last_error      TEXT
);
CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE delivered_at IS NULL AND next_attempt_at IS NOT NULL;
