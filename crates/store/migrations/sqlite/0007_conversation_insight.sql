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

-- Shopper messages only, kept in step with `messages` by the triggers (external content).
CREATE VIRTUAL TABLE messages_text USING fts5 (
    text, content = 'messages', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_text_insert AFTER INSERT ON messages WHEN new.role = 'shopper' BEGIN
    INSERT INTO messages_text (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER messages_text_delete AFTER DELETE ON messages WHEN old.role = 'shopper' BEGIN
    INSERT INTO messages_text (messages_text, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
INSERT INTO messages_text (rowid, text) SELECT rowid, text FROM messages WHERE role = 'shopper';

CREATE INDEX csat_at ON csat (at);
CREATE INDEX tickets_conversation ON tickets (conversation_id);
