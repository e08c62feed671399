-- What each shopper message was understood as, the last reply's outcome, staff's
-- "misunderstood" marks, and the full-text index the workspace searches conversations with.
ALTER TABLE conversations ADD COLUMN last_reply_answered BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX conversations_started ON conversations (started_at, id);

ALTER TABLE messages ADD COLUMN intent TEXT;
ALTER TABLE messages ADD COLUMN understood TEXT;
ALTER TABLE messages ADD COLUMN misunderstood BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX messages_intent ON messages (intent, conversation_id) WHERE intent IS NOT NULL;
CREATE INDEX messages_not_understood ON messages (at)
    WHERE intent = 'unknown' OR misunderstood;
-- Accents folded as `insight::FOLD` folds the searched words (SQLite's FTS5 does the same).
CREATE INDEX messages_text ON messages
    USING gin (to_tsvector('simple', translate(lower(text), 'àáâãäåèéêëìíîïòóôõöùúûüýÿçñ', 'aaaaaaeeeeiiiiooooouuuuyycn')))
    WHERE role = 'shopper';

CREATE INDEX csat_at ON csat (at);
CREATE INDEX tickets_conversation ON tickets (conversation_id);
